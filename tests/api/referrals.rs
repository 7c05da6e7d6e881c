//! Referrals, hires and their placements.

use diesel::prelude::*;

use crate::helpers::{Link, TestApp, TestResult, spawn_app, test_dbs, worker_body};

fn make_worker(
    app: &TestApp,
    staff: &str,
    n: u32,
    consent: bool,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut body = worker_body(&format!("0141950{n:05}"), "03649");
    body["consent_to_share"] = consent.into();
    let created = app.post("/api/v1/workers", Some(staff), &body)?;
    if created.status != 201 {
        return Err(format!("worker: {:?}", created.body).into());
    }
    Ok(created.body["id"].as_str().ok_or("id")?.to_owned())
}

fn employer_and_vacancy(
    app: &TestApp,
    staff: &str,
    positions: i64,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    let employer = app.post(
        "/api/v1/employers",
        Some(staff),
        &serde_json::json!({
            "name": "Công ty May Sơn La",
            "tax_code": "5500777666",
            "kind": "company",
            "commune_code": "03649",
            "address": "Tổ 3",
            "contact_name": "Nguyễn Thị Hoa",
            "contact_phone": "0987654321",
            "contact_email": "tuyendung@maysonla.vn"
        }),
    )?;
    let employer_id = employer.body["id"].as_str().ok_or("employer")?.to_owned();
    let vacancy = app.post(
        "/api/v1/vacancies",
        Some(staff),
        &serde_json::json!({
            "employer_id": employer_id,
            "title": "Công nhân may công nghiệp",
            "occupation_code": "8153",
            "positions": positions,
            "commune_code": "03649",
            "min_age": 18,
            "max_age": 45
        }),
    )?;
    let vacancy_id = vacancy.body["id"].as_str().ok_or("vacancy")?.to_owned();
    Ok((employer_id, vacancy_id))
}

fn refer(
    app: &TestApp,
    staff: &str,
    vacancy: &str,
    worker: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let referred = app.post(
        "/api/v1/referrals",
        Some(staff),
        &serde_json::json!({"vacancy_id": vacancy, "worker_id": worker}),
    )?;
    if referred.status != 201 {
        return Err(format!("referral: {} {:?}", referred.status, referred.body).into());
    }
    Ok(referred.body["id"].as_str().ok_or("id")?.to_owned())
}

