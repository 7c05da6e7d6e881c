//! A referral's page over plain HTTP, on every backend: staff move it through the interview and
//! the hire of an employer without an account, each bad field shown beside itself with nothing
//! written, and print its referral letter; an employer cannot open either.

use serde_json::json;

use crate::helpers::{Link, TestResult, spawn_app, test_dbs, worker_body};
use crate::pages::Visitor;
use crate::progress::id;

/// The text of the error shown beside `field`.
fn error_beside(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"{field}-error\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')?;
    Some(html[start..start + end].to_owned())
}

#[test]
fn staff_move_a_referral_on_its_page_and_print_its_letter() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let worker = id(
            &app.post(
                "/api/v1/workers",
                Some(&staff),
                &worker_body("014196077001", "03649"),
            )?,
            "worker",
        )?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({"name": "Hợp tác xã Chè Tà Xùa", "tax_code": "5500999555",
                    "kind": "cooperative", "contact_name": "Hà Văn Thắm",
                    "contact_phone": "0987654321", "address": "Bản Tà Xùa, xã Tà Xùa"}),
            )?,
            "employer",
        )?;
        let vacancy = id(
            &app.post(
                "/api/v1/vacancies",
                Some(&staff),
                &json!({"employer_id": employer, "title": "Công nhân may công nghiệp",
                    "occupation_code": "8153", "positions": 2, "commune_code": "03649"}),
            )?,
            "vacancy",
        )?;
        app.search.sync()?;
        let referral = id(
            &app.post(
                "/api/v1/referrals",
                Some(&staff),
                &json!({"vacancy_id": vacancy, "worker_id": worker}),
            )?,
            "referral",
        )?;
        let status = || -> Result<String, Box<dyn std::error::Error>> {
            let read = app.get(&format!("/api/v1/referrals/{referral}"), Some(&staff))?;
            Ok(read.body["status"].as_str().unwrap_or_default().to_owned())
        };
        let page = format!("/referrals/{referral}");
        let move_to = format!("/referrals/{referral}/move");

        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let shown = officer.get(&page)?;
        assert_eq!(shown.status, 200, "{backend}");
        assert!(
            shown.html.contains("Lò Thị Ỏn") && shown.html.contains("id=\"move-interview\""),
            "{}",
            shown.html
        );

        // A time the server cannot read: shown beside the field, nothing written.
        let refused = officer.post(
            &move_to,
            &[("status", "interview"), ("interview_at", "sáng mai")],
        )?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            error_beside(&refused.html, "interview_at").is_some(),
            "{}",
            refused.html
        );
        assert_eq!(status()?, "referred", "{backend}");
        let interview = officer.post(
            &move_to,
            &[
                ("status", "interview"),
                ("interview_at", "2026-12-10T08:30"),
                ("interview_note", "Văn phòng HTX, bản Tà Xùa"),
            ],
        )?;
        assert_eq!(
            (interview.status, interview.location.as_str()),
            (303, page.as_str())
        );
        assert!(officer.get(&page)?.html.contains("10/12/2026 08:30"));

        // The hire of an employer without an account: a wage that is not a number is refused.
        let refused = officer.post(
            &move_to,
            &[
                ("status", "hired"),
                ("start_date", "2026-12-14"),
                ("wage_vnd", "sáu triệu"),
            ],
        )?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(error_beside(&refused.html, "wage_vnd").is_some());
        assert_eq!(status()?, "interview", "{backend}");
        let hired = officer.post(
            &move_to,
            &[
                ("status", "hired"),
                ("start_date", "2026-12-14"),
                ("wage_vnd", "6.500.000"),
            ],
        )?;
        assert_eq!(hired.status, 303, "{backend}: {}", hired.html);
        let read = app.get(&format!("/api/v1/referrals/{referral}"), Some(&staff))?;
        assert_eq!(read.body["status"], "hired", "{backend}");
        assert!(read.body["placement_id"].is_string(), "{}", read.body);
        // Withdrawing a hire needs its reason.
        let refused = officer.post(&move_to, &[("status", "withdrawn")])?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(error_beside(&refused.html, "reason").is_some());
        assert_eq!(status()?, "hired", "{backend}");

        // The letter: the worker, the employer, the vacancy, a reference and a QR code, and no
        // CCCD number.
        let letter = officer.get(&format!("/referrals/{referral}/letter"))?;
        assert_eq!(letter.status, 200, "{backend}");
        for expected in [
            "GIẤY GIỚI THIỆU",
            "Lò Thị Ỏn",
            "Hợp tác xã Chè Tà Xùa",
            "Công nhân may công nghiệp",
            "TỈNH SƠN LA",
            "<svg",
            &format!("/referrals/{referral}"),
        ] {
            assert!(
                letter.html.contains(expected),
                "{expected}: {}",
                letter.html
            );
        }
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        assert!(
            letter.html.contains(&format!("{year}/GGT-")),
            "{}",
            letter.html
        );
        assert!(
            !letter.html.contains("014196077001"),
            "{backend}: CCCD on the letter"
        );

        // An employer opens neither.
        app.sign_in_as("dn@example.vn", "employer", Link::Employer(employer))?;
        let mut outsider = Visitor::new(&app)?;
        outsider.sign_in("dn@example.vn")?;
        assert_eq!(outsider.get(&page)?.status, 403, "{backend}");
        assert_eq!(
            outsider
                .get(&format!("/referrals/{referral}/letter"))?
                .status,
            403
        );
    }
    Ok(())
}
