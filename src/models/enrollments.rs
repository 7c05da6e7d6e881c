//! The `enrollments` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::enrollments;

/// A worker's place on a course.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = enrollments, treat_none_as_default_value = false)]
pub struct NewEnrollment {
    pub id: String,
    pub course_id: String,
    pub worker_id: String,
    pub status: String,
    pub progress_percent: i32,
    pub commune_id_at_enrolment: String,
    pub applied_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
