//! Search and matching: accent-proof Vietnamese, the index following the change log, hard
//! filters, explained scores, roles.

use diesel::prelude::*;
use unicode_normalization::UnicodeNormalization;

use crate::helpers::{Link, TestApp, TestResult, spawn_app, sqlite_db, test_dbs, worker_body};

fn worker(
    app: &TestApp,
    token: &str,
    body: serde_json::Value,
) -> Result<String, Box<dyn std::error::Error>> {
    let created = app.post("/api/v1/workers", Some(token), &body)?;
    if created.status != 201 {
        return Err(format!("creating a worker: {} {:?}", created.status, created.body).into());
    }
    Ok(created.body["id"].as_str().ok_or("id")?.to_owned())
}

fn with(mut body: serde_json::Value, changes: serde_json::Value) -> serde_json::Value {
    if let (Some(body), Some(changes)) = (body.as_object_mut(), changes.as_object()) {
        for (key, value) in changes {
            body.insert(key.clone(), value.clone());
        }
    }
    body
}

fn ids(answer: &serde_json::Value, key: &str) -> Vec<String> {
    answer["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item[key].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn search_path(kind: &str, q: &str) -> String {
    reqwest::Url::parse_with_params("http://x/api/v1/search", &[("kind", kind), ("q", q)])
        .map(|url| format!("{}?{}", url.path(), url.query().unwrap_or("")))
        .unwrap_or_default()
}

#[test]
fn accent_forms_find_the_same_workers_and_exact_accents_rank_first() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let exact = worker(
            &app,
            &staff,
            with(
                worker_body("014195000001", "03649"),
                serde_json::json!({"skills": "công nhân may công nghiệp"}),
            ),
        )?;
        let unaccented = worker(
            &app,
            &staff,
            with(
                worker_body("014195000002", "03649"),
                serde_json::json!({"full_name": "Hà Văn Thắm", "skills": "cong nhan may", "desired_occupations": ["7212"]}),
            ),
        )?;
        let _welder = worker(
            &app,
            &staff,
            with(
                worker_body("014195000003", "03700"),
                serde_json::json!({"full_name": "Lường Văn Hoan", "skills": "thợ hàn điện", "desired_occupations": ["7212"]}),
            ),
        )?;
        app.search.sync()?;

        let composed = "công nhân may";
        let decomposed: String = composed.nfd().collect();
        let mut hit_sets = Vec::new();
        for q in ["cong nhan may", composed, decomposed.as_str()] {
            let found = app.get(&search_path("workers", q), Some(&staff))?;
            assert_eq!(found.status, 200, "{backend} {q}: {:?}", found.body);
            let mut hits = ids(&found.body, "id");
            if q == composed {
                assert_eq!(
                    hits.first(),
                    Some(&exact),
                    "{backend}: exact accents rank first"
                );
            }
            hits.sort();
            hit_sets.push(hits);
        }
        let mut expected = vec![exact.clone(), unaccented.clone()];
        expected.sort();
        assert!(
            hit_sets.iter().all(|hits| *hits == expected),
            "{backend}: {hit_sets:?}"
        );

        // Names too, with a snippet and facets.
        let by_name = app.get(&search_path("workers", "ha van tham"), Some(&staff))?;
        assert_eq!(
            ids(&by_name.body, "id"),
            vec![unaccented.clone()],
            "{backend}"
        );
        assert_eq!(by_name.body["items"][0]["title"], "Hà Văn Thắm");
        let welders = app.get(&search_path("workers", "han dien"), Some(&staff))?;
        assert_eq!(
            welders.body["items"][0]["snippet"], "thợ <b>hàn</b> <b>điện</b>",
            "{backend}"
        );
        let all = app.get("/api/v1/search?kind=workers", Some(&staff))?;
        assert_eq!(all.body["total"], 3);
        let districts = &all.body["facets"]["district"];
        assert!(
            districts.as_array().is_some_and(|facets| facets
                .iter()
                .any(|facet| facet["value"] == "116" && facet["count"] == 2)),
            "{backend}: {districts:?}"
        );
        let only_116 = app.get(
            "/api/v1/search?kind=workers&district=116&q=may",
            Some(&staff),
        )?;
        assert_eq!(only_116.body["total"], 2, "{backend}");

        // Nothing a user types is a syntax error.
        for q in ["((( AND", "\"", "công:*nhân", "-", "*"] {
            let odd = app.get(&search_path("workers", q), Some(&staff))?;
            assert_eq!(odd.status, 200, "{backend} {q:?}");
        }
    }
    Ok(())
}

