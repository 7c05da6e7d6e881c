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
    /// The day the consent to share was given.
    pub consent_given_on: Option<NaiveDate>,
    /// How they are written to: `both`, `sms`, `email` or `none`.
    pub message_channel: String,
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
use crate::domain::statuses::{Availability, EnrollmentStatus};

mod lookups;

pub use lookups::*;

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
    /// The day the consent to share was given.
    pub consent_given_on: Option<NaiveDate>,
    pub message_channel: String,
    /// The day they stopped texts, if they did.
    pub sms_stopped_on: Option<NaiveDate>,
}

/// What a worker list is narrowed to. Unit lists are ids of `admin_units` (already expanded
/// across the reform by the caller).
#[derive(Debug, Clone, Default, PartialEq)]
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

/// The number of workers not archived in the filter's communes, from the counts the database
/// keeps per commune; `None` when the filter asks for more than place.
fn live_count(connection: &mut DbConn, filter: &WorkerFilter) -> QueryResult<Option<i64>> {
    use crate::db::schema::worker_counts;
    // Compared whole, so a filter added later falls back to counting rows.
    let place_only = *filter
        == WorkerFilter {
            units: filter.units.clone(),
            area_units: filter.area_units.clone(),
            ..WorkerFilter::default()
        };
    if !place_only {
        return Ok(None);
    }
    let mut query = worker_counts::table.into_boxed();
    for units in [&filter.units, &filter.area_units].into_iter().flatten() {
        query = query.filter(worker_counts::commune_id.eq_any(units.clone()));
    }
    // A few hundred communes at most: summed here, the same on both backends.
    let counts: Vec<i64> = query.select(worker_counts::live).load(connection)?;
    Ok(Some(counts.iter().sum()))
}

/// A page of workers after `after` (by id, which ascends with creation), and the total count.
pub fn list(
    connection: &mut DbConn,
    filter: &WorkerFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<Worker>, i64)> {
    let total = match live_count(connection, filter)? {
        Some(total) => total,
        None => filtered(filter).count().get_result(connection)?,
    };
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
            workers::consent_given_on.eq(worker.consent_given_on),
            workers::message_channel.eq(&worker.message_channel),
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