#[test]
fn a_referral_becomes_a_placement_and_a_withdrawn_hire_reverses_it() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let settings = db.settings();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let (employer_id, vacancy) = employer_and_vacancy(&app, &staff, 1)?;
        let worker = make_worker(&app, &staff, 1, true)?;
        let private = make_worker(&app, &staff, 2, false)?;
        app.search.sync()?;

        let id = refer(&app, &staff, &vacancy, &worker)?;
        let stored = app.get(&format!("/api/v1/referrals/{id}"), Some(&staff))?;
        assert_eq!(stored.body["status"], "referred", "{backend}");
        assert!(
            stored.body["match_score"]
                .as_f64()
                .is_some_and(|score| score > 0.0),
            "{backend}: {:?}",
            stored.body
        );
        assert!(
            stored.body["match_explanation"]
                .as_str()
                .is_some_and(|text| text.contains("đúng nghề"))
        );
        let again = app.post(
            "/api/v1/referrals",
            Some(&staff),
            &serde_json::json!({"vacancy_id": vacancy, "worker_id": worker}),
        )?;
        assert_eq!(again.status, 409, "{backend}");
        let refused = app.post(
            "/api/v1/referrals",
            Some(&staff),
            &serde_json::json!({"vacancy_id": vacancy, "worker_id": private}),
        )?;
        assert!(
            refused
                .field_errors()
                .contains(&("worker_id".into(), "no_consent".into())),
            "{backend}: {:?}",
            refused.body
        );

        let empty = app.post(
            "/api/v1/referrals",
            Some(&staff),
            &serde_json::json!({"vacancy_id": " "}),
        )?;
        assert_eq!(empty.status, 422);
        let fields: Vec<String> = empty
            .field_errors()
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(
            fields,
            vec!["vacancy_id".to_owned(), "worker_id".to_owned()]
        );

        // The employer moves its own referral on; a rejection needs its reason.
        let hr = app.sign_in_as("hr@example.vn", "employer", Link::Employer(employer_id))?;
        let path = format!("/api/v1/referrals/{id}");
        let no_reason = app.patch(&path, Some(&hr), &serde_json::json!({"status": "rejected"}))?;
        assert!(
            no_reason
                .field_errors()
                .contains(&("rejection_reason".into(), "required".into()))
        );
        assert_eq!(
            app.patch(
                &path,
                Some(&hr),
                &serde_json::json!({"status": "interview"})
            )?
            .status,
            200
        );
        assert_eq!(
            app.patch(
                &path,
                Some(&hr),
                &serde_json::json!({"status": "shortlisted"})
            )?
            .status,
            409
        );
        let hired = app.patch(&path, Some(&hr), &serde_json::json!({"status": "hired", "start_date": "2026-12-01", "wage_vnd": 6500000}))?;
        assert_eq!(hired.status, 200, "{backend}: {:?}", hired.body);
        let placement_id = hired.body["placement_id"]
            .as_str()
            .ok_or("placement")?
            .to_owned();

        let mut connection = ketnoi::db::establish(&settings.database_url)?;
        use ketnoi::db::schema::{follow_ups, placements, vacancies, workers};
        let (status, snapshot_commune, wage): (String, String, Option<i64>) = placements::table
            .find(&placement_id)
            .select((
                placements::status,
                placements::commune_id_snapshot,
                placements::wage_vnd,
            ))
            .first(&mut connection)?;
        assert_eq!(
            (status.as_str(), wage),
            ("active", Some(6_500_000)),
            "{backend}"
        );
        assert!(snapshot_commune.starts_with("03649"));
        let due: Vec<(i32, chrono::NaiveDate)> = follow_ups::table
            .filter(follow_ups::placement_id.eq(&placement_id))
            .order(follow_ups::months_after_start)
            .select((follow_ups::months_after_start, follow_ups::due_on))
            .load(&mut connection)?;
        let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d");
        assert_eq!(
            due,
            vec![
                (3, date("2027-03-01")?),
                (6, date("2027-06-01")?),
                (12, date("2027-12-01")?)
            ]
        );
        let availability: String = workers::table
            .find(&worker)
            .select(workers::availability)
            .first(&mut connection)?;
        assert_eq!(availability, "employed");
        let filled: String = vacancies::table
            .find(&vacancy)
            .select(vacancies::status)
            .first(&mut connection)?;
        assert_eq!(filled, "filled", "{backend}: its one position is taken");

        // Only staff withdraw a hire, with a reason; everything counted from it is reversed.
        assert_eq!(
            app.patch(
                &path,
                Some(&hr),
                &serde_json::json!({"status": "withdrawn", "reason": "x"})
            )?
            .status,
            403
        );
        let no_reason = app.patch(
            &path,
            Some(&staff),
            &serde_json::json!({"status": "withdrawn"}),
        )?;
        assert!(
            no_reason
                .field_errors()
                .contains(&("reason".into(), "required".into()))
        );
        let withdrawn = app.patch(&path, Some(&staff), &serde_json::json!({"status": "withdrawn", "reason": "Người lao động không đến nhận việc"}))?;
        assert_eq!(withdrawn.status, 200, "{backend}: {:?}", withdrawn.body);
        let (status, reason): (String, Option<String>) = placements::table
            .find(&placement_id)
            .select((placements::status, placements::withdrawn_reason))
            .first(&mut connection)?;
        assert_eq!(status, "withdrawn");
        assert_eq!(
            reason.as_deref(),
            Some("Người lao động không đến nhận việc")
        );
        let pending: i64 = follow_ups::table
            .filter(follow_ups::placement_id.eq(&placement_id))
            .count()
            .get_result(&mut connection)?;
        assert_eq!(pending, 0);
        let availability: String = workers::table
            .find(&worker)
            .select(workers::availability)
            .first(&mut connection)?;
        assert_eq!(availability, "seeking");
        let reopened: String = vacancies::table
            .find(&vacancy)
            .select(vacancies::status)
            .first(&mut connection)?;
        assert_eq!(reopened, "open");
        assert_eq!(
            app.patch(&path, Some(&staff), &serde_json::json!({"status": "hired"}))?
                .status,
            409,
            "withdrawn is final"
        );
    }
    Ok(())
}

#[test]
fn simultaneous_hires_never_exceed_the_positions() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let settings = db.settings();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let (_, vacancy) = employer_and_vacancy(&app, &staff, 1)?;
        let mut referrals = Vec::new();
        for n in 0..32 {
            let worker = make_worker(&app, &staff, 100 + n, true)?;
            referrals.push(refer(&app, &staff, &vacancy, &worker)?);
        }
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(referrals.len()));
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let handles: Vec<_> = referrals
                .iter()
                .map(|id| {
                    let (app, staff, barrier) = (&app, &staff, barrier.clone());
                    scope.spawn(move || {
                        barrier.wait();
                        app.patch(
                            &format!("/api/v1/referrals/{id}"),
                            Some(staff),
                            &serde_json::json!({"status": "hired"}),
                        )
                        .map(|answer| answer.status)
                        .unwrap_or(0)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().unwrap_or(0))
                .collect()
        });
        assert_eq!(
            statuses.iter().filter(|status| **status == 200).count(),
            1,
            "{backend}: {statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|status| **status == 409).count(),
            31,
            "{backend}: {statuses:?}"
        );
        let mut connection = ketnoi::db::establish(&settings.database_url)?;
        use ketnoi::db::schema::placements;
        let placed: i64 = placements::table
            .filter(placements::vacancy_id.eq(&vacancy))
            .count()
            .get_result(&mut connection)?;
        assert_eq!(placed, 1, "{backend}");
    }
    Ok(())
}

