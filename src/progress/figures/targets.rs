//! The metrics a target can name, and each target's figure: actual, percent, projection and
//! whether it is met. A district's or commune's own quota replaces the province's target when
//! the selection is that unit.

use super::*;
use crate::progress::reviews::{YearRate, yearly_fall};

/// The target keys of the 2021–2025 plan, in the order reports list them.
pub const TARGET_KEYS: &[&str] = &[
    "connected_workers",
    "connected_target_share",
    "trained_poor_districts",
    "overseas_contract",
    "household_employment",
    "counselled",
];

/// Figures shown in every period beside the plan's six, with a target or without one: the
/// share with the plan's area condition and the education dimension's two rates.
const ALWAYS_SHOWN: &[&str] = &[
    "connected_target_share_area",
    "area_workers_trained",
    "area_workers_certified",
];

/// Every metric a target can name, in the order figures list them: the plan's six (the share
/// also with the area condition "ở vùng nghèo, vùng khó khăn"), the workers of poor or
/// difficult areas trained and certified, then the poor-household rate (the latest review year
/// of the window) and its average yearly fall in points, for all households, ethnic-minority
/// households and those of poor districts.
pub const METRICS: &[&str] = &[
    "connected_workers",
    "connected_target_share",
    "connected_target_share_area",
    "trained_poor_districts",
    "overseas_contract",
    "household_employment",
    "counselled",
    "area_workers_trained",
    "area_workers_certified",
    "livelihood_models",
    "poor_household_rate",
    "poor_household_rate_minority",
    "poor_household_rate_poor_districts",
    "poor_household_rate_fall",
    "poor_household_rate_fall_minority",
    "poor_household_rate_fall_poor_districts",
];

/// A metric's value: `(actual, numerator, denominator)`.
fn measure(
    metric: &str,
    sums: &Sums,
    rates: &Rates,
    window: &Window,
) -> Option<(f64, i64, Option<i64>)> {
    let total = |fact: &str| sums.totals.get(fact).copied().unwrap_or(0);
    let share = |numerator: i64, denominator: i64| {
        let actual = match denominator {
            0 => 0.0,
            of => round2(numerator as f64 * 100.0 / of as f64),
        };
        (actual, numerator, Some(denominator))
    };
    let group = |suffix: &str| -> &[YearRate] {
        match suffix {
            "_minority" => &rates.minority,
            "_poor_districts" => &rates.poor_districts,
            _ => &rates.all,
        }
    };
    let in_window = |years: &[YearRate]| -> Vec<YearRate> {
        years
            .iter()
            .filter(|rate| rate.year >= window.from.year() && rate.year <= window.to.year())
            .cloned()
            .collect()
    };
    Some(match metric {
        "connected_workers" => (total(key::CONNECTED) as f64, total(key::CONNECTED), None),
        "connected_target_share" => share(sums.connected_target, total(key::CONNECTED)),
        "connected_target_share_area" => share(sums.connected_target_area, total(key::CONNECTED)),
        "area_workers_trained" => share(total(key::AREA_TRAINED), total(key::AREA_WORKER)),
        "area_workers_certified" => share(total(key::AREA_CERTIFIED), total(key::AREA_WORKER)),
        "trained_poor_districts" => (total(key::TRAINED) as f64, total(key::TRAINED), None),
        "overseas_contract" => (total(key::OVERSEAS) as f64, total(key::OVERSEAS), None),
        "household_employment" => {
            share(total(key::COVERED_HOUSEHOLD), total(key::TARGET_HOUSEHOLD))
        }
        "counselled" => share(total(key::COUNSELLED), total(key::TARGET_WORKER)),
        "livelihood_models" => (sums.models_started as f64, sums.models_started, None),
        _ => {
            if let Some(suffix) = metric.strip_prefix("poor_household_rate_fall") {
                let years = group(suffix);
                let (fall, _, latest) = yearly_fall(years, window.from.year())?;
                let last = years.iter().find(|rate| rate.year == latest)?;
                (fall, last.poor, Some(last.reviewed))
            } else {
                let suffix = metric.strip_prefix("poor_household_rate")?;
                let last = in_window(group(suffix)).pop()?;
                share(last.poor, last.reviewed)
            }
        }
    })
}

/// Whether lower is better for a comparison.
fn downward(comparison: &str) -> bool {
    matches!(comparison, "at_most" | "less_than")
}

