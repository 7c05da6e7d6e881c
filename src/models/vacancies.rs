//! The `vacancies` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::vacancies;

/// A vacancy an employer posts.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = vacancies, treat_none_as_default_value = false)]
pub struct NewVacancy {
    pub id: String,
    pub employer_id: String,
    pub title: String,
    pub description: String,
    pub occupation_code: String,
    pub positions: i32,
    pub commune_id: Option<String>,
    pub work_place: Option<String>,
    pub is_overseas: bool,
    pub country: Option<String>,
    pub wage_min_vnd: Option<i64>,
    pub wage_max_vnd: Option<i64>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub education_required: Option<String>,
    pub skills_required: String,
    pub certificates_required: String,
    pub deadline: Option<NaiveDate>,
    pub status: String,
    pub posted_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}

use crate::db::DbConn;
use crate::models::workers::{Db, like_prefix};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = vacancies)]
pub struct Vacancy {
    pub id: String,
    pub employer_id: String,
    pub title: String,
    pub description: String,
    pub occupation_code: String,
    pub positions: i32,
    pub commune_id: Option<String>,
    pub work_place: Option<String>,
    pub is_overseas: bool,
    pub country: Option<String>,
    pub wage_min_vnd: Option<i64>,
    pub wage_max_vnd: Option<i64>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub education_required: Option<String>,
    pub skills_required: String,
    pub certificates_required: String,
    pub deadline: Option<NaiveDate>,
    pub status: String,
    pub posted_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct VacancyFilter {
    pub employer_id: Option<String>,
    pub statuses: Option<Vec<String>>,
    pub occupation: Option<String>,
    pub units: Option<Vec<String>>,
    pub overseas: Option<bool>,
    pub name_prefix: Option<String>,
    pub include_archived: bool,
}

fn filtered(filter: &VacancyFilter) -> vacancies::BoxedQuery<'static, Db> {
    let mut query = vacancies::table.into_boxed();
    if let Some(employer_id) = &filter.employer_id {
        query = query.filter(vacancies::employer_id.eq(employer_id.clone()));
    }
    if let Some(statuses) = &filter.statuses {
        query = query.filter(vacancies::status.eq_any(statuses.clone()));
    }
    if let Some(code) = &filter.occupation {
        query = query.filter(vacancies::occupation_code.eq(code.clone()));
    }
    if let Some(units) = &filter.units {
        query = query.filter(
            vacancies::commune_id.eq_any(units.iter().cloned().map(Some).collect::<Vec<_>>()),
        );
    }
    if let Some(overseas) = filter.overseas {
        query = query.filter(vacancies::is_overseas.eq(overseas));
    }
    if let Some(prefix) = &filter.name_prefix {
        query = query.filter(
            vacancies::search_name
                .like(like_prefix(prefix))
                .escape('\\'),
        );
    }
    if !filter.include_archived {
        query = query.filter(vacancies::archived_at.is_null());
    }
    query
}

pub fn list(
    connection: &mut DbConn,
    filter: &VacancyFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<Vacancy>, i64)> {
    let total: i64 = filtered(filter).count().get_result(connection)?;
    let mut page = filtered(filter);
    if let Some(after) = after {
        page = page.filter(vacancies::id.gt(after.to_owned()));
    }
    Ok((
        page.order(vacancies::id)
            .limit(limit)
            .select(Vacancy::as_select())
            .load(connection)?,
        total,
    ))
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Vacancy>> {
    vacancies::table
        .find(id)
        .select(Vacancy::as_select())
        .first(connection)
        .optional()
}

pub fn insert(connection: &mut DbConn, vacancy: &NewVacancy) -> QueryResult<usize> {
    diesel::insert_into(vacancies::table)
        .values(vacancy)
        .execute(connection)
}

pub fn update(connection: &mut DbConn, vacancy: &NewVacancy) -> QueryResult<usize> {
    diesel::update(vacancies::table.find(&vacancy.id))
        .set((
            vacancies::employer_id.eq(&vacancy.employer_id),
            vacancies::title.eq(&vacancy.title),
            vacancies::description.eq(&vacancy.description),
            vacancies::occupation_code.eq(&vacancy.occupation_code),
            vacancies::positions.eq(vacancy.positions),
            vacancies::commune_id.eq(&vacancy.commune_id),
            vacancies::work_place.eq(&vacancy.work_place),
            vacancies::is_overseas.eq(vacancy.is_overseas),
            vacancies::country.eq(&vacancy.country),
            vacancies::wage_min_vnd.eq(vacancy.wage_min_vnd),
            vacancies::wage_max_vnd.eq(vacancy.wage_max_vnd),
            vacancies::min_age.eq(vacancy.min_age),
            vacancies::max_age.eq(vacancy.max_age),
            vacancies::education_required.eq(&vacancy.education_required),
            vacancies::skills_required.eq(&vacancy.skills_required),
            vacancies::certificates_required.eq(&vacancy.certificates_required),
            vacancies::deadline.eq(vacancy.deadline),
            vacancies::status.eq(&vacancy.status),
            vacancies::updated_at.eq(vacancy.updated_at),
            vacancies::search_name.eq(&vacancy.search_name),
        ))
        .execute(connection)
}

pub fn archive(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        vacancies::table
            .find(id)
            .filter(vacancies::archived_at.is_null()),
    )
    .set((
        vacancies::archived_at.eq(Some(now)),
        vacancies::updated_at.eq(now),
    ))
    .execute(connection)
}

