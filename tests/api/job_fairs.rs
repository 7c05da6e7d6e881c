//! A job fair: three employers bring their vacancies, workers are registered and come (a
//! `job_fair` service), referrals made at the fair lead to interviews and two hires, one from a
//! poor household, and the fair's results say so; the public sees upcoming fairs with their
//! employers and vacancies and nothing about anyone.

use diesel::prelude::*;
use ketnoi::db::schema::{outbox, workers};
use serde_json::json;

use crate::helpers::{Link, TestResult, client, spawn_app, test_dbs};
use crate::pages::Visitor;
use crate::progress::{Person, household, id, vacancy, worker};

/// A worker of commune 03649.
fn person(n: u32, household: Option<&str>) -> Person<'_> {
    Person {
        n,
        commune: "03649",
        household,
        gender: "female",
        ethnicity: "03",
        overseas: false,
    }
}

#[test]
fn a_fair_with_three_employers_makes_two_hires_and_says_so() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut vacancies = Vec::new();
        for (n, name) in [
            "Công ty May Sơn La",
            "HTX Chè Tà Xùa",
            "Công ty Xây dựng Mộc Châu",
        ]
        .iter()
        .enumerate()
        {
            let employer = id(
                &app.post(
                    "/api/v1/employers",
                    Some(&staff),
                    &json!({"name": name, "tax_code": format!("550077700{n}"), "kind": "company",
                        "contact_name": "Nguyễn Thị Hoa"}),
                )?,
                "employer",
            )?;
            vacancies.push(vacancy(&app, &staff, &employer, None)?);
        }
        let elsewhere = vacancy(
            &app,
            &staff,
            &id(
                &app.post(
                    "/api/v1/employers",
                    Some(&staff),
                    &json!({"name": "Công ty khác",
                "tax_code": "5500777999", "kind": "company", "contact_name": "Lò Văn Pấng"}),
                )?,
                "employer",
            )?,
            None,
        )?;
        let poor = household(&app, &staff, "JF-01", "03649", "poor")?;
        let from_poor = worker(&app, &staff, person(41, Some(&poor)))?;
        let other = worker(&app, &staff, person(42, None))?;
        let third = worker(&app, &staff, person(43, None))?;

        let fair = app.post(
            "/api/v1/job-fairs",
            Some(&staff),
            &json!({"name": "Phiên giao dịch việc làm tháng 11 Tô Hiệu", "held_on": "2026-11-20",
                "place": "Nhà văn hóa phường Tô Hiệu", "organiser": "Trung tâm Dịch vụ việc làm",
                "commune_codes": ["03649"]}),
        )?;
        assert_eq!(fair.status, 201, "{backend}: {}", fair.body);
        let fair = id(&fair, "fair")?;
        for vacancy_id in &vacancies {
            let added = app.post(
                &format!("/api/v1/job-fairs/{fair}/vacancies"),
                Some(&staff),
                &json!({"vacancy_id": vacancy_id}),
            )?;
            assert_eq!(added.status, 200, "{backend}: {}", added.body);
        }
        for (worker_id, came) in [(&from_poor, true), (&other, true), (&third, false)] {
            let registered = app.post(
                &format!("/api/v1/job-fairs/{fair}/workers"),
                Some(&staff),
                &json!({"worker_id": worker_id, "attended": came}),
            )?;
            assert_eq!(registered.status, 200, "{backend}: {}", registered.body);
        }
        // Coming to the fair is a job_fair service on its day.
        let services = app.get(
            &format!("/api/v1/workers/{from_poor}/service-records"),
            Some(&staff),
        )?;
        assert_eq!(
            (
                services.body[0]["kind"].as_str(),
                services.body[0]["provided_on"].as_str()
            ),
            (Some("job_fair"), Some("2026-11-20")),
            "{backend}: {}",
            services.body
        );

        // Referrals at the fair: only to its vacancies.
        let off = app.post(
            &format!("/api/v1/job-fairs/{fair}/referrals"),
            Some(&staff),
            &json!({"vacancy_id": elsewhere, "worker_id": third}),
        )?;
        assert_eq!(off.status, 422, "{backend}: {}", off.body);
        for (vacancy_id, worker_id, step) in [
            (&vacancies[0], &from_poor, "hired"),
            (&vacancies[1], &other, "hired"),
            (&vacancies[2], &third, "interview"),
        ] {
            let referral = app.post(
                &format!("/api/v1/job-fairs/{fair}/referrals"),
                Some(&staff),
                &json!({"vacancy_id": vacancy_id, "worker_id": worker_id,
                    "override_reason": "Gặp tại phiên giao dịch"}),
            )?;
            assert_eq!(referral.status, 201, "{backend}: {}", referral.body);
            let referral = id(&referral, "referral")?;
            let moved = app.patch(
                &format!("/api/v1/referrals/{referral}"),
                Some(&staff),
                &json!({"status": step, "start_date": "2026-11-25"}),
            )?;
            assert_eq!(moved.status, 200, "{backend}: {}", moved.body);
        }

        let read = app.get(&format!("/api/v1/job-fairs/{fair}"), Some(&staff))?;
        assert_eq!(
            read.body["results"],
            json!({"registered": 3, "attended": 2, "referrals": 3, "interviews": 3, "hires": 2,
                "hires_target_households": 1}),
            "{backend}"
        );
        assert_eq!(read.body["vacancies"].as_array().map(Vec::len), Some(3));
        // The half-year's report lists the fair with what came of it.
        let admin = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let report = app.get("/api/v1/reports/2026-H2.json", Some(&admin))?;
        assert_eq!(report.status, 200, "{backend}: {}", report.body);
        assert_eq!(
            (
                report.body["job_fairs"][0]["name"].as_str(),
                &report.body["job_fairs"][0]["results"]
            ),
            (
                Some("Phiên giao dịch việc làm tháng 11 Tô Hiệu"),
                &read.body["results"]
            ),
            "{backend}: {}",
            report.body
        );
        let csv = client()
            .get(app.url("/api/v1/reports/2026-H2.csv"))
            .bearer_auth(&admin)
            .send()?
            .text()?;
        assert!(
            csv.contains(&format!(
                "Phiên giao dịch việc làm,{fair},Phiên giao dịch việc làm tháng 11 Tô Hiệu,Tuyển dụng,2"
            )),
            "{backend}: {csv}"
        );

        // The public: upcoming fairs only, employers and vacancies, no results, no people.
        let upcoming = app.post(
            "/api/v1/job-fairs",
            Some(&staff),
            &json!({"name": "Phiên giao dịch việc làm Xuân 2027", "held_on": "2027-02-20",
                "commune_codes": ["03649"]}),
        )?;
        let upcoming = id(&upcoming, "fair")?;
        // A vacancy filled at the last fair is not brought again; one still open is.
        let filled = app.post(
            &format!("/api/v1/job-fairs/{upcoming}/vacancies"),
            Some(&staff),
            &json!({"vacancy_id": vacancies[0]}),
        )?;
        assert_eq!(filled.status, 422, "{backend}: {}", filled.body);
        app.post(
            &format!("/api/v1/job-fairs/{upcoming}/vacancies"),
            Some(&staff),
            &json!({"vacancy_id": vacancies[2]}),
        )?;
        let public = app.get("/api/v1/job-fairs", None)?;
        assert_eq!(public.status, 200, "{backend}");
        let listed: Vec<&str> = public
            .body
            .as_array()
            .ok_or("fairs")?
            .iter()
            .filter_map(|fair| fair["id"].as_str())
            .collect();
        assert_eq!(listed, [upcoming.as_str()], "{backend}");
        assert!(public.body[0]["results"].is_null(), "{backend}");
        assert_eq!(
            public.body[0]["vacancies"][0]["employer"],
            "Công ty Xây dựng Mộc Châu"
        );
        let held = app.get(&format!("/api/v1/job-fairs/{fair}"), None)?;
        assert_eq!(held.status, 404, "{backend}");
        let page = Visitor::new(&app)?.get("/job-fairs")?;
        assert_eq!(page.status, 200, "{backend}");
        assert!(
            page.html.contains("Phiên giao dịch việc làm Xuân 2027")
                && page.html.contains("Công ty Xây dựng Mộc Châu")
                && !page.html.contains("tháng 11 Tô Hiệu")
                && !page.html.contains("Lò Văn Số"),
            "{backend}: {}",
            page.html
        );
        let found = app.get("/api/v1/job-fairs?q=xuan", Some(&staff))?;
        assert_eq!(found.body.as_array().map(Vec::len), Some(1), "{backend}");

        // Anyone registers for the upcoming fair: a new person is registered as a worker, a
        // known CCCD is signed up as it is; both answered alike; a wrong CCCD is refused beside
        // its field; a fair already held is not offered.
        let mut visitor = Visitor::new(&app)?;
        visitor.get(&format!("/job-fairs/{upcoming}/register"))?;
        let form = |cccd: &'static str, name: &'static str| {
            vec![
                ("full_name", name),
                ("national_id", cccd),
                ("birth_date", "1999-05-06"),
                ("gender", "male"),
                ("ethnicity_code", "03"),
                ("phone", "0912 000 111"),
                ("commune_code", "03649"),
            ]
        };
        let wrong = visitor.post(
            &format!("/job-fairs/{upcoming}/register"),
            &form("12", "Hà Văn Thắm"),
        )?;
        assert_eq!(wrong.status, 422, "{backend}");
        assert!(wrong.html.contains("id=\"national_id-error\""), "{backend}");
        for (cccd, name) in [
            ("014199000777", "Hà Văn Thắm"),
            ("014196000041", "Người khác"),
        ] {
            let sent = visitor.post(
                &format!("/job-fairs/{upcoming}/register"),
                &form(cccd, name),
            )?;
            assert_eq!(sent.status, 200, "{backend}: {}", sent.html);
            assert!(sent.html.contains("id=\"fair-registered\""), "{backend}");
        }
        let read = app.get(&format!("/api/v1/job-fairs/{upcoming}"), Some(&staff))?;
        assert_eq!(
            read.body["results"]["registered"], 2,
            "{backend}: {}",
            read.body
        );
        let mut connection = app.db.migrated()?;
        let registered: i64 = workers::table
            .filter(workers::national_id.eq("014199000777"))
            .count()
            .get_result(&mut connection)?;
        assert_eq!(registered, 1, "{backend}: the new person is registered");
        let known = app.get(&format!("/api/v1/workers/{from_poor}"), Some(&staff))?;
        assert_eq!(
            known.body["full_name"], "Lò Văn Số 41",
            "{backend}: the record is unchanged"
        );
        // Each new registration for a fair not yet held is mailed to the worker with its day,
        // place and employers (the held fair's registrations were not); a second
        // registration is not.
        app.post(
            &format!("/api/v1/job-fairs/{upcoming}/workers"),
            Some(&staff),
            &json!({"worker_id": other}),
        )?;
        app.post(
            &format!("/api/v1/job-fairs/{upcoming}/workers"),
            Some(&staff),
            &json!({"worker_id": other}),
        )?;
        let letters: Vec<(String, String)> = outbox::table
            .filter(outbox::template.eq("fair_registration"))
            .filter(outbox::channel.eq("email"))
            .select((outbox::recipient, outbox::payload))
            .load(&mut connection)?;
        assert_eq!(letters.len(), 2, "{backend}: {letters:?}");
        // And by text to each phone, the new person's too (who gave no e-mail).
        let mut texted: Vec<String> = outbox::table
            .filter(outbox::template.eq("fair_registration"))
            .filter(outbox::channel.eq("sms"))
            .select(outbox::recipient)
            .load(&mut connection)?;
        texted.sort();
        assert_eq!(
            texted,
            ["0912000111", "0912345678", "0912345678"],
            "{backend}"
        );
        for (recipient, payload) in &letters {
            assert_eq!(recipient, "lothion@example.vn", "{backend}");
            assert!(
                payload.contains("Phiên giao dịch việc làm Xuân 2027")
                    && payload.contains("2027-02-20")
                    && payload.contains("Công ty Xây dựng Mộc Châu")
                    && !payload.contains("0141960"),
                "{backend}: {payload}"
            );
        }
        let past = visitor.get(&format!("/job-fairs/{fair}/register"))?;
        assert_eq!(past.status, 404, "{backend}");
    }
    Ok(())
}

