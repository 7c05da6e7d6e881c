//! The HTML pages over plain HTTP, on every backend: session cookies and their flags, CSRF on
//! every form, the language switch, who may open which page, forms that show each error
//! beside its field and write nothing half-done, employer sign-up and verification, a
//! trainee's application and enrolments.

use reqwest::blocking::Client;
use reqwest::header::{LOCATION, SET_COOKIE};

use crate::helpers::{Link, PASSWORD, TestApp, test_dbs, worker_body};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A browser-like visitor: keeps cookies, does not follow redirects (tests read them), and
/// remembers the CSRF token of the last page it read.
pub(crate) struct Visitor<'a> {
    app: &'a TestApp,
    client: Client,
    csrf: String,
}

/// A page as read: status, `Location`, `Set-Cookie` lines, the HTML.
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) location: String,
    cookies: Vec<String>,
    pub(crate) html: String,
}

impl<'a> Visitor<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Result<Visitor<'a>, Box<dyn std::error::Error>> {
        Ok(Visitor {
            app,
            client: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            csrf: String::new(),
        })
    }

    fn read(
        &mut self,
        response: reqwest::blocking::Response,
    ) -> Result<Page, Box<dyn std::error::Error>> {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let cookies = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect();
        let html = response.text()?;
        if let Some(start) = html.find("name=\"csrf_token\" value=\"") {
            let rest = &html[start + 25..];
            self.csrf = rest[..rest.find('"').unwrap_or(0)].to_owned();
        }
        Ok(Page {
            status,
            location,
            cookies,
            html,
        })
    }

    pub(crate) fn get(&mut self, path: &str) -> Result<Page, Box<dyn std::error::Error>> {
        let response = self.client.get(self.app.url(path)).send()?;
        self.read(response)
    }

    /// Posts a form with the visitor's CSRF token.
    pub(crate) fn post(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Page, Box<dyn std::error::Error>> {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", &self.csrf)];
        form.extend_from_slice(fields);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.post_raw(path, body)
    }

    /// Posts a file as a multipart form (`file`) with the visitor's CSRF token.
    pub(crate) fn post_file(
        &mut self,
        path: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<Page, Box<dyn std::error::Error>> {
        let form = reqwest::blocking::multipart::Form::new()
            .text("csrf_token", self.csrf.clone())
            .part(
                "file",
                reqwest::blocking::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        let response = self
            .client
            .post(self.app.url(path))
            .multipart(form)
            .send()?;
        self.read(response)
    }

    fn post_raw(&mut self, path: &str, body: String) -> Result<Page, Box<dyn std::error::Error>> {
        let response = self
            .client
            .post(self.app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()?;
        self.read(response)
    }

    pub(crate) fn sign_in(&mut self, email: &str) -> Result<Page, Box<dyn std::error::Error>> {
        self.get("/login")?;
        self.post("/login", &[("email", email), ("password", PASSWORD)])
    }
}

/// A cooperative's open tea-picking vacancy in Tô Hiệu, for workers of some ages or any.
fn tea_picking_vacancy(
    app: &TestApp,
    staff_token: &str,
    ages: Option<(i64, i64)>,
) -> Result<String, Box<dyn std::error::Error>> {
    let employer = app.post(
        "/api/v1/employers",
        Some(staff_token),
        &serde_json::json!({"name": "HTX Chè Tà Xùa", "tax_code": "5500111222", "kind": "cooperative", "contact_name": "Mùa A Chư"}),
    )?;
    let mut vacancy = serde_json::json!({"employer_id": employer.body["id"], "title": "Công nhân hái chè", "occupation_code": "6112", "positions": 3, "commune_code": "03646", "status": "open"});
    if let Some((from, to)) = ages {
        vacancy["min_age"] = from.into();
        vacancy["max_age"] = to.into();
    }
    let vacancy = app.post("/api/v1/vacancies", Some(staff_token), &vacancy)?;
    Ok(vacancy.body["id"].as_str().ok_or("vacancy")?.to_owned())
}

/// The text of the error shown beside `field`.
fn error_beside(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"{field}-error\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')?;
    Some(html[start..start + end].to_owned())
}

#[test]
fn sessions_are_httponly_cookies_and_every_form_needs_its_csrf_token() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let staff_token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut visitor = Visitor::new(&app)?;

        let login = visitor.get("/login")?;
        assert_eq!(login.status, 200, "{backend}");
        assert!(
            login
                .html
                .starts_with("<!doctype html>\n<html lang=\"vi\">")
        );
        let csrf_cookie = login
            .cookies
            .iter()
            .find(|cookie| cookie.starts_with("ketnoi_csrf="))
            .ok_or("no CSRF cookie")?;
        assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"));

        // Without the token, or with another one, the form is refused and no session starts.
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("email", "canbo@example.vn"), ("password", PASSWORD)])
            .finish();
        let refused = visitor.post_raw("/login", form)?;
        assert_eq!(refused.status, 403, "{backend}");
        assert!(refused.html.contains("Bạn không có quyền xem trang này."));
        assert!(
            !refused
                .cookies
                .iter()
                .any(|cookie| cookie.starts_with("ketnoi_session="))
        );
        let forged = format!(
            "csrf_token={}&email=canbo%40example.vn&password=x",
            "0".repeat(64)
        );
        assert_eq!(visitor.post_raw("/login", forged)?.status, 403);

        let wrong = visitor.post(
            "/login",
            &[
                ("email", "canbo@example.vn"),
                ("password", "sai mật khẩu rồi"),
            ],
        )?;
        assert_eq!(wrong.status, 401, "{backend}");
        assert!(wrong.html.contains("Sai e-mail hoặc mật khẩu."));

        let signed_in = visitor.post(
            "/login",
            &[("email", "canbo@example.vn"), ("password", PASSWORD)],
        )?;
        assert_eq!(signed_in.status, 303, "{backend}");
        assert_eq!(signed_in.location, "/dashboard");
        let session = signed_in
            .cookies
            .iter()
            .find(|cookie| cookie.starts_with("ketnoi_session="))
            .ok_or("no session cookie")?;
        assert!(
            session.contains("HttpOnly")
                && session.contains("SameSite=Lax")
                && session.contains("Path=/")
        );
        assert!(
            !session.contains("Secure"),
            "plain HTTP cannot carry a Secure cookie"
        );
        assert_eq!(visitor.get("/dashboard")?.status, 200);

        // Behind a TLS proxy the cookie is Secure.
        let behind_tls = visitor
            .client
            .post(app.url("/login"))
            .header("x-forwarded-proto", "https")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "csrf_token={}&email=canbo%40example.vn&password={}",
                visitor.csrf,
                url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
            ))
            .send()?;
        let secure = visitor.read(behind_tls)?;
        assert!(
            secure
                .cookies
                .iter()
                .any(|cookie| cookie.starts_with("ketnoi_session=") && cookie.contains("Secure")),
            "{backend}: {:?}",
            secure.cookies
        );

        // A referral posted without the token is refused and nothing is written.
        let vacancy_id = &tea_picking_vacancy(&app, &staff_token, None)?;
        let worker = app.post(
            "/api/v1/workers",
            Some(&staff_token),
            &worker_body("014195000777", "03646"),
        )?;
        let worker_id = worker.body["id"].as_str().ok_or("worker")?;
        let no_token = visitor.post_raw(
            &format!("/vacancies/{vacancy_id}/refer"),
            format!("worker_id={worker_id}"),
        )?;
        assert_eq!(no_token.status, 403, "{backend}");
        let referrals = app.get(
            &format!("/api/v1/referrals?vacancy_id={vacancy_id}"),
            Some(&staff_token),
        )?;
        assert_eq!(referrals.body, serde_json::json!([]), "{backend}");
        // With the token it goes through.
        visitor.get(&format!("/vacancies/{vacancy_id}"))?;
        let referred = visitor.post(
            &format!("/vacancies/{vacancy_id}/refer"),
            &[("worker_id", worker_id)],
        )?;
        assert_eq!(referred.status, 303, "{backend}: {}", referred.html);
        let referrals = app.get(
            &format!("/api/v1/referrals?vacancy_id={vacancy_id}"),
            Some(&staff_token),
        )?;
        assert_eq!(
            referrals.body[0]["status"], "referred",
            "{backend}: {:?}",
            referrals.body
        );

        // The language switch is remembered, and goes back only within the site.
        let english = visitor.get("/lang/en?next=/dashboard")?;
        assert_eq!(english.status, 303);
        assert_eq!(english.location, "/dashboard");
        assert!(
            english
                .cookies
                .iter()
                .any(|cookie| cookie.starts_with("ketnoi_lang=en"))
        );
        let dashboard = visitor.get("/dashboard")?;
        assert!(
            dashboard.html.contains("<html lang=\"en\">")
                && dashboard.html.contains("<h1>Dashboard</h1>")
        );
        assert_eq!(visitor.get("/lang/vi?next=//evil.example/")?.location, "/");
        assert!(
            visitor
                .get("/dashboard")?
                .html
                .contains("<h1>Tổng quan</h1>")
        );

        // Signing out ends the session everywhere it was used.
        let out = visitor.post("/logout", &[])?;
        assert_eq!((out.status, out.location.as_str()), (303, "/login"));
        let after = visitor.get("/dashboard")?;
        assert_eq!(after.status, 303, "{backend}");
        assert_eq!(after.location, "/login?next=%2Fdashboard");
    }
    Ok(())
}