/// The most recently posted open vacancies, newest first (optionally one employer's).
pub fn newest_open(
    connection: &mut DbConn,
    employer_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Vacancy>> {
    let mut query = vacancies::table
        .filter(vacancies::status.eq("open"))
        .filter(vacancies::archived_at.is_null())
        .into_boxed();
    if let Some(employer_id) = employer_id {
        query = query.filter(vacancies::employer_id.eq(employer_id.to_owned()));
    }
    query
        .order((vacancies::created_at.desc(), vacancies::id.desc()))
        .limit(limit)
        .select(Vacancy::as_select())
        .load(connection)
}

/// The id, if it names an open vacancy.
pub fn live_id(connection: &mut DbConn, id: &str) -> QueryResult<Option<String>> {
    vacancies::table
        .filter(vacancies::id.eq(id))
        .filter(vacancies::archived_at.is_null())
        .select(vacancies::id)
        .first(connection)
        .optional()
}

/// The open vacancies of an employer with that title (NFC).
pub fn live_ids_by_title(
    connection: &mut DbConn,
    employer_id: &str,
    title: &str,
) -> QueryResult<Vec<String>> {
    vacancies::table
        .filter(vacancies::employer_id.eq(employer_id))
        .filter(vacancies::title.eq(title))
        .filter(vacancies::archived_at.is_null())
        .select(vacancies::id)
        .load(connection)
}

/// The open vacancies' ids by employer and title: the order of an export.
pub fn live_ids_by_title_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
    vacancies::table
        .filter(vacancies::archived_at.is_null())
        .order((vacancies::employer_id, vacancies::title))
        .select(vacancies::id)
        .load(connection)
}

/// An open vacancy's status, if the id names one that is not archived.
pub fn live_status(connection: &mut DbConn, id: &str) -> QueryResult<Option<String>> {
    vacancies::table
        .filter(vacancies::id.eq(id))
        .filter(vacancies::archived_at.is_null())
        .select(vacancies::status)
        .first(connection)
        .optional()
}

pub fn employer_of(connection: &mut DbConn, id: &str) -> QueryResult<String> {
    vacancies::table
        .find(id)
        .select(vacancies::employer_id)
        .first(connection)
}

pub fn is_overseas(connection: &mut DbConn, id: &str) -> QueryResult<bool> {
    vacancies::table
        .find(id)
        .select(vacancies::is_overseas)
        .first(connection)
}

/// Writes the vacancy's row first in a transaction: that serialises every hire, withdrawal
/// and overseas stage of the vacancy (a row lock on PostgreSQL, the write lock on SQLite).
pub fn lock(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(vacancies::table.find(id))
        .set(vacancies::updated_at.eq(now))
        .execute(connection)
}

/// What a hire copies from the vacancy: `(employer id, positions, overseas, country)`.
pub fn hiring_terms(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<(String, i32, bool, Option<String>)> {
    vacancies::table
        .find(id)
        .select((
            vacancies::employer_id,
            vacancies::positions,
            vacancies::is_overseas,
            vacancies::country,
        ))
        .first(connection)
}

/// Every position taken.
pub fn mark_filled(connection: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::update(vacancies::table.find(id))
        .set(vacancies::status.eq("filled"))
        .execute(connection)
}

/// A position freed again: a filled vacancy opens.
pub fn reopen_if_filled(connection: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::update(
        vacancies::table
            .find(id)
            .filter(vacancies::status.eq("filled")),
    )
    .set(vacancies::status.eq("open"))
    .execute(connection)
}

/// What a search result shows of a vacancy.
#[derive(Debug, Queryable)]
pub struct VacancySummary {
    pub id: String,
    pub title: String,
    pub employer_name: String,
    pub commune_id: Option<String>,
    pub country: Option<String>,
    pub status: String,
    pub positions: i32,
    pub deadline: Option<NaiveDate>,
    pub skills_required: String,
    pub wage_min_vnd: Option<i64>,
    pub wage_max_vnd: Option<i64>,
}

/// The open vacancies among `ids` with their employer's name.
pub fn summaries(connection: &mut DbConn, ids: &[String]) -> QueryResult<Vec<VacancySummary>> {
    use crate::db::schema::employers;
    vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::id.eq_any(ids))
        .filter(vacancies::archived_at.is_null())
        .select((
            vacancies::id,
            vacancies::title,
            employers::name,
            vacancies::commune_id,
            vacancies::country,
            vacancies::status,
            vacancies::positions,
            vacancies::deadline,
            vacancies::skills_required,
            vacancies::wage_min_vnd,
            vacancies::wage_max_vnd,
        ))
        .load(connection)
}

