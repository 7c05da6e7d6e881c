//! The role table, route by route, and what an employer may never see.

use chrono::Utc;
use ketnoi::db::schema::{employers, referrals, vacancies};
use ketnoi::insert_rows;
use ketnoi::models::employers::NewEmployer;
use ketnoi::models::referrals::NewReferral;
use ketnoi::models::vacancies::NewVacancy;

use crate::helpers::{Link, TestApp, TestResult, spawn_app, test_dbs, worker_body};

struct World {
    app: TestApp,
    admin: String,
    staff: String,
    area_staff: String,
    employer: String,
    trainee: String,
    /// Registered in Sốp Cộp, the area officer's district.
    in_area: String,
    /// Referred to the employer's vacancy; did not consent to share contact details.
    referred: String,
    /// Referred too, and consented.
    referred_consenting: String,
    /// The trainee's own record.
    own: String,
    household: String,
    course: String,
}

fn world(app: TestApp) -> Result<World, Box<dyn std::error::Error>> {
    let admin = app.sign_in_as("admin@example.vn", "admin", crate::helpers::Link::None)?;
    let create = |body: serde_json::Value| -> Result<String, Box<dyn std::error::Error>> {
        let answer = app.post("/api/v1/workers", Some(&admin), &body)?;
        if answer.status != 201 {
            return Err(format!("creating a worker: {:?}", answer.body).into());
        }
        Ok(answer.body["id"].as_str().ok_or("id")?.to_owned())
    };
    // A commune of district 127 (Sốp Cộp) in the programme-period list.
    let communes = app.get("/api/v1/admin-units?kind=commune&parent=127", None)?;
    let sop_cop_commune = communes.body[0]["code"]
        .as_str()
        .ok_or("no commune in 127")?
        .to_owned();
    let in_area = create(worker_body("014195000001", &sop_cop_commune))?;
    let mut body = worker_body("014195000002", "03646");
    body["consent_to_share"] = false.into();
    let referred = create(body)?;
    let referred_consenting = create(worker_body("014195000003", "03646"))?;
    let own = create(worker_body("014195000004", "03646"))?;
    let household = app.post(
        "/api/v1/households",
        Some(&admin),
        &serde_json::json!({
            "code": "03646000001", "commune_code": "03646", "head_name": "Lò Văn Ơn", "ethnicity_code": "03",
            "members": 5, "income_per_person_vnd": 1200000, "urban": false, "deprivations": ["housing_quality", "sanitation", "telecom"]
        }),
    )?;
    let household = household.body["id"].as_str().ok_or("household")?.to_owned();
    let course = app.post(
        "/api/v1/courses",
        Some(&admin),
        &serde_json::json!({
            "provider": "Trung tâm Dịch vụ việc làm", "title": "May công nghiệp", "leads_to": ["8153"],
            "level": "under_3_months", "starts_on": "2026-12-07", "ends_on": "2027-02-28", "capacity": 30
        }),
    )?;
    let course = course.body["id"].as_str().ok_or("course")?.to_owned();

    // The employer, its vacancy and the referrals, written as the connections module will.
    let mut connection = app.db.migrated()?;
    let now = Utc::now().naive_utc();
    insert_rows!(
        &mut connection,
        employers::table,
        &NewEmployer {
            id: "employer-1".into(),
            name: "Công ty TNHH May Tân Phú".into(),
            tax_code: "0101234567".into(),
            kind: "company".into(),
            sector: String::new(),
            commune_id: None,
            address: "Khu công nghiệp Quế Võ".into(),
            contact_name: String::new(),
            contact_email: None,
            contact_phone: None,
            verified: true,
            created_at: now,
            updated_at: now,
            search_name: "cong ty tnhh may tan phu".into(),
        }
    )?;
    insert_rows!(
        &mut connection,
        vacancies::table,
        &NewVacancy {
            id: "vacancy-1".into(),
            employer_id: "employer-1".into(),
            title: "Công nhân may".into(),
            description: String::new(),
            occupation_code: "8153".into(),
            positions: 5,
            commune_id: None,
            work_place: Some("Bắc Ninh".into()),
            is_overseas: false,
            country: None,
            wage_min_vnd: None,
            wage_max_vnd: None,
            min_age: None,
            max_age: None,
            education_required: None,
            skills_required: String::new(),
            certificates_required: String::new(),
            deadline: None,
            status: "open".into(),
            posted_on: now.date(),
            created_at: now,
            updated_at: now,
            search_name: "cong nhan may".into(),
        }
    )?;
    for (index, worker_id) in [&referred, &referred_consenting].into_iter().enumerate() {
        insert_rows!(
            &mut connection,
            referrals::table,
            &NewReferral {
                id: format!("referral-{index}").into(),
                vacancy_id: "vacancy-1".into(),
                worker_id: worker_id.clone(),
                status: ketnoi::domain::statuses::ReferralStatus::Referred,
                match_score: Some(0.8),
                match_explanation: String::new(),
                employer_explanation: String::new(),
                match_rank: None,
                override_reason: None,
                rejection_reason: None,
                status_note: String::new(),
                created_by: None,
                status_changed_at: now,
                created_at: now,
                updated_at: now,
                shared_at: Some(now),
            }
        )?;
    }
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let area_staff = app.sign_in_as("sopcop@example.vn", "staff", Link::Area("127".into()))?;
    let employer = app.sign_in_as(
        "hr@example.vn",
        "employer",
        Link::Employer("employer-1".into()),
    )?;
    let trainee = app.sign_in_as("hocvien@example.vn", "trainee", Link::Worker(own.clone()))?;
    Ok(World {
        app,
        admin,
        staff,
        area_staff,
        employer,
        trainee,
        in_area,
        referred,
        referred_consenting,
        own,
        household,
        course,
    })
}

