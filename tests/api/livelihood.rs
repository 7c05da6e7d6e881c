//! Poverty-reduction models: a livestock model in a commune, two poor households' members
//! taking part, one household out of poverty at its next review; the model's outcomes, the
//! plan's "five models" figure, search by name without accents, and the role walls.

use serde_json::json;

use crate::helpers::{Link, TestResult, client, spawn_app, test_dbs};
use crate::pages::Visitor;
use crate::progress::{Person, figure, household, id, worker};

#[test]
fn a_livelihood_model_counts_its_households_and_their_way_out_of_poverty() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let admin = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let first = household(&app, &staff, "LM-01", "03649", "poor")?;
        let second = household(&app, &staff, "LM-02", "03649", "poor")?;
        let member = |n: u32, household: &str| -> Result<String, Box<dyn std::error::Error>> {
            worker(
                &app,
                &staff,
                Person {
                    n,
                    commune: "03649",
                    household: Some(household),
                    gender: "female",
                    ethnicity: "03",
                    overseas: false,
                },
            )
        };
        let (one, two) = (member(21, &first)?, member(22, &second)?);

        let model = json!({"name": "Mô hình chăn nuôi bò sinh sản bản Lướt",
            "model_type": "livestock", "commune_codes": ["03649"], "starts_on": "2023-03-01",
            "budget_vnd": 500_000_000, "support_per_household_vnd": 10_000_000});
        let mut wrong = model.clone();
        wrong["model_type"] = "fishing".into();
        wrong["commune_codes"] = json!(["99999"]);
        let refused = app.post("/api/v1/livelihood-models", Some(&staff), &wrong)?;
        assert_eq!(refused.status, 422, "{backend}");
        let mut fields: Vec<String> = refused.field_errors().into_iter().map(|(f, _)| f).collect();
        fields.sort();
        assert_eq!(fields, ["commune_codes", "model_type"], "{backend}");
        let company = app.post(
            "/api/v1/employers",
            Some(&staff),
            &json!({"name": "HTX Bò Mường Bú", "tax_code": "5500321654", "kind": "cooperative",
                "contact_name": "Lò Văn Pấng"}),
        )?;
        let employer = app.sign_in_as(
            "tuyendung@example.vn",
            "employer",
            Link::Employer(id(&company, "employer")?),
        )?;
        let walled = app.post("/api/v1/livelihood-models", Some(&employer), &model)?;
        assert_eq!(walled.status, 403, "{backend}");

        let created = app.post("/api/v1/livelihood-models", Some(&staff), &model)?;
        assert_eq!(created.status, 201, "{backend}: {}", created.body);
        let model_id = id(&created, "model")?;
        assert_eq!(created.body["communes"][0][0], "03649", "{backend}");
        for worker_id in [&one, &two] {
            let joined = app.post(
                &format!("/api/v1/livelihood-models/{model_id}/participants"),
                Some(&staff),
                &json!({"worker_id": worker_id, "occupation_code": "6121",
                    "expected_income_vnd": 2_000_000}),
            )?;
            assert_eq!(joined.status, 201, "{backend}: {}", joined.body);
            assert_eq!(
                (
                    joined.body["kind"].as_str(),
                    joined.body["start_date"].as_str(),
                    joined.body["model_id"].as_str()
                ),
                (
                    Some("livelihood_model"),
                    Some("2023-03-01"),
                    Some(model_id.as_str())
                ),
                "{backend}"
            );
        }
        // The first household's review of 2026 finds it above the line: out of poverty.
        let reviewed = app.patch(
            &format!("/api/v1/households/{first}"),
            Some(&staff),
            &json!({"review_year": 2026, "income_per_person_vnd": 3_000_000, "deprivations": []}),
        )?;
        assert_eq!(reviewed.status, 200, "{backend}: {}", reviewed.body);
        assert_eq!(reviewed.body["status"], "newly_escaped", "{backend}");

        let read = app.get(
            &format!("/api/v1/livelihood-models/{model_id}"),
            Some(&staff),
        )?;
        assert_eq!(read.status, 200, "{backend}: {}", read.body);
        assert_eq!(
            read.body["outcomes"],
            json!({"households": 2, "left_poverty": 1, "reviewed_after": 1,
                "average_income_change_vnd": 1_800_000}),
            "{backend}"
        );
        assert_eq!(read.body["participants"].as_array().map(Vec::len), Some(2));
        // Accent-proof search by name.
        let found = app.get("/api/v1/livelihood-models?q=chan%20nuoi%20bo", Some(&staff))?;
        assert_eq!(found.body.as_array().map(Vec::len), Some(1), "{backend}");
        let none = app.get("/api/v1/livelihood-models?q=du%20lich", Some(&staff))?;
        assert_eq!(none.body, json!([]), "{backend}");

        // The plan's target of five models (2021–2025): one so far.
        let answer = app.get("/api/v1/progress?period=2021-2025", Some(&admin))?;
        let models = figure(&answer.body, "livelihood_models");
        assert_eq!(
            (
                models["numerator"].as_i64(),
                models["target"].as_f64(),
                models["unit"].as_str()
            ),
            (Some(1), Some(5.0), Some("models")),
            "{backend}: {}",
            answer.body
        );
        // The report lists the model with its outcomes: in JSON, in its own sheet, in the CSV.
        let report = app.get("/api/v1/reports/2023.json", Some(&admin))?;
        assert_eq!(report.status, 200, "{backend}: {}", report.body);
        let line = &report.body["livelihood_models"][0];
        assert_eq!(
            (
                line["name"].as_str(),
                line["model_type"].as_str(),
                line["participants"].as_i64(),
                line["outcomes"]["left_poverty"].as_i64()
            ),
            (
                Some("Mô hình chăn nuôi bò sinh sản bản Lướt"),
                Some("Chăn nuôi"),
                Some(2),
                Some(1)
            ),
            "{backend}: {}",
            report.body
        );
        let elsewhere = app.get("/api/v1/reports/2022.json", Some(&admin))?;
        assert_eq!(
            elsewhere.body["livelihood_models"],
            json!([]),
            "{backend}: not running in 2022"
        );
        let workbook = client()
            .get(app.url("/api/v1/reports/2023.xlsx"))
            .bearer_auth(&admin)
            .send()?
            .bytes()?;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(workbook.to_vec()))?;
        let sheet = calamine::Reader::worksheet_range(&mut book, "Mô hình giảm nghèo")?;
        let row: Vec<String> = sheet
            .rows()
            .nth(1)
            .ok_or("no model row")?
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            (
                row[0].as_str(),
                row[1].as_str(),
                row[2].as_str(),
                row[7].as_str(),
                row[10].as_str()
            ),
            (
                "Mô hình chăn nuôi bò sinh sản bản Lướt",
                "Chăn nuôi",
                "Phường Tô Hiệu",
                "2",
                "1"
            ),
            "{backend}: {row:?}"
        );
    }
    Ok(())
}

