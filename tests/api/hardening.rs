//! What an attacker or an unlucky operator tries: concurrent writers, hostile files, guessing
//! and reading past the walls between roles. Each case here failed once.

use crate::helpers::{
    Answer, Link, PASSWORD, TestApp, TestResult, client, spawn_app, sqlite_db, test_dbs,
    worker_body,
};

/// Sixteen clients creating workers at once: each waits its turn for the write lock, none is
/// told "database is locked", and every acknowledged create is there afterwards.
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
            "{backend}: {} creates failed: {failed:?}",
            failed.len()
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

// ---- hostile spreadsheets ----------------------------------------------------------------

/// Posts a file to `/api/v1/imports`; the answer as read.
fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Answer, Box<dyn std::error::Error>> {
    let form = reqwest::blocking::multipart::Form::new()
        .text("kind", "workers")
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    Answer::from(
        client()
            .post(app.url("/api/v1/imports"))
            .bearer_auth(token)
            .header("accept-language", "vi")
            .multipart(form)
            .send()?,
    )
}

/// Polls a job until it ends.
fn ended(
    app: &TestApp,
    token: &str,
    location: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    for _ in 0..600 {
        let job = app.get(location, Some(token))?;
        if job.body["status"] != "running" {
            return Ok(job.body);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err("the job did not end in a minute".into())
}

/// A workbook of two cells, A1 and XFD1048576: 1.8 KB that a reader spreading cells over their
/// grid would need hundreds of GiB for.
fn far_apart_cells() -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên")?;
    sheet.write_string(1_048_575, 16_383, "Lò Thị Ỏn")?;
    Ok(workbook.save_to_buffer()?)
}

/// A minimal .xlsx whose one sheet is `sheet_bytes` of XML made of `filler`, deflated.
fn packed_sheet(filler: u8, sheet_bytes: usize) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(sheet_bytes > u32::MAX as usize);
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, content) in parts {
        zip.start_file(name, deflated)?;
        zip.write_all(content.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflated)?;
    let head = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
    let tail = "</sheetData></worksheet>";
    zip.write_all(head.as_bytes())?;
    let chunk = vec![filler; 1 << 20];
    let mut left = sheet_bytes.saturating_sub(head.len() + tail.len());
    while left > 0 {
        let take = left.min(chunk.len());
        zip.write_all(&chunk[..take])?;
        left -= take;
    }
    zip.write_all(tail.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

/// The limit a refused upload names: its field error code and the `max` in its message.
fn refused_for(answer: &Answer) -> Vec<(String, String)> {
    answer.field_errors()
}

#[test]
fn a_sheet_whose_cells_lie_far_apart_is_refused_by_its_columns_and_the_server_lives_on()
-> TestResult {
    let db = sqlite_db();
    let app = spawn_app(db)?;
    let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let bytes = far_apart_cells()?;
    assert!(bytes.len() < 10_000, "{} bytes", bytes.len());
    let started = upload(&app, &token, "lao-dong.xlsx", bytes.clone())?;
    assert_eq!(started.status, 202, "{:?}", started.body);
    let location = started
        .headers
        .get("location")
        .ok_or("no Location")?
        .to_str()?
        .to_owned();
    let job = ended(&app, &token, &location)?;
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.contains("tối đa 256 cột"), "{error}");
    assert!(
        !error.contains("/tmp") && !error.contains("ketnoi-import"),
        "{error}"
    );
    assert_eq!(
        app.get("/healthz", None)?.status,
        200,
        "the server is alive"
    );

    // The command line refuses it too, with one line and exit code 1, not an abort.
    let file = app.db.folder.path().join("xa-nhau.xlsx");
    std::fs::write(&file, bytes)?;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
        .env("DATABASE_URL", app.db.raw_url())
        .env("KETNOI_INDEX_DIR", app.db.folder.path().join("cli_index"))
        .env("RUST_LOG", "warn")
        .args(["import", "workers"])
        .arg(&file)
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("256 columns"), "{stderr}");
    Ok(())
}

