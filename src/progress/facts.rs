//! What each target counts, person by person (DESIGN §2), kept as rows of `progress_facts`
//! and summed by every dimension in `progress_counts`.
//!
//! The rules live in two pure functions, [`worker_facts`] and [`household_facts`]. A write that
//! changes what is counted from a worker or a household calls [`refresh_worker`] or
//! [`refresh_household`] in its own transaction: the subject's inputs are read, its facts derived,
//! and the difference applied to both tables. [`rebuild`] derives every fact from scratch with the
//! same two functions, so the incremental tables and a rebuild cannot disagree on a rule.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    admin_units, enrollments, ethnic_groups, follow_ups, households, overseas_stages, placements,
    programme_periods, progress_counts, progress_facts, referrals, service_records, workers,
};
use crate::insert_rows;

/// Household statuses a connected worker's share counts (the plan's three target groups).
pub const TARGET_STATUSES: &[&str] = &["poor", "near_poor", "newly_escaped"];
/// Household statuses the household-employment target covers.
pub const COVERAGE_STATUSES: &[&str] = &["poor", "near_poor"];

/// The kinds of fact, as stored in `progress_facts.key`.
pub mod key {
    /// A person with a confirmed placement that started in the period.
    pub const CONNECTED: &str = "connected";
    /// A person who completed a course in the period, living in a poor area at enrolment.
    pub const TRAINED: &str = "trained";
    /// A person who left on an overseas contract (departure) in the period.
    pub const OVERSEAS: &str = "overseas";
    /// A person confirmed still employed at a follow-up ≥ 6 months after a placement of the period.
    pub const SUSTAINED: &str = "sustained";
    /// A registered worker of a target household (poor, near-poor, newly escaped).
    pub const TARGET_WORKER: &str = "target_worker";
    /// A target-household worker with a recorded service in the period.
    pub const COUNSELLED: &str = "counselled";
    /// A poor or near-poor household.
    pub const TARGET_HOUSEHOLD: &str = "target_household";
    /// A poor or near-poor household with a member in sustainable employment.
    pub const COVERED_HOUSEHOLD: &str = "covered_household";
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Queryable, Selectable, Insertable)]
#[diesel(table_name = progress_facts)]
pub struct Fact {
    pub period_code: String,
    pub key: String,
    pub subject_id: String,
    pub counted_on: NaiveDate,
    pub commune_id: String,
    /// As recorded on the placement for placement-based facts, as it is now otherwise;
    /// `none` when the person belongs to no registered household.
    pub household_status: String,
    pub minority: bool,
    pub gender: String,
    pub country: String,
    pub record_id: String,
}

/// One row of `progress_counts`, less its count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bucket {
    pub period_code: String,
    pub key: String,
    /// `year * 10 + half` (1: January–June, 2: July–December).
    pub half_year: i32,
    /// The commune's district (`""`: none, as for communes after the 2025 reform).
    pub district_id: String,
    pub household_status: String,
    pub minority: bool,
    pub gender: String,
    pub country: String,
}

/// `year * 10 + half` of a day.
pub fn half_year(day: NaiveDate) -> i32 {
    day.year() * 10 + if day.month() <= 6 { 1 } else { 2 }
}

impl Bucket {
    fn of(fact: &Fact, district_id: &str) -> Bucket {
        Bucket {
            period_code: fact.period_code.clone(),
            key: fact.key.clone(),
            half_year: half_year(fact.counted_on),
            district_id: district_id.to_owned(),
            household_status: fact.household_status.clone(),
            minority: fact.minority,
            gender: fact.gender.clone(),
            country: fact.country.clone(),
        }
    }
}

#[derive(Debug, Clone, Insertable, Queryable)]
#[diesel(table_name = progress_counts)]
pub struct CountRow {
    pub period_code: String,
    pub key: String,
    /// `year * 10 + half` (1: January–June, 2: July–December).
    pub half_year: i32,
    pub district_id: String,
    pub household_status: String,
    pub minority: bool,
    pub gender: String,
    pub country: String,
    pub n: i64,
}