#[test]
fn each_role_opens_only_its_own_pages() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let staff_token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let employer = app.post(
            "/api/v1/employers",
            Some(&staff_token),
            &serde_json::json!({"name": "Công ty Giày da", "tax_code": "5500333444", "kind": "company", "contact_name": "Lê Văn Tám"}),
        )?;
        let employer_id = employer.body["id"].as_str().ok_or("employer")?.to_owned();
        app.sign_in_as("dn@example.vn", "employer", Link::Employer(employer_id))?;
        app.sign_in_as("hv@example.vn", "trainee", Link::None)?;

        let mut anonymous = Visitor::new(&app)?;
        for path in ["/dashboard", "/workers", "/employer", "/my/enrollments"] {
            let page = anonymous.get(path)?;
            assert_eq!(page.status, 303, "{backend} {path}");
            assert!(page.location.starts_with("/login?next="), "{path}");
        }
        assert_eq!(anonymous.get("/courses")?.status, 200);
        // An unknown address is a page for a browser, a problem document for the API.
        let lost = anonymous
            .client
            .get(app.url("/khong-co-trang-nay"))
            .header("accept", "text/html,application/xhtml+xml")
            .send()?;
        assert_eq!(lost.status().as_u16(), 404, "{backend}");
        assert!(lost.text()?.contains("Không tìm thấy trang hoặc hồ sơ."));
        let api_lost = anonymous
            .client
            .get(app.url("/api/v1/khong-co"))
            .header("accept", "text/html")
            .send()?;
        assert_eq!(
            api_lost
                .headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok()),
            Some("application/problem+json")
        );
        assert_eq!(anonymous.get("/")?.location, "/courses");

        let mut trainee = Visitor::new(&app)?;
        assert_eq!(
            trainee.sign_in("hv@example.vn")?.location,
            "/my/enrollments"
        );
        for path in [
            "/dashboard",
            "/workers",
            "/households",
            "/employer",
            "/reports",
        ] {
            let page = trainee.get(path)?;
            assert_eq!(page.status, 403, "{backend} trainee {path}");
            assert!(page.html.contains("Bạn không có quyền xem trang này."));
        }
        let mut employer = Visitor::new(&app)?;
        assert_eq!(employer.sign_in("dn@example.vn")?.location, "/employer");
        for path in ["/dashboard", "/workers", "/outreach", "/my/enrollments"] {
            assert_eq!(employer.get(path)?.status, 403, "{backend} employer {path}");
        }
        let mut staff = Visitor::new(&app)?;
        staff.sign_in("canbo@example.vn")?;
        assert_eq!(staff.get("/employer")?.status, 403, "{backend}");
        let missing = staff.get("/workers/0190aaaa-0000-7000-8000-000000000000")?;
        assert_eq!(missing.status, 404, "{backend}");
        assert!(missing.html.contains("Không tìm thấy trang hoặc hồ sơ."));
    }
    Ok(())
}

