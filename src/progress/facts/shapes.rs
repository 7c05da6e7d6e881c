//! What the rules read and write: a fact and its count bucket, a period, and the inputs of a
//! worker and a household.

use super::*;

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
    pub(super) fn of(fact: &Fact, district_id: &str) -> Bucket {
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
    pub(super) fn new(bucket: Bucket, n: i64) -> CountRow {
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
    /// The kinds of work that count toward "connected", comma-separated (`wage_job`, …).
    pub connected_kinds: String,
}

impl Period {
    pub(super) fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }

    /// Whether work of `kind` counts toward "connected" in this period.
    pub(super) fn counts_connected(&self, kind: &str) -> bool {
        self.connected_kinds
            .split(',')
            .any(|counted| counted.trim() == kind)
    }
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
    /// In a poor or difficult area when hired.
    pub area_snapshot: bool,
    /// The kind of work (`wage_job`, `self_employed`, …).
    pub kind: String,
}

/// A completed course as the rules read it.
#[derive(Debug, Clone)]
pub struct Completion {
    pub id: String,
    pub day: NaiveDate,
    /// The commune at enrolment.
    pub commune: String,
    /// Whether that commune lay in a poor area.
    pub poor_area: bool,
    /// Whether the course's certificate was granted.
    pub certified: bool,
}

/// Everything the rules read about one worker.
#[derive(Debug, Clone, Default)]
pub struct WorkerIn {
    pub id: String,
    pub gender: String,
    pub minority: bool,
    pub commune_id: String,
    /// Whether the worker's commune lies in a poor or difficult area now.
    pub in_area: bool,
    pub registered_on: NaiveDate,
    pub archived: bool,
    /// The household's current status, if the worker belongs to a live household.
    pub household_status: Option<String>,
    pub placements: Vec<PlacementIn>,
    /// Departures: (referral id, day).
    pub departures: Vec<(String, NaiveDate)>,
    /// Follow-ups ≥ 6 months that confirmed the worker still employed: (id, placement id, day).
    pub confirmations: Vec<(String, String, NaiveDate)>,
    /// Completed courses.
    pub completions: Vec<Completion>,
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