impl CountRow {
    fn new(bucket: Bucket, n: i64) -> CountRow {
        CountRow {
            period_code: bucket.period_code,
            key: bucket.key,
            half_year: bucket.half_year,
            district_id: bucket.district_id,
            household_status: bucket.household_status,
            minority: bucket.minority,
            gender: bucket.gender,
            country: bucket.country,
            n,
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Period {
    pub code: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Period {
    fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

pub fn periods(connection: &mut DbConn) -> QueryResult<Vec<Period>> {
    programme_periods::table
        .order(programme_periods::starts_on)
        .select((
            programme_periods::code,
            programme_periods::starts_on,
            programme_periods::ends_on,
        ))
        .load(connection)
}

/// A placement as the rules read it.
#[derive(Debug, Clone, Queryable)]
pub struct PlacementIn {
    pub id: String,
    pub referral_id: Option<String>,
    pub start_date: NaiveDate,
    pub active: bool,
    pub country: Option<String>,
    pub household_status_snapshot: Option<String>,
    pub commune_id_snapshot: String,
}

/// Everything the rules read about one worker.
#[derive(Debug, Clone, Default)]
pub struct WorkerIn {
    pub id: String,
    pub gender: String,
    pub minority: bool,
    pub commune_id: String,
    pub registered_on: NaiveDate,
    pub archived: bool,
    /// The household's current status, if the worker belongs to a live household.
    pub household_status: Option<String>,
    pub placements: Vec<PlacementIn>,
    /// Departures: (referral id, day).
    pub departures: Vec<(String, NaiveDate)>,
    /// Follow-ups ≥ 6 months that confirmed the worker still employed: (id, placement id, day).
    pub confirmations: Vec<(String, String, NaiveDate)>,
    /// Completed courses: (enrolment id, completion day, commune at enrolment, poor area).
    pub completions: Vec<(String, NaiveDate, String, bool)>,
    /// Services given (counselling, guidance, fairs, job-search support, referrals): (id, day).
    pub services: Vec<(String, NaiveDate)>,
}

/// Everything the rules read about one household.
#[derive(Debug, Clone)]
pub struct HouseholdIn {
    pub id: String,
    pub status: String,
    pub archived: bool,
    pub commune_id: String,
    pub minority: bool,
    pub registered_on: NaiveDate,
    /// Members' sustained-employment facts: (period, day, worker id).
    pub sustained: Vec<(String, NaiveDate, String)>,
}

fn status_or_none(status: Option<&str>) -> String {
    status.unwrap_or("none").to_owned()
}

/// The earliest of `items` by day, then by id, so ties are broken the same way every time.
fn first<T, F>(items: impl Iterator<Item = T>, by: F) -> Option<T>
where
    F: Fn(&T) -> (NaiveDate, String),
{
    items.min_by_key(|item| by(item))
}

/// The facts one worker contributes to each period (DESIGN §2).
pub fn worker_facts(worker: &WorkerIn, periods: &[Period]) -> Vec<Fact> {
    // An archived record keeps what it achieved: a confirmed placement stays counted. It only
    // leaves the stocks of people to serve (target workers, counselled).
    let mut facts = Vec::new();
    let fact = |period: &Period,
                key: &str,
                day: NaiveDate,
                commune: &str,
                status: String,
                country: Option<&str>,
                record: &str| Fact {
        period_code: period.code.clone(),
        key: key.to_owned(),
        subject_id: worker.id.clone(),
        counted_on: day,
        commune_id: commune.to_owned(),
        household_status: status,
        minority: worker.minority,
        gender: worker.gender.clone(),
        country: country.unwrap_or_default().to_owned(),
        record_id: record.to_owned(),
    };
    let current_status = status_or_none(worker.household_status.as_deref());
    let active: Vec<&PlacementIn> = worker.placements.iter().filter(|p| p.active).collect();
    for period in periods {
        // Connected: the first confirmed placement of the period; its snapshot is the status.
        if let Some(placement) = first(
            active.iter().filter(|p| period.contains(p.start_date)),
            |p| (p.start_date, p.id.clone()),
        ) {
            facts.push(fact(
                period,
                key::CONNECTED,
                placement.start_date,
                &placement.commune_id_snapshot,
                status_or_none(placement.household_status_snapshot.as_deref()),
                placement.country.as_deref(),
                &placement.id,
            ));
        }
        // Overseas: the first departure of the period on a confirmed overseas placement.
        let departures = worker.departures.iter().filter_map(|(referral, day)| {
            active
                .iter()
                .find(|p| p.country.is_some() && p.referral_id.as_deref() == Some(referral))
                .filter(|_| period.contains(*day))
                .map(|p| (*day, *p))
        });
        if let Some((day, placement)) = first(departures, |(day, p)| (*day, p.id.clone())) {
            facts.push(fact(
                period,
                key::OVERSEAS,
                day,
                &placement.commune_id_snapshot,
                status_or_none(placement.household_status_snapshot.as_deref()),
                placement.country.as_deref(),
                &placement.id,
            ));
        }
        // Trained: a course completed in the period by someone living in a poor area at enrolment.
        if let Some((id, day, commune, _)) = first(
            worker
                .completions
                .iter()
                .filter(|(_, day, _, poor)| *poor && period.contains(*day)),
            |(id, day, _, _)| (*day, id.clone()),
        ) {
            facts.push(fact(
                period,
                key::TRAINED,
                *day,
                commune,
                current_status.clone(),
                None,
                id,
            ));
        }
        // Sustained: still employed at a follow-up ≥ 6 months of a placement of the period.
        let confirmations = worker
            .confirmations
            .iter()
            .filter_map(|(id, placement, day)| {
                active
                    .iter()
                    .find(|p| &p.id == placement && period.contains(p.start_date))
                    .map(|p| (id, *day, *p))
            });
        if let Some((id, day, placement)) =
            first(confirmations, |(id, day, _)| (*day, (*id).clone()))
        {
            facts.push(fact(
                period,
                key::SUSTAINED,
                day,
                &placement.commune_id_snapshot,
                current_status.clone(),
                placement.country.as_deref(),
                id,
            ));
        }
        // Target-household workers registered by the period's end or served in it (anyone
        // served was registered), and those of them served in the period.
        let target = worker
            .household_status
            .as_deref()
            .is_some_and(|status| TARGET_STATUSES.contains(&status));
        if target && !worker.archived {
            let served = first(
                worker
                    .services
                    .iter()
                    .filter(|(_, day)| period.contains(*day)),
                |(id, day)| (*day, id.clone()),
            );
            let registered = (worker.registered_on <= period.ends_on)
                .then(|| worker.registered_on.max(period.starts_on));
            if let Some(day) = registered.or(served.map(|(_, day)| *day)) {
                facts.push(fact(
                    period,
                    key::TARGET_WORKER,
                    day,
                    &worker.commune_id,
                    current_status.clone(),
                    None,
                    &worker.id,
                ));
            }
            if let Some((id, day)) = served {
                facts.push(fact(
                    period,
                    key::COUNSELLED,
                    *day,
                    &worker.commune_id,
                    current_status.clone(),
                    None,
                    id,
                ));
            }
        }
    }
    facts
}

/// The facts one household contributes to each period: poor or near-poor now, and covered when
/// a member is in sustainable employment from a placement of the period.
pub fn household_facts(household: &HouseholdIn, periods: &[Period]) -> Vec<Fact> {
    let mut facts = Vec::new();
    if household.archived || !COVERAGE_STATUSES.contains(&household.status.as_str()) {
        return facts;
    }
    for period in periods {
        let fact = |key: &str, day: NaiveDate, record: &str| Fact {
            period_code: period.code.clone(),
            key: key.to_owned(),
            subject_id: household.id.clone(),
            counted_on: day,
            commune_id: household.commune_id.clone(),
            household_status: household.status.clone(),
            minority: household.minority,
            gender: String::new(),
            country: String::new(),
            record_id: record.to_owned(),
        };
        facts.push(fact(
            key::TARGET_HOUSEHOLD,
            household
                .registered_on
                .clamp(period.starts_on, period.ends_on),
            &household.id,
        ));
        if let Some((_, day, member)) = first(
            household
                .sustained
                .iter()
                .filter(|(code, _, _)| *code == period.code),
            |(_, day, member)| (*day, member.clone()),
        ) {
            facts.push(fact(key::COVERED_HOUSEHOLD, *day, member));
        }
    }
    facts
}

/// Whether a commune lies in a poor area: flagged itself, or its district is.
pub fn poor_area(connection: &mut DbConn, commune_id: &str) -> QueryResult<bool> {
    let (poor, parent): (bool, Option<String>) = admin_units::table
        .find(commune_id)
        .select((admin_units::poor_area, admin_units::parent_id))
        .first(connection)?;
    Ok(poor
        || match parent {
            Some(parent) => admin_units::table
                .find(parent)
                .select(admin_units::poor_area)
                .first(connection)?,
            None => false,
        })
}

/// The district a commune belongs to, or `""` when its parent is not a district.
fn district_id_of(connection: &mut DbConn, commune_id: &str) -> QueryResult<String> {
    let parent: Option<String> = admin_units::table
        .find(commune_id)
        .select(admin_units::parent_id)
        .first(connection)
        .optional()?
        .flatten();
    let Some(parent) = parent else {
        return Ok(String::new());
    };
    let kind: String = admin_units::table
        .find(&parent)
        .select(admin_units::kind)
        .first(connection)?;
    Ok(if kind == "district" {
        parent
    } else {
        String::new()
    })
}

/// Every commune's district (`""` for none).
pub fn districts_by_commune(connection: &mut DbConn) -> QueryResult<HashMap<String, String>> {
    let units: Vec<(String, String, Option<String>)> = admin_units::table
        .select((admin_units::id, admin_units::kind, admin_units::parent_id))
        .load(connection)?;
    let districts: HashSet<&str> = units
        .iter()
        .filter(|(_, kind, _)| kind == "district")
        .map(|(id, _, _)| id.as_str())
        .collect();
    Ok(units
        .iter()
        .map(|(id, _, parent)| {
            let district = parent
                .as_deref()
                .filter(|parent| districts.contains(parent))
                .unwrap_or_default();
            (id.clone(), district.to_owned())
        })
        .collect())
}

fn is_minority(connection: &mut DbConn, ethnicity: &str) -> QueryResult<bool> {
    Ok(ethnic_groups::table
        .find(ethnicity)
        .select(ethnic_groups::is_minority)
        .first(connection)
        .optional()?
        .unwrap_or(false))
}

type WorkerRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn worker_columns() -> (
    workers::id,
    workers::gender,
    workers::ethnicity_code,
    workers::household_id,
    workers::commune_id,
    workers::created_at,
    workers::archived_at,
) {
    (
        workers::id,
        workers::gender,
        workers::ethnicity_code,
        workers::household_id,
        workers::commune_id,
        workers::created_at,
        workers::archived_at,
    )
}

fn placement_columns() -> (
    placements::id,
    placements::referral_id,
    placements::start_date,
    diesel::dsl::Eq<placements::status, &'static str>,
    placements::country,
    placements::household_status_snapshot,
    placements::commune_id_snapshot,
) {
    (
        placements::id,
        placements::referral_id,
        placements::start_date,
        placements::status.eq("active"),
        placements::country,
        placements::household_status_snapshot,
        placements::commune_id_snapshot,
    )
}

/// Follow-ups ≥ 6 months that confirmed these placements still employed.
fn confirmations_of(
    connection: &mut DbConn,
    placement_ids: &[&str],
) -> QueryResult<Vec<(String, String, NaiveDate)>> {
    if placement_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Only the placement filter in SQL: given an outcome, SQLite (without statistics) would
    // rather scan every confirmed follow-up of the province through the `(outcome, due_on)`
    // index than look up these placements' three follow-ups each.
    let rows: Vec<(String, String, i32, String, Option<NaiveDate>)> = follow_ups::table
        .filter(follow_ups::placement_id.eq_any(placement_ids))
        .select((
            follow_ups::id,
            follow_ups::placement_id,
            follow_ups::months_after_start,
            follow_ups::outcome,
            follow_ups::recorded_on,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, months, outcome, _)| *months >= 6 && outcome == "still_employed")
        .filter_map(|(id, placement, _, _, day)| Some((id, placement, day?)))
        .collect())
}

/// Reads one worker's inputs.
fn load_worker(connection: &mut DbConn, worker_id: &str) -> QueryResult<Option<WorkerIn>> {
    let Some(row): Option<WorkerRow> = workers::table
        .find(worker_id)
        .select(worker_columns())
        .first(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let (id, gender, ethnicity, household_id, commune_id, created_at, archived_at) = row;
    let household_status = match &household_id {
        Some(household) => households::table
            .find(household)
            .filter(households::archived_at.is_null())
            .select(households::status)
            .first(connection)
            .optional()?,
        None => None,
    };
    let placements = placements::table
        .filter(placements::worker_id.eq(&id))
        .select(placement_columns())
        .load(connection)?;
    let departures = overseas_stages::table
        .inner_join(referrals::table)
        .filter(referrals::worker_id.eq(&id))
        .filter(overseas_stages::stage.eq("departure"))
        .select((overseas_stages::referral_id, overseas_stages::reached_on))
        .load(connection)?;
    // By placement id, so the (placement, months) index is used whatever the planner knows.
    let placement_ids: Vec<&str> = placements
        .iter()
        .map(|p: &PlacementIn| p.id.as_str())
        .collect();
    let confirmations = confirmations_of(connection, &placement_ids)?;
    let completed: Vec<(String, Option<NaiveDate>, String)> = enrollments::table
        .filter(enrollments::worker_id.eq(&id))
        .filter(enrollments::completed_on.is_not_null())
        .select((
            enrollments::id,
            enrollments::completed_on,
            enrollments::commune_id_at_enrolment,
        ))
        .load(connection)?;
    let mut completions = Vec::with_capacity(completed.len());
    for (enrolment, day, commune) in completed {
        let poor = poor_area(connection, &commune)?;
        if let Some(day) = day {
            completions.push((enrolment, day, commune, poor));
        }
    }
    let mut services: Vec<(String, NaiveDate)> = service_records::table
        .filter(service_records::worker_id.eq(&id))
        .select((service_records::id, service_records::provided_on))
        .load(connection)?;
    let referred: Vec<(String, NaiveDateTime)> = referrals::table
        .filter(referrals::worker_id.eq(&id))
        .select((referrals::id, referrals::created_at))
        .load(connection)?;
    services.extend(referred.into_iter().map(|(id, at)| (id, at.date())));
    Ok(Some(WorkerIn {
        minority: is_minority(connection, &ethnicity)?,
        id,
        gender,
        commune_id,
        registered_on: created_at.date(),
        archived: archived_at.is_some(),
        household_status,
        placements,
        departures,
        confirmations,
        completions,
        services,
    }))
}

type HouseholdRow = (
    String,
    String,
    Option<NaiveDateTime>,
    String,
    String,
    NaiveDateTime,
);

fn household_columns() -> (
    households::id,
    households::status,
    households::archived_at,
    households::commune_id,
    households::ethnicity_code,
    households::created_at,
) {
    (
        households::id,
        households::status,
        households::archived_at,
        households::commune_id,
        households::ethnicity_code,
        households::created_at,
    )
}

fn household_in(
    row: HouseholdRow,
    minority: bool,
    sustained: Vec<(String, NaiveDate, String)>,
) -> HouseholdIn {
    let (id, status, archived_at, commune_id, _, created_at) = row;
    HouseholdIn {
        id,
        status,
        archived: archived_at.is_some(),
        commune_id,
        minority,
        registered_on: created_at.date(),
        sustained,
    }
}

fn load_household(connection: &mut DbConn, household_id: &str) -> QueryResult<Option<HouseholdIn>> {
    let Some(row): Option<HouseholdRow> = households::table
        .find(household_id)
        .select(household_columns())
        .first(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let members: Vec<String> = workers::table
        .filter(workers::household_id.eq(household_id))
        .filter(workers::archived_at.is_null())
        .select(workers::id)
        .load(connection)?;
    let sustained = if members.is_empty() {
        Vec::new()
    } else {
        progress_facts::table
            .filter(progress_facts::key.eq(key::SUSTAINED))
            .filter(progress_facts::subject_id.eq_any(&members))
            .select((
                progress_facts::period_code,
                progress_facts::counted_on,
                progress_facts::subject_id,
            ))
            .load(connection)?
    };
    let minority = is_minority(connection, &row.4)?;
    Ok(Some(household_in(row, minority, sustained)))
}

/// Replaces a subject's facts with `new` and moves the counts by the difference.
fn apply(connection: &mut DbConn, subject_id: &str, mut new: Vec<Fact>) -> QueryResult<()> {
    let mut old: Vec<Fact> = progress_facts::table
        .filter(progress_facts::subject_id.eq(subject_id))
        .select(Fact::as_select())
        .load(connection)?;
    old.sort();
    new.sort();
    if old == new {
        return Ok(());
    }
    diesel::delete(progress_facts::table.filter(progress_facts::subject_id.eq(subject_id)))
        .execute(connection)?;
    match connection {
        // One row at a time on SQLite: a subject has a few facts, and a single row's statement
        // stays prepared where a batch of varying length is prepared each time.
        DbConn::Sqlite(_) => {
            for fact in &new {
                insert_rows!(connection, progress_facts::table, fact)?;
            }
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) if !new.is_empty() => {
            insert_rows!(connection, progress_facts::table, &new)?;
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {}
    }
    let mut districts: HashMap<String, String> = HashMap::new();
    for fact in old.iter().chain(&new) {
        if !districts.contains_key(&fact.commune_id) {
            let district = district_id_of(connection, &fact.commune_id)?;
            districts.insert(fact.commune_id.clone(), district);
        }
    }
    let district = |fact: &Fact| districts.get(&fact.commune_id).cloned().unwrap_or_default();
    let mut deltas: BTreeMap<Bucket, i64> = BTreeMap::new();
    for fact in &old {
        *deltas.entry(Bucket::of(fact, &district(fact))).or_default() -= 1;
    }
    for fact in &new {
        *deltas.entry(Bucket::of(fact, &district(fact))).or_default() += 1;
    }
    // In key order, so two transactions never take bucket locks in opposite orders.
    for (bucket, delta) in deltas {
        if delta != 0 {
            bump(connection, bucket, delta)?;
        }
    }
    Ok(())
}

/// Adds `delta` to one bucket, creating it when a fact first lands in it.
fn bump(connection: &mut DbConn, bucket: Bucket, delta: i64) -> QueryResult<()> {
    use progress_counts::dsl as c;
    if delta < 0 {
        diesel::update(
            c::progress_counts
                .filter(c::period_code.eq(&bucket.period_code))
                .filter(c::key.eq(&bucket.key))
                .filter(c::half_year.eq(bucket.half_year))
                .filter(c::district_id.eq(&bucket.district_id))
                .filter(c::household_status.eq(&bucket.household_status))
                .filter(c::minority.eq(bucket.minority))
                .filter(c::gender.eq(&bucket.gender))
                .filter(c::country.eq(&bucket.country)),
        )
        .set(c::n.eq(c::n + delta))
        .execute(connection)?;
        return Ok(());
    }
    let row = CountRow::new(bucket, delta);
    let target = (
        c::period_code,
        c::key,
        c::half_year,
        c::district_id,
        c::household_status,
        c::minority,
        c::gender,
        c::country,
    );
    // A concurrent transaction may create the same bucket: the upsert adds to it instead.
    match connection {
        DbConn::Sqlite(connection) => diesel::insert_into(c::progress_counts)
            .values(&row)
            .on_conflict(target)
            .do_update()
            .set(c::n.eq(c::n + delta))
            .execute(connection)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(connection) => diesel::insert_into(c::progress_counts)
            .values(&row)
            .on_conflict(target)
            .do_update()
            .set(c::n.eq(c::n + delta))
            .execute(connection)?,
    };
    Ok(())
}

/// Takes the row lock that serialises every refresh of one subject on PostgreSQL, so a refresh
/// reads what earlier transactions committed (SQLite has a single writer anyway).
fn lock_worker(connection: &mut DbConn, worker_id: &str) -> QueryResult<()> {
    diesel::update(workers::table.find(worker_id))
        .set(workers::updated_at.eq(workers::updated_at))
        .execute(connection)
        .map(drop)
}

fn lock_household(connection: &mut DbConn, household_id: &str) -> QueryResult<()> {
    diesel::update(households::table.find(household_id))
        .set(households::updated_at.eq(households::updated_at))
        .execute(connection)
        .map(drop)
}

/// Re-derives one worker's facts, then those of their household and of `previous_household`
/// (the one they just left, if any). Call inside the transaction that changed them.
pub fn refresh_worker(
    connection: &mut DbConn,
    worker_id: &str,
    previous_household: Option<&str>,
) -> QueryResult<()> {
    lock_worker(connection, worker_id)?;
    let periods = periods(connection)?;
    let worker = load_worker(connection, worker_id)?;
    let facts = worker
        .as_ref()
        .map(|worker| worker_facts(worker, &periods))
        .unwrap_or_default();
    apply(connection, worker_id, facts)?;
    let household: Option<String> = workers::table
        .find(worker_id)
        .select(workers::household_id)
        .first(connection)
        .optional()?
        .flatten();
    let mut touched: Vec<&str> = household.iter().map(String::as_str).collect();
    touched.extend(previous_household);
    touched.sort_unstable();
    touched.dedup();
    for household in touched {
        refresh_household_only(connection, household, &periods)?;
    }
    Ok(())
}

fn refresh_household_only(
    connection: &mut DbConn,
    household_id: &str,
    periods: &[Period],
) -> QueryResult<()> {
    lock_household(connection, household_id)?;
    let facts = load_household(connection, household_id)?
        .map(|household| household_facts(&household, periods))
        .unwrap_or_default();
    apply(connection, household_id, facts)
}

/// Locks a household's members: call before writing the household, so locks are always taken
/// worker first, household second, as [`refresh_worker`] takes them.
pub fn lock_members(connection: &mut DbConn, household_id: &str) -> QueryResult<Vec<String>> {
    let members: Vec<String> = workers::table
        .filter(workers::household_id.eq(household_id))
        .order(workers::id)
        .select(workers::id)
        .load(connection)?;
    for member in &members {
        lock_worker(connection, member)?;
    }
    Ok(members)
}

/// Re-derives a household's facts and its members' (whose target status follows the household).
pub fn refresh_household(connection: &mut DbConn, household_id: &str) -> QueryResult<()> {
    let members = lock_members(connection, household_id)?;
    let periods = periods(connection)?;
    for member in &members {
        let facts = load_worker(connection, member)?
            .map(|worker| worker_facts(&worker, &periods))
            .unwrap_or_default();
        apply(connection, member, facts)?;
    }
    refresh_household_only(connection, household_id, &periods)
}

/// Derives the facts of households this transaction has just created, many at once: the
/// import's way, where one refresh per row was most of a row's statements. A new household has
/// no members and no facts yet, so there is nothing to lock, read back or take away; its
/// counts are added in bucket order like [`apply`]'s.
pub fn refresh_new_households(connection: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let periods = periods(connection)?;
    let minorities = minorities(connection)?;
    let districts = districts_by_commune(connection)?;
    let mut deltas: BTreeMap<Bucket, i64> = BTreeMap::new();
    for chunk in ids.chunks(1_000) {
        let rows: Vec<HouseholdRow> = households::table
            .filter(households::id.eq_any(chunk))
            .select(household_columns())
            .load(connection)?;
        let facts: Vec<Fact> = rows
            .into_iter()
            .flat_map(|row| {
                let minority = minorities.contains(&row.4);
                household_facts(&household_in(row, minority, Vec::new()), &periods)
            })
            .collect();
        for fact in &facts {
            let district = districts.get(&fact.commune_id).map_or("", String::as_str);
            *deltas.entry(Bucket::of(fact, district)).or_default() += 1;
        }
        for facts in facts.chunks(2_000) {
            insert_rows!(connection, progress_facts::table, facts)?;
        }
    }
    for (bucket, delta) in deltas {
        bump(connection, bucket, delta)?;
    }
    Ok(())
}

/// How many workers and households a rebuild read, and the facts it wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rebuilt {
    pub workers: u64,
    pub households: u64,
    pub facts: u64,
}

const CHUNK: i64 = 5_000;

/// Derives every fact from scratch, replacing both tables in one transaction. `progress` is
/// told how many subjects are done.
pub fn rebuild(connection: &mut DbConn, progress: &mut dyn FnMut(u64)) -> QueryResult<Rebuilt> {
    // The chunks read rows by worker through indexes, all over the file: map it rather than
    // copy every page through read calls.
    match connection {
        DbConn::Sqlite(sqlite) => diesel::connection::SimpleConnection::batch_execute(
            sqlite,
            "PRAGMA mmap_size = 2147418112;",
        )?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {}
    }
    connection.write_transaction(|connection| {
        diesel::delete(progress_counts::table).execute(connection)?;
        diesel::delete(progress_facts::table).execute(connection)?;
        let periods = periods(connection)?;
        let minorities = minorities(connection)?;
        let poor_communes = poor_communes(connection)?;
        let districts = districts_by_commune(connection)?;
        let mut counts: HashMap<Bucket, i64> = HashMap::new();
        let mut done = Rebuilt::default();
        let mut after = String::new();
        loop {
            let rows: Vec<WorkerRow> = workers::table
                .filter(workers::id.gt(&after))
                .order(workers::id)
                .limit(CHUNK)
                .select(worker_columns())
                .load(connection)?;
            let Some(last) = rows.last() else { break };
            let last = last.0.clone();
            let facts = worker_chunk(
                connection,
                rows,
                &after,
                &last,
                &minorities,
                &poor_communes,
                &periods,
            )?;
            done.workers += facts.0;
            write_facts(connection, facts.1, &districts, &mut counts, &mut done)?;
            progress(done.workers);
            after = last;
        }
        let mut after = String::new();
        loop {
            let rows: Vec<HouseholdRow> = households::table
                .filter(households::id.gt(&after))
                .order(households::id)
                .limit(CHUNK)
                .select(household_columns())
                .load(connection)?;
            let Some(last) = rows.last() else { break };
            let last = last.0.clone();
            let facts = household_chunk(connection, rows, &after, &last, &minorities, &periods)?;
            done.households += facts.0;
            write_facts(connection, facts.1, &districts, &mut counts, &mut done)?;
            progress(done.workers + done.households);
            after = last;
        }
        let mut rows: Vec<CountRow> = counts
            .into_iter()
            .map(|(bucket, n)| CountRow::new(bucket, n))
            .collect();
        rows.sort_by(|a, b| {
            (&a.period_code, &a.key, a.half_year).cmp(&(&b.period_code, &b.key, b.half_year))
        });
        for chunk in rows.chunks(1_000) {
            insert_rows!(connection, progress_counts::table, chunk)?;
        }
        Ok(done)
    })
}

fn write_facts(
    connection: &mut DbConn,
    facts: Vec<Fact>,
    districts: &HashMap<String, String>,
    counts: &mut HashMap<Bucket, i64>,
    done: &mut Rebuilt,
) -> QueryResult<()> {
    for fact in &facts {
        let district = districts.get(&fact.commune_id).map_or("", String::as_str);
        *counts.entry(Bucket::of(fact, district)).or_default() += 1;
    }
    done.facts += facts.len() as u64;
    // Ten columns a row: well under SQLite's limit of bound parameters per statement.
    for chunk in facts.chunks(2_000) {
        insert_rows!(connection, progress_facts::table, chunk)?;
    }
    Ok(())
}

/// The codes of the ethnic minorities.
fn minorities(connection: &mut DbConn) -> QueryResult<HashSet<String>> {
    Ok(ethnic_groups::table
        .filter(ethnic_groups::is_minority.eq(true))
        .select(ethnic_groups::code)
        .load::<String>(connection)?
        .into_iter()
        .collect())
}

/// Communes in a poor area (flagged themselves or by their district).
fn poor_communes(connection: &mut DbConn) -> QueryResult<HashSet<String>> {
    let units: Vec<(String, bool, Option<String>)> = admin_units::table
        .select((
            admin_units::id,
            admin_units::poor_area,
            admin_units::parent_id,
        ))
        .load(connection)?;
    let flagged: HashSet<&str> = units
        .iter()
        .filter(|(_, poor, _)| *poor)
        .map(|(id, _, _)| id.as_str())
        .collect();
    Ok(units
        .iter()
        .filter(|(id, _, parent)| {
            flagged.contains(id.as_str()) || parent.as_deref().is_some_and(|p| flagged.contains(p))
        })
        .map(|(id, _, _)| id.clone())
        .collect())
}

/// The facts of workers with ids in `(after, last]`, read with one query per table.
fn worker_chunk(
    connection: &mut DbConn,
    rows: Vec<WorkerRow>,
    after: &str,
    last: &str,
    minorities: &HashSet<String>,
    poor_communes: &HashSet<String>,
    periods: &[Period],
) -> QueryResult<(u64, Vec<Fact>)> {
    let household_ids: Vec<&String> = rows.iter().filter_map(|row| row.3.as_ref()).collect();
    let mut statuses: HashMap<String, String> = HashMap::new();
    for chunk in household_ids.chunks(10_000) {
        let found: Vec<(String, String)> = households::table
            .filter(households::id.eq_any(chunk))
            .filter(households::archived_at.is_null())
            .select((households::id, households::status))
            .load(connection)?;
        statuses.extend(found);
    }
    let mut by_worker: HashMap<String, WorkerIn> = HashMap::with_capacity(rows.len());
    let count = rows.len() as u64;
    for (id, gender, ethnicity, household_id, commune_id, created_at, archived_at) in rows {
        let household_status = household_id.and_then(|h| statuses.get(&h).cloned());
        by_worker.insert(
            id.clone(),
            WorkerIn {
                id,
                gender,
                minority: minorities.contains(&ethnicity),
                commune_id,
                registered_on: created_at.date(),
                archived: archived_at.is_some(),
                household_status,
                ..WorkerIn::default()
            },
        );
    }
    let placed: Vec<(String, PlacementIn)> = placements::table
        .filter(placements::worker_id.gt(after))
        .filter(placements::worker_id.le(last))
        .select((placements::worker_id, placement_columns()))
        .load(connection)?;
    let departures: Vec<(String, String, NaiveDate)> = overseas_stages::table
        .inner_join(referrals::table)
        .filter(referrals::worker_id.gt(after))
        .filter(referrals::worker_id.le(last))
        .filter(overseas_stages::stage.eq("departure"))
        .select((
            referrals::worker_id,
            overseas_stages::referral_id,
            overseas_stages::reached_on,
        ))
        .load(connection)?;
    for (worker, referral, day) in departures {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.departures.push((referral, day));
        }
    }
    let owner: HashMap<&str, &str> = placed
        .iter()
        .map(|(worker, placement)| (placement.id.as_str(), worker.as_str()))
        .collect();
    let placement_ids: Vec<&str> = owner.keys().copied().collect();
    let mut confirmations = Vec::new();
    for chunk in placement_ids.chunks(10_000) {
        confirmations.extend(confirmations_of(connection, chunk)?);
    }
    let mut confirmed_by_worker: Vec<(String, (String, String, NaiveDate))> = confirmations
        .into_iter()
        .filter_map(|(id, placement, day)| {
            let worker = owner.get(placement.as_str())?.to_string();
            Some((worker, (id, placement, day)))
        })
        .collect();
    for (worker, placement) in placed {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.placements.push(placement);
        }
    }
    for (worker, confirmation) in confirmed_by_worker.drain(..) {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.confirmations.push(confirmation);
        }
    }
    let completed: Vec<(String, String, NaiveDate, String)> = enrollments::table
        .filter(enrollments::worker_id.gt(after))
        .filter(enrollments::worker_id.le(last))
        .filter(enrollments::completed_on.is_not_null())
        .select((
            enrollments::worker_id,
            enrollments::id,
            enrollments::completed_on.assume_not_null(),
            enrollments::commune_id_at_enrolment,
        ))
        .load(connection)?;
    for (worker, id, day, commune) in completed {
        if let Some(entry) = by_worker.get_mut(&worker) {
            let poor = poor_communes.contains(&commune);
            entry.completions.push((id, day, commune, poor));
        }
    }
    let services: Vec<(String, String, NaiveDate)> = service_records::table
        .filter(service_records::worker_id.gt(after))
        .filter(service_records::worker_id.le(last))
        .select((
            service_records::worker_id,
            service_records::id,
            service_records::provided_on,
        ))
        .load(connection)?;
    for (worker, id, day) in services {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.services.push((id, day));
        }
    }
    let referred: Vec<(String, String, NaiveDateTime)> = referrals::table
        .filter(referrals::worker_id.gt(after))
        .filter(referrals::worker_id.le(last))
        .select((referrals::worker_id, referrals::id, referrals::created_at))
        .load(connection)?;
    for (worker, id, at) in referred {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.services.push((id, at.date()));
        }
    }
    let facts = by_worker
        .values()
        .flat_map(|worker| worker_facts(worker, periods))
        .collect();
    Ok((count, facts))
}

/// The facts of households with ids in `(after, last]`; members' facts are already written.
fn household_chunk(
    connection: &mut DbConn,
    rows: Vec<HouseholdRow>,
    after: &str,
    last: &str,
    minorities: &HashSet<String>,
    periods: &[Period],
) -> QueryResult<(u64, Vec<Fact>)> {
    let members: Vec<(String, Option<String>)> = workers::table
        .filter(workers::household_id.gt(after))
        .filter(workers::household_id.le(last))
        .filter(workers::archived_at.is_null())
        .select((workers::id, workers::household_id))
        .load(connection)?;
    let household_of: HashMap<&str, &str> = members
        .iter()
        .filter_map(|(worker, household)| Some((worker.as_str(), household.as_deref()?)))
        .collect();
    let member_ids: Vec<&str> = household_of.keys().copied().collect();
    let mut by_household: HashMap<String, Vec<(String, NaiveDate, String)>> = HashMap::new();
    for chunk in member_ids.chunks(10_000) {
        let sustained: Vec<(String, NaiveDate, String)> = progress_facts::table
            .filter(progress_facts::subject_id.eq_any(chunk))
            .filter(progress_facts::key.eq(key::SUSTAINED))
            .select((
                progress_facts::period_code,
                progress_facts::counted_on,
                progress_facts::subject_id,
            ))
            .load(connection)?;
        for (period, day, member) in sustained {
            if let Some(household) = household_of.get(member.as_str()) {
                by_household
                    .entry((*household).to_owned())
                    .or_default()
                    .push((period, day, member));
            }
        }
    }
    let count = rows.len() as u64;
    let mut facts = Vec::new();
    for row in rows {
        let minority = minorities.contains(&row.4);
        let members = by_household.remove(&row.0).unwrap_or_default();
        facts.extend(household_facts(
            &household_in(row, minority, members),
            periods,
        ));
    }
    Ok((count, facts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn period() -> Vec<Period> {
        vec![Period {
            code: "2021-2025".into(),
            starts_on: day(2021, 1, 1),
            ends_on: day(2025, 12, 31),
        }]
    }

    fn placement(id: &str, start: NaiveDate, active: bool, status: &str) -> PlacementIn {
        PlacementIn {
            id: id.into(),
            referral_id: Some(format!("r-{id}")),
            start_date: start,
            active,
            country: None,
            household_status_snapshot: Some(status.into()),
            commune_id_snapshot: "c".into(),
        }
    }

    fn keys(facts: &[Fact]) -> Vec<(&str, NaiveDate, &str)> {
        let mut keys: Vec<_> = facts
            .iter()
            .map(|f| (f.key.as_str(), f.counted_on, f.record_id.as_str()))
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn a_person_placed_three_times_counts_once_at_the_first_placement_of_the_period() {
        let worker = WorkerIn {
            id: "w".into(),
            gender: "female".into(),
            registered_on: day(2020, 5, 1),
            placements: vec![
                placement("b", day(2024, 3, 1), true, "not_poor"),
                placement("a", day(2022, 7, 1), true, "poor"),
                placement("z", day(2020, 1, 1), true, "not_poor"),
                placement("w", day(2021, 2, 1), false, "poor"),
            ],
            ..WorkerIn::default()
        };
        let facts = worker_facts(&worker, &period());
        assert_eq!(keys(&facts), vec![("connected", day(2022, 7, 1), "a")]);
        assert_eq!(facts[0].household_status, "poor");
    }

    #[test]
    fn departure_counts_overseas_only_on_an_active_overseas_placement() {
        let mut abroad = placement("p", day(2023, 1, 1), true, "near_poor");
        abroad.country = Some("KR".into());
        let worker = WorkerIn {
            id: "w".into(),
            placements: vec![abroad.clone()],
            departures: vec![("r-p".into(), day(2023, 4, 2))],
            registered_on: day(2022, 1, 1),
            ..WorkerIn::default()
        };
        let facts = worker_facts(&worker, &period());
        assert!(keys(&facts).contains(&("overseas", day(2023, 4, 2), "p")));
        let mut withdrawn = worker.clone();
        withdrawn.placements[0].active = false;
        assert!(worker_facts(&withdrawn, &period()).is_empty());
        let mut not_left = worker;
        not_left.departures.clear();
        assert_eq!(
            keys(&worker_facts(&not_left, &period())),
            vec![("connected", day(2023, 1, 1), "p")]
        );
    }

    #[test]
    fn training_counts_only_from_a_poor_area_and_services_only_for_target_households() {
        let worker = WorkerIn {
            id: "w".into(),
            registered_on: day(2022, 1, 1),
            household_status: Some("not_poor".into()),
            completions: vec![
                ("e1".into(), day(2023, 5, 1), "rich".into(), false),
                ("e2".into(), day(2024, 5, 1), "poor".into(), true),
            ],
            services: vec![("s".into(), day(2023, 1, 1))],
            ..WorkerIn::default()
        };
        assert_eq!(
            keys(&worker_facts(&worker, &period())),
            vec![("trained", day(2024, 5, 1), "e2")]
        );
        let target = WorkerIn {
            household_status: Some("newly_escaped".into()),
            ..worker
        };
        let facts = worker_facts(&target, &period());
        assert!(keys(&facts).contains(&("counselled", day(2023, 1, 1), "s")));
        assert!(keys(&facts).contains(&("target_worker", day(2022, 1, 1), "w")));
    }

    #[test]
    fn an_archived_record_keeps_its_placement_but_leaves_the_people_to_serve() {
        let worker = WorkerIn {
            id: "w".into(),
            archived: true,
            registered_on: day(2022, 1, 1),
            household_status: Some("poor".into()),
            placements: vec![placement("p", day(2023, 2, 1), true, "poor")],
            services: vec![("s".into(), day(2023, 1, 1))],
            ..WorkerIn::default()
        };
        assert_eq!(
            keys(&worker_facts(&worker, &period())),
            vec![("connected", day(2023, 2, 1), "p")]
        );
    }

    #[test]
    fn a_household_is_covered_by_a_member_sustained_in_the_period() {
        let household = HouseholdIn {
            id: "h".into(),
            status: "near_poor".into(),
            archived: false,
            commune_id: "c".into(),
            minority: true,
            registered_on: day(2019, 1, 1),
            sustained: vec![("2021-2025".into(), day(2024, 1, 9), "w".into())],
        };
        let facts = household_facts(&household, &period());
        assert_eq!(
            keys(&facts),
            vec![
                ("covered_household", day(2024, 1, 9), "w"),
                ("target_household", day(2021, 1, 1), "h"),
            ]
        );
        let escaped = HouseholdIn {
            status: "newly_escaped".into(),
            ..household
        };
        assert!(household_facts(&escaped, &period()).is_empty());
    }
}