#[test]
fn the_worker_form_shows_each_error_beside_its_field_and_saves_nfc() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let staff_token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut staff = Visitor::new(&app)?;
        staff.sign_in("canbo@example.vn")?;
        let form = staff.get("/workers/new")?;
        assert!(form.html.contains("<label for=\"national_id\">Số CCCD"));

        let bad = staff.post(
            "/workers/new",
            &[
                ("full_name", ""),
                ("national_id", "0141950001"),
                ("birth_date", "2001-02-03"),
                ("gender", "male"),
                ("ethnicity_code", "03"),
                ("phone", "12345"),
                ("commune_code", "03646"),
                ("availability", "seeking"),
                ("skills", "trồng chè"),
            ],
        )?;
        assert_eq!(bad.status, 422, "{backend}");
        assert_eq!(
            error_beside(&bad.html, "national_id").as_deref(),
            Some("Số CCCD phải gồm đúng 12 chữ số."),
            "{backend}"
        );
        assert_eq!(
            error_beside(&bad.html, "full_name").as_deref(),
            Some("Trường này là bắt buộc.")
        );
        assert!(
            error_beside(&bad.html, "phone")
                .is_some_and(|message| message.starts_with("Số điện thoại không hợp lệ"))
        );
        assert!(
            bad.html.contains("value=\"trồng chè\""),
            "what was typed is kept"
        );
        let none = app.get("/api/v1/workers", Some(&staff_token))?;
        assert_eq!(none.body["total"], 0, "{backend}: nothing half-written");

        // Decomposed input is stored composed.
        let saved = staff.post(
            "/workers/new",
            &[
                ("full_name", "Ha\u{300} Va\u{306}n Tha\u{306}\u{301}m"),
                ("national_id", "014195000888"),
                ("birth_date", "1990-05-06"),
                ("gender", "male"),
                ("ethnicity_code", "03"),
                ("phone", "0912345670"),
                ("commune_code", "03646"),
                ("availability", "seeking"),
                ("expected_wage_vnd", "6.500.000"),
                ("consent_to_share", "true"),
            ],
        )?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let worker_path = saved.location.clone();
        let worker_id = worker_path.trim_start_matches("/workers/").to_owned();
        let stored = app.get(&format!("/api/v1/workers/{worker_id}"), Some(&staff_token))?;
        assert_eq!(stored.body["full_name"], "Hà Văn Thắm", "{backend}");
        assert_eq!(stored.body["expected_wage_vnd"], 6_500_000);
        assert_eq!(stored.body["consent_to_share"], true);
        let detail = staff.get(&worker_path)?;
        assert!(detail.html.contains("<h1>Hà Văn Thắm</h1>"));
        assert!(
            detail.html.contains("6.500.000 ₫"),
            "money in Vietnamese format"
        );
        assert!(
            detail.html.contains("06/05/1990"),
            "dates in Vietnamese format"
        );

        // Editing keeps the record and adds to its history.
        staff.get(&format!("{worker_path}/edit"))?;
        let edited = staff.post(
            &format!("{worker_path}/edit"),
            &[
                ("full_name", "Hà Văn Thắm"),
                ("national_id", "014195000888"),
                ("birth_date", "1990-05-06"),
                ("gender", "male"),
                ("ethnicity_code", "03"),
                ("phone", "0987000111"),
                ("commune_code", "03646"),
                ("availability", "seeking"),
                ("consent_to_share", "true"),
            ],
        )?;
        assert_eq!(edited.status, 303, "{backend}: {}", edited.html);
        let detail = staff.get(&worker_path)?;
        assert!(detail.html.contains("0987000111"));
        assert!(
            detail.html.contains("Cập nhật"),
            "{backend}: the history shows the edit"
        );

        // Found again without accents on the list page.
        app.search.sync()?;
        let list = staff.get("/workers?q=ha+van+tham")?;
        assert!(
            list.html
                .contains(&format!("href=\"{worker_path}\">Hà Văn Thắm</a>")),
            "{backend}"
        );
    }
    Ok(())
}