#[test]
fn packed_sheets_that_unpack_past_the_limits_are_refused_at_upload() -> TestResult {
    let db = sqlite_db();
    let app = spawn_app(db)?;
    let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    // 300 MB of spaces pack into a few hundred KB: over the unpacked size.
    let bomb = packed_sheet(b' ', 300 << 20)?;
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    let refused = upload(&app, &token, "bom.xlsx", bomb.clone())?;
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert_eq!(
        refused_for(&refused),
        [("file".to_owned(), "sheet_unpacked_bytes".to_owned())]
    );
    assert!(
        refused.body.to_string().contains("268435456"),
        "the message names the limit: {:?}",
        refused.body
    );
    // 20 MB of spaces is under the size, but no sheet of data packs a thousand times smaller.
    let dense = packed_sheet(b' ', 20 << 20)?;
    let refused = upload(&app, &token, "nen.xlsx", dense)?;
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert_eq!(
        refused_for(&refused),
        [("file".to_owned(), "sheet_ratio".to_owned())]
    );
    assert_eq!(app.get("/healthz", None)?.status, 200);

    // The memory it takes, read off the command line's process while it runs: the report
    // shows it; the bound is far above it and far below what unpacking would take.
    let file = app.db.folder.path().join("bom.xlsx");
    std::fs::write(&file, bomb)?;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
        .env("DATABASE_URL", app.db.raw_url())
        .env("KETNOI_INDEX_DIR", app.db.folder.path().join("cli_index"))
        .env("RUST_LOG", "warn")
        .args(["import", "workers"])
        .arg(&file)
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0_u64;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(line) = status.lines().find(|line| line.starts_with("VmHWM:"))
        {
            peak_kib = line
                .split_whitespace()
                .nth(1)
                .and_then(|kib| kib.parse().ok())
                .unwrap_or(peak_kib)
                .max(peak_kib);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        use std::io::Read;
        pipe.read_to_string(&mut stderr)?;
    }
    eprintln!(
        "import of a 300 MB sheet packed into {} KB: refused, peak RSS seen {} MiB",
        std::fs::metadata(&file)?.len() / 1024,
        peak_kib / 1024
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("unpacked_bytes"), "{stderr}");
    assert!(peak_kib < 512 * 1024, "peak RSS {peak_kib} KiB");
    Ok(())
}

// ---- what each role may see ----------------------------------------------------------------

fn employer_with_vacancy(
    app: &TestApp,
    staff: &str,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    let employer = app.post(
        "/api/v1/employers",
        Some(staff),
        &serde_json::json!({
            "name": "Công ty May Sơn La", "tax_code": "5500777666", "kind": "company",
            "contact_name": "Nguyễn Thị Hoa", "contact_email": "tuyendung@maysonla.vn"
        }),
    )?;
    let employer_id = employer.body["id"].as_str().ok_or("employer")?.to_owned();
    let vacancy = app.post(
        "/api/v1/vacancies",
        Some(staff),
        &serde_json::json!({
            "employer_id": employer_id, "title": "Công nhân may công nghiệp",
            "occupation_code": "8153", "positions": 3, "commune_code": "03646"
        }),
    )?;
    Ok((
        employer_id,
        vacancy.body["id"].as_str().ok_or("vacancy")?.to_owned(),
    ))
}

