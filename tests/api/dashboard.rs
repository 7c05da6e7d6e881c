//! The dashboard's filters over plain HTTP, on every backend: a year of the period and a
//! commune narrow every figure, the links to the records carry the filters, and a year outside
//! the period is refused naming the field.

use serde_json::json;

use crate::helpers::{Link, TestResult, spawn_app, test_dbs};
use crate::pages::Visitor;
use crate::progress::{Person, hire, id, vacancy, worker};

/// The figure shown for `key`.
fn shown(html: &str, key: &str) -> Option<String> {
    let marker = format!("data-key=\"{key}\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')?;
    Some(html[start..start + end].trim().to_owned())
}

#[test]
fn the_dashboard_filters_by_year_and_commune() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let person = |n, commune| Person {
            n,
            commune,
            household: None,
            gender: "female",
            ethnicity: "03",
            overseas: false,
        };
        let here = worker(&app, &staff, person(71, "03649"))?;
        let there = worker(&app, &staff, person(72, "03646"))?;
        let employer = id(
            &app.post(
                "/api/v1/employers",
                Some(&staff),
                &json!({"name": "Công ty Chè Mộc Châu", "tax_code": "5500999444",
                    "kind": "company", "contact_name": "Lò Thị Ỏn"}),
            )?,
            "employer",
        )?;
        app.search.sync()?;
        for (hired, day) in [(&here, "2026-08-03"), (&there, "2026-09-01")] {
            hire(
                &app,
                &staff,
                &vacancy(&app, &staff, &employer, None)?,
                hired,
                day,
            )?;
        }

        let mut admin = Visitor::new(&app)?;
        admin.sign_in("quantri@example.vn")?;
        let whole = admin.get("/dashboard?period=2026-2030")?;
        assert_eq!(whole.status, 200, "{backend}");
        assert_eq!(
            shown(&whole.html, "connected_workers").as_deref(),
            Some("2"),
            "{backend}"
        );
        let commune = admin.get("/dashboard?period=2026-2030&commune=03649")?;
        assert_eq!(
            shown(&commune.html, "connected_workers").as_deref(),
            Some("1"),
            "{backend}"
        );
        // The template escapes `&` either way (`&amp;`, `&#38;`).
        let links = commune.html.replace("&#38;", "&amp;");
        assert!(
            links.contains(
                "/dashboard/records?period=2026-2030&amp;key=connected_workers&amp;commune=03649"
            ),
            "{links}"
        );
        assert!(commune.html.contains("value=\"03649\""));
        let later = admin.get("/dashboard?period=2026-2030&year=2027")?;
        assert_eq!(
            shown(&later.html, "connected_workers").as_deref(),
            Some("0"),
            "{backend}"
        );
        assert!(later.html.contains("<option value=\"2027\" selected>"));
        let outside = admin.get("/dashboard?period=2026-2030&year=2019")?;
        assert_eq!(outside.status, 422, "{backend}");
        let records =
            admin.get("/dashboard/records?period=2026-2030&key=connected_workers&commune=03649")?;
        assert_eq!(records.status, 200, "{backend}");
        assert!(
            records.html.contains("Lò Văn Số 71") && !records.html.contains("Lò Văn Số 72"),
            "{}",
            records.html
        );
    }
    Ok(())
}
