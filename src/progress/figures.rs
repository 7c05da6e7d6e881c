//! The progress figures: each target's actual, percent and projection, and the breakdowns,
//! summed from `progress_counts` (a few thousand rows however many people are counted).
//!
//! Persons targets count the people whose counting event (first placement, completion,
//! departure) falls in the window; the share targets (household employment, counselling) are
//! the state at the window's end, from the period's start.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::facts::{CountRow, TARGET_STATUSES, half_year, key};
use super::reviews::{Rates, rates};
use crate::db::DbConn;
use crate::db::schema::{admin_units, progress_counts, progress_facts};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::models::programme;

mod areas;
mod sums;
mod targets;

pub use areas::*;
use sums::{Sums, rows_from_facts};
use targets::targets;
pub use targets::{METRICS, TARGET_KEYS, unit_of};

/// Which records a figure counts: the period, a window inside it and an area.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub period: String,
    /// The period as asked for (`2021-2025`, `2025`, `2025-H1`).
    pub label: String,
    /// First and last half-year of the window (`year * 10 + half`); the whole period if `None`.
    pub halves: Option<(i32, i32)>,
    /// Only these communes (ids), from a district, commune or the officer's area.
    pub communes: Option<HashSet<String>>,
    /// When `communes` are exactly the communes of these districts (a district filter, no area),
    /// the figures are summed from the district counts instead of the communes' facts.
    pub districts: Option<HashSet<String>>,
    /// The filters as query parameters (`&district=116&year=2024`), for the drill-down links.
    pub params: String,
    /// The district or commune whose own quotas apply (its code), if the selection is one.
    pub quota_unit: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetFigure {
    pub key: String,
    pub description: String,
    /// `persons` or `percent`.
    pub unit: String,
    /// `at_least` or `more_than`.
    pub comparison: String,
    pub target: f64,
    /// Persons, or a percentage (numerator / denominator × 100) for percent targets.
    pub actual: f64,
    pub numerator: i64,
    /// For percent targets: what the share is taken of.
    pub denominator: Option<i64>,
    /// Actual as a percentage of the target.
    pub percent: f64,
    pub met: bool,
    /// Whether the period sets a target for it; without one the figure is counted all the same
    /// (`target` 0, never met).
    pub has_target: bool,
    /// At the pace so far, where the window will end (persons targets; shares stay as they are).
    pub projection: f64,
    /// The list of records behind the figure.
    pub records: String,
    /// The district or commune code whose own quota this is; empty for the province's target.
    pub scope: String,
    /// Where the target's figure comes from.
    pub source: String,
}

