//! `ketnoi demo`: a realistic, reproducible province — households reviewed under the poverty
//! standard, workers with Sơn La's ethnic mix, employers at home and abroad, courses, and five
//! years of referrals, hires and follow-ups — so every dashboard has real shape.
//!
//! The same seed and size always give the same rows, ids included: every value comes from one
//! seeded ChaCha stream, and the demo's "today" is fixed ([`AS_OF`]), not the clock.

mod activities;
mod catalog;
mod context;
pub mod people;
mod population;
mod supply;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::db::DbConn;
use crate::db::ids;
use crate::db::schema::{admin_units, users, vacancies, workers};
use crate::models::users::NewUser;

pub use population::BATCH_WORKERS;

/// Workers in the default demo: the province's scale. The plan counts 100,000 connections
/// over five years; with this many registered workers the demo lands somewhat short of it,
/// as a real dashboard mid-programme would.
pub const DEFAULT_WORKERS: u64 = 120_000;

/// The demo world's "today": records dated after it do not exist, follow-ups due before it
/// have been recorded.
pub const AS_OF: NaiveDate = date(2026, 11, 1);
/// The programme period the placements fall in.
pub const PERIOD_START: NaiveDate = date(2021, 1, 4);
/// From this day records are entered with the communes of the 2025 reform.
pub const REFORM_DATE: NaiveDate = date(2025, 7, 1);

/// Districts the demo marks as poor areas when no administrator has set any. Illustrative
/// only: the official list (Decision 353/QĐ-TTg) is not in the reference data, and a real
/// deployment sets its own with `ketnoi area set-poor`.
pub const DEMO_POOR_DISTRICTS: &[&str] = &["119", "120", "126", "127", "128"];

pub const DEMO_ADMIN_EMAIL: &str = "admin@ketnoi.demo";
pub const DEMO_STAFF_EMAIL: &str = "canbo@ketnoi.demo";
pub const DEMO_EMPLOYER_EMAIL: &str = "tuyendung@ketnoi.demo";
/// The password of every demo account. Demo databases are for looking around, not for people's data.
pub const DEMO_PASSWORD: &str = "ketnoi-demo";

pub const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => NaiveDate::MIN,
    }
}

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub workers: u64,
    pub seed: u64,
    pub show_progress: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already holds {0} workers: demo data goes only into an empty registry")]
    NotEmpty(i64),
    #[error("reference data is missing ({0}): run `ketnoi migrate` first")]
    MissingReference(&'static str),
    #[error("reference data: {0}")]
    Reference(String),
    #[error("cannot hash the demo password: {0}")]
    Password(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// What a demo run wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    pub households: u64,
    pub workers: u64,
    pub employers: u64,
    pub vacancies: u64,
    pub courses: u64,
    pub enrollments: u64,
    pub referrals: u64,
    pub placements: u64,
    pub follow_ups: u64,
    pub service_records: u64,
}

/// The one source of randomness of a demo run.
pub struct DemoRng {
    generator: ChaCha8Rng,
    ids_issued: u64,
}

/// 2021-01-01T00:00:00Z, the start of the programme period: the time part of demo ids.
const ID_EPOCH_MILLIS: u64 = 1_609_459_200_000;

impl DemoRng {
    pub fn new(seed: u64) -> Self {
        DemoRng {
            generator: ChaCha8Rng::seed_from_u64(seed),
            ids_issued: 0,
        }
    }

    /// Uniform in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.generator.random_range(0..bound)
        }
    }

    pub fn index(&mut self, len: usize) -> usize {
        if len == 0 {
            0
        } else {
            self.generator.random_range(0..len)
        }
    }

    /// Uniform in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            low
        } else {
            self.generator.random_range(low..=high)
        }
    }

    pub fn unit(&mut self) -> f64 {
        self.generator.random::<f64>()
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// An index drawn with the given relative weights.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        match WeightedIndex::new(weights) {
            Ok(distribution) => distribution.sample(&mut self.generator),
            Err(_) => 0,
        }
    }

    pub fn sample(&mut self, distribution: &WeightedIndex<f64>) -> usize {
        distribution.sample(&mut self.generator)
    }

    pub fn date_between(&mut self, first: NaiveDate, last: NaiveDate) -> NaiveDate {
        let span = (last - first).num_days().max(0);
        first + Days::new(self.between(0, span) as u64)
    }

    /// The next reproducible UUID v7. Ids ascend in the order rows are generated (one
    /// millisecond apart from [`ID_EPOCH_MILLIS`]), not in the order of their `created_at`:
    /// ascending keys append to the end of each primary-key B-tree, which keeps a
    /// million-worker load fast; random-order keys would scatter writes across the index.
    pub fn next_id(&mut self) -> String {
        self.ids_issued += 1;
        let mut bytes = [0_u8; 10];
        self.generator.fill(&mut bytes);
        ids::id_from_millis(ID_EPOCH_MILLIS + self.ids_issued, bytes)
    }
}