#[test]
fn an_employer_never_reads_a_shortlist_nor_staff_scores_and_notes() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let (employer_id, vacancy) = employer_with_vacancy(&app, &staff)?;
        let employer = app.sign_in_as("hr@maysonla.vn", "employer", Link::Employer(employer_id))?;
        let mut private = worker_body("014195000001", "03646");
        private["consent_to_share"] = false.into();
        let private = app.post("/api/v1/workers", Some(&staff), &private)?;
        let private = private.body["id"].as_str().ok_or("worker")?.to_owned();
        let shared = app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000002", "03646"),
        )?;
        let shared = shared.body["id"].as_str().ok_or("worker")?.to_owned();
        app.search.sync()?;

        let shortlist = app.post(
            "/api/v1/referrals",
            Some(&staff),
            &serde_json::json!({"vacancy_id": vacancy, "worker_id": private, "status": "shortlisted",
                "override_reason": "Cán bộ xã giới thiệu"}),
        )?;
        assert_eq!(shortlist.status, 201, "{backend}: {:?}", shortlist.body);
        let shortlist = shortlist.body["id"].as_str().ok_or("referral")?.to_owned();
        let unseen = |app: &TestApp| -> TestResult {
            assert_eq!(
                app.get(&format!("/api/v1/workers/{private}"), Some(&employer))?
                    .status,
                404,
                "{backend}: a shortlisted worker is not the employer's to read"
            );
            let listed = app.get("/api/v1/workers", Some(&employer))?;
            assert!(!listed.body.to_string().contains(&private), "{backend}");
            let referrals = app.get("/api/v1/referrals", Some(&employer))?;
            assert!(!referrals.body.to_string().contains(&private), "{backend}");
            Ok(())
        };
        unseen(&app)?;
        let withdrawn = app.patch(
            &format!("/api/v1/referrals/{shortlist}"),
            Some(&staff),
            &serde_json::json!({"status": "withdrawn", "note": "Hộ gia đình đề nghị không giới thiệu"}),
        )?;
        assert_eq!(withdrawn.status, 200, "{backend}: {:?}", withdrawn.body);
        unseen(&app)?;

        // A referral shared with the employer: the worker is readable, but not the score that
        // holds household and ethnicity priority, nor staff's note when it is withdrawn.
        let referral = app.post(
            "/api/v1/referrals",
            Some(&staff),
            &serde_json::json!({"vacancy_id": vacancy, "worker_id": shared}),
        )?;
        assert_eq!(referral.status, 201, "{backend}: {:?}", referral.body);
        let referral = referral.body["id"].as_str().ok_or("referral")?.to_owned();
        assert_eq!(
            app.get(&format!("/api/v1/workers/{shared}"), Some(&employer))?
                .status,
            200,
            "{backend}"
        );
        let seen = app.get(&format!("/api/v1/referrals/{referral}"), Some(&employer))?;
        assert!(
            seen.body["match_score"].is_null(),
            "{backend}: {:?}",
            seen.body
        );
        let by_staff = app.get(&format!("/api/v1/referrals/{referral}"), Some(&staff))?;
        assert!(by_staff.body["match_score"].is_number(), "{backend}");
        app.patch(
            &format!("/api/v1/referrals/{referral}"),
            Some(&staff),
            &serde_json::json!({"status": "withdrawn", "note": "Người lao động ốm, hộ nghèo cần hỗ trợ"}),
        )?;
        let seen = app.get(&format!("/api/v1/referrals/{referral}"), Some(&employer))?;
        assert_eq!(seen.body["status"], "withdrawn", "{backend}");
        assert_eq!(seen.body["status_note"], "", "{backend}: {:?}", seen.body);
    }
    Ok(())
}

#[test]
fn an_area_officer_cannot_link_a_household_of_another_district_nor_learn_it_exists() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        // The city of Sơn La (district 116, ward 03646) and Sốp Cộp (district 127, 04231).
        let household = |code: &str, commune: &str| -> Result<String, Box<dyn std::error::Error>> {
            let created = app.post(
                "/api/v1/households",
                Some(&staff),
                &serde_json::json!({
                    "code": code, "commune_code": commune, "head_name": "Hà Văn Thắm",
                    "ethnicity_code": "03", "members": 4, "income_per_person_vnd": 900000,
                    "deprivations": ["nutrition", "housing_quality", "sanitation"], "review_year": 2025
                }),
            )?;
            assert_eq!(created.status, 201, "{backend}: {:?}", created.body);
            Ok(created.body["id"].as_str().ok_or("household")?.to_owned())
        };
        let elsewhere = household("HN-SC-0001", "04231")?;
        let own = household("HN-TP-0001", "03646")?;
        let area = app.sign_in_as("thanhpho@example.vn", "staff", Link::Area("116".into()))?;
        let link = |national_id: &str, household: &str| {
            let mut body = worker_body(national_id, "03646");
            body["household_id"] = household.into();
            app.post("/api/v1/workers", Some(&area), &body)
        };
        let refused = link("014195000011", &elsewhere)?;
        let unknown = link("014195000012", "no-such-household")?;
        assert_eq!(refused.status, 422, "{backend}");
        assert_eq!(refused.field_errors(), unknown.field_errors(), "{backend}");
        assert_eq!(
            refused.field_errors(),
            [("household_id".to_owned(), "unknown_household".to_owned())]
        );
        assert_eq!(link("014195000013", &own)?.status, 201, "{backend}");
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
        let course = app.post(
            "/api/v1/courses",
            Some(&staff),
            &serde_json::json!({
                "provider": "Trường Cao đẳng Sơn La", "title": "Kỹ thuật chế biến chè",
                "leads_to": ["8153"], "level": "under_3_months", "commune_code": "03646",
                "starts_on": "2027-01-04", "ends_on": "2027-03-04", "capacity": 1
            }),
        )?;
        let course = course.body["id"].as_str().ok_or("course")?.to_owned();
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

