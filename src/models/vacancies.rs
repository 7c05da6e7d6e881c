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
