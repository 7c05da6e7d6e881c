//! Staff create and edit employers, vacancies (for an employer named by its tax code) and
//! courses on their pages, over plain HTTP on every backend: each bad field shown beside itself
//! with nothing written, then saved as the API would save it.

use crate::helpers::{Link, TestResult, spawn_app, test_dbs};
use crate::pages::Visitor;

/// The text of the error shown beside `field`.
fn error_beside(html: &str, field: &str) -> bool {
    html.contains(&format!("id=\"{field}-error\""))
}

#[test]
fn staff_create_and_edit_employers_vacancies_and_courses() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;

        // An employer without an account: a bad tax code is refused beside its field.
        assert_eq!(officer.get("/employers/new")?.status, 200, "{backend}");
        let employer = |tax_code: &'static str| {
            vec![
                ("name", "Hợp tác xã Chè Tà Xùa"),
                ("tax_code", tax_code),
                ("kind", "cooperative"),
                ("commune_code", "03649"),
                ("address", "Bản Tà Xùa"),
                ("contact_name", "Mùa A Chư"),
                ("contact_phone", "0987654321"),
            ]
        };
        let refused = officer.post("/employers/new", &employer("12"))?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(error_beside(&refused.html, "tax_code"), "{}", refused.html);
        let listed = app.get("/api/v1/employers?q=ta%20xua", Some(&staff))?;
        assert_eq!(listed.body["total"], 0, "{}", listed.body);
        let saved = officer.post("/employers/new", &employer("5500777888"))?;
        assert_eq!(
            (saved.status, saved.location.as_str()),
            (303, "/employers"),
            "{}",
            saved.html
        );
        let listed = app.get("/api/v1/employers?limit=10", Some(&staff))?;
        let employer_id = listed.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|item| item["tax_code"] == "5500777888"))
            .and_then(|item| item["id"].as_str())
            .ok_or("the employer")?
            .to_owned();
        let edit = officer.get(&format!("/employers/{employer_id}/edit"))?;
        assert!(edit.html.contains("Mùa A Chư"), "{}", edit.html);
        let mut changed = employer("5500777888");
        changed[5] = ("contact_name", "Lò Thị Ỏn");
        let saved = officer.post(&format!("/employers/{employer_id}/edit"), &changed)?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let read = app.get(&format!("/api/v1/employers/{employer_id}"), Some(&staff))?;
        assert_eq!(read.body["contact_name"], "Lò Thị Ỏn");

        // A vacancy for it, named by the tax code (filled in from the employers list).
        let blank = officer.get("/vacancies/new?employer=5500777888")?;
        assert!(
            blank.html.contains("value=\"5500777888\""),
            "{}",
            blank.html
        );
        let vacancy = |tax_code: &'static str| {
            vec![
                ("employer_tax_code", tax_code),
                ("title", "Công nhân hái chè"),
                ("occupation_code", "6112"),
                ("positions", "4"),
                ("commune_code", "03649"),
                ("wage_min_vnd", "5.500.000"),
                ("status", "open"),
            ]
        };
        let refused = officer.post("/vacancies/new", &vacancy("5500000000"))?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(error_beside(&refused.html, "employer_tax_code"));
        // The occupation is typed as part of its name; one that fits several is refused
        // beside the field, naming them and what was typed.
        let mut driver = vacancy("5500777888");
        driver[2] = ("occupation_code", "lai xe");
        let refused = officer.post("/vacancies/new", &driver)?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(error_beside(&refused.html, "occupation_code"));
        assert!(
            refused.html.contains("(8322)") && refused.html.contains("(lai xe)"),
            "{}",
            refused.html
        );
        let mut by_name = vacancy("5500777888");
        by_name[2] = ("occupation_code", "trong cay lau nam");
        let saved = officer.post("/vacancies/new", &by_name)?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let vacancy_id = saved.location.trim_start_matches("/vacancies/").to_owned();
        let read = app.get(&format!("/api/v1/vacancies/{vacancy_id}"), Some(&staff))?;
        assert_eq!(
            (
                read.body["employer_id"].as_str(),
                read.body["wage_min_vnd"].as_i64(),
                read.body["occupation_code"].as_str()
            ),
            (Some(employer_id.as_str()), Some(5_500_000), Some("6112")),
            "{}",
            read.body
        );
        let mut more = vacancy("5500777888");
        more[3] = ("positions", "6");
        let saved = officer.post(&format!("/vacancies/{vacancy_id}/edit"), &more)?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let read = app.get(&format!("/api/v1/vacancies/{vacancy_id}"), Some(&staff))?;
        assert_eq!(read.body["positions"], 6);

        // A course leading to two occupations, picked by name; one that ends before it starts
        // is refused.
        let course = |ends_on: &'static str| {
            vec![
                ("provider", "Trường Cao đẳng Sơn La"),
                ("title", "Kỹ thuật trồng và chế biến chè"),
                // As picked from the list, and typed without accents.
                (
                    "leads_to",
                    "Người trồng cây lâu năm (cà phê, chè, cây ăn quả) (6112)",
                ),
                ("leads_to", "tho lam banh"),
                ("level", "under_3_months"),
                ("commune_code", "03649"),
                ("starts_on", "2027-02-01"),
                ("ends_on", ends_on),
                ("capacity", "25"),
                ("status", "open"),
            ]
        };
        let refused = officer.post("/courses/new", &course("2027-01-01"))?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(refused.html.contains("class=\"error\""), "{}", refused.html);
        let saved = officer.post("/courses/new", &course("2027-04-30"))?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let course_id = saved.location.trim_start_matches("/courses/").to_owned();
        let read = app.get(&format!("/api/v1/courses/{course_id}"), Some(&staff))?;
        let mut leads: Vec<&str> = read.body["leads_to"]
            .as_array()
            .ok_or("leads_to")?
            .iter()
            .filter_map(|code| code.as_str())
            .collect();
        leads.sort_unstable();
        assert_eq!(leads, ["6112", "7512"], "{backend}: {}", read.body);
        let edit = officer.get(&format!("/courses/{course_id}/edit"))?;
        assert!(
            edit.html.contains("value=\"Thợ làm bánh (7512)\""),
            "{}",
            edit.html
        );

        // An employer opens none of these forms.
        app.sign_in_as("dn@example.vn", "employer", Link::Employer(employer_id))?;
        let mut outsider = Visitor::new(&app)?;
        outsider.sign_in("dn@example.vn")?;
        for path in ["/vacancies/new", "/employers/new", "/courses/new"] {
            assert_eq!(outsider.get(path)?.status, 403, "{backend}: {path}");
        }
    }
    Ok(())
}
