//! The `households` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{household_deprivations, households};

/// A household of the poverty review list; `status` is derived, never typed in.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = households, treat_none_as_default_value = false)]
pub struct NewHousehold {
    pub id: String,
    pub code: String,
    pub commune_id: String,
    pub head_name: String,
    pub ethnicity_code: String,
    pub members: i32,
    pub income_per_person_vnd: i64,
    pub urban: bool,
    pub status: String,
    pub previous_status: Option<String>,
    pub review_year: i32,
    pub standard_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}

/// An indicator of the poverty standard that a household lacks.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = household_deprivations)]
pub struct NewHouseholdDeprivation {
    pub household_id: String,
    pub indicator_key: String,
}
