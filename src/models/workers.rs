//! The `workers` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{worker_occupations, workers};

/// A person registered by the job centre.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = workers, treat_none_as_default_value = false)]
pub struct NewWorker {
    pub id: String,
    pub national_id: Option<String>,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub ethnicity_code: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub commune_id: String,
    pub household_id: Option<String>,
    pub education_level: String,
    pub qualifications: String,
    pub disability: bool,
    pub skills: String,
    pub willing_to_relocate: bool,
    pub willing_overseas: bool,
    pub expected_wage_vnd: Option<i64>,
    pub availability: Availability,
    pub consent_to_share: bool,
    pub registered_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}

/// An occupation a worker wants.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = worker_occupations)]
pub struct NewWorkerOccupation {
    pub worker_id: String,
    pub occupation_code: String,
}

use std::collections::HashMap;

use crate::db::DbConn;
use crate::db::schema::{households, referrals};
use crate::domain::statuses::Availability;

/// The backend type of [`DbConn`], for boxed queries.
pub type Db = <DbConn as diesel::Connection>::Backend;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = workers)]
pub struct Worker {
    pub id: String,
    pub national_id: Option<String>,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub ethnicity_code: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub commune_id: String,
    pub household_id: Option<String>,
    pub education_level: String,
    pub qualifications: String,
    pub disability: bool,
    pub skills: String,
    pub willing_to_relocate: bool,
    pub willing_overseas: bool,
    pub expected_wage_vnd: Option<i64>,
    pub availability: Availability,
    pub consent_to_share: bool,
    pub registered_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
    /// When the person withdrew their consent to share and be written to, if they did.
    pub consent_withdrawn_at: Option<NaiveDateTime>,
}

/// What a worker list is narrowed to. Unit lists are ids of `admin_units` (already expanded
/// across the reform by the caller).
#[derive(Debug, Clone, Default)]
pub struct WorkerFilter {
    pub units: Option<Vec<String>>,
    pub area_units: Option<Vec<String>>,
    pub household_status: Option<String>,
    pub availability: Option<String>,
    pub occupation: Option<String>,
    /// A folded name prefix (see `domain::text::fold`).
    pub name_prefix: Option<String>,
    pub include_archived: bool,
    /// Only workers referred to this employer's vacancies.
    pub referred_to_employer: Option<String>,
    /// Only this worker (a trainee's own record).
    pub only_id: Option<String>,
}

/// `%` and `_` typed by a user match themselves.
pub fn like_prefix(prefix: &str) -> String {
    let escaped = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("{escaped}%")
}

fn filtered(filter: &WorkerFilter) -> workers::BoxedQuery<'static, Db> {
    use crate::db::schema::worker_occupations;
    let mut query = workers::table.into_boxed();
    if let Some(units) = &filter.units {
        query = query.filter(workers::commune_id.eq_any(units.clone()));
    }
    if let Some(units) = &filter.area_units {
        query = query.filter(workers::commune_id.eq_any(units.clone()));
    }
    if let Some(status) = &filter.household_status {
        let members = households::table
            .filter(households::status.eq(status.clone()))
            .select(households::id.nullable());
        query = query.filter(workers::household_id.eq_any(members));
    }
    if let Some(availability) = &filter.availability {
        query = query.filter(workers::availability.eq(availability.clone()));
    }
    if let Some(code) = &filter.occupation {
        let wanting = worker_occupations::table
            .filter(worker_occupations::occupation_code.eq(code.clone()))
            .select(worker_occupations::worker_id);
        query = query.filter(workers::id.eq_any(wanting));
    }
    if let Some(prefix) = &filter.name_prefix {
        query = query.filter(workers::search_name.like(like_prefix(prefix)).escape('\\'));
    }
    if !filter.include_archived {
        query = query.filter(workers::archived_at.is_null());
    }
    if let Some(employer_id) = &filter.referred_to_employer {
        let referred = crate::models::referrals::shared_with_employer(employer_id.clone())
            .select(referrals::worker_id);
        query = query
            .filter(workers::id.eq_any(referred))
            .filter(workers::consent_withdrawn_at.is_null());
    }
    if let Some(id) = &filter.only_id {
        query = query.filter(workers::id.eq(id.clone()));
    }
    query
}

