//! What follows a write, in one place per record kind. A use case writes its rows through
//! `models/` and then calls the function here for the kind it wrote, in the same transaction:
//! that function records the search change, refreshes the progress facts, writes the audit
//! entry and queues the mail the write calls for. Models only read and write rows; nothing
//! below this module keeps derived data current.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::DbConn;
use crate::models::audit::{self, Actor};
use crate::models::search_changes;
use crate::progress::{facts, reviews};

/// The audit entry of a write: who, what, which fields, when.
pub struct Audit<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub fields: &'a [&'a str],
    pub at: NaiveDateTime,
}

impl Audit<'_> {
    fn write(&self, connection: &mut DbConn, entity: &str, id: &str) -> QueryResult<()> {
        audit::record(
            connection,
            self.actor,
            self.action,
            entity,
            &[id.to_owned()],
            self.fields,
            self.at,
        )
    }
}

/// A worker was created or changed. `left_household` is the household they belonged to before
/// the change when it is not theirs any more (its coverage is counted again). `archived`: the
/// record was already archived, so the index keeps it out.
pub fn worker(
    connection: &mut DbConn,
    id: &str,
    left_household: Option<&str>,
    archived: bool,
    audit: Audit,
) -> QueryResult<()> {
    facts::refresh_worker(connection, id, left_household)?;
    search_changes::append(connection, "worker", id, archived, audit.at)?;
    audit.write(connection, "worker", id)
}

/// A worker was archived: the index drops them.
pub fn worker_archived(connection: &mut DbConn, id: &str, audit: Audit) -> QueryResult<()> {
    search_changes::append(connection, "worker", id, true, audit.at)?;
    audit.write(connection, "worker", id)
}

/// Before a household's row or reviews change: its members' progress rows are locked first, as
/// every writer locks worker before household, and its reviews leave the yearly rates (they
/// join them again in [`household`]).
pub fn before_household_write(connection: &mut DbConn, id: &str) -> QueryResult<()> {
    facts::lock_members(connection, id)?;
    reviews::forget(connection, &[id.to_owned()])
}

/// How a household was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdWrite {
    /// Created, its facts derived now.
    Created,
    /// Created by an import, whose facts are derived for the whole batch at the end
    /// ([`households_imported`]).
    Imported,
    /// Changed: its facts and its members' index entries follow.
    Changed,
    /// Archived.
    Archived,
}

pub fn household(
    connection: &mut DbConn,
    id: &str,
    write: HouseholdWrite,
    audit: Audit,
) -> QueryResult<()> {
    if write != HouseholdWrite::Imported {
        reviews::count(connection, &[id.to_owned()])?;
    }
    match write {
        HouseholdWrite::Created => facts::refresh_household(connection, id)?,
        HouseholdWrite::Imported | HouseholdWrite::Archived => {}
        HouseholdWrite::Changed => {
            facts::refresh_household(connection, id)?;
            search_changes::append_household_members(connection, id, audit.at)?;
        }
    }
    audit.write(connection, "household", id)
}

/// The households an import created, their facts derived in one pass before its transaction ends.
pub fn households_imported(connection: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    reviews::count(connection, ids)?;
    facts::refresh_new_households(connection, ids)
}

/// How an enrolment was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollmentWrite {
    /// A trainee applied (or was enrolled by staff): the application is acknowledged by mail.
    Applied,
    /// Its status or progress changed; `confirmed` when a seat was just confirmed, which is
    /// mailed. A completed course is part of the worker's match profile, so the index follows.
    Changed { confirmed: bool },
}

pub fn enrollment(
    connection: &mut DbConn,
    id: &str,
    worker_id: &str,
    write: EnrollmentWrite,
    audit: Audit,
) -> QueryResult<()> {
    facts::refresh_worker(connection, worker_id, None)?;
    match write {
        EnrollmentWrite::Applied => {
            crate::mail::events::enrollment(connection, id, false, audit.at)?
        }
        EnrollmentWrite::Changed { confirmed } => {
            if confirmed {
                crate::mail::events::enrollment(connection, id, true, audit.at)?;
            }
            search_changes::append(connection, "worker", worker_id, false, audit.at)?;
        }
    }
    audit.write(connection, "enrollment", id)
}

/// A service (counselling, guidance, …) was recorded for a worker.
pub fn service_record(
    connection: &mut DbConn,
    id: &str,
    worker_id: &str,
    audit: Audit,
) -> QueryResult<()> {
    facts::refresh_worker(connection, worker_id, None)?;
    audit.write(connection, "service_record", id)
}

