//! `/api/v1/workers`: validation, duplicates, accent-proof search, pagination, idempotency,
//! archiving, and the journals every write keeps.

use diesel::prelude::*;
use ketnoi::db::schema::workers;
use ketnoi::models::{audit, search_changes};
use unicode_normalization::UnicodeNormalization;

use crate::helpers::{Link, TestResult, client, spawn_app, sqlite_db, test_dbs, worker_body};

fn count_workers(connection: &mut ketnoi::db::DbConn) -> QueryResult<i64> {
    workers::table.count().get_result(connection)
}

#[test]
fn every_invalid_field_is_named_and_nothing_is_written() -> TestResult {
    let app = spawn_app(sqlite_db())?;
    let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let cases: &[(&str, serde_json::Value, &str, &str)] = &[
        (
            "CCCD of 11 digits",
            serde_json::json!({ "national_id": "01419500012" }),
            "national_id",
            "invalid_national_id",
        ),
        (
            "CCCD with a letter",
            serde_json::json!({ "national_id": "01419500012X" }),
            "national_id",
            "invalid_national_id",
        ),
        (
            "phone without 0 or +84",
            serde_json::json!({ "phone": "912345678" }),
            "phone",
            "invalid_phone",
        ),
        (
            "phone too long",
            serde_json::json!({ "phone": "09123456789" }),
            "phone",
            "invalid_phone",
        ),
        (
            "e-mail",
            serde_json::json!({ "email": "lothion" }),
            "email",
            "invalid_email",
        ),
        (
            "date in dd/mm/yyyy",
            serde_json::json!({ "birth_date": "12/04/1995" }),
            "birth_date",
            "invalid_date",
        ),
        (
            "a child",
            serde_json::json!({ "birth_date": "2015-01-01" }),
            "birth_date",
            "birth_date",
        ),
        (
            "gender",
            serde_json::json!({ "gender": "nữ" }),
            "gender",
            "invalid_choice",
        ),
        (
            "ethnic group",
            serde_json::json!({ "ethnicity_code": "99" }),
            "ethnicity_code",
            "unknown_ethnicity",
        ),
        (
            "commune",
            serde_json::json!({ "commune_code": "99999" }),
            "commune_code",
            "unknown_commune",
        ),
        (
            "occupation",
            serde_json::json!({ "desired_occupations": ["8153", "0000"] }),
            "desired_occupations[1]",
            "unknown_occupation",
        ),
        (
            "negative wage",
            serde_json::json!({ "expected_wage_vnd": -1 }),
            "expected_wage_vnd",
            "not_negative",
        ),
        (
            "availability",
            serde_json::json!({ "availability": "busy" }),
            "availability",
            "invalid_choice",
        ),
        (
            "education",
            serde_json::json!({ "education_level": "phd" }),
            "education_level",
            "invalid_choice",
        ),
        (
            "blank name",
            serde_json::json!({ "full_name": "   " }),
            "full_name",
            "empty",
        ),
        (
            "long name",
            serde_json::json!({ "full_name": "A".repeat(201) }),
            "full_name",
            "too_long",
        ),
        (
            "unknown household",
            serde_json::json!({ "household_id": "no-such-household" }),
            "household_id",
            "unknown_household",
        ),
        (
            "unknown field",
            serde_json::json!({ "cccd": "014195000123" }),
            "cccd",
            "unknown_field",
        ),
        (
            "wrong type",
            serde_json::json!({ "disability": "có" }),
            "disability",
            "invalid_type",
        ),
        (
            "missing name",
            serde_json::json!({ "full_name": null }),
            "full_name",
            "required",
        ),
    ];
    for (name, change, field, code) in cases {
        let mut body = worker_body("014195000123", "03646");
        for (key, value) in change.as_object().ok_or("object")? {
            body[key] = value.clone();
        }
        let answer = app.post("/api/v1/workers", Some(&token), &body)?;
        assert_eq!(answer.status, 422, "{name}: {:?}", answer.body);
        assert_eq!(
            answer.headers["content-type"], "application/problem+json",
            "{name}"
        );
        assert!(
            answer
                .field_errors()
                .contains(&((*field).to_owned(), (*code).to_owned())),
            "{name}: expected {field}/{code} in {:?}",
            answer.body
        );
        assert!(
            answer.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|message| !message.is_empty()),
            "{name}"
        );
    }
    assert_eq!(
        count_workers(&mut app.db.migrated()?)?,
        0,
        "a rejected request wrote something"
    );

    // All errors at once, in English on request.
    let mut body = worker_body("123", "99999");
    body["gender"] = "x".into();
    let answer = client()
        .post(app.url("/api/v1/workers"))
        .bearer_auth(&token)
        .header("Accept-Language", "en-GB,en;q=0.9")
        .json(&body)
        .send()?;
    assert_eq!(answer.headers()["content-language"], "en");
    let problem: serde_json::Value = answer.json()?;
    assert_eq!(problem["title"], "Invalid data");
    assert_eq!(
        problem["errors"].as_array().map(Vec::len),
        Some(3),
        "{problem}"
    );
    assert_eq!(
        problem["errors"][0]["message"],
        "A CCCD number has exactly 12 digits."
    );
    Ok(())
}

