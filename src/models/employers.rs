//! The `employers` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::employers;

/// A company, cooperative, household business or overseas-labour agency.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = employers, treat_none_as_default_value = false)]
pub struct NewEmployer {
    pub id: String,
    pub name: String,
    pub tax_code: String,
    pub kind: String,
    pub sector: String,
    pub commune_id: Option<String>,
    pub address: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub verified: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}