// ---- guessing -------------------------------------------------------------------------------

fn login_from(
    address: &str,
    forwarded_for: Option<&str>,
    email: &str,
    password: &str,
) -> Result<u16, Box<dyn std::error::Error>> {
    let mut request = client()
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}));
    if let Some(client_address) = forwarded_for {
        request = request.header("x-forwarded-for", client_address);
    }
    Ok(request.send()?.status().as_u16())
}

#[test]
fn the_sign_in_throttle_stops_the_guesser_not_the_bystanders_and_counts_across_servers()
-> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let proxies = ketnoi::proxies::TrustedProxies::parse("127.0.0.1")?;
        let app = crate::helpers::spawn_app_with(db, proxies.clone())?;
        app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        app.sign_in_as("hoa@example.vn", "staff", Link::None)?;
        let second = app.sibling_with(proxies)?;
        let unproxied = app.sibling()?;
        let guesser = Some("203.0.113.7");
        // Five wrong passwords from one address, spread over two servers.
        for attempt in 0..5 {
            let server = if attempt % 2 == 0 {
                &app.address
            } else {
                &second
            };
            assert_eq!(
                login_from(server, guesser, "canbo@example.vn", "sai mật khẩu")?,
                401,
                "{backend}"
            );
        }
        for server in [&app.address, &second] {
            assert_eq!(
                login_from(server, guesser, "canbo@example.vn", PASSWORD)?,
                429,
                "{backend}: the guesser is stopped on every server, even with the password"
            );
        }
        assert_eq!(
            login_from(&second, guesser, "hoa@example.vn", PASSWORD)?,
            200,
            "{backend}: another account from the same address"
        );
        assert_eq!(
            login_from(
                &app.address,
                Some("198.51.100.20"),
                "canbo@example.vn",
                PASSWORD
            )?,
            200,
            "{backend}: the account's owner from elsewhere"
        );
        // Without a trusted proxy the header is the client's own word and is ignored: a server
        // that trusts none sees 127.0.0.1, which has not failed.
        assert_eq!(
            login_from(
                &unproxied,
                Some("203.0.113.7"),
                "canbo@example.vn",
                PASSWORD
            )?,
            200,
            "{backend}"
        );
    }
    Ok(())
}

