//! The `vacancies` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::vacancies;

/// A vacancy an employer posts.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = vacancies, treat_none_as_default_value = false)]
pub struct NewVacancy {
    pub id: String,
    pub employer_id: String,
    pub title: String,
    pub description: String,
    pub occupation_code: String,
    pub positions: i32,
    pub commune_id: Option<String>,
    pub work_place: Option<String>,
    pub is_overseas: bool,
    pub country: Option<String>,
    pub wage_min_vnd: Option<i64>,
    pub wage_max_vnd: Option<i64>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub education_required: Option<String>,
    pub skills_required: String,
    pub certificates_required: String,
    pub deadline: Option<NaiveDate>,
    pub status: String,
    pub posted_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}