#[test]
fn the_index_follows_writes_and_roles_bound_search() -> TestResult {
    let app = spawn_app(sqlite_db())?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let id = worker(&app, &staff, worker_body("014195000011", "03649"))?;
    app.search.sync()?;
    let found = app.get(&search_path("workers", "lo thi on"), Some(&staff))?;
    assert_eq!(ids(&found.body, "id"), vec![id.clone()]);

    // An update is seen, an archive removes the record.
    let patched = app.patch(
        &format!("/api/v1/workers/{id}"),
        Some(&staff),
        &serde_json::json!({"skills": "nuôi ong lấy mật", "desired_occupations": ["6112"]}),
    )?;
    assert_eq!(patched.status, 200, "{:?}", patched.body);
    app.search.sync()?;
    assert_eq!(
        app.get(&search_path("workers", "nuoi ong"), Some(&staff))?
            .body["total"],
        1
    );
    assert_eq!(
        app.get(&search_path("workers", "may cong nghiep"), Some(&staff))?
            .body["total"],
        0
    );
    assert_eq!(
        app.delete(&format!("/api/v1/workers/{id}"), Some(&staff))?
            .status,
        200
    );
    app.search.sync()?;
    assert_eq!(
        app.get(&search_path("workers", "lo thi on"), Some(&staff))?
            .body["total"],
        0
    );

    // Roles: employers never search workers; anyone searches courses.
    let (employer_id, vacancy_id) = employer_and_vacancy(&app, &staff, serde_json::json!({}))?;
    let employer = app.sign_in_as("hr@example.vn", "employer", Link::Employer(employer_id))?;
    app.search.sync()?;
    let own = app.get(
        "/api/v1/search?kind=vacancies&q=cong%20nhan",
        Some(&employer),
    )?;
    assert_eq!(ids(&own.body, "id"), vec![vacancy_id]);
    assert_eq!(
        app.get("/api/v1/search?kind=workers&q=may", Some(&employer))?
            .status,
        403
    );
    assert_eq!(
        app.get("/api/v1/search?kind=workers&q=may", None)?.status,
        401
    );
    assert_eq!(
        app.get("/api/v1/search?kind=courses&q=may", None)?.status,
        200
    );
    let bad = app.get("/api/v1/search?kind=people", Some(&staff))?;
    assert_eq!(bad.status, 422);
    assert!(
        bad.field_errors()
            .contains(&("kind".into(), "invalid_choice".into()))
    );
    let bad = app.get(
        "/api/v1/search?kind=workers&limit=500&district=999",
        Some(&staff),
    )?;
    assert_eq!(bad.status, 422);
    let fields: Vec<String> = bad
        .field_errors()
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert!(
        fields.contains(&"limit".into()) && fields.contains(&"district".into()),
        "{fields:?}"
    );
    Ok(())
}

