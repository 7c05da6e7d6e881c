//! Programme periods and their targets, managed by administrators: a period's dates and names,
//! and targets for the province or a district's or commune's own quota. Staff read them. A new
//! period, or new dates, count every record again so that each counts in the period its date
//! falls in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Checks, permitted};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::domain::access::{Action, Resource};
use crate::domain::statuses::WorkKind;
use crate::effects::{self, Audit};
use crate::error::{AppError, FieldError};
use crate::models::programme::{self, Period, Target};
use crate::progress::figures::{METRICS, unit_of};

const UNITS: &[&str] = &["persons", "percent", "points", "models"];
const COMPARISONS: &[&str] = &["at_least", "more_than", "at_most", "less_than"];

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// A metric: `connected_workers`, `connected_target_share`, `connected_target_share_area`,
    /// `trained_poor_districts`, `overseas_contract`, `household_employment`, `counselled`,
    /// `area_workers_trained`, `area_workers_certified`, `poor_household_rate`,
    /// `poor_household_rate_minority`, `poor_household_rate_poor_districts`,
    /// `poor_household_rate_fall`, `poor_household_rate_fall_minority`,
    /// `poor_household_rate_fall_poor_districts`.
    pub key: Option<String>,
    /// A district's or commune's code for its own quota; absent for the province.
    pub unit_code: Option<String>,
    /// The value; absent or null with `remove: true` removes the target.
    pub target: Option<f64>,
    /// `persons`, `percent` or `points` (default: percent for shares and rates, points for a
    /// rate's fall, persons otherwise).
    pub unit: Option<String>,
    /// `at_least` (default), `more_than`, `at_most` or `less_than`.
    pub comparison: Option<String>,
    pub description_vi: Option<String>,
    pub description_en: Option<String>,
    /// Where the figure comes from (a decision, a plan, "illustrative").
    pub source: Option<String>,
    /// `true`: remove this target.
    pub remove: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodInput {
    /// `2026-2030`: the first and last years; by default from the dates.
    pub code: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    /// The plan or programme the period follows.
    pub plan_reference: Option<String>,
    /// The kinds of work besides wage jobs that count toward "connected" in this period
    /// (`self_employed`, `household_business`, `cooperative_member`, `livelihood_model`,
    /// `public_works`): the province's decision. Wage jobs always count; household coverage
    /// counts every kind whatever this says.
    pub connected_kinds: Option<Vec<String>>,
    /// Targets to set (or remove); those not named stay as they are.
    pub targets: Option<Vec<TargetInput>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetView {
    pub key: String,
    /// The district's or commune's code of a quota; null for the province.
    pub unit_code: Option<String>,
    pub target: f64,
    pub unit: String,
    pub comparison: String,
    pub description_vi: String,
    pub description_en: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodView {
    pub code: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub name_vi: String,
    pub name_en: String,
    pub plan_reference: String,
    /// The kinds of work that count toward "connected" (always `wage_job`).
    pub connected_kinds: Vec<String>,
    /// Whether today falls in it: figures default to this period.
    pub current: bool,
    pub targets: Vec<TargetView>,
}

fn view(connection: &mut DbConn, period: Period) -> Result<PeriodView, AppError> {
    let targets = programme::targets(connection, &period.code)?
        .into_iter()
        .map(|target| TargetView {
            key: target.key,
            unit_code: Some(target.unit_code).filter(|code| !code.is_empty()),
            target: target.target_value,
            unit: target.unit,
            comparison: target.comparison,
            description_vi: target.description_vi,
            description_en: target.description_en,
            source: target.source,
        })
        .collect();
    Ok(PeriodView {
        current: period.contains(accounts::now().date()),
        code: period.code,
        starts_on: period.starts_on,
        ends_on: period.ends_on,
        name_vi: period.name_vi,
        name_en: period.name_en,
        plan_reference: period.plan_reference,
        connected_kinds: period
            .connected_kinds
            .split(',')
            .map(str::to_owned)
            .collect(),
        targets,
    })
}

/// `GET /api/v1/programme-periods`: every period with its targets, earliest first.
pub fn list(connection: &mut DbConn, principal: &Principal) -> Result<Vec<PeriodView>, AppError> {
    permitted(principal, Resource::ProgrammePeriods, Action::List)?;
    programme::periods(connection)?
        .into_iter()
        .map(|period| view(connection, period))
        .collect()
}

/// `POST /api/v1/programme-periods`.
pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: PeriodInput,
) -> Result<PeriodView, AppError> {
    permitted(principal, Resource::ProgrammePeriods, Action::Create)?;
    write(connection, principal, None, input)
}

/// `PATCH /api/v1/programme-periods/{code}`.
pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    code: &str,
    input: PeriodInput,
) -> Result<PeriodView, AppError> {
    permitted(principal, Resource::ProgrammePeriods, Action::Update)?;
    let stored = programme::period(connection, code)?.ok_or(AppError::NotFound)?;
    write(connection, principal, Some(stored), input)
}