/// On the day, from the pages: an officer adds a fair, brings a vacancy, registers a worker by
/// CCCD as come, refers her to the fair's vacancy and records the hire on the referral's page;
/// the fair's page counts the hire.
#[test]
fn an_officer_registers_a_worker_at_a_fair_and_records_the_hire_on_the_spot() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({"name": "Công ty May Sơn La", "tax_code": "5500888001", "kind": "company",
                    "contact_name": "Nguyễn Thị Hoa"}),
            )?,
            "employer",
        )?;
        let open = vacancy(&app, &staff, &employer, None)?;
        let poor = household(&app, &staff, "JF-09", "03649", "poor")?;
        worker(&app, &staff, person(51, Some(&poor)))?;
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        officer.get("/job-fairs/new")?;
        let refused = officer.post("/job-fairs/new", &[("name", ""), ("held_on", "2026-11-30")])?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(refused.html.contains("id=\"name-error\""), "{backend}");
        let created = officer.post(
            "/job-fairs/new",
            &[
                ("name", "Phiên giao dịch việc làm Chiềng Sinh"),
                ("held_on", "2026-11-30"),
                ("commune_codes", "03649"),
            ],
        )?;
        assert_eq!(created.status, 303, "{backend}: {}", created.html);
        let page = created.location.clone();
        officer.get(&page)?;
        let brought = officer.post(&page, &[("action", "vacancy"), ("vacancy_id", &open)])?;
        assert_eq!(brought.status, 303, "{backend}: {}", brought.html);
        officer.get(&page)?;
        let unknown = officer.post(
            &page,
            &[
                ("action", "worker"),
                ("national_id", "014196000099"),
                ("attended", "true"),
            ],
        )?;
        assert_eq!(unknown.status, 422, "{backend}");
        let came = officer.post(
            &page,
            &[
                ("action", "worker"),
                ("national_id", "014196000051"),
                ("attended", "true"),
            ],
        )?;
        assert_eq!(came.status, 303, "{backend}: {}", came.html);
        officer.get(&page)?;
        let referred = officer.post(
            &page,
            &[
                ("action", "refer"),
                ("national_id", "014196000051"),
                ("vacancy_id", &open),
            ],
        )?;
        assert_eq!(referred.status, 303, "{backend}: {}", referred.html);
        assert!(referred.location.starts_with("/referrals/"), "{backend}");
        let referral = referred.location.clone();
        officer.get(&referral)?;
        let hired = officer.post(
            &format!("{referral}/move"),
            &[
                ("status", "hired"),
                ("start_date", "2026-12-01"),
                ("wage_vnd", "6.000.000"),
            ],
        )?;
        assert_eq!(hired.status, 303, "{backend}: {}", hired.html);
        let shown = officer.get(&page)?;
        assert!(
            shown.html.contains("id=\"fair-hires\">1<")
                && shown.html.contains("id=\"fair-hires-target\">1<")
                && shown.html.contains("id=\"fair-attended\">1<"),
            "{backend}: {}",
            shown.html
        );
    }
    Ok(())
}