#[test]
fn a_restarted_index_catches_up_without_losing_or_doubling() -> TestResult {
    let db = sqlite_db();
    let settings = db.settings();
    let app = spawn_app(db)?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let first = worker(&app, &staff, worker_body("014195000021", "03649"))?;
    app.search.sync()?;
    // The indexer stops (a crash, say); writes go on and pile up in the change log.
    app.search.shutdown();
    let second = worker(&app, &staff, worker_body("014195000022", "03649"))?;
    app.patch(
        &format!("/api/v1/workers/{first}"),
        Some(&staff),
        &serde_json::json!({"skills": "trồng chè"}),
    )?;
    let third = worker(&app, &staff, worker_body("014195000023", "03700"))?;
    app.delete(&format!("/api/v1/workers/{third}"), Some(&staff))?;

    let (pool, _) = ketnoi::startup::build_pool(&settings)?;
    let reopened = ketnoi::search::SearchIndex::open(&settings.index_dir, pool, false)?;
    let searcher = reopened.searcher();
    let fields = reopened.fields();
    let count = |id: &str| -> Result<u64, Box<dyn std::error::Error>> {
        Ok(searcher.doc_freq(&tantivy::Term::from_field_text(fields.id, id))?)
    };
    assert_eq!(count(&first)?, 1);
    assert_eq!(count(&second)?, 1);
    assert_eq!(count(&third)?, 0);
    let workers = searcher.search(
        &tantivy::query::TermQuery::new(
            tantivy::Term::from_field_text(fields.kind, "worker"),
            tantivy::schema::IndexRecordOption::Basic,
        ),
        &tantivy::collector::Count,
    )?;
    assert_eq!(workers, 2);
    let snapshot = ketnoi::search::Snapshot::open(searcher)?;
    let tea = ketnoi::search::query::search(
        &snapshot,
        fields,
        ketnoi::search::documents::Kind::Worker,
        &ketnoi::search::query::SearchSpec {
            q: "tra che".into(),
            limit: 10,
            ..Default::default()
        },
    )?;
    assert_eq!(tea.total, 0, "'trà' is not 'trồng chè'");
    let tea = ketnoi::search::query::search(
        &snapshot,
        fields,
        ketnoi::search::documents::Kind::Worker,
        &ketnoi::search::query::SearchSpec {
            q: "trong che".into(),
            limit: 10,
            ..Default::default()
        },
    )?;
    assert_eq!(
        tea.hits.iter().map(|hit| hit.0.clone()).collect::<Vec<_>>(),
        vec![first]
    );
    Ok(())
}

#[test]
fn an_index_of_another_schema_version_is_rebuilt() -> TestResult {
    let db = sqlite_db();
    let settings = db.settings();
    let app = spawn_app(db)?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let id = worker(&app, &staff, worker_body("014195000031", "03649"))?;
    app.search.sync()?;
    app.search.shutdown();
    let current = std::fs::read_to_string(settings.index_dir.join("CURRENT"))?;
    let meta = settings.index_dir.join(current.trim()).join("meta.json");
    let text = std::fs::read_to_string(&meta)?;
    assert!(text.contains("\\\"schema\\\":"), "{text}");
    let version = format!("\\\"schema\\\":{}", ketnoi::search::schema::SCHEMA_VERSION);
    std::fs::write(&meta, text.replace(&version, "\\\"schema\\\":0"))?;

    let (pool, _) = ketnoi::startup::build_pool(&settings)?;
    let reopened = ketnoi::search::SearchIndex::open(&settings.index_dir, pool, false)?;
    let rebuilt = std::fs::read_to_string(settings.index_dir.join("CURRENT"))?;
    assert_ne!(rebuilt, current, "a new generation");
    assert!(
        !settings.index_dir.join(current.trim()).exists(),
        "the old one removed"
    );
    let searcher = reopened.searcher();
    assert_eq!(
        searcher.doc_freq(&tantivy::Term::from_field_text(reopened.fields().id, &id))?,
        1
    );
    Ok(())
}

