//! The `enrollments` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::enrollments;
use crate::domain::statuses::EnrollmentStatus;

/// A worker's place on a course.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = enrollments, treat_none_as_default_value = false)]
pub struct NewEnrollment {
    pub id: String,
    pub course_id: String,
    pub worker_id: String,
    pub status: EnrollmentStatus,
    pub progress_percent: i32,
    pub commune_id_at_enrolment: String,
    pub applied_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

use crate::db::DbConn;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = enrollments)]
pub struct Enrollment {
    pub id: String,
    pub course_id: String,
    pub worker_id: String,
    pub status: EnrollmentStatus,
    pub progress_percent: i32,
    pub commune_id_at_enrolment: String,
    pub applied_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Filed from the public form for a registered CCCD whose birth date did not agree.
    pub identity_unconfirmed: bool,
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Enrollment>> {
    enrollments::table
        .find(id)
        .select(Enrollment::as_select())
        .first(connection)
        .optional()
}

pub fn find_id(
    connection: &mut DbConn,
    course_id: &str,
    worker_id: &str,
) -> QueryResult<Option<String>> {
    enrollments::table
        .filter(enrollments::course_id.eq(course_id))
        .filter(enrollments::worker_id.eq(worker_id))
        .select(enrollments::id)
        .first(connection)
        .optional()
}

pub fn insert(connection: &mut DbConn, enrollment: &NewEnrollment) -> QueryResult<usize> {
    diesel::insert_into(enrollments::table)
        .values(enrollment)
        .execute(connection)
}

pub fn update(connection: &mut DbConn, enrollment: &Enrollment) -> QueryResult<usize> {
    diesel::update(enrollments::table.find(&enrollment.id))
        .set((
            enrollments::status.eq(&enrollment.status),
            enrollments::progress_percent.eq(enrollment.progress_percent),
            enrollments::completed_on.eq(enrollment.completed_on),
            enrollments::certificate_no.eq(&enrollment.certificate_no),
            enrollments::updated_at.eq(enrollment.updated_at),
        ))
        .execute(connection)
}

/// A worker's enrolments, newest first, with each course's title and start date.
pub fn for_worker(
    connection: &mut DbConn,
    worker_id: &str,
) -> QueryResult<Vec<(Enrollment, String, chrono::NaiveDate)>> {
    use crate::db::schema::courses;
    enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::worker_id.eq(worker_id))
        .order(enrollments::created_at.desc())
        .select((Enrollment::as_select(), courses::title, courses::starts_on))
        .load(connection)
}

/// A course's enrolments with each worker's name, in order of application.
pub fn for_course(
    connection: &mut DbConn,
    course_id: &str,
) -> QueryResult<Vec<(Enrollment, String, String)>> {
    use crate::db::schema::workers;
    enrollments::table
        .inner_join(workers::table)
        .filter(enrollments::course_id.eq(course_id))
        .order((enrollments::created_at, enrollments::id))
        .select((
            Enrollment::as_select(),
            workers::full_name,
            workers::commune_id,
        ))
        .load(connection)
}

/// Marks an application filed for a registered CCCD whose birth date did not agree.
pub fn mark_identity_unconfirmed(connection: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::update(enrollments::table.find(id))
        .set(enrollments::identity_unconfirmed.eq(true))
        .execute(connection)
        .map(drop)
}

/// Enrolments that hold a place of the course: confirmed and not dropped.
pub fn holding_places(connection: &mut DbConn, course_id: &str) -> QueryResult<i64> {
    enrollments::table
        .filter(enrollments::course_id.eq(course_id))
        .filter(enrollments::status.eq_any(EnrollmentStatus::HOLDS_PLACE))
        .count()
        .get_result(connection)
}

/// Enrolments holding a seat (any not dropped), per course.
pub fn seats_taken(
    connection: &mut DbConn,
    course_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, i64>> {
    let mut taken = std::collections::HashMap::new();
    for course_id in enrollments::table
        .filter(enrollments::course_id.eq_any(course_ids))
        .filter(enrollments::status.ne(EnrollmentStatus::Dropped))
        .select(enrollments::course_id)
        .load::<String>(connection)?
    {
        *taken.entry(course_id).or_insert(0) += 1;
    }
    Ok(taken)
}

/// An enrolment's worker and its course's title, provider, commune, first and last day.
#[allow(clippy::type_complexity)]
pub fn course_of(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<(String, String, String, Option<String>, NaiveDate, NaiveDate)> {
    use crate::db::schema::courses;
    enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::id.eq(id))
        .select((
            enrollments::worker_id,
            courses::title,
            courses::provider,
            courses::commune_id,
            courses::starts_on,
            courses::ends_on,
        ))
        .first(connection)
}