#[test]
fn an_employer_signs_up_waits_for_verification_then_posts_and_closes_a_vacancy() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let staff_token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut employer = Visitor::new(&app)?;
        employer.get("/employer/signup")?;
        let company = [
            ("name", "Công ty TNHH May Mộc Châu"),
            ("tax_code", "55001"),
            ("kind", "company"),
            ("contact_name", "Đinh Thị Hạnh"),
            ("contact_email", "hanh@maymocchau.vn"),
            ("contact_phone", "0912000111"),
            ("password", PASSWORD),
        ];
        let bad = employer.post("/employer/signup", &company)?;
        assert_eq!(bad.status, 422, "{backend}");
        assert!(
            error_beside(&bad.html, "tax_code").is_some(),
            "{backend}: {}",
            bad.html
        );
        assert!(
            !bad.html.contains(PASSWORD),
            "the password is not sent back"
        );
        let mut good = company;
        good[1] = ("tax_code", "5500999888");
        let signed_up = employer.post("/employer/signup", &good)?;
        assert_eq!(
            (signed_up.status, signed_up.location.as_str()),
            (303, "/employer/signup/received"),
            "{backend}: {}",
            signed_up.html
        );
        // The same e-mail again, for another business: answered alike, and nothing is kept.
        let mut other = Visitor::new(&app)?;
        other.get("/employer/signup")?;
        let mut again = good;
        again[0] = ("name", "Công ty Giả Mạo");
        again[1] = ("tax_code", "5500999777");
        again[6] = ("password", "một mật khẩu khác hẳn");
        let taken = other.post("/employer/signup", &again)?;
        assert_eq!(
            (taken.status, taken.location.as_str()),
            (303, "/employer/signup/received"),
            "{backend}: a taken e-mail is not told apart"
        );
        let received = employer.get("/employer/signup/received")?;
        assert!(received.html.contains("Đã nhận đăng ký"), "{backend}");
        employer.sign_in("hanh@maymocchau.vn")?;
        let portal = employer.get("/employer")?;
        assert!(
            portal.html.contains("đang chờ cán bộ Trung tâm xác minh"),
            "{backend}"
        );

        let vacancy = [
            ("title", "Công nhân may"),
            ("occupation_code", "8153"),
            ("positions", "12"),
            ("commune_code", "03646"),
            ("wage_min_vnd", "6.000.000"),
            ("status", "open"),
        ];
        employer.get("/employer/vacancies/new")?;
        let early = employer.post("/employer/vacancies/new", &vacancy)?;
        assert_eq!(early.status, 422, "{backend}");
        assert!(early.html.contains("đang chờ cán bộ xác minh"));

        let listed = app.get("/api/v1/employers?limit=10", Some(&staff_token))?;
        let employer_id = listed.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|item| item["tax_code"] == "5500999888"))
            .and_then(|item| item["id"].as_str())
            .ok_or("the signed-up employer")?
            .to_owned();
        assert!(
            !listed.body.to_string().contains("5500999777"),
            "{backend}: the sign-up with a taken e-mail kept nothing"
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/employers/{employer_id}"),
                Some(&staff_token)
            )?
            .body["verified"],
            false
        );
        let mut staff = Visitor::new(&app)?;
        staff.sign_in("canbo@example.vn")?;
        assert!(
            staff
                .get("/employers")?
                .html
                .contains("Công ty TNHH May Mộc Châu")
        );
        let verified = staff.post(&format!("/employers/{employer_id}/verify"), &[])?;
        assert_eq!(verified.status, 303, "{backend}");

        employer.get("/employer/vacancies/new")?;
        let posted = employer.post("/employer/vacancies/new", &vacancy)?;
        assert_eq!(posted.status, 303, "{backend}: {}", posted.html);
        let portal = employer.get("/employer")?;
        assert!(portal.html.contains("Công nhân may") && portal.html.contains("Đang tuyển"));
        let vacancies = app.get(
            &format!("/api/v1/vacancies?employer_id={employer_id}"),
            Some(&staff_token),
        )?;
        let vacancy_id = vacancies.body["items"][0]["id"]
            .as_str()
            .ok_or("vacancy")?
            .to_owned();
        assert_eq!(vacancies.body["items"][0]["wage_min_vnd"], 6_000_000);
        let closed = employer.post(&format!("/employer/vacancies/{vacancy_id}/close"), &[])?;
        assert_eq!(closed.status, 303, "{backend}");
        assert_eq!(
            app.get(
                &format!("/api/v1/vacancies/{vacancy_id}"),
                Some(&staff_token)
            )?
            .body["status"],
            "closed"
        );
    }
    Ok(())
}