fn write(
    connection: &mut DbConn,
    principal: &Principal,
    stored: Option<Period>,
    input: PeriodInput,
) -> Result<PeriodView, AppError> {
    connection.write_transaction(|connection| {
        let now = accounts::now();
        let (period, targets) = validate(connection, stored.as_ref(), &input)?;
        // New dates or a new rule of what counts: every record is counted again.
        let redated = stored.as_ref().is_none_or(|stored| {
            (stored.starts_on, stored.ends_on, &stored.connected_kinds)
                != (period.starts_on, period.ends_on, &period.connected_kinds)
        });
        let period = Period {
            updated_at: Some(now),
            ..period
        };
        match &stored {
            None => programme::insert_period(connection, &period)?,
            Some(_) => programme::update_period(connection, &period)?,
        };
        for (target, remove) in &targets {
            if *remove {
                programme::remove_target(connection, &period.code, &target.key, &target.unit_code)?;
            } else {
                programme::set_target(connection, target)?;
            }
        }
        let mut fields: Vec<&str> = ["code", "starts_on", "ends_on", "name_vi", "name_en"]
            .into_iter()
            .collect();
        if !targets.is_empty() {
            fields.push("targets");
        }
        if input.connected_kinds.is_some() {
            fields.push("connected_kinds");
        }
        effects::programme_period(
            connection,
            &period.code,
            redated,
            Audit {
                actor: &principal.actor(),
                action: if stored.is_some() { "update" } else { "create" },
                fields: &fields,
                at: now,
            },
        )?;
        view(connection, period)
    })
}

/// Every field checked at once; the period to write and the targets to set or remove.
fn validate(
    connection: &mut DbConn,
    stored: Option<&Period>,
    input: &PeriodInput,
) -> Result<(Period, Vec<(Target, bool)>), AppError> {
    let mut checks = Checks::default();
    let starts_on = day(
        &mut checks,
        "starts_on",
        &input.starts_on,
        stored.map(|p| p.starts_on),
    );
    let ends_on = day(
        &mut checks,
        "ends_on",
        &input.ends_on,
        stored.map(|p| p.ends_on),
    );
    let code = match (stored, &input.code) {
        (Some(stored), Some(code)) if *code != stored.code => {
            checks.fail("code", "read_only");
            None
        }
        (Some(stored), _) => Some(stored.code.clone()),
        (None, Some(code)) => period_code(&mut checks, code),
        (None, None) => match (starts_on, ends_on) {
            (Some(from), Some(to)) => Some(format!("{}-{}", from.format("%Y"), to.format("%Y"))),
            _ => None,
        },
    };
    if let (Some(from), Some(to)) = (starts_on, ends_on) {
        if from > to {
            checks.fail("ends_on", "ends_before_start");
        } else if let Some(code) = &code {
            let others = programme::overlapping(connection, from, to, code)?;
            if !others.is_empty() {
                checks.fail_with(
                    FieldError::new("starts_on", "period_overlaps")
                        .with("periods", others.join(", ")),
                );
            }
        }
    }
    if stored.is_none()
        && let Some(code) = &code
        && programme::period(connection, code)?.is_some()
    {
        checks.fail("code", "period_exists");
    }
    let text =
        |checks: &mut Checks, field: &str, raw: &Option<String>, kept: Option<&String>| match raw {
            Some(raw) => checks.text(field, raw, 300, true),
            None => Some(kept.cloned().unwrap_or_default()),
        };
    let name_vi = text(
        &mut checks,
        "name_vi",
        &input.name_vi,
        stored.map(|p| &p.name_vi),
    );
    let name_en = text(
        &mut checks,
        "name_en",
        &input.name_en,
        stored.map(|p| &p.name_en),
    );
    let plan_reference = text(
        &mut checks,
        "plan_reference",
        &input.plan_reference,
        stored.map(|p| &p.plan_reference),
    );
    let connected_kinds = match &input.connected_kinds {
        Some(kinds) => connected_kinds(&mut checks, kinds),
        None => stored.map_or_else(|| "wage_job".to_owned(), |p| p.connected_kinds.clone()),
    };
    let period_code = code.clone().unwrap_or_default();
    let mut targets = Vec::new();
    for (index, target) in input.targets.iter().flatten().enumerate() {
        if let Some(target) = target_row(connection, &mut checks, index, &period_code, target)? {
            targets.push(target);
        }
    }
    checks.finish()?;
    let (
        Some(code),
        Some(starts_on),
        Some(ends_on),
        Some(name_vi),
        Some(name_en),
        Some(plan_reference),
    ) = (code, starts_on, ends_on, name_vi, name_en, plan_reference)
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "period validation passed without required values"
        )));
    };
    Ok((
        Period {
            code,
            starts_on,
            ends_on,
            plan_reference,
            name_vi,
            name_en,
            updated_at: None,
            connected_kinds,
        },
        targets,
    ))
}

