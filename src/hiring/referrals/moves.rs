//! Moving a referral along the pipeline: interview, hire (which makes a placement), rejection, withdrawal.

use super::*;
use crate::domain::poverty::HouseholdStatus;
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus};

/// `PATCH /api/v1/referrals/{id}`: move a referral on; a hire makes the placement.
pub fn change(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    change: ReferralChange,
) -> Result<ReferralView, AppError> {
    let mut checks = Checks::default();
    let status: Option<ReferralStatus> = checks.one_of("status", &change.status, STATUSES);
    let rejection_reason: Option<RejectionReason> =
        match (status, change.rejection_reason.as_deref()) {
            (Some(ReferralStatus::Rejected), Some(reason)) => {
                checks.one_of("rejection_reason", reason, REJECTION_REASONS)
            }
            (Some(ReferralStatus::Rejected), None) => {
                checks.fail("rejection_reason", "required");
                None
            }
            (_, Some(_)) => {
                checks.fail("rejection_reason", "only_when_rejected");
                None
            }
            _ => None,
        };
    let status_note = note(&mut checks, change.note.as_deref());
    let start_date = change.start_date.as_deref().and_then(|raw| {
        crate::domain::values::date(raw)
            .map_err(|code| checks.fail("start_date", code))
            .ok()
    });
    let interview_at = match (status, change.interview_at.as_deref()) {
        (Some(ReferralStatus::Interview), Some(raw)) => interview_time(raw)
            .map_err(|code| checks.fail("interview_at", code))
            .ok(),
        (_, Some(_)) => {
            checks.fail("interview_at", "only_when_interview");
            None
        }
        _ => None,
    };
    if let Some(wage) = change.wage_vnd {
        checks.amount("wage_vnd", wage);
    }
    let reason = change
        .reason
        .as_deref()
        .and_then(|raw| checks.text("reason", raw, 500, false));
    checks.finish()?;
    let status = status.ok_or_else(|| AppError::field("status", "invalid_choice"))?;
    let referral = find(connection, id)?.ok_or(AppError::NotFound)?;
    let is_employer = check_reach(connection, principal, &referral)?;
    let Some((_, employer_may)) = referral
        .status
        .next()
        .iter()
        .find(|(next, _)| *next == status)
    else {
        return Err(AppError::Conflict("invalid_status_change"));
    };
    if is_employer && !employer_may {
        return Err(AppError::Forbidden);
    }
    if referral.status == ReferralStatus::Hired && reason.is_none() {
        return Err(AppError::field("reason", "required"));
    }
    let now = accounts::now();
    connection.write_transaction(|connection| {
        // Written first: serialises every hire and withdrawal of this vacancy.
        diesel::update(vacancies::table.find(&referral.vacancy_id))
            .set(vacancies::updated_at.eq(now))
            .execute(connection)?;
        // Re-read under the lock: another request may have moved it meanwhile.
        let current = find(connection, id)?.ok_or(AppError::NotFound)?;
        if current.status != referral.status {
            return Err(AppError::Conflict("invalid_status_change"));
        }
        match status {
            ReferralStatus::Hired => {
                let start_date = start_date.unwrap_or(now.date());
                hire(
                    connection,
                    principal,
                    &current,
                    start_date,
                    change.wage_vnd,
                    now,
                )?;
                mail::events::hired(
                    connection,
                    &current.vacancy_id,
                    &current.worker_id,
                    start_date,
                    change.wage_vnd,
                    now,
                )?;
            }
            ReferralStatus::Interview => {
                diesel::update(referrals::table.find(id))
                    .set(referrals::interview_at.eq(interview_at))
                    .execute(connection)?;
                mail::events::interview(
                    connection,
                    &current.vacancy_id,
                    &current.worker_id,
                    interview_at,
                    &status_note,
                    now,
                )?;
            }
            ReferralStatus::Referred => {
                // A profile reaches an employer only with the worker's consent.
                let consent: bool = workers::table
                    .find(&current.worker_id)
                    .select(workers::consent_to_share)
                    .first(connection)?;
                if !consent {
                    return Err(AppError::field("status", "no_consent"));
                }
                mail::events::referred(
                    connection,
                    &current.id,
                    &current.vacancy_id,
                    &current.worker_id,
                    &current.employer_explanation,
                    &status_note,
                    now,
                )?;
            }
            ReferralStatus::Withdrawn if current.status == ReferralStatus::Hired => withdraw_hire(
                connection,
                &current,
                reason.as_deref().unwrap_or_default(),
                now,
            )?,
            _ => {}
        }
        if current.status == ReferralStatus::Shortlisted && status == ReferralStatus::Referred {
            diesel::update(referrals::table.find(id))
                .set(referrals::shared_at.eq(now))
                .execute(connection)?;
        }
        diesel::update(referrals::table.find(id))
            .set((
                referrals::status.eq(status),
                referrals::rejection_reason.eq(rejection_reason),
                referrals::status_note.eq(&status_note),
                referrals::status_changed_at.eq(now),
                referrals::updated_at.eq(now),
            ))
            .execute(connection)?;
        effects::referral(
            connection,
            id,
            &current.worker_id,
            Some(&current.vacancy_id),
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &["status"],
                at: now,
            },
        )?;
        let stored = find(connection, id)?.ok_or(AppError::NotFound)?;
        Ok(view(connection, principal, stored)?)
    })
}

