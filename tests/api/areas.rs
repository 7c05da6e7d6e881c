//! Difficult areas and the plan's area condition, in a small known world: an administrator
//! flags a commune on `/admin/areas`; the share "ở vùng nghèo, vùng khó khăn" counts only the
//! target-household hires made there, beside the share without the condition; the workers
//! living there are counted trained and certified; clearing the flag changes the rates but
//! not the area a hire was made in.

use serde_json::{Value, json};

use crate::helpers::{Link, TestResult, spawn_app, tea_course, test_dbs};
use crate::pages::Visitor;
use crate::progress::{Person, figure, hire, household, id, vacancy, worker};

/// `(numerator, denominator, has_target)` of a figure.
fn counts(progress: &Value, key: &str) -> (Option<i64>, Option<i64>, Option<bool>) {
    let figure = figure(progress, key);
    (
        figure["numerator"].as_i64(),
        figure["denominator"].as_i64(),
        figure["has_target"].as_bool(),
    )
}

#[test]
fn the_share_in_poor_or_difficult_areas_counts_hires_made_there() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let admin = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let flags = |code: &str| -> Result<Vec<bool>, Box<dyn std::error::Error>> {
            let units = app.get("/api/v1/admin-units", None)?;
            Ok(units
                .body
                .as_array()
                .ok_or("units")?
                .iter()
                .filter(|unit| unit["code"] == code)
                .map(|unit| unit["difficult_area"] == true)
                .collect())
        };

        // Only an administrator opens the page; a code that names nothing is shown beside the
        // field and nothing is written.
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        assert_eq!(officer.get("/admin/areas")?.status, 403, "{backend}");
        let mut visitor = Visitor::new(&app)?;
        visitor.sign_in("quantri@example.vn")?;
        let page = visitor.get("/admin/areas")?;
        assert_eq!(page.status, 200, "{backend}");
        assert!(page.html.contains("Vùng khó khăn"), "{}", page.html);
        let refused = visitor.post(
            "/admin/areas",
            &[
                ("codes", "03649 99999"),
                ("flag", "difficult_area"),
                ("action", "set"),
            ],
        )?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused.html.contains("99999") && refused.html.contains("id=\"codes-error\""),
            "{}",
            refused.html
        );
        assert!(!flags("03649")?.contains(&true), "{backend}");
        let flagged = visitor.post(
            "/admin/areas",
            &[
                ("codes", "03649"),
                ("flag", "difficult_area"),
                ("action", "set"),
            ],
        )?;
        assert_eq!(
            (flagged.status, flagged.location.as_str()),
            (303, "/admin/areas")
        );
        let both = flags("03649")?;
        assert!(
            !both.is_empty() && both.iter().all(|flag| *flag),
            "{both:?}"
        );
        assert!(visitor.get("/admin/areas")?.html.contains("03649"));

        // A and C live in the difficult commune, B elsewhere; A and B are of poor households.
        let poor_here = household(&app, &staff, "KK-01", "03649", "poor")?;
        let poor_there = household(&app, &staff, "KK-02", "03646", "poor")?;
        let person = |n, commune, household| Person {
            n,
            commune,
            household,
            gender: "female",
            ethnicity: "03",
            overseas: false,
        };
        let a = worker(&app, &staff, person(51, "03649", Some(&poor_here)))?;
        let b = worker(&app, &staff, person(52, "03646", Some(&poor_there)))?;
        let c = worker(&app, &staff, person(53, "03649", None))?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({"name": "Hợp tác xã Chè Tà Xùa", "tax_code": "5500999222",
                    "kind": "cooperative", "contact_name": "Lò Thị Ỏn"}),
            )?,
            "employer",
        )?;
        app.search.sync()?;
        for hired in [&a, &b, &c] {
            let opening = vacancy(&app, &staff, &employer, None)?;
            hire(&app, &staff, &opening, hired, "2026-08-03")?;
        }

        // Trained and certified: A holds a certificate, C has none.
        let course = tea_course(&app, &staff, 10)?;
        let enrolment = id(
            &app.post(
                &format!("/api/v1/courses/{course}/enrollments"),
                Some(&staff),
                &json!({"worker_id": a}),
            )?,
            "enrolment",
        )?;
        for change in [
            json!({"status": "enrolled"}),
            json!({"status": "attending"}),
            json!({"status": "completed", "completed_on": "2026-10-02"}),
            json!({"status": "certified", "certificate_no": "CC-2026-0042"}),
        ] {
            let done = app.patch(
                &format!("/api/v1/enrollments/{enrolment}"),
                Some(&staff),
                &change,
            )?;
            assert_eq!(done.status, 200, "{backend}: {change}: {}", done.body);
        }

        let progress = app.get("/api/v1/progress?period=2026-2030", Some(&admin))?;
        assert_eq!(progress.status, 200, "{}", progress.body);
        let progress = progress.body;
        // Without the condition: A and B of three; with it: A only.
        assert_eq!(
            counts(&progress, "connected_target_share"),
            (Some(2), Some(3), Some(false)),
            "{backend}"
        );
        assert_eq!(
            counts(&progress, "connected_target_share_area"),
            (Some(1), Some(3), Some(false)),
            "{backend}"
        );
        assert_eq!(
            figure(&progress, "connected_target_share_area")["actual"].as_f64(),
            Some(33.33)
        );
        // Workers living in the area: A and C; A trained and certified.
        assert_eq!(
            counts(&progress, "area_workers_trained"),
            (Some(1), Some(2), Some(false)),
            "{backend}"
        );
        assert_eq!(
            counts(&progress, "area_workers_certified"),
            (Some(1), Some(2), Some(false))
        );
        let records = app.get(
            "/api/v1/progress/records?period=2026-2030&key=connected_target_share_area",
            Some(&admin),
        )?;
        assert_eq!(records.status, 200, "{}", records.body);
        assert_eq!(records.body["total"], 1, "{}", records.body);
        assert_eq!(records.body["records"][0]["id"], a.as_str());
        let trained = app.get(
            "/api/v1/progress/records?period=2026-2030&key=area_workers_certified",
            Some(&admin),
        )?;
        assert_eq!(trained.body["total"], 1, "{}", trained.body);
        // The plan's wording is 2021–2025's target: shown with it, beside the plain share.
        let old = app.get("/api/v1/progress?period=2021-2025", Some(&admin))?;
        let worded = figure(&old.body, "connected_target_share_area");
        assert_eq!(
            (worded["target"].as_f64(), worded["has_target"].as_bool()),
            (Some(50.0), Some(true)),
            "{}",
            old.body
        );

        // Clearing the flag: nobody lives in an area any more, but A was hired in one.
        let cleared = visitor.post(
            "/admin/areas",
            &[
                ("codes", "03649"),
                ("flag", "difficult_area"),
                ("action", "clear"),
            ],
        )?;
        assert_eq!(cleared.status, 303, "{backend}");
        let progress = app
            .get("/api/v1/progress?period=2026-2030", Some(&admin))?
            .body;
        assert_eq!(
            counts(&progress, "area_workers_trained").1,
            Some(0),
            "{backend}"
        );
        assert_eq!(
            counts(&progress, "connected_target_share_area").0,
            Some(1),
            "{backend}"
        );
    }
    Ok(())
}

