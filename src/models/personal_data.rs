//! Everything held about one worker beyond their own row, as a personal-data export shows it
//! (Decree 13/2023/NĐ-CP): enrolments, referrals, placements, follow-ups, services, logins.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{enrollments, follow_ups, placements, referrals, service_records, users};

/// The worker's records in other tables, each oldest first.
pub struct Held {
    pub enrollments: Vec<EnrollmentHeld>,
    pub referrals: Vec<ReferralHeld>,
    pub placements: Vec<PlacementHeld>,
    pub follow_ups: Vec<FollowUpHeld>,
    pub service_records: Vec<ServiceHeld>,
    pub logins: Vec<LoginHeld>,
}

pub fn held_about(connection: &mut DbConn, worker_id: &str) -> QueryResult<Held> {
    let enrollments = enrollments::table
        .filter(enrollments::worker_id.eq(worker_id))
        .order(enrollments::created_at)
        .select(EnrollmentHeld::as_select())
        .load(connection)?;
    let referrals = referrals::table
        .filter(referrals::worker_id.eq(worker_id))
        .order(referrals::created_at)
        .select(ReferralHeld::as_select())
        .load(connection)?;
    let placements: Vec<PlacementHeld> = placements::table
        .filter(placements::worker_id.eq(worker_id))
        .order(placements::start_date)
        .select(PlacementHeld::as_select())
        .load(connection)?;
    let placement_ids: Vec<&str> = placements.iter().map(|row| row.id.as_str()).collect();
    let follow_ups = follow_ups::table
        .filter(follow_ups::placement_id.eq_any(&placement_ids))
        .order(follow_ups::due_on)
        .select(FollowUpHeld::as_select())
        .load(connection)?;
    let service_records = service_records::table
        .filter(service_records::worker_id.eq(worker_id))
        .order(service_records::provided_on)
        .select(ServiceHeld::as_select())
        .load(connection)?;
    let logins = users::table
        .filter(users::worker_id.eq(worker_id))
        .select(LoginHeld::as_select())
        .load(connection)?;
    Ok(Held {
        enrollments,
        referrals,
        placements,
        follow_ups,
        service_records,
        logins,
    })
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = enrollments)]
pub struct EnrollmentHeld {
    pub id: String,
    pub course_id: String,
    pub status: String,
    pub progress_percent: i32,
    pub applied_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = referrals)]
pub struct ReferralHeld {
    pub id: String,
    pub vacancy_id: String,
    pub status: String,
    pub match_score: Option<f64>,
    pub match_explanation: String,
    pub rejection_reason: Option<String>,
    pub status_note: String,
    pub created_at: NaiveDateTime,
    pub status_changed_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = placements)]
pub struct PlacementHeld {
    pub id: String,
    pub vacancy_id: Option<String>,
    pub employer_id: Option<String>,
    pub kind: String,
    pub occupation_code: Option<String>,
    pub activity: String,
    pub expected_income_vnd: Option<i64>,
    pub place: String,
    pub start_date: NaiveDate,
    pub wage_vnd: Option<i64>,
    pub is_overseas: bool,
    pub country: Option<String>,
    pub household_status_snapshot: Option<String>,
    pub poor_area_snapshot: bool,
    pub status: String,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = follow_ups)]
pub struct FollowUpHeld {
    pub placement_id: String,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
    pub outcome: String,
    pub note: String,
    pub recorded_on: Option<NaiveDate>,
    pub income_vnd: Option<i64>,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = service_records)]
pub struct ServiceHeld {
    pub kind: String,
    pub provided_on: NaiveDate,
    pub note: String,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct LoginHeld {
    pub email: String,
    pub role: String,
    pub created_at: NaiveDateTime,
}
