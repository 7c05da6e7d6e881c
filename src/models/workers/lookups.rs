//! The small reads and writes of one worker other use cases need: identity, reach, consent,
//! contacts, what search and matching show, and the availability a hire sets.

use super::*;

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

/// What a search result or a vacancy's list of matching workers shows of a worker.
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

/// A household's open members as `(id, full name, birth date)`, by name.
pub fn members_named(
    connection: &mut DbConn,
    household_id: &str,
) -> QueryResult<Vec<(String, String, NaiveDate)>> {
    workers::table
        .filter(workers::household_id.eq(household_id))
        .filter(workers::archived_at.is_null())
        .order((workers::full_name, workers::id))
        .select((workers::id, workers::full_name, workers::birth_date))
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
            .filter(enrollments::status.eq_any(EnrollmentStatus::FINISHED))
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

/// How to reach a worker: name, e-mail, commune id, when consent was withdrawn, phone, the
/// channel they chose (`both`, `sms`, `email`, `none`) and the day they stopped texts.
pub type Contact = (
    String,
    Option<String>,
    String,
    Option<NaiveDateTime>,
    Option<String>,
    String,
    Option<chrono::NaiveDate>,
);

/// How to reach a worker.
pub fn contact(connection: &mut DbConn, id: &str) -> QueryResult<Contact> {
    workers::table
        .find(id)
        .select((
            workers::full_name,
            workers::email,
            workers::commune_id,
            workers::consent_withdrawn_at,
            workers::phone,
            workers::message_channel,
            workers::sms_stopped_on,
        ))
        .first(connection)
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
