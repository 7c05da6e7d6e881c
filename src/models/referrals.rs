//! The `referrals` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::referrals;

/// A worker put forward for a vacancy.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = referrals, treat_none_as_default_value = false)]
pub struct NewReferral {
    pub id: String,
    pub vacancy_id: String,
    pub worker_id: String,
    pub status: String,
    pub match_score: Option<f64>,
    pub match_explanation: String,
    pub rejection_reason: Option<String>,
    pub status_note: String,
    pub created_by: Option<String>,
    pub status_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
