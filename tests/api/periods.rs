//! Programme periods beyond 2025 and yearly poverty reviews, in a small known world: a household
//! that leaves poverty is newly escaped in the year it does, its member's hire that year counts
//! toward the target-household share of 2026–2030 and not of 2021–2025, a commune's poverty rate
//! over three reviews equals a hand count, and a commune's own quota shows beside its figure.

use serde_json::{Value, json};

use crate::helpers::{Link, TestApp, TestResult, spawn_app, test_dbs};
use crate::progress::{Fallible, Person, figure, hire, id, vacancy, worker};

/// A review's figures: `poor` (1.2 M VND, three deprivations), `near_poor` (1.4 M, one) or
/// above the line (2.5 M, none).
fn figures(status: &str) -> Value {
    match status {
        "poor" => json!({"income_per_person_vnd": 1_200_000,
            "deprivations": ["nutrition", "sanitation", "telecom"]}),
        "near_poor" => json!({"income_per_person_vnd": 1_400_000, "deprivations": ["telecom"]}),
        _ => json!({"income_per_person_vnd": 2_500_000, "deprivations": []}),
    }
}

/// A household of commune 03649 reviewed once a year from 2024, with the statuses the server
/// derived for each review.
fn reviewed(
    app: &TestApp,
    staff: &str,
    code: &str,
    years: &[&str],
) -> Fallible<(String, Vec<String>)> {
    let mut body = json!({
        "code": code,
        "commune_code": "03649",
        "head_name": "Lò Thị Ỏn",
        "ethnicity_code": "03",
        "members": 4,
        "urban": false,
        "review_year": 2024
    });
    merge(&mut body, figures(years[0]));
    let created = app.post("/api/v1/households", Some(staff), &body)?;
    let household = id(&created, "household")?;
    let mut statuses = vec![
        created.body["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    ];
    for (offset, status) in years.iter().enumerate().skip(1) {
        let mut change = json!({"review_year": 2024 + offset});
        merge(&mut change, figures(status));
        let changed = app.patch(
            &format!("/api/v1/households/{household}"),
            Some(staff),
            &change,
        )?;
        assert_eq!(changed.status, 200, "{}", changed.body);
        statuses.push(
            changed.body["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    Ok((household, statuses))
}

fn merge(body: &mut Value, more: Value) {
    if let (Some(body), Value::Object(more)) = (body.as_object_mut(), more) {
        body.extend(more);
    }
}

fn progress(app: &TestApp, token: &str, query: &str) -> Fallible<Value> {
    let answer = app.get(&format!("/api/v1/progress?{query}"), Some(token))?;
    assert_eq!(answer.status, 200, "{query}: {}", answer.body);
    Ok(answer.body)
}

/// The poor-household rate of `year` for all households of a progress answer.
fn rate(progress: &Value, year: i64) -> Option<(i64, i64)> {
    progress["poverty_rates"]["all"]
        .as_array()?
        .iter()
        .find(|rate| rate["year"] == year)
        .map(|rate| {
            (
                rate["poor"].as_i64().unwrap_or(-1),
                rate["reviewed"].as_i64().unwrap_or(-1),
            )
        })
}

#[test]
fn a_household_that_leaves_poverty_counts_as_newly_escaped_in_the_new_period() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let admin = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;

        // Poor in 2024, near-poor in 2025, above the line in 2026: newly escaped in 2026,
        // though nobody said so; the history is kept, latest first.
        let (escaped, statuses) = reviewed(&app, &staff, "RS-01", &["poor", "near_poor", "above"])?;
        assert_eq!(
            statuses,
            ["poor", "near_poor", "newly_escaped"],
            "{backend}"
        );
        let reviews = app.get(
            &format!("/api/v1/households/{escaped}/reviews"),
            Some(&staff),
        )?;
        assert_eq!(reviews.status, 200, "{}", reviews.body);
        let years: Vec<(i64, &str, &str)> = reviews
            .body
            .as_array()
            .ok_or("reviews")?
            .iter()
            .map(|review| {
                (
                    review["year"].as_i64().unwrap_or_default(),
                    review["status"].as_str().unwrap_or_default(),
                    review["previous_status"].as_str().unwrap_or("-"),
                )
            })
            .collect();
        assert_eq!(
            years,
            [
                (2026, "newly_escaped", "near_poor"),
                (2025, "near_poor", "poor"),
                (2024, "poor", "-")
            ]
        );
        // The previous status comes from the reviews, not from a client.
        let typed = app.patch(
            &format!("/api/v1/households/{escaped}"),
            Some(&staff),
            &json!({"previous_status": "not_poor"}),
        )?;
        assert_eq!(typed.status, 422, "{}", typed.body);
        assert_eq!(typed.body["errors"][0]["field"], "previous_status");

        // Correcting 2025 to above the line derives 2026 again: no longer newly escaped.
        let (corrected, _) = reviewed(&app, &staff, "RS-02", &["poor", "near_poor", "above"])?;
        let mut change = json!({"review_year": 2025});
        merge(&mut change, figures("above"));
        let fixed = app.patch(
            &format!("/api/v1/households/{corrected}"),
            Some(&staff),
            &change,
        )?;
        assert_eq!(fixed.status, 200, "{}", fixed.body);
        assert_eq!(
            (
                fixed.body["review_year"].as_i64(),
                fixed.body["status"].as_str()
            ),
            (Some(2026), Some("not_poor"))
        );

        // Two more households of the commune: the rates by review year are counted by hand.
        reviewed(&app, &staff, "RS-03", &["poor", "poor", "poor"])?;
        reviewed(&app, &staff, "RS-04", &["above", "above", "near_poor"])?;
        // 2024: RS-01, RS-02, RS-03 poor of 4; 2025: RS-03 of 4; 2026: RS-03 of 4.
        let old = progress(&app, &admin, "period=2021-2025")?;
        assert_eq!(
            rate(&old, 2024),
            Some((3, 4)),
            "{backend}: {}",
            old["poverty_rates"]
        );
        assert_eq!(rate(&old, 2025), Some((1, 4)));
        let new = progress(&app, &admin, "period=2026-2030")?;
        assert_eq!(rate(&new, 2026), Some((1, 4)), "{}", new["poverty_rates"]);
        // The national targets shipped with 2026–2030: under 10 % poor, falling ≥ 1 point a year.
        let share = figure(&new, "poor_household_rate");
        assert_eq!(
            (share["actual"].as_f64(), share["met"].as_bool()),
            (Some(25.0), Some(false))
        );
        let poor = app.get(
            "/api/v1/progress/records?period=2026-2030&key=poor_household_rate",
            Some(&admin),
        )?;
        assert_eq!(poor.status, 200, "{}", poor.body);
        assert_eq!(poor.body["total"], share["numerator"], "{}", poor.body);
        assert_eq!(poor.body["records"][0]["name"], "Lò Thị Ỏn");
        assert_eq!(
            figure(&new, "poor_household_rate_fall")["actual"].as_f64(),
            Some(0.0)
        );

        // The member of the escaped household hired in 2026 counts toward 2026–2030's share
        // (its targets entered by the administrator), and in no figure of 2021–2025.
        let member = worker(
            &app,
            &staff,
            Person {
                n: 41,
                commune: "03649",
                household: Some(&escaped),
                gender: "female",
                ethnicity: "03",
                overseas: false,
            },
        )?;
        let other = worker(
            &app,
            &staff,
            Person {
                n: 42,
                commune: "03649",
                household: None,
                gender: "male",
                ethnicity: "01",
                overseas: false,
            },
        )?;
        let commune = app
            .get(&format!("/api/v1/workers/{member}"), Some(&staff))?
            .body["commune_code"]
            .as_str()
            .ok_or("commune")?
            .to_owned();
        let set = app.patch(
            "/api/v1/programme-periods/2026-2030",
            Some(&admin),
            &json!({"targets": [
                {"key": "connected_workers", "target": 20000, "source": "Minh họa"},
                {"key": "connected_target_share", "target": 50, "comparison": "more_than"},
                {"key": "connected_workers", "target": 3, "unit_code": commune},
            ]}),
        )?;
        assert_eq!(set.status, 200, "{}", set.body);
        let employer = id(&app.post("/api/v1/employers", Some(&staff), &json!({
            "name": "Hợp tác xã May Chiềng Sinh", "tax_code": "5500999111", "kind": "cooperative",
            "commune_code": "03649", "address": "Bản Hụm", "contact_name": "Hà Văn Thắm",
            "contact_phone": "0912345678"
        }))?, "employer")?;
        app.search.sync()?;
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &member,
            "2026-08-03",
        )?;
        hire(
            &app,
            &staff,
            &vacancy(&app, &staff, &employer, None)?,
            &other,
            "2024-05-02",
        )?;

        let new = progress(&app, &admin, "period=2026-2030")?;
        let connected = figure(&new, "connected_workers");
        assert_eq!(
            (
                connected["numerator"].as_i64(),
                connected["target"].as_f64(),
                connected["scope"].as_str()
            ),
            (Some(1), Some(20000.0), Some("")),
            "{backend}: {connected}"
        );
        let share = figure(&new, "connected_target_share");
        assert_eq!(
            (share["numerator"].as_i64(), share["denominator"].as_i64()),
            (Some(1), Some(1))
        );
        let half = progress(&app, &admin, "period=2026-H2")?;
        assert_eq!(
            figure(&half, "connected_workers")["numerator"].as_i64(),
            Some(1)
        );
        let first_half = progress(&app, &admin, "period=2026-H1")?;
        assert_eq!(
            figure(&first_half, "connected_workers")["numerator"].as_i64(),
            Some(0)
        );
        let old = progress(&app, &admin, "period=2021-2025")?;
        let connected = figure(&old, "connected_workers");
        assert_eq!(
            (
                connected["numerator"].as_i64(),
                figure(&old, "connected_target_share")["numerator"].as_i64()
            ),
            (Some(1), Some(0)),
            "{old}"
        );
        let report = app.get("/api/v1/reports/2026-H2.json", Some(&admin))?;
        assert_eq!(report.status, 200, "{}", report.body);

        // The commune's own quota and figure.
        let local = progress(&app, &admin, &format!("period=2026-2030&commune={commune}"))?;
        let connected = figure(&local, "connected_workers");
        assert_eq!(
            (
                connected["numerator"].as_i64(),
                connected["target"].as_f64(),
                connected["scope"].as_str()
            ),
            (Some(1), Some(3.0), Some(commune.as_str())),
            "{local}"
        );
        // With no period named, figures are of the period holding today.
        let today = progress(&app, &admin, "")?;
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        assert!(
            today["starts_on"]
                .as_str()
                .is_some_and(|day| day[..4].parse::<i32>().is_ok_and(|from| from <= year))
        );
        assert!(
            today["ends_on"]
                .as_str()
                .is_some_and(|day| day[..4].parse::<i32>().is_ok_and(|to| to >= year))
        );
    }
    Ok(())
}

#[test]
fn administrators_add_periods_that_do_not_overlap() -> TestResult {
    for db in test_dbs() {
        let app = spawn_app(db)?;
        let admin = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let body = json!({"starts_on": "2031-01-01", "ends_on": "2035-12-31", "name_vi": "Giai đoạn 2031–2035",
            "targets": [{"key": "overseas_contract", "target": 300, "source": "Minh họa"}]});
        let refused = app.post("/api/v1/programme-periods", Some(&staff), &body)?;
        assert_eq!(refused.status, 403, "{}", refused.body);
        let created = app.post("/api/v1/programme-periods", Some(&admin), &body)?;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.body["code"], "2031-2035");
        assert_eq!(created.body["targets"][0]["target"], 300.0);
        let overlapping = app.post("/api/v1/programme-periods", Some(&admin),
            &json!({"starts_on": "2030-01-01", "ends_on": "2032-12-31", "targets": [{"key": "nonsense", "target": -1}]}))?;
        assert_eq!(overlapping.status, 422, "{}", overlapping.body);
        let fields: Vec<&str> = overlapping.body["errors"]
            .as_array()
            .ok_or("errors")?
            .iter()
            .filter_map(|error| error["field"].as_str())
            .collect();
        assert_eq!(
            fields,
            ["starts_on", "targets[0].key", "targets[0].target"],
            "{}",
            overlapping.body
        );
        let listed = app.get("/api/v1/programme-periods", Some(&staff))?;
        let codes: Vec<&str> = listed
            .body
            .as_array()
            .ok_or("periods")?
            .iter()
            .filter_map(|period| period["code"].as_str())
            .collect();
        assert_eq!(codes, ["2021-2025", "2026-2030", "2031-2035"]);
        assert_eq!(
            app.get("/api/v1/progress?period=2033", Some(&admin))?
                .status,
            200
        );
    }
    Ok(())
}