/// An employer sees the fairs it takes part in (a past one too) and the upcoming ones, brings
/// its own vacancy to an upcoming fair from the API and from its portal, and nothing of anyone
/// else's: not another employer's vacancy, not a past fair it had no part in, not the results.
#[test]
fn an_employer_sees_its_fairs_and_brings_its_own_vacancies() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut employers = Vec::new();
        for (n, name) in ["Công ty May Sơn La", "HTX Chè Tà Xùa"].iter().enumerate() {
            employers.push(id(
                &app.post(
                    "/api/v1/employers",
                    Some(&staff),
                    &json!({"name": name, "tax_code": format!("550066600{n}"), "kind": "company",
                        "contact_name": "Nguyễn Thị Hoa"}),
                )?,
                "employer",
            )?);
        }
        let ours = vacancy(&app, &staff, &employers[0], None)?;
        let second = vacancy(&app, &staff, &employers[0], None)?;
        let theirs = vacancy(&app, &staff, &employers[1], None)?;
        let fair = |name: &str, day: &str| -> Result<String, Box<dyn std::error::Error>> {
            id(
                &app.post(
                    "/api/v1/job-fairs",
                    Some(&staff),
                    &json!({"name": name, "held_on": day, "commune_codes": ["03649"]}),
                )?,
                "fair",
            )
        };
        let past = fair("Phiên giao dịch việc làm tháng 10", "2026-10-15")?;
        let coming = fair("Phiên giao dịch việc làm Xuân 2027", "2027-02-20")?;
        app.post(
            &format!("/api/v1/job-fairs/{past}/vacancies"),
            Some(&staff),
            &json!({"vacancy_id": ours}),
        )?;
        let hoa = app.sign_in_as(
            "tuyendung@example.vn",
            "employer",
            Link::Employer(employers[0].clone()),
        )?;
        let other = app.sign_in_as(
            "htx@example.vn",
            "employer",
            Link::Employer(employers[1].clone()),
        )?;
        let listed = |token: &str| -> Result<Vec<String>, Box<dyn std::error::Error>> {
            Ok(app
                .get("/api/v1/job-fairs", Some(token))?
                .body
                .as_array()
                .ok_or("fairs")?
                .iter()
                .filter_map(|fair| fair["id"].as_str().map(str::to_owned))
                .collect())
        };
        assert_eq!(listed(&hoa)?, [past.clone(), coming.clone()], "{backend}");
        assert_eq!(listed(&other)?, std::slice::from_ref(&coming), "{backend}");
        let read = app.get(&format!("/api/v1/job-fairs/{past}"), Some(&hoa))?;
        assert_eq!(read.status, 200, "{backend}: {}", read.body);
        assert!(read.body["results"].is_null(), "{backend}: no results");
        let hidden = app.get(&format!("/api/v1/job-fairs/{past}"), Some(&other))?;
        assert_eq!(hidden.status, 404, "{backend}");

        let bring = |token: &str, fair: &str, vacancy: &str| {
            app.post(
                &format!("/api/v1/job-fairs/{fair}/vacancies"),
                Some(token),
                &json!({"vacancy_id": vacancy}),
            )
        };
        assert_eq!(bring(&other, &coming, &ours)?.status, 422, "{backend}");
        assert_eq!(bring(&hoa, &past, &second)?.status, 404, "{backend}");
        let brought = bring(&hoa, &coming, &ours)?;
        assert_eq!(brought.status, 200, "{backend}: {}", brought.body);

        // The portal: both fairs, the vacancy brought, and a form to bring the other one.
        let mut portal = Visitor::new(&app)?;
        portal.sign_in("tuyendung@example.vn")?;
        let page = portal.get("/employer")?;
        assert!(
            page.html.contains(&format!("id=\"fair-{past}\""))
                && page.html.contains(&format!("id=\"fair-{coming}\""))
                && page.html.contains("class=\"brought\"")
                && page.html.contains(&format!(
                    "action=\"/employer/job-fairs/{coming}/vacancies\""
                ))
                && !page
                    .html
                    .contains(&format!("action=\"/employer/job-fairs/{past}/vacancies\"")),
            "{backend}: {}",
            page.html
        );
        let sent = portal.post(
            &format!("/employer/job-fairs/{coming}/vacancies"),
            &[("vacancy_id", second.as_str())],
        )?;
        assert_eq!(sent.status, 303, "{backend}: {}", sent.html);
        let refused = portal.post(
            &format!("/employer/job-fairs/{coming}/vacancies"),
            &[("vacancy_id", theirs.as_str())],
        )?;
        assert_eq!(refused.status, 422, "{backend}: {}", refused.html);
        let at_fair = app.get(&format!("/api/v1/job-fairs/{coming}"), Some(&staff))?;
        let mut brought: Vec<&str> = at_fair.body["vacancies"]
            .as_array()
            .ok_or("vacancies")?
            .iter()
            .filter_map(|vacancy| vacancy["vacancy_id"].as_str())
            .collect();
        brought.sort_unstable();
        let mut expected = [ours.as_str(), second.as_str()];
        expected.sort_unstable();
        assert_eq!(brought, expected, "{backend}");
    }
    Ok(())
}
