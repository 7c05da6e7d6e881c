//! The pages in a real headless Chromium, driven over WebDriver (chromedriver): a staff
//! member finds a worker typed without accents, opens a vacancy's matches and refers the
//! worker; the employer marks the hire; the dashboard's figure goes up by one; a trainee on a
//! 360-pixel phone enrols, after a bad CCCD is shown beside its field; a form posted without
//! its CSRF token is refused. Screenshots of the main pages are saved as artefacts.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them
//! the test says so and skips, unless `KETNOI_REQUIRE_BROWSER` is set (as in CI).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::{Link, PASSWORD, TestApp, spawn_app, sqlite_db, worker_body};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_driver() -> Result<Option<Driver>, Box<dyn std::error::Error>> {
    if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
        if std::env::var_os("KETNOI_REQUIRE_BROWSER").is_some() {
            return Err(
                "KETNOI_REQUIRE_BROWSER is set but chromium/chromedriver are missing".into(),
            );
        }
        println!("skipping the browser tests: install Debian's chromium and chromium-driver");
        return Ok(None);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let url = format!("http://127.0.0.1:{port}");
    // chromedriver answers /status once it listens; this waits for a process to start, not
    // for the application under test.
    let status = format!("{url}/status");
    for _ in 0..200 {
        if reqwest::blocking::get(&status).is_ok_and(|response| response.status().is_success()) {
            return Ok(Some(Driver { child, url }));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err("chromedriver did not start".into())
}

/// A headless Chromium session; `phone` emulates a 360-pixel-wide screen. The profile folder
/// is removed when the returned guard is dropped, after the session is closed.
pub(crate) async fn browser(
    driver: &Driver,
    phone: bool,
) -> Result<(Client, tempfile::TempDir), Box<dyn std::error::Error>> {
    let profile = tempfile::tempdir()?;
    let mut options = serde_json::json!({
        "binary": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=vi",
            format!("--user-data-dir={}", profile.path().display()),
            "--window-size=1280,1000",
        ],
    });
    if phone {
        options["mobileEmulation"] = serde_json::json!({
            "deviceMetrics": { "width": 360, "height": 780, "pixelRatio": 2.0 }
        });
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_owned(), options);
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await?;
    Ok((client, profile))
}

pub(crate) fn screenshot_dir() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = std::env::var_os("KETNOI_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub(crate) async fn save_screenshot(client: &Client, name: &str) -> TestResult {
    let png = client.screenshot().await?;
    assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    std::fs::write(screenshot_dir()?.join(name), png)?;
    Ok(())
}

/// Clicks something that loads a page, and waits until the new page has loaded: the old
/// page is marked first, so a new page is known even when its address is the same (a form
/// shown again with its errors).
pub(crate) async fn click_and_load(
    client: &Client,
    element: fantoccini::elements::Element,
) -> TestResult {
    client
        .execute("document.documentElement.dataset.left = 'yes'", vec![])
        .await?;
    element.click().await?;
    wait_for_new_page(client).await
}

/// Runs `script`, which loads a page (submits a form), and waits for the new page.
pub(crate) async fn script_and_load(client: &Client, script: &str) -> TestResult {
    client
        .execute("document.documentElement.dataset.left = 'yes'", vec![])
        .await?;
    client.execute(script, vec![]).await?;
    wait_for_new_page(client).await
}

