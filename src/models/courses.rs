//! The `courses` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{course_occupations, courses};

/// A vocational course.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = courses, treat_none_as_default_value = false)]
pub struct NewCourse {
    pub id: String,
    pub provider: String,
    pub title: String,
    pub description: String,
    pub level: String,
    pub commune_id: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub fee_vnd: i64,
    pub support_vnd: i64,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}

/// An occupation a course leads to.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = course_occupations)]
pub struct NewCourseOccupation {
    pub course_id: String,
    pub occupation_code: String,
}

use std::collections::HashMap;

use crate::db::DbConn;
use crate::models::workers::{Db, like_prefix};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct Course {
    pub id: String,
    pub provider: String,
    pub title: String,
    pub description: String,
    pub level: String,
    pub commune_id: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub fee_vnd: i64,
    pub support_vnd: i64,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct CourseFilter {
    pub statuses: Option<Vec<String>>,
    pub level: Option<String>,
    pub occupation: Option<String>,
    pub units: Option<Vec<String>>,
    pub name_prefix: Option<String>,
    pub include_archived: bool,
}

fn filtered(filter: &CourseFilter) -> courses::BoxedQuery<'static, Db> {
    let mut query = courses::table.into_boxed();
    if let Some(statuses) = &filter.statuses {
        query = query.filter(courses::status.eq_any(statuses.clone()));
    }
    if let Some(level) = &filter.level {
        query = query.filter(courses::level.eq(level.clone()));
    }
    if let Some(code) = &filter.occupation {
        let leading = course_occupations::table
            .filter(course_occupations::occupation_code.eq(code.clone()))
            .select(course_occupations::course_id);
        query = query.filter(courses::id.eq_any(leading));
    }
    if let Some(units) = &filter.units {
        query = query.filter(
            courses::commune_id.eq_any(units.iter().cloned().map(Some).collect::<Vec<_>>()),
        );
    }
    if let Some(prefix) = &filter.name_prefix {
        query = query.filter(courses::search_name.like(like_prefix(prefix)).escape('\\'));
    }
    if !filter.include_archived {
        query = query.filter(courses::archived_at.is_null());
    }
    query
}

pub fn list(
    connection: &mut DbConn,
    filter: &CourseFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<Course>, i64)> {
    let total: i64 = filtered(filter).count().get_result(connection)?;
    let mut page = filtered(filter);
    if let Some(after) = after {
        page = page.filter(courses::id.gt(after.to_owned()));
    }
    Ok((
        page.order(courses::id)
            .limit(limit)
            .select(Course::as_select())
            .load(connection)?,
        total,
    ))
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Course>> {
    courses::table
        .find(id)
        .select(Course::as_select())
        .first(connection)
        .optional()
}

pub fn leads_to(
    connection: &mut DbConn,
    course_ids: &[String],
) -> QueryResult<HashMap<String, Vec<String>>> {
    let pairs: Vec<(String, String)> = course_occupations::table
        .filter(course_occupations::course_id.eq_any(course_ids))
        .order((
            course_occupations::course_id,
            course_occupations::occupation_code,
        ))
        .select((
            course_occupations::course_id,
            course_occupations::occupation_code,
        ))
        .load(connection)?;
    let mut by_course: HashMap<String, Vec<String>> = HashMap::new();
    for (course_id, code) in pairs {
        by_course.entry(course_id).or_default().push(code);
    }
    Ok(by_course)
}

pub fn replace_leads_to(
    connection: &mut DbConn,
    course_id: &str,
    codes: &[String],
) -> QueryResult<()> {
    diesel::delete(course_occupations::table.filter(course_occupations::course_id.eq(course_id)))
        .execute(connection)?;
    for code in codes {
        diesel::insert_into(course_occupations::table)
            .values(&NewCourseOccupation {
                course_id: course_id.to_owned(),
                occupation_code: code.clone(),
            })
            .execute(connection)?;
    }
    Ok(())
}

pub fn insert(connection: &mut DbConn, course: &NewCourse, codes: &[String]) -> QueryResult<()> {
    diesel::insert_into(courses::table)
        .values(course)
        .execute(connection)?;
    replace_leads_to(connection, &course.id, codes)
}

pub fn update(connection: &mut DbConn, course: &NewCourse) -> QueryResult<usize> {
    diesel::update(courses::table.find(&course.id))
        .set((
            courses::provider.eq(&course.provider),
            courses::title.eq(&course.title),
            courses::description.eq(&course.description),
            courses::level.eq(&course.level),
            courses::commune_id.eq(&course.commune_id),
            courses::starts_on.eq(course.starts_on),
            courses::ends_on.eq(course.ends_on),
            courses::capacity.eq(course.capacity),
            courses::fee_vnd.eq(course.fee_vnd),
            courses::support_vnd.eq(course.support_vnd),
            courses::status.eq(&course.status),
            courses::updated_at.eq(course.updated_at),
            courses::search_name.eq(&course.search_name),
        ))
        .execute(connection)
}

pub fn archive(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        courses::table
            .find(id)
            .filter(courses::archived_at.is_null()),
    )
    .set((
        courses::archived_at.eq(Some(now)),
        courses::updated_at.eq(now),
    ))
    .execute(connection)
}