/// The same in the browser's pages: a model recorded from the list page (refused beside its
/// field first, nothing written), a worker added by CCCD with the occupation typed by name.
#[test]
fn staff_record_a_model_and_its_participants_from_the_pages() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let home = household(&app, &staff, "LM-09", "03649", "near_poor")?;
        worker(
            &app,
            &staff,
            Person {
                n: 31,
                commune: "03649",
                household: Some(&home),
                gender: "male",
                ethnicity: "03",
                overseas: false,
            },
        )?;
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        officer.get("/livelihood-models")?;
        let fields = |name: &'static str| {
            vec![
                ("name", name),
                ("model_type", "handicrafts"),
                ("commune_codes", "03649"),
                ("starts_on", "2026-04-01"),
                ("budget_vnd", "300.000.000"),
            ]
        };
        let refused = officer.post("/livelihood-models", &fields(""))?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(
            refused.html.contains("id=\"name-error\""),
            "{}",
            refused.html
        );
        let none = app.get("/api/v1/livelihood-models", Some(&staff))?;
        assert_eq!(none.body, json!([]), "{backend}: nothing written");
        let saved = officer.post("/livelihood-models", &fields("Dệt thổ cẩm bản Hụm"))?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let page = saved.location.clone();
        officer.get(&page)?;
        let joined = officer.post(
            &format!("{page}/participants"),
            &[
                ("national_id", "014196000031"),
                ("occupation_code", "tho det tho cam"),
                ("expected_income_vnd", "2.500.000"),
            ],
        )?;
        assert_eq!(joined.status, 303, "{backend}: {}", joined.html);
        let shown = officer.get(&page)?;
        assert!(
            shown.html.contains("Lò Văn Số 31"),
            "{backend}: {}",
            shown.html
        );
        assert!(
            shown.html.contains("id=\"model-households\">1<"),
            "{backend}"
        );
        let unknown = officer.post(
            &format!("{page}/participants"),
            &[("national_id", "014196000099"), ("occupation_code", "7318")],
        )?;
        assert_eq!(unknown.status, 422, "{backend}");
        assert!(
            unknown.html.contains("id=\"national_id-error\""),
            "{backend}"
        );
    }
    Ok(())
}
