//! `ketnoi bench progress`: the full progress computation (every target, projection and
//! breakdown for the province, the poor-household rates of every review year) over a demo of N
//! workers whose households have five yearly reviews each, with latency percentiles.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde::Serialize;

use super::search::{ensure_demo, percentile, round};
use crate::accounts;
use crate::config::Settings;
use crate::db::schema::{household_reviews, households, placements, progress_facts};
use crate::i18n::Lang;
use crate::progress::facts;
use crate::progress::figures::{self, Selection};
use crate::startup;

#[derive(Debug, Serialize)]
struct Line {
    computation: &'static str,
    n_workers: i64,
    placements: i64,
    facts: i64,
    iterations: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

fn line(
    computation: &'static str,
    (n_workers, placements, facts): (i64, i64, i64),
    mut times: Vec<Duration>,
) -> Line {
    times.sort();
    Line {
        computation,
        n_workers,
        placements,
        facts,
        iterations: times.len(),
        p50_ms: round(percentile(&times, 50.0)),
        p95_ms: round(percentile(&times, 95.0)),
        max_ms: round(times.last().map_or(0.0, |time| time.as_secs_f64() * 1000.0)),
    }
}

/// Gives every demo household four earlier reviews (the demo writes one), the same figures a year
/// apart each, and counts them; returns the number of reviews.
fn five_reviews_each(connection: &mut crate::db::DbConn) -> anyhow::Result<i64> {
    let households: i64 = households::table.count().get_result(connection)?;
    let reviews: i64 = household_reviews::table.count().get_result(connection)?;
    if reviews < households * 5 {
        let started = Instant::now();
        connection.write_transaction(|connection| {
            for back in 1..=4 {
                diesel::sql_query(format!(
                    "INSERT INTO household_reviews (household_id, year, standard_id, \
                     income_per_person_vnd, urban, deprivations, status, previous_status, \
                     recorded_at) \
                     SELECT household_id, year - {back}, standard_id, income_per_person_vnd, \
                     urban, deprivations, CASE WHEN status = 'newly_escaped' THEN 'not_poor' \
                     ELSE status END, NULL, recorded_at FROM household_reviews r \
                     WHERE r.year = (SELECT max(year) FROM household_reviews l \
                     WHERE l.household_id = r.household_id) \
                     AND NOT EXISTS (SELECT 1 FROM household_reviews o \
                     WHERE o.household_id = r.household_id AND o.year = r.year - {back})"
                ))
                .execute(connection)?;
            }
            crate::progress::reviews::rebuild(connection)
        })?;
        eprintln!(
            "ketnoi: four earlier reviews per household written and counted in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(household_reviews::table.count().get_result(connection)?)
}

pub fn run(settings: &Settings, workers: u64, iterations: usize) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let n_workers = ensure_demo(&mut connection, workers, "ketnoi")?;
    let mut n_facts: i64 = progress_facts::table.count().get_result(&mut connection)?;
    if n_facts == 0 {
        let started = Instant::now();
        let done = facts::rebuild(&mut connection, &mut |_| {})?;
        eprintln!(
            "ketnoi: progress facts derived in {:.1} s ({} facts)",
            started.elapsed().as_secs_f64(),
            done.facts
        );
        n_facts = done.facts as i64;
    }
    let n_reviews = five_reviews_each(&mut connection)?;
    let n_placements: i64 = placements::table.count().get_result(&mut connection)?;
    let sizes = (n_workers, n_placements, n_facts);
    let today = accounts::now().date();
    let period = facts::periods(&mut connection)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no programme period"))?;
    let province = Selection {
        period: period.code.clone(),
        label: period.code.clone(),
        ..Selection::default()
    };
    let units = figures::units(&mut connection)?;
    let district = units
        .values()
        .filter(|unit| unit.kind == "district")
        .min_by_key(|unit| unit.id.clone())
        .map(|unit| unit.code.clone());
    let district = district.ok_or_else(|| anyhow::anyhow!("no district"))?;
    let describe = |error: crate::error::AppError| anyhow::anyhow!("{}", error.describe(Lang::En));
    let one_district = Selection {
        communes: figures::communes_for(&units, Some(&district), None, None).map_err(describe)?,
        districts: Some(figures::districts_for(&units, &district).map_err(describe)?),
        halves: Some(figures::year_halves(chrono::Datelike::year(
            &period.ends_on,
        ))),
        ..province.clone()
    };
    let mut lines = Vec::new();
    for (name, selection) in [
        ("province_whole_period", &province),
        ("one_district_one_year", &one_district),
    ] {
        let mut times = Vec::with_capacity(iterations);
        for round in 0..iterations + 3 {
            let begun = Instant::now();
            let progress = figures::compute(&mut connection, selection, Lang::Vi, today)
                .map_err(|error| anyhow::anyhow!("{}", error.describe(Lang::En)))?;
            let elapsed = begun.elapsed();
            std::hint::black_box(&progress);
            // The first rounds warm the caches and are not timed.
            if round >= 3 {
                times.push(elapsed);
            }
            if round == 0 && name == "province_whole_period" {
                eprintln!(
                    "  {n_reviews} household reviews; rates by year: {:?}",
                    progress
                        .poverty_rates
                        .all
                        .iter()
                        .map(|rate| (rate.year, rate.rate))
                        .collect::<Vec<_>>()
                );
                for figure in &progress.targets {
                    eprintln!(
                        "  {:<24} {:>10} of {:<8} ({} %)",
                        figure.key, figure.actual, figure.target, figure.percent
                    );
                }
            }
        }
        lines.push(line(name, sizes, times));
    }
    for line in &lines {
        println!("{}", serde_json::to_string(line)?);
    }
    Ok(())
}
