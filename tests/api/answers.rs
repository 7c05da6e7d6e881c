//! The API's answers on a fixed demo (`ketnoi demo --workers 5000 --seed 3`, the clock stopped),
//! recorded as a snapshot: lists, reads, matches, search, progress, reports, and a short
//! registration-to-hire story with the figures and search results after it. A change that
//! alters any answer shows here; on PostgreSQL the same answers are expected as on SQLite.

use std::process::Child;

use serde_json::Value;

use crate::cli::{ketnoi, serve_from};
use crate::helpers::{TestDb, TestResult, test_dbs};

type Outcome<T> = Result<T, Box<dyn std::error::Error>>;

const CLOCK: &str = "2026-12-02T08:00:00";

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Script {
    client: reqwest::blocking::Client,
    address: String,
    token: String,
    /// `(call, status, answer)` in order.
    answers: Vec<Value>,
    /// Ids made during the script, replaced by stable names in the record.
    made: Vec<(String, String)>,
}

impl Script {
    fn call(&mut self, method: &str, path: &str, body: Option<Value>) -> Outcome<Value> {
        let url = format!("{}{path}", self.address);
        let request = match method {
            "POST" => self.client.post(url),
            "PATCH" => self.client.patch(url),
            _ => self.client.get(url),
        }
        .bearer_auth(&self.token);
        let request = match &body {
            Some(body) => request.json(body),
            None => request,
        };
        let response = request.send()?;
        let status = response.status().as_u16();
        let text = response.text()?;
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        self.answers.push(serde_json::json!({
            "call": format!("{method} {path}"),
            "body": body,
            "status": status,
            "answer": answer.clone(),
        }));
        Ok(answer)
    }

    fn get(&mut self, path: &str) -> Outcome<Value> {
        self.call("GET", path, None)
    }