/// One row of a breakdown: the persons targets' counts for one value of a dimension.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct BreakdownRow {
    pub value: String,
    pub label: String,
    pub connected_workers: i64,
    /// Connected workers from poor, near-poor or newly-escaped households (snapshot).
    pub connected_target: i64,
    pub trained_poor_districts: i64,
    pub overseas_contract: i64,
    pub target_households: i64,
    pub covered_households: i64,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Breakdowns {
    pub year: Vec<BreakdownRow>,
    pub district: Vec<BreakdownRow>,
    pub household_status: Vec<BreakdownRow>,
    pub ethnicity: Vec<BreakdownRow>,
    pub gender: Vec<BreakdownRow>,
    pub country: Vec<BreakdownRow>,
    /// Connected persons by kind of work (`wage_job`, `self_employed`, …; the kinds the period
    /// counts).
    pub kind: Vec<BreakdownRow>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Progress {
    pub period: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub window: Window,
    pub as_of: NaiveDate,
    pub targets: Vec<TargetFigure>,
    pub breakdowns: Breakdowns,
    /// The poor-household rate of each review year of the window (and the year before it).
    pub poverty_rates: Rates,
}

pub use crate::models::programme::Period as PeriodRow;

pub fn period(connection: &mut DbConn, code: &str) -> Result<PeriodRow, AppError> {
    programme::period(connection, code)?.ok_or_else(|| AppError::field("period", "unknown_period"))
}

/// The first day of a half-year and the last.
pub fn half_bounds(half: i32) -> (NaiveDate, NaiveDate) {
    let (year, second) = (half / 10, half % 10 == 2);
    let from = NaiveDate::from_ymd_opt(year, if second { 7 } else { 1 }, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(
        year,
        if second { 12 } else { 6 },
        if second { 31 } else { 30 },
    )
    .unwrap_or_default();
    (from, to)
}

/// The window of a selection, clipped to the period.
pub fn window(period: &PeriodRow, halves: Option<(i32, i32)>) -> Window {
    match halves {
        Some((first, last)) => Window {
            from: half_bounds(first).0.max(period.starts_on),
            to: half_bounds(last).1.min(period.ends_on),
        },
        None => Window {
            from: period.starts_on,
            to: period.ends_on,
        },
    }
}

/// Sums the counts of a selection into every figure and breakdown.
pub fn compute(
    connection: &mut DbConn,
    selection: &Selection,
    lang: Lang,
    as_of: NaiveDate,
) -> Result<Progress, AppError> {
    let period = period(connection, &selection.period)?;
    let units = units(connection)?;
    let rows: Vec<CountRow> = match (&selection.districts, &selection.communes) {
        (None, Some(communes)) => rows_from_facts(connection, &period.code, communes, &units)?,
        (districts, _) => {
            let mut query = progress_counts::table
                .filter(progress_counts::period_code.eq(&period.code))
                .filter(progress_counts::n.gt(0))
                // Sustained employment only feeds household coverage, counted on its own.
                .filter(progress_counts::key.ne(key::SUSTAINED))
                .into_boxed();
            if let Some(districts) = districts {
                query = query.filter(
                    progress_counts::district_id
                        .eq_any(districts.iter().cloned().collect::<Vec<_>>()),
                );
            }
            query.load(connection)?
        }
    };
    let window = window(&period, selection.halves);
    let halves = (half_year(window.from), half_year(window.to));
    let mut sums = Sums::default();
    for row in rows {
        sums.add(row, halves, &units, lang);
    }
    sums.models_started = {
        let started =
            crate::models::livelihood_models::started_between(connection, window.from, window.to)?;
        let mut counted: HashSet<&str> = HashSet::new();
        for (model, commune) in &started {
            if selection
                .communes
                .as_ref()
                .is_none_or(|communes| communes.contains(commune))
            {
                counted.insert(model);
            }
        }
        counted.len() as i64
    };
    let years = (window.from.year() - 1, window.to.year());
    let poverty_rates = rates(connection, selection.communes.as_ref(), &units, years)?;
    let targets = targets(
        connection,
        &period,
        &window,
        (&sums, &poverty_rates),
        selection,
        lang,
        as_of,
    )?;
    let kind = by_kind(&sums, lang);
    let [year, district, household_status, ethnicity, gender, country] = sums.by;
    let keep = |rows: BTreeMap<String, BreakdownRow>| -> Vec<BreakdownRow> {
        rows.into_values()
            .filter(|row| {
                row.connected_workers
                    + row.trained_poor_districts
                    + row.overseas_contract
                    + row.target_households
                    > 0
            })
            .collect()
    };
    Ok(Progress {
        period: period.code.clone(),
        starts_on: period.starts_on,
        ends_on: period.ends_on,
        window,
        as_of,
        targets,
        breakdowns: Breakdowns {
            year: keep(year),
            district: keep(district),
            household_status: keep(household_status),
            ethnicity: keep(ethnicity),
            gender: keep(gender),
            country: keep(country)
                .into_iter()
                .filter(|row| !row.value.is_empty())
                .collect(),
            kind,
        },
        poverty_rates,
    })
}

/// Connected persons by kind of work: the other kinds as counted, wage jobs the rest.
fn by_kind(sums: &Sums, lang: Lang) -> Vec<BreakdownRow> {
    let connected = sums.totals.get(key::CONNECTED).copied().unwrap_or(0);
    let (others, others_target) = sums
        .by_kind
        .values()
        .fold((0, 0), |(all, target), (n, t)| (all + n, target + t));
    let label = |kind: &str| {
        crate::i18n::texts::Tr { lang }
            .of("work_kind", kind)
            .to_owned()
    };
    let mut rows = vec![BreakdownRow {
        value: "wage_job".to_owned(),
        label: label("wage_job"),
        connected_workers: connected - others,
        connected_target: sums.connected_target - others_target,
        ..BreakdownRow::default()
    }];
    rows.extend(sums.by_kind.iter().map(|(kind, (n, target))| BreakdownRow {
        value: (*kind).to_owned(),
        label: label(kind),
        connected_workers: *n,
        connected_target: *target,
        ..BreakdownRow::default()
    }));
    rows.retain(|row| row.connected_workers > 0);
    rows
}

/// A report or dashboard period: `2021-2025` (a programme period), `2025` (a year) or `2025-H1`.
/// Returns the programme period that contains it and its half-years.
pub fn parse_report_period(
    connection: &mut DbConn,
    raw: &str,
) -> Result<(String, Option<(i32, i32)>), AppError> {
    let invalid = || AppError::field("period", "unknown_period");
    if let Ok(found) = period(connection, raw) {
        return Ok((found.code, None));
    }
    let (year, halves) = match raw.split_once("-H") {
        Some((year, "1")) => (year, (1, 1)),
        Some((year, "2")) => (year, (2, 2)),
        Some(_) => return Err(invalid()),
        None => (raw, (1, 2)),
    };
    let year: i32 = year
        .parse()
        .ok()
        .filter(|year| (1900..=9999).contains(year))
        .ok_or_else(invalid)?;
    let day =
        NaiveDate::from_ymd_opt(year, if halves.0 == 1 { 1 } else { 7 }, 1).ok_or_else(invalid)?;
    let code = programme::period_containing(connection, day)?.ok_or_else(invalid)?;
    Ok((code, Some((year * 10 + halves.0, year * 10 + halves.1))))
}

/// The half-years of one calendar year.
pub fn year_halves(year: i32) -> (i32, i32) {
    (year * 10 + 1, year * 10 + 2)
}
