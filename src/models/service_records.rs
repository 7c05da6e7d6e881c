//! The `service_records` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::service_records;

/// Counselling, career guidance, job-fair attendance or job-search support given to a worker.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = service_records, treat_none_as_default_value = false)]
pub struct NewServiceRecord {
    pub id: String,
    pub worker_id: String,
    pub kind: String,
    pub provided_on: NaiveDate,
    pub note: String,
    pub recorded_by: Option<String>,
    pub created_at: NaiveDateTime,
}
