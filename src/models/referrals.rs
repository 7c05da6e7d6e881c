//! The `referrals` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{referrals, vacancies, workers};
use crate::domain::ids::ReferralId;
use crate::domain::statuses::{ReferralStatus, RejectionReason};

/// A worker put forward for a vacancy.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = referrals, treat_none_as_default_value = false)]
pub struct NewReferral {
    pub id: ReferralId,
    pub vacancy_id: String,
    pub worker_id: String,
    pub status: ReferralStatus,
    pub match_score: Option<f64>,
    pub match_explanation: String,
    /// The explanation without what an employer may not read.
    pub employer_explanation: String,
    /// The worker's place in the ranked list the referring officer saw, if on it.
    pub match_rank: Option<i32>,
    /// Why staff referred a worker who was not on that list.
    pub override_reason: Option<String>,
    pub rejection_reason: Option<RejectionReason>,
    pub status_note: String,
    pub created_by: Option<String>,
    pub status_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set when staff share the referral with the employer (anything past a shortlist).
    pub shared_at: Option<NaiveDateTime>,
}

/// A referral as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = referrals)]
pub struct Referral {
    pub id: ReferralId,
    pub vacancy_id: String,
    pub worker_id: String,
    pub status: ReferralStatus,
    pub match_score: Option<f64>,
    pub match_explanation: String,
    pub employer_explanation: String,
    pub match_rank: Option<i32>,
    pub override_reason: Option<String>,
    pub rejection_reason: Option<RejectionReason>,
    pub status_note: String,
    pub status_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub stale_since: Option<NaiveDateTime>,
    pub closed_unanswered: bool,
    pub interview_at: Option<NaiveDateTime>,
    pub shared_at: Option<NaiveDateTime>,
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Referral>> {
    referrals::table
        .find(id)
        .select(Referral::as_select())
        .first(connection)
        .optional()
}

pub fn insert(connection: &mut DbConn, referral: &NewReferral) -> QueryResult<usize> {
    diesel::insert_into(referrals::table)
        .values(referral)
        .execute(connection)
}

/// The referral of a worker to a vacancy, if there is one (there is at most one).
pub fn id_for(
    connection: &mut DbConn,
    vacancy_id: &str,
    worker_id: &str,
) -> QueryResult<Option<String>> {
    referrals::table
        .filter(referrals::vacancy_id.eq(vacancy_id))
        .filter(referrals::worker_id.eq(worker_id))
        .select(referrals::id)
        .first(connection)
        .optional()
}

pub fn set_interview(
    connection: &mut DbConn,
    id: &str,
    at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(referrals::table.find(id))
        .set(referrals::interview_at.eq(at))
        .execute(connection)
}

/// Staff share the referral with the employer.
pub fn mark_shared(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(referrals::table.find(id))
        .set(referrals::shared_at.eq(now))
        .execute(connection)
}

pub fn set_status(
    connection: &mut DbConn,
    id: &str,
    status: ReferralStatus,
    rejection_reason: Option<RejectionReason>,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(referrals::table.find(id))
        .set((
            referrals::status.eq(status),
            referrals::rejection_reason.eq(rejection_reason),
            referrals::status_note.eq(note),
            referrals::status_changed_at.eq(now),
            referrals::updated_at.eq(now),
        ))
        .execute(connection)
}

/// Flags the referrals sent to an employer before `before` and not yet flagged; answers how many.
pub fn flag_unanswered(
    connection: &mut DbConn,
    before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table
            .filter(referrals::status.eq(ReferralStatus::Referred))
            .filter(referrals::stale_since.is_null())
            .filter(referrals::status_changed_at.lt(before)),
    )
    .set(referrals::stale_since.eq(now))
    .execute(connection)
}

/// Referrals sent to an employer and unanswered since before `before`, as `(id, worker id)`.
pub fn unanswered_since(
    connection: &mut DbConn,
    before: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    referrals::table
        .filter(referrals::status.eq(ReferralStatus::Referred))
        .filter(referrals::status_changed_at.lt(before))
        .select((referrals::id, referrals::worker_id))
        .load(connection)
}

/// Withdrawn because the employer never answered.
pub fn close_unanswered(
    connection: &mut DbConn,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(referrals::table.find(id))
        .set((
            referrals::status.eq(ReferralStatus::Withdrawn),
            referrals::closed_unanswered.eq(true),
            referrals::status_changed_at.eq(now),
            referrals::updated_at.eq(now),
        ))
        .execute(connection)
}

/// Which referrals a board lists; the caller decides the reach.
#[derive(Debug, Default)]
pub struct ReferralFilter {
    /// Only those of this employer's vacancies that staff shared with it.
    pub employer_id: Option<String>,
    /// Only those of workers in these units.
    pub area_units: Option<Vec<String>>,
    pub status: Option<String>,
    /// Only those flagged as unanswered and still open.
    pub stale: bool,
    pub vacancy_id: Option<String>,
    pub limit: i64,
}

