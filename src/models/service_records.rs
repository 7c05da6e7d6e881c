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

use crate::db::DbConn;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = service_records)]
pub struct ServiceRecord {
    pub id: String,
    pub worker_id: String,
    pub kind: String,
    pub provided_on: NaiveDate,
    pub note: String,
    pub recorded_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn for_worker(connection: &mut DbConn, worker_id: &str) -> QueryResult<Vec<ServiceRecord>> {
    service_records::table
        .filter(service_records::worker_id.eq(worker_id))
        .order((service_records::provided_on, service_records::id))
        .select(ServiceRecord::as_select())
        .load(connection)
}

pub fn insert(connection: &mut DbConn, record: &NewServiceRecord) -> QueryResult<usize> {
    diesel::insert_into(service_records::table)
        .values(record)
        .execute(connection)
}