/// The migration that added the area facts emptied `progress_facts`: the next start counts every
/// record again, and the figures are those a live count gave.
#[test]
fn facts_emptied_by_a_migration_are_counted_again_at_start() -> TestResult {
    use diesel::prelude::*;
    use ketnoi::db::schema::{progress_counts, progress_facts};
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let admin = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let poor = household(&app, &staff, "KK-11", "03649", "poor")?;
        let member = worker(
            &app,
            &staff,
            Person {
                n: 61,
                commune: "03649",
                household: Some(&poor),
                gender: "male",
                ethnicity: "03",
                overseas: false,
            },
        )?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({"name": "Công ty May Sơn La", "tax_code": "5500999333",
                    "kind": "company", "contact_name": "Hà Văn Thắm"}),
            )?,
            "employer",
        )?;
        app.search.sync()?;
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &member,
            "2026-09-01",
        )?;
        let before = app
            .get("/api/v1/progress?period=2026-2030", Some(&admin))?
            .body["targets"]
            .clone();

        let mut connection = app.db.migrated()?;
        diesel::delete(progress_counts::table).execute(&mut connection)?;
        diesel::delete(progress_facts::table).execute(&mut connection)?;
        drop(ketnoi::startup::open_and_migrate(&app.db.settings())?);
        let facts: i64 = progress_facts::table.count().get_result(&mut connection)?;
        assert!(facts > 0, "{backend}: nothing counted at start");
        let after = app
            .get("/api/v1/progress?period=2026-2030", Some(&admin))?
            .body["targets"]
            .clone();
        assert_eq!(after, before, "{backend}");
        assert_eq!(
            figure(&json!({"targets": after}), "connected_target_share")["numerator"],
            1
        );
    }
    Ok(())
}