/// Newest change first.
pub fn list(connection: &mut DbConn, filter: ReferralFilter) -> QueryResult<Vec<Referral>> {
    let mut listed = referrals::table
        .inner_join(vacancies::table)
        .inner_join(workers::table)
        .select(Referral::as_select())
        .order((referrals::status_changed_at.desc(), referrals::id))
        .limit(filter.limit)
        .into_boxed();
    if let Some(employer) = filter.employer_id {
        listed = listed
            .filter(vacancies::employer_id.eq(employer))
            .filter(referrals::shared_at.is_not_null());
    }
    if let Some(units) = filter.area_units {
        listed = listed.filter(workers::commune_id.eq_any(units));
    }
    if let Some(status) = filter.status {
        listed = listed.filter(referrals::status.eq(status));
    }
    if filter.stale {
        listed = listed
            .filter(referrals::stale_since.is_not_null())
            .filter(referrals::status.eq(ReferralStatus::Referred));
    }
    if let Some(vacancy) = filter.vacancy_id {
        listed = listed.filter(referrals::vacancy_id.eq(vacancy));
    }
    listed.load(connection)
}

/// A worker's last 100 referrals, newest change first.
pub fn of_worker(connection: &mut DbConn, worker_id: &str) -> QueryResult<Vec<Referral>> {
    referrals::table
        .filter(referrals::worker_id.eq(worker_id))
        .select(Referral::as_select())
        .order((referrals::status_changed_at.desc(), referrals::id))
        .limit(100)
        .load(connection)
}

/// The referrals an employer may see: those on its own vacancies that staff shared with it. A
/// shortlist never is, even once withdrawn. Every employer-facing read of referrals, and of the
/// workers behind them, starts here.
#[diesel::dsl::auto_type]
pub fn shared_with_employer(employer_id: String) -> _ {
    let own: diesel::dsl::Eq<vacancies::employer_id, String> =
        vacancies::employer_id.eq(employer_id);
    referrals::table
        .inner_join(vacancies::table)
        .filter(own)
        .filter(referrals::shared_at.is_not_null())
}

/// For each referral id: the worker's name and the vacancy's title, for boards that list
/// referrals the caller may already see.
pub fn labels(
    connection: &mut DbConn,
    referral_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, (String, String)>> {
    let mut labels = std::collections::HashMap::new();
    for chunk in referral_ids.chunks(200) {
        let rows: Vec<(String, String, String)> = referrals::table
            .inner_join(workers::table)
            .inner_join(vacancies::table)
            .filter(referrals::id.eq_any(chunk))
            .select((referrals::id, workers::full_name, vacancies::title))
            .load(connection)?;
        for (id, name, title) in rows {
            labels.insert(id, (name, title));
        }
    }
    Ok(labels)
}

/// How many of `ids` name a referral.
pub fn count_existing(connection: &mut DbConn, ids: &[String]) -> QueryResult<usize> {
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let present: i64 = referrals::table
            .filter(referrals::id.eq_any(chunk))
            .count()
            .get_result(connection)?;
        found += usize::try_from(present).unwrap_or(0);
    }
    Ok(found)
}

/// Referrals flagged as unanswered and still with the employer, of workers in `units` (all
/// when `None`): how many, and the oldest `limit` as `(worker's name, vacancy title, employer's
/// name, referred at)`.
#[allow(clippy::type_complexity)]
pub fn unanswered_in(
    connection: &mut DbConn,
    units: Option<&[String]>,
    limit: i64,
) -> QueryResult<(i64, Vec<(String, String, String, NaiveDateTime)>)> {
    use crate::db::schema::employers;
    let stale_query = || {
        let mut query = referrals::table
            .inner_join(workers::table)
            .inner_join(vacancies::table.inner_join(employers::table))
            .filter(referrals::status.eq(ReferralStatus::Referred))
            .filter(referrals::stale_since.is_not_null())
            .into_boxed();
        if let Some(units) = units {
            query = query.filter(workers::commune_id.eq_any(units.to_vec()));
        }
        query
    };
    let total: i64 = stale_query().count().get_result(connection)?;
    let listed = stale_query()
        .order((referrals::created_at, referrals::id))
        .limit(limit)
        .select((
            workers::full_name,
            vacancies::title,
            employers::name,
            referrals::created_at,
        ))
        .load(connection)?;
    Ok((total, listed))
}

/// The workers referred to a vacancy (at any status).
pub fn workers_of_vacancy(connection: &mut DbConn, vacancy_id: &str) -> QueryResult<Vec<String>> {
    referrals::table
        .filter(referrals::vacancy_id.eq(vacancy_id))
        .select(referrals::worker_id)
        .load(connection)
}

/// The vacancies a worker was referred to (at any status).
pub fn vacancies_of_worker(connection: &mut DbConn, worker_id: &str) -> QueryResult<Vec<String>> {
    referrals::table
        .filter(referrals::worker_id.eq(worker_id))
        .select(referrals::vacancy_id)
        .load(connection)
}