async fn wait_for_new_page(client: &Client) -> TestResult {
    for _ in 0..400 {
        let state = client
            .execute(
                "return document.readyState === 'complete' && !document.documentElement.dataset.left",
                vec![],
            )
            .await;
        // While the page changes, the script may run in neither document: ask again.
        if state.is_ok_and(|loaded| loaded == true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Err(format!("no new page after {}", client.current_url().await?).into())
}

pub(crate) async fn sign_in(client: &Client, app: &TestApp, email: &str) -> TestResult {
    sign_in_with(client, app, email, PASSWORD).await
}

async fn sign_in_with(client: &Client, app: &TestApp, email: &str, password: &str) -> TestResult {
    client.goto(&app.url("/login")).await?;
    client
        .find(Locator::Id("email"))
        .await?
        .send_keys(email)
        .await?;
    client
        .find(Locator::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    let submit = client
        .find(Locator::Css("form.card button[type=submit]"))
        .await?;
    click_and_load(client, submit).await
}

async fn sign_out(client: &Client) -> TestResult {
    let button = client
        .find(Locator::Css("form[action='/logout'] button"))
        .await?;
    click_and_load(client, button).await
}

/// The connected-workers figure on the dashboard, as a number (`1.234` → 1234).
pub(crate) async fn connected_workers(
    client: &Client,
    app: &TestApp,
) -> Result<i64, Box<dyn std::error::Error>> {
    client.goto(&app.url("/dashboard")).await?;
    let text = client
        .find(Locator::Css("a.figure[data-key='connected_workers']"))
        .await?
        .text()
        .await?;
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    Ok(digits.parse()?)
}

struct Seeded {
    vacancy_id: String,
    course_id: String,
}

/// A verified employer with a sewing vacancy, its login, a staff login, a worker who fits,
/// a course open for applications.
fn seed(app: &TestApp) -> Result<Seeded, Box<dyn std::error::Error>> {
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let employer = app.post(
        "/api/v1/employers",
        Some(&staff),
        &serde_json::json!({
            "name": "Công ty May Sơn La",
            "tax_code": "5500654321",
            "kind": "company",
            "commune_code": "03646",
            "address": "Khu công nghiệp Mai Sơn",
            "contact_name": "Nguyễn Thị Hoa",
            "contact_phone": "0987654321",
            "verified": true
        }),
    )?;
    assert_eq!(employer.status, 201, "{:?}", employer.body);
    let employer_id = employer.body["id"]
        .as_str()
        .ok_or("employer id")?
        .to_owned();
    app.sign_in_as(
        "tuyendung@example.vn",
        "employer",
        Link::Employer(employer_id.clone()),
    )?;
    let vacancy = app.post(
        "/api/v1/vacancies",
        Some(&staff),
        &serde_json::json!({
            "employer_id": employer_id,
            "title": "Công nhân may công nghiệp",
            "description": "May hoàn thiện áo sơ mi, đứng máy may một kim.",
            "occupation_code": "8153",
            "positions": 20,
            "commune_code": "03646",
            "skills_required": "may công nghiệp",
            "min_age": 18,
            "max_age": 45,
            "status": "open"
        }),
    )?;
    assert_eq!(vacancy.status, 201, "{:?}", vacancy.body);
    // The worker's name arrives decomposed (NFD), as some keyboards send it.
    let mut body = worker_body("014195000123", "03646");
    body["full_name"] = "Lo\u{300} Thi\u{323} O\u{309}n".into();
    let worker = app.post("/api/v1/workers", Some(&staff), &body)?;
    assert_eq!(worker.status, 201, "{:?}", worker.body);
    let course = app.post(
        "/api/v1/courses",
        Some(&staff),
        &serde_json::json!({
            "provider": "Trung tâm Dịch vụ việc làm Sơn La",
            "title": "May công nghiệp",
            "description": "Khóa học dưới 3 tháng, học viên hộ nghèo được hỗ trợ tiền ăn.",
            "leads_to": ["8153"],
            "level": "under_3_months",
            "commune_code": "03646",
            "starts_on": "2026-12-07",
            "ends_on": "2027-02-28",
            "capacity": 30,
            "fee_vnd": 0,
            "support_vnd": 1500000
        }),
    )?;
    assert_eq!(course.status, 201, "{:?}", course.body);
    app.search.sync()?;
    Ok(Seeded {
        vacancy_id: vacancy.body["id"].as_str().ok_or("vacancy id")?.to_owned(),
        course_id: course.body["id"].as_str().ok_or("course id")?.to_owned(),
    })
}

#[test]
fn staff_refer_employer_hires_dashboard_counts_and_a_trainee_enrols_by_phone() -> TestResult {
    let Some(driver) = start_driver()? else {
        return Ok(());
    };
    let app = spawn_app(sqlite_db())?;
    let seeded = seed(&app)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (staff, _staff_profile) = browser(&driver, false).await?;
        let outcome = staff_and_employer(&staff, &app, &seeded).await;
        staff.close().await?;
        outcome?;
        let (phone, _phone_profile) = browser(&driver, true).await?;
        let outcome = trainee_on_a_phone(&phone, &app, &seeded).await;
        phone.close().await?;
        outcome
    })?;
    // The application reached the database: a worker registered from the form, NFC, with an
    // `applied` enrolment in the course.
    let staff = app.login("canbo@example.vn", PASSWORD)?;
    let found = app.get("/api/v1/workers?q=Hà Văn Thắm", Some(&staff))?;
    let items = found.body["items"].as_array().ok_or("items")?;
    assert_eq!(items.len(), 1, "{:?}", found.body);
    assert_eq!(items[0]["full_name"], "Hà Văn Thắm");
    Ok(())
}

async fn staff_and_employer(client: &Client, app: &TestApp, seeded: &Seeded) -> TestResult {
    sign_in(client, app, "canbo@example.vn").await?;
    assert!(client.current_url().await?.path().ends_with("/dashboard"));
    let lang = client
        .execute("return document.documentElement.lang", vec![])
        .await?;
    assert_eq!(lang, "vi");
    let before = connected_workers(client, app).await?;
    save_screenshot(client, "dashboard.png").await?;

    // An unaccented query finds the worker whose name was stored with accents.
    client.goto(&app.url("/workers")).await?;
    client
        .find(Locator::Id("q"))
        .await?
        .send_keys("lo thi on")
        .await?;
    let search = client
        .find(Locator::Css("form[role=search] button"))
        .await?;
    click_and_load(client, search).await?;
    let link = client.find(Locator::LinkText("Lò Thị Ỏn")).await?;
    click_and_load(client, link).await?;
    let heading = client.find(Locator::Css("main h1")).await?.text().await?;
    assert_eq!(heading, "Lò Thị Ỏn");

    // The vacancy ranks the worker, explains the score, and the staff member refers her.
    client
        .goto(&app.url(&format!("/vacancies/{}", seeded.vacancy_id)))
        .await?;
    let first = client.find(Locator::Css("ol.matches li.match")).await?;
    assert_eq!(
        first.find(Locator::Css("a.name")).await?.text().await?,
        "Lò Thị Ỏn"
    );
    let why = first.find(Locator::Css("p.why")).await?.text().await?;
    assert!(!why.is_empty(), "a match without its explanation");
    save_screenshot(client, "matches.png").await?;
    let refer = first
        .find(Locator::Css("form[action$='/refer'] button"))
        .await?;
    click_and_load(client, refer).await?;
    let notice = client.find(Locator::Css("p.notice")).await?.text().await?;
    assert_eq!(notice, "Đã giới thiệu người lao động tới doanh nghiệp.");
    let referred = client
        .find(Locator::Css("ul.referred li"))
        .await?
        .text()
        .await?;
    assert!(
        referred.contains("Lò Thị Ỏn") && referred.contains("Đã giới thiệu"),
        "{referred}"
    );
    sign_out(client).await?;

    // The employer sees the candidate (without CCCD) and marks the hire; it starts today, in
    // the programme period that holds today, which the dashboard shows by default.
    sign_in(client, app, "tuyendung@example.vn").await?;
    assert!(client.current_url().await?.path().ends_with("/employer"));
    let card = client.find(Locator::Css("li.candidate")).await?;
    let card_text = card.text().await?;
    assert!(card_text.contains("Lò Thị Ỏn"), "{card_text}");
    assert!(
        !card_text.contains("014195000123"),
        "the employer saw a CCCD"
    );
    client
        .execute(
            &format!(
                "document.querySelector('li.candidate input[name=start_date]').value = '{}'",
                chrono::Utc::now().date_naive()
            ),
            vec![],
        )
        .await?;
    let hire = card.find(Locator::Css("button.hire")).await?;
    click_and_load(client, hire).await?;
    let status = client
        .find(Locator::Css("li.candidate .status"))
        .await?
        .text()
        .await?;
    assert_eq!(status, "Đã tuyển");
    sign_out(client).await?;

    sign_in(client, app, "canbo@example.vn").await?;
    let after = connected_workers(client, app).await?;
    assert_eq!(after, before + 1, "the dashboard did not count the hire");

    // From the board to the referral, and its letter printed on A4 as a one-page PDF.
    client.goto(&app.url("/referrals")).await?;
    let open = client
        .find(Locator::Css("#col-hired + ul li a[href^='/referrals/']"))
        .await?;
    click_and_load(client, open).await?;
    let status = client.find(Locator::Id("status")).await?.text().await?;
    assert_eq!(status, "Đã tuyển");
    let letter = client.find(Locator::Id("letter-link")).await?;
    click_and_load(client, letter).await?;
    let name = client
        .find(Locator::Id("worker-name"))
        .await?
        .text()
        .await?;
    assert_eq!(name, "Lò Thị Ỏn");
    client.find(Locator::Css(".qr svg")).await?;
    save_screenshot(client, "referral-letter.png").await?;
    let pdf = client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await?;
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    std::fs::write(screenshot_dir()?.join("referral-letter.pdf"), &pdf)?;
    let pages = pdf
        .windows(b"/Type /Page".len() + 1)
        .filter(|window| window.starts_with(b"/Type /Page") && window[11] != b's')
        .count();
    assert_eq!(pages, 1, "the letter does not fit one A4 page");

    // A form whose CSRF token is removed is refused, and nothing is referred.
    client
        .goto(&app.url(&format!("/vacancies/{}", seeded.vacancy_id)))
        .await?;
    script_and_load(
        client,
        "const form = document.querySelector('form[action$=\"/logout\"]');\
         form.querySelector('input[name=csrf_token]').remove(); form.submit();",
    )
    .await?;
    let refused = client
        .find(Locator::Css("main p.alert"))
        .await?
        .text()
        .await?;
    assert_eq!(refused, "Bạn không có quyền xem trang này.");
    // The session survived: the refused sign-out did not sign out.
    client.goto(&app.url("/dashboard")).await?;
    assert!(client.current_url().await?.path().ends_with("/dashboard"));
    Ok(())
}

async fn trainee_on_a_phone(client: &Client, app: &TestApp, seeded: &Seeded) -> TestResult {
    client.goto(&app.url("/courses")).await?;
    let width = client
        .execute("return document.documentElement.clientWidth", vec![])
        .await?;
    assert_eq!(width, 360);
    save_screenshot(client, "catalogue-phone.png").await?;
    let course = client.find(Locator::LinkText("May công nghiệp")).await?;
    click_and_load(client, course).await?;
    let apply = client
        .find(Locator::Css(&format!(
            "a[href='/courses/{}/enrol']",
            seeded.course_id
        )))
        .await?;
    click_and_load(client, apply).await?;

    let fill = |id: &'static str, value: &'static str| async move {
        let field = client.find(Locator::Id(id)).await?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok::<(), fantoccini::error::CmdError>(())
    };
    fill("full_name", "Hà Văn Thắm").await?;
    fill("national_id", "0141950001").await?;
    fill("phone", "0912345679").await?;
    client
        .execute(
            "document.getElementById('birth_date').value = '2001-02-03';\
             document.getElementById('gender').value = 'male';\
             document.getElementById('ethnicity_code').value = '03';\
             document.getElementById('commune_code').value = '03646';",
            vec![],
        )
        .await?;
    let submit = client
        .find(Locator::Css("form.card button[type=submit]"))
        .await?;
    click_and_load(client, submit).await?;
    // The error sits right after its field, in Vietnamese, and the field points to it.
    let error = client.find(Locator::Css("#national_id + p.error")).await?;
    assert_eq!(error.text().await?, "Số CCCD phải gồm đúng 12 chữ số.");
    let described = client
        .find(Locator::Id("national_id"))
        .await?
        .attr("aria-describedby")
        .await?;
    assert_eq!(described.as_deref(), Some("national_id-error"));
    // What was typed is kept.
    let kept = client
        .find(Locator::Id("full_name"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept.as_deref(), Some("Hà Văn Thắm"));
    let overflow = client
        .execute(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth",
            vec![],
        )
        .await?;
    assert_eq!(overflow, true, "the form scrolls sideways at 360 px");
    save_screenshot(client, "enrol-error-phone.png").await?;

    fill("national_id", "014201000321").await?;
    let submit = client
        .find(Locator::Css("form.card button[type=submit]"))
        .await?;
    click_and_load(client, submit).await?;
    let done = client.find(Locator::Id("enrolled")).await?.text().await?;
    assert_eq!(
        done,
        "Đã nhận đăng ký của bạn. Cán bộ sẽ liên hệ để xác nhận."
    );
    Ok(())
}

/// Bytes the page took over the wire: the document and what it loaded, images aside.
const TRANSFERRED: &str = "const page = performance.getEntriesByType('navigation')[0];\
    return page.transferSize + performance.getEntriesByType('resource')\
      .filter(entry => entry.initiatorType !== 'img')\
      .reduce((sum, entry) => sum + entry.transferSize, 0);";

/// Form controls no label names.
const UNLABELLED: &str = "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]\
    .filter(control => control.labels.length === 0 && !control.getAttribute('aria-label'))\
    .map(control => control.name || control.id);";

/// Text whose contrast with its background is under WCAG AA (4.5:1, or 3:1 for large text).
const LOW_CONTRAST: &str = r#"
const channel = value => { value /= 255; return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4; };
const parse = text => (text.match(/[\d.]+/g) || []).map(Number);
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const background = element => {
  for (let node = element; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || (colour.length === 4 && colour[3] > 0.5)) return colour.slice(0, 3);
  }
  return [255, 255, 255];
};
const failures = [];
for (const element of document.body.querySelectorAll('*')) {
  const text = [...element.childNodes].filter(node => node.nodeType === 3).map(node => node.textContent.trim()).join('');
  if (!text || element.offsetParent === null && getComputedStyle(element).position !== 'fixed') continue;
  const style = getComputedStyle(element);
  const fore = luminance(parse(style.color).slice(0, 3));
  const back = luminance(background(element));
  const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) failures.push(element.tagName + ' ' + text.slice(0, 30) + ' ' + ratio.toFixed(2));
}
return failures;
"#;