/// The placement of a hire, with its snapshots and follow-ups; the worker becomes employed
/// and the vacancy fills when its positions are taken.
pub(super) fn hire(
    connection: &mut DbConn,
    principal: &Principal,
    referral: &Referral,
    start_date: NaiveDate,
    wage_vnd: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (employer_id, positions, overseas, country): (String, i32, bool, Option<String>) =
        vacancies::table
            .find(&referral.vacancy_id)
            .select((
                vacancies::employer_id,
                vacancies::positions,
                vacancies::is_overseas,
                vacancies::country,
            ))
            .first(connection)?;
    let taken: i64 = placements::table
        .filter(placements::vacancy_id.eq(&referral.vacancy_id))
        .filter(placements::status.eq("active"))
        .count()
        .get_result(connection)?;
    if taken >= i64::from(positions) {
        return Err(AppError::Conflict("vacancy_full"));
    }
    let (commune_id, household_id): (String, Option<String>) = workers::table
        .find(&referral.worker_id)
        .select((workers::commune_id, workers::household_id))
        .first(connection)?;
    let household_status: Option<HouseholdStatus> = match &household_id {
        Some(household) => households::table
            .find(household)
            .select(households::status)
            .first::<HouseholdStatus>(connection)
            .optional()?,
        None => None,
    };
    let poor_area = progress::facts::poor_area(connection, &commune_id)?;
    let placement = NewPlacement {
        id: new_id().into(),
        referral_id: Some(referral.id.clone()),
        worker_id: referral.worker_id.clone(),
        vacancy_id: referral.vacancy_id.clone(),
        employer_id,
        start_date,
        wage_vnd,
        is_overseas: overseas,
        country,
        household_status_snapshot: household_status,
        poor_area_snapshot: poor_area,
        commune_id_snapshot: commune_id,
        status: PlacementStatus::Active,
        withdrawn_reason: None,
        withdrawn_at: None,
        confirmed_by: Some(principal.user_id.clone()),
        confirmed_at: now,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(placements::table)
        .values(&placement)
        .execute(connection)?;
    let follow_ups: Vec<NewFollowUp> = [3, 6, 12]
        .into_iter()
        .map(|months| NewFollowUp {
            id: new_id().into(),
            placement_id: placement.id.clone(),
            months_after_start: months,
            due_on: start_date
                .checked_add_months(Months::new(months as u32))
                .unwrap_or(start_date),
            outcome: FollowUpOutcome::Pending,
            left_reason: None,
            note: String::new(),
            recorded_on: None,
            recorded_by: None,
            created_at: now,
            updated_at: now,
        })
        .collect();
    for follow_up in &follow_ups {
        diesel::insert_into(follow_ups::table)
            .values(follow_up)
            .execute(connection)?;
    }
    diesel::update(workers::table.find(&referral.worker_id))
        .set((
            workers::availability.eq("employed"),
            workers::updated_at.eq(now),
        ))
        .execute(connection)?;
    if taken + 1 >= i64::from(positions) {
        diesel::update(vacancies::table.find(&referral.vacancy_id))
            .set(vacancies::status.eq("filled"))
            .execute(connection)?;
    }
    audit::record(
        connection,
        &principal.actor(),
        "create",
        "placement",
        &[placement.id.to_string()],
        &["household_status_snapshot", "poor_area_snapshot"],
        now,
    )?;
    Ok(())
}

/// Reverses a hire: the placement is withdrawn with its reason (and counts nowhere), its
/// pending follow-ups go, the worker seeks work again unless placed elsewhere, and a filled
/// vacancy reopens.
pub(super) fn withdraw_hire(
    connection: &mut DbConn,
    referral: &Referral,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let departed: i64 = overseas_stages::table
        .filter(overseas_stages::referral_id.eq(&referral.id))
        .filter(overseas_stages::stage.eq("departure"))
        .count()
        .get_result(connection)?;
    if departed > 0 {
        return Err(AppError::Conflict("already_departed"));
    }
    let placement_id: String = placements::table
        .filter(placements::referral_id.eq(&referral.id))
        .filter(placements::status.eq("active"))
        .select(placements::id)
        .first(connection)?;
    diesel::update(placements::table.find(&placement_id))
        .set((
            placements::status.eq("withdrawn"),
            placements::withdrawn_reason.eq(reason),
            placements::withdrawn_at.eq(now),
            placements::updated_at.eq(now),
        ))
        .execute(connection)?;
    diesel::delete(
        follow_ups::table
            .filter(follow_ups::placement_id.eq(&placement_id))
            .filter(follow_ups::outcome.eq("pending")),
    )
    .execute(connection)?;
    let still_placed: i64 = placements::table
        .filter(placements::worker_id.eq(&referral.worker_id))
        .filter(placements::status.eq("active"))
        .count()
        .get_result(connection)?;
    if still_placed == 0 {
        diesel::update(workers::table.find(&referral.worker_id))
            .set((
                workers::availability.eq("seeking"),
                workers::updated_at.eq(now),
            ))
            .execute(connection)?;
    }
    diesel::update(
        vacancies::table
            .find(&referral.vacancy_id)
            .filter(vacancies::status.eq("filled")),
    )
    .set(vacancies::status.eq("open"))
    .execute(connection)?;
    Ok(())
}