#[test]
fn each_role_reaches_exactly_what_the_table_allows() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let world = world(spawn_app(db)?)?;
        let app = &world.app;
        let new_worker = worker_body("014195000777", "03646");
        let worker = |id: &str| format!("/api/v1/workers/{id}");
        let household = format!("/api/v1/households/{}", world.household);
        let course = format!("/api/v1/courses/{}", world.course);
        let next_serial = std::cell::Cell::new(0_u32);
        let roles: [(&str, Option<&str>); 6] = [
            ("admin", Some(&world.admin)),
            ("staff", Some(&world.staff)),
            ("area staff", Some(&world.area_staff)),
            ("employer", Some(&world.employer)),
            ("trainee", Some(&world.trainee)),
            ("anonymous", None),
        ];
        // (what, request, expected status for each role in the order above)
        type Request<'a> =
            Box<dyn Fn(Option<&str>) -> Result<u16, Box<dyn std::error::Error>> + 'a>;
        let rules: Vec<(&str, Request, [u16; 6])> = vec![
            (
                "list workers",
                Box::new(|token| Ok(app.get("/api/v1/workers", token)?.status)),
                [200, 200, 200, 200, 403, 401],
            ),
            (
                "read a referred worker",
                Box::new(|token| Ok(app.get(&worker(&world.referred), token)?.status)),
                [200, 200, 404, 200, 404, 401],
            ),
            (
                "read a worker in Sốp Cộp",
                Box::new(|token| Ok(app.get(&worker(&world.in_area), token)?.status)),
                [200, 200, 200, 404, 404, 401],
            ),
            (
                "read one's own record",
                Box::new(|token| Ok(app.get(&worker(&world.own), token)?.status)),
                [200, 200, 404, 404, 200, 401],
            ),
            (
                "register a worker",
                Box::new(|token| {
                    let mut body = new_worker.clone();
                    body["national_id"] = serde_json::Value::Null;
                    Ok(app.post("/api/v1/workers", token, &body)?.status)
                }),
                [201, 201, 422, 403, 403, 401],
            ),
            (
                "change one's own skills",
                Box::new(|token| {
                    Ok(app
                        .patch(
                            &worker(&world.own),
                            token,
                            &serde_json::json!({ "skills": "may" }),
                        )?
                        .status)
                }),
                [200, 200, 404, 403, 200, 401],
            ),
            (
                "change a referred worker's CCCD",
                Box::new(|token| {
                    Ok(app
                        .patch(
                            &worker(&world.referred),
                            token,
                            &serde_json::json!({ "national_id": "014195000002" }),
                        )?
                        .status)
                }),
                [200, 200, 404, 403, 422, 401],
            ),
            (
                "list households",
                Box::new(|token| Ok(app.get("/api/v1/households", token)?.status)),
                [200, 200, 200, 403, 403, 401],
            ),
            (
                "read a household",
                Box::new(|token| Ok(app.get(&household, token)?.status)),
                [200, 200, 404, 403, 403, 401],
            ),
            (
                "archive a household",
                Box::new(|token| Ok(app.delete("/api/v1/households/none", token)?.status)),
                [404, 404, 404, 403, 403, 401],
            ),
            (
                "archive a worker",
                Box::new(|token| Ok(app.delete("/api/v1/workers/none", token)?.status)),
                [404, 404, 404, 403, 403, 401],
            ),
            (
                "list employers",
                Box::new(|token| Ok(app.get("/api/v1/employers", token)?.status)),
                [200, 200, 200, 200, 403, 401],
            ),
            (
                "read the employer",
                Box::new(|token| Ok(app.get("/api/v1/employers/employer-1", token)?.status)),
                [200, 200, 200, 200, 403, 401],
            ),
            (
                "register an employer",
                Box::new(|token| {
                    let serial = next_serial.get();
                    next_serial.set(serial + 1);
                    let body = serde_json::json!({ "name": "Công ty TNHH Phúc An", "tax_code": format!("01000000{serial:02}"), "kind": "company" });
                    Ok(app.post("/api/v1/employers", token, &body)?.status)
                }),
                [201, 201, 201, 403, 403, 401],
            ),
            (
                "list vacancies",
                Box::new(|token| Ok(app.get("/api/v1/vacancies", token)?.status)),
                [200, 200, 200, 200, 403, 401],
            ),
            (
                "read the employer's vacancy",
                Box::new(|token| Ok(app.get("/api/v1/vacancies/vacancy-1", token)?.status)),
                [200, 200, 200, 200, 403, 401],
            ),
            (
                "post a vacancy for the employer",
                Box::new(|token| {
                    let body = serde_json::json!({
                        "employer_id": "employer-1", "title": "Công nhân may", "occupation_code": "8153",
                        "positions": 3, "work_place": "Khu công nghiệp Quế Võ"
                    });
                    Ok(app.post("/api/v1/vacancies", token, &body)?.status)
                }),
                [201, 201, 201, 201, 403, 401],
            ),
            (
                "browse the course catalogue",
                Box::new(|token| Ok(app.get("/api/v1/courses", token)?.status)),
                [200; 6],
            ),
            (
                "read a course",
                Box::new(|token| Ok(app.get(&course, token)?.status)),
                [200; 6],
            ),
            (
                "publish a course",
                Box::new(|token| {
                    let body = serde_json::json!({
                        "provider": "Trường Cao đẳng Sơn La", "title": "Điện dân dụng", "level": "elementary",
                        "starts_on": "2027-01-04", "ends_on": "2027-04-30", "capacity": 25
                    });
                    Ok(app.post("/api/v1/courses", token, &body)?.status)
                }),
                [201, 201, 201, 403, 403, 401],
            ),
            (
                "read services in Sốp Cộp",
                Box::new(|token| {
                    Ok(app
                        .get(
                            &format!("{}/service-records", worker(&world.in_area)),
                            token,
                        )?
                        .status)
                }),
                [200, 200, 200, 403, 403, 401],
            ),
            (
                "read services elsewhere",
                Box::new(|token| {
                    Ok(app
                        .get(
                            &format!("{}/service-records", worker(&world.referred)),
                            token,
                        )?
                        .status)
                }),
                [200, 200, 404, 403, 403, 401],
            ),
            (
                "list administrative units",
                Box::new(|token| Ok(app.get("/api/v1/admin-units?kind=district", token)?.status)),
                [200; 6],
            ),
            (
                "read the API document",
                Box::new(|token| Ok(app.get("/openapi.json", token)?.status)),
                [200; 6],
            ),
        ];
        for (what, request, expected) in &rules {
            for ((role, token), expected) in roles.iter().zip(expected) {
                let status = request(*token)?;
                assert_eq!(
                    status, *expected,
                    "{backend}: {role} may {what}: expected {expected}, got {status}"
                );
            }
        }
        // The area officer's list holds only Sốp Cộp.
        let listed = app.get("/api/v1/workers", Some(&world.area_staff))?;
        let ids: Vec<&str> = listed.body["items"]
            .as_array()
            .ok_or("items")?
            .iter()
            .filter_map(|item| item["id"].as_str())
            .collect();
        assert_eq!(ids, vec![world.in_area.as_str()], "{backend}");
    }
    Ok(())
}

