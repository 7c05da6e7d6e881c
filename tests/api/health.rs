use crate::helpers::{TestResult, spawn_app, test_dbs};

#[test]
fn healthz_reports_backend_schema_and_counts() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let response = reqwest::blocking::get(format!("{}/healthz", app.address))?;
        assert_eq!(response.status(), 200, "{backend}");
        let body: serde_json::Value = response.json()?;
        assert_eq!(body["status"], "ok");
        assert_eq!(body["backend"], backend);
        assert_eq!(body["schema_version"], "20261128000008");
        assert_eq!(body["counts"]["workers"], 0);
        assert_eq!(body["counts"]["placements"], 0);
    }
    Ok(())
}
