//! A household's yearly poverty reviews. Each review's status is derived from its own figures
//! by the standard of its year and from the status of the review before it, so a household
//! above the line after a poor or near-poor year is newly escaped without anyone claiming it.
//! The household row keeps the figures of its latest review.

use super::*;
use crate::models::household_reviews::{self as reviews, Review};

/// The review a validated household carries (its `review_year`'s).
fn review_of(household: &NewHousehold, deprivations: &[String]) -> Review {
    Review {
        household_id: household.id.clone(),
        year: household.review_year,
        standard_id: household.standard_id.clone(),
        income_per_person_vnd: household.income_per_person_vnd,
        urban: household.urban,
        deprivations: deprivations.join(","),
        status: household.status,
        previous_status: household.previous_status,
        recorded_at: household.updated_at,
    }
}

/// Records the household's review of its review year, derives again the reviews after it
/// (their previous status may have changed) and returns the household row and deprivations
/// to write: those of its latest review.
pub(super) fn record(
    connection: &mut DbConn,
    mut household: NewHousehold,
    deprivations: Vec<String>,
) -> Result<(NewHousehold, Vec<String>), AppError> {
    let written = review_of(&household, &deprivations);
    let mut later: Vec<Review> = reviews::of_household(connection, &household.id)?
        .into_iter()
        .filter(|review| review.year > written.year)
        .collect();
    let mut previous = written.status;
    for review in &mut later {
        let Some((standard_id, standard, _)) = standard_for(connection, review.year)? else {
            continue;
        };
        review.previous_status = Some(previous);
        review.status = classify(
            HouseholdAssessment {
                income_per_person_vnd: review.income_per_person_vnd,
                urban: review.urban,
                deprivation_count: u32::try_from(review.deprivation_keys().len())
                    .unwrap_or(u32::MAX),
                previous_status: Some(previous),
            },
            &standard,
        );
        review.standard_id = standard_id;
        previous = review.status;
    }
    let mut saved = vec![written];
    saved.extend(later);
    reviews::save(connection, &saved)?;
    let Some(latest) = saved.pop() else {
        return Ok((household, deprivations));
    };
    if latest.year == household.review_year {
        return Ok((household, deprivations));
    }
    household.income_per_person_vnd = latest.income_per_person_vnd;
    household.urban = latest.urban;
    household.status = latest.status;
    household.previous_status = latest.previous_status;
    household.review_year = latest.year;
    household.standard_id = latest.standard_id.clone();
    Ok((household, latest.deprivation_keys()))
}

/// The status of the review before `year`, if the household has one.
pub(super) fn status_before(
    connection: &mut DbConn,
    household_id: &str,
    year: i32,
) -> QueryResult<Option<HouseholdStatus>> {
    reviews::status_in(connection, household_id, year - 1)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub year: i32,
    /// The poverty standard applied (`2022-2025`, `2027-2030`).
    pub standard: String,
    pub income_per_person_vnd: i64,
    pub urban: bool,
    pub deprivations: Vec<String>,
    #[schema(value_type = String)]
    pub status: HouseholdStatus,
    #[schema(value_type = Option<String>)]
    pub previous_status: Option<HouseholdStatus>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// `GET /api/v1/households/{id}/reviews`: the household's reviews, latest first.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<Vec<ReviewView>, AppError> {
    let scope = permitted(principal, Resource::Households, Action::Read)?;
    let household = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    if !in_scope(principal, scope, &household) {
        return Err(AppError::NotFound);
    }
    audit::record(
        connection,
        &principal.actor(),
        "read",
        "household",
        std::slice::from_ref(&household.id),
        &["reviews"],
        accounts::now(),
    )?;
    let mut views: Vec<ReviewView> = reviews::of_household(connection, id)?
        .into_iter()
        .map(|review| ReviewView {
            deprivations: review.deprivation_keys(),
            year: review.year,
            standard: review.standard_id,
            income_per_person_vnd: review.income_per_person_vnd,
            urban: review.urban,
            status: review.status,
            previous_status: review.previous_status,
            recorded_at: review.recorded_at.and_utc(),
        })
        .collect();
    views.reverse();
    Ok(views)
}