/// Loads `path`, then checks what every page owes its users: Vietnamese, light, labelled,
/// readable.
async fn check_page(
    client: &Client,
    app: &TestApp,
    path: &str,
) -> Result<i64, Box<dyn std::error::Error>> {
    check_page_in(client, app, path, "vi").await
}

/// The words of a page's own controls (labels, headers, buttons, navigation) written in
/// Vietnamese: on an English page, words the text table left untranslated.
const VIETNAMESE_CONTROLS: &str = "return [...document.querySelectorAll('label, th, button, nav a, h2')]\
    .map(element => element.textContent.trim())\
    .filter(text => /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i.test(text));";

/// [`check_page`] in `lang`; an English page also has no Vietnamese in its own controls.
async fn check_page_in(
    client: &Client,
    app: &TestApp,
    path: &str,
    expected: &str,
) -> Result<i64, Box<dyn std::error::Error>> {
    client.goto(&app.url(path)).await?;
    let lang = client
        .execute("return document.documentElement.lang", vec![])
        .await?;
    assert_eq!(lang, expected, "{path}");
    if expected == "en" {
        let untranslated = client.execute(VIETNAMESE_CONTROLS, vec![]).await?;
        assert_eq!(
            untranslated,
            serde_json::json!([]),
            "{path}: Vietnamese words on the English page"
        );
    }
    let bytes = client
        .execute(TRANSFERRED, vec![])
        .await?
        .as_i64()
        .ok_or("transfer size")?;
    assert!(bytes > 0 && bytes < 100_000, "{path} took {bytes} bytes");
    let unlabelled = client.execute(UNLABELLED, vec![]).await?;
    assert_eq!(
        unlabelled,
        serde_json::json!([]),
        "{path}: fields without a label"
    );
    let low = client.execute(LOW_CONTRAST, vec![]).await?;
    assert_eq!(
        low,
        serde_json::json!([]),
        "{path}: text under WCAG AA contrast"
    );
    Ok(bytes)
}

