//! Employers, vacancies, courses, enrolments and service records.

use crate::helpers::{Link, TestResult, spawn_app, sqlite_db, test_dbs, worker_body};

fn employer_body(tax_code: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "Hợp tác xã chè Tà Xùa",
        "tax_code": tax_code,
        "kind": "cooperative",
        "commune_code": "03646",
        "address": "Bản Tà Xùa",
        "contact_name": "Mùa A Chư",
        "contact_phone": "0987654321"
    })
}

fn vacancy_body(employer_id: &str) -> serde_json::Value {
    serde_json::json!({
        "employer_id": employer_id,
        "title": "Công nhân hái chè",
        "occupation_code": "6112",
        "positions": 10,
        "commune_code": "03646",
        "wage_min_vnd": 4000000,
        "wage_max_vnd": 5500000,
        "min_age": 18,
        "max_age": 50,
        "deadline": "2026-12-31"
    })
}

#[test]
fn employers_and_their_vacancies_keep_their_rules() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let employer = app.post(
            "/api/v1/employers",
            Some(&staff),
            &employer_body("5500123456"),
        )?;
        assert_eq!(employer.status, 201, "{backend}: {:?}", employer.body);
        let employer_id = employer.body["id"].as_str().ok_or("id")?.to_owned();
        let again = app.post(
            "/api/v1/employers",
            Some(&staff),
            &employer_body("5500123456"),
        )?;
        assert_eq!(again.status, 409, "{backend}");
        assert_eq!(
            again.body["existing"],
            format!("/api/v1/employers/{employer_id}")
        );
        let bad = app.post(
            "/api/v1/employers",
            Some(&staff),
            &employer_body("55001234"),
        )?;
        assert!(
            bad.field_errors()
                .contains(&("tax_code".into(), "invalid_tax_code".into()))
        );
        assert_eq!(
            app.post(
                "/api/v1/employers",
                Some(&staff),
                &employer_body("5500123456-001")
            )?
            .status,
            201,
            "{backend}: branch codes"
        );

        let vacancy = app.post(
            "/api/v1/vacancies",
            Some(&staff),
            &vacancy_body(&employer_id),
        )?;
        assert_eq!(vacancy.status, 201, "{backend}: {:?}", vacancy.body);
        let cases: &[(serde_json::Value, &str, &str)] = &[
            (
                serde_json::json!({ "positions": 0 }),
                "positions",
                "at_least_one",
            ),
            (
                serde_json::json!({ "wage_min_vnd": 6000000 }),
                "wage_min_vnd",
                "wage_range",
            ),
            (serde_json::json!({ "min_age": 14 }), "min_age", "age_range"),
            (serde_json::json!({ "max_age": 66 }), "max_age", "age_range"),
            (
                serde_json::json!({ "min_age": 40, "max_age": 30 }),
                "min_age",
                "age_order",
            ),
            (
                serde_json::json!({ "is_overseas": true }),
                "country",
                "country_required",
            ),
            (
                serde_json::json!({ "country": "KR" }),
                "country",
                "country_forbidden",
            ),
            (
                serde_json::json!({ "is_overseas": true, "country": "Korea" }),
                "country",
                "invalid_country",
            ),
            (
                serde_json::json!({ "commune_code": null }),
                "commune_code",
                "place_required",
            ),
            (
                serde_json::json!({ "occupation_code": "9999" }),
                "occupation_code",
                "unknown_occupation",
            ),
            (
                serde_json::json!({ "employer_id": "nobody" }),
                "employer_id",
                "unknown_employer",
            ),
            (
                serde_json::json!({ "deadline": "31/12/2026" }),
                "deadline",
                "invalid_date",
            ),
            (
                serde_json::json!({ "status": "paused" }),
                "status",
                "invalid_choice",
            ),
        ];
        for (change, field, code) in cases {
            let mut body = vacancy_body(&employer_id);
            for (key, value) in change.as_object().ok_or("object")? {
                body[key] = value.clone();
            }
            let answer = app.post("/api/v1/vacancies", Some(&staff), &body)?;
            assert_eq!(answer.status, 422, "{backend}: {change}");
            assert!(
                answer
                    .field_errors()
                    .contains(&((*field).into(), (*code).into())),
                "{backend}: {change}: {:?}",
                answer.body
            );
        }
        let mut abroad = vacancy_body(&employer_id);
        abroad["is_overseas"] = true.into();
        abroad["country"] = "KR".into();
        abroad["commune_code"] = serde_json::Value::Null;
        assert_eq!(
            app.post("/api/v1/vacancies", Some(&staff), &abroad)?.status,
            201,
            "{backend}"
        );
        assert_eq!(
            app.get("/api/v1/vacancies?overseas=true", Some(&staff))?
                .body["total"],
            1
        );
        assert_eq!(
            app.get("/api/v1/vacancies?status=open&q=cong%20nhan", Some(&staff))?
                .body["total"],
            2
        );

        // The employer's own login posts only for itself and sees only its own.
        let hr = app.sign_in_as(
            "hr@example.vn",
            "employer",
            Link::Employer(employer_id.clone()),
        )?;
        let mut own = vacancy_body(&employer_id);
        own["title"] = "Nhân viên sơ chế chè".into();
        assert_eq!(
            app.post("/api/v1/vacancies", Some(&hr), &own)?.status,
            201,
            "{backend}"
        );
        let other = app.post(
            "/api/v1/employers",
            Some(&staff),
            &employer_body("0101234567"),
        )?;
        let other_id = other.body["id"].as_str().ok_or("id")?.to_owned();
        assert_eq!(
            app.post("/api/v1/vacancies", Some(&hr), &vacancy_body(&other_id))?
                .status,
            422,
            "{backend}: posted for another employer"
        );
        let other_vacancy =
            app.post("/api/v1/vacancies", Some(&staff), &vacancy_body(&other_id))?;
        let path = format!(
            "/api/v1/vacancies/{}",
            other_vacancy.body["id"].as_str().ok_or("id")?
        );
        assert_eq!(app.get(&path, Some(&hr))?.status, 404, "{backend}");
        assert_eq!(
            app.patch(&path, Some(&hr), &serde_json::json!({ "positions": 1 }))?
                .status,
            404,
            "{backend}"
        );
        assert_eq!(
            app.get("/api/v1/vacancies", Some(&hr))?.body["total"],
            3,
            "{backend}"
        );
        assert_eq!(
            app.get("/api/v1/employers", Some(&hr))?.body["total"],
            1,
            "{backend}"
        );
        assert_eq!(
            app.patch(
                &format!("/api/v1/employers/{employer_id}"),
                Some(&hr),
                &serde_json::json!({ "verified": true })
            )?
            .status,
            422
        );
        assert_eq!(
            app.post("/api/v1/employers", Some(&hr), &employer_body("0109999999"))?
                .status,
            403
        );
    }
    Ok(())
}

