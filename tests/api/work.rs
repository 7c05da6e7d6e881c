//! Work outside a posted vacancy: a household's only member starts raising pigs in a livelihood
//! model and the household counts as covered once a 6-month follow-up confirms the work and its
//! income; a self-employed start in 2027 counts toward 2026–2030 "connected" only when that
//! period's rule says so; withdrawing a record reverses every count it made.

use serde_json::{Value, json};

use crate::helpers::{Link, TestApp, TestResult, spawn_app, test_dbs};
use crate::pages::Visitor;
use crate::progress::{Person, figure, household, id, worker};

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// (connected workers, covered households) of 2026–2030.
fn counts(app: &TestApp, token: &str) -> Fallible<(i64, i64)> {
    let answer = app.get("/api/v1/progress?period=2026-2030", Some(token))?;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let numerator = |key: &str| {
        figure(&answer.body, key)["numerator"]
            .as_i64()
            .unwrap_or(-1)
    };
    Ok((
        numerator("connected_workers"),
        numerator("household_employment"),
    ))
}

/// The follow-up of `placement` due `months` after its start.
fn follow_up(app: &TestApp, token: &str, placement: &str, months: i64) -> Fallible<Option<Value>> {
    let listed = app.get("/api/v1/follow-ups?limit=200", Some(token))?;
    Ok(listed.body.as_array().and_then(|items| {
        items
            .iter()
            .find(|item| item["placement_id"] == placement && item["months_after_start"] == months)
            .cloned()
    }))
}