    /// Waits until the search index has applied every change written so far (its lag in
    /// `/metrics` is 0), so the next answers do not depend on how fast it caught up. Not
    /// recorded.
    fn await_index(&self) -> Outcome<()> {
        for _ in 0..600 {
            let metrics = self
                .client
                .get(format!("{}/metrics", self.address))
                .bearer_auth(&self.token)
                .send()?
                .error_for_status()?
                .text()?;
            if metrics
                .lines()
                .any(|line| line.trim() == "ketnoi_search_index_lag_changes 0")
            {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err("the search index did not catch up within 30 s".into())
    }

    /// Remembers an id the script made, to be named `name` in the record.
    fn made(&mut self, answer: &Value, name: &str) -> Outcome<String> {
        let id = answer["id"]
            .as_str()
            .ok_or_else(|| format!("{name}: no id in {answer}"))?
            .to_owned();
        self.made.push((id.clone(), format!("[{name}]")));
        Ok(id)
    }

    fn record(&self) -> Outcome<String> {
        let mut answers = self.answers.clone();
        answers.iter_mut().for_each(settle);
        let mut text = serde_json::to_string_pretty(&answers)?;
        for (id, name) in &self.made {
            text = text.replace(id, name);
        }
        Ok(text)
    }
}

/// What the API leaves open is left out of the record: which results with equal scores make a
/// page and in which order (the index's own), the exact text-relevance scores of a search
/// (they move with deleted documents until the index merges), and the ids of messages the
/// script queued (fresh each run).
fn settle(entry: &mut Value) {
    let call = entry["call"].as_str().unwrap_or_default().to_owned();
    let answer = &mut entry["answer"];
    if call.starts_with("GET /api/v1/outbox") {
        if let Some(items) = answer["items"].as_array_mut() {
            for item in items {
                item["id"] = Value::String("[message]".into());
            }
        }
        // The next page begins after a message's id.
        if answer["next_cursor"].is_string() {
            answer["next_cursor"] = Value::String("[message]".into());
        }
        return;
    }
    let field = ["items", "matches", "results", "hits"]
        .into_iter()
        .find(|key| answer.get(*key).is_some_and(Value::is_array));
    let list = match field {
        Some(field) => answer.get_mut(field),
        None => Some(answer),
    };
    let Some(Value::Array(items)) = list else {
        return;
    };
    if !items
        .iter()
        .all(|item| item.get("score").is_some_and(Value::is_number))
    {
        return;
    }
    if call.starts_with("GET /api/v1/search") {
        // Text relevance moves a little with the index's deleted documents until a merge:
        // the record keeps which records were found, not their scores.
        for item in items.iter_mut() {
            if let Some(fields) = item.as_object_mut() {
                fields.remove("score");
            }
        }
        items.sort_by_key(|item| item["id"].as_str().unwrap_or_default().to_owned());
        return;
    }
    let key = |item: &Value| {
        let id = ["worker_id", "vacancy_id", "course_id", "id"]
            .into_iter()
            .find_map(|field| item[field].as_str())
            .unwrap_or_default()
            .to_owned();
        (-item["score"].as_f64().unwrap_or_default(), id)
    };
    items.sort_by(|a, b| {
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    // Among equal scores the index chooses which make a page, and in which order: a result
    // is recorded by its score alone when another has the same.
    let scores: Vec<Value> = items.iter().map(|item| item["score"].clone()).collect();
    for item in items.iter_mut() {
        let score = item["score"].clone();
        if scores.iter().filter(|other| **other == score).count() > 1 {
            *item = serde_json::json!({"score": score, "tied": true});
        }
    }
}

fn first_id(list: &Value) -> Outcome<String> {
    let items = list["items"].as_array().or_else(|| list.as_array());
    Ok(items
        .and_then(|items| items.first())
        .and_then(|item| item["id"].as_str())
        .ok_or_else(|| format!("no first id in {list}"))?
        .to_owned())
}

fn run_script(db: &TestDb) -> Outcome<String> {
    let demo = ketnoi(db)
        .env("KETNOI_CLOCK", CLOCK)
        .env("KETNOI_INDEX_THREADS", "1")
        .args(["demo", "--workers", "5000", "--seed", "3"])
        .output()?;
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    // The referral sweep runs as the server starts and closes the demo's unanswered referrals,
    // re-indexing their workers while the first requests are answered: scores would then depend
    // on how far it got. With the longest policy it closes none. The mail sender makes one pass
    // as the server starts (the staff digest) and, with the longest poll, none while the script
    // runs: the messages the script queues are listed as queued, however slow the machine.
    let mut command = ketnoi(db);
    command
        .env("KETNOI_CLOCK", CLOCK)
        .env("KETNOI_MAIL_POLL_SECONDS", "3600")
        .env("KETNOI_INDEX_THREADS", "1")
        .env("KETNOI_REFERRAL_FLAG_DAYS", "3649")
        .env("KETNOI_REFERRAL_CLOSE_DAYS", "3650");
    let (child, address, _) = serve_from(command, &[])?;
    let _server = Server(child);
    let client = reqwest::blocking::Client::new();
    let login: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@ketnoi.demo", "password": "ketnoi-demo"}))
        .send()?
        .error_for_status()?
        .json()?;
    let token = login["token"].as_str().ok_or("no token")?.to_owned();
    let mut script = Script {
        client,
        address,
        token,
        answers: Vec::new(),
        made: Vec::new(),
    };

    // Lists and reads.
    script.await_index()?;
    script.get("/api/v1/admin-units?kind=district")?;
    let households = script.get("/api/v1/households?limit=5")?;
    script.get(&format!("/api/v1/households/{}", first_id(&households)?))?;
    let workers = script.get("/api/v1/workers?limit=20")?;
    let worker = first_id(&workers)?;
    script.get(&format!("/api/v1/workers/{worker}"))?;
    script.get(&format!("/api/v1/workers/{worker}/matches"))?;
    script.get(&format!("/api/v1/workers/{worker}/course-suggestions"))?;
    let employers = script.get("/api/v1/employers?limit=5")?;
    script.get(&format!("/api/v1/employers/{}", first_id(&employers)?))?;
    script.get("/api/v1/vacancies?limit=5")?;
    let vacancies = script.get("/api/v1/vacancies?limit=5&status=open")?;
    let vacancy = first_id(&vacancies)?;
    script.get(&format!("/api/v1/vacancies/{vacancy}"))?;
    script.get(&format!("/api/v1/vacancies/{vacancy}/matches"))?;
    let courses = script.get("/api/v1/courses?limit=5")?;
    script.get(&format!("/api/v1/courses/{}", first_id(&courses)?))?;
    let referrals = script.get("/api/v1/referrals?limit=10")?;
    script.get(&format!("/api/v1/referrals/{}", first_id(&referrals)?))?;
    script.get("/api/v1/follow-ups?limit=10")?;

    // Search, progress and reports.
    script.get("/api/v1/search?kind=workers&q=cong%20nhan%20may")?;
    script.get("/api/v1/search?kind=courses&q=may")?;
    script.get("/api/v1/search?kind=vacancies&q=may")?;
    script.get("/api/v1/progress?period=2021-2025")?;
    script.get("/api/v1/progress?period=2025-H2")?;
    script.get("/api/v1/progress/outreach?period=2021-2025")?;
    script.get("/api/v1/reports/2025-H2.json")?;
    script.get("/api/v1/reports/2025-H2.csv")?;
    script.get("/api/v1/stats")?;

    // A poor household registered, one of its members registered, referred, interviewed and
    // hired; then what the registry, the index and the figures say.
    let household = script.call(
        "POST",
        "/api/v1/households",
        Some(serde_json::json!({
            "code": "SNAP-0001",
            "commune_code": "03646",
            "head_name": "Hà Văn Thắm",
            "ethnicity_code": "03",
            "members": 4,
            "income_per_person_vnd": 900000,
            "urban": false,
            "deprivations": ["nutrition", "sanitation", "telecom"],
            "review_year": 2025
        })),
    )?;
    let household = script.made(&household, "household")?;
    let worker = script.call(
        "POST",
        "/api/v1/workers",
        Some(serde_json::json!({
            "full_name": "Lò Thị Ỏn",
            "national_id": "014195000123",
            "birth_date": "1995-04-12",
            "gender": "female",
            "ethnicity_code": "03",
            "phone": "0912345678",
            "commune_code": "03646",
            "household_id": household,
            "education_level": "lower_secondary",
            "skills": "may công nghiệp",
            "desired_occupations": ["8153"],
            "willing_to_relocate": true,
            "willing_overseas": false,
            "expected_wage_vnd": 6000000,
            "availability": "seeking",
            "consent_to_share": true
        })),
    )?;
    let worker = script.made(&worker, "worker")?;
    // The referral keeps the match as the index scores it: the new worker must be in it.
    script.await_index()?;
    let referral = script.call(
        "POST",
        "/api/v1/referrals",
        Some(serde_json::json!({
            "vacancy_id": vacancy,
            "worker_id": worker,
            "override_reason": "Nộp hồ sơ trực tiếp tại trung tâm"
        })),
    )?;
    let referral = script.made(&referral, "referral")?;
    let path = format!("/api/v1/referrals/{referral}");
    for change in [
        serde_json::json!({"status": "interview", "interview_at": "2026-12-05T09:00:00"}),
        serde_json::json!({"status": "hired", "start_date": "2026-12-01", "wage_vnd": 6500000}),
    ] {
        script.call("PATCH", &path, Some(change))?;
    }
    let hired = script.get(&path)?;
    if let Some(placement) = hired["placement_id"].as_str() {
        script
            .made
            .push((placement.to_owned(), "[placement]".to_owned()));
    }
    script.get(&format!("/api/v1/workers/{worker}"))?;
    script.get(&format!("/api/v1/households/{household}"))?;
    script.await_index()?;
    script.get("/api/v1/search?kind=workers&q=lo%20thi%20on")?;
    script.get("/api/v1/progress?period=2021-2025")?;
    script.get("/api/v1/progress?period=2026-H2")?;
    script.get("/api/v1/outbox?limit=5")?;
    script.record()
}

#[test]
fn the_api_answers_as_recorded_on_the_fixed_demo() -> TestResult {
    for db in test_dbs() {
        let record = run_script(&db)?;
        insta::assert_snapshot!("api_answers_demo_5000_seed_3", record);
    }
    Ok(())
}