/// A page of workers after `after` (by id, which ascends with creation), and the total count.
pub fn list(
    connection: &mut DbConn,
    filter: &WorkerFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<Worker>, i64)> {
    let total: i64 = filtered(filter).count().get_result(connection)?;
    let mut page = filtered(filter);
    if let Some(after) = after {
        page = page.filter(workers::id.gt(after.to_owned()));
    }
    let rows = page
        .order(workers::id)
        .limit(limit)
        .select(Worker::as_select())
        .load(connection)?;
    Ok((rows, total))
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Worker>> {
    workers::table
        .find(id)
        .select(Worker::as_select())
        .first(connection)
        .optional()
}

pub fn find_id_by_national_id(
    connection: &mut DbConn,
    national_id: &str,
) -> QueryResult<Option<String>> {
    workers::table
        .filter(workers::national_id.eq(national_id))
        .select(workers::id)
        .first(connection)
        .optional()
}

/// Desired occupation codes of each worker.
pub fn occupations_of(
    connection: &mut DbConn,
    worker_ids: &[String],
) -> QueryResult<HashMap<String, Vec<String>>> {
    use crate::db::schema::worker_occupations;
    let pairs: Vec<(String, String)> = worker_occupations::table
        .filter(worker_occupations::worker_id.eq_any(worker_ids))
        .order((
            worker_occupations::worker_id,
            worker_occupations::occupation_code,
        ))
        .select((
            worker_occupations::worker_id,
            worker_occupations::occupation_code,
        ))
        .load(connection)?;
    let mut by_worker: HashMap<String, Vec<String>> = HashMap::new();
    for (worker_id, code) in pairs {
        by_worker.entry(worker_id).or_default().push(code);
    }
    Ok(by_worker)
}

pub fn insert(
    connection: &mut DbConn,
    worker: &NewWorker,
    occupations: &[String],
) -> QueryResult<()> {
    diesel::insert_into(workers::table)
        .values(worker)
        .execute(connection)?;
    replace_occupations(connection, &worker.id, occupations)
}

pub fn replace_occupations(
    connection: &mut DbConn,
    worker_id: &str,
    occupations: &[String],
) -> QueryResult<()> {
    use crate::db::schema::worker_occupations;
    diesel::delete(worker_occupations::table.filter(worker_occupations::worker_id.eq(worker_id)))
        .execute(connection)?;
    for code in occupations {
        diesel::insert_into(worker_occupations::table)
            .values(&NewWorkerOccupation {
                worker_id: worker_id.to_owned(),
                occupation_code: code.clone(),
            })
            .execute(connection)?;
    }
    Ok(())
}

/// Writes every column of an existing worker from `worker` (ids and creation time excepted).
pub fn update(connection: &mut DbConn, worker: &NewWorker) -> QueryResult<usize> {
    diesel::update(workers::table.find(&worker.id))
        .set((
            workers::national_id.eq(&worker.national_id),
            workers::full_name.eq(&worker.full_name),
            workers::birth_date.eq(worker.birth_date),
            workers::gender.eq(&worker.gender),
            workers::ethnicity_code.eq(&worker.ethnicity_code),
            workers::phone.eq(&worker.phone),
            workers::email.eq(&worker.email),
            workers::commune_id.eq(&worker.commune_id),
            workers::household_id.eq(&worker.household_id),
            workers::education_level.eq(&worker.education_level),
            workers::qualifications.eq(&worker.qualifications),
            workers::disability.eq(worker.disability),
            workers::skills.eq(&worker.skills),
            workers::willing_to_relocate.eq(worker.willing_to_relocate),
            workers::willing_overseas.eq(worker.willing_overseas),
            workers::expected_wage_vnd.eq(worker.expected_wage_vnd),
            workers::availability.eq(&worker.availability),
            workers::consent_to_share.eq(worker.consent_to_share),
            workers::updated_at.eq(worker.updated_at),
            workers::search_name.eq(&worker.search_name),
        ))
        .execute(connection)
}

pub fn archive(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        workers::table
            .find(id)
            .filter(workers::archived_at.is_null()),
    )
    .set((
        workers::archived_at.eq(Some(now)),
        workers::updated_at.eq(now),
    ))
    .execute(connection)
}

