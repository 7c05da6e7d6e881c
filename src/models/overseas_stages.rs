//! The `overseas_stages` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
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

pub fn insert(connection: &mut DbConn, stage: &OverseasStage) -> QueryResult<usize> {
    diesel::insert_into(overseas_stages::table)
        .values(stage)
        .execute(connection)
}

/// The stages a referral reached, as `(stage, reached on, note)`, unordered.
pub fn of_referral(
    connection: &mut DbConn,
    referral_id: &str,
) -> QueryResult<Vec<(String, NaiveDate, String)>> {
    overseas_stages::table
        .filter(overseas_stages::referral_id.eq(referral_id))
        .select((
            overseas_stages::stage,
            overseas_stages::reached_on,
            overseas_stages::note,
        ))
        .load(connection)
}

/// Whether the worker of a referral has left for the country.
pub fn departed(connection: &mut DbConn, referral_id: &str) -> QueryResult<bool> {
    let count: i64 = overseas_stages::table
        .filter(overseas_stages::referral_id.eq(referral_id))
        .filter(overseas_stages::stage.eq("departure"))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}
