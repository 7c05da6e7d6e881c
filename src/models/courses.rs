//! The `courses` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{course_occupations, courses};

/// A vocational course.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = courses, treat_none_as_default_value = false)]
pub struct NewCourse {
    pub id: String,
    pub provider: String,
    pub title: String,
    pub description: String,
    pub level: String,
    pub commune_id: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub fee_vnd: i64,
    pub support_vnd: i64,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}

/// An occupation a course leads to.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = course_occupations)]
pub struct NewCourseOccupation {
    pub course_id: String,
    pub occupation_code: String,
}
