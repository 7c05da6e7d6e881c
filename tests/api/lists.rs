//! A job fair's registered workers and a livelihood model's participants as lists: imported
//! from a list of CCCD numbers (all rows or none, each refusal named by row and column),
//! exported under the same headers, and an export imported back changes nothing.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use serde_json::{Value, json};

use crate::helpers::{Answer, Link, TestApp, TestResult, client, spawn_app, test_dbs};
use crate::pages::Visitor;
use crate::progress::{Person, household, id, worker};

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

/// Posts a list to an import address.
fn send(
    app: &TestApp,
    token: &str,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Answer, Box<dyn std::error::Error>> {
    let form = reqwest::blocking::multipart::Form::new().part(
        "file",
        reqwest::blocking::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    Answer::from(
        client()
            .post(app.url(path))
            .bearer_auth(token)
            .multipart(form)
            .send()?,
    )
}

fn fetch(app: &TestApp, token: &str, path: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let response = client().get(app.url(path)).bearer_auth(token).send()?;
    assert_eq!(response.status(), 200, "{path}");
    Ok(response.bytes()?.to_vec())
}

fn count(body: &Value, key: &str) -> Option<i64> {
    body[key].as_i64()
}

#[test]
fn fair_registrations_and_model_participants_go_in_and_out_as_lists() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let poor = household(&app, &staff, "DS-01", "03649", "poor")?;
        for n in [61, 62, 64] {
            worker(&app, &staff, person(n, Some(&poor)))?;
        }
        let fair = id(
            &app.post(
                "/api/v1/job-fairs",
                Some(&staff),
                &json!({"name": "Phiên giao dịch việc làm Chiềng Cơi", "held_on": "2026-11-20",
                    "commune_codes": ["03649"]}),
            )?,
            "fair",
        )?;
        let imports = format!("/api/v1/job-fairs/{fair}/workers/import");

        // A list of two: one came, one only registered.
        let list = "Số CCCD,Đã tham dự\n014196000061,Có\n014196000062,\n";
        let kept = send(
            &app,
            &staff,
            &imports,
            "dang-ky.csv",
            list.as_bytes().to_vec(),
        )?;
        assert_eq!(kept.status, 200, "{backend}: {}", kept.body);
        assert_eq!(count(&kept.body, "written"), Some(2), "{backend}");
        let read = app.get(&format!("/api/v1/job-fairs/{fair}"), Some(&staff))?;
        assert_eq!(
            (
                count(&read.body["results"], "registered"),
                count(&read.body["results"], "attended")
            ),
            (Some(2), Some(1)),
            "{backend}: {}",
            read.body
        );

        // One unknown CCCD and a bad yes/no: nothing kept, each named.
        let list = "so cccd,Da tham du\n014196000064,Có\n014196000099,Có\n014196000062,chắc vậy\n";
        let refused = send(
            &app,
            &staff,
            &imports,
            "dang-ky.csv",
            list.as_bytes().to_vec(),
        )?;
        assert_eq!(refused.status, 422, "{backend}: {}", refused.body);
        let errors: Vec<(i64, &str, &str)> = refused.body["errors"]
            .as_array()
            .ok_or("errors")?
            .iter()
            .map(|error| {
                (
                    error["row"].as_i64().unwrap_or_default(),
                    error["column"].as_str().unwrap_or_default(),
                    error["code"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            errors,
            [
                (3, "so cccd", "unknown_worker"),
                (4, "Da tham du", "list_yes_no")
            ],
            "{backend}"
        );
        let read = app.get(&format!("/api/v1/job-fairs/{fair}"), Some(&staff))?;
        assert_eq!(
            count(&read.body["results"], "registered"),
            Some(2),
            "{backend}: the good row was not kept either"
        );
        let no_column = send(
            &app,
            &staff,
            &imports,
            "dang-ky.csv",
            b"Ho ten\nLo Thi On\n".to_vec(),
        )?;
        assert_eq!(no_column.status, 422, "{backend}");
        assert_eq!(no_column.field_errors()[0].0, "file", "{backend}");

        // The export: the two, their CCCD as written, and it imports back as it is.
        let exported = fetch(
            &app,
            &staff,
            &format!("/api/v1/job-fairs/{fair}/workers/export"),
        )?;
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(exported.clone()))?;
        let sheet = book.worksheet_range_at(0).ok_or("no sheet")??;
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|row| row.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(rows.len(), 3, "{backend}: {rows:?}");
        assert_eq!(rows[0][1], "Số CCCD", "{backend}");
        assert_eq!(
            (rows[1][1].as_str(), rows[1][5].as_str()),
            ("014196000061", "Có"),
            "{backend}"
        );
        let again = send(&app, &staff, &imports, "dang-ky.xlsx", exported)?;
        assert_eq!(
            (
                again.status,
                count(&again.body, "written"),
                count(&again.body, "unchanged")
            ),
            (200, Some(0), Some(2)),
            "{backend}: {}",
            again.body
        );

        // The model's participants: start, occupation, income read from the list.
        let model = id(
            &app.post(
                "/api/v1/livelihood-models",
                Some(&staff),
                &json!({"name": "Mô hình nuôi lợn đen bản Hụm", "model_type": "livestock",
                    "commune_codes": ["03649"], "starts_on": "2023-03-01"}),
            )?,
            "model",
        )?;
        let imports = format!("/api/v1/livelihood-models/{model}/participants/import");
        let header = "Số CCCD,Ngày bắt đầu,Mã nghề,Thu nhập dự kiến (đồng/tháng)\n";
        let bad = format!("{header}014196000061,31/02/2023,6121,2.000.000\n");
        let refused = send(&app, &staff, &imports, "mo-hinh.csv", bad.into_bytes())?;
        assert_eq!(refused.status, 422, "{backend}: {}", refused.body);
        assert_eq!(
            refused.body["errors"][0]["column"], "Ngày bắt đầu",
            "{backend}"
        );
        let good = format!("{header}014196000061,01/04/2023,6121,2.000.000\n");
        let kept = send(&app, &staff, &imports, "mo-hinh.csv", good.into_bytes())?;
        assert_eq!(kept.status, 200, "{backend}: {}", kept.body);
        let read = app.get(&format!("/api/v1/livelihood-models/{model}"), Some(&staff))?;
        assert_eq!(
            (
                read.body["participants"][0]["start_date"].as_str(),
                read.body["outcomes"]["households"].as_i64()
            ),
            (Some("2023-04-01"), Some(1)),
            "{backend}: {}",
            read.body
        );
        let csv = String::from_utf8(fetch(
            &app,
            &staff,
            &format!("/api/v1/livelihood-models/{model}/participants/export?format=csv"),
        )?)?;
        assert!(
            csv.contains("Lò Văn Số 61,014196000061,DS-01,01/04/2023,6121,")
                && csv.contains(",2000000,Có"),
            "{backend}: {csv}"
        );
        let again = send(&app, &staff, &imports, "mo-hinh.csv", csv.into_bytes())?;
        assert_eq!(
            (again.status, count(&again.body, "unchanged")),
            (200, Some(1)),
            "{backend}: {}",
            again.body
        );

        // Staff only.
        let company = app.post(
            "/api/v1/employers",
            Some(&staff),
            &json!({"name": "HTX Lợn đen", "tax_code": "5500111222", "kind": "cooperative",
                "contact_name": "Lò Văn Pấng"}),
        )?;
        let employer = app.sign_in_as(
            "tuyendung@example.vn",
            "employer",
            Link::Employer(id(&company, "employer")?),
        )?;
        let walled = client()
            .get(app.url(&format!(
                "/api/v1/livelihood-models/{model}/participants/export"
            )))
            .bearer_auth(&employer)
            .send()?;
        assert_eq!(walled.status(), 403, "{backend}");
    }
    Ok(())
}

/// From the pages: the fair's page offers the list; a refused upload is shown row by row and
/// nothing kept; a good one goes back to the fair, which counts the workers.
#[test]
fn an_officer_uploads_and_downloads_a_fair_list_from_its_page() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        for n in [71, 72] {
            worker(&app, &staff, person(n, None))?;
        }
        let fair = id(
            &app.post(
                "/api/v1/job-fairs",
                Some(&staff),
                &json!({"name": "Phiên giao dịch việc làm Mường La", "held_on": "2027-03-10",
                    "commune_codes": ["03649"]}),
            )?,
            "fair",
        )?;
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let page = officer.get(&format!("/job-fairs/{fair}/manage"))?;
        assert!(
            page.html.contains(&format!(
                "action=\"/job-fairs/{fair}/workers/import\" enctype=\"multipart/form-data\""
            )),
            "{backend}: {}",
            page.html
        );
        let upload = format!("/job-fairs/{fair}/workers/import");
        let refused = officer.post_file(
            &upload,
            "ds.csv",
            b"S\xe1\xbb\x91 CCCD\n014196000071\n014196000079\n".to_vec(),
        )?;
        assert_eq!(refused.status, 422, "{backend}: {}", refused.html);
        assert!(
            refused.html.contains("id=\"list-refused\"")
                && refused.html.contains("014196000079")
                && refused.html.contains("Không có người lao động này."),
            "{backend}: {}",
            refused.html
        );
        officer.get(&format!("/job-fairs/{fair}/manage"))?;
        let kept = officer.post_file(
            &upload,
            "ds.csv",
            "Số CCCD\n014196000071\n014196000072\n".as_bytes().to_vec(),
        )?;
        assert_eq!(kept.status, 303, "{backend}: {}", kept.html);
        let shown = officer.get(&kept.location)?;
        assert!(
            shown.html.contains("id=\"fair-registered\">2<"),
            "{backend}: {}",
            shown.html
        );
        let file = officer.get(&format!("/job-fairs/{fair}/workers/export?format=csv"))?;
        assert!(
            file.html.contains("014196000071") && file.html.contains("014196000072"),
            "{backend}: {}",
            file.html
        );
    }
    Ok(())
}
