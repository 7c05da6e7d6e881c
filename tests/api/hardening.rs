//! What an attacker or an unlucky operator tries: concurrent writers, text that must not enter,
//! spreadsheet formulas in exports, values out of bounds, overbooking. Each case here failed
//! once. Hostile uploads are in `uploads.rs`, the walls between roles in `walls.rs`, guessing in
//! `guessing.rs`.

use crate::helpers::{Link, TestResult, client, spawn_app, tea_course, test_dbs, worker_body};
use crate::walls::employer_with_vacancy;

#[test]
fn concurrent_writers_wait_their_turn_and_every_create_lands() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = std::sync::Arc::new(spawn_app(db)?);
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let clients = 16;
        let per_client = 6;
        let handles: Vec<_> = (0..clients)
            .map(|client| {
                let app = app.clone();
                let token = token.clone();
                std::thread::spawn(move || -> Vec<(u16, String)> {
                    (0..per_client)
                        .map(|index| {
                            let national_id = format!("0141950{:03}{:02}", client, index);
                            let answer = app.post(
                                "/api/v1/workers",
                                Some(&token),
                                &worker_body(&national_id, "03646"),
                            );
                            match answer {
                                Ok(answer) => (answer.status, answer.body.to_string()),
                                Err(error) => (0, error.to_string()),
                            }
                        })
                        .collect()
                })
            })
            .collect();
        let mut answers = Vec::new();
        for handle in handles {
            answers.extend(handle.join().map_err(|_| "client thread panicked")?);
        }
        let failed: Vec<_> = answers
            .iter()
            .filter(|(status, _)| *status != 201)
            .collect();
        assert!(
            failed.is_empty(),
            "{backend}: {} creates failed, the first: {:?}",
            failed.len(),
            failed.first()
        );
        let mut connection = app.db.migrated()?;
        use diesel::prelude::*;
        let stored: i64 = ketnoi::db::schema::workers::table
            .count()
            .get_result(&mut connection)?;
        assert_eq!(stored, (clients * per_client) as i64, "{backend}");
    }
    Ok(())
}

// ---- text that must not enter ------------------------------------------------------------

#[test]
fn nul_controls_and_direction_overrides_are_refused_wherever_text_enters() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        // Anonymous, in a query: a 422 naming the parameter, not a 500 from PostgreSQL.
        let search = app.get("/api/v1/courses?q=%00", None)?;
        assert_eq!(search.status, 422, "{backend}: {:?}", search.body);
        assert_eq!(
            search.field_errors(),
            [("q".to_owned(), "control_character".to_owned())]
        );
        assert_eq!(
            app.get("/api/v1/workers/%00", Some(&staff))?.status,
            404,
            "{backend}"
        );
        // A browser asking for a page gets a page.
        let page = client()
            .get(app.url("/courses?q=c%C3%B4ng%00"))
            .header("accept", "text/html")
            .send()?;
        assert_eq!(page.status(), 422, "{backend}");
        assert!(
            page.headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.starts_with("text/html")),
            "{backend}"
        );
        assert!(page.text()?.contains("ký tự điều khiển"), "{backend}");
        for name in ["Lò\u{0}Thị Ỏn", "Lò Thị\u{1b}[31m Ỏn", "\u{202e}nỎ ịhT òL"] {
            let mut body = worker_body("014195000021", "03646");
            body["full_name"] = name.into();
            body["skills"] = "may\u{0}".into();
            let refused = app.post("/api/v1/workers", Some(&staff), &body)?;
            assert_eq!(refused.status, 422, "{backend}: {name:?}");
            let mut named = refused.field_errors();
            named.sort();
            assert_eq!(
                named,
                [
                    ("full_name".to_owned(), "control_character".to_owned()),
                    ("skills".to_owned(), "control_character".to_owned())
                ],
                "{backend}"
            );
        }
        let listed = app.get("/api/v1/workers", Some(&staff))?;
        assert_eq!(listed.body["total"], 0, "{backend}: nothing written");
        // Line breaks in free text are text.
        let mut body = worker_body("014195000022", "03646");
        body["skills"] = "may công nghiệp\r\nthêu".into();
        assert_eq!(
            app.post("/api/v1/workers", Some(&staff), &body)?.status,
            201,
            "{backend}"
        );
    }
    Ok(())
}

#[test]
fn csv_cells_that_start_like_formulas_are_written_as_text() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let created = app.post(
            "/api/v1/employers",
            Some(&staff),
            &serde_json::json!({
                "name": "=HYPERLINK(\"http://example.com\",\"Bấm vào đây\")", "tax_code": "5500777001",
                "kind": "company", "contact_name": "@SUM(1+1)", "address": "-2+3", "sector": "+84"
            }),
        )?;
        assert_eq!(created.status, 201, "{backend}: {:?}", created.body);
        let csv = client()
            .get(app.url("/api/v1/exports/employers?format=csv"))
            .bearer_auth(&staff)
            .send()?
            .text()?;
        for cell in ["'=HYPERLINK(", "'@SUM(1+1)", "'-2+3", "'+84"] {
            assert!(csv.contains(cell), "{backend}: {cell} in {csv}");
        }
        for line in csv.lines().skip(1) {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{backend}: live formula {cell} in {line}"
                );
            }
        }
    }
    Ok(())
}