#[test]
fn malformed_oversized_and_non_json_bodies_get_problems() -> TestResult {
    let app = spawn_app(sqlite_db())?;
    let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let send = |body: Vec<u8>, content_type: &str| {
        client()
            .post(app.url("/api/v1/workers"))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let answer = send(b"{\"full_name\": ".to_vec(), "application/json")?;
    assert_eq!(answer.status(), 400);
    assert_eq!(answer.headers()["content-type"], "application/problem+json");
    assert_eq!(send(b"[1, 2]".to_vec(), "application/json")?.status(), 422);
    let huge = format!("{{\"skills\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    assert_eq!(send(huge.into_bytes(), "application/json")?.status(), 413);
    assert_eq!(
        send(b"full_name=A".to_vec(), "application/x-www-form-urlencoded")?.status(),
        415
    );
    assert_eq!(count_workers(&mut app.db.migrated()?)?, 0);
    Ok(())
}

#[test]
fn text_is_stored_nfc_and_found_without_accents() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut body = worker_body("014195000123", "03646");
        body["full_name"] = "  Hà   Văn Thắm ".nfd().collect::<String>().into();
        let created = app.post("/api/v1/workers", Some(&token), &body)?;
        assert_eq!(created.status, 201, "{backend}: {:?}", created.body);
        assert_eq!(
            created.body["full_name"], "Hà Văn Thắm",
            "{backend}: not NFC, not trimmed"
        );
        let mut other = worker_body("014195000124", "03646");
        other["full_name"] = "Lò Thị Ỏn".into();
        assert_eq!(
            app.post("/api/v1/workers", Some(&token), &other)?.status,
            201
        );

        for query in ["ha%20van", "H%C3%A0%20V%C4%83n", "HA%20VAN%20THAM", "ha"] {
            let found = app.get(&format!("/api/v1/workers?q={query}"), Some(&token))?;
            assert_eq!(
                found.body["total"], 1,
                "{backend}: q={query}: {:?}",
                found.body
            );
            assert_eq!(found.body["items"][0]["full_name"], "Hà Văn Thắm");
        }
        let decomposed: String = "Lò Thị".nfd().collect();
        let url = reqwest::Url::parse_with_params(
            &app.url("/api/v1/workers"),
            &[("q", decomposed.as_str())],
        )?;
        let found = client().get(url).bearer_auth(&token).send()?;
        let found: serde_json::Value = found.json()?;
        assert_eq!(found["items"][0]["full_name"], "Lò Thị Ỏn", "{backend}");
        let nothing = app.get("/api/v1/workers?q=%25", Some(&token))?;
        assert_eq!(
            nothing.body["total"], 0,
            "{backend}: `%` matched everything"
        );
    }
    Ok(())
}

