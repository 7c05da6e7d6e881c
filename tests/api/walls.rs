//! What each role may see: shortlists, staff scores and notes, households of another area, and a
//! person's own data and the withdrawal of their consent.

use crate::helpers::{Link, TestApp, TestResult, client, spawn_app, test_dbs, worker_body};

pub(crate) fn employer_with_vacancy(
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

        // A text waiting for the person when they withdraw is dropped with their e-mails.
        ketnoi::mail::outbox::enqueue_sms(
            &mut connection,
            &ketnoi::mail::messages::Message::HireConfirmation(ketnoi::mail::messages::Hire {
                worker_name: "Lò Thị Ỏn".into(),
                employer_name: "Công ty May Sơn La".into(),
                employer_phone: String::new(),
                vacancy_title: "Công nhân may".into(),
                start_date: chrono::NaiveDate::from_ymd_opt(2027, 1, 4).ok_or("day")?,
                wage_vnd: None,
                place: String::new(),
            }),
            "0912345678",
            ketnoi::i18n::Lang::Vi,
            ketnoi::accounts::now(),
        )?;
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
            .filter(
                ketnoi::db::schema::outbox::recipient.eq_any(["lothion@example.vn", "0912345678"]),
            )
            .count()
            .get_result(&mut connection)?;
        assert_eq!(
            to_worker, 0,
            "{backend}: nothing is sent to the person, by e-mail or text"
        );
        // The records the counts rest on stay.
        let still = app.get(&format!("/api/v1/referrals/{referral}"), Some(&staff))?;
        assert_eq!(still.body["status"], "interview", "{backend}");
    }
    Ok(())
}
