//! The `programme_periods` and `programme_targets` tables: the periods a province plans by and
//! the targets of each, for the whole province (`unit_code` empty) or as a district's or
//! commune's own quota.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{programme_periods, programme_targets};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = programme_periods)]
pub struct Period {
    pub code: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub plan_reference: String,
    pub name_vi: String,
    pub name_en: String,
    pub updated_at: Option<NaiveDateTime>,
    /// The kinds of work that count toward "connected", comma-separated.
    pub connected_kinds: String,
}

impl Period {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = programme_targets)]
pub struct Target {
    pub period_code: String,
    /// A metric of the progress engine (`connected_workers`, `poor_household_rate` …).
    pub key: String,
    /// The code of the district or commune whose quota this is; empty for the province.
    pub unit_code: String,
    pub target_value: f64,
    /// `persons`, `percent` or `points`.
    pub unit: String,
    /// `at_least`, `more_than`, `at_most` or `less_than`.
    pub comparison: String,
    pub description_vi: String,
    pub description_en: String,
    /// Where the figure comes from: a plan, a decision, or "illustrative".
    pub source: String,
}

/// Every period, earliest first.
pub fn periods(connection: &mut DbConn) -> QueryResult<Vec<Period>> {
    programme_periods::table
        .order(programme_periods::starts_on)
        .select(Period::as_select())
        .load(connection)
}

pub fn period(connection: &mut DbConn, code: &str) -> QueryResult<Option<Period>> {
    programme_periods::table
        .find(code)
        .select(Period::as_select())
        .first(connection)
        .optional()
}

/// The code of the period that holds `day`, if one does.
pub fn period_containing(connection: &mut DbConn, day: NaiveDate) -> QueryResult<Option<String>> {
    programme_periods::table
        .filter(programme_periods::starts_on.le(day))
        .filter(programme_periods::ends_on.ge(day))
        .order(programme_periods::starts_on)
        .select(programme_periods::code)
        .first(connection)
        .optional()
}

/// The periods other than `except` that share a day with `starts_on..=ends_on`.
pub fn overlapping(
    connection: &mut DbConn,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    except: &str,
) -> QueryResult<Vec<String>> {
    programme_periods::table
        .filter(programme_periods::starts_on.le(ends_on))
        .filter(programme_periods::ends_on.ge(starts_on))
        .filter(programme_periods::code.ne(except))
        .select(programme_periods::code)
        .load(connection)
}

pub fn insert_period(connection: &mut DbConn, period: &Period) -> QueryResult<usize> {
    diesel::insert_into(programme_periods::table)
        .values(period)
        .execute(connection)
}

pub fn update_period(connection: &mut DbConn, period: &Period) -> QueryResult<usize> {
    diesel::update(programme_periods::table.find(&period.code))
        .set((
            programme_periods::starts_on.eq(period.starts_on),
            programme_periods::ends_on.eq(period.ends_on),
            programme_periods::plan_reference.eq(&period.plan_reference),
            programme_periods::name_vi.eq(&period.name_vi),
            programme_periods::name_en.eq(&period.name_en),
            programme_periods::updated_at.eq(period.updated_at),
            programme_periods::connected_kinds.eq(&period.connected_kinds),
        ))
        .execute(connection)
}

/// A period's targets: the province's first, then the quotas, each by key.
pub fn targets(connection: &mut DbConn, period_code: &str) -> QueryResult<Vec<Target>> {
    programme_targets::table
        .filter(programme_targets::period_code.eq(period_code))
        .order((programme_targets::unit_code, programme_targets::key))
        .select(Target::as_select())
        .load(connection)
}

/// Sets a target: inserts it, or replaces the one of the same period, key and unit.
pub fn set_target(connection: &mut DbConn, target: &Target) -> QueryResult<()> {
    remove_target(
        connection,
        &target.period_code,
        &target.key,
        &target.unit_code,
    )?;
    diesel::insert_into(programme_targets::table)
        .values(target)
        .execute(connection)
        .map(drop)
}

/// Removes a target; whether there was one.
pub fn remove_target(
    connection: &mut DbConn,
    period_code: &str,
    key: &str,
    unit_code: &str,
) -> QueryResult<bool> {
    diesel::delete(
        programme_targets::table
            .filter(programme_targets::period_code.eq(period_code))
            .filter(programme_targets::key.eq(key))
            .filter(programme_targets::unit_code.eq(unit_code)),
    )
    .execute(connection)
    .map(|removed| removed > 0)
}
