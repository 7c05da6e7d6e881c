//! A worker's way to work in the browser, over plain HTTP on every backend: the suitable
//! vacancies with "refer", the courses that close the gap with the support the worker is
//! entitled to and "enrol", and the services given with a form to record one.

use serde_json::json;

use crate::helpers::{Link, TestResult, spawn_app, test_dbs, worker_body};
use crate::pages::Visitor;
use crate::progress::{household, id};

#[test]
fn staff_refer_enrol_and_record_a_service_from_the_workers_pages() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        // A woman of a poor Thái household: 4 million đồng of training support (QĐ 46/2015).
        let poor = household(&app, &staff, "VL-01", "03649", "poor")?;
        let mut body = worker_body("014196088001", "03649");
        body["household_id"] = poor.clone().into();
        let worker = id(&app.post("/api/v1/workers", Some(&staff), &body)?, "worker")?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({"name": "Công ty May Sơn La", "tax_code": "5500999666",
                    "kind": "company", "commune_code": "03649", "contact_name": "Nguyễn Thị Hoa"}),
            )?,
            "employer",
        )?;
        let vacancy = |title: &str, code: &str| {
            json!({"employer_id": employer, "title": title, "occupation_code": code,
                "positions": 5, "commune_code": "03649", "status": "open"})
        };
        let sewing = id(
            &app.post(
                "/api/v1/vacancies",
                Some(&staff),
                &vacancy("Công nhân may công nghiệp", "8153"),
            )?,
            "vacancy",
        )?;
        id(
            &app.post(
                "/api/v1/vacancies",
                Some(&staff),
                &vacancy("Thợ hàn", "7212"),
            )?,
            "vacancy",
        )?;
        let today = chrono::Utc::now().date_naive();
        let welding = id(
            &app.post(
                "/api/v1/courses",
                Some(&staff),
                &json!({"provider": "Trường Cao đẳng Sơn La", "title": "Hàn điện cơ bản",
                    "leads_to": ["7212"], "level": "under_3_months", "commune_code": "03649",
                    "starts_on": (today + chrono::Duration::days(20)).to_string(),
                    "ends_on": (today + chrono::Duration::days(80)).to_string(),
                    "capacity": 20, "fee_vnd": 0, "support_vnd": 0}),
            )?,
            "course",
        )?;
        app.search.sync()?;

        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let page = officer.get(&format!("/workers/{worker}"))?;
        assert!(page.html.contains(&format!("/workers/{worker}/matches")));
        let matches = officer.get(&format!("/workers/{worker}/matches"))?;
        assert_eq!(matches.status, 200, "{backend}");
        assert!(
            matches.html.contains(&format!("id=\"vacancy-{sewing}\"")),
            "{}",
            matches.html
        );
        assert!(
            matches.html.contains(&format!("id=\"course-{welding}\""))
                && matches.html.contains("4.000.000")
                && matches.html.contains("QĐ 46/2015/QĐ-TTg"),
            "{}",
            matches.html
        );

        // Refer from the worker's matches: the referral page follows.
        let referred = officer.post(
            &format!("/workers/{worker}/refer"),
            &[("vacancy_id", sewing.as_str())],
        )?;
        assert_eq!(referred.status, 303, "{backend}: {}", referred.html);
        assert!(referred.location.starts_with("/referrals/"));
        let listed = app.get(
            &format!("/api/v1/referrals?vacancy_id={sewing}"),
            Some(&staff),
        )?;
        assert_eq!(
            listed.body[0]["worker_id"],
            worker.as_str(),
            "{}",
            listed.body
        );
        // Enrol in the suggested course.
        let enrolled = officer.post(
            &format!("/workers/{worker}/enrol"),
            &[("course_id", welding.as_str())],
        )?;
        assert_eq!(
            (enrolled.status, enrolled.location.clone()),
            (303, format!("/courses/{welding}")),
            "{backend}: {}",
            enrolled.html
        );
        let course = officer.get(&format!("/courses/{welding}"))?;
        assert!(course.html.contains("Lò Thị Ỏn"), "{}", course.html);

        // A service without its kind is refused beside the field; with it, it is listed.
        let services = format!("/workers/{worker}/services");
        let refused = officer.post(&services, &[("service_note", "Tư vấn nghề may")])?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused.html.contains("id=\"kind-error\""),
            "{}",
            refused.html
        );
        let recorded = app.get(
            &format!("/api/v1/workers/{worker}/service-records"),
            Some(&staff),
        )?;
        // The referral is a service of its own kind elsewhere; no counselling was written.
        assert!(
            !recorded.body.to_string().contains("counselling"),
            "{}",
            recorded.body
        );
        let saved = officer.post(
            &services,
            &[
                ("kind", "counselling"),
                ("provided_on", &today.to_string()),
                ("service_note", "Tư vấn nghề may"),
            ],
        )?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let page = officer.get(&format!("/workers/{worker}"))?;
        assert!(
            page.html.contains("Tư vấn việc làm") && page.html.contains("Tư vấn nghề may"),
            "{}",
            page.html
        );
    }
    Ok(())
}

