//! The `placements` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::placements;
use crate::domain::ids::{PlacementId, ReferralId};
use crate::domain::statuses::{HouseholdStatus, PlacementStatus};

/// A confirmed hire, with the snapshots the targets are counted from.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = placements, treat_none_as_default_value = false)]
pub struct NewPlacement {
    pub id: PlacementId,
    pub referral_id: Option<ReferralId>,
    pub worker_id: String,
    pub vacancy_id: String,
    pub employer_id: String,
    pub start_date: NaiveDate,
    pub wage_vnd: Option<i64>,
    pub is_overseas: bool,
    pub country: Option<String>,
    pub household_status_snapshot: Option<HouseholdStatus>,
    pub poor_area_snapshot: bool,
    pub commune_id_snapshot: String,
    pub status: PlacementStatus,
    pub withdrawn_reason: Option<String>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