/// A worker was registered for a job fair (`newly`: not registered before). The registration
/// is a write to the person's record, audited on it; a new registration for a fair not yet
/// held is mailed to them.
pub fn fair_registration(
    connection: &mut DbConn,
    fair_id: &str,
    worker_id: &str,
    newly: bool,
    audit: Audit,
) -> QueryResult<()> {
    if newly {
        crate::mail::events::fair_registration(connection, fair_id, worker_id, audit.at)?;
    }
    audit.write(connection, "worker", worker_id)
}

/// A referral was created or moved. The worker's open referrals damp further matches and a
/// hire changes what they count for; `vacancy_id` is given when the vacancy's index entry
/// changes too (a move that fills or reopens it).
pub fn referral(
    connection: &mut DbConn,
    id: &str,
    worker_id: &str,
    vacancy_id: Option<&str>,
    audit: Audit,
) -> QueryResult<()> {
    search_changes::append(connection, "worker", worker_id, false, audit.at)?;
    if let Some(vacancy_id) = vacancy_id {
        search_changes::append(connection, "vacancy", vacancy_id, false, audit.at)?;
    }
    facts::refresh_worker(connection, worker_id, None)?;
    audit.write(connection, "referral", id)
}

/// An overseas stage was recorded on a referral: departures count toward the target abroad.
pub fn overseas_stage(
    connection: &mut DbConn,
    referral_id: &str,
    worker_id: &str,
    audit: Audit,
) -> QueryResult<()> {
    facts::refresh_worker(connection, worker_id, None)?;
    audit.write(connection, "referral", referral_id)
}

/// A follow-up's outcome was recorded: sustained work is counted from it.
pub fn follow_up(
    connection: &mut DbConn,
    id: &str,
    worker_id: &str,
    audit: Audit,
) -> QueryResult<()> {
    facts::refresh_worker(connection, worker_id, None)?;
    audit.write(connection, "follow_up", id)
}

/// A hire made a placement, with its household-status and poor-area snapshots; the referral's
/// own effect follows.
pub fn placement(connection: &mut DbConn, id: &str, audit: Audit) -> QueryResult<()> {
    audit.write(connection, "placement", id)
}

/// Work outside a vacancy was recorded or withdrawn: the worker's facts are counted again and
/// the change is audited as a placement.
pub fn work(connection: &mut DbConn, id: &str, worker_id: &str, audit: Audit) -> QueryResult<()> {
    search_changes::append(connection, "worker", worker_id, false, audit.at)?;
    facts::refresh_worker(connection, worker_id, None)?;
    audit.write(connection, "placement", id)
}

/// A worker withdrew their consent: mail and texts waiting for them (at their address and
/// phone) are dropped and the index takes their profile out of matching.
pub fn consent_withdrawn(
    connection: &mut DbConn,
    worker_id: &str,
    reached_at: [Option<&str>; 2],
    audit: Audit,
) -> QueryResult<()> {
    for recipient in reached_at.into_iter().flatten() {
        crate::mail::outbox::drop_pending_for(connection, recipient)?;
    }
    search_changes::append(connection, "worker", worker_id, false, audit.at)?;
    audit.write(connection, "worker", worker_id)
}

/// A worker's number answered `TU CHOI` or `HUY`: texts waiting for it are dropped, and each
/// worker with that number is audited as changed.
pub fn texts_stopped(
    connection: &mut DbConn,
    worker_ids: &[String],
    phone: &str,
    audit: Audit,
) -> QueryResult<()> {
    crate::mail::outbox::drop_pending_for(connection, phone)?;
    for worker_id in worker_ids {
        audit.write(connection, "worker", worker_id)?;
    }
    Ok(())
}

/// A referral was closed because the employer never answered: one open referral fewer damps
/// the worker's matches.
pub fn referral_closed_unanswered(
    connection: &mut DbConn,
    worker_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    search_changes::append(connection, "worker", worker_id, false, at)
}

/// A vacancy was created, changed or archived: the index follows. A vacancy holds no personal
/// data, so its writes are not audited.
pub fn vacancy(
    connection: &mut DbConn,
    id: &str,
    archived: bool,
    at: NaiveDateTime,
) -> QueryResult<()> {
    search_changes::append(connection, "vacancy", id, archived, at)
}

/// A course was created, changed or archived: the index follows (not audited, like vacancies).
pub fn course(
    connection: &mut DbConn,
    id: &str,
    archived: bool,
    at: NaiveDateTime,
) -> QueryResult<()> {
    search_changes::append(connection, "course", id, archived, at)
}

/// A programme period was created or changed. With new dates every record is counted again,
/// so that each counts in the period its date falls in.
pub fn programme_period(
    connection: &mut DbConn,
    code: &str,
    redated: bool,
    audit: Audit,
) -> QueryResult<()> {
    if redated {
        facts::rebuild(connection, &mut |_| {})?;
    }
    audit.write(connection, "programme_period", code)
}
