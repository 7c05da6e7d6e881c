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
    pub status: HouseholdStatus,
    pub previous_status: Option<HouseholdStatus>,
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

use crate::db::DbConn;
use crate::domain::poverty::HouseholdStatus;
use crate::models::workers::{Db, like_prefix};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = households)]
pub struct Household {
    pub id: String,
    pub code: String,
    pub commune_id: String,
    pub head_name: String,
    pub ethnicity_code: String,
    pub members: i32,
    pub income_per_person_vnd: i64,
    pub urban: bool,
    pub status: HouseholdStatus,
    pub previous_status: Option<HouseholdStatus>,
    pub review_year: i32,
    pub standard_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub units: Option<Vec<String>>,
    pub area_units: Option<Vec<String>>,
    pub status: Option<String>,
    pub name_prefix: Option<String>,
    pub include_archived: bool,
}

fn filtered(filter: &HouseholdFilter) -> households::BoxedQuery<'static, Db> {
    let mut query = households::table.into_boxed();
    if let Some(units) = &filter.units {
        query = query.filter(households::commune_id.eq_any(units.clone()));
    }
    if let Some(units) = &filter.area_units {
        query = query.filter(households::commune_id.eq_any(units.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(households::status.eq(status.clone()));
    }
    if let Some(prefix) = &filter.name_prefix {
        query = query.filter(
            households::search_name
                .like(like_prefix(prefix))
                .escape('\\'),
        );
    }
    if !filter.include_archived {
        query = query.filter(households::archived_at.is_null());
    }
    query
}

pub fn list(
    connection: &mut DbConn,
    filter: &HouseholdFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<Household>, i64)> {
    let total: i64 = filtered(filter).count().get_result(connection)?;
    let mut page = filtered(filter);
    if let Some(after) = after {
        page = page.filter(households::id.gt(after.to_owned()));
    }
    let rows = page
        .order(households::id)
        .limit(limit)
        .select(Household::as_select())
        .load(connection)?;
    Ok((rows, total))
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Household>> {
    households::table
        .find(id)
        .select(Household::as_select())
        .first(connection)
        .optional()
}

pub fn find_id_by_code(connection: &mut DbConn, code: &str) -> QueryResult<Option<String>> {
    households::table
        .filter(households::code.eq(code))
        .select(households::id)
        .first(connection)
        .optional()
}

/// The indicator keys each household lacks.
pub fn deprivations_of(
    connection: &mut DbConn,
    household_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Vec<String>>> {
    let pairs: Vec<(String, String)> = household_deprivations::table
        .filter(household_deprivations::household_id.eq_any(household_ids))
        .order((
            household_deprivations::household_id,
            household_deprivations::indicator_key,
        ))
        .select((
            household_deprivations::household_id,
            household_deprivations::indicator_key,
        ))
        .load(connection)?;
    let mut by_household: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (household_id, key) in pairs {
        by_household.entry(household_id).or_default().push(key);
    }
    Ok(by_household)
}

pub fn insert(
    connection: &mut DbConn,
    household: &NewHousehold,
    deprivations: &[String],
) -> QueryResult<()> {
    diesel::insert_into(households::table)
        .values(household)
        .execute(connection)?;
    for key in deprivations {
        diesel::insert_into(household_deprivations::table)
            .values(&NewHouseholdDeprivation {
                household_id: household.id.clone(),
                indicator_key: key.clone(),
            })
            .execute(connection)?;
    }
    Ok(())
}

pub fn replace_deprivations(
    connection: &mut DbConn,
    household_id: &str,
    keys: &[String],
) -> QueryResult<()> {
    diesel::delete(
        household_deprivations::table.filter(household_deprivations::household_id.eq(household_id)),
    )
    .execute(connection)?;
    for key in keys {
        diesel::insert_into(household_deprivations::table)
            .values(&NewHouseholdDeprivation {
                household_id: household_id.to_owned(),
                indicator_key: key.clone(),
            })
            .execute(connection)?;
    }
    Ok(())
}

pub fn update(connection: &mut DbConn, household: &NewHousehold) -> QueryResult<usize> {
    diesel::update(households::table.find(&household.id))
        .set((
            households::code.eq(&household.code),
            households::commune_id.eq(&household.commune_id),
            households::head_name.eq(&household.head_name),
            households::ethnicity_code.eq(&household.ethnicity_code),
            households::members.eq(household.members),
            households::income_per_person_vnd.eq(household.income_per_person_vnd),
            households::urban.eq(household.urban),
            households::status.eq(&household.status),
            households::previous_status.eq(&household.previous_status),
            households::review_year.eq(household.review_year),
            households::standard_id.eq(&household.standard_id),
            households::updated_at.eq(household.updated_at),
            households::search_name.eq(&household.search_name),
        ))
        .execute(connection)
}

pub fn archive(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        households::table
            .find(id)
            .filter(households::archived_at.is_null()),
    )
    .set((
        households::archived_at.eq(Some(now)),
        households::updated_at.eq(now),
    ))
    .execute(connection)
}

/// The open household a code names.
pub fn live_id_by_code(connection: &mut DbConn, code: &str) -> QueryResult<Option<String>> {
    households::table
        .filter(households::code.eq(code))
        .filter(households::archived_at.is_null())
        .select(households::id)
        .first(connection)
        .optional()
}

/// The open households' ids by code: the order of an export.
pub fn live_ids_by_code(connection: &mut DbConn) -> QueryResult<Vec<String>> {
    households::table
        .filter(households::archived_at.is_null())
        .order(households::code)
        .select(households::id)
        .load(connection)
}

/// Every household's `(id, code)`.
pub fn codes(connection: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    households::table
        .select((households::id, households::code))
        .load(connection)
}

pub fn status_of(connection: &mut DbConn, id: &str) -> QueryResult<Option<HouseholdStatus>> {
    households::table
        .find(id)
        .select(households::status)
        .first(connection)
        .optional()
}

/// Whether the id names an open household, within `area` when one is given.
pub fn is_live_within(
    connection: &mut DbConn,
    id: &str,
    area: Option<&[String]>,
) -> QueryResult<bool> {
    let mut reachable = households::table
        .filter(households::id.eq(id))
        .filter(households::archived_at.is_null())
        .into_boxed();
    if let Some(area) = area {
        reachable = reachable.filter(households::commune_id.eq_any(area.to_vec()));
    }
    let found: i64 = reachable.count().get_result(connection)?;
    Ok(found > 0)
}

/// The heads' names of the households among `ids`, by id.
pub fn head_names(
    connection: &mut DbConn,
    ids: &[&String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    Ok(households::table
        .filter(households::id.eq_any(ids))
        .select((households::id, households::head_name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// `(id, code, head's name, status, commune id, members)` of the households among `ids`.
#[allow(clippy::type_complexity)]
pub fn outreach_rows(
    connection: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(String, String, String, String, String, i32)>> {
    households::table
        .filter(households::id.eq_any(ids))
        .select((
            households::id,
            households::code,
            households::head_name,
            households::status,
            households::commune_id,
            households::members,
        ))
        .load(connection)
}
