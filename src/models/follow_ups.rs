//! The `follow_ups` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::follow_ups;
use crate::domain::ids::{FollowUpId, PlacementId};
use crate::domain::statuses::FollowUpOutcome;

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
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// For each placement id: the worker's id and name and the vacancy's title, for follow-up
/// lists the caller may already see.
pub fn placement_labels(
    connection: &mut DbConn,
    placement_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, (String, String, String)>> {
    use crate::db::schema::{placements, vacancies, workers};
    let mut labels = std::collections::HashMap::new();
    for chunk in placement_ids.chunks(200) {
        let rows: Vec<(String, String, String, String)> = placements::table
            .inner_join(workers::table)
            .inner_join(vacancies::table)
            .filter(placements::id.eq_any(chunk))
            .select((
                placements::id,
                workers::id,
                workers::full_name,
                vacancies::title,
            ))
            .load(connection)?;
        for (id, worker_id, name, title) in rows {
            labels.insert(id, (worker_id, name, title));
        }
    }
    Ok(labels)
}