#[test]
fn the_worker_form_links_a_household_by_code_and_a_cccd_finds_its_person() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let poor = household(&app, &staff, "HN-0042", "03649", "poor")?;
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;

        // From the household page: a new member, the household's code already filled in.
        let new_member = officer.get(&format!("/workers/new?household_id={poor}"))?;
        assert!(
            new_member.html.contains("value=\"HN-0042\""),
            "{}",
            new_member.html
        );
        // Occupations are picked by name.
        assert!(
            new_member
                .html
                .contains("<option value=\"Công nhân vận hành máy may (may công nghiệp) (8153)\">"),
            "{}",
            new_member.html
        );
        let fields = |household: &'static str| {
            vec![
                ("full_name", "Hà Văn Thắm"),
                ("national_id", "014196099001"),
                ("birth_date", "1990-02-03"),
                ("gender", "male"),
                ("ethnicity_code", "03"),
                ("commune_code", "03649"),
                ("availability", "seeking"),
                ("household_code", household),
                ("disability", "true"),
                ("qualifications", "Chứng chỉ sơ cấp may"),
                // A code, and a common spelling without accents.
                ("desired_occupations", "8153"),
                ("desired_occupations", "phu ho"),
                ("consent_to_share", "true"),
                ("consent_given_on", "2026-11-20"),
            ]
        };
        let refused = officer.post("/workers/new", &fields("HN-9999"))?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused.html.contains("id=\"household_code-error\""),
            "{}",
            refused.html
        );
        let found = app.get("/api/v1/workers?q=ha%20van%20tham", Some(&staff))?;
        assert_eq!(found.body["items"].as_array().map(Vec::len), Some(0));
        let saved = officer.post("/workers/new", &fields("HN-0042"))?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let worker = saved.location.trim_start_matches("/workers/").to_owned();
        let record = app.get(&format!("/api/v1/workers/{worker}"), Some(&staff))?;
        assert_eq!(
            (
                record.body["household_id"].as_str(),
                record.body["disability"].as_bool(),
                record.body["qualifications"].as_str()
            ),
            (
                Some(poor.as_str()),
                Some(true),
                Some("Chứng chỉ sơ cấp may")
            ),
            "{}",
            record.body
        );
        // The household page lists its members; the edit form shows the household's code.
        let page = officer.get(&format!("/households/{poor}"))?;
        assert!(
            page.html
                .contains(&format!("href=\"/workers/{worker}\">Hà Văn Thắm")),
            "{}",
            page.html
        );
        assert_eq!(
            record.body["desired_occupations"],
            serde_json::json!(["8153", "9313"]),
            "{}",
            record.body
        );
        let edit = officer.get(&format!("/workers/{worker}/edit"))?;
        assert!(edit.html.contains("value=\"HN-0042\""), "{}", edit.html);
        assert!(
            edit.html
                .contains("value=\"Lao động phổ thông xây dựng (9313)\""),
            "{}",
            edit.html
        );

        // The household by its head's name, accents optional; two heads of that name are
        // listed by code.
        let mut by_name = fields("hà văn thắm");
        by_name[1] = ("national_id", "014196099002");
        let saved = officer.post("/workers/new", &by_name)?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        household(&app, &staff, "HN-0043", "03649", "near_poor")?;
        let mut ambiguous = fields("Ha Van Tham");
        ambiguous[1] = ("national_id", "014196099003");
        let refused = officer.post("/workers/new", &ambiguous)?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused.html.contains("HN-0042") && refused.html.contains("HN-0043"),
            "{}",
            refused.html
        );

        // A CCCD typed into the search box opens that person; one nobody holds says so.
        let by_cccd = officer.get("/workers?q=014%20196%20099%20001")?;
        assert_eq!(
            (by_cccd.status, by_cccd.location.clone()),
            (303, format!("/workers/{worker}")),
            "{backend}"
        );
        let nobody = officer.get("/workers?q=014196099999")?;
        assert_eq!(nobody.status, 200);
        assert!(nobody.html.contains("id=\"no-cccd\""), "{}", nobody.html);
        // An officer of another area does not find the person by CCCD.
        app.sign_in_as("xa-khac@example.vn", "staff", Link::Area("127".into()))?;
        let mut elsewhere = Visitor::new(&app)?;
        elsewhere.sign_in("xa-khac@example.vn")?;
        let hidden = elsewhere.get("/workers?q=014196099001")?;
        assert_eq!(hidden.status, 200, "{backend}");
        assert!(hidden.html.contains("id=\"no-cccd\""));
    }
    Ok(())
}