#[test]
fn a_trainee_applies_once_and_sees_the_enrolment() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let staff_token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let course = app.post(
            "/api/v1/courses",
            Some(&staff_token),
            &serde_json::json!({
                "provider": "Trường Cao đẳng Sơn La",
                "title": "Kỹ thuật chế biến chè",
                "leads_to": ["8153"],
                "level": "under_3_months",
                "commune_code": "03646",
                "starts_on": "2026-12-14",
                "ends_on": "2027-02-14",
                "capacity": 25
            }),
        )?;
        assert_eq!(course.status, 201, "{backend}: {:?}", course.body);
        let course_id = course.body["id"].as_str().ok_or("course")?.to_owned();
        app.sign_in_as("hocvien@example.vn", "trainee", Link::None)?;
        let mut trainee = Visitor::new(&app)?;
        trainee.sign_in("hocvien@example.vn")?;
        let before = trainee.get("/my/enrollments")?;
        assert!(before.html.contains("chưa gắn với hồ sơ người lao động"));
        app.search.sync()?;
        let catalogue = trainee.get("/courses?q=che+bien+che")?;
        assert!(
            catalogue.html.contains("Kỹ thuật chế biến chè"),
            "{backend}: accent-proof catalogue"
        );

        let application = [
            ("full_name", "Lò Thị Ỏn"),
            ("national_id", "014301000456"),
            ("birth_date", "2003-08-09"),
            ("gender", "female"),
            ("ethnicity_code", "03"),
            ("phone", "0966111222"),
            ("commune_code", "03646"),
        ];
        trainee.get(&format!("/courses/{course_id}/enrol"))?;
        let applied = trainee.post(&format!("/courses/{course_id}/enrol"), &application)?;
        assert_eq!(applied.status, 200, "{backend}: {}", applied.html);
        assert!(applied.html.contains("id=\"enrolled\""));
        let mine = trainee.get("/my/enrollments")?;
        assert!(
            mine.html.contains("Kỹ thuật chế biến chè") && mine.html.contains("Đã đăng ký"),
            "{backend}"
        );

        // Now linked, the trainee applies as themself: a second time is refused.
        trainee.get(&format!("/courses/{course_id}/enrol"))?;
        let again = trainee.post(&format!("/courses/{course_id}/enrol"), &[])?;
        assert_eq!(again.status, 422, "{backend}");
        assert!(again.html.contains("đã đăng ký khóa học này rồi"));

        // A visitor typing a CCCD already registered is linked, not registered twice; the
        // answer is the same whether the birth date agrees, and whether they had applied.
        let mut visitor = Visitor::new(&app)?;
        visitor.get(&format!("/courses/{course_id}/enrol"))?;
        let mut someone_else = application;
        someone_else[2] = ("birth_date", "1990-01-01");
        let mismatch = visitor.post(&format!("/courses/{course_id}/enrol"), &someone_else)?;
        assert_eq!(mismatch.status, 200, "{backend}");
        assert!(mismatch.html.contains("id=\"enrolled\""), "{backend}");
        let duplicate = visitor.post(&format!("/courses/{course_id}/enrol"), &application)?;
        assert_eq!(duplicate.status, 200, "{backend}");
        assert!(duplicate.html.contains("id=\"enrolled\""), "{backend}");
        let workers = app.get("/api/v1/workers", Some(&staff_token))?;
        assert_eq!(workers.body["total"], 1, "{backend}");

        // Staff see the application on the course page and confirm it.
        let mut staff = Visitor::new(&app)?;
        staff.sign_in("canbo@example.vn")?;
        let page = staff.get(&format!("/courses/{course_id}"))?;
        assert!(
            page.html.contains(">Lò Thị Ỏn</a></td><td>Đã đăng ký</td>"),
            "{backend}: {}",
            page.html
        );
        let enrollment_id = page
            .html
            .split("action=\"/enrollments/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or("an enrolment form")?
            .to_owned();
        let confirmed = staff.post(
            &format!("/enrollments/{enrollment_id}"),
            &[("course_id", course_id.as_str()), ("status", "enrolled")],
        )?;
        assert_eq!(confirmed.status, 303, "{backend}: {}", confirmed.html);
        assert!(
            trainee.get("/my/enrollments")?.html.contains("Đã nhập học"),
            "{backend}"
        );
        // A CCCD nobody has is named beside the enrol form's message.
        let unknown = staff.post(
            &format!("/courses/{course_id}/enrollments"),
            &[("national_id", "014999999999")],
        )?;
        assert_eq!(unknown.status, 422, "{backend}");
    }
    Ok(())
}