pub(super) fn targets(
    connection: &mut DbConn,
    period: &PeriodRow,
    window: &Window,
    (sums, rates): (&Sums, &Rates),
    selection: &Selection,
    lang: Lang,
    as_of: NaiveDate,
) -> Result<Vec<TargetFigure>, AppError> {
    let rows = programme::targets(connection, &period.code)?;
    // Days elapsed and in all, for the pace projection of the persons targets.
    let days_in = (window.to - window.from).num_days() + 1;
    let elapsed = (as_of.min(window.to) - window.from).num_days() + 1;
    let quota = selection.quota_unit.as_deref().unwrap_or_default();
    let mut figures = Vec::new();
    for metric in METRICS {
        let target = rows
            .iter()
            .find(|row| row.key == *metric && !quota.is_empty() && row.unit_code == quota)
            .or_else(|| {
                rows.iter()
                    .find(|row| row.key == *metric && row.unit_code.is_empty())
            });
        // The plan's six are figures in every period, with a target or without one.
        let untargeted;
        let target = match target {
            Some(target) => target,
            None if TARGET_KEYS.contains(metric) || ALWAYS_SHOWN.contains(metric) => {
                untargeted = untargeted_row(&period.code, metric);
                &untargeted
            }
            None => continue,
        };
        let Some((actual, numerator, denominator)) = measure(metric, sums, rates, window) else {
            figures.push(unmeasured(target, metric, selection, lang));
            continue;
        };
        // Counts (persons, models) project at the pace so far; rates stay as they are.
        let persons = matches!(target.unit.as_str(), "persons" | "models");
        let projection = match persons {
            true if elapsed <= 0 => 0.0,
            true if elapsed < days_in => round2(actual * days_in as f64 / elapsed as f64),
            _ => actual,
        };
        let goal = target.target_value;
        let met = match target.comparison.as_str() {
            "" => false,
            "more_than" => actual > goal,
            "at_most" => actual <= goal,
            "less_than" => actual < goal,
            _ => actual >= goal,
        };
        let percent = if downward(&target.comparison) {
            match actual {
                value if value <= 0.0 => 100.0,
                value => round2(goal * 100.0 / value),
            }
        } else if goal > 0.0 {
            round2(actual * 100.0 / goal)
        } else {
            0.0
        };
        figures.push(TargetFigure {
            actual,
            numerator,
            denominator,
            percent,
            met,
            projection,
            ..unmeasured(target, metric, selection, lang)
        });
    }
    Ok(figures)
}

/// A metric of the plan's six that the period sets no target for: counted all the same.
fn untargeted_row(period: &str, metric: &str) -> programme::Target {
    programme::Target {
        period_code: period.to_owned(),
        key: metric.to_owned(),
        unit_code: String::new(),
        target_value: 0.0,
        unit: unit_of(metric).to_owned(),
        comparison: String::new(),
        description_vi: String::new(),
        description_en: String::new(),
        source: String::new(),
    }
}

/// The unit a metric is measured in.
pub fn unit_of(metric: &str) -> &'static str {
    match metric {
        "connected_workers" | "trained_poor_districts" | "overseas_contract" => "persons",
        "livelihood_models" => "models",
        _ if metric.starts_with("poor_household_rate_fall") => "points",
        _ => "percent",
    }
}

/// A target's figure before anything is measured (a rate with no review yet stays here).
fn unmeasured(
    target: &programme::Target,
    metric: &str,
    selection: &Selection,
    lang: Lang,
) -> TargetFigure {
    TargetFigure {
        key: metric.to_owned(),
        // A figure without a target row is described by its metric's name.
        description: Some(match lang {
            Lang::Vi => target.description_vi.trim(),
            Lang::En => target.description_en.trim(),
        })
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| crate::i18n::texts::Tr { lang }.of("metric", metric))
        .to_owned(),
        unit: target.unit.clone(),
        comparison: target.comparison.clone(),
        target: target.target_value,
        actual: 0.0,
        numerator: 0,
        denominator: None,
        percent: 0.0,
        met: false,
        has_target: !target.comparison.is_empty(),
        projection: 0.0,
        records: records_link(&selection.label, metric, selection),
        scope: target.unit_code.clone(),
        source: target.source.clone(),
    }
}

pub(super) fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn records_link(period: &str, key: &str, selection: &Selection) -> String {
    // The models behind the count of models are the models themselves.
    if key == "livelihood_models" {
        return "/api/v1/livelihood-models".to_owned();
    }
    format!(
        "/api/v1/progress/records?period={period}&key={key}{}",
        selection.params
    )
}