fn employer_and_vacancy(
    app: &TestApp,
    staff: &str,
    vacancy: serde_json::Value,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    let employer = app.post(
        "/api/v1/employers",
        Some(staff),
        &serde_json::json!({
            "name": "Công ty May Sơn La",
            "tax_code": "5500999888",
            "kind": "company",
            "commune_code": "03649",
            "address": "Tổ 3",
            "contact_name": "Nguyễn Thị Hoa",
            "contact_phone": "0987654321"
        }),
    )?;
    let employer_id = employer.body["id"]
        .as_str()
        .ok_or("employer id")?
        .to_owned();
    let mut body = with(
        serde_json::json!({
            "employer_id": employer_id,
            "title": "Công nhân may công nghiệp",
            "occupation_code": "8153",
            "positions": 20,
            "commune_code": "03649",
            "skills_required": "may công nghiệp, đứng máy may",
            "min_age": 18,
            "max_age": 35,
            "deadline": "2027-12-31"
        }),
        vacancy,
    );
    body["employer_id"] = employer_id.clone().into();
    let created = app.post("/api/v1/vacancies", Some(staff), &body)?;
    if created.status != 201 {
        return Err(format!("vacancy: {:?}", created.body).into());
    }
    Ok((
        employer_id,
        created.body["id"].as_str().ok_or("vacancy id")?.to_owned(),
    ))
}