#[test]
fn the_household_form_derives_the_status_and_names_bad_fields() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut staff = Visitor::new(&app)?;
        staff.sign_in("canbo@example.vn")?;
        let form = staff.get("/households/new")?;
        assert!(
            form.html.contains("Nhà tiêu hợp vệ sinh"),
            "{backend}: indicators from the reference data"
        );
        let fields = |income: &'static str| {
            vec![
                ("code", "SL-2026-000123"),
                ("head_name", "Lò Văn Ỏn"),
                ("commune_code", "03646"),
                ("ethnicity_code", "03"),
                ("members", "5"),
                ("income_per_person_vnd", income),
                ("deprivations", "nutrition"),
                ("deprivations", "housing_quality"),
                ("deprivations", "sanitation"),
            ]
        };
        let bad = staff.post("/households/new", &fields("một triệu"))?;
        assert_eq!(bad.status, 422, "{backend}");
        assert!(
            error_beside(&bad.html, "income_per_person_vnd").is_some(),
            "{backend}"
        );
        assert!(bad.html.contains(
            "id=\"deprivation-sanitation\" name=\"deprivations\" value=\"sanitation\" checked"
        ));
        let saved = staff.post("/households/new", &fields("1.000.000"))?;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.html);
        let detail = staff.get(&saved.location)?;
        assert!(
            detail.html.contains("Hộ nghèo"),
            "{backend}: under the line with 3 deprivations"
        );
        assert!(detail.html.contains("1.000.000 ₫"));
    }
    Ok(())
}

