//! The demo generator: reproducible from its seed, and true to the rules it illustrates.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ketnoi::db::DbConn;
use ketnoi::db::schema::{
    enrollments, follow_ups, household_deprivations, households, placements, poverty_standards,
    referrals, service_records, users, vacancies, workers,
};
use ketnoi::demo::{self, DemoOptions};
use ketnoi::domain::poverty::{HouseholdAssessment, PovertyStandard, classify};

use crate::helpers::{TestResult, postgres_db, sqlite_db, test_dbs};

fn options(workers: u64, seed: u64) -> DemoOptions {
    DemoOptions {
        workers,
        seed,
        show_progress: false,
    }
}

type WorkerRow = (
    String,
    Option<String>,
    String,
    NaiveDate,
    String,
    Option<String>,
    String,
    String,
);
type PlacementRow = (
    String,
    String,
    Option<String>,
    NaiveDate,
    Option<String>,
    bool,
    String,
);

/// Everything a run wrote that a seed decides, row by row.
#[derive(Debug, PartialEq)]
struct Snapshot {
    households: Vec<(String, String, String, i64, String)>,
    workers: Vec<WorkerRow>,
    vacancies: Vec<(String, String, i32, String, NaiveDate)>,
    referrals: Vec<(String, String, String, NaiveDateTime)>,
    placements: Vec<PlacementRow>,
    follow_ups: Vec<(String, String, NaiveDate, String)>,
    enrollments: Vec<(String, String, String)>,
    service_records: Vec<(String, String, NaiveDate)>,
    users: Vec<(String, String, String)>,
}

fn snapshot(connection: &mut DbConn) -> QueryResult<Snapshot> {
    Ok(Snapshot {
        households: households::table
            .order(households::id)
            .select((
                households::id,
                households::code,
                households::head_name,
                households::income_per_person_vnd,
                households::status,
            ))
            .load(connection)?,
        workers: workers::table
            .order(workers::id)
            .select((
                workers::id,
                workers::national_id,
                workers::full_name,
                workers::birth_date,
                workers::commune_id,
                workers::household_id,
                workers::skills,
                workers::availability,
            ))
            .load(connection)?,
        vacancies: vacancies::table
            .order(vacancies::id)
            .select((
                vacancies::id,
                vacancies::title,
                vacancies::positions,
                vacancies::status,
                vacancies::posted_on,
            ))
            .load(connection)?,
        referrals: referrals::table
            .order(referrals::id)
            .select((
                referrals::id,
                referrals::worker_id,
                referrals::status,
                referrals::created_at,
            ))
            .load(connection)?,
        placements: placements::table
            .order(placements::id)
            .select((
                placements::id,
                placements::worker_id,
                placements::vacancy_id,
                placements::start_date,
                placements::household_status_snapshot,
                placements::poor_area_snapshot,
                placements::status,
            ))
            .load(connection)?,
        follow_ups: follow_ups::table
            .order(follow_ups::id)
            .select((
                follow_ups::id,
                follow_ups::placement_id,
                follow_ups::due_on,
                follow_ups::outcome,
            ))
            .load(connection)?,
        enrollments: enrollments::table
            .order(enrollments::id)
            .select((enrollments::id, enrollments::worker_id, enrollments::status))
            .load(connection)?,
        service_records: service_records::table
            .order(service_records::id)
            .select((
                service_records::id,
                service_records::kind,
                service_records::provided_on,
            ))
            .load(connection)?,
        users: users::table
            .order(users::id)
            .select((users::id, users::email, users::password_hash))
            .load(connection)?,
    })
}

#[test]
fn the_same_seed_gives_the_same_province() -> TestResult {
    let mut snapshots = Vec::new();
    for seed in [11, 11, 12] {
        let db = sqlite_db();
        let mut connection = db.migrated()?;
        demo::generate(&mut connection, options(600, seed))?;
        snapshots.push(snapshot(&mut connection)?);
    }
    assert!(!snapshots[0].workers.is_empty());
    assert_eq!(snapshots[0], snapshots[1], "two runs with seed 11 differ");
    assert_ne!(
        snapshots[0].workers, snapshots[2].workers,
        "seeds 11 and 12 gave the same workers"
    );
    Ok(())
}

