//! A person's own data (Decree 13/2023/NĐ-CP on personal data protection): everything Ketnoi
//! holds about one worker in one file, and the record of a withdrawal of consent, after which
//! the profile is no longer shared with employers or matched, and the person's contact details
//! are sent nowhere. The records the programme's counts rest on (placements, enrolments,
//! follow-ups) stay: they are the province's records of public support, not shared profiles.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use super::reachable;
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::schema::{
    enrollments, follow_ups, placements, referrals, service_records, users, workers,
};
use crate::domain::access::Action;
use crate::error::AppError;
use crate::models::workers as rows;
use crate::models::{audit, search_changes};

/// Everything held about the worker `id`, as one JSON document; the export is audited.
pub fn export(connection: &mut DbConn, principal: &Principal, id: &str) -> Result<Value, AppError> {
    let (worker, _) = reachable(connection, principal, id, Action::Update)?;
    let occupations = rows::occupations_of(connection, std::slice::from_ref(&worker.id))?
        .remove(&worker.id)
        .unwrap_or_default();
    let household = match &worker.household_id {
        Some(household_id) => {
            match crate::registry::households::read(connection, principal, household_id) {
                Ok(view) => Some(serde_json::to_value(view).map_err(unexpected)?),
                Err(AppError::NotFound) => None,
                Err(other) => return Err(other),
            }
        }
        None => None,
    };
    let consent_withdrawn_at = worker.consent_withdrawn_at;
    let person = serde_json::to_value(super::full_view(worker, occupations)).map_err(unexpected)?;

    let held: Vec<EnrollmentHeld> = enrollments::table
        .filter(enrollments::worker_id.eq(id))
        .order(enrollments::created_at)
        .select(EnrollmentHeld::as_select())
        .load(connection)?;
    let referral_rows: Vec<ReferralHeld> = referrals::table
        .filter(referrals::worker_id.eq(id))
        .order(referrals::created_at)
        .select(ReferralHeld::as_select())
        .load(connection)?;
    let placement_rows: Vec<PlacementHeld> = placements::table
        .filter(placements::worker_id.eq(id))
        .order(placements::start_date)
        .select(PlacementHeld::as_select())
        .load(connection)?;
    let placement_ids: Vec<&str> = placement_rows.iter().map(|row| row.id.as_str()).collect();
    let follow_up_rows: Vec<FollowUpHeld> = follow_ups::table
        .filter(follow_ups::placement_id.eq_any(&placement_ids))
        .order(follow_ups::due_on)
        .select(FollowUpHeld::as_select())
        .load(connection)?;
    let services: Vec<ServiceHeld> = service_records::table
        .filter(service_records::worker_id.eq(id))
        .order(service_records::provided_on)
        .select(ServiceHeld::as_select())
        .load(connection)?;
    let logins: Vec<LoginHeld> = users::table
        .filter(users::worker_id.eq(id))
        .select(LoginHeld::as_select())
        .load(connection)?;
    let history = audit::history_of(connection, "worker", id)?;
    let now = accounts::now();
    audit::record(
        connection,
        &principal.actor(),
        "export",
        "worker",
        &[id.to_owned()],
        &["personal_data"],
        now,
    )?;
    Ok(json!({
        "exported_at": now,
        "person": person,
        "consent_withdrawn_at": consent_withdrawn_at,
        "household": household,
        "enrollments": held,
        "referrals": referral_rows,
        "placements": placement_rows,
        "follow_ups": follow_up_rows,
        "service_records": services,
        "logins": logins,
        "record_history": history,
    }))
}

/// Records that the person withdrew their consent: the profile is no longer shared or matched,
/// messages to them waiting in the outbox are dropped, and none is queued for them again.
/// Answers the worker as staff now read it.
pub fn withdraw_consent(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<Value, AppError> {
    connection.write_transaction(|connection| {
        let (worker, _) = reachable(connection, principal, id, Action::Update)?;
        let now = accounts::now();
        diesel::update(workers::table.find(id))
            .set((
                workers::consent_to_share.eq(false),
                workers::consent_withdrawn_at.eq(worker.consent_withdrawn_at.unwrap_or(now)),
                workers::updated_at.eq(now),
            ))
            .execute(connection)?;
        if let Some(email) = &worker.email {
            crate::mail::outbox::drop_pending_for(connection, email)?;
        }
        // The worker's document leaves the matching pool.
        search_changes::append(connection, "worker", id, false, now)?;
        audit::record(
            connection,
            &principal.actor(),
            "update",
            "worker",
            &[id.to_owned()],
            &["consent_to_share", "consent_withdrawn_at"],
            now,
        )?;
        super::read(connection, principal, id)
    })
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = enrollments)]
struct EnrollmentHeld {
    id: String,
    course_id: String,
    status: String,
    progress_percent: i32,
    applied_on: NaiveDate,
    completed_on: Option<NaiveDate>,
    certificate_no: Option<String>,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = referrals)]
struct ReferralHeld {
    id: String,
    vacancy_id: String,
    status: String,
    match_score: Option<f64>,
    match_explanation: String,
    rejection_reason: Option<String>,
    status_note: String,
    created_at: NaiveDateTime,
    status_changed_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = placements)]
struct PlacementHeld {
    id: String,
    vacancy_id: String,
    employer_id: String,
    start_date: NaiveDate,
    wage_vnd: Option<i64>,
    is_overseas: bool,
    country: Option<String>,
    household_status_snapshot: Option<String>,
    poor_area_snapshot: bool,
    status: String,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = follow_ups)]
struct FollowUpHeld {
    placement_id: String,
    months_after_start: i32,
    due_on: NaiveDate,
    outcome: String,
    note: String,
    recorded_on: Option<NaiveDate>,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = service_records)]
struct ServiceHeld {
    kind: String,
    provided_on: NaiveDate,
    note: String,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
struct LoginHeld {
    email: String,
    role: String,
    created_at: NaiveDateTime,
}

fn unexpected(error: serde_json::Error) -> AppError {
    AppError::Unexpected(error.into())
}