#[test]
fn work_outside_vacancies_counts_by_the_periods_rule_and_withdrawing_reverses_it() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let admin = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let poor = household(&app, &staff, "MH-01", "03649", "poor")?;
        let person = |n: u32, household: Option<&'static str>| Person {
            n,
            commune: "03649",
            household,
            gender: "female",
            ethnicity: "03",
            overseas: false,
        };
        let breeder = worker(
            &app,
            &staff,
            Person {
                household: Some(&poor),
                ..person(1, None)
            },
        )?;
        let grower = worker(&app, &staff, person(2, None))?;
        assert_eq!(counts(&app, &admin)?, (0, 0), "{backend}");

        // Refused beside their fields, nothing written: a wage job (that goes through a
        // vacancy), no occupation, a negative income; an employer may not record work; an
        // officer of another area does not see the worker.
        let refused = app.post(
            &format!("/api/v1/workers/{breeder}/work"),
            Some(&staff),
            &json!({"kind": "wage_job", "start_date": "2026-03-01", "expected_income_vnd": -1}),
        )?;
        assert_eq!(refused.status, 422, "{backend}: {}", refused.body);
        let mut fields: Vec<String> = refused.field_errors().into_iter().map(|(f, _)| f).collect();
        fields.sort();
        assert_eq!(
            fields,
            ["expected_income_vnd", "kind", "occupation_code"],
            "{backend}"
        );
        let employer = app.sign_in_as("tuyendung@example.vn", "employer", Link::Employer(
            id(&app.post("/api/v1/employers", Some(&staff), &json!({"name": "HTX Chăn nuôi Mường Bú", "tax_code": "5500123987", "kind": "cooperative", "contact_name": "Lò Văn Pấng"}))?, "employer")?,
        ))?;
        let pigs = json!({"kind": "livelihood_model", "start_date": "2026-03-01",
            "occupation_code": "6121", "activity": "Nuôi lợn thịt theo mô hình giảm nghèo",
            "expected_income_vnd": 2_500_000, "place": "Bản Lướt"});
        let walled = app.post(
            &format!("/api/v1/workers/{breeder}/work"),
            Some(&employer),
            &pigs,
        )?;
        assert_eq!(walled.status, 403, "{backend}");
        let elsewhere = app.sign_in_as("canbo.xa@example.vn", "staff", Link::Area("127".into()))?;
        let hidden = app.post(
            &format!("/api/v1/workers/{breeder}/work"),
            Some(&elsewhere),
            &pigs,
        )?;
        assert_eq!(hidden.status, 404, "{backend}");
        let none = app.get(&format!("/api/v1/workers/{breeder}/work"), Some(&staff))?;
        assert_eq!(none.body, json!([]), "{backend}");

        // The only member of a poor household starts raising pigs in a livelihood model.
        let created = app.post(
            &format!("/api/v1/workers/{breeder}/work"),
            Some(&staff),
            &pigs,
        )?;
        assert_eq!(created.status, 201, "{backend}: {}", created.body);
        let work = id(&created, "work")?;
        assert_eq!(
            created
                .headers
                .get("location")
                .and_then(|value| value.to_str().ok()),
            Some(format!("/api/v1/work/{work}").as_str())
        );
        assert_eq!(
            (
                created.body["kind"].as_str(),
                created.body["household_status_snapshot"].as_str()
            ),
            (Some("livelihood_model"), Some("poor")),
            "{backend}"
        );
        // Not connected (2026–2030 counts wage jobs only), not yet sustained.
        assert_eq!(counts(&app, &admin)?, (0, 0), "{backend}");
        let six = follow_up(&app, &staff, &work, 6)?.ok_or("a 6-month follow-up")?;
        let recorded = app.patch(
            &format!(
                "/api/v1/follow-ups/{}",
                six["id"].as_str().unwrap_or_default()
            ),
            Some(&staff),
            &json!({"outcome": "still_employed", "income_vnd": 3_000_000, "note": "Đàn 12 con"}),
        )?;
        assert_eq!(recorded.status, 200, "{backend}: {}", recorded.body);
        assert_eq!(recorded.body["income_vnd"], 3_000_000);
        assert_eq!(
            counts(&app, &admin)?,
            (0, 1),
            "{backend}: the household is covered"
        );

        // A self-employed start in 2027 counts toward connected once the period says so.
        let shop = app.post(
            &format!("/api/v1/workers/{grower}/work"),
            Some(&staff),
            &json!({"kind": "self_employed", "start_date": "2027-01-15", "occupation_code": "5221",
                "activity": "Mở quán tạp hóa", "expected_income_vnd": 4_000_000}),
        )?;
        assert_eq!(shop.status, 201, "{backend}: {}", shop.body);
        let shop = id(&shop, "work")?;
        assert_eq!(counts(&app, &admin)?, (0, 1), "{backend}");
        let rule = app.patch(
            "/api/v1/programme-periods/2026-2030",
            Some(&admin),
            &json!({"connected_kinds": ["self_employed", "livelihood_model"]}),
        )?;
        assert_eq!(rule.status, 200, "{backend}: {}", rule.body);
        assert_eq!(
            rule.body["connected_kinds"],
            json!(["wage_job", "self_employed", "livelihood_model"])
        );
        assert_eq!(counts(&app, &admin)?, (2, 1), "{backend}");
        // The breakdown by kind of work, and the records behind one kind.
        let answer = app.get("/api/v1/progress?period=2026-2030", Some(&admin))?;
        let mut kinds: Vec<(String, i64)> = answer.body["breakdowns"]["kind"]
            .as_array()
            .ok_or("kind breakdown")?
            .iter()
            .map(|row| {
                (
                    row["value"].as_str().unwrap_or_default().to_owned(),
                    row["connected_workers"].as_i64().unwrap_or(-1),
                )
            })
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                ("livelihood_model".to_owned(), 1),
                ("self_employed".to_owned(), 1)
            ],
            "{backend}"
        );
        let records = app.get(
            "/api/v1/progress/records?period=2026-2030&key=connected_self_employed",
            Some(&admin),
        )?;
        assert_eq!(records.body["total"], 1, "{backend}: {}", records.body);
        let unknown = app.patch(
            "/api/v1/programme-periods/2026-2030",
            Some(&admin),
            &json!({"connected_kinds": ["farming"]}),
        )?;
        assert_eq!(unknown.status, 422, "{backend}");

        // Withdrawing reverses every count each record made; its pending follow-ups go.
        let no_reason = app.post(
            &format!("/api/v1/work/{work}/withdraw"),
            Some(&staff),
            &json!({}),
        )?;
        assert_eq!(no_reason.status, 422, "{backend}");
        for record in [&work, &shop] {
            let withdrawn = app.post(
                &format!("/api/v1/work/{record}/withdraw"),
                Some(&staff),
                &json!({"reason": "Ghi nhầm"}),
            )?;
            assert_eq!(withdrawn.status, 200, "{backend}: {}", withdrawn.body);
            assert_eq!(withdrawn.body["status"], "withdrawn");
        }
        assert_eq!(counts(&app, &admin)?, (0, 0), "{backend}");
        assert!(follow_up(&app, &staff, &work, 12)?.is_none(), "{backend}");
        let again = app.post(
            &format!("/api/v1/work/{work}/withdraw"),
            Some(&staff),
            &json!({"reason": "x"}),
        )?;
        assert_eq!(again.status, 409, "{backend}");
        let listed = app.get(&format!("/api/v1/workers/{breeder}/work"), Some(&staff))?;
        assert_eq!(listed.body[0]["withdrawn_reason"], "Ghi nhầm", "{backend}");
    }
    Ok(())
}