/// A working-hours moment on `day`, for created-at stamps (UTC).
pub fn at_time(day: NaiveDate, rng: &mut DemoRng) -> NaiveDateTime {
    let seconds = rng.between(0, 9 * 3600) as u32;
    let time =
        NaiveTime::from_num_seconds_from_midnight_opt(1800 + seconds, 0).unwrap_or(NaiveTime::MIN);
    day.and_time(time)
}

/// How much of each kind the run makes, derived from the number of workers.
pub struct Plan {
    pub workers: u64,
    pub domestic_vacancies: u32,
    pub overseas_vacancies: u32,
    pub courses: u32,
}

impl Plan {
    fn for_workers(workers: u64) -> Plan {
        // About 0.8 hires per worker over the period; positions average ~25 at home and ~8
        // abroad; leave a fifth of positions unfilled so late workers still find places.
        let hires = workers as f64 * 0.8;
        let overseas_hires = workers as f64 * population::OVERSEAS_HIRE_SHARE;
        Plan {
            workers,
            domestic_vacancies: ((hires * 1.25 / 25.0).ceil() as u32).max(3),
            overseas_vacancies: ((overseas_hires * 1.5 / 8.0).ceil() as u32).max(1),
            courses: ((workers / 90) as u32).max(3),
        }
    }
}