#[test]
fn follow_ups_are_due_after_the_start_and_recorded_by_staff() -> TestResult {
    let app = spawn_app(crate::helpers::sqlite_db())?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let (employer_id, vacancy) = employer_and_vacancy(&app, &staff, 3)?;
    let worker = make_worker(&app, &staff, 7, true)?;
    app.search.sync()?;
    let id = refer(&app, &staff, &vacancy, &worker)?;
    let hired = app.patch(
        &format!("/api/v1/referrals/{id}"),
        Some(&staff),
        &serde_json::json!({"status": "hired", "start_date": "2026-01-05"}),
    )?;
    assert_eq!(hired.status, 200, "{:?}", hired.body);

    let overdue = app.get("/api/v1/follow-ups?overdue=true", Some(&staff))?;
    assert_eq!(overdue.status, 200);
    let due: Vec<(i64, String)> = overdue
        .body
        .as_array()
        .ok_or("list")?
        .iter()
        .map(|item| {
            (
                item["months_after_start"].as_i64().unwrap_or(0),
                item["due_on"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        due,
        vec![(3, "2026-04-05".to_owned()), (6, "2026-07-05".to_owned())]
    );
    let six = overdue.body[1]["id"].as_str().ok_or("id")?.to_owned();
    let path = format!("/api/v1/follow-ups/{six}");
    let left = app.patch(&path, Some(&staff), &serde_json::json!({"outcome": "left"}))?;
    assert!(
        left.field_errors()
            .contains(&("left_reason".into(), "required".into()))
    );
    let future = app.patch(
        &path,
        Some(&staff),
        &serde_json::json!({"outcome": "still_employed", "recorded_on": "2099-01-01"}),
    )?;
    assert!(
        future
            .field_errors()
            .contains(&("recorded_on".into(), "future_date".into()))
    );
    let hr = app.sign_in_as("hr@example.vn", "employer", Link::Employer(employer_id))?;
    assert_eq!(
        app.patch(
            &path,
            Some(&hr),
            &serde_json::json!({"outcome": "still_employed"})
        )?
        .status,
        403
    );
    let recorded = app.patch(
        &path,
        Some(&staff),
        &serde_json::json!({"outcome": "still_employed"}),
    )?;
    assert_eq!(recorded.status, 200, "{:?}", recorded.body);
    assert_eq!(recorded.body["outcome"], "still_employed");
    let overdue = app.get("/api/v1/follow-ups?overdue=true", Some(&staff))?;
    assert_eq!(overdue.body.as_array().map(Vec::len), Some(1));

    // A withdrawn hire takes its pending follow-ups with it.
    let withdrawn = app.patch(
        &format!("/api/v1/referrals/{id}"),
        Some(&staff),
        &serde_json::json!({"status": "withdrawn", "reason": "Doanh nghiệp hủy thỏa thuận"}),
    )?;
    assert_eq!(withdrawn.status, 200);
    assert_eq!(
        app.get("/api/v1/follow-ups?overdue=true", Some(&staff))?
            .body
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    assert_eq!(
        app.patch(
            &path,
            Some(&staff),
            &serde_json::json!({"outcome": "left", "left_reason": "x"})
        )?
        .status,
        409,
        "the confirmed one stays, but its placement no longer counts"
    );
    Ok(())
}

/// Staff keep the match as they saw it — the worker's place on the ranked list and every reason,
/// priorities included — and referring someone off that list takes the reason for the choice.
/// An employer reads how the person fits the work and nothing of the programme's priorities
/// (household, ethnic minority) or of staff's reasons, in the API and in its e-mail alike.
#[test]
fn the_ranking_is_kept_with_a_referral_and_an_employer_never_reads_the_priorities() -> TestResult {
    use ketnoi::db::schema::{audit_log, outbox};
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let (employer_id, vacancy) = employer_and_vacancy(&app, &staff, 2)?;
        let household = app.post(
            "/api/v1/households",
            Some(&staff),
            &serde_json::json!({
                "code": "SL-03649-0001",
                "commune_code": "03649",
                "head_name": "Lò Văn Piếng",
                "ethnicity_code": "03",
                "members": 5,
                "income_per_person_vnd": 900_000,
                "urban": false,
                "deprivations": ["health_insurance", "housing_quality", "sanitation"],
                "review_year": 2025
            }),
        )?;
        assert_eq!(household.body["status"], "poor", "{backend}");
        let mut body = worker_body("014195000301", "03649");
        body["household_id"] = household.body["id"].clone();
        let listed = app.post("/api/v1/workers", Some(&staff), &body)?;
        let listed = listed.body["id"].as_str().ok_or("worker")?.to_owned();
        // Born 1950: outside the vacancy's ages, so on no ranked list.
        let mut body = worker_body("014150000302", "03649");
        body["full_name"] = "Hà Văn Thắm".into();
        body["birth_date"] = "1950-03-02".into();
        let older = app.post("/api/v1/workers", Some(&staff), &body)?;
        let older = older.body["id"].as_str().ok_or("worker")?.to_owned();
        app.search.sync()?;

        let id = refer(&app, &staff, &vacancy, &listed)?;
        let path = format!("/api/v1/referrals/{id}");
        let for_staff = app.get(&path, Some(&staff))?;
        assert_eq!(for_staff.body["match_rank"], 1, "{backend}");
        let staff_text = for_staff.body["match_explanation"]
            .as_str()
            .ok_or("explanation")?;
        assert!(
            staff_text.contains("ưu tiên: hộ nghèo")
                && staff_text.contains("ưu tiên: dân tộc thiểu số"),
            "{backend}: {staff_text}"
        );
        let hr = app.sign_in_as(
            "tuyendung@maysonla.vn",
            "employer",
            Link::Employer(employer_id.clone()),
        )?;
        let for_employer = app.get(&path, Some(&hr))?;
        assert_eq!(for_employer.status, 200, "{backend}");
        let employer_text = for_employer.body["match_explanation"]
            .as_str()
            .ok_or("explanation")?;
        assert!(
            employer_text.contains("cùng xã")
                && !employer_text.contains("ưu tiên")
                && !employer_text.contains("nghèo")
                && !employer_text.contains("thiểu số"),
            "{backend}: {employer_text}"
        );
        assert!(for_employer.body["match_rank"].is_null(), "{backend}");
        let mut connection = app.db.migrated()?;
        let mails: Vec<String> = outbox::table
            .filter(outbox::template.eq("referral_new"))
            .select(outbox::payload)
            .load(&mut connection)?;
        assert_eq!(mails.len(), 1, "{backend}");
        assert!(
            mails[0].contains("cùng xã") && !mails[0].contains("ưu tiên"),
            "{backend}: {}",
            mails[0]
        );

        // Off the list: refused without a reason, nothing written; kept with it.
        let off_list = serde_json::json!({"vacancy_id": vacancy, "worker_id": older});
        let refused = app.post("/api/v1/referrals", Some(&staff), &off_list)?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused
                .field_errors()
                .contains(&("override_reason".into(), "override_reason_required".into())),
            "{backend}: {:?}",
            refused.body
        );
        let listed_now = app.get(
            &format!("/api/v1/referrals?vacancy_id={vacancy}"),
            Some(&staff),
        )?;
        assert_eq!(listed_now.body.as_array().map(Vec::len), Some(1));
        let reason = "Hai mươi năm làm thợ may, sức khỏe tốt, chủ động xin việc";
        let mut with_reason = off_list.clone();
        with_reason["override_reason"] = reason.into();
        let overridden = app.post("/api/v1/referrals", Some(&staff), &with_reason)?;
        assert_eq!(overridden.status, 201, "{backend}: {:?}", overridden.body);
        assert_eq!(overridden.body["override_reason"], reason);
        assert!(overridden.body["match_rank"].is_null());
        let overridden = overridden.body["id"].as_str().ok_or("id")?.to_owned();
        let for_employer = app.get(&format!("/api/v1/referrals/{overridden}"), Some(&hr))?;
        assert!(
            for_employer.body["override_reason"].is_null(),
            "{backend}: staff's reasons are staff's"
        );
        let audited: Vec<String> = audit_log::table
            .filter(audit_log::entity.eq("referral"))
            .filter(audit_log::entity_id.eq(&overridden))
            .select(audit_log::fields)
            .load(&mut connection)?;
        assert!(
            audited
                .iter()
                .any(|fields| fields.contains("override_reason")),
            "{backend}: {audited:?}"
        );
    }
    Ok(())
}
