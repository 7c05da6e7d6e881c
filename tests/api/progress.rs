//! Progress toward the targets, counted in a known world built by hand through the API.

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

use crate::helpers::{Link, TestApp, TestResult, client, spawn_app, test_dbs, worker_body};

pub(crate) type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

pub(crate) fn id(answer: &crate::helpers::Answer, what: &str) -> Fallible<String> {
    if !(200..300).contains(&answer.status) {
        return Err(format!("{what}: {} {}", answer.status, answer.body).into());
    }
    Ok(answer.body["id"].as_str().ok_or(what)?.to_owned())
}

/// A household whose status the server derives: `poor` (1.2 M VND, three deprivations),
/// `near_poor` (1.4 M, one) or `not_poor` (5 M).
pub(crate) fn household(
    app: &TestApp,
    staff: &str,
    code: &str,
    commune: &str,
    status: &str,
) -> Fallible<String> {
    let (income, deprivations): (i64, &[&str]) = match status {
        "poor" => (1_200_000, &["nutrition", "sanitation", "telecom"]),
        "near_poor" => (1_400_000, &["telecom"]),
        _ => (5_000_000, &[]),
    };
    let created = app.post(
        "/api/v1/households",
        Some(staff),
        &json!({
            "code": code,
            "commune_code": commune,
            "head_name": "Hà Văn Thắm",
            "ethnicity_code": "03",
            "members": 5,
            "income_per_person_vnd": income,
            "urban": false,
            "deprivations": deprivations,
            "review_year": 2022
        }),
    )?;
    assert_eq!(created.body["status"], status, "{}", created.body);
    id(&created, "household")
}

pub(crate) struct Person<'a> {
    pub(crate) n: u32,
    pub(crate) commune: &'a str,
    pub(crate) household: Option<&'a str>,
    pub(crate) gender: &'a str,
    pub(crate) ethnicity: &'a str,
    pub(crate) overseas: bool,
}

pub(crate) fn worker(app: &TestApp, staff: &str, person: Person) -> Fallible<String> {
    let mut body = worker_body(&format!("0141960{:05}", person.n), person.commune);
    body["full_name"] = format!("Lò Văn Số {}", person.n).into();
    body["household_id"] = person.household.into();
    body["gender"] = person.gender.into();
    body["ethnicity_code"] = person.ethnicity.into();
    body["willing_overseas"] = person.overseas.into();
    id(&app.post("/api/v1/workers", Some(staff), &body)?, "worker")
}

pub(crate) fn vacancy(
    app: &TestApp,
    staff: &str,
    employer: &str,
    country: Option<&str>,
) -> Fallible<String> {
    let mut body = json!({
        "employer_id": employer,
        "title": "Công nhân may công nghiệp",
        "occupation_code": "8153",
        "positions": 1,
        "commune_code": "03649",
        "min_age": 18,
        "max_age": 45
    });
    if let Some(country) = country {
        body["is_overseas"] = true.into();
        body["country"] = country.into();
        body["commune_code"] = Value::Null;
    }
    id(
        &app.post("/api/v1/vacancies", Some(staff), &body)?,
        "vacancy",
    )
}

/// Refers and hires; returns the referral id and the placement id.
pub(crate) fn hire(
    app: &TestApp,
    staff: &str,
    vacancy: &str,
    worker: &str,
    start: &str,
) -> Fallible<(String, String)> {
    let referral = id(
        &app.post(
            "/api/v1/referrals",
            Some(staff),
            &json!({"vacancy_id": vacancy, "worker_id": worker}),
        )?,
        "referral",
    )?;
    let hired = app.patch(
        &format!("/api/v1/referrals/{referral}"),
        Some(staff),
        &json!({"status": "hired", "start_date": start, "wage_vnd": 6_500_000}),
    )?;
    assert_eq!(hired.status, 200, "{}", hired.body);
    Ok((
        referral,
        hired.body["placement_id"]
            .as_str()
            .ok_or("placement")?
            .to_owned(),
    ))
}

pub(crate) fn figure<'a>(progress: &'a Value, key: &str) -> &'a Value {
    progress["targets"]
        .as_array()
        .and_then(|targets| targets.iter().find(|target| target["key"] == key))
        .unwrap_or(&Value::Null)
}

