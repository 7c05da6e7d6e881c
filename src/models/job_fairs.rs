//! The `job_fairs` table, its communes, vacancies and registered workers, and the counts of
//! what came of a fair.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    admin_units, employers, job_fair_communes, job_fair_vacancies, job_fair_workers, job_fairs,
    placements, referrals, vacancies, workers,
};
use crate::domain::statuses::PlacementStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = job_fairs)]
pub struct JobFair {
    pub id: String,
    pub name: String,
    pub search_name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub online: bool,
    pub organiser: String,
    pub description: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(connection: &mut DbConn, fair: &JobFair, commune_ids: &[String]) -> QueryResult<()> {
    diesel::insert_into(job_fairs::table)
        .values(fair)
        .execute(connection)?;
    for commune_id in commune_ids {
        diesel::insert_into(job_fair_communes::table)
            .values((
                job_fair_communes::fair_id.eq(&fair.id),
                job_fair_communes::commune_id.eq(commune_id),
            ))
            .execute(connection)?;
    }
    Ok(())
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<JobFair>> {
    job_fairs::table
        .find(id)
        .select(JobFair::as_select())
        .first(connection)
        .optional()
}

/// Fairs held on or after `from` (every fair when `None`), soonest first; with `name`, those
/// whose folded name contains it.
pub fn list(
    connection: &mut DbConn,
    from: Option<NaiveDate>,
    name: Option<&str>,
) -> QueryResult<Vec<JobFair>> {
    let mut query = job_fairs::table
        .order((job_fairs::held_on, job_fairs::id))
        .select(JobFair::as_select())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(job_fairs::held_on.ge(from));
    }
    if let Some(name) = name {
        query = query.filter(job_fairs::search_name.like(format!("%{name}%")));
    }
    query.load(connection)
}

/// A fair's communes as `(code, name)`.
pub fn communes(connection: &mut DbConn, fair_id: &str) -> QueryResult<Vec<(String, String)>> {
    job_fair_communes::table
        .inner_join(admin_units::table)
        .filter(job_fair_communes::fair_id.eq(fair_id))
        .order(admin_units::code)
        .select((admin_units::code, admin_units::name))
        .load(connection)
}

/// A vacancy brought to a fair: its id, its employer's id, its title, the employer's name and
/// the positions.
pub type FairVacancyRow = (String, String, String, String, i32);

/// The vacancies brought to a fair.
pub fn vacancies_of(connection: &mut DbConn, fair_id: &str) -> QueryResult<Vec<FairVacancyRow>> {
    job_fair_vacancies::table
        .inner_join(vacancies::table.inner_join(employers::table))
        .filter(job_fair_vacancies::fair_id.eq(fair_id))
        .order((employers::name, vacancies::title))
        .select((
            vacancies::id,
            employers::id,
            vacancies::title,
            employers::name,
            vacancies::positions,
        ))
        .load(connection)
}

/// Brings a vacancy to a fair (again: nothing changes).
pub fn add_vacancy(connection: &mut DbConn, fair_id: &str, vacancy_id: &str) -> QueryResult<usize> {
    if has_vacancy(connection, fair_id, vacancy_id)? {
        return Ok(0);
    }
    diesel::insert_into(job_fair_vacancies::table)
        .values((
            job_fair_vacancies::fair_id.eq(fair_id),
            job_fair_vacancies::vacancy_id.eq(vacancy_id),
        ))
        .execute(connection)
}

pub fn has_vacancy(connection: &mut DbConn, fair_id: &str, vacancy_id: &str) -> QueryResult<bool> {
    let n: i64 = job_fair_vacancies::table
        .filter(job_fair_vacancies::fair_id.eq(fair_id))
        .filter(job_fair_vacancies::vacancy_id.eq(vacancy_id))
        .count()
        .get_result(connection)?;
    Ok(n > 0)
}

/// Registers a worker (again: nothing changes) and, when given, the service record of their
/// attendance; whether the worker was not registered before.
pub fn register_worker(
    connection: &mut DbConn,
    fair_id: &str,
    worker_id: &str,
    attended_record_id: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let known: i64 = job_fair_workers::table
        .filter(job_fair_workers::fair_id.eq(fair_id))
        .filter(job_fair_workers::worker_id.eq(worker_id))
        .count()
        .get_result(connection)?;
    if known == 0 {
        diesel::insert_into(job_fair_workers::table)
            .values((
                job_fair_workers::fair_id.eq(fair_id),
                job_fair_workers::worker_id.eq(worker_id),
                job_fair_workers::registered_at.eq(now),
            ))
            .execute(connection)?;
    }
    if let Some(record) = attended_record_id {
        diesel::update(
            job_fair_workers::table
                .filter(job_fair_workers::fair_id.eq(fair_id))
                .filter(job_fair_workers::worker_id.eq(worker_id)),
        )
        .set(job_fair_workers::attended_record_id.eq(record))
        .execute(connection)?;
    }
    Ok(known == 0)
}

/// Whether the worker's attendance is recorded already.
pub fn attended(connection: &mut DbConn, fair_id: &str, worker_id: &str) -> QueryResult<bool> {
    let n: i64 = job_fair_workers::table
        .filter(job_fair_workers::fair_id.eq(fair_id))
        .filter(job_fair_workers::worker_id.eq(worker_id))
        .filter(job_fair_workers::attended_record_id.is_not_null())
        .count()
        .get_result(connection)?;
    Ok(n > 0)
}

/// Marks a referral as made at a fair.
pub fn mark_referral(
    connection: &mut DbConn,
    referral_id: &str,
    fair_id: &str,
) -> QueryResult<usize> {
    diesel::update(referrals::table.find(referral_id))
        .set(referrals::job_fair_id.eq(fair_id))
        .execute(connection)
}

/// What came of a fair: workers registered and attending, referrals made there, those that
/// reached an interview, the active hires they made, and those hires' household statuses when
/// hired.
pub struct Counts {
    pub registered: i64,
    pub attended: i64,
    pub referrals: i64,
    pub interviews: i64,
    pub hire_statuses: Vec<Option<String>>,
}

pub fn counts(connection: &mut DbConn, fair_id: &str) -> QueryResult<Counts> {
    let registered = job_fair_workers::table
        .filter(job_fair_workers::fair_id.eq(fair_id))
        .count()
        .get_result(connection)?;
    let attended = job_fair_workers::table
        .filter(job_fair_workers::fair_id.eq(fair_id))
        .filter(job_fair_workers::attended_record_id.is_not_null())
        .count()
        .get_result(connection)?;
    let referrals_made = referrals::table
        .filter(referrals::job_fair_id.eq(fair_id))
        .count()
        .get_result(connection)?;
    // Interviewed: an interview set, or a referral now at the interview or hired.
    let interviews = referrals::table
        .filter(referrals::job_fair_id.eq(fair_id))
        .filter(
            referrals::interview_at
                .is_not_null()
                .or(referrals::status.eq("interview"))
                .or(referrals::status.eq("hired")),
        )
        .count()
        .get_result(connection)?;
    let hire_statuses = placements::table
        .inner_join(referrals::table)
        .filter(referrals::job_fair_id.eq(fair_id))
        .filter(placements::status.eq(PlacementStatus::Active))
        .select(placements::household_status_snapshot)
        .load(connection)?;
    Ok(Counts {
        registered,
        attended,
        referrals: referrals_made,
        interviews,
        hire_statuses,
    })
}

/// Fairs held between two days, in order, each with the ids of the communes it serves.
pub fn held_between(
    connection: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(JobFair, Vec<String>)>> {
    let fairs: Vec<JobFair> = job_fairs::table
        .filter(job_fairs::held_on.between(from, to))
        .order((job_fairs::held_on, job_fairs::id))
        .select(JobFair::as_select())
        .load(connection)?;
    fairs
        .into_iter()
        .map(|fair| {
            let communes = job_fair_communes::table
                .filter(job_fair_communes::fair_id.eq(&fair.id))
                .select(job_fair_communes::commune_id)
                .load(connection)?;
            Ok((fair, communes))
        })
        .collect()
}

/// Every fair an employer brought a vacancy to, soonest first; with `name`, those whose folded
/// name contains it.
pub fn list_of_employer(
    connection: &mut DbConn,
    employer_id: &str,
    name: Option<&str>,
) -> QueryResult<Vec<JobFair>> {
    let taking_part = job_fair_vacancies::table
        .inner_join(vacancies::table)
        .filter(vacancies::employer_id.eq(employer_id))
        .select(job_fair_vacancies::fair_id);
    let mut query = job_fairs::table
        .filter(job_fairs::id.eq_any(taking_part))
        .order((job_fairs::held_on, job_fairs::id))
        .select(JobFair::as_select())
        .into_boxed();
    if let Some(name) = name {
        query = query.filter(job_fairs::search_name.like(format!("%{name}%")));
    }
    query.load(connection)
}

/// Whether an employer brought a vacancy to a fair.
pub fn employer_takes_part(
    connection: &mut DbConn,
    fair_id: &str,
    employer_id: &str,
) -> QueryResult<bool> {
    let n: i64 = job_fair_vacancies::table
        .inner_join(vacancies::table)
        .filter(job_fair_vacancies::fair_id.eq(fair_id))
        .filter(vacancies::employer_id.eq(employer_id))
        .count()
        .get_result(connection)?;
    Ok(n > 0)
}

/// A worker registered for a fair, as its list is exported.
#[derive(Debug, Clone, Queryable)]
pub struct Registration {
    pub worker_id: String,
    pub full_name: String,
    pub national_id: Option<String>,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub commune_id: String,
    pub registered_at: NaiveDateTime,
    pub attended: bool,
}

/// The workers registered for a fair, in the order they registered.
pub fn registrations(connection: &mut DbConn, fair_id: &str) -> QueryResult<Vec<Registration>> {
    job_fair_workers::table
        .inner_join(workers::table)
        .filter(job_fair_workers::fair_id.eq(fair_id))
        .order((job_fair_workers::registered_at, workers::id))
        .select((
            workers::id,
            workers::full_name,
            workers::national_id,
            workers::birth_date,
            workers::phone,
            workers::commune_id,
            job_fair_workers::registered_at,
            job_fair_workers::attended_record_id.is_not_null(),
        ))
        .load(connection)
}
