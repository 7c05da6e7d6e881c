//! `ketnoi bench match`: the same vacancy → top-N worker queries through Ketnoi's matcher
//! and through PostgreSQL full-text search doing the same job, with latency percentiles.
//!
//! PostgreSQL gets a fair setup: a table of one row per worker holding a `tsvector` (words
//! through `unaccent`, plus the same matching-code tokens Ketnoi indexes) and every fact the
//! score needs, a GIN index on the vectors of matchable workers, and one SQL query per vacancy
//! that applies the same hard filters and orders by the same score formula, with `ts_rank`
//! (relative to the vacancy's own words) standing in for BM25.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde::Serialize;

use crate::accounts;
use crate::config::Settings;
use crate::db::DbConn;
use crate::db::schema::{vacancies, workers};
use crate::demo::{self, DemoOptions};
use crate::search::SearchIndex;
use crate::search::documents::Reference;
use crate::search::matching::{self, VacancyFacts, VacancyProbe, Weights};
use crate::search::service;
use crate::startup;

/// Options of `ketnoi bench match`.
#[derive(Debug, Clone)]
pub struct MatchBench {
    pub workers: u64,
    pub postgres: Option<String>,
    pub queries: usize,
    pub top: usize,
}

#[derive(Debug, Serialize)]
struct EngineLine {
    engine: &'static str,
    n_workers: i64,
    queries: usize,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    qps: f64,
}