fn listed(app: &TestApp, token: &str, query: &str) -> Fallible<(i64, BTreeSet<String>)> {
    let page = app.get(
        &format!("/api/v1/progress/records?{query}&limit=500"),
        Some(token),
    )?;
    assert_eq!(page.status, 200, "{query}: {}", page.body);
    let ids = page.body["records"]
        .as_array()
        .ok_or("records")?
        .iter()
        .filter_map(|record| record["id"].as_str().map(str::to_owned))
        .collect();
    Ok((page.body["total"].as_i64().ok_or("total")?, ids))
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|id| (*id).clone()).collect()
}

#[test]
fn a_known_world_is_counted_exactly() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let settings = db.settings();
        let app = spawn_app(db)?;
        // District 118 is a poor district; commune 03700 lies in it, 03649 does not.
        let mut connection = app.db.migrated()?;
        ketnoi::models::admin_units::set_poor_area(&mut connection, &["118".to_owned()], true)
            .map_err(|error| format!("{error:?}"))?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({
                    "name": "Công ty Cung ứng Nhân lực Tây Bắc",
                    "tax_code": "5500111222",
                    "kind": "overseas_agency",
                    "commune_code": "03649",
                    "address": "Tổ 5",
                    "contact_name": "Quàng Thị Xuân",
                    "contact_phone": "0987000111"
                }),
            )?,
            "employer",
        )?;

        let h1 = household(&app, &staff, "HN-01", "03649", "poor")?;
        let h2 = household(&app, &staff, "HN-02", "03649", "near_poor")?;
        let h3 = household(&app, &staff, "HN-03", "03649", "not_poor")?;
        let h4 = household(&app, &staff, "HN-04", "03649", "near_poor")?;
        let h5 = household(&app, &staff, "HN-05", "03700", "poor")?;
        let person = |n, commune, household, gender, ethnicity, overseas| Person {
            n,
            commune,
            household,
            gender,
            ethnicity,
            overseas,
        };
        let a = worker(
            &app,
            &staff,
            person(1, "03649", Some(h1.as_str()), "female", "03", false),
        )?;
        let b = worker(
            &app,
            &staff,
            person(2, "03649", Some(h2.as_str()), "male", "03", false),
        )?;
        let c = worker(
            &app,
            &staff,
            person(3, "03649", Some(h3.as_str()), "male", "01", false),
        )?;
        let d = worker(
            &app,
            &staff,
            person(4, "03700", None, "female", "03", false),
        )?;
        let e = worker(
            &app,
            &staff,
            person(5, "03649", Some(h1.as_str()), "male", "03", true),
        )?;
        let f = worker(
            &app,
            &staff,
            person(6, "03649", None, "female", "01", false),
        )?;
        let g = worker(
            &app,
            &staff,
            person(7, "03649", Some(h3.as_str()), "female", "01", false),
        )?;
        let h = worker(
            &app,
            &staff,
            person(8, "03700", Some(h5.as_str()), "female", "03", false),
        )?;
        app.search.sync()?;

        // A is placed three times and counts once, in 2022, with the poor snapshot.
        let (_, a_first) = hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &a,
            "2022-03-01",
        )?;
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &a,
            "2023-05-01",
        )?;
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &a,
            "2024-02-01",
        )?;
        // Confirmed still employed six months after A's first placement: household 1 is covered.
        let follow_ups = app.get("/api/v1/follow-ups?limit=200", Some(&staff))?;
        let six_months = follow_ups
            .body
            .as_array()
            .ok_or("follow-ups")?
            .iter()
            .find(|follow_up| {
                follow_up["placement_id"] == a_first.as_str()
                    && follow_up["months_after_start"] == 6
            });
        let six_months = six_months
            .and_then(|follow_up| follow_up["id"].as_str())
            .ok_or("6-month follow-up")?;
        let confirmed = app.patch(
            &format!("/api/v1/follow-ups/{six_months}"),
            Some(&staff),
            &json!({"outcome": "still_employed", "recorded_on": "2022-09-05"}),
        )?;
        assert_eq!(confirmed.status, 200, "{backend}: {}", confirmed.body);
        // B is hired while near-poor; the household then leaves poverty: B still counts.
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &b,
            "2024-06-01",
        )?;
        let escaped = app.patch(
            &format!("/api/v1/households/{h2}"),
            Some(&staff),
            &json!({"income_per_person_vnd": 5_000_000, "deprivations": []}),
        )?;
        assert_eq!(
            escaped.body["status"], "not_poor",
            "{backend}: {}",
            escaped.body
        );
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &c,
            "2025-01-10",
        )?;
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &h,
            "2025-06-01",
        )?;
        // F's hire is withdrawn: F counts nowhere.
        let (f_referral, _) = hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &f,
            "2024-08-01",
        )?;
        let withdrawn = app.patch(
            &format!("/api/v1/referrals/{f_referral}"),
            Some(&staff),
            &json!({"status": "withdrawn", "reason": "Người lao động không đến nhận việc"}),
        )?;
        assert_eq!(withdrawn.status, 200, "{backend}: {}", withdrawn.body);

        // E goes to Korea: training, the hire (contract), departure.
        let abroad = vacancy(&app, &staff, &employer, Some("KR"))?;
        let e_referral = id(
            &app.post(
                "/api/v1/referrals",
                Some(&staff),
                &json!({"vacancy_id": abroad, "worker_id": e}),
            )?,
            "overseas referral",
        )?;
        let stages = format!("/api/v1/referrals/{e_referral}/overseas-stages");
        let early = app.post(
            &stages,
            Some(&staff),
            &json!({"stage": "contract", "reached_on": "2025-02-20"}),
        )?;
        assert_eq!(
            early.status, 409,
            "{backend}: a contract needs the hire: {}",
            early.body
        );
        let trained = app.post(
            &stages,
            Some(&staff),
            &json!({"stage": "training", "reached_on": "2024-11-01"}),
        )?;
        assert_eq!(trained.status, 201, "{backend}: {}", trained.body);
        let hired = app.patch(
            &format!("/api/v1/referrals/{e_referral}"),
            Some(&staff),
            &json!({"status": "hired", "start_date": "2025-03-01"}),
        )?;
        assert_eq!(hired.status, 200, "{backend}: {}", hired.body);
        let skipped = app.post(
            &stages,
            Some(&staff),
            &json!({"stage": "departure", "reached_on": "2025-03-15"}),
        )?;
        assert_eq!(
            skipped.status, 409,
            "{backend}: departure before contract: {}",
            skipped.body
        );
        for (stage, day) in [("contract", "2025-02-20"), ("departure", "2025-03-15")] {
            let recorded = app.post(
                &stages,
                Some(&staff),
                &json!({"stage": stage, "reached_on": day}),
            )?;
            assert_eq!(
                recorded.status, 201,
                "{backend}: {stage}: {}",
                recorded.body
            );
        }
        let cannot = app.patch(
            &format!("/api/v1/referrals/{e_referral}"),
            Some(&staff),
            &json!({"status": "withdrawn", "reason": "Hủy"}),
        )?;
        assert_eq!(
            cannot.status, 409,
            "{backend}: a departed worker's hire stands"
        );

        // D (poor district) and G (not) complete a course in 2024: only D counts.
        let course = id(
            &app.post(
                "/api/v1/courses",
                Some(&staff),
                &json!({
                    "provider": "Trường Cao đẳng Sơn La",
                    "title": "May công nghiệp sơ cấp",
                    "leads_to": ["8153"],
                    "level": "elementary",
                    "commune_code": "03649",
                    "starts_on": "2024-08-01",
                    "ends_on": "2024-10-30",
                    "capacity": 30,
                    "status": "open"
                }),
            )?,
            "course",
        )?;
        for (trainee, day) in [(&d, "2024-11-20"), (&g, "2024-10-01")] {
            let enrolment = id(
                &app.post(
                    &format!("/api/v1/courses/{course}/enrollments"),
                    Some(&staff),
                    &json!({"worker_id": trainee}),
                )?,
                "enrolment",
            )?;
            for step in ["enrolled", "attending"] {
                app.patch(
                    &format!("/api/v1/enrollments/{enrolment}"),
                    Some(&staff),
                    &json!({"status": step}),
                )?;
            }
            let done = app.patch(
                &format!("/api/v1/enrollments/{enrolment}"),
                Some(&staff),
                &json!({"status": "completed", "completed_on": day}),
            )?;
            assert_eq!(done.status, 200, "{backend}: {}", done.body);
        }
        // A was counselled in 2023.
        let served = app.post(
            &format!("/api/v1/workers/{a}/service-records"),
            Some(&staff),
            &json!({"kind": "counselling", "provided_on": "2023-01-05"}),
        )?;
        assert_eq!(served.status, 201, "{backend}: {}", served.body);

        let answer = app.get("/api/v1/progress?period=2021-2025", Some(&staff))?;
        assert_eq!(answer.status, 200, "{backend}: {}", answer.body);
        let progress = answer.body;
        let actual = |key: &str| figure(&progress, key)["actual"].as_f64().unwrap_or(-1.0);
        assert_eq!(actual("connected_workers"), 5.0, "{backend}: {progress}");
        // A, B (near-poor when hired), E and H of five.
        assert_eq!(actual("connected_target_share"), 80.0, "{backend}");
        assert_eq!(figure(&progress, "connected_target_share")["met"], true);
        assert_eq!(actual("trained_poor_districts"), 1.0, "{backend}");
        assert_eq!(actual("overseas_contract"), 1.0, "{backend}");
        // Households 1, 4 and 5 are poor or near-poor now; only 1 has sustainable employment.
        assert_eq!(figure(&progress, "household_employment")["numerator"], 1);
        assert_eq!(figure(&progress, "household_employment")["denominator"], 3);
        assert_eq!(actual("household_employment"), 33.33, "{backend}");
        assert_eq!(actual("counselled"), 100.0, "{backend}");
        assert_eq!(figure(&progress, "connected_workers")["percent"], 0.01);
        // The period is over: the projection is what was reached.
        assert_eq!(figure(&progress, "connected_workers")["projection"], 5.0);

        let years: Vec<(String, i64)> = progress["breakdowns"]["year"]
            .as_array()
            .ok_or("years")?
            .iter()
            .filter(|row| row["connected_workers"].as_i64().unwrap_or(0) > 0)
            .map(|row| {
                (
                    row["value"].as_str().unwrap_or("").to_owned(),
                    row["connected_workers"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(
            years,
            vec![
                ("2022".to_owned(), 1),
                ("2024".to_owned(), 1),
                ("2025".to_owned(), 3)
            ],
            "{backend}: per-year figures sum to the total"
        );
        let by = |dimension: &str, value: &str, field: &str| -> i64 {
            progress["breakdowns"][dimension]
                .as_array()
                .and_then(|rows| rows.iter().find(|row| row["value"] == value))
                .and_then(|row| row[field].as_i64())
                .unwrap_or(0)
        };
        assert_eq!(by("household_status", "poor", "connected_workers"), 3);
        assert_eq!(by("household_status", "near_poor", "connected_workers"), 1);
        assert_eq!(by("household_status", "not_poor", "connected_workers"), 1);
        assert_eq!(by("ethnicity", "kinh", "connected_workers"), 1);
        assert_eq!(by("ethnicity", "minority", "connected_workers"), 4);
        assert_eq!(by("gender", "female", "connected_workers"), 2);
        assert_eq!(by("gender", "male", "connected_workers"), 3);
        assert_eq!(by("country", "KR", "overseas_contract"), 1);
        assert_eq!(by("district", "118", "trained_poor_districts"), 1);
        assert_eq!(by("district", "116", "connected_workers"), 4);

        // Every figure's list holds exactly the records counted.
        let lists = [
            ("connected_workers", set(&[&a, &b, &c, &e, &h])),
            ("connected_target_share", set(&[&a, &b, &e, &h])),
            ("trained_poor_districts", set(&[&d])),
            ("overseas_contract", set(&[&e])),
            ("household_employment", set(&[&h1])),
            ("counselled", set(&[&a])),
        ];
        for (key, expected) in &lists {
            let (total, ids) = listed(&app, &staff, &format!("period=2021-2025&key={key}"))?;
            assert_eq!(&ids, expected, "{backend}: {key}");
            assert_eq!(
                total,
                figure(&progress, key)["numerator"].as_i64().unwrap_or(-1),
                "{backend}: {key}"
            );
        }
        let (in_2025, ids) = listed(
            &app,
            &staff,
            "period=2021-2025&key=connected_workers&year=2025",
        )?;
        assert_eq!((in_2025, ids), (3, set(&[&c, &e, &h])), "{backend}");
        let outreach = app.get("/api/v1/progress/outreach?period=2021-2025", Some(&staff))?;
        let reasons: Vec<(String, String)> = outreach.body["households"]
            .as_array()
            .ok_or("outreach")?
            .iter()
            .map(|row| {
                (
                    row["household_id"].as_str().unwrap_or("").to_owned(),
                    row["reason"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let mut expected_reasons = vec![
            (h4.clone(), "not_registered".to_owned()),
            (h5.clone(), "not_confirmed".to_owned()),
        ];
        expected_reasons.sort();
        let mut reasons = reasons;
        reasons.sort();
        assert_eq!(reasons, expected_reasons, "{backend}: {}", outreach.body);

        // Filters: a district, a year, a half-year; bad ones are named.
        let district = app
            .get(
                "/api/v1/progress?period=2021-2025&district=118",
                Some(&staff),
            )?
            .body;
        assert_eq!(
            figure(&district, "connected_workers")["actual"],
            1.0,
            "{backend}"
        );
        assert_eq!(figure(&district, "trained_poor_districts")["actual"], 1.0);
        // One commune is summed from its facts, a district from the district counts: same rules.
        let commune = app
            .get(
                "/api/v1/progress?period=2021-2025&commune=03700",
                Some(&staff),
            )?
            .body;
        assert_eq!(
            figure(&commune, "connected_workers")["actual"],
            1.0,
            "{backend}: {commune}"
        );
        assert_eq!(figure(&commune, "trained_poor_districts")["actual"], 1.0);
        assert_eq!(figure(&commune, "household_employment")["denominator"], 1);
        let officer = app.sign_in_as("huyen@example.vn", "staff", Link::Area("116".into()))?;
        let area = app
            .get("/api/v1/progress?period=2021-2025", Some(&officer))?
            .body;
        assert_eq!(
            figure(&area, "connected_workers")["actual"],
            4.0,
            "{backend}: {area}"
        );
        assert_eq!(figure(&area, "trained_poor_districts")["actual"], 0.0);
        let half = app
            .get("/api/v1/progress?period=2025-H1", Some(&staff))?
            .body;
        assert_eq!(
            figure(&half, "connected_workers")["actual"],
            3.0,
            "{backend}: {half}"
        );
        for (query, field, code) in [
            ("period=1990-1995", "period", "unknown_period"),
            ("period=2021-2025&year=2019", "year", "year_outside_period"),
            ("period=2021-2025&district=999", "district", "unknown_area"),
            ("period=2021-2025&year=abc", "year", "invalid_type"),
        ] {
            let refused = app.get(&format!("/api/v1/progress?{query}"), Some(&staff))?;
            assert_eq!(refused.status, 422, "{backend}: {query}");
            assert!(
                refused
                    .field_errors()
                    .contains(&(field.into(), code.into())),
                "{backend}: {query}: {}",
                refused.body
            );
        }
        let english = client()
            .get(app.url("/api/v1/progress?period=2021-2025"))
            .bearer_auth(&staff)
            .header("Accept-Language", "en")
            .send()?
            .json::<Value>()?;
        assert_eq!(
            figure(&english, "overseas_contract")["description"],
            "150 workers sent abroad on labour contracts"
        );

        // Only admins and staff see progress.
        let hr = app.sign_in_as(
            "hr@example.vn",
            "employer",
            Link::Employer(employer.clone()),
        )?;
        assert_eq!(app.get("/api/v1/progress", Some(&hr))?.status, 403);
        assert_eq!(app.get("/api/v1/progress", None)?.status, 401);

        // The chart and the report say the same.
        let chart = client()
            .get(app.url("/api/v1/progress/chart.svg?period=2021-2025"))
            .bearer_auth(&staff)
            .send()?;
        assert_eq!(chart.headers()["content-type"], "image/svg+xml");
        let svg = chart.text()?;
        assert!(
            svg.starts_with("<svg") && svg.contains("Lũy kế"),
            "{backend}"
        );
        let workbook = client()
            .get(app.url("/api/v1/reports/2021-2025.xlsx"))
            .bearer_auth(&staff)
            .send()?;
        assert_eq!(workbook.status(), 200, "{backend}");
        let mut xlsx: Xlsx<_> =
            calamine::open_workbook_from_rs(Cursor::new(workbook.bytes()?.to_vec()))?;
        let targets = xlsx.worksheet_range("Chỉ tiêu")?;
        let header: Vec<String> = targets
            .rows()
            .next()
            .ok_or("header")?
            .iter()
            .map(|cell| cell.to_string())
            .collect();
        assert_eq!(header[0], "Mã chỉ tiêu");
        let column = header
            .iter()
            .position(|name| name == "Thực hiện trong kỳ")
            .ok_or("actual column")?;
        for row in targets.rows().skip(1) {
            let key = row[0].to_string();
            let Data::Float(value) = row[column] else {
                return Err(format!("{key}: not a number: {:?}", row[column]).into());
            };
            assert_eq!(value, actual(&key), "{backend}: {key} in the workbook");
        }
        assert_eq!(
            targets.rows().count(),
            11,
            "{backend}: the plan's six, the area share, the two training rates, the models and a header"
        );
        let connected_sheet = xlsx.worksheet_range("DS kết nối việc làm")?;
        assert_eq!(
            connected_sheet.rows().count(),
            6,
            "{backend}: five people and a header"
        );
        let years = xlsx.worksheet_range("Theo năm")?;
        let per_year: f64 = years
            .rows()
            .skip(1)
            .filter_map(|row| calamine::DataType::get_float(&row[2]))
            .sum();
        assert_eq!(per_year, 5.0, "{backend}");
        let bad = app.get("/api/v1/reports/2021-2025.pdf", Some(&staff))?;
        assert!(
            bad.field_errors()
                .contains(&("format".into(), "invalid_choice".into()))
        );

        // `ketnoi report` writes the same figures from the command line.
        let out = app.db.folder.path().join("bao-cao.csv");
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
            .args(["report", "--period", "2025-H1", "--format", "csv", "--out"])
            .arg(&out)
            .env("DATABASE_URL", settings.database_url.to_string())
            .env("KETNOI_INDEX_DIR", &settings.index_dir)
            .output()?;
        assert!(
            status.status.success(),
            "{backend}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let csv = std::fs::read_to_string(&out)?;
        assert!(csv.starts_with("Phần,Mã,Nhóm,Chỉ số,Giá trị"), "{csv}");
        assert!(csv.contains("Chỉ tiêu,connected_workers,Hỗ trợ kết nối việc làm thành công cho ít nhất 100.000 lao động,Thực hiện trong kỳ,3"), "{csv}");

        // Derived again from scratch, every figure is the same.
        let before = app
            .get("/api/v1/progress?period=2021-2025", Some(&staff))?
            .body;
        ketnoi::progress::facts::rebuild(&mut connection, &mut |_| {})?;
        let after = app
            .get("/api/v1/progress?period=2021-2025", Some(&staff))?
            .body;
        assert_eq!(before["targets"], after["targets"], "{backend}");
        assert_eq!(before["breakdowns"], after["breakdowns"], "{backend}");
    }
    Ok(())
}

#[test]
fn unanswered_referrals_are_flagged_then_closed() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({
                    "name": "Hợp tác xã Chè Mộc Châu",
                    "tax_code": "5500333444",
                    "kind": "cooperative",
                    "commune_code": "03649",
                    "address": "Bản Áng",
                    "contact_name": "Lường Văn Sơn",
                    "contact_phone": "0987000222"
                }),
            )?,
            "employer",
        )?;
        let first = worker(
            &app,
            &staff,
            Person {
                n: 11,
                commune: "03649",
                household: None,
                gender: "male",
                ethnicity: "03",
                overseas: false,
            },
        )?;
        let second = worker(
            &app,
            &staff,
            Person {
                n: 12,
                commune: "03649",
                household: None,
                gender: "female",
                ethnicity: "03",
                overseas: false,
            },
        )?;
        let mut body = json!({
            "employer_id": employer, "title": "Công nhân hái chè", "occupation_code": "9211",
            "positions": 3, "commune_code": "03649", "min_age": 18, "max_age": 50
        });
        let vacancy = id(
            &app.post("/api/v1/vacancies", Some(&staff), &body)?,
            "vacancy",
        )?;
        body["title"] = "Công nhân chế biến chè".into();
        let answered_vacancy = id(
            &app.post("/api/v1/vacancies", Some(&staff), &body)?,
            "vacancy",
        )?;
        app.search.sync()?;
        let quiet = id(
            &app.post(
                "/api/v1/referrals",
                Some(&staff),
                &json!({"vacancy_id": vacancy, "worker_id": first}),
            )?,
            "referral",
        )?;
        let answered = id(
            &app.post(
                "/api/v1/referrals",
                Some(&staff),
                &json!({"vacancy_id": answered_vacancy, "worker_id": second}),
            )?,
            "referral",
        )?;
        let hr = app.sign_in_as("hr@example.vn", "employer", Link::Employer(employer))?;
        assert_eq!(
            app.patch(
                &format!("/api/v1/referrals/{answered}"),
                Some(&hr),
                &json!({"status": "interview"})
            )?
            .status,
            200
        );

        let mut connection = app.db.migrated()?;
        let policy = ketnoi::hiring::pipeline::UnansweredPolicy {
            flag_after_days: 14,
            close_after_days: 30,
        };
        let now = chrono::Utc::now().naive_utc();
        let swept = ketnoi::hiring::pipeline::sweep_unanswered(
            &mut connection,
            policy,
            now + chrono::Duration::days(10),
        )?;
        assert_eq!(
            (swept.flagged, swept.closed),
            (0, 0),
            "{backend}: too early"
        );
        let swept = ketnoi::hiring::pipeline::sweep_unanswered(
            &mut connection,
            policy,
            now + chrono::Duration::days(15),
        )?;
        assert_eq!(
            (swept.flagged, swept.closed),
            (1, 0),
            "{backend}: the unanswered one is flagged"
        );
        let stale = app.get("/api/v1/referrals?stale=true", Some(&staff))?;
        let ids: Vec<&str> = stale
            .body
            .as_array()
            .ok_or("list")?
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert_eq!(ids, vec![quiet.as_str()], "{backend}");
        let swept = ketnoi::hiring::pipeline::sweep_unanswered(
            &mut connection,
            policy,
            now + chrono::Duration::days(31),
        )?;
        assert_eq!(swept.closed, 1, "{backend}");
        let closed = app
            .get(&format!("/api/v1/referrals/{quiet}"), Some(&staff))?
            .body;
        assert_eq!(closed["status"], "withdrawn");
        assert_eq!(closed["closed_unanswered"], true);
        let kept = app
            .get(&format!("/api/v1/referrals/{answered}"), Some(&staff))?
            .body;
        assert_eq!(
            kept["status"], "interview",
            "{backend}: an answered referral stays open"
        );
        assert!(
            app.get("/api/v1/referrals?stale=true", Some(&staff))?
                .body
                .as_array()
                .is_some_and(Vec::is_empty)
        );
    }
    Ok(())
}

/// id, worker, start, household snapshot, country, referral.
type PlacementFacts = (
    String,
    String,
    chrono::NaiveDate,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The demo's figures, recounted here in plain queries independent of the progress facts.
#[test]
fn demo_figures_agree_with_a_plain_recount() -> TestResult {
    use std::collections::{HashMap, HashSet};

    use chrono::NaiveDate;
    use diesel::prelude::*;
    use ketnoi::db::schema::{admin_units, enrollments, overseas_stages, placements, referrals};
    use ketnoi::i18n::Lang;
    use ketnoi::progress::figures::{self, Selection};

    for db in test_dbs() {
        let backend = db.backend_name();
        let mut connection = db.migrated()?;
        ketnoi::demo::generate(
            &mut connection,
            ketnoi::demo::DemoOptions {
                workers: 1_500,
                seed: 4,
                show_progress: false,
            },
        )?;
        let (from, to) = (
            NaiveDate::from_ymd_opt(2021, 1, 1).ok_or("day")?,
            NaiveDate::from_ymd_opt(2025, 12, 31).ok_or("day")?,
        );
        // 2021–2025 counts wage jobs as connections (its rule); work of one's own does not.
        let active: Vec<PlacementFacts> = placements::table
            .filter(placements::status.eq("active"))
            .filter(placements::kind.eq("wage_job"))
            .filter(placements::start_date.between(from, to))
            .select((
                placements::id,
                placements::worker_id,
                placements::start_date,
                placements::household_status_snapshot,
                placements::country,
                placements::referral_id,
            ))
            .load(&mut connection)?;
        let mut first: HashMap<&str, (NaiveDate, &str, Option<&str>)> = HashMap::new();
        for (id, worker, start, snapshot, _, _) in &active {
            let entry = first
                .entry(worker)
                .or_insert((*start, id, snapshot.as_deref()));
            if (*start, id.as_str()) < (entry.0, entry.1) {
                *entry = (*start, id, snapshot.as_deref());
            }
        }
        let connected = first.len() as f64;
        let target = first
            .values()
            .filter(|(_, _, status)| matches!(status, Some("poor" | "near_poor" | "newly_escaped")))
            .count() as f64;
        let departed: HashSet<String> = overseas_stages::table
            .filter(overseas_stages::stage.eq("departure"))
            .filter(overseas_stages::reached_on.between(from, to))
            .select(overseas_stages::referral_id)
            .load::<String>(&mut connection)?
            .into_iter()
            .collect();
        let all_active: Vec<(String, Option<String>, Option<String>)> = placements::table
            .filter(placements::status.eq("active"))
            .select((
                placements::worker_id,
                placements::country,
                placements::referral_id,
            ))
            .load(&mut connection)?;
        let overseas = all_active
            .iter()
            .filter(|(_, country, referral)| {
                country.is_some() && referral.as_ref().is_some_and(|r| departed.contains(r))
            })
            .map(|(worker, _, _)| worker)
            .collect::<HashSet<_>>()
            .len() as f64;
        let units: Vec<(String, bool, Option<String>)> = admin_units::table
            .select((
                admin_units::id,
                admin_units::poor_area,
                admin_units::parent_id,
            ))
            .load(&mut connection)?;
        let flagged: HashSet<&str> = units.iter().filter(|u| u.1).map(|u| u.0.as_str()).collect();
        let poor: HashSet<&str> = units
            .iter()
            .filter(|u| {
                flagged.contains(u.0.as_str())
                    || u.2.as_deref().is_some_and(|p| flagged.contains(p))
            })
            .map(|u| u.0.as_str())
            .collect();
        let completed: Vec<(String, String)> = enrollments::table
            .filter(enrollments::completed_on.between(from, to))
            .select((enrollments::worker_id, enrollments::commune_id_at_enrolment))
            .load(&mut connection)?;
        let trained = completed
            .iter()
            .filter(|(_, commune)| poor.contains(commune.as_str()))
            .map(|(worker, _)| worker)
            .collect::<HashSet<_>>()
            .len() as f64;
        let _ = referrals::table;

        let selection = Selection {
            period: "2021-2025".into(),
            label: "2021-2025".into(),
            ..Selection::default()
        };
        let today = chrono::Utc::now().date_naive();
        let progress = figures::compute(&mut connection, &selection, Lang::Vi, today)
            .map_err(|error| error.describe(Lang::En))?;
        let actual = |key: &str| {
            progress
                .targets
                .iter()
                .find(|figure| figure.key == key)
                .map_or(-1.0, |figure| figure.actual)
        };
        assert!(
            connected > 100.0,
            "{backend}: the demo places people ({connected})"
        );
        assert!(
            overseas > 0.0 && trained > 0.0,
            "{backend}: {overseas} abroad, {trained} trained"
        );
        assert_eq!(actual("connected_workers"), connected, "{backend}");
        let share = (target * 100.0 / connected * 100.0).round() / 100.0;
        assert_eq!(actual("connected_target_share"), share, "{backend}");
        assert_eq!(actual("overseas_contract"), overseas, "{backend}");
        assert_eq!(actual("trained_poor_districts"), trained, "{backend}");
        let by_year: i64 = progress
            .breakdowns
            .year
            .iter()
            .map(|row| row.connected_workers)
            .sum();
        assert_eq!(
            by_year as f64, connected,
            "{backend}: years add up to the period"
        );
        let by_district: i64 = progress
            .breakdowns
            .district
            .iter()
            .map(|row| row.trained_poor_districts)
            .sum();
        assert_eq!(
            by_district as f64, trained,
            "{backend}: districts add up too"
        );
    }
    Ok(())
}