#[test]
fn an_employer_never_receives_cccd_household_or_unconsented_contacts() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let world = world(spawn_app(db)?)?;
        let app = &world.app;
        let listed = app.get("/api/v1/workers", Some(&world.employer))?;
        assert_eq!(
            listed.body["total"], 2,
            "{backend}: an employer sees only the workers referred to it"
        );
        let mut seen = listed.body["items"].as_array().ok_or("items")?.clone();
        for id in [&world.referred, &world.referred_consenting] {
            seen.push(
                app.get(&format!("/api/v1/workers/{id}"), Some(&world.employer))?
                    .body,
            );
        }
        for worker in &seen {
            let text = worker.to_string();
            for forbidden in [
                "national_id",
                "014195",
                "household",
                "poverty",
                "status",
                "ethnicity",
                "birth_date",
            ] {
                assert!(
                    !text.contains(forbidden),
                    "{backend}: an employer received `{forbidden}`: {text}"
                );
            }
            assert!(
                worker["age"].as_i64().is_some_and(|age| age >= 15),
                "{backend}"
            );
            assert!(
                worker["commune_name"]
                    .as_str()
                    .is_some_and(|name| !name.is_empty())
            );
            if worker["id"] == world.referred.as_str() {
                assert_eq!(
                    worker["phone"],
                    serde_json::Value::Null,
                    "{backend}: contact without consent"
                );
                assert_eq!(worker["email"], serde_json::Value::Null);
            } else {
                assert_eq!(
                    worker["phone"], "0912345678",
                    "{backend}: the consenting worker's contact is missing"
                );
            }
        }
        assert_eq!(
            app.get(
                "/api/v1/workers?household_status=poor",
                Some(&world.employer)
            )?
            .status,
            403
        );
    }
    Ok(())
}