/// Open vacancies still taking applications on `today`, as `(occupation code, commune id,
/// overseas, positions)`.
#[allow(clippy::type_complexity)]
pub fn open_positions(
    connection: &mut DbConn,
    today: NaiveDate,
) -> QueryResult<Vec<(String, Option<String>, bool, i32)>> {
    vacancies::table
        .filter(vacancies::status.eq("open"))
        .filter(vacancies::archived_at.is_null())
        .filter(
            vacancies::deadline
                .is_null()
                .or(vacancies::deadline.ge(today)),
        )
        .select((
            vacancies::occupation_code,
            vacancies::commune_id,
            vacancies::is_overseas,
            vacancies::positions,
        ))
        .load(connection)
}

/// Every open vacancy's id.
pub fn open_ids(connection: &mut DbConn) -> QueryResult<Vec<String>> {
    vacancies::table
        .filter(vacancies::status.eq("open"))
        .filter(vacancies::archived_at.is_null())
        .select(vacancies::id)
        .load(connection)
}

/// What a message about a vacancy says: its title and place, and its employer's contacts.
#[derive(Debug, Queryable)]
pub struct VacancyContact {
    pub title: String,
    pub commune_id: Option<String>,
    pub work_place: Option<String>,
    pub country: Option<String>,
    pub employer_id: String,
    pub employer_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: String,
}

pub fn contact(connection: &mut DbConn, id: &str) -> QueryResult<VacancyContact> {
    use crate::db::schema::employers;
    vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::id.eq(id))
        .select((
            vacancies::title,
            vacancies::commune_id,
            vacancies::work_place,
            vacancies::country,
            employers::id,
            employers::name,
            employers::contact_phone,
            employers::contact_email,
            employers::address,
        ))
        .first(connection)
}

/// What matching needs of an open vacancy.
#[derive(Debug, Queryable)]
pub struct ProbeRow {
    pub title: String,
    pub skills_required: String,
    pub occupation_code: String,
    pub commune_id: Option<String>,
    pub is_overseas: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub deadline: Option<NaiveDate>,
}

pub fn probe_row(connection: &mut DbConn, id: &str) -> QueryResult<Option<ProbeRow>> {
    vacancies::table
        .filter(vacancies::id.eq(id))
        .filter(vacancies::archived_at.is_null())
        .select((
            vacancies::title,
            vacancies::skills_required,
            vacancies::occupation_code,
            vacancies::commune_id,
            vacancies::is_overseas,
            vacancies::min_age,
            vacancies::max_age,
            vacancies::deadline,
        ))
        .first(connection)
        .optional()
}

/// What a worker's list of matching vacancies shows of each.
#[derive(Debug, Queryable)]
pub struct MatchRow {
    pub id: String,
    pub title: String,
    pub employer_name: String,
    pub occupation_code: String,
    pub commune_id: Option<String>,
    pub country: Option<String>,
    pub positions: i32,
    pub wage_min_vnd: Option<i64>,
    pub wage_max_vnd: Option<i64>,
    pub deadline: Option<NaiveDate>,
}

/// The vacancies among `ids` with their employer's name.
pub fn match_rows(connection: &mut DbConn, ids: &[String]) -> QueryResult<Vec<MatchRow>> {
    use crate::db::schema::employers;
    vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::id.eq_any(ids))
        .select((
            vacancies::id,
            vacancies::title,
            employers::name,
            vacancies::occupation_code,
            vacancies::commune_id,
            vacancies::country,
            vacancies::positions,
            vacancies::wage_min_vnd,
            vacancies::wage_max_vnd,
            vacancies::deadline,
        ))
        .load(connection)
}