#[test]
fn a_second_cccd_is_a_conflict_that_links_the_first() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let first = app.post(
            "/api/v1/workers",
            Some(&token),
            &worker_body("014195000123", "03646"),
        )?;
        assert_eq!(first.status, 201, "{backend}");
        assert!(
            first.headers["location"]
                .to_str()?
                .ends_with(first.body["id"].as_str().ok_or("id")?)
        );
        let mut again = worker_body("0141 9500 0123", "03646");
        again["full_name"] = "Người khác".into();
        let conflict = app.post("/api/v1/workers", Some(&token), &again)?;
        assert_eq!(conflict.status, 409, "{backend}");
        let link = conflict.body["existing"]
            .as_str()
            .ok_or("no link")?
            .to_owned();
        assert_eq!(app.get(&link, Some(&token))?.body["id"], first.body["id"]);
        // Changing another worker's CCCD to it is a conflict too.
        let second = app.post(
            "/api/v1/workers",
            Some(&token),
            &worker_body("014195000999", "03646"),
        )?;
        let path = format!(
            "/api/v1/workers/{}",
            second.body["id"].as_str().ok_or("id")?
        );
        let answer = app.patch(
            &path,
            Some(&token),
            &serde_json::json!({ "national_id": "014195000123" }),
        )?;
        assert_eq!(answer.status, 409, "{backend}");
        assert_eq!(count_workers(&mut app.db.migrated()?)?, 2);
    }
    Ok(())
}

#[test]
fn pages_stay_stable_while_records_are_added() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut created = Vec::new();
        for index in 0..5 {
            let answer = app.post(
                "/api/v1/workers",
                Some(&token),
                &worker_body(&format!("01419500{index:04}"), "03646"),
            )?;
            created.push(answer.body["id"].as_str().ok_or("id")?.to_owned());
        }
        let mut seen = Vec::new();
        let mut path = "/api/v1/workers?limit=2".to_owned();
        let mut pages = 0;
        loop {
            let page = app.get(&path, Some(&token))?;
            assert_eq!(page.status, 200, "{backend}: {:?}", page.body);
            for item in page.body["items"].as_array().ok_or("items")? {
                seen.push(item["id"].as_str().ok_or("id")?.to_owned());
            }
            pages += 1;
            if pages == 1 {
                assert_eq!(page.body["total"], 5);
                // Someone registers a worker while the list is being read.
                app.post(
                    "/api/v1/workers",
                    Some(&token),
                    &worker_body("014195009999", "03646"),
                )?;
            }
            match page.body["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/workers?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(
            &seen[..5],
            &created[..],
            "{backend}: pages skipped or repeated a record"
        );
        assert_eq!(seen.len(), 6, "{backend}: the new worker comes last, once");
        let bad = app.get("/api/v1/workers?cursor=not-a-cursor", Some(&token))?;
        assert_eq!(bad.status, 422);
        assert_eq!(
            bad.field_errors(),
            vec![("cursor".to_owned(), "invalid_cursor".to_owned())]
        );
        assert_eq!(
            app.get("/api/v1/workers?limit=0", Some(&token))?.status,
            422
        );
        assert_eq!(
            app.get("/api/v1/workers?limit=abc", Some(&token))?.status,
            422
        );
    }
    Ok(())
}

#[test]
fn a_retried_create_returns_the_first_answer() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let body = worker_body("014195000123", "03646");
        let send = |body: &serde_json::Value, key: &str| {
            client()
                .post(app.url("/api/v1/workers"))
                .bearer_auth(&token)
                .header("Idempotency-Key", key)
                .json(body)
                .send()
        };
        let first = send(&body, "retry-1")?;
        assert_eq!(first.status(), 201, "{backend}");
        let first: serde_json::Value = first.json()?;
        let retry = send(&body, "retry-1")?;
        assert_eq!(retry.status(), 201, "{backend}: a retry is not a conflict");
        let retry: serde_json::Value = retry.json()?;
        assert_eq!(retry["id"], first["id"], "{backend}");
        assert_eq!(count_workers(&mut app.db.migrated()?)?, 1, "{backend}");

        let mut other = body.clone();
        other["full_name"] = "Khác".into();
        let misuse = send(&other, "retry-1")?;
        assert_eq!(misuse.status(), 422, "{backend}");
    }
    Ok(())
}