fn course_body() -> serde_json::Value {
    serde_json::json!({
        "provider": "Trung tâm Dịch vụ việc làm",
        "title": "May công nghiệp",
        "leads_to": ["8153", "7533"],
        "level": "under_3_months",
        "commune_code": "03646",
        "starts_on": "2026-12-07",
        "ends_on": "2027-02-28",
        "capacity": 30,
        "fee_vnd": 2000000,
        "support_vnd": 2000000
    })
}

#[test]
fn the_catalogue_is_public_and_enrolments_follow_their_steps() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let course = app.post("/api/v1/courses", Some(&staff), &course_body())?;
        assert_eq!(course.status, 201, "{backend}: {:?}", course.body);
        let course_id = course.body["id"].as_str().ok_or("id")?.to_owned();
        let mut backwards = course_body();
        backwards["ends_on"] = "2026-11-01".into();
        assert!(
            app.post("/api/v1/courses", Some(&staff), &backwards)?
                .field_errors()
                .contains(&("ends_on".into(), "date_order".into()))
        );

        // Anyone reads the catalogue, accent-proof.
        let listed = app.get("/api/v1/courses?q=may%20cong&occupation=8153", None)?;
        assert_eq!(listed.status, 200, "{backend}");
        assert_eq!(listed.body["total"], 1);
        assert_eq!(
            listed.body["items"][0]["leads_to"],
            serde_json::json!(["7533", "8153"])
        );
        assert_eq!(
            app.get(&format!("/api/v1/courses/{course_id}"), None)?
                .status,
            200
        );
        assert_eq!(
            app.post("/api/v1/courses", None, &course_body())?.status,
            401
        );

        // A trainee enrols themself; staff move the enrolment along.
        let worker = app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000123", "03646"),
        )?;
        let worker_id = worker.body["id"].as_str().ok_or("id")?.to_owned();
        let trainee = app.sign_in_as(
            "hocvien@example.vn",
            "trainee",
            Link::Worker(worker_id.clone()),
        )?;
        let path = format!("/api/v1/courses/{course_id}/enrollments");
        let enrolled = app.post(&path, Some(&trainee), &serde_json::json!({}))?;
        assert_eq!(enrolled.status, 201, "{backend}: {:?}", enrolled.body);
        assert_eq!(enrolled.body["status"], "applied");
        assert_eq!(enrolled.body["worker_id"], worker_id.as_str());
        assert_eq!(enrolled.body["commune_code_at_enrolment"], "03646");
        assert_eq!(
            app.post(
                &path,
                Some(&staff),
                &serde_json::json!({ "worker_id": worker_id })
            )?
            .status,
            409,
            "{backend}"
        );
        let other = app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000124", "03646"),
        )?;
        let other_id = other.body["id"].as_str().ok_or("id")?;
        assert_eq!(
            app.post(
                &path,
                Some(&trainee),
                &serde_json::json!({ "worker_id": other_id })
            )?
            .status,
            403,
            "{backend}"
        );

        let enrollment = format!(
            "/api/v1/enrollments/{}",
            enrolled.body["id"].as_str().ok_or("id")?
        );
        assert_eq!(
            app.patch(
                &enrollment,
                Some(&staff),
                &serde_json::json!({ "status": "certified" })
            )?
            .status,
            409,
            "{backend}"
        );
        for step in ["enrolled", "attending", "completed"] {
            let moved = app.patch(
                &enrollment,
                Some(&staff),
                &serde_json::json!({ "status": step }),
            )?;
            assert_eq!(moved.status, 200, "{backend}: {step}: {:?}", moved.body);
        }
        let missing = app.patch(
            &enrollment,
            Some(&staff),
            &serde_json::json!({ "status": "certified" }),
        )?;
        assert!(
            missing
                .field_errors()
                .contains(&("certificate_no".into(), "required".into())),
            "{backend}"
        );
        let certified = app.patch(
            &enrollment,
            Some(&staff),
            &serde_json::json!({ "status": "certified", "certificate_no": "SC-2027-000001" }),
        )?;
        assert_eq!(certified.status, 200, "{backend}");
        assert_eq!(certified.body["progress_percent"], 100);
        assert!(certified.body["completed_on"].is_string());
        assert_eq!(
            app.patch(
                &enrollment,
                Some(&trainee),
                &serde_json::json!({ "progress_percent": 50 })
            )?
            .status,
            403
        );
    }
    Ok(())
}

