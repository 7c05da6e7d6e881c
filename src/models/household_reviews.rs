//! The `household_reviews` table: one poverty review per household and year.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::household_reviews;
use crate::domain::poverty::HouseholdStatus;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = household_reviews)]
pub struct Review {
    pub household_id: String,
    pub year: i32,
    pub standard_id: String,
    pub income_per_person_vnd: i64,
    pub urban: bool,
    /// The indicator keys lacked, sorted, separated by commas.
    pub deprivations: String,
    pub status: HouseholdStatus,
    pub previous_status: Option<HouseholdStatus>,
    pub recorded_at: NaiveDateTime,
}

impl Review {
    pub fn deprivation_keys(&self) -> Vec<String> {
        self.deprivations
            .split(',')
            .filter(|key| !key.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// A household's reviews, earliest first.
pub fn of_household(connection: &mut DbConn, household_id: &str) -> QueryResult<Vec<Review>> {
    household_reviews::table
        .filter(household_reviews::household_id.eq(household_id))
        .order(household_reviews::year)
        .select(Review::as_select())
        .load(connection)
}

/// The reviews of many households, each household's earliest first.
pub fn of_households(connection: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Review>> {
    let mut reviews = Vec::new();
    for chunk in ids.chunks(500) {
        reviews.extend(
            household_reviews::table
                .filter(household_reviews::household_id.eq_any(chunk))
                .order((household_reviews::household_id, household_reviews::year))
                .select(Review::as_select())
                .load(connection)?,
        );
    }
    Ok(reviews)
}

/// The status in force in `year`: that of the latest review in or before it.
pub fn status_in(
    connection: &mut DbConn,
    household_id: &str,
    year: i32,
) -> QueryResult<Option<HouseholdStatus>> {
    household_reviews::table
        .filter(household_reviews::household_id.eq(household_id))
        .filter(household_reviews::year.le(year))
        .order(household_reviews::year.desc())
        .select(household_reviews::status)
        .first(connection)
        .optional()
}

/// Writes a household's reviews as given: each replaces the one of its year.
pub fn save(connection: &mut DbConn, reviews: &[Review]) -> QueryResult<()> {
    for review in reviews {
        diesel::delete(
            household_reviews::table
                .filter(household_reviews::household_id.eq(&review.household_id))
                .filter(household_reviews::year.eq(review.year)),
        )
        .execute(connection)?;
    }
    for chunk in reviews.chunks(1_000) {
        crate::insert_rows!(connection, household_reviews::table, chunk)?;
    }
    Ok(())
}
