//! The `overseas_stages` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::overseas_stages;

/// The stages of overseas contract work, in order.
pub const STAGES: &[&str] = crate::domain::statuses::OverseasStage::NAMES;

/// One stage an overseas referral reached.
#[derive(Debug, Clone, PartialEq, Insertable, Queryable, Selectable)]
#[diesel(table_name = overseas_stages, treat_none_as_default_value = false)]
pub struct OverseasStage {
    pub id: String,
    pub referral_id: String,
    pub stage: String,
    pub reached_on: NaiveDate,
    pub note: String,
    pub recorded_by: Option<String>,
    pub created_at: NaiveDateTime,
}