/// Queries run once, untimed, before the timed pass (caches, page faults).
const WARM_UP: usize = 20;

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn line(engine: &'static str, n_workers: i64, mut times: Vec<Duration>) -> EngineLine {
    let total: f64 = times.iter().map(Duration::as_secs_f64).sum();
    times.sort();
    EngineLine {
        engine,
        n_workers,
        queries: times.len(),
        p50_ms: round(percentile(&times, 50.0)),
        p95_ms: round(percentile(&times, 95.0)),
        p99_ms: round(percentile(&times, 99.0)),
        qps: round(if total > 0.0 {
            times.len() as f64 / total
        } else {
            0.0
        }),
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

pub(crate) fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Makes sure the database holds a demo (generating one of `workers` into an empty database).
pub(crate) fn ensure_demo(
    connection: &mut DbConn,
    workers: u64,
    what: &str,
) -> anyhow::Result<i64> {
    let existing: i64 = workers::table.count().get_result(connection)?;
    if existing > 0 {
        eprintln!("{what}: reusing {existing} workers already there");
        return Ok(existing);
    }
    eprintln!("{what}: generating a demo of {workers} workers (seed 1)");
    demo::generate(
        connection,
        DemoOptions {
            workers,
            seed: 1,
            show_progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        },
    )?;
    Ok(workers::table.count().get_result(connection)?)
}

/// Open vacancies at home and abroad, spread over the id range, the same for every engine.
fn sample_vacancies(connection: &mut DbConn, queries: usize) -> QueryResult<Vec<String>> {
    let all: Vec<String> = vacancies::table
        .filter(vacancies::status.eq("open"))
        .filter(vacancies::archived_at.is_null())
        .order(vacancies::id)
        .select(vacancies::id)
        .load(connection)?;
    if all.len() <= queries {
        return Ok(all);
    }
    let step = all.len() as f64 / queries as f64;
    Ok((0..queries)
        .map(|at| all[((at as f64) * step) as usize].clone())
        .collect())
}

pub fn run(settings: &Settings, options: &MatchBench) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let n_workers = ensure_demo(&mut connection, options.workers, "ketnoi")?;
    let (pool, _) = startup::build_pool(settings)?;
    let started = Instant::now();
    let index = SearchIndex::open(&settings.index_dir, pool, true)?;
    eprintln!(
        "ketnoi: search index ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let reference = Reference::load(&mut connection)?;
    let weights = Weights::default();
    let sample = sample_vacancies(&mut connection, options.queries)?;
    anyhow::ensure!(!sample.is_empty(), "the database has no open vacancies");
    let today = accounts::now().date();

    let matcher = Matcher {
        index: &index,
        reference: &reference,
        weights: &weights,
        today,
    };
    let (mut returned, mut from_target) = (0usize, 0usize);
    type Listed = Vec<Vec<(String, f64)>>;
    let mut run_ketnoi = |record: bool| -> anyhow::Result<(Vec<Duration>, Listed)> {
        let snapshot = index.snapshot()?;
        let mut times = Vec::with_capacity(sample.len());
        let mut results = Vec::with_capacity(sample.len());
        for vacancy_id in sample
            .iter()
            .take(if record { sample.len() } else { WARM_UP })
        {
            let begun = Instant::now();
            let ranked = matcher.rank(&mut connection, &snapshot, vacancy_id, options.top)?;
            times.push(begun.elapsed());
            if record {
                returned += ranked.len();
                from_target += ranked
                    .iter()
                    .filter(|rank| rank.reasons.target_household.is_some())
                    .count();
                results.push(
                    ranked
                        .into_iter()
                        .map(|rank| (rank.id, rank.score))
                        .collect(),
                );
            }
        }
        Ok((times, results))
    };
    run_ketnoi(false)?;
    let (times, ketnoi_results) = run_ketnoi(true)?;
    let ketnoi = line("ketnoi", n_workers, times);
    println!("{}", serde_json::to_string(&ketnoi)?);
    // What the default weights do for the programme's > 50 % target.
    eprintln!(
        "ketnoi: {:.1}% of the workers proposed are from poor, near-poor or newly-escaped households",
        100.0 * from_target as f64 / returned.max(1) as f64
    );
    eprintln!(
        "ketnoi: resident memory {} MiB",
        resident_mib().map_or("?".to_owned(), |mib| mib.to_string())
    );

    let Some(url) = &options.postgres else {
        return Ok(());
    };
    let (postgres, postgres_results) =
        postgres::run(url, options, &sample, &reference, &weights, today)?;
    println!("{}", serde_json::to_string(&postgres)?);
    let overlap = top_overlap(&ketnoi_results, &postgres_results);
    // Many workers tie at the same score in a province of a million, and each engine breaks
    // ties its own way, so compare by score too: the share of PostgreSQL's list that scores,
    // by Ketnoi's formula, at least as well as the last of Ketnoi's own list.
    let snapshot = index.snapshot()?;
    let mut as_good = Vec::new();
    for ((vacancy_id, ours), theirs) in sample.iter().zip(&ketnoi_results).zip(&postgres_results) {
        let Some(cut) = ours.last().map(|(_, score)| *score) else {
            continue;
        };
        let scores = matcher.score(&mut connection, &snapshot, vacancy_id, theirs)?;
        let good = scores
            .iter()
            .filter(|ranked| {
                ranked
                    .as_ref()
                    .is_some_and(|ranked| ranked.score >= cut - 1e-9)
            })
            .count();
        as_good.push(good as f64 / theirs.len().max(1) as f64);
    }
    let agreement = mean(&as_good);
    println!(
        "{}",
        serde_json::json!({
            "ratio_p50": round(postgres.p50_ms / ketnoi.p50_ms.max(1e-6)),
            "ratio_p99": round(postgres.p99_ms / ketnoi.p99_ms.max(1e-6)),
            "top_overlap": round(overlap),
            "postgres_as_good": round(agreement),
        })
    );
    if agreement < 0.5 {
        eprintln!(
            "warning: only {:.0}% of PostgreSQL's top-{} score as well as Ketnoi's by Ketnoi's formula: the engines are not doing the same job",
            agreement * 100.0,
            options.top
        );
    }
    Ok(())
}

/// The matcher as the service runs it: a vacancy's probe read from the database, then ranked.
struct Matcher<'a> {
    index: &'a SearchIndex,
    reference: &'a Reference,
    weights: &'a Weights,
    today: chrono::NaiveDate,
}

impl Matcher<'_> {
    fn probe_parts(
        &self,
        connection: &mut DbConn,
        vacancy_id: &str,
    ) -> anyhow::Result<(VacancyFacts, String, Vec<String>)> {
        let (facts, text) = service::vacancy_probe_parts(connection, self.reference, vacancy_id)
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        let referred = service::referred_to_vacancy(connection, vacancy_id)?;
        Ok((facts, text, referred))
    }

    /// The vacancy's best `top` workers.
    fn rank(
        &self,
        connection: &mut DbConn,
        snapshot: &crate::search::Snapshot,
        vacancy_id: &str,
        top: usize,
    ) -> anyhow::Result<Vec<matching::Ranked>> {
        let (facts, text, referred) = self.probe_parts(connection, vacancy_id)?;
        let probe = VacancyProbe {
            facts,
            text: &text,
            referred: &referred,
            today: self.today,
        };
        Ok(matching::workers_for_vacancy(
            snapshot,
            self.index.fields(),
            self.weights,
            &probe,
            top,
        )?)
    }

    /// The score of each of `ids` for the vacancy.
    fn score(
        &self,
        connection: &mut DbConn,
        snapshot: &crate::search::Snapshot,
        vacancy_id: &str,
        ids: &[String],
    ) -> anyhow::Result<Vec<Option<matching::Ranked>>> {
        let (facts, text, referred) = self.probe_parts(connection, vacancy_id)?;
        let probe = VacancyProbe {
            facts,
            text: &text,
            referred: &referred,
            today: self.today,
        };
        Ok(matching::score_listed(
            snapshot,
            self.index.fields(),
            self.weights,
            &probe,
            ids,
        )?)
    }
}