/// Whether staff shared the worker with the employer through a referral to one of its
/// vacancies.
pub fn is_referred_to_employer(
    connection: &mut DbConn,
    worker_id: &str,
    employer_id: &str,
) -> QueryResult<bool> {
    let count: i64 = crate::models::referrals::shared_with_employer(employer_id.to_owned())
        .filter(referrals::worker_id.eq(worker_id))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

pub fn clear_consent_withdrawal(connection: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::update(workers::table.find(id))
        .set(workers::consent_withdrawn_at.eq(None::<chrono::NaiveDateTime>))
        .execute(connection)
        .map(drop)
}

/// The id, if it names an open worker.
pub fn live_id(connection: &mut DbConn, id: &str) -> QueryResult<Option<String>> {
    workers::table
        .filter(workers::id.eq(id))
        .filter(workers::archived_at.is_null())
        .select(workers::id)
        .first(connection)
        .optional()
}

/// The worker holding a CCCD (archived or not, as the number stays theirs): `(id, full name,
/// birth date)`.
pub fn identity_by_national_id(
    connection: &mut DbConn,
    national_id: &str,
) -> QueryResult<Option<(String, String, NaiveDate)>> {
    workers::table
        .filter(workers::national_id.eq(national_id))
        .select((workers::id, workers::full_name, workers::birth_date))
        .first(connection)
        .optional()
}

/// The open workers' ids by CCCD: the order of an export.
pub fn live_ids_by_national_id(connection: &mut DbConn) -> QueryResult<Vec<String>> {
    workers::table
        .filter(workers::archived_at.is_null())
        .order(workers::national_id)
        .select(workers::id)
        .load(connection)
}

/// An open worker's commune and consent to share their profile.
pub fn live_commune_and_consent(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<Option<(String, bool)>> {
    workers::table
        .filter(workers::id.eq(id))
        .filter(workers::archived_at.is_null())
        .select((workers::commune_id, workers::consent_to_share))
        .first(connection)
        .optional()
}

pub fn commune_of(connection: &mut DbConn, id: &str) -> QueryResult<Option<String>> {
    workers::table
        .find(id)
        .select(workers::commune_id)
        .first(connection)
        .optional()
}

pub fn consents_to_share(connection: &mut DbConn, id: &str) -> QueryResult<bool> {
    workers::table
        .find(id)
        .select(workers::consent_to_share)
        .first(connection)
}

/// A worker's commune and household.
pub fn commune_and_household(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<(String, Option<String>)> {
    workers::table
        .find(id)
        .select((workers::commune_id, workers::household_id))
        .first(connection)
}

pub fn set_availability(
    connection: &mut DbConn,
    id: &str,
    availability: Availability,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(workers::table.find(id))
        .set((
            workers::availability.eq(availability),
            workers::updated_at.eq(now),
        ))
        .execute(connection)
}

/// The person withdrew their consent to share their profile (`since`: when first withdrawn).
pub fn withdraw_consent(
    connection: &mut DbConn,
    id: &str,
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(workers::table.find(id))
        .set((
            workers::consent_to_share.eq(false),
            workers::consent_withdrawn_at.eq(since),
            workers::updated_at.eq(now),
        ))
        .execute(connection)
}

/// What a search result shows of a worker.
#[derive(Debug, Queryable)]
pub struct WorkerSummary {
    pub id: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub commune_id: String,
    pub skills: String,
    pub qualifications: String,
    pub availability: String,
    pub household_status: Option<String>,
    pub willing_overseas: bool,
    pub consent_to_share: bool,
}

/// The open workers among `ids`, as a search result shows them.
pub fn summaries(connection: &mut DbConn, ids: &[String]) -> QueryResult<Vec<WorkerSummary>> {
    workers::table
        .left_join(households::table)
        .filter(workers::id.eq_any(ids))
        .filter(workers::archived_at.is_null())
        .select((
            workers::id,
            workers::full_name,
            workers::birth_date,
            workers::commune_id,
            workers::skills,
            workers::qualifications,
            workers::availability,
            households::status.nullable(),
            workers::willing_overseas,
            workers::consent_to_share,
        ))
        .load(connection)
}

/// Whether the registry has no worker at all (an empty database).
pub fn none(connection: &mut DbConn) -> QueryResult<bool> {
    let any: Option<String> = workers::table
        .select(workers::id)
        .first(connection)
        .optional()?;
    Ok(any.is_none())
}

/// The full names of the workers among `ids`, by id.
pub fn full_names(
    connection: &mut DbConn,
    ids: &[&String],
) -> QueryResult<HashMap<String, String>> {
    Ok(workers::table
        .filter(workers::id.eq_any(ids))
        .select((workers::id, workers::full_name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// The open workers of the households among `household_ids`, as `(household id, worker id)`.
pub fn members_of(
    connection: &mut DbConn,
    household_ids: &[String],
) -> QueryResult<Vec<(Option<String>, String)>> {
    workers::table
        .filter(workers::household_id.eq_any(household_ids))
        .filter(workers::archived_at.is_null())
        .select((workers::household_id, workers::id))
        .load(connection)
}

pub fn willing_overseas(connection: &mut DbConn, id: &str) -> QueryResult<bool> {
    workers::table
        .find(id)
        .select(workers::willing_overseas)
        .first(connection)
}

/// The occupations a worker fits: those they desire and those of courses they completed.
pub fn fitted_occupations(connection: &mut DbConn, id: &str) -> QueryResult<Vec<String>> {
    use crate::db::schema::{course_occupations, enrollments};
    let mut fits: Vec<String> = worker_occupations::table
        .filter(worker_occupations::worker_id.eq(id))
        .select(worker_occupations::occupation_code)
        .load(connection)?;
    fits.extend(
        enrollments::table
            .inner_join(
                course_occupations::table
                    .on(course_occupations::course_id.eq(enrollments::course_id)),
            )
            .filter(enrollments::worker_id.eq(id))
            .filter(enrollments::status.eq_any(["completed", "certified"]))
            .select(course_occupations::occupation_code)
            .load::<String>(connection)?,
    );
    Ok(fits)
}

/// How many of `ids` name a worker.
pub fn count_existing(connection: &mut DbConn, ids: &[String]) -> QueryResult<usize> {
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let present: i64 = workers::table
            .filter(workers::id.eq_any(chunk))
            .count()
            .get_result(connection)?;
        found += usize::try_from(present).unwrap_or(0);
    }
    Ok(found)
}

/// A worker's name, e-mail, commune and when they withdrew consent (if they did).
#[allow(clippy::type_complexity)]
pub fn contact(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<(String, Option<String>, String, Option<NaiveDateTime>)> {
    workers::table
        .find(id)
        .select((
            workers::full_name,
            workers::email,
            workers::commune_id,
            workers::consent_withdrawn_at,
        ))
        .first(connection)
}

/// What a vacancy's list of matching workers shows of the open workers among `ids`: `(id,
/// full name, birth date, commune id, skills, household status)`.
#[allow(clippy::type_complexity)]
pub fn match_rows(
    connection: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(String, String, NaiveDate, String, String, Option<String>)>> {
    workers::table
        .left_join(households::table)
        .filter(workers::id.eq_any(ids))
        .filter(workers::archived_at.is_null())
        .select((
            workers::id,
            workers::full_name,
            workers::birth_date,
            workers::commune_id,
            workers::skills,
            households::status.nullable(),
        ))
        .load(connection)
}

/// An open worker's `(commune id, availability, consent to share, skills, qualifications)`.
#[allow(clippy::type_complexity)]
pub fn live_profile(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<Option<(String, String, bool, String, String)>> {
    workers::table
        .filter(workers::id.eq(id))
        .filter(workers::archived_at.is_null())
        .select((
            workers::commune_id,
            workers::availability,
            workers::consent_to_share,
            workers::skills,
            workers::qualifications,
        ))
        .first(connection)
        .optional()
}

/// The Vietnamese names of the occupations a worker desires.
pub fn desired_occupation_names(connection: &mut DbConn, id: &str) -> QueryResult<Vec<String>> {
    use crate::db::schema::occupations;
    worker_occupations::table
        .inner_join(occupations::table)
        .filter(worker_occupations::worker_id.eq(id))
        .select(occupations::name_vi)
        .load(connection)
}
