//! Moving a referral along the pipeline: interview, hire (which makes a placement), rejection, withdrawal.

use super::*;
use crate::domain::statuses::{Availability, PlacementStatus, WorkKind};
use crate::hiring::work;

/// A change of a referral, checked.
struct Step {
    status: ReferralStatus,
    rejection_reason: Option<RejectionReason>,
    status_note: String,
    start_date: Option<NaiveDate>,
    wage_vnd: Option<i64>,
    interview_at: Option<NaiveDateTime>,
    /// Why a hire is withdrawn.
    reason: Option<String>,
}

/// `PATCH /api/v1/referrals/{id}`: move a referral on; a hire makes the placement.
pub fn change(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    change: ReferralChange,
) -> Result<ReferralView, AppError> {
    let step = check(change)?;
    let referral = find(connection, id)?.ok_or(AppError::NotFound)?;
    let is_employer = check_reach(connection, principal, &referral)?;
    let Some((_, employer_may)) = referral
        .status
        .next()
        .iter()
        .find(|(next, _)| *next == step.status)
    else {
        return Err(AppError::Conflict("invalid_status_change"));
    };
    if is_employer && !employer_may {
        return Err(AppError::Forbidden);
    }
    if referral.status == ReferralStatus::Hired && step.reason.is_none() {
        return Err(AppError::field("reason", "required"));
    }
    let now = accounts::now();
    connection.write_transaction(|connection| {
        // Written first: serialises every hire and withdrawal of this vacancy.
        models::vacancies::lock(connection, &referral.vacancy_id, now)?;
        // Re-read under the lock: another request may have moved it meanwhile.
        let current = find(connection, id)?.ok_or(AppError::NotFound)?;
        if current.status != referral.status {
            return Err(AppError::Conflict("invalid_status_change"));
        }
        follow(connection, principal, &current, &step, now)?;
        if current.status == ReferralStatus::Shortlisted && step.status == ReferralStatus::Referred
        {
            models::referrals::mark_shared(connection, id, now)?;
        }
        models::referrals::set_status(
            connection,
            id,
            step.status,
            step.rejection_reason,
            &step.status_note,
            now,
        )?;
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

/// Every field of the change, all errors at once.
fn check(change: ReferralChange) -> Result<Step, AppError> {
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
    Ok(Step {
        status,
        rejection_reason,
        status_note,
        start_date,
        wage_vnd: change.wage_vnd,
        interview_at,
        reason,
    })
}

/// What the step brings with it: a hire's placement, the worker's or employer's mail, a
/// withdrawn hire's reversal.
fn follow(
    connection: &mut DbConn,
    principal: &Principal,
    current: &Referral,
    step: &Step,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    match step.status {
        ReferralStatus::Hired => {
            let start_date = step.start_date.unwrap_or(now.date());
            hire(
                connection,
                principal,
                current,
                start_date,
                step.wage_vnd,
                now,
            )?;
            mail::events::hired(
                connection,
                &current.vacancy_id,
                &current.worker_id,
                start_date,
                step.wage_vnd,
                now,
            )?;
        }
        ReferralStatus::Interview => {
            models::referrals::set_interview(connection, &current.id, step.interview_at)?;
            mail::events::interview(
                connection,
                &current.vacancy_id,
                &current.worker_id,
                step.interview_at,
                &step.status_note,
                now,
            )?;
        }
        ReferralStatus::Referred => {
            // A profile reaches an employer only with the worker's consent.
            if !models::workers::consents_to_share(connection, &current.worker_id)? {
                return Err(AppError::field("status", "no_consent"));
            }
            mail::events::referred(
                connection,
                &current.id,
                &current.vacancy_id,
                &current.worker_id,
                &current.employer_explanation,
                &step.status_note,
                now,
            )?;
        }
        ReferralStatus::Withdrawn if current.status == ReferralStatus::Hired => withdraw_hire(
            connection,
            current,
            step.reason.as_deref().unwrap_or_default(),
            now,
        )?,
        _ => {}
    }
    Ok(())
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
    let (employer_id, positions, overseas, country) =
        models::vacancies::hiring_terms(connection, &referral.vacancy_id)?;
    let taken = models::placements::active_for_vacancy(connection, &referral.vacancy_id)?;
    if taken >= i64::from(positions) {
        return Err(AppError::Conflict("vacancy_full"));
    }
    let (commune_id, _) = models::workers::commune_and_household(connection, &referral.worker_id)?;
    // The status in force on the first day of work.
    let household_status = work::status_on(connection, &referral.worker_id, start_date)?;
    let poor_area = progress::facts::poor_or_difficult_area(connection, &commune_id)?;
    let placement = NewPlacement {
        id: new_id().into(),
        referral_id: Some(referral.id.clone()),
        worker_id: referral.worker_id.clone(),
        vacancy_id: Some(referral.vacancy_id.clone()),
        employer_id: Some(employer_id),
        kind: WorkKind::WageJob,
        occupation_code: None,
        activity: String::new(),
        expected_income_vnd: None,
        place: String::new(),
        model_id: None,
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
    models::placements::insert(connection, &placement)?;
    work::schedule_follow_ups(connection, &placement.id, start_date, now)?;
    models::workers::set_availability(
        connection,
        &referral.worker_id,
        Availability::Employed,
        now,
    )?;
    if taken + 1 >= i64::from(positions) {
        models::vacancies::mark_filled(connection, &referral.vacancy_id)?;
    }
    effects::placement(
        connection,
        &placement.id,
        Audit {
            actor: &principal.actor(),
            action: "create",
            fields: &["household_status_snapshot", "poor_area_snapshot"],
            at: now,
        },
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
    if models::overseas_stages::departed(connection, &referral.id)? {
        return Err(AppError::Conflict("already_departed"));
    }
    let placement_id = models::placements::active_of_referral(connection, &referral.id)?;
    models::placements::withdraw(connection, &placement_id, reason, now)?;
    models::follow_ups::delete_pending(connection, &placement_id)?;
    if models::placements::active_for_worker(connection, &referral.worker_id)? == 0 {
        models::workers::set_availability(
            connection,
            &referral.worker_id,
            Availability::Seeking,
            now,
        )?;
    }
    models::vacancies::reopen_if_filled(connection, &referral.vacancy_id)?;
    Ok(())
}
