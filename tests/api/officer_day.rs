//! A district officer's day in a real headless Chromium, pages only: link a worker to her
//! household by its code, record a counselling session, refer her from her suitable
//! vacancies, print the referral letter, record the interview and the hire for an employer
//! without an account, and see the dashboard count her.

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::browser::{
    browser, click_and_load, connected_workers, save_screenshot, script_and_load, sign_in,
    start_driver,
};
use crate::helpers::{Link, TestApp, TestResult, spawn_app, sqlite_db, worker_body};
use crate::progress::{household, id};

#[test]
fn an_officer_links_counsels_refers_prints_and_records_the_hire_in_the_browser() -> TestResult {
    let Some(driver) = start_driver()? else {
        return Ok(());
    };
    let app = spawn_app(sqlite_db())?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    household(&app, &staff, "HN-77", "03649", "poor")?;
    let worker = id(
        &app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014196055001", "03649"),
        )?,
        "worker",
    )?;
    let employer = id(
        &app.post(
            "/api/v1/employers",
            Some(&staff),
            &json!({"name": "Công ty May Sơn La", "tax_code": "5500999777", "kind": "company",
                "commune_code": "03649", "address": "Tổ 3", "contact_name": "Nguyễn Thị Hoa"}),
        )?,
        "employer",
    )?;
    id(
        &app.post(
            "/api/v1/vacancies",
            Some(&staff),
            &json!({"employer_id": employer, "title": "Công nhân may công nghiệp",
                "occupation_code": "8153", "positions": 3, "commune_code": "03649",
                "status": "open"}),
        )?,
        "vacancy",
    )?;
    app.search.sync()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (client, _profile) = browser(&driver, false).await?;
        let outcome = day(&client, &app, &worker).await;
        client.close().await?;
        outcome
    })?;
    // What the pages wrote is what the API reads.
    let record = app.get(&format!("/api/v1/workers/{worker}"), Some(&staff))?;
    assert!(record.body["household_id"].is_string(), "{}", record.body);
    let services = app.get(
        &format!("/api/v1/workers/{worker}/service-records"),
        Some(&staff),
    )?;
    assert!(services.body.to_string().contains("counselling"));
    Ok(())
}

async fn day(client: &Client, app: &TestApp, worker: &str) -> TestResult {
    sign_in(client, app, "canbo@example.vn").await?;
    let before = connected_workers(client, app).await?;

    // Link her to her household by its code.
    client
        .goto(&app.url(&format!("/workers/{worker}/edit")))
        .await?;
    client
        .find(Locator::Id("household_code"))
        .await?
        .send_keys("HN-77")
        .await?;
    script_and_load(client, "document.querySelector('main form.card').submit();").await?;
    assert!(
        client
            .current_url()
            .await?
            .path()
            .ends_with(&format!("/workers/{worker}")),
        "the worker form was not saved"
    );

    // A counselling session, recorded on her page.
    script_and_load(
        client,
        "const form = document.getElementById('record-service');\
         form.elements.namedItem('kind').value = 'counselling';\
         form.elements.namedItem('service_note').value = 'Tư vấn nghề may'; form.submit();",
    )
    .await?;
    let services = client
        .find(Locator::Css("ul.services"))
        .await?
        .text()
        .await?;
    assert!(services.contains("Tư vấn việc làm"), "{services}");

    // Her suitable vacancies: refer her to the sewing one.
    let matches = client.find(Locator::Id("matches-link")).await?;
    click_and_load(client, matches).await?;
    let first = client.find(Locator::Css("ol.matches li.match")).await?;
    let title = first.find(Locator::Css("a.name")).await?.text().await?;
    assert_eq!(title, "Công nhân may công nghiệp");
    let refer = first.find(Locator::Css("form button")).await?;
    click_and_load(client, refer).await?;
    let status = client.find(Locator::Id("status")).await?.text().await?;
    assert_eq!(status, "Đã giới thiệu");

    // The letter, then back to the referral.
    let letter = client.find(Locator::Id("letter-link")).await?;
    click_and_load(client, letter).await?;
    let name = client
        .find(Locator::Id("worker-name"))
        .await?
        .text()
        .await?;
    assert_eq!(name, "Lò Thị Ỏn");
    client.back().await?;

    // The interview, then the hire starting today, for an employer without an account.
    script_and_load(
        client,
        "const form = document.getElementById('move-interview');\
         form.elements.namedItem('interview_at').value = '2026-12-10T08:30'; form.submit();",
    )
    .await?;
    let when = client.find(Locator::Id("interview")).await?.text().await?;
    assert_eq!(when, "10/12/2026 08:30");
    let today = chrono::Utc::now().date_naive();
    script_and_load(
        client,
        &format!(
            "const form = document.getElementById('move-hired');\
             form.elements.namedItem('start_date').value = '{today}';\
             form.elements.namedItem('wage_vnd').value = '6.500.000'; form.submit();"
        ),
    )
    .await?;
    let status = client.find(Locator::Id("status")).await?.text().await?;
    assert_eq!(status, "Đã tuyển");
    save_screenshot(client, "referral-hired.png").await?;

    let after = connected_workers(client, app).await?;
    assert_eq!(after, before + 1, "the dashboard did not count the hire");
    Ok(())
}