#[test]
fn staff_upload_a_commune_list_and_read_every_rejected_row() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let staff_token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut staff = Visitor::new(&app)?;
        staff.sign_in("canbo@example.vn")?;
        let form = staff.get("/imports")?;
        assert!(form.html.contains("enctype=\"multipart/form-data\""));
        let list = "\u{feff}DANH SÁCH HỘ NGHÈO NĂM 2026\n\
            Mã hộ,Họ và tên chủ hộ,Xã,Dân tộc,Số nhân khẩu,Thu nhập bình quân,Thiếu hụt\n\
            SL-001,Lò Văn Ỏn,03646,Thái,5,1.000.000,\"nutrition, housing_quality, sanitation\"\n\
            SL-002,Hà Thị Thắm,Xã Không Có,Thái,4,900.000,\n";
        let multipart = |csrf: &str| -> Result<
            reqwest::blocking::multipart::Form,
            Box<dyn std::error::Error>,
        > {
            Ok(reqwest::blocking::multipart::Form::new()
                .text("csrf_token", csrf.to_owned())
                .text("kind", "households")
                .text("mode", "valid-rows")
                .part(
                    "file",
                    reqwest::blocking::multipart::Part::bytes(list.as_bytes().to_vec())
                        .file_name("ho-ngheo.csv")
                        .mime_str("text/csv")?,
                ))
        };
        // Without the token the upload is refused and nothing is imported.
        let refused = staff
            .client
            .post(app.url("/imports"))
            .multipart(multipart("")?)
            .send()?;
        assert_eq!(refused.status().as_u16(), 403, "{backend}");
        let posted = staff
            .client
            .post(app.url("/imports"))
            .multipart(multipart(&staff.csrf.clone())?)
            .send()?;
        let posted = staff.read(posted)?;
        assert_eq!(posted.status, 303, "{backend}: {}", posted.html);
        assert!(posted.location.starts_with("/imports/"));
        let mut page = staff.get(&posted.location)?;
        for _ in 0..600 {
            if !page.html.contains("http-equiv=\"refresh\"") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            page = staff.get(&posted.location)?;
        }
        assert!(
            page.html.contains("<dd id=\"created\">1</dd>"),
            "{backend}: {}",
            page.html
        );
        assert!(page.html.contains("<dd id=\"rejected\">1</dd>"));
        assert!(
            page.html.contains("Xã Không Có"),
            "the rejected value is shown"
        );
        let workbook = staff
            .client
            .get(app.url(&format!("{}/errors.xlsx", posted.location)))
            .send()?;
        assert_eq!(workbook.status().as_u16(), 200, "{backend}");
        assert!(workbook.bytes()?.starts_with(b"PK"), "an .xlsx is a zip");
        let households = app.get("/api/v1/households", Some(&staff_token))?;
        assert_eq!(households.body["total"], 1, "{backend}");
        let export = staff
            .client
            .get(app.url("/exports/households?format=csv"))
            .send()?;
        assert_eq!(export.status().as_u16(), 200);
        assert!(export.text()?.contains("SL-001"));
    }
    Ok(())
}