#[test]
fn matches_keep_the_hard_filters_and_explain_every_score() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let settings = db.settings();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let (_, home) = employer_and_vacancy(&app, &staff, serde_json::json!({}))?;
        let base = || worker_body("", "03649");
        let mut next_id = 100;
        let mut make = |changes: serde_json::Value| -> Result<String, Box<dyn std::error::Error>> {
            next_id += 1;
            let mut body = with(base(), changes);
            body["national_id"] = format!("014195000{next_id}").into();
            worker(&app, &staff, body)
        };
        let fits = make(serde_json::json!({"birth_date": "2000-01-01"}))?;
        let elsewhere = make(
            serde_json::json!({"birth_date": "2001-01-01", "commune_code": "03700", "willing_to_relocate": false}),
        )?;
        let too_old = make(serde_json::json!({"birth_date": "1980-01-01"}))?;
        let too_young = make(serde_json::json!({"birth_date": "2010-01-01"}))?;
        let not_seeking = make(serde_json::json!({"availability": "employed"}))?;
        let no_consent = make(serde_json::json!({"consent_to_share": false}))?;
        let referred = make(serde_json::json!({"birth_date": "1999-05-05"}))?;
        let abroad =
            make(serde_json::json!({"birth_date": "1998-05-05", "willing_overseas": true}))?;
        {
            let mut connection = ketnoi::db::establish(&settings.database_url)?;
            use ketnoi::db::schema::referrals;
            let now = chrono::Utc::now().naive_utc();
            diesel::insert_into(referrals::table)
                .values((
                    referrals::id.eq("r-test"),
                    referrals::vacancy_id.eq(&home),
                    referrals::worker_id.eq(&referred),
                    referrals::status.eq("referred"),
                    referrals::match_explanation.eq(""),
                    referrals::status_note.eq(""),
                    referrals::status_changed_at.eq(now),
                    referrals::created_at.eq(now),
                    referrals::updated_at.eq(now),
                ))
                .execute(&mut connection)?;
        }
        app.search.sync()?;

        let matches = app.get(&format!("/api/v1/vacancies/{home}/matches"), Some(&staff))?;
        assert_eq!(matches.status, 200, "{backend}: {:?}", matches.body);
        let found = ids(&matches.body, "worker_id");
        assert_eq!(
            found.first(),
            Some(&fits),
            "{backend}: same commune ranks first: {found:?} {}",
            matches.body
        );
        for kept in [&fits, &elsewhere, &abroad] {
            assert!(
                found.contains(kept),
                "{backend}: {kept} missing from {found:?}"
            );
        }
        for excluded in [&too_old, &too_young, &not_seeking, &no_consent, &referred] {
            assert!(
                !found.contains(excluded),
                "{backend}: {excluded} should be filtered"
            );
        }
        for item in matches.body["items"].as_array().ok_or("items")? {
            let parts = &item["components"];
            let sum: f64 = [
                "text_relevance",
                "occupation",
                "distance",
                "training",
                "policy_priority",
                "congestion",
            ]
            .iter()
            .map(|key| parts[*key].as_f64().unwrap_or(f64::NAN))
            .sum();
            let score = item["score"].as_f64().ok_or("score")?;
            assert!((sum - score).abs() < 1e-9, "{backend}: {sum} vs {score}");
            assert!(
                item["explanation"]
                    .as_str()
                    .is_some_and(|text| text.ends_with('.'))
            );
        }
        let top = &matches.body["items"][0];
        assert!(
            top["explanation"]
                .as_str()
                .is_some_and(|text| text.contains("cùng xã")),
            "{top:?}"
        );
        let english = crate::helpers::client()
            .get(app.url(&format!("/api/v1/vacancies/{home}/matches?limit=1")))
            .bearer_auth(&staff)
            .header("Accept-Language", "en")
            .send()?
            .json::<serde_json::Value>()?;
        assert!(
            english["items"][0]["explanation"]
                .as_str()
                .is_some_and(|text| text.contains("same commune"))
        );

        // Abroad: only the willing.
        let employers: serde_json::Value = app.get("/api/v1/employers", Some(&staff))?.body;
        let employer_id = employers["items"][0]["id"]
            .as_str()
            .ok_or("employer")?
            .to_owned();
        let overseas = app.post(
            "/api/v1/vacancies",
            Some(&staff),
            &serde_json::json!({
                "employer_id": employer_id,
                "title": "Lao động may tại Hàn Quốc",
                "occupation_code": "8153",
                "positions": 5,
                "is_overseas": true,
                "country": "KR",
                "min_age": 18,
                "max_age": 35
            }),
        )?;
        assert_eq!(overseas.status, 201, "{backend}: {:?}", overseas.body);
        let overseas_id = overseas.body["id"].as_str().ok_or("id")?;
        app.search.sync()?;
        let abroad_matches = app.get(
            &format!("/api/v1/vacancies/{overseas_id}/matches"),
            Some(&staff),
        )?;
        assert_eq!(
            ids(&abroad_matches.body, "worker_id"),
            vec![abroad.clone()],
            "{backend}"
        );

        // Worker → vacancies: both for the willing, only home for the others.
        let for_abroad = app.get(&format!("/api/v1/workers/{abroad}/matches"), Some(&staff))?;
        assert_eq!(for_abroad.status, 200, "{backend}: {:?}", for_abroad.body);
        assert_eq!(ids(&for_abroad.body, "vacancy_id").len(), 2, "{backend}");
        let for_fits = app.get(&format!("/api/v1/workers/{fits}/matches"), Some(&staff))?;
        assert_eq!(
            ids(&for_fits.body, "vacancy_id"),
            vec![home.clone()],
            "{backend}"
        );
        let for_referred = app.get(&format!("/api/v1/workers/{referred}/matches"), Some(&staff))?;
        assert!(
            ids(&for_referred.body, "vacancy_id").is_empty(),
            "{backend}: already referred"
        );
        let idle = app.get(
            &format!("/api/v1/workers/{not_seeking}/matches"),
            Some(&staff),
        )?;
        assert_eq!(idle.body["excluded"], "not_seeking");

        // An employer does not rank workers.
        let hr = app.sign_in_as(
            "hr@example.vn",
            "employer",
            Link::Employer(employer_id.clone()),
        )?;
        assert_eq!(
            app.get(&format!("/api/v1/vacancies/{home}/matches"), Some(&hr))?
                .status,
            403
        );
        assert_eq!(
            app.get("/api/v1/vacancies/nothing/matches", Some(&staff))?
                .status,
            404
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/vacancies/{home}/matches?limit=0"),
                Some(&staff)
            )?
            .status,
            422
        );
    }
    Ok(())
}