#[test]
fn the_public_form_answers_alike_for_any_cccd_and_is_throttled() -> TestResult {
    use crate::pages::Visitor;
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let course = app.post(
            "/api/v1/courses",
            Some(&staff),
            &serde_json::json!({
                "provider": "Trường Cao đẳng Sơn La", "title": "Kỹ thuật chế biến chè",
                "leads_to": ["8153"], "level": "under_3_months", "commune_code": "03646",
                "starts_on": "2027-01-04", "ends_on": "2027-03-04", "capacity": 30
            }),
        )?;
        let course = course.body["id"].as_str().ok_or("course")?.to_owned();
        // Registered, born 1995-04-12.
        app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000051", "03646"),
        )?;
        let form = |national_id: &'static str, born: &'static str| {
            [
                ("full_name", "Hà Văn Thắm"),
                ("national_id", national_id),
                ("birth_date", born),
                ("gender", "male"),
                ("ethnicity_code", "03"),
                ("phone", "0966111333"),
                ("commune_code", "03646"),
            ]
        };
        let path = format!("/courses/{course}/enrol");
        let mut visitor = Visitor::new(&app)?;
        visitor.get(&path)?;
        let answers: Vec<(u16, bool)> = [
            form("014195000051", "1990-01-01"), // registered, wrong birth date
            form("014195000052", "1990-01-01"), // nobody
            form("014195000051", "1995-04-12"), // registered, right birth date
        ]
        .iter()
        .map(|fields| {
            visitor
                .post(&path, fields)
                .map(|page| (page.status, page.html.contains("id=\"enrolled\"")))
        })
        .collect::<Result<_, _>>()?;
        assert_eq!(
            answers,
            [(200, true); 3],
            "{backend}: the same answer for each"
        );
        // Missing fields are named whether or not the CCCD is registered.
        let mut registered_no_name = form("014195000051", "1995-04-12");
        registered_no_name[0] = ("full_name", "");
        let unnamed = visitor.post(&path, &registered_no_name)?;
        assert_eq!(unnamed.status, 422, "{backend}");

        // Staff see the application whose birth date did not agree, marked.
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let page = officer.get(&format!("/courses/{course}"))?;
        assert_eq!(
            page.html.matches("identity-unconfirmed").count(),
            1,
            "{backend}: {}",
            page.html
        );

        // Trying birth dates for one CCCD is stopped after a few, from anywhere.
        let mut guesser = Visitor::new(&app)?;
        guesser.get(&path)?;
        let mut statuses = Vec::new();
        for day in 1..=4 {
            let born = ["1995-04-01", "1995-04-02", "1995-04-03", "1995-04-04"][day - 1];
            statuses.push(guesser.post(&path, &form("014195000051", born))?.status);
        }
        assert_eq!(
            statuses,
            [200, 200, 429, 429],
            "{backend}: five a day per CCCD"
        );
        let stopped = guesser.post(&path, &form("014195000051", "1995-04-12"))?;
        assert!(stopped.html.contains("quá nhiều lượt đăng ký"), "{backend}");
    }
    Ok(())
}

// ---- state every server shares ---------------------------------------------------------------

#[test]
fn an_import_started_on_one_server_is_polled_on_another() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let second = app.sibling()?;
        let csv = "Họ và tên,Số CCCD,Ngày sinh,Giới tính,Dân tộc,Xã\n\
                   Lò Thị Ỏn,014195000071,12/04/1995,Nữ,Thái,03646\n\
                   Hà Văn Thắm,014195000072,01/02/1990,Nam,Thái,Xã Không Có\n";
        let started = upload(&app, &token, "lao-dong.csv", csv.as_bytes().to_vec())?;
        assert_eq!(started.status, 202, "{backend}: {:?}", started.body);
        let location = started
            .headers
            .get("location")
            .ok_or("no Location")?
            .to_str()?
            .to_owned();
        let elsewhere = crate::helpers::TestApp::url_on(&second, &location);
        let mut job = serde_json::Value::Null;
        for _ in 0..600 {
            job = Answer::from(client().get(&elsewhere).bearer_auth(&token).send()?)?.body;
            if job["status"] != "running" {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(job["status"], "done", "{backend}: {job}");
        assert_eq!(job["report"]["rejected"], 1, "{backend}: {job}");
        let workbook = client()
            .get(format!("{elsewhere}/errors.xlsx"))
            .bearer_auth(&token)
            .send()?;
        assert_eq!(workbook.status(), 200, "{backend}");
        assert!(workbook.bytes()?.starts_with(b"PK"));
        // Another officer does not see it, on either server.
        let other = app.sign_in_as("hoa@example.vn", "staff", Link::None)?;
        let hidden = client().get(&elsewhere).bearer_auth(&other).send()?;
        assert_eq!(hidden.status(), 404, "{backend}");
    }
    Ok(())
}

