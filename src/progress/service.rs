//! The progress API behind its permissions: admins see the province, staff their area; the
//! lists of people are audited as reads of their records.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::figures::{self, Progress, Selection};
use super::lists::{self, LIST_KEYS, OutreachPage, RecordPage};
use crate::accounts::{self, Principal, Role};
use crate::db::DbConn;
use crate::domain::checks::Checks;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::models::audit;

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// A programme period (`2021-2025`, the default: the one containing today, else the latest),
    /// a year (`2025`) or a half-year (`2025-H1`).
    pub period: Option<String>,
    /// Only this calendar year of the period.
    pub year: Option<String>,
    /// A district code (`116`).
    pub district: Option<String>,
    /// A commune code (`03649`).
    pub commune: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordsQuery {
    pub period: Option<String>,
    /// A target key (`connected_workers`, `connected_target_share`, `trained_poor_districts`,
    /// `overseas_contract`, `household_employment`, `counselled`) or a base list
    /// (`target_household`, `target_worker`, `sustained`).
    pub key: Option<String>,
    pub year: Option<String>,
    pub district: Option<String>,
    pub commune: Option<String>,
    /// A breakdown row: `poor`, `near_poor`, `newly_escaped`, `not_poor` or `none`.
    pub household_status: Option<String>,
    /// A breakdown row: `minority` or `kinh`.
    pub ethnicity: Option<String>,
    /// A breakdown row: `male` or `female`.
    pub gender: Option<String>,
    /// A breakdown row: a country code (`KR`).
    pub country: Option<String>,
    /// 1–500, default 100.
    pub limit: Option<String>,
    pub offset: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutreachQuery {
    pub period: Option<String>,
    pub district: Option<String>,
    pub commune: Option<String>,
    /// 1–500, default 100.
    pub limit: Option<String>,
    pub offset: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChartQuery {
    pub period: Option<String>,
    pub year: Option<String>,
    pub district: Option<String>,
    pub commune: Option<String>,
    /// `connected_workers` (default), `trained_poor_districts` or `overseas_contract`.
    pub key: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    pub district: Option<String>,
    pub commune: Option<String>,
}

/// Who may read progress: every admin, and staff (limited to their area when they have one).
fn reach(principal: &Principal) -> Result<Option<&[String]>, AppError> {
    match principal.role {
        Role::Admin => Ok(None),
        Role::Staff => Ok(principal.area_units.as_deref()),
        _ => Err(AppError::Forbidden),
    }
}

/// The programme period that holds today, else the latest one.
fn default_period(connection: &mut DbConn, today: NaiveDate) -> Result<String, AppError> {
    let periods = super::facts::periods(connection)?;
    periods
        .iter()
        .find(|period| period.starts_on <= today && today <= period.ends_on)
        .or(periods.last())
        .map(|period| period.code.clone())
        .ok_or_else(|| AppError::field("period", "unknown_period"))
}

/// The selection of `ketnoi report`: the whole province unless a district or commune is named.
pub fn cli_selection(
    connection: &mut DbConn,
    period: &str,
    district: Option<&str>,
    commune: Option<&str>,
) -> Result<Selection, AppError> {
    selection(
        connection,
        &Principal::operator(),
        Some(period),
        None,
        district,
        commune,
    )
}

/// Turns the query into a selection, naming each bad field.
pub fn selection(
    connection: &mut DbConn,
    principal: &Principal,
    period: Option<&str>,
    year: Option<&str>,
    district: Option<&str>,
    commune: Option<&str>,
) -> Result<Selection, AppError> {
    let area = reach(principal)?;
    let today = accounts::now().date();
    let raw_period = match period.map(str::trim).filter(|raw| !raw.is_empty()) {
        Some(raw) => raw.to_owned(),
        None => default_period(connection, today)?,
    };
    let (code, mut halves) = figures::parse_report_period(connection, &raw_period)?;
    let found = figures::period(connection, &code)?;
    let mut params = String::new();
    if let Some(raw) = year.map(str::trim).filter(|raw| !raw.is_empty()) {
        let year: i32 = raw
            .parse()
            .map_err(|_| AppError::field("year", "invalid_type"))?;
        let (first, last) = figures::year_halves(year);
        let inside = first / 10 >= chrono::Datelike::year(&found.starts_on)
            && last / 10 <= chrono::Datelike::year(&found.ends_on);
        let within = halves.is_none_or(|(from, to)| from <= last && first <= to);
        if !inside || !within {
            return Err(AppError::field("year", "year_outside_period"));
        }
        halves = Some(match halves {
            Some((from, to)) => (from.max(first), to.min(last)),
            None => (first, last),
        });
        params.push_str(&format!("&year={year}"));
    }
    let units = figures::units(connection)?;
    let district = district.map(str::trim).filter(|raw| !raw.is_empty());
    let commune = commune.map(str::trim).filter(|raw| !raw.is_empty());
    let communes = figures::communes_for(&units, district, commune, area)?;
    // A whole district (no commune, no area narrowing it) is summed from the district counts.
    let districts = match (district, commune, area) {
        (Some(code), None, None) => Some(figures::districts_for(&units, code)?),
        _ => None,
    };
    if let Some(code) = district {
        params.push_str(&format!("&district={code}"));
    }
    if let Some(code) = commune {
        params.push_str(&format!("&commune={code}"));
    }
    // Whose own quotas apply: the commune or district asked for, else the district of an
    // officer's area when the area lies in one.
    let quota_unit = commune.or(district).map(str::to_owned).or_else(|| {
        let area = area?;
        let mut codes = area
            .iter()
            .map(|commune| figures::district_of(&units, commune).map(|unit| unit.code.clone()));
        let first = codes.next()??;
        codes
            .all(|code| code.as_ref() == Some(&first))
            .then_some(first)
    });
    Ok(Selection {
        period: code,
        label: raw_period,
        halves,
        communes,
        districts,
        params,
        quota_unit,
    })
}

/// `GET /api/v1/progress`.
pub fn progress(
    connection: &mut DbConn,
    principal: &Principal,
    query: &ProgressQuery,
    lang: Lang,
) -> Result<Progress, AppError> {
    let selection = selection(
        connection,
        principal,
        query.period.as_deref(),
        query.year.as_deref(),
        query.district.as_deref(),
        query.commune.as_deref(),
    )?;
    figures::compute(connection, &selection, lang, accounts::now().date())
}

fn bounded(checks: &mut Checks, field: &str, raw: Option<&str>, default: i64, max: i64) -> i64 {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => default,
        Some(raw) => match raw.parse::<i64>() {
            Ok(value) if (0..=max).contains(&value) && (field != "limit" || value >= 1) => value,
            _ => {
                checks.fail_with(
                    crate::error::FieldError::new(field, "out_of_range")
                        .with("min", if field == "limit" { "1" } else { "0" }.to_owned())
                        .with("max", max.to_string()),
                );
                default
            }
        },
    }
}

/// `GET /api/v1/progress/records`: the people (or households) behind a figure.
pub fn records(
    connection: &mut DbConn,
    principal: &Principal,
    query: &RecordsQuery,
) -> Result<RecordPage, AppError> {
    let mut checks = Checks::default();
    let key = match query.key.as_deref() {
        Some(raw) => checks.choice("key", raw, LIST_KEYS),
        None => {
            checks.fail("key", "required");
            None
        }
    };
    let limit = bounded(&mut checks, "limit", query.limit.as_deref(), 100, 500);
    let offset = bounded(
        &mut checks,
        "offset",
        query.offset.as_deref(),
        0,
        i64::from(i32::MAX),
    );
    let dimensions = lists::Dimensions {
        household_status: query.household_status.as_deref().and_then(|raw| {
            checks.choice(
                "household_status",
                raw,
                &["poor", "near_poor", "newly_escaped", "not_poor", "none"],
            )
        }),
        minority: query
            .ethnicity
            .as_deref()
            .and_then(|raw| checks.choice("ethnicity", raw, &["minority", "kinh"]))
            .map(|value| value == "minority"),
        gender: query
            .gender
            .as_deref()
            .and_then(|raw| checks.choice("gender", raw, &["male", "female"])),
        country: query.country.as_deref().and_then(|raw| {
            let valid = raw.len() == 2 && raw.bytes().all(|byte| byte.is_ascii_uppercase());
            if !valid {
                checks.fail("country", "invalid_country");
            }
            valid.then(|| raw.to_owned())
        }),
    };
    checks.finish()?;
    let key = key.unwrap_or_default();
    let selection = selection(
        connection,
        principal,
        query.period.as_deref(),
        query.year.as_deref(),
        query.district.as_deref(),
        query.commune.as_deref(),
    )?;
    let period = figures::period(connection, &selection.period)?;
    let window = figures::window(&period, selection.halves);
    let units = figures::units(connection)?;
    let page = if key.starts_with("poor_household_rate") {
        lists::poor_households(
            connection,
            &key,
            &window,
            selection.communes.as_ref(),
            &units,
            (limit, offset),
        )?
    } else {
        lists::records(
            connection,
            &selection.period,
            &key,
            &window,
            selection.communes.as_ref(),
            &dimensions,
            &units,
            limit,
            offset,
        )?
    };
    audit_listed(
        connection,
        principal,
        page.records
            .iter()
            .map(|record| (record.kind.as_str(), record.id.clone())),
    )?;
    Ok(page)
}

/// `GET /api/v1/progress/outreach`.
pub fn outreach(
    connection: &mut DbConn,
    principal: &Principal,
    query: &OutreachQuery,
) -> Result<OutreachPage, AppError> {
    let mut checks = Checks::default();
    let limit = bounded(&mut checks, "limit", query.limit.as_deref(), 100, 500);
    let offset = bounded(
        &mut checks,
        "offset",
        query.offset.as_deref(),
        0,
        i64::from(i32::MAX),
    );
    checks.finish()?;
    let selection = selection(
        connection,
        principal,
        query.period.as_deref(),
        None,
        query.district.as_deref(),
        query.commune.as_deref(),
    )?;
    let units = figures::units(connection)?;
    let page = lists::outreach(
        connection,
        &selection.period,
        selection.communes.as_ref(),
        &units,
        limit,
        offset,
    )?;
    audit_listed(
        connection,
        principal,
        page.households
            .iter()
            .map(|household| ("household", household.household_id.clone())),
    )?;
    Ok(page)
}

/// Records that the caller read these people's and households' records.
pub fn audit_listed<'a>(
    connection: &mut DbConn,
    principal: &Principal,
    listed: impl Iterator<Item = (&'a str, String)>,
) -> Result<(), AppError> {
    let (mut workers, mut households) = (Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for (kind, id) in listed {
        if seen.insert(id.clone()) {
            if kind == "household" {
                households.push(id);
            } else {
                workers.push(id);
            }
        }
    }
    let now = accounts::now();
    for (entity, ids) in [("worker", workers), ("household", households)] {
        if !ids.is_empty() {
            audit::record(
                connection,
                &principal.actor(),
                "read",
                entity,
                &ids,
                &["progress_list"],
                now,
            )?;
        }
    }
    Ok(())
}

/// `GET /api/v1/progress/chart.svg`.
pub fn chart(
    connection: &mut DbConn,
    principal: &Principal,
    query: &ChartQuery,
    lang: Lang,
) -> Result<String, AppError> {
    let mut checks = Checks::default();
    let key = query
        .key
        .as_deref()
        .map_or(Some("connected_workers".to_owned()), |raw| {
            checks.choice("key", raw, super::chart::CHART_KEYS)
        });
    checks.finish()?;
    let progress = progress(
        connection,
        principal,
        &ProgressQuery {
            period: query.period.clone(),
            year: query.year.clone(),
            district: query.district.clone(),
            commune: query.commune.clone(),
        },
        lang,
    )?;
    super::chart::svg(&progress, &key.unwrap_or_default(), lang)
        .map_err(|error| AppError::Unexpected(anyhow::anyhow!(error)))
}

/// `GET /api/v1/reports/{period}.{format}`: the file's bytes, content type and name.
pub fn report_file(
    connection: &mut DbConn,
    principal: &Principal,
    file: &str,
    query: &ReportQuery,
    lang: Lang,
) -> Result<(Vec<u8>, &'static str, String), AppError> {
    let (period, format) = file
        .rsplit_once('.')
        .ok_or_else(|| AppError::field("format", "required"))?;
    let mut checks = Checks::default();
    let format = checks.choice("format", format, super::report::FORMATS);
    checks.finish()?;
    let file = build_report_file(
        connection,
        principal,
        Some(period),
        &format.unwrap_or_default(),
        query,
        lang,
    )?;
    Ok((file.bytes, file.content_type, file.name))
}

/// A rendered report, and what a covering letter says of it.
pub struct ReportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub name: String,
    pub period: String,
    pub as_of: NaiveDate,
    /// The figures from the programme period's start to the reporting period's end.
    pub targets: Vec<super::figures::TargetFigure>,
}

/// Builds and renders a report in the caller's reach; every person it lists is audited as read.
pub fn build_report_file(
    connection: &mut DbConn,
    principal: &Principal,
    period: Option<&str>,
    format: &str,
    query: &ReportQuery,
    lang: Lang,
) -> Result<ReportFile, AppError> {
    let selection = selection(
        connection,
        principal,
        period,
        None,
        query.district.as_deref(),
        query.commune.as_deref(),
    )?;
    let as_of = accounts::now().date();
    let report = super::report::build(connection, &selection, lang, as_of)?;
    audit_listed(
        connection,
        principal,
        report
            .connected
            .iter()
            .chain(&report.trained)
            .chain(&report.overseas)
            .map(|record| ("worker", record.id.clone()))
            .chain(
                report
                    .outreach
                    .iter()
                    .map(|household| ("household", household.household_id.clone())),
            ),
    )?;
    let (bytes, content_type) = super::report::render(&report, format, lang)?;
    Ok(ReportFile {
        bytes,
        content_type,
        name: format!("bao-cao-{}.{format}", selection.label),
        period: selection.label.clone(),
        as_of,
        targets: report.cumulative.targets,
    })
}
