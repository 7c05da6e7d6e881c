//! The `livelihood_models` table and its communes; the placements that name a model are its
//! participants.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    admin_units, household_reviews, households, livelihood_model_communes, livelihood_models,
    placements, workers,
};
use crate::domain::statuses::PlacementStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = livelihood_models)]
pub struct LivelihoodModel {
    pub id: String,
    pub name: String,
    pub search_name: String,
    pub model_type: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub budget_vnd: Option<i64>,
    pub support_per_household_vnd: Option<i64>,
    pub description: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    connection: &mut DbConn,
    model: &LivelihoodModel,
    commune_ids: &[String],
) -> QueryResult<()> {
    diesel::insert_into(livelihood_models::table)
        .values(model)
        .execute(connection)?;
    for commune_id in commune_ids {
        diesel::insert_into(livelihood_model_communes::table)
            .values((
                livelihood_model_communes::model_id.eq(&model.id),
                livelihood_model_communes::commune_id.eq(commune_id),
            ))
            .execute(connection)?;
    }
    Ok(())
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<LivelihoodModel>> {
    livelihood_models::table
        .find(id)
        .select(LivelihoodModel::as_select())
        .first(connection)
        .optional()
}

/// Every model, newest first; with `name`, those whose folded name contains it.
pub fn list(connection: &mut DbConn, name: Option<&str>) -> QueryResult<Vec<LivelihoodModel>> {
    let mut query = livelihood_models::table
        .order((livelihood_models::starts_on.desc(), livelihood_models::id))
        .select(LivelihoodModel::as_select())
        .into_boxed();
    if let Some(name) = name {
        query = query.filter(livelihood_models::search_name.like(format!("%{name}%")));
    }
    query.load(connection)
}

/// A model's communes as `(code, name)`.
pub fn communes(connection: &mut DbConn, model_id: &str) -> QueryResult<Vec<(String, String)>> {
    livelihood_model_communes::table
        .inner_join(admin_units::table)
        .filter(livelihood_model_communes::model_id.eq(model_id))
        .order(admin_units::code)
        .select((admin_units::code, admin_units::name))
        .load(connection)
}

/// The models started between two days with their communes, as `(model id, commune id)`
/// (the plan's "five models" counted in a window).
pub fn started_between(
    connection: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, String)>> {
    livelihood_models::table
        .inner_join(livelihood_model_communes::table)
        .filter(livelihood_models::starts_on.between(from, to))
        .select((livelihood_models::id, livelihood_model_communes::commune_id))
        .load(connection)
}

/// A participant: the placement, the worker's id, name and commune, the household, the first
/// day, the household status when it began and whether the record stands.
#[derive(Debug, Clone, Queryable)]
pub struct Participant {
    pub placement_id: String,
    pub worker_id: String,
    pub full_name: String,
    pub commune_id: String,
    pub household_id: Option<String>,
    pub start_date: NaiveDate,
    pub household_status_snapshot: Option<String>,
    pub active: bool,
}

pub fn participants(connection: &mut DbConn, model_id: &str) -> QueryResult<Vec<Participant>> {
    placements::table
        .inner_join(workers::table)
        .filter(placements::model_id.eq(model_id))
        .order((placements::start_date, placements::id))
        .select((
            placements::id,
            workers::id,
            workers::full_name,
            workers::commune_id,
            workers::household_id,
            placements::start_date,
            placements::household_status_snapshot,
            placements::status.eq(PlacementStatus::Active),
        ))
        .load(connection)
}

/// What became of a household after it joined: its review in or before the year it joined and
/// its latest review after it, as `(status, income per person)`.
pub type Reviews = (Option<(String, i64)>, Option<(String, i64)>);

pub fn reviews_around(
    connection: &mut DbConn,
    household_id: &str,
    joined: NaiveDate,
) -> QueryResult<Reviews> {
    let year = joined.year();
    let before = household_reviews::table
        .filter(household_reviews::household_id.eq(household_id))
        .filter(household_reviews::year.le(year))
        .order(household_reviews::year.desc())
        .select((
            household_reviews::status,
            household_reviews::income_per_person_vnd,
        ))
        .first(connection)
        .optional()?;
    let after = household_reviews::table
        .filter(household_reviews::household_id.eq(household_id))
        .filter(household_reviews::year.gt(year))
        .order(household_reviews::year.desc())
        .select((
            household_reviews::status,
            household_reviews::income_per_person_vnd,
        ))
        .first(connection)
        .optional()?;
    Ok((before, after))
}

/// The code of a household, for lists.
pub fn household_code(connection: &mut DbConn, household_id: &str) -> QueryResult<Option<String>> {
    households::table
        .find(household_id)
        .select(households::code)
        .first(connection)
        .optional()
}

/// Models running at some time between two days (started by the last, not ended before the
/// first), oldest first, each with the ids of the communes it serves.
pub fn running_between(
    connection: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(LivelihoodModel, Vec<String>)>> {
    let running: Vec<LivelihoodModel> = livelihood_models::table
        .filter(livelihood_models::starts_on.le(to))
        .filter(
            livelihood_models::ends_on
                .is_null()
                .or(livelihood_models::ends_on.ge(from)),
        )
        .order((livelihood_models::starts_on, livelihood_models::id))
        .select(LivelihoodModel::as_select())
        .load(connection)?;
    running
        .into_iter()
        .map(|model| {
            let communes = livelihood_model_communes::table
                .filter(livelihood_model_communes::model_id.eq(&model.id))
                .select(livelihood_model_communes::commune_id)
                .load(connection)?;
            Ok((model, communes))
        })
        .collect()
}

/// A participant as the model's list is exported: the worker, the household's code and what
/// the work record says.
#[derive(Debug, Clone, Queryable)]
pub struct ParticipantRow {
    pub worker_id: String,
    pub full_name: String,
    pub national_id: Option<String>,
    pub commune_id: String,
    pub household_code: Option<String>,
    pub start_date: NaiveDate,
    pub occupation_code: Option<String>,
    pub activity: String,
    pub expected_income_vnd: Option<i64>,
    pub active: bool,
}

pub fn participant_rows(
    connection: &mut DbConn,
    model_id: &str,
) -> QueryResult<Vec<ParticipantRow>> {
    placements::table
        .inner_join(workers::table.left_join(households::table))
        .filter(placements::model_id.eq(model_id))
        .order((placements::start_date, placements::id))
        .select((
            workers::id,
            workers::full_name,
            workers::national_id,
            workers::commune_id,
            households::code.nullable(),
            placements::start_date,
            placements::occupation_code,
            placements::activity,
            placements::expected_income_vnd,
            placements::status.eq(PlacementStatus::Active),
        ))
        .load(connection)
}