#[test]
fn the_demo_province_pages_are_light_labelled_readable_and_pictured() -> TestResult {
    let Some(driver) = start_driver()? else {
        return Ok(());
    };
    let db = sqlite_db();
    {
        let mut connection = db.migrated()?;
        ketnoi::demo::generate(
            &mut connection,
            ketnoi::demo::DemoOptions {
                workers: 3000,
                seed: 1,
                show_progress: false,
            },
        )?;
    }
    let app = spawn_app(db)?;
    app.search.sync()?;
    let admin = app.login(ketnoi::demo::DEMO_ADMIN_EMAIL, ketnoi::demo::DEMO_PASSWORD)?;
    let open = app.get("/api/v1/vacancies?status=open&limit=100", Some(&admin))?;
    let vacancy_id = open.body["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["is_overseas"] == false))
        .and_then(|item| item["id"].as_str())
        .ok_or("an open vacancy")?
        .to_owned();
    let referrals = app.get("/api/v1/referrals?limit=1", Some(&admin))?;
    let referral_id = referrals.body["items"][0]["id"]
        .as_str()
        .or_else(|| referrals.body[0]["id"].as_str())
        .ok_or("a referral")?
        .to_owned();
    let listed = app.get("/api/v1/workers?limit=1&availability=seeking", Some(&admin))?;
    let worker_id = listed.body["items"][0]["id"]
        .as_str()
        .ok_or("a worker")?
        .to_owned();
    let courses = app.get("/api/v1/courses?status=open&limit=1", None)?;
    let course_id = courses.body["items"][0]["id"]
        .as_str()
        .ok_or("an open course")?
        .to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let weights = runtime.block_on(async {
        let (desk, _desk_profile) = browser(&driver, false).await?;
        let outcome = async {
            sign_in_with(
                &desk,
                &app,
                ketnoi::demo::DEMO_ADMIN_EMAIL,
                ketnoi::demo::DEMO_PASSWORD,
            )
            .await?;
            let mut weights = Vec::new();
            for path in [
                "/dashboard".to_owned(),
                "/workers?q=lo+thi".to_owned(),
                "/households".to_owned(),
                format!("/vacancies/{vacancy_id}"),
                "/referrals".to_owned(),
                format!("/referrals/{referral_id}"),
                format!("/referrals/{referral_id}/letter"),
                format!("/workers/{worker_id}"),
                format!("/workers/{worker_id}/matches"),
                format!("/workers/{worker_id}/work"),
                "/livelihood-models".to_owned(),
                "/job-fairs/new".to_owned(),
                "/follow-ups".to_owned(),
                "/outreach".to_owned(),
                "/workers/new".to_owned(),
                "/vacancies/new".to_owned(),
                "/courses/new".to_owned(),
                "/employers/new".to_owned(),
                "/admin/users".to_owned(),
                "/admin/areas".to_owned(),
                "/admin/targets".to_owned(),
                "/account/password".to_owned(),
            ] {
                weights.push((path.clone(), check_page(&desk, &app, &path).await?));
            }
            // The same workspace in English.
            desk.goto(&app.url("/lang/en?next=/dashboard")).await?;
            for path in [
                "/dashboard".to_owned(),
                "/workers?q=lo+thi".to_owned(),
                format!("/workers/{worker_id}"),
                format!("/workers/{worker_id}/matches"),
                format!("/workers/{worker_id}/work"),
                "/livelihood-models".to_owned(),
                "/job-fairs/new".to_owned(),
                format!("/referrals/{referral_id}"),
                format!("/referrals/{referral_id}/letter"),
                "/workers/new".to_owned(),
                "/vacancies/new".to_owned(),
                "/courses/new".to_owned(),
                "/admin/users".to_owned(),
                "/account/password".to_owned(),
                "/trainee/signup".to_owned(),
            ] {
                weights.push((
                    format!("{path} (en)"),
                    check_page_in(&desk, &app, &path, "en").await?,
                ));
            }
            desk.goto(&app.url("/lang/vi?next=/dashboard")).await?;
            desk.set_window_size(1280, 1900).await?;
            desk.goto(&app.url("/dashboard")).await?;
            save_screenshot(&desk, "demo-dashboard.png").await?;
            desk.set_window_size(1280, 1300).await?;
            desk.goto(&app.url(&format!("/vacancies/{vacancy_id}")))
                .await?;
            save_screenshot(&desk, "demo-matches.png").await?;
            Ok::<_, Box<dyn std::error::Error>>(weights)
        }
        .await;
        desk.close().await?;
        let mut weights = outcome?;
        let (phone, _phone_profile) = browser(&driver, true).await?;
        let outcome = async {
            for path in [
                "/courses".to_owned(),
                format!("/courses/{course_id}/enrol"),
                "/trainee/signup".to_owned(),
                "/job-fairs".to_owned(),
            ] {
                weights.push((
                    format!("{path} (phone)"),
                    check_page(&phone, &app, &path).await?,
                ));
            }
            phone.goto(&app.url("/courses")).await?;
            save_screenshot(&phone, "demo-catalogue-phone.png").await?;
            // An officer's pages on a 360-pixel phone: as light and readable, and no wider than
            // the screen.
            sign_in_with(
                &phone,
                &app,
                ketnoi::demo::DEMO_ADMIN_EMAIL,
                ketnoi::demo::DEMO_PASSWORD,
            )
            .await?;
            for path in [
                format!("/workers/{worker_id}"),
                format!("/workers/{worker_id}/matches"),
                format!("/referrals/{referral_id}"),
                "/vacancies/new".to_owned(),
                "/workers/new".to_owned(),
                format!("/workers/{worker_id}/work"),
            ] {
                weights.push((
                    format!("{path} (phone)"),
                    check_page(&phone, &app, &path).await?,
                ));
                let overflow = phone
                    .execute(
                        "return document.documentElement.scrollWidth - window.innerWidth",
                        vec![],
                    )
                    .await?
                    .as_i64()
                    .unwrap_or(i64::MAX);
                assert!(overflow <= 1, "{path} is {overflow} px wider than a phone");
            }
            phone
                .goto(&app.url(&format!("/referrals/{referral_id}")))
                .await?;
            save_screenshot(&phone, "demo-referral-phone.png").await?;
            Ok::<_, Box<dyn std::error::Error>>(())
        }
        .await;
        phone.close().await?;
        outcome?;
        Ok::<_, Box<dyn std::error::Error>>(weights)
    })?;
    for (path, bytes) in weights {
        println!("{path}: {bytes} bytes transferred");
    }
    Ok(())
}

/// An administrator sets a 2026–2030 target and a district's quota on `/admin/targets`, adds the
/// 2031–2035 period, and the dashboard follows: the target beside its figure, the new period in
/// the switcher. A bad value is shown beside its field and nothing is written.
#[test]
fn an_administrator_sets_targets_and_adds_a_period_and_the_dashboard_follows() -> TestResult {
    let Some(driver) = start_driver()? else {
        return Ok(());
    };
    let app = spawn_app(sqlite_db())?;
    app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (client, _profile) = browser(&driver, false).await?;
        let outcome = async {
            sign_in(&client, &app, "quantri@example.vn").await?;
            client.goto(&app.url("/admin/targets")).await?;
            let set = |period: &str, unit: &str, value: &str| {
                format!(
                    "const form = document.getElementById('set-target');\
                     const field = (name) => form.elements.namedItem(name);\
                     field('period').value = '{period}'; field('key').value = 'connected_workers';\
                     field('unit_code').value = '{unit}'; field('target').value = '{value}';\
                     field('source').value = 'Quyết định giao chỉ tiêu (thử)'; form.submit();"
                )
            };
            // A value that is not a number stays on the page, beside its field.
            script_and_load(&client, &set("2026-2030", "", "nhiều")).await?;
            let error = client
                .find(Locator::Id("target-error"))
                .await?
                .text()
                .await?;
            assert!(!error.is_empty());
            script_and_load(&client, &set("2026-2030", "", "1234")).await?;
            script_and_load(&client, &set("2026-2030", "116", "200")).await?;
            let listed = client
                .find(Locator::Id("period-2026-2030"))
                .await?
                .text()
                .await?;
            assert!(
                listed.contains("1234") && listed.contains("116"),
                "{listed}"
            );
            client.goto(&app.url("/dashboard")).await?;
            let goal = client
                .find(Locator::Css("#target-connected_workers .muted"))
                .await?
                .text()
                .await?;
            assert_eq!(goal, "/ 1.234");
            client.goto(&app.url("/admin/targets")).await?;
            script_and_load(
                &client,
                "const form = document.getElementById('add-period');\
                 form.elements.namedItem('starts_on').value = '2031-01-01';\
                 form.elements.namedItem('ends_on').value = '2035-12-31';\
                 form.elements.namedItem('name_vi').value = 'Giai đoạn 2031–2035'; form.submit();",
            )
            .await?;
            client.find(Locator::Id("period-2031-2035")).await?;
            client.goto(&app.url("/dashboard")).await?;
            script_and_load(
                &client,
                "const form = document.getElementById('period-switcher');\
                 form.elements.namedItem('period').value = '2031-2035'; form.submit();",
            )
            .await?;
            let shown = client
                .find(Locator::Css("#period option[selected]"))
                .await?
                .text()
                .await?;
            assert_eq!(shown, "Giai đoạn 2031–2035 (2031-2035)");
            client
                .find(Locator::Css("#target-connected_workers .no-target"))
                .await?;
            save_screenshot(&client, "admin-targets.png").await
        }
        .await;
        client.close().await?;
        outcome
    })?;
    // The quota reached the database, audited.
    let admin = app.login("quantri@example.vn", PASSWORD)?;
    let periods = app.get("/api/v1/programme-periods", Some(&admin))?;
    let quota = periods.body[1]["targets"]
        .as_array()
        .and_then(|targets| targets.iter().find(|target| target["unit_code"] == "116"))
        .ok_or("the district quota")?;
    assert_eq!(quota["target"], 200.0);
    Ok(())
}
