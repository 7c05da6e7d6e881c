//! The `workers` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{worker_occupations, workers};

/// A person registered by the job centre.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = workers, treat_none_as_default_value = false)]
pub struct NewWorker {
    pub id: String,
    pub national_id: Option<String>,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub ethnicity_code: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub commune_id: String,
    pub household_id: Option<String>,
    pub education_level: String,
    pub qualifications: String,
    pub disability: bool,
    pub skills: String,
    pub willing_to_relocate: bool,
    pub willing_overseas: bool,
    pub expected_wage_vnd: Option<i64>,
    pub availability: String,
    pub consent_to_share: bool,
    pub registered_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}

/// An occupation a worker wants.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = worker_occupations)]
pub struct NewWorkerOccupation {
    pub worker_id: String,
    pub occupation_code: String,
}