/// The list's total for the province, a district, a commune and an area officer follows every
/// create, move and archive, and equals a count of the rows themselves.
#[test]
fn list_totals_follow_creates_moves_and_archives() -> TestResult {
    use ketnoi::db::schema::admin_units;
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let city = app.sign_in_as("thanhpho@example.vn", "staff", Link::Area("116".into()))?;
        let mut ids = Vec::new();
        for (n, commune) in ["03646", "03646", "03649", "03682"].iter().enumerate() {
            let created = app.post(
                "/api/v1/workers",
                Some(&token),
                &worker_body(&format!("01419500030{n}"), commune),
            )?;
            assert_eq!(created.status, 201, "{backend}: {:?}", created.body);
            ids.push(created.body["id"].as_str().ok_or("id")?.to_owned());
        }
        let moved = app.patch(
            &format!("/api/v1/workers/{}", ids[0]),
            Some(&token),
            &serde_json::json!({ "commune_code": "03682" }),
        )?;
        assert_eq!(moved.status, 200, "{backend}: {:?}", moved.body);
        let archived = app.delete(&format!("/api/v1/workers/{}", ids[2]), Some(&token))?;
        assert_eq!(archived.status, 200, "{backend}");
        let mut connection = app.db.migrated()?;
        let mut counted = |codes: &[&str]| -> QueryResult<i64> {
            let communes = admin_units::table
                .filter(admin_units::code.eq_any(codes.iter().map(|code| code.to_string())))
                .select(admin_units::id);
            workers::table
                .filter(workers::archived_at.is_null())
                .filter(workers::commune_id.eq_any(communes))
                .count()
                .get_result(&mut connection)
        };
        let expected = [
            (
                "/api/v1/workers",
                &token,
                counted(&["03646", "03649", "03682"])?,
                3,
            ),
            (
                "/api/v1/workers?commune=03646",
                &token,
                counted(&["03646"])?,
                1,
            ),
            (
                "/api/v1/workers?commune=03649",
                &token,
                counted(&["03649"])?,
                0,
            ),
            (
                "/api/v1/workers?district=118",
                &token,
                counted(&["03682"])?,
                2,
            ),
            ("/api/v1/workers", &city, counted(&["03646", "03649"])?, 1),
        ];
        for (path, caller, rows, total) in expected {
            assert_eq!(rows, total, "{backend}: {path}: rows in the table");
            let answer = app.get(path, Some(caller))?;
            assert_eq!(answer.status, 200, "{backend}: {path}: {:?}", answer.body);
            assert_eq!(answer.body["total"], total, "{backend}: {path}");
        }
    }
    Ok(())
}

#[test]
fn archiving_keeps_the_record_and_its_history() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let created = app.post(
            "/api/v1/workers",
            Some(&token),
            &worker_body("014195000123", "03646"),
        )?;
        let id = created.body["id"].as_str().ok_or("id")?.to_owned();
        let path = format!("/api/v1/workers/{id}");
        let patched = app.patch(
            &path,
            Some(&token),
            &serde_json::json!({ "skills": "thêu tay, dệt thổ cẩm", "phone": null }),
        )?;
        assert_eq!(patched.status, 200, "{backend}: {:?}", patched.body);
        assert_eq!(patched.body["skills"], "thêu tay, dệt thổ cẩm");
        assert_eq!(patched.body["phone"], serde_json::Value::Null);
        assert_eq!(
            patched.body["national_id"], "014195000123",
            "{backend}: PATCH touched a field it was not sent"
        );

        let archived = app.delete(&path, Some(&token))?;
        assert_eq!(archived.status, 200, "{backend}");
        assert!(archived.body["archived_at"].is_string());
        assert_eq!(
            app.get(&path, Some(&token))?.status,
            200,
            "{backend}: an archived worker is still readable"
        );
        assert_eq!(app.get("/api/v1/workers", Some(&token))?.body["total"], 0);
        assert_eq!(
            app.get("/api/v1/workers?archived=true", Some(&token))?.body["total"],
            1
        );

        // Every read and write of the person is in the audit log; every write in the index log.
        let mut connection = app.db.migrated()?;
        let entries = audit::for_record(&mut connection, "worker", &id)?;
        let actions: Vec<&str> = entries
            .iter()
            .map(|(action, _, _)| action.as_str())
            .collect();
        assert_eq!(
            &actions[..3],
            &["create", "update", "archive"],
            "{backend}: {actions:?}"
        );
        assert!(actions.contains(&"read"), "{backend}");
        assert!(entries.iter().all(|(_, actor, _)| actor.is_some()));
        assert_eq!(entries[1].2, "phone,skills");
        let changes = search_changes::latest(&mut connection, 3)?;
        let mine: Vec<&str> = changes
            .iter()
            .rev()
            .filter(|(entity, entity_id, _)| entity == "worker" && *entity_id == id)
            .map(|(_, _, op)| op.as_str())
            .collect();
        assert_eq!(mine, vec!["upsert", "upsert", "delete"], "{backend}");
    }
    Ok(())
}
