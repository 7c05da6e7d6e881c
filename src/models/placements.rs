//! The `placements` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::placements;
use crate::domain::ids::{PlacementId, ReferralId};
use crate::domain::statuses::{HouseholdStatus, PlacementStatus, WorkKind};

/// A confirmed hire, with the snapshots the targets are counted from.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = placements, treat_none_as_default_value = false)]
pub struct NewPlacement {
    pub id: PlacementId,
    pub referral_id: Option<ReferralId>,
    pub worker_id: String,
    /// The vacancy and employer of a wage job; none for work outside a vacancy.
    pub vacancy_id: Option<String>,
    pub employer_id: Option<String>,
    pub kind: WorkKind,
    /// The activity's occupation, for work outside a vacancy.
    pub occupation_code: Option<String>,
    /// What the work is, in the officer's words (`nuôi lợn thịt`).
    pub activity: String,
    pub expected_income_vnd: Option<i64>,
    pub place: String,
    /// The livelihood model the work is part of.
    pub model_id: Option<String>,
    pub start_date: NaiveDate,
    pub wage_vnd: Option<i64>,
    pub is_overseas: bool,
    pub country: Option<String>,
    pub household_status_snapshot: Option<HouseholdStatus>,
    /// In a poor or a difficult area when hired ("ở vùng nghèo, vùng khó khăn").
    pub poor_area_snapshot: bool,
    pub commune_id_snapshot: String,
    pub status: PlacementStatus,
    pub withdrawn_reason: Option<String>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A placement as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = placements)]
pub struct Placement {
    pub id: PlacementId,
    pub worker_id: String,
    pub kind: WorkKind,
    pub occupation_code: Option<String>,
    pub activity: String,
    pub expected_income_vnd: Option<i64>,
    pub place: String,
    /// The livelihood model the work is part of.
    pub model_id: Option<String>,
    pub start_date: NaiveDate,
    pub household_status_snapshot: Option<HouseholdStatus>,
    pub poor_area_snapshot: bool,
    pub commune_id_snapshot: String,
    pub status: PlacementStatus,
    pub withdrawn_reason: Option<String>,
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Placement>> {
    placements::table
        .find(id)
        .select(Placement::as_select())
        .first(connection)
        .optional()
}

/// A worker's work outside vacancies, newest first.
pub fn outside_vacancies_of(
    connection: &mut DbConn,
    worker_id: &str,
) -> QueryResult<Vec<Placement>> {
    placements::table
        .filter(placements::worker_id.eq(worker_id))
        .filter(placements::kind.ne(WorkKind::WageJob))
        .order((placements::start_date.desc(), placements::id))
        .select(Placement::as_select())
        .load(connection)
}

pub fn insert(connection: &mut DbConn, placement: &NewPlacement) -> QueryResult<usize> {
    diesel::insert_into(placements::table)
        .values(placement)
        .execute(connection)
}

/// The placement a hire made, active or withdrawn.
pub fn of_referral(connection: &mut DbConn, referral_id: &str) -> QueryResult<Option<PlacementId>> {
    placements::table
        .filter(placements::referral_id.eq(referral_id))
        .select(placements::id)
        .first(connection)
        .optional()
}

/// The active placement a hire made.
pub fn active_of_referral(connection: &mut DbConn, referral_id: &str) -> QueryResult<String> {
    placements::table
        .filter(placements::referral_id.eq(referral_id))
        .filter(placements::status.eq(PlacementStatus::Active))
        .select(placements::id)
        .first(connection)
}

/// Positions of a vacancy taken by active placements.
pub fn active_for_vacancy(connection: &mut DbConn, vacancy_id: &str) -> QueryResult<i64> {
    placements::table
        .filter(placements::vacancy_id.eq(vacancy_id))
        .filter(placements::status.eq(PlacementStatus::Active))
        .count()
        .get_result(connection)
}

/// A worker's active placements.
pub fn active_for_worker(connection: &mut DbConn, worker_id: &str) -> QueryResult<i64> {
    placements::table
        .filter(placements::worker_id.eq(worker_id))
        .filter(placements::status.eq(PlacementStatus::Active))
        .count()
        .get_result(connection)
}

/// A placement and its worker, if it exists.
pub fn status_and_worker(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<Option<(PlacementStatus, String)>> {
    placements::table
        .find(id)
        .select((placements::status, placements::worker_id))
        .first(connection)
        .optional()
}

pub fn withdraw(
    connection: &mut DbConn,
    id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(placements::table.find(id))
        .set((
            placements::status.eq(PlacementStatus::Withdrawn),
            placements::withdrawn_reason.eq(reason),
            placements::withdrawn_at.eq(now),
            placements::updated_at.eq(now),
        ))
        .execute(connection)
}

/// The workers among `worker_ids` with an active placement that started between two days.
pub fn active_started_between(
    connection: &mut DbConn,
    worker_ids: &[&String],
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<String>> {
    placements::table
        .filter(placements::worker_id.eq_any(worker_ids))
        .filter(placements::status.eq(PlacementStatus::Active))
        .filter(placements::start_date.between(from, to))
        .select(placements::worker_id)
        .load(connection)
}

/// How many placements the referrals among `referral_ids` made.
pub fn count_of_referrals(connection: &mut DbConn, ids: &[String]) -> QueryResult<usize> {
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let present: i64 = placements::table
            .filter(placements::referral_id.eq_any(chunk))
            .count()
            .get_result(connection)?;
        found += usize::try_from(present).unwrap_or(0);
    }
    Ok(found)
}