// ---- values out of bounds, verification, capacity ------------------------------------------

#[test]
fn out_of_bounds_values_and_identity_changes_are_caught() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut body = worker_body("014195000031", "03646");
        body["expected_wage_vnd"] = 9_200_000_000_000_000_000_i64.into();
        let refused = app.post("/api/v1/workers", Some(&staff), &body)?;
        assert_eq!(
            refused.field_errors(),
            [("expected_wage_vnd".to_owned(), "out_of_range".to_owned())],
            "{backend}"
        );
        let (employer_id, _) = employer_with_vacancy(&app, &staff)?;
        let abroad = app.post(
            "/api/v1/vacancies",
            Some(&staff),
            &serde_json::json!({
                "employer_id": employer_id, "title": "Lao động nông nghiệp", "occupation_code": "8153",
                "positions": 1, "is_overseas": true, "country": "XX"
            }),
        )?;
        assert_eq!(
            abroad.field_errors(),
            [("country".to_owned(), "invalid_country".to_owned())],
            "{backend}"
        );

        // A verified employer that changes its name or tax code waits for staff again.
        let verified = app.patch(
            &format!("/api/v1/employers/{employer_id}"),
            Some(&staff),
            &serde_json::json!({"verified": true}),
        )?;
        assert_eq!(verified.body["verified"], true, "{backend}");
        let employer = app.sign_in_as(
            "hr@maysonla.vn",
            "employer",
            Link::Employer(employer_id.clone()),
        )?;
        let phone = app.patch(
            &format!("/api/v1/employers/{employer_id}"),
            Some(&employer),
            &serde_json::json!({"contact_phone": "0987654321"}),
        )?;
        assert_eq!(phone.body["verified"], true, "{backend}: {:?}", phone.body);
        let renamed = app.patch(
            &format!("/api/v1/employers/{employer_id}"),
            Some(&employer),
            &serde_json::json!({"name": "Công ty Khác Hẳn", "tax_code": "0100109106"}),
        )?;
        assert_eq!(renamed.status, 200, "{backend}: {:?}", renamed.body);
        assert_eq!(renamed.body["verified"], false, "{backend}");
    }
    Ok(())
}

#[test]
fn a_course_is_never_confirmed_past_its_capacity() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let course = tea_course(&app, &staff, 1)?;
        let mut enrollments = Vec::new();
        for national_id in ["014195000041", "014195000042"] {
            let worker = app.post(
                "/api/v1/workers",
                Some(&staff),
                &worker_body(national_id, "03646"),
            )?;
            let enrolled = app.post(
                &format!("/api/v1/courses/{course}/enrollments"),
                Some(&staff),
                &serde_json::json!({"worker_id": worker.body["id"]}),
            )?;
            assert_eq!(enrolled.status, 201, "{backend}: {:?}", enrolled.body);
            enrollments.push(enrolled.body["id"].as_str().ok_or("enrolment")?.to_owned());
        }
        let confirm = |id: &str| {
            app.patch(
                &format!("/api/v1/enrollments/{id}"),
                Some(&staff),
                &serde_json::json!({"status": "enrolled"}),
            )
        };
        assert_eq!(confirm(&enrollments[0])?.status, 200, "{backend}");
        let full = confirm(&enrollments[1])?;
        assert_eq!(full.status, 409, "{backend}: {:?}", full.body);
        assert!(
            full.body["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("đủ chỗ")),
            "{backend}: {:?}",
            full.body
        );
    }
    Ok(())
}

/// Officers referring the same person to the same vacancy at the same moment: one referral,
/// every other answer a 409, none a 500 (on PostgreSQL neither check sees the other's row).
#[test]
fn simultaneous_referrals_of_one_person_make_one_and_conflict_the_rest() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = std::sync::Arc::new(spawn_app(db)?);
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let (_, vacancy) = employer_with_vacancy(&app, &staff)?;
        let worker = app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000091", "03646"),
        )?;
        let worker = worker.body["id"].as_str().ok_or("worker")?.to_owned();
        app.search.sync()?;
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (app, staff, barrier) = (app.clone(), staff.clone(), barrier.clone());
                let body = serde_json::json!({"vacancy_id": vacancy, "worker_id": worker});
                std::thread::spawn(move || {
                    barrier.wait();
                    app.post("/api/v1/referrals", Some(&staff), &body)
                        .map(|answer| answer.status)
                        .unwrap_or(0)
                })
            })
            .collect();
        let mut statuses: Vec<u16> = Vec::new();
        for handle in handles {
            statuses.push(handle.join().map_err(|_| "client panicked")?);
        }
        statuses.sort();
        assert_eq!(
            statuses,
            [201, 409, 409, 409, 409, 409, 409, 409],
            "{backend}"
        );
    }
    Ok(())
}