/// The mean share of Ketnoi's top list that PostgreSQL's list holds too.
fn top_overlap(ours: &[Vec<(String, f64)>], theirs: &[Vec<String>]) -> f64 {
    let overlaps: Vec<f64> = ours
        .iter()
        .zip(theirs)
        .filter(|(ours, _)| !ours.is_empty())
        .map(|(ours, theirs)| {
            let ours: HashSet<&String> = ours.iter().map(|(id, _)| id).collect();
            let shared = theirs.iter().filter(|id| ours.contains(id)).count();
            shared as f64 / ours.len() as f64
        })
        .collect();
    mean(&overlaps)
}

/// This process's resident set, from /proc (Linux).
pub fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[cfg(not(feature = "postgres"))]
mod postgres {
    use super::*;

    pub fn run(
        _: &str,
        _: &MatchBench,
        _: &[String],
        _: &Reference,
        _: &Weights,
        _: chrono::NaiveDate,
    ) -> anyhow::Result<(EngineLine, Vec<Vec<String>>)> {
        anyhow::bail!("--postgres needs a build with `--features postgres`")
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use anyhow::Context as _;
    use diesel::sql_types::{Bool, Date, Text};

    use super::*;
    use crate::db::DatabaseUrl;
    use crate::search::analysis;
    use crate::search::matching::birth_window;

    /// The table and index PostgreSQL searches; rebuilt when the worker count changed.
    const SETUP: &str = r#"
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ketnoi_vi') THEN
    CREATE TEXT SEARCH CONFIGURATION ketnoi_vi (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION ketnoi_vi
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
  END IF;
END $$;
DROP TABLE IF EXISTS bench_match_fts;
CREATE TABLE bench_match_fts AS
WITH occ AS (
  SELECT wo.worker_id, array_agg(wo.occupation_code) AS codes, string_agg(o.name_vi, ' ') AS names
  FROM worker_occupations wo JOIN occupations o ON o.code = wo.occupation_code
  GROUP BY wo.worker_id
), trained AS (
  SELECT e.worker_id, array_agg(DISTINCT co.occupation_code) AS codes
  FROM enrollments e JOIN course_occupations co ON co.course_id = e.course_id
  WHERE e.status IN ('completed', 'certified')
  GROUP BY e.worker_id
), open_refs AS (
  SELECT worker_id, count(*) AS n FROM referrals
  WHERE status IN ('shortlisted', 'referred', 'interview') GROUP BY worker_id
), base AS (
  SELECT w.id AS worker_id, w.commune_id, d.id AS district_id, w.birth_date,
         (w.availability = 'seeking' AND w.consent_to_share) AS eligible,
         w.willing_overseas, w.willing_to_relocate AS relocate,
         coalesce(h.status IN ('poor', 'near_poor', 'newly_escaped'), false) AS target,
         coalesce(eg.is_minority, false) AS minority, w.disability AS disabled,
         coalesce(occ.codes, '{}') AS occupations, coalesce(trained.codes, '{}') AS trained,
         coalesce(open_refs.n, 0) AS open_referrals,
         w.skills || ' ' || w.qualifications || ' ' || coalesce(occ.names, '') AS profile,
         split_part(c.code, '@', 1) AS commune_code, split_part(d.code, '@', 1) AS district_code
  FROM workers w
  LEFT JOIN households h ON h.id = w.household_id
  LEFT JOIN ethnic_groups eg ON eg.code = w.ethnicity_code
  LEFT JOIN admin_units c ON c.id = w.commune_id
  LEFT JOIN admin_units d ON d.id = c.parent_id AND d.kind = 'district'
  LEFT JOIN occ ON occ.worker_id = w.id
  LEFT JOIN trained ON trained.worker_id = w.id
  LEFT JOIN open_refs ON open_refs.worker_id = w.id
  WHERE w.archived_at IS NULL
)
SELECT worker_id, commune_id, district_id, birth_date, eligible, willing_overseas, relocate,
       target, minority, disabled, occupations, trained, open_referrals,
       to_tsvector('ketnoi_vi', profile) ||
       array_to_tsvector(
         ARRAY['c' || ltrim(commune_code, '0'), 'd' || ltrim(coalesce(district_code, ''), '0')]
         || (SELECT coalesce(array_agg('o' || x) || array_agg('g' || left(x, 2)), '{}') FROM unnest(occupations) x)
         || (SELECT coalesce(array_agg('t' || x), '{}') FROM unnest(trained) x)
         || CASE WHEN relocate THEN ARRAY['r'] ELSE '{}' END
         || CASE WHEN target THEN ARRAY['ptarget'] ELSE '{}' END
         || CASE WHEN minority THEN ARRAY['pminority'] ELSE '{}' END
         || CASE WHEN disabled THEN ARRAY['pdisabled'] ELSE '{}' END
       ) AS tsv
FROM base;
ALTER TABLE bench_match_fts ADD PRIMARY KEY (worker_id);
CREATE INDEX bench_match_fts_tsv ON bench_match_fts USING gin (tsv) WHERE eligible;
ANALYZE bench_match_fts;
"#;

    /// Same hard filters, same score formula; `ts_rank` (scaled) stands in for BM25.
    const QUERY: &str = r#"
WITH words AS (
  SELECT to_tsquery('simple', $6) AS q,
         ts_rank(to_tsvector('simple', $10), to_tsquery('simple', $6)) AS ideal
)
SELECT f.worker_id AS id FROM bench_match_fts f, words
WHERE f.eligible AND f.tsv @@ to_tsquery('simple', $1)
  AND f.birth_date BETWEEN $2 AND $3
  AND (NOT $4 OR f.willing_overseas)
  AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.vacancy_id = $5 AND r.worker_id = f.worker_id)
ORDER BY
    0.30 * coalesce(least(1.0, ts_rank(f.tsv, words.q) / nullif(words.ideal, 0)), 0)
  + 0.25 * CASE WHEN $7 = ANY(f.occupations) THEN 1.0
                WHEN EXISTS (SELECT 1 FROM unnest(f.occupations) x WHERE left(x, 2) = left($7, 2)) THEN 0.5
                ELSE 0 END
  + 0.15 * CASE WHEN $4 THEN 0.5 WHEN f.commune_id = $8 THEN 1.0 WHEN f.district_id = $9 THEN 0.6
                WHEN f.relocate THEN 0.4 ELSE 0.2 END
  + 0.10 * CASE WHEN $7 = ANY(f.trained) THEN 1.0
                WHEN EXISTS (SELECT 1 FROM unnest(f.trained) x WHERE left(x, 2) = left($7, 2)) THEN 0.5
                ELSE 0 END
  + 0.20 * (0.7 * f.target::int + 0.15 * f.minority::int + 0.15 * f.disabled::int)
  - 0.15 * least(f.open_referrals, 4) / 4.0
  DESC, f.worker_id
LIMIT 20
"#;

    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }

