//! The `follow_ups` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{follow_ups, placements, vacancies, workers};
use crate::domain::ids::{FollowUpId, PlacementId};
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus};

/// A check, 3, 6 or 12 months after a placement started, that the worker is still employed.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = follow_ups, treat_none_as_default_value = false)]
pub struct NewFollowUp {
    pub id: FollowUpId,
    pub placement_id: PlacementId,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
    pub outcome: FollowUpOutcome,
    pub left_reason: Option<String>,
    pub note: String,
    pub recorded_on: Option<NaiveDate>,
    pub recorded_by: Option<String>,
    /// The monthly income found, in đồng (none until recorded).
    pub income_vnd: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// For each placement id: the worker's id and name and the vacancy's title, for follow-up
/// lists the caller may already see.
/// A follow-up as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follow_ups)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub placement_id: PlacementId,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
    pub outcome: FollowUpOutcome,
    pub left_reason: Option<String>,
    pub note: String,
    pub recorded_on: Option<NaiveDate>,
    pub income_vnd: Option<i64>,
    /// `staff` (recorded by an officer) or `sms` (the worker's reply to the question).
    pub source: String,
}

/// A follow-up and the commune of its worker (for the caller's reach).
pub fn find_with_commune(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<Option<(FollowUp, String)>> {
    follow_ups::table
        .inner_join(placements::table.inner_join(workers::table))
        .filter(follow_ups::id.eq(id))
        .select((FollowUp::as_select(), workers::commune_id))
        .first(connection)
        .optional()
}

/// What an officer found when checking, or the worker answered by text.
pub struct Recorded<'a> {
    pub outcome: FollowUpOutcome,
    pub left_reason: Option<&'a str>,
    pub note: &'a str,
    pub recorded_on: Option<NaiveDate>,
    /// The officer; none for a reply by text.
    pub recorded_by: Option<&'a str>,
    /// `staff` or `sms`.
    pub source: &'a str,
    /// The monthly income found, in đồng.
    pub income_vnd: Option<i64>,
}

pub fn record(
    connection: &mut DbConn,
    id: &str,
    recorded: &Recorded,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(follow_ups::table.find(id))
        .set((
            follow_ups::outcome.eq(recorded.outcome),
            follow_ups::left_reason.eq(recorded.left_reason),
            follow_ups::note.eq(recorded.note),
            follow_ups::recorded_on.eq(recorded.recorded_on),
            follow_ups::recorded_by.eq(recorded.recorded_by),
            follow_ups::source.eq(recorded.source),
            follow_ups::income_vnd.eq(recorded.income_vnd),
            follow_ups::updated_at.eq(now),
        ))
        .execute(connection)
        .and_then(|changed| {
            // Recorded, by text or by an officer: its question, if one was asked, is closed.
            super::sms::answered(connection, id, now).map(|()| changed)
        })
}

/// Follow-ups of active placements, oldest due first: with `overdue_on`, only those still
/// pending and due before that day; with `area_units`, only of workers in those units.
pub fn of_active_placements(
    connection: &mut DbConn,
    overdue_on: Option<NaiveDate>,
    area_units: Option<Vec<String>>,
    limit: i64,
) -> QueryResult<Vec<FollowUp>> {
    let mut listed = follow_ups::table
        .inner_join(placements::table.inner_join(workers::table))
        .filter(placements::status.eq(PlacementStatus::Active))
        .select(FollowUp::as_select())
        .order((follow_ups::due_on, follow_ups::id))
        .limit(limit)
        .into_boxed();
    if let Some(day) = overdue_on {
        listed = listed
            .filter(follow_ups::outcome.eq(FollowUpOutcome::Pending))
            .filter(follow_ups::due_on.lt(day));
    }
    if let Some(units) = area_units {
        listed = listed.filter(workers::commune_id.eq_any(units));
    }
    listed.load(connection)
}

pub fn insert(connection: &mut DbConn, follow_up: &NewFollowUp) -> QueryResult<usize> {
    diesel::insert_into(follow_ups::table)
        .values(follow_up)
        .execute(connection)
}

/// A withdrawn placement's follow-ups that were still to come.
pub fn delete_pending(connection: &mut DbConn, placement_id: &str) -> QueryResult<usize> {
    diesel::delete(
        follow_ups::table
            .filter(follow_ups::placement_id.eq(placement_id))
            .filter(follow_ups::outcome.eq(FollowUpOutcome::Pending)),
    )
    .execute(connection)
}

/// A placement's id, its worker's id and name, the vacancy's title, the activity and the
/// occupation's name.
type LabelRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

pub fn placement_labels(
    connection: &mut DbConn,
    placement_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, (String, String, String)>> {
    use crate::db::schema::occupations;
    let mut labels = std::collections::HashMap::new();
    for chunk in placement_ids.chunks(200) {
        // A wage job by its vacancy's title; other work by its activity, else its occupation.
        let rows: Vec<LabelRow> = placements::table
            .inner_join(workers::table)
            .left_join(vacancies::table)
            .left_join(occupations::table)
            .filter(placements::id.eq_any(chunk))
            .select((
                placements::id,
                workers::id,
                workers::full_name,
                vacancies::title.nullable(),
                placements::activity,
                occupations::name_vi.nullable(),
            ))
            .load(connection)?;
        for (id, worker_id, name, title, activity, occupation) in rows {
            let label = title
                .or(Some(activity).filter(|activity| !activity.is_empty()))
                .or(occupation)
                .unwrap_or_default();
            labels.insert(id, (worker_id, name, label));
        }
    }
    Ok(labels)
}

/// Pending follow-ups of active placements due before `today`, of workers in `units` (all when
/// `None`): how many, and the first `limit` by due date as `(worker's name, employer's name,
/// months after start, due on)`.
#[allow(clippy::type_complexity)]
pub fn overdue_in(
    connection: &mut DbConn,
    today: NaiveDate,
    units: Option<&[String]>,
    limit: i64,
) -> QueryResult<(i64, Vec<(String, String, i32, NaiveDate)>)> {
    use crate::db::schema::employers;
    let overdue_query = || {
        let mut query = follow_ups::table
            .inner_join(
                placements::table
                    .inner_join(workers::table)
                    .left_join(employers::table),
            )
            .filter(follow_ups::outcome.eq(FollowUpOutcome::Pending))
            .filter(follow_ups::due_on.lt(today))
            .filter(placements::status.eq(PlacementStatus::Active))
            .into_boxed();
        if let Some(units) = units {
            query = query.filter(workers::commune_id.eq_any(units.to_vec()));
        }
        query
    };
    let total: i64 = overdue_query().count().get_result(connection)?;
    let rows: Vec<(String, Option<String>, String, i32, NaiveDate)> = overdue_query()
        .order((follow_ups::due_on, follow_ups::id))
        .limit(limit)
        .select((
            workers::full_name,
            employers::name.nullable(),
            placements::activity,
            follow_ups::months_after_start,
            follow_ups::due_on,
        ))
        .load(connection)?;
    // Work outside a vacancy has no employer: its activity stands in.
    let listed = rows
        .into_iter()
        .map(|(worker, employer, activity, months, due_on)| {
            (worker, employer.unwrap_or(activity), months, due_on)
        })
        .collect();
    Ok((total, listed))
}
