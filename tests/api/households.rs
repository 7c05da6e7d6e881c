//! `/api/v1/households`: the status is the standard's, never the client's.

use crate::helpers::{Link, TestResult, spawn_app, test_dbs};

fn household(code: &str, income: i64, deprivations: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "code": code,
        "commune_code": "03646",
        "head_name": "Hà Văn Thắm",
        "ethnicity_code": "03",
        "members": 4,
        "income_per_person_vnd": income,
        "urban": false,
        "deprivations": deprivations,
        "review_year": 2025
    })
}

#[test]
fn the_server_derives_the_status() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let poor = app.post(
            "/api/v1/households",
            Some(&token),
            &household("H1", 1_500_000, &["nutrition", "sanitation", "telecom"]),
        )?;
        assert_eq!(poor.status, 201, "{backend}: {:?}", poor.body);
        assert_eq!(
            poor.body["status"], "poor",
            "{backend}: at the line with three deprivations"
        );
        let near = app.post(
            "/api/v1/households",
            Some(&token),
            &household("H2", 1_500_000, &["nutrition", "sanitation"]),
        )?;
        assert_eq!(near.body["status"], "near_poor", "{backend}");
        let above = app.post(
            "/api/v1/households",
            Some(&token),
            &household("H3", 1_500_001, &["nutrition", "sanitation", "telecom"]),
        )?;
        assert_eq!(above.body["status"], "not_poor", "{backend}");

        let mut claimed = household("H4", 1_300_000, &[]);
        claimed["status"] = "not_poor".into();
        let refused = app.post("/api/v1/households", Some(&token), &claimed)?;
        assert_eq!(refused.status, 422);
        assert!(
            refused
                .field_errors()
                .contains(&("status".into(), "read_only".into()))
        );

        let mut escaped = household("H5", 1_700_000, &[]);
        escaped["status"] = "newly_escaped".into();
        let missing = app.post("/api/v1/households", Some(&token), &escaped)?;
        assert!(
            missing
                .field_errors()
                .contains(&("previous_status".into(), "previous_status_required".into())),
            "{:?}",
            missing.body
        );
        escaped["previous_status"] = "near_poor".into();
        let accepted = app.post("/api/v1/households", Some(&token), &escaped)?;
        assert_eq!(accepted.status, 201, "{backend}: {:?}", accepted.body);
        assert_eq!(accepted.body["status"], "newly_escaped");

        let mut still_poor = household("H6", 1_000_000, &[]);
        still_poor["status"] = "newly_escaped".into();
        still_poor["previous_status"] = "poor".into();
        let answer = app.post("/api/v1/households", Some(&token), &still_poor)?;
        assert!(
            answer
                .field_errors()
                .contains(&("status".into(), "not_escaped".into())),
            "{:?}",
            answer.body
        );

        // A review that raises the income moves the status; the deprivations are kept.
        let path = format!(
            "/api/v1/households/{}",
            poor.body["id"].as_str().ok_or("id")?
        );
        let reviewed = app.patch(
            &path,
            Some(&token),
            &serde_json::json!({ "income_per_person_vnd": 2_500_000, "previous_status": "poor" }),
        )?;
        assert_eq!(reviewed.status, 200, "{backend}: {:?}", reviewed.body);
        assert_eq!(reviewed.body["status"], "newly_escaped");
        assert_eq!(
            reviewed.body["deprivations"],
            serde_json::json!(["nutrition", "sanitation", "telecom"])
        );
    }
    Ok(())
}

#[test]
fn household_codes_and_indicators_are_checked() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let first = app.post(
            "/api/v1/households",
            Some(&token),
            &household("03646000001", 1_200_000, &[]),
        )?;
        assert_eq!(first.status, 201, "{backend}");
        let again = app.post(
            "/api/v1/households",
            Some(&token),
            &household("03646000001", 900_000, &[]),
        )?;
        assert_eq!(again.status, 409, "{backend}");
        assert_eq!(
            again.body["existing"],
            format!(
                "/api/v1/households/{}",
                first.body["id"].as_str().ok_or("id")?
            )
        );
        let unknown = app.post(
            "/api/v1/households",
            Some(&token),
            &household("H9", 1_200_000, &["wifi"]),
        )?;
        assert!(
            unknown
                .field_errors()
                .contains(&("deprivations[0]".into(), "invalid_choice".into())),
            "{:?}",
            unknown.body
        );
        let mut zero = household("H10", 1_200_000, &[]);
        zero["members"] = 0.into();
        assert!(
            app.post("/api/v1/households", Some(&token), &zero)?
                .field_errors()
                .contains(&("members".into(), "out_of_range".into()))
        );
        let listed = app.get("/api/v1/households?status=poor", Some(&token))?;
        assert_eq!(listed.body["total"], 0, "{backend}");
        let listed = app.get(
            "/api/v1/households?status=near_poor&q=ha%20van",
            Some(&token),
        )?;
        assert_eq!(listed.body["total"], 1, "{backend}");
        assert_eq!(
            app.get("/api/v1/households?status=rich", Some(&token))?
                .status,
            422
        );
    }
    Ok(())
}