#[test]
fn course_suggestions_close_the_gap_to_nearby_vacancies() -> TestResult {
    let app = spawn_app(sqlite_db())?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    employer_and_vacancy(
        &app,
        &staff,
        serde_json::json!({"occupation_code": "7212", "title": "Thợ hàn", "skills_required": "hàn điện"}),
    )?;
    let starts = (chrono::Utc::now().date_naive() + chrono::Duration::days(20)).to_string();
    let ends = (chrono::Utc::now().date_naive() + chrono::Duration::days(80)).to_string();
    let course = |title: &str, code: &str, capacity: i64| {
        serde_json::json!({
            "provider": "Trường Cao đẳng Sơn La",
            "title": title,
            "leads_to": [code],
            "level": "under_3_months",
            "commune_code": "03649",
            "starts_on": starts,
            "ends_on": ends,
            "capacity": capacity,
            "fee_vnd": 0,
            "support_vnd": 0
        })
    };
    let welding = app.post(
        "/api/v1/courses",
        Some(&staff),
        &course("Hàn điện cơ bản", "7212", 20),
    )?;
    assert_eq!(welding.status, 201, "{:?}", welding.body);
    let sewing = app.post(
        "/api/v1/courses",
        Some(&staff),
        &course("May công nghiệp", "8153", 20),
    )?;
    assert_eq!(sewing.status, 201);
    // The worker wants sewing (8153); the vacancy nearby wants a welder.
    let id = worker(&app, &staff, worker_body("014195000041", "03649"))?;
    let suggested = app.get(
        &format!("/api/v1/workers/{id}/course-suggestions"),
        Some(&staff),
    )?;
    assert_eq!(suggested.status, 200, "{:?}", suggested.body);
    assert_eq!(
        ids(&suggested.body, "course_id"),
        vec![welding.body["id"].as_str().ok_or("id")?.to_owned()]
    );
    let first = &suggested.body["items"][0];
    assert_eq!(first["positions_nearby"], 20);
    assert_eq!(first["seats_left"], 20);
    assert!(
        first["explanation"]
            .as_str()
            .is_some_and(|text| text.contains("còn 20 chỗ"))
    );
    Ok(())
}

#[test]
fn reindex_beside_a_running_server_swaps_generations() -> TestResult {
    let db = sqlite_db();
    let settings = db.settings();
    let app = spawn_app(db)?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let id = worker(&app, &staff, worker_body("014195000051", "03649"))?;
    app.search.sync()?;
    let before = std::fs::read_to_string(settings.index_dir.join("CURRENT"))?;

    // `ketnoi reindex` runs while the server holds its writer: no lock fight.
    let mut connection = ketnoi::db::establish(&settings.database_url)?;
    let summary = ketnoi::search::index::rebuild(&settings.index_dir, &mut connection, false)?;
    assert_eq!(summary.documents, 1);
    assert!(
        settings.index_dir.join(before.trim()).exists(),
        "the server's generation is kept while in use"
    );

    // The server switches at its next round and removes the old generation.
    let second = worker(&app, &staff, worker_body("014195000052", "03649"))?;
    app.search.sync()?;
    let after = std::fs::read_to_string(settings.index_dir.join("CURRENT"))?;
    assert_eq!(after.trim(), summary.generation);
    assert!(!settings.index_dir.join(before.trim()).exists());
    let found = app.get(&search_path("workers", "lo thi on"), Some(&staff))?;
    let mut hits = ids(&found.body, "id");
    hits.sort();
    let mut expected = vec![id, second];
    expected.sort();
    assert_eq!(hits, expected);
    Ok(())
}