/// Fills an empty registry with a demo province.
pub fn generate(connection: &mut DbConn, options: DemoOptions) -> Result<DemoSummary, DemoError> {
    let existing: i64 = workers::table.count().get_result(connection)?;
    if existing > 0 {
        return Err(DemoError::NotEmpty(existing));
    }
    mark_demo_poor_areas(connection)?;
    let context = context::Context::load(connection)?;
    let mut rng = DemoRng::new(options.seed);
    let plan = Plan::for_workers(options.workers);

    let staff_user_id = create_demo_users(connection, &mut rng)?;
    let mut supply = supply::Supply::generate(connection, &context, &plan, &mut rng)?;
    let employer_user_employer = supply
        .vacancies
        .first()
        .map(|slot| slot.employer_id.clone());
    if let Some(employer_id) = employer_user_employer {
        create_employer_user(connection, &mut rng, employer_id)?;
    }

    let progress = if options.show_progress {
        let bar = ProgressBar::new(options.workers);
        bar.set_style(
            ProgressStyle::with_template("{spinner} demo [{elapsed_precise}] {wide_bar} {pos}/{len} workers ({per_sec}, {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut summary = DemoSummary {
        employers: supply.employers as u64,
        vacancies: supply.vacancies.len() as u64,
        courses: supply.courses.len() as u64,
        ..DemoSummary::default()
    };
    let mut generator = population::Population::new(
        &context,
        &mut supply,
        &mut rng,
        staff_user_id.clone(),
        options.seed,
    );
    generator.generate(connection, options.workers, &mut summary, &progress)?;
    progress.finish_and_clear();
    activities::Activities::new(&context, &staff_user_id, options.seed).generate(
        connection,
        &supply,
        options.workers,
        &mut summary,
    )?;

    // Vacancies whose positions were all taken are filled; those past their deadline closed.
    let filled = supply.filled_vacancy_ids();
    connection.write_transaction(|connection| {
        for chunk in filled.chunks(500) {
            diesel::update(vacancies::table.filter(vacancies::id.eq_any(chunk)))
                .set(vacancies::status.eq("filled"))
                .execute(connection)?;
        }
        diesel::update(
            vacancies::table
                .filter(vacancies::status.eq("open"))
                .filter(vacancies::deadline.lt(AS_OF)),
        )
        .set(vacancies::status.eq("closed"))
        .execute(connection)
    })?;
    illustrative_targets(connection)?;
    // The generated history bypasses the write paths that keep the progress facts: derive them.
    crate::progress::facts::rebuild(connection, &mut |_| {})?;
    Ok(summary)
}

/// The label of the demo's 2026–2030 job targets, shown beside each on screen.
pub const ILLUSTRATIVE: &str = "Minh họa (dữ liệu mẫu, không phải chỉ tiêu của tỉnh) / Illustrative (demo data, not the province's quota)";

/// Sơn La's own 2026–2030 quotas are not published in Ketnoi's reference data: the demo shows
/// the 2021–2025 plan's six targets again for 2026–2030, labelled as illustrative, where an
/// administrator has set none.
fn illustrative_targets(connection: &mut DbConn) -> QueryResult<()> {
    use crate::models::programme::{self, Target};
    if programme::period(connection, "2026-2030")?.is_none() {
        return Ok(());
    }
    let set: Vec<String> = programme::targets(connection, "2026-2030")?
        .into_iter()
        .map(|target| target.key)
        .collect();
    for target in programme::targets(connection, "2021-2025")? {
        if set.contains(&target.key) || !target.unit_code.is_empty() {
            continue;
        }
        programme::set_target(
            connection,
            &Target {
                period_code: "2026-2030".to_owned(),
                source: ILLUSTRATIVE.to_owned(),
                ..target
            },
        )?;
    }
    Ok(())
}

/// Flags the demo's poor districts, unless an administrator has flagged any unit already.
fn mark_demo_poor_areas(connection: &mut DbConn) -> QueryResult<()> {
    let flagged: i64 = admin_units::table
        .filter(admin_units::poor_area.eq(true))
        .count()
        .get_result(connection)?;
    if flagged > 0 {
        return Ok(());
    }
    let generation = crate::db::reference::PROGRAMME_UNITS_FROM.0;
    let ids: Vec<String> = DEMO_POOR_DISTRICTS
        .iter()
        .map(|code| crate::db::reference::unit_id(code, generation))
        .collect();
    diesel::update(admin_units::table.filter(admin_units::id.eq_any(&ids)))
        .set(admin_units::poor_area.eq(true))
        .execute(connection)?;
    Ok(())
}

fn demo_user(rng: &mut DemoRng, email: &str, role: &str) -> Result<NewUser, DemoError> {
    let mut salt = [0_u8; 16];
    salt[..10].copy_from_slice(&{
        let mut bytes = [0_u8; 10];
        rng.generator.fill(&mut bytes);
        bytes
    });
    let created_at = at_time(date(2021, 1, 4), rng);
    Ok(NewUser {
        id: rng.next_id(),
        email: email.to_owned(),
        password_hash: crate::accounts::password::hash_password_with_salt(DEMO_PASSWORD, &salt)
            .map_err(|error| DemoError::Password(error.to_string()))?,
        role: role.to_owned(),
        employer_id: None,
        worker_id: None,
        area_id: None,
        language: "vi".to_owned(),
        active: true,
        created_at,
        updated_at: created_at,
    })
}

/// The demo's administrator and job-centre officer; returns the officer's id, who made
/// every generated referral.
fn create_demo_users(connection: &mut DbConn, rng: &mut DemoRng) -> Result<String, DemoError> {
    let admin = demo_user(rng, DEMO_ADMIN_EMAIL, "admin")?;
    let staff = demo_user(rng, DEMO_STAFF_EMAIL, "staff")?;
    let staff_id = staff.id.clone();
    crate::insert_rows!(connection, users::table, &vec![admin, staff])?;
    Ok(staff_id)
}

fn create_employer_user(
    connection: &mut DbConn,
    rng: &mut DemoRng,
    employer_id: String,
) -> Result<(), DemoError> {
    let mut user = demo_user(rng, DEMO_EMPLOYER_EMAIL, "employer")?;
    user.employer_id = Some(employer_id);
    crate::insert_rows!(connection, users::table, &user)?;
    Ok(())
}

pub(crate) fn days_after(day: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        day + Days::new(days as u64)
    } else {
        day - Days::new(days.unsigned_abs())
    }
}