#[test]
fn the_admin_reads_the_outbox_and_staff_may_not() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let admin_token = app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let employer = app.post(
            "/api/v1/employers",
            Some(&admin_token),
            &serde_json::json!({"name": "Công ty Giày da", "tax_code": "5500333555", "kind": "company", "contact_name": "Lê Văn Tám", "contact_email": "tuyendung@giayda.vn"}),
        )?;
        let employer_id = employer.body["id"].as_str().ok_or("employer")?;
        let vacancy = app.post(
            "/api/v1/vacancies",
            Some(&admin_token),
            &serde_json::json!({"employer_id": employer_id, "title": "Công nhân may", "occupation_code": "8153", "positions": 3, "commune_code": "03646", "status": "open"}),
        )?;
        let worker = app.post(
            "/api/v1/workers",
            Some(&admin_token),
            &worker_body("014195000999", "03646"),
        )?;
        let referral = app.post(
            "/api/v1/referrals",
            Some(&admin_token),
            &serde_json::json!({"vacancy_id": vacancy.body["id"], "worker_id": worker.body["id"], "status": "referred"}),
        )?;
        assert_eq!(referral.status, 201, "{backend}: {:?}", referral.body);

        let mut admin = Visitor::new(&app)?;
        admin.sign_in("quantri@example.vn")?;
        let outbox = admin.get("/admin/outbox")?;
        assert_eq!(outbox.status, 200, "{backend}");
        assert!(
            outbox.html.contains("Giới thiệu ứng viên mới")
                && outbox.html.contains("tuyendung@giayda.vn"),
            "{backend}: {}",
            outbox.html
        );
        assert!(
            outbox.html.contains("href=\"/admin/outbox\""),
            "the admin's navigation has the outbox"
        );
        let mut staff = Visitor::new(&app)?;
        staff.sign_in("canbo@example.vn")?;
        assert_eq!(staff.get("/admin/outbox")?.status, 403, "{backend}");

        // The reports page offers each half-year; a download is the workbook itself.
        let reports = staff.get("/reports")?;
        assert!(
            reports.html.contains("href=\"/reports/2025-H2.xlsx\""),
            "{backend}"
        );
        let workbook = staff.client.get(app.url("/reports/2025-H2.xlsx")).send()?;
        assert_eq!(workbook.status().as_u16(), 200, "{backend}");
        assert!(workbook.bytes()?.starts_with(b"PK"));

        // The employer turns the candidate down with a structured reason.
        app.sign_in_as(
            "tuyendung@giayda.vn",
            "employer",
            Link::Employer(employer_id.to_owned()),
        )?;
        let mut employer = Visitor::new(&app)?;
        employer.sign_in("tuyendung@giayda.vn")?;
        let portal = employer.get("/employer")?;
        assert!(
            !portal.html.contains("014195000999"),
            "{backend}: no CCCD for employers"
        );
        let referral_id = referral.body["id"].as_str().ok_or("referral")?;
        let answered = employer.post(
            &format!("/employer/referrals/{referral_id}"),
            &[("status", "rejected"), ("rejection_reason", "wage")],
        )?;
        assert_eq!(answered.status, 303, "{backend}: {}", answered.html);
        let stored = app.get(
            &format!("/api/v1/referrals/{referral_id}"),
            Some(&admin_token),
        )?;
        assert_eq!(stored.body["status"], "rejected", "{backend}");
        assert_eq!(stored.body["rejection_reason"], "wage");
        // Answering again is refused on the page, in Vietnamese, with a 422.
        let again = employer.post(
            &format!("/employer/referrals/{referral_id}"),
            &[("status", "hired")],
        )?;
        assert_eq!(again.status, 422, "{backend}");
        assert!(again.html.contains("class=\"alert\""));
    }
    Ok(())
}

#[test]
fn staff_refer_someone_off_the_ranked_list_only_with_the_reason() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = crate::helpers::spawn_app(db)?;
        let staff_token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let vacancy_id = &tea_picking_vacancy(&app, &staff_token, Some((18, 40)))?;
        // Fifty-six: past the vacancy's ages, so not among the ranked candidates.
        let mut body = worker_body("014170000888", "03646");
        body["full_name"] = "Hà Văn Thắm".into();
        body["birth_date"] = "1970-01-15".into();
        app.post("/api/v1/workers", Some(&staff_token), &body)?;
        app.search.sync()?;

        let mut visitor = Visitor::new(&app)?;
        visitor.sign_in("canbo@example.vn")?;
        let page = visitor.get(&format!("/vacancies/{vacancy_id}"))?;
        assert!(
            page.html
                .contains("Giới thiệu người ngoài danh sách xếp hạng"),
            "{backend}"
        );
        assert!(!page.html.contains("Hà Văn Thắm"), "{backend}: not ranked");

        let without = visitor.post(
            &format!("/vacancies/{vacancy_id}/refer"),
            &[("national_id", "014170000888")],
        )?;
        assert_eq!(without.status, 422, "{backend}");
        assert!(
            without
                .html
                .contains("Người này không nằm trong 20 người được xếp hạng cao nhất"),
            "{backend}: {}",
            without.html
        );
        let unknown = visitor.post(
            &format!("/vacancies/{vacancy_id}/refer"),
            &[
                ("national_id", "014170000999"),
                ("override_reason", "Tự đến"),
            ],
        )?;
        assert_eq!(unknown.status, 422, "{backend}");
        let referrals = app.get(
            &format!("/api/v1/referrals?vacancy_id={vacancy_id}"),
            Some(&staff_token),
        )?;
        assert_eq!(
            referrals.body,
            serde_json::json!([]),
            "{backend}: nothing written"
        );

        let with = visitor.post(
            &format!("/vacancies/{vacancy_id}/refer"),
            &[
                ("national_id", "014170000888"),
                ("override_reason", "Hái chè lâu năm, chủ hợp tác xã đề nghị"),
            ],
        )?;
        assert_eq!(with.status, 303, "{backend}: {}", with.html);
        let page = visitor.get(&format!("/vacancies/{vacancy_id}"))?;
        assert!(
            page.html
                .contains("Ngoài danh sách, lý do: Hái chè lâu năm, chủ hợp tác xã đề nghị"),
            "{backend}"
        );
    }
    Ok(())
}