#[test]
fn services_are_recorded_on_a_worker() -> TestResult {
    let app = spawn_app(sqlite_db())?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let worker = app.post(
        "/api/v1/workers",
        Some(&staff),
        &worker_body("014195000123", "03646"),
    )?;
    let path = format!(
        "/api/v1/workers/{}/service-records",
        worker.body["id"].as_str().ok_or("id")?
    );
    let recorded = app.post(&path, Some(&staff), &serde_json::json!({ "kind": "counselling", "provided_on": "2026-11-20", "note": "Tư vấn học nghề may" }))?;
    assert_eq!(recorded.status, 201, "{:?}", recorded.body);
    assert!(
        app.post(
            &path,
            Some(&staff),
            &serde_json::json!({ "kind": "massage" })
        )?
        .field_errors()
        .contains(&("kind".into(), "invalid_choice".into()))
    );
    assert!(
        app.post(
            &path,
            Some(&staff),
            &serde_json::json!({ "kind": "job_fair", "provided_on": "2099-01-01" })
        )?
        .status
            == 422
    );
    let listed = app.get(&path, Some(&staff))?;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));
    assert_eq!(listed.body[0]["note"], "Tư vấn học nghề may");
    let employer = app.sign_in_as("admin2@example.vn", "trainee", Link::None)?;
    assert_eq!(app.get(&path, Some(&employer))?.status, 403);
    Ok(())
}

#[test]
fn the_openapi_document_covers_every_route() -> TestResult {
    let app = spawn_app(sqlite_db())?;
    let document = app.get("/openapi.json", None)?;
    assert_eq!(document.status, 200);
    assert!(
        document.body["openapi"]
            .as_str()
            .is_some_and(|version| version.starts_with("3.1"))
    );
    let paths = document.body["paths"].as_object().ok_or("paths")?;
    for (path, methods) in [
        ("/api/v1/auth/login", &["post"][..]),
        ("/api/v1/auth/logout", &["post"]),
        ("/api/v1/admin-units", &["get"]),
        ("/api/v1/workers", &["get", "post"]),
        ("/api/v1/workers/{id}", &["get", "patch", "delete"]),
        ("/api/v1/workers/{id}/service-records", &["get", "post"]),
        ("/api/v1/households", &["get", "post"]),
        ("/api/v1/households/{id}", &["get", "patch", "delete"]),
        ("/api/v1/employers", &["get", "post"]),
        ("/api/v1/employers/{id}", &["get", "patch", "delete"]),
        ("/api/v1/vacancies", &["get", "post"]),
        ("/api/v1/vacancies/{id}", &["get", "patch", "delete"]),
        ("/api/v1/courses", &["get", "post"]),
        ("/api/v1/courses/{id}", &["get", "patch", "delete"]),
        ("/api/v1/courses/{id}/enrollments", &["post"]),
        ("/api/v1/enrollments/{id}", &["patch"]),
    ] {
        for method in methods {
            let operation = &paths.get(path).ok_or(format!("{path} missing"))?[method];
            assert!(operation.is_object(), "{method} {path} missing");
            if operation["security"].is_array() {
                assert!(
                    operation["responses"]["401"].is_object(),
                    "{method} {path} does not document 401"
                );
            }
        }
    }
    assert!(document.body["components"]["schemas"]["Problem"].is_object());
    assert!(document.body["components"]["securitySchemes"]["bearer"].is_object());
    Ok(())
}
