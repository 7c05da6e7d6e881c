//! The `follow_ups` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::follow_ups;

/// A check, 3, 6 or 12 months after a placement started, that the worker is still employed.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = follow_ups, treat_none_as_default_value = false)]
pub struct NewFollowUp {
    pub id: String,
    pub placement_id: String,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
    pub outcome: String,
    pub left_reason: Option<String>,
    pub note: String,
    pub recorded_on: Option<NaiveDate>,
    pub recorded_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
