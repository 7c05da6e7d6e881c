//! At a job fair in a real headless Chromium: an officer registers a worker who came, refers
//! her to a vacancy brought to the fair and records the hire on the spot; the fair's page counts
//! the hire, from a poor household.

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::browser::{browser, save_screenshot, script_and_load, sign_in, start_driver};
use crate::helpers::{Link, TestApp, TestResult, spawn_app, sqlite_db, worker_body};
use crate::progress::{household, id, vacancy};

#[test]
fn an_officer_registers_a_worker_at_a_fair_and_records_the_hire_in_the_browser() -> TestResult {
    let Some(driver) = start_driver()? else {
        return Ok(());
    };
    let app = spawn_app(sqlite_db())?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let poor = household(&app, &staff, "JF-77", "03649", "poor")?;
    let mut body = worker_body("014196066001", "03649");
    body["household_id"] = poor.into();
    id(&app.post("/api/v1/workers", Some(&staff), &body)?, "worker")?;
    let employer = id(
        &app.post(
            "/api/v1/employers",
            Some(&staff),
            &json!({"name": "Công ty May Sơn La", "tax_code": "5500999888", "kind": "company",
                "contact_name": "Nguyễn Thị Hoa"}),
        )?,
        "employer",
    )?;
    let open = vacancy(&app, &staff, &employer, None)?;
    let fair = id(
        &app.post(
            "/api/v1/job-fairs",
            Some(&staff),
            &json!({"name": "Phiên giao dịch việc làm Tô Hiệu", "held_on": "2026-11-30",
                "commune_codes": ["03649"]}),
        )?,
        "fair",
    )?;
    app.post(
        &format!("/api/v1/job-fairs/{fair}/vacancies"),
        Some(&staff),
        &json!({"vacancy_id": open}),
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (client, _profile) = browser(&driver, false).await?;
        let outcome = on_the_day(&client, &app, &fair, &open).await;
        client.close().await?;
        outcome
    })?;
    let read = app.get(&format!("/api/v1/job-fairs/{fair}"), Some(&staff))?;
    assert_eq!(read.body["results"]["hires"], 1, "{}", read.body);
    Ok(())
}

async fn on_the_day(client: &Client, app: &TestApp, fair: &str, open: &str) -> TestResult {
    sign_in(client, app, "canbo@example.vn").await?;
    client
        .goto(&app.url(&format!("/job-fairs/{fair}/manage")))
        .await?;
    // She came: registered by her CCCD.
    script_and_load(
        client,
        "const form = document.getElementById('fair-worker');\
         form.elements.namedItem('national_id').value = '014196066001'; form.submit();",
    )
    .await?;
    let came = client
        .find(Locator::Id("fair-attended"))
        .await?
        .text()
        .await?;
    assert_eq!(came, "1");
    // Referred on the spot to the fair's vacancy; the referral's page records the hire.
    script_and_load(
        client,
        &format!(
            "const form = document.getElementById('fair-refer');\
             form.elements.namedItem('national_id').value = '014196066001';\
             form.elements.namedItem('vacancy_id').value = '{open}'; form.submit();"
        ),
    )
    .await?;
    script_and_load(
        client,
        "const form = document.getElementById('move-hired');\
         form.elements.namedItem('start_date').value = '2026-12-01';\
         form.elements.namedItem('wage_vnd').value = '6.000.000'; form.submit();",
    )
    .await?;
    let status = client.find(Locator::Id("status")).await?.text().await?;
    assert_eq!(status, "Đã tuyển");
    client
        .goto(&app.url(&format!("/job-fairs/{fair}/manage")))
        .await?;
    let hires = client
        .find(Locator::Id("fair-hires-target"))
        .await?
        .text()
        .await?;
    assert_eq!(hires, "1", "the hire came from a poor household");
    save_screenshot(client, "job-fair.png").await?;
    Ok(())
}
