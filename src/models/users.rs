//! The `users` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;

/// A login.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewUser {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub employer_id: Option<String>,
    pub worker_id: Option<String>,
    pub area_id: Option<String>,
    pub language: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