/// The id, if it names an open course.
pub fn live_id(connection: &mut DbConn, id: &str) -> QueryResult<Option<String>> {
    courses::table
        .filter(courses::id.eq(id))
        .filter(courses::archived_at.is_null())
        .select(courses::id)
        .first(connection)
        .optional()
}

/// The open courses of a provider with that title starting that day (texts NFC).
pub fn live_ids_by_key(
    connection: &mut DbConn,
    provider: &str,
    title: &str,
    starts_on: NaiveDate,
) -> QueryResult<Vec<String>> {
    courses::table
        .filter(courses::provider.eq(provider))
        .filter(courses::title.eq(title))
        .filter(courses::starts_on.eq(starts_on))
        .filter(courses::archived_at.is_null())
        .select(courses::id)
        .load(connection)
}

/// The open courses' ids by provider, title and start: the order of an export.
pub fn live_ids_by_key_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
    courses::table
        .filter(courses::archived_at.is_null())
        .order((courses::provider, courses::title, courses::starts_on))
        .select(courses::id)
        .load(connection)
}

/// The course's places, its row written first: two officers confirming the last place at once
/// take turns (a row lock on PostgreSQL; SQLite has one writer anyway).
pub fn lock_capacity(connection: &mut DbConn, id: &str) -> QueryResult<i32> {
    diesel::update(courses::table.find(id))
        .set(courses::updated_at.eq(courses::updated_at))
        .execute(connection)?;
    courses::table
        .find(id)
        .select(courses::capacity)
        .first(connection)
}

/// What a search result shows of a course.
#[derive(Debug, Queryable)]
pub struct CourseSummary {
    pub id: String,
    pub title: String,
    pub provider: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub capacity: i32,
    pub status: String,
    pub commune_id: Option<String>,
}

/// The open courses among `ids`.
pub fn summaries(connection: &mut DbConn, ids: &[String]) -> QueryResult<Vec<CourseSummary>> {
    courses::table
        .filter(courses::id.eq_any(ids))
        .filter(courses::archived_at.is_null())
        .select((
            courses::id,
            courses::title,
            courses::provider,
            courses::description,
            courses::starts_on,
            courses::capacity,
            courses::status,
            courses::commune_id,
        ))
        .load(connection)
}

/// Planned or open courses starting on or after `today` that lead to any of `codes`, as
/// `(course id, occupation code)`.
pub fn upcoming_leading_to(
    connection: &mut DbConn,
    codes: &[String],
    today: NaiveDate,
) -> QueryResult<Vec<(String, String)>> {
    course_occupations::table
        .inner_join(courses::table)
        .filter(course_occupations::occupation_code.eq_any(codes))
        .filter(courses::status.eq_any(["planned", "open"]))
        .filter(courses::archived_at.is_null())
        .filter(courses::starts_on.ge(today))
        .select((courses::id, course_occupations::occupation_code))
        .load(connection)
}