// ---- a person's own data -------------------------------------------------------------------

#[test]
fn staff_export_a_persons_data_and_record_a_withdrawal_of_consent() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let (employer_id, vacancy) = employer_with_vacancy(&app, &staff)?;
        let employer = app.sign_in_as("hr@maysonla.vn", "employer", Link::Employer(employer_id))?;
        let worker = app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000081", "03646"),
        )?;
        let worker = worker.body["id"].as_str().ok_or("worker")?.to_owned();
        app.search.sync()?;
        let referral = app.post(
            "/api/v1/referrals",
            Some(&staff),
            &serde_json::json!({"vacancy_id": vacancy, "worker_id": worker}),
        )?;
        assert_eq!(referral.status, 201, "{backend}: {:?}", referral.body);

        let exported = client()
            .get(app.url(&format!("/api/v1/workers/{worker}/personal-data")))
            .bearer_auth(&staff)
            .send()?;
        assert_eq!(exported.status(), 200, "{backend}");
        assert!(
            exported
                .headers()
                .get("content-disposition")
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.starts_with("attachment")),
            "{backend}: one file"
        );
        let document: serde_json::Value = exported.json()?;
        assert_eq!(document["person"]["full_name"], "Lò Thị Ỏn", "{backend}");
        assert_eq!(document["person"]["national_id"], "014195000081");
        assert_eq!(document["referrals"].as_array().map(Vec::len), Some(1));
        assert!(
            document["record_history"]
                .as_array()
                .is_some_and(|history| history.iter().any(|entry| entry["action"] == "create")),
            "{backend}: {document}"
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/workers/{worker}/personal-data"),
                Some(&employer)
            )?
            .status,
            403,
            "{backend}: an employer never exports a person"
        );
        // The export itself is in the record's history.
        let mut connection = app.db.migrated()?;
        let exports: Vec<(String, Option<String>, String)> =
            ketnoi::models::audit::for_record(&mut connection, "worker", &worker)?;
        assert!(
            exports.iter().any(|(action, _, _)| action == "export"),
            "{backend}"
        );

        // Consent withdrawn: the employer no longer reads the profile, matching leaves the
        // person out, and the employer's interview step sends the person nothing.
        let withdrawn = app.post(
            &format!("/api/v1/workers/{worker}/consent-withdrawal"),
            Some(&staff),
            &serde_json::json!({}),
        )?;
        assert_eq!(withdrawn.status, 200, "{backend}: {:?}", withdrawn.body);
        assert_eq!(withdrawn.body["consent_to_share"], false);
        assert!(
            withdrawn.body["consent_withdrawn_at"].is_string(),
            "{backend}"
        );
        app.search.sync()?;
        let matches = app.get(
            &format!("/api/v1/vacancies/{vacancy}/matches"),
            Some(&staff),
        )?;
        assert!(
            !matches.body.to_string().contains(&worker),
            "{backend}: not matched"
        );
        let seen = app.get(&format!("/api/v1/workers/{worker}"), Some(&employer))?;
        assert_eq!(seen.status, 404, "{backend}: no longer shared");
        let referral = referral.body["id"].as_str().ok_or("referral")?;
        let interview = app.patch(
            &format!("/api/v1/referrals/{referral}"),
            Some(&employer),
            &serde_json::json!({"status": "interview", "interview_at": "2027-01-05T08:30"}),
        )?;
        assert_eq!(interview.status, 200, "{backend}: {:?}", interview.body);
        use diesel::prelude::*;
        let to_worker: i64 = ketnoi::db::schema::outbox::table
            .filter(ketnoi::db::schema::outbox::recipient.eq("lothion@example.vn"))
            .count()
            .get_result(&mut connection)?;
        assert_eq!(to_worker, 0, "{backend}: nothing is sent to the person");
        // The records the counts rest on stay.
        let still = app.get(&format!("/api/v1/referrals/{referral}"), Some(&staff))?;
        assert_eq!(still.body["status"], "interview", "{backend}");
    }
    Ok(())
}
