use crate::helpers::{Link, TestResult, spawn_app, test_dbs, worker_body};

#[test]
fn healthz_answers_without_counting_and_admins_read_the_counts_and_metrics() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let response = reqwest::blocking::get(format!("{}/healthz", app.address))?;
        assert_eq!(response.status(), 200, "{backend}");
        let body: serde_json::Value = response.json()?;
        assert_eq!(body["status"], "ok");
        assert_eq!(body["backend"], backend);
        assert_eq!(body["schema_version"], "20261208000021");
        assert!(body.get("counts").is_none(), "{backend}: {body}");

        let admin = app.sign_in_as("admin@example.vn", "admin", Link::None)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000061", "03646"),
        )?;
        app.get("/api/v1/workers/not-a-worker", Some(&staff))?;
        assert_eq!(
            app.get("/api/v1/stats", Some(&staff))?.status,
            403,
            "{backend}"
        );
        let stats = app.get("/api/v1/stats", Some(&admin))?;
        assert_eq!(stats.body["workers"], 1, "{backend}: {:?}", stats.body);
        assert_eq!(stats.body["placements"], 0, "{backend}");

        let metrics = |token: Option<&str>| -> Result<(u16, String), Box<dyn std::error::Error>> {
            let mut request = crate::helpers::client().get(app.url("/metrics"));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send()?;
            Ok((response.status().as_u16(), response.text()?))
        };
        assert_eq!(metrics(None)?.0, 401, "{backend}");
        assert_eq!(metrics(Some(&staff))?.0, 403, "{backend}");
        let (status, text) = metrics(Some(&admin))?;
        assert_eq!(status, 200, "{backend}");
        for expected in [
            "ketnoi_http_requests_total{route=\"/api/v1/workers\",method=\"POST\",status=\"201\"} 1",
            "ketnoi_http_requests_total{route=\"/api/v1/workers/{id}\",method=\"GET\",status=\"404\"} 1",
            "ketnoi_http_request_duration_seconds_count{route=\"/api/v1/workers\"} 1",
            "ketnoi_search_index_lag_changes ",
            "ketnoi_outbox_messages",
        ] {
            assert!(text.contains(expected), "{backend}: {expected} in {text}");
        }
        assert!(
            !text.contains("not-a-worker"),
            "{backend}: no ids in series"
        );
    }
    Ok(())
}