    pub fn run(
        url: &str,
        options: &MatchBench,
        sample: &[String],
        reference: &Reference,
        _weights: &Weights,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<(EngineLine, Vec<Vec<String>>)> {
        let parsed = DatabaseUrl::parse(url)?;
        let mut settings = Settings::new(parsed, std::env::temp_dir());
        settings.pool_size = 1;
        let mut connection = startup::open_and_migrate(&settings)?;
        let n_workers = ensure_demo(&mut connection, options.workers, "postgres")?;
        let DbConn::Pg(pg) = &mut connection else {
            anyhow::bail!("--postgres needs a postgres:// URL");
        };
        let indexed: i64 = diesel::sql_query(
            "SELECT count(*)::text AS id FROM pg_tables WHERE tablename = 'bench_match_fts'",
        )
        .get_result::<Id>(pg)?
        .id
        .parse()
        .unwrap_or(0);
        let rows: i64 = if indexed > 0 {
            diesel::sql_query("SELECT count(*)::text AS id FROM bench_match_fts")
                .get_result::<Id>(pg)?
                .id
                .parse()
                .unwrap_or(0)
        } else {
            -1
        };
        if rows != n_workers {
            eprintln!("postgres: building the full-text table and GIN index");
            let begun = Instant::now();
            diesel::connection::SimpleConnection::batch_execute(pg, SETUP)
                .context("setting up PostgreSQL full-text search")?;
            eprintln!(
                "postgres: full-text table built in {:.1} s",
                begun.elapsed().as_secs_f64()
            );
        }
        let mut run_once = |record: bool| -> anyhow::Result<(Vec<Duration>, Vec<Vec<String>>)> {
            let mut times = Vec::with_capacity(sample.len());
            let mut results = Vec::with_capacity(sample.len());
            for vacancy_id in sample
                .iter()
                .take(if record { sample.len() } else { WARM_UP })
            {
                let begun = Instant::now();
                let parts = service::vacancy_probe_parts(&mut connection, reference, vacancy_id);
                let (facts, text) = parts.map_err(|error| anyhow::anyhow!("{error}"))?;
                let mut words = analysis::terms(&text, true);
                words.sort();
                words.dedup();
                let word_query = words.join(" | ");
                let word_text = words.join(" ");
                let mut tokens: Vec<String> = words;
                let occupation = format!("{:04}", facts.occupation);
                tokens.push(format!("o{occupation}"));
                tokens.push(format!("g{}", &occupation[..2]));
                tokens.push(format!("t{occupation}"));
                // The text-search parser splits on `_`: PostgreSQL's codes go without it.
                tokens.extend(["ptarget", "pminority", "pdisabled"].map(str::to_owned));
                if !facts.overseas {
                    tokens.push(format!("c{}", facts.commune));
                    tokens.push(format!("d{}", facts.district));
                    tokens.push("r".to_owned());
                }
                let any = tokens.join(" | ");
                let (earliest, latest) = birth_window(today, facts.min_age, facts.max_age);
                let day = |days: i64| {
                    chrono::NaiveDate::default()
                        .checked_add_signed(chrono::Duration::days(days.clamp(-100_000, 100_000)))
                        .unwrap_or_default()
                };
                use crate::db::schema::admin_units;
                let commune_id: Option<String> = vacancies::table
                    .find(vacancy_id)
                    .select(vacancies::commune_id)
                    .first(&mut connection)?;
                let district_id: Option<String> = match &commune_id {
                    Some(commune) => admin_units::table
                        .find(commune)
                        .select(admin_units::parent_id)
                        .first(&mut connection)?,
                    None => None,
                };
                let DbConn::Pg(pg) = &mut connection else {
                    anyhow::bail!("--postgres needs a postgres:// URL");
                };
                let found: Vec<Id> = diesel::sql_query(QUERY)
                    .bind::<Text, _>(&any)
                    .bind::<Date, _>(day(earliest))
                    .bind::<Date, _>(day(latest))
                    .bind::<Bool, _>(facts.overseas)
                    .bind::<Text, _>(vacancy_id)
                    .bind::<Text, _>(&word_query)
                    .bind::<Text, _>(&occupation)
                    .bind::<Text, _>(commune_id.unwrap_or_default())
                    .bind::<Text, _>(district_id.unwrap_or_default())
                    .bind::<Text, _>(&word_text)
                    .load(pg)?;
                times.push(begun.elapsed());
                if record {
                    results.push(found.into_iter().map(|row| row.id).collect());
                }
            }
            Ok((times, results))
        };
        run_once(false)?;
        let (times, results) = run_once(true)?;
        Ok((line("postgres_fts", n_workers, times), results))
    }
}