/// The same from the worker's pages: the form refuses beside its fields and writes nothing,
/// records the work with its occupation typed without accents, lists it, and withdraws it with
/// a reason.
#[test]
fn staff_record_and_withdraw_work_from_the_workers_pages() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let person = Person {
            n: 7,
            commune: "03649",
            household: None,
            gender: "male",
            ethnicity: "03",
            overseas: false,
        };
        let worker = worker(&app, &staff, person)?;
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let record = officer.get(&format!("/workers/{worker}"))?;
        assert!(
            record
                .html
                .contains(&format!("href=\"/workers/{worker}/work\"")),
            "{backend}"
        );
        officer.get(&format!("/workers/{worker}/work"))?;
        let fields = |kind: &'static str| {
            vec![
                ("kind", kind),
                ("start_date", "2026-10-01"),
                ("occupation_code", "chan nuoi gia suc"),
                ("activity", "Nuôi bò sinh sản"),
                ("expected_income_vnd", "2.800.000"),
                ("place", "Bản Hụm"),
            ]
        };
        let refused = officer.post(&format!("/workers/{worker}/work"), &fields(""))?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused.html.contains("id=\"kind-error\""),
            "{}",
            refused.html
        );
        let listed = app.get(&format!("/api/v1/workers/{worker}/work"), Some(&staff))?;
        assert_eq!(listed.body, json!([]), "{backend}: nothing written");

        let saved = officer.post(
            &format!("/workers/{worker}/work"),
            &fields("household_business"),
        )?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let listed = app.get(&format!("/api/v1/workers/{worker}/work"), Some(&staff))?;
        assert_eq!(
            (
                listed.body[0]["occupation_code"].as_str(),
                listed.body[0]["expected_income_vnd"].as_i64()
            ),
            (Some("6121"), Some(2_800_000)),
            "{backend}: {}",
            listed.body
        );
        let work = listed.body[0]["id"].as_str().ok_or("work")?.to_owned();
        let page = officer.get(&format!("/workers/{worker}/work"))?;
        assert!(page.html.contains("Nuôi bò sinh sản"), "{backend}");
        let no_reason = officer.post(&format!("/work/{work}/withdraw"), &[("reason", "")])?;
        assert_eq!(no_reason.status, 422, "{backend}");
        assert!(
            no_reason.html.contains("class=\"alert\""),
            "{}",
            no_reason.html
        );
        let withdrawn = officer.post(
            &format!("/work/{work}/withdraw"),
            &[("reason", "Chưa bắt đầu")],
        )?;
        assert_eq!(withdrawn.status, 303, "{backend}: {}", withdrawn.html);
        let read = app.get(&format!("/api/v1/work/{work}"), Some(&staff))?;
        assert_eq!(read.body["status"], "withdrawn", "{backend}");

        // An administrator says which kinds count toward "connected" in a period.
        let admin_token = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let mut admin = Visitor::new(&app)?;
        admin.sign_in("quantri@example.vn")?;
        admin.get("/admin/targets")?;
        let set = admin.post(
            "/admin/targets/2026-2030/kinds",
            &[
                ("connected_kinds", "self_employed"),
                ("connected_kinds", "public_works"),
            ],
        )?;
        assert_eq!(set.status, 303, "{backend}: {}", set.html);
        let periods = app.get("/api/v1/programme-periods", Some(&admin_token))?;
        let period = periods
            .body
            .as_array()
            .and_then(|items| items.iter().find(|item| item["code"] == "2026-2030"))
            .ok_or("2026-2030")?;
        assert_eq!(
            period["connected_kinds"],
            json!(["wage_job", "self_employed", "public_works"]),
            "{backend}"
        );
        let page = admin.get("/admin/targets")?;
        assert!(
            page.html.contains("value=\"self_employed\" checked"),
            "{backend}"
        );
    }
    Ok(())
}