/// The kinds that count toward "connected": wage jobs, and those named, in their order.
fn connected_kinds(checks: &mut Checks, named: &[String]) -> String {
    for kind in named {
        if !WorkKind::NAMES.contains(&kind.as_str()) {
            checks.fail_with(
                FieldError::new("connected_kinds", "invalid_choice")
                    .with("choices", WorkKind::NAMES.join(", ")),
            );
        }
    }
    WorkKind::NAMES
        .iter()
        .filter(|kind| **kind == "wage_job" || named.iter().any(|named| named == *kind))
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}

/// A date sent, or the stored one; refused beside `field` when malformed or missing.
fn day(
    checks: &mut Checks,
    field: &str,
    raw: &Option<String>,
    kept: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match raw {
        Some(raw) => match crate::domain::values::date(raw) {
            Ok(day) => Some(day),
            Err(code) => {
                checks.fail(field, code);
                None
            }
        },
        None => checks.required(field, kept),
    }
}

/// A period's code: `2026-2030`, the first and last years, the first not after the last.
fn period_code(checks: &mut Checks, raw: &str) -> Option<String> {
    let raw = raw.trim();
    let years = raw
        .split_once('-')
        .and_then(|(from, to)| Some((from.parse::<i32>().ok()?, to.parse::<i32>().ok()?)))
        .filter(|(from, to)| {
            raw.len() == 9 && (2000..=2100).contains(from) && from <= to && *to <= 2100
        });
    if years.is_none() {
        checks.fail("code", "invalid_period_code");
    }
    years.map(|_| raw.to_owned())
}

/// One target of the input, checked; `(row, remove)`.
fn target_row(
    connection: &mut DbConn,
    checks: &mut Checks,
    index: usize,
    period_code: &str,
    input: &TargetInput,
) -> Result<Option<(Target, bool)>, AppError> {
    let field = |name: &str| format!("targets[{index}].{name}");
    let key = match &input.key {
        Some(raw) => checks.choice(&field("key"), raw.trim(), METRICS),
        None => checks.required(&field("key"), None::<String>),
    };
    let unit_code = match input.unit_code.as_deref().map(str::trim) {
        None | Some("") => Some(String::new()),
        Some(code) => {
            if crate::models::admin_units::newest_below_province(connection, code)?.is_some() {
                Some(code.to_owned())
            } else {
                checks.fail(&field("unit_code"), "unknown_area");
                None
            }
        }
    };
    let remove = input.remove.unwrap_or(false);
    let value = match input.target {
        Some(value) if !value.is_finite() || !(0.0..=1e9).contains(&value) => {
            checks.fail_with(
                FieldError::new(field("target"), "out_of_range")
                    .with("min", "0")
                    .with("max", "1000000000"),
            );
            None
        }
        Some(value) => Some(value),
        None if remove => Some(0.0),
        None => checks.required(&field("target"), None),
    };
    let default_unit = key.as_deref().map_or("persons", unit_of);
    let unit = checks.choice(
        &field("unit"),
        input.unit.as_deref().unwrap_or(default_unit),
        UNITS,
    );
    let comparison = checks.choice(
        &field("comparison"),
        input.comparison.as_deref().unwrap_or("at_least"),
        COMPARISONS,
    );
    let mut text = |name: &str, raw: &Option<String>| {
        raw.as_deref().map_or(Some(String::new()), |raw| {
            checks.text(&field(name), raw, 500, true)
        })
    };
    let description_vi = text("description_vi", &input.description_vi);
    let description_en = text("description_en", &input.description_en);
    let source = text("source", &input.source);
    let (
        Some(key),
        Some(unit_code),
        Some(target_value),
        Some(unit),
        Some(comparison),
        Some(description_vi),
        Some(description_en),
        Some(source),
    ) = (
        key,
        unit_code,
        value,
        unit,
        comparison,
        description_vi,
        description_en,
        source,
    )
    else {
        return Ok(None);
    };
    Ok(Some((
        Target {
            period_code: period_code.to_owned(),
            key,
            unit_code,
            target_value,
            unit,
            comparison,
            description_vi,
            description_en,
            source,
        },
        remove,
    )))
}
