//! Row counts across the registry, for `/healthz` and the demo's summary.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{
    courses, employers, enrollments, follow_ups, households, placements, referrals,
    service_records, vacancies, workers,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegistryCounts {
    pub households: i64,
    pub workers: i64,
    pub employers: i64,
    pub vacancies: i64,
    pub courses: i64,
    pub enrollments: i64,
    pub referrals: i64,
    pub placements: i64,
    pub follow_ups: i64,
    pub service_records: i64,
}

pub fn registry_counts(connection: &mut DbConn) -> QueryResult<RegistryCounts> {
    Ok(RegistryCounts {
        households: households::table.count().get_result(connection)?,
        workers: workers::table.count().get_result(connection)?,
        employers: employers::table.count().get_result(connection)?,
        vacancies: vacancies::table.count().get_result(connection)?,
        courses: courses::table.count().get_result(connection)?,
        enrollments: enrollments::table.count().get_result(connection)?,
        referrals: referrals::table.count().get_result(connection)?,
        placements: placements::table.count().get_result(connection)?,
        follow_ups: follow_ups::table.count().get_result(connection)?,
        service_records: service_records::table.count().get_result(connection)?,
    })
}