#[test]
fn postgres_and_sqlite_get_the_same_demo() -> TestResult {
    let Some(postgres) = postgres_db() else {
        return Ok(());
    };
    let sqlite = sqlite_db();
    let mut on_sqlite = sqlite.migrated()?;
    let mut on_postgres = postgres.migrated()?;
    demo::generate(&mut on_sqlite, options(400, 5))?;
    demo::generate(&mut on_postgres, options(400, 5))?;
    assert_eq!(snapshot(&mut on_sqlite)?, snapshot(&mut on_postgres)?);
    Ok(())
}

#[test]
fn demo_data_keeps_the_rules_it_illustrates() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let mut connection = db.migrated()?;
        let summary = demo::generate(&mut connection, options(1_500, 3))?;
        assert_eq!(summary.workers, 1_500, "{backend}");
        assert!(
            summary.placements > 0 && summary.follow_ups > 0 && summary.enrollments > 0,
            "{backend}: {summary:?}"
        );

        // Every household's status is the one the standard derives from its review.
        let (rural, urban, minimum): (i64, i64, i32) = poverty_standards::table
            .find("2022-2025")
            .select((
                poverty_standards::rural_income_line_vnd,
                poverty_standards::urban_income_line_vnd,
                poverty_standards::poor_min_deprivations,
            ))
            .first(&mut connection)?;
        let standard = PovertyStandard {
            rural_income_line_vnd: rural,
            urban_income_line_vnd: urban,
            poor_min_deprivations: minimum as u32,
        };
        let lacking: HashMap<String, i64> = household_deprivations::table
            .group_by(household_deprivations::household_id)
            .select((
                household_deprivations::household_id,
                diesel::dsl::count_star(),
            ))
            .load::<(String, i64)>(&mut connection)?
            .into_iter()
            .collect();
        let reviewed: Vec<(String, i64, bool, Option<String>, String)> = households::table
            .select((
                households::id,
                households::income_per_person_vnd,
                households::urban,
                households::previous_status,
                households::status,
            ))
            .load(&mut connection)?;
        let mut statuses = HashMap::new();
        for (id, income, urban, previous, status) in reviewed {
            let derived = classify(
                HouseholdAssessment {
                    income_per_person_vnd: income,
                    urban,
                    deprivation_count: lacking.get(&id).copied().unwrap_or(0) as u32,
                    previous_status: previous.map(|text| text.parse()).transpose()?,
                },
                &standard,
            );
            assert_eq!(derived.as_str(), status, "{backend}: household {id}");
            *statuses.entry(status).or_insert(0) += 1;
        }
        for status in ["poor", "near_poor", "newly_escaped", "not_poor"] {
            assert!(
                statuses.get(status).copied().unwrap_or(0) > 0,
                "{backend}: no {status} household"
            );
        }

        // No vacancy has more standing hires than positions.
        let positions: HashMap<String, i32> = vacancies::table
            .select((vacancies::id, vacancies::positions))
            .load(&mut connection)?
            .into_iter()
            .collect();
        let hires: Vec<(String, i64)> = placements::table
            .filter(placements::status.eq("active"))
            .filter(placements::kind.eq("wage_job"))
            .group_by(placements::vacancy_id)
            .select((
                placements::vacancy_id.assume_not_null(),
                diesel::dsl::count_star(),
            ))
            .load(&mut connection)?;
        for (vacancy_id, count) in hires {
            assert!(
                count <= i64::from(positions[&vacancy_id]),
                "{backend}: vacancy {vacancy_id} over-filled"
            );
        }

        // Thái is the largest group, as in the province.
        let by_ethnicity: Vec<(String, i64)> = workers::table
            .group_by(workers::ethnicity_code)
            .select((workers::ethnicity_code, diesel::dsl::count_star()))
            .order(diesel::dsl::count_star().desc())
            .load(&mut connection)?;
        assert_eq!(by_ethnicity[0].0, "03", "{backend}: {by_ethnicity:?}");
    }
    Ok(())
}

#[test]
fn the_demo_refuses_a_database_that_has_workers() -> TestResult {
    let db = sqlite_db();
    let mut connection = db.migrated()?;
    demo::generate(&mut connection, options(50, 1))?;
    let error = demo::generate(&mut connection, options(50, 1)).unwrap_err();
    assert!(
        error.to_string().contains("already holds 50 workers"),
        "{error}"
    );
    Ok(())
}