/// Audited reads from many requests at once go through the group commit: each answer is one
/// entry listing every person it showed, none lost, none twice, and each person's history
/// holds every read that listed them.
#[test]
fn concurrent_searches_lose_no_audit_entry() -> TestResult {
    use ketnoi::db::schema::{audit_log, audit_subjects};
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut people = Vec::new();
        for n in 0..5 {
            let body = with(
                worker_body(&format!("0141950002{n:02}"), "03649"),
                serde_json::json!({"full_name": format!("Lò Thị Ỏn {n}"), "skills": "may công nghiệp"}),
            );
            people.push(worker(&app, &token, body)?);
        }
        app.search.sync()?;
        let path = search_path("workers", "may cong nghiep");
        let listed: Vec<usize> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|_| {
                    scope.spawn(|| {
                        (0..8)
                            .map(|_| {
                                app.get(&path, Some(&token))
                                    .map(|answer| ids(&answer.body, "id").len())
                                    .unwrap_or(0)
                            })
                            .sum::<usize>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().unwrap_or(0))
                .collect()
        });
        let listed: usize = listed.iter().sum();
        assert_eq!(listed, 16 * 8 * 5, "{backend}");
        let mut connection = app.db.migrated()?;
        let searches = audit_log::table
            .filter(audit_log::action.eq("read"))
            .filter(audit_log::fields.like("full_name,%"))
            .filter(audit_log::entity_id.eq(""));
        let entries: i64 = searches.count().get_result(&mut connection)?;
        assert_eq!(entries, 16 * 8, "{backend}: one entry per answer");
        let subjects: i64 = audit_subjects::table
            .inner_join(audit_log::table)
            .filter(audit_log::fields.like("full_name,%"))
            .count()
            .get_result(&mut connection)?;
        assert_eq!(subjects, listed as i64, "{backend}");
        for person in &people {
            let reads = ketnoi::models::audit::for_record(&mut connection, "worker", person)?
                .into_iter()
                .filter(|(action, _, fields)| action == "read" && fields.starts_with("full_name,"))
                .count();
            assert_eq!(reads, 16 * 8, "{backend}: {person}");
        }
    }
    Ok(())
}

/// A search's answer is kept for the state of the index it was computed on, never past it: the
/// same search after a worker is added, changed or archived answers anew, and an officer's area
/// is part of what is kept.
#[test]
fn a_remembered_search_follows_the_index() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let elsewhere = app.sign_in_as("muongla@example.vn", "staff", Link::Area("118".into()))?;
        let weaver = |n: usize| {
            with(
                worker_body(&format!("0141950004{n:02}"), "03646"),
                serde_json::json!({"full_name": format!("Hà Văn Thắm {n}"), "skills": "dệt thổ cẩm"}),
            )
        };
        let path = search_path("workers", "det tho cam");
        let total = |token: &str| -> Result<serde_json::Value, Box<dyn std::error::Error>> {
            Ok(app.get(&path, Some(token))?.body["total"].clone())
        };
        let first = worker(&app, &staff, weaver(1))?;
        app.search.sync()?;
        assert_eq!(total(&staff)?, 1, "{backend}");
        assert_eq!(total(&staff)?, 1, "{backend}: asked again");
        assert_eq!(total(&elsewhere)?, 0, "{backend}: another area");
        worker(&app, &staff, weaver(2))?;
        app.search.sync()?;
        assert_eq!(total(&staff)?, 2, "{backend}: after a worker was added");
        let changed = app.patch(
            &format!("/api/v1/workers/{first}"),
            Some(&staff),
            &serde_json::json!({"skills": "thêu tay"}),
        )?;
        assert_eq!(changed.status, 200, "{backend}: {:?}", changed.body);
        app.search.sync()?;
        assert_eq!(
            total(&staff)?,
            1,
            "{backend}: after a worker's skills changed"
        );
        let moved = app.patch(
            &format!("/api/v1/workers/{first}"),
            Some(&staff),
            &serde_json::json!({"skills": "dệt thổ cẩm", "commune_code": "03682"}),
        )?;
        assert_eq!(moved.status, 200, "{backend}: {:?}", moved.body);
        app.search.sync()?;
        assert_eq!(total(&elsewhere)?, 1, "{backend}: moved into the area");
        let archived = app.delete(&format!("/api/v1/workers/{first}"), Some(&staff))?;
        assert_eq!(archived.status, 200, "{backend}");
        app.search.sync()?;
        assert_eq!(total(&staff)?, 1, "{backend}: after one was archived");
        assert_eq!(total(&elsewhere)?, 0, "{backend}: archived");
    }
    Ok(())
}
