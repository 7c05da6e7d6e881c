//! Guessing: passwords across servers and behind proxies, and the public form as an oracle for
//! who is registered.

use crate::helpers::{
    Link, PASSWORD, TestResult, client, spawn_app, tea_course, test_dbs, worker_body,
};

fn login_from(
    address: &str,
    forwarded_for: Option<&str>,
    email: &str,
    password: &str,
) -> Result<u16, Box<dyn std::error::Error>> {
    let mut request = client()
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}));
    if let Some(client_address) = forwarded_for {
        request = request.header("x-forwarded-for", client_address);
    }
    Ok(request.send()?.status().as_u16())
}

#[test]
fn the_sign_in_throttle_stops_the_guesser_not_the_bystanders_and_counts_across_servers()
-> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let proxies = ketnoi::proxies::TrustedProxies::parse("127.0.0.1")?;
        let app = crate::helpers::spawn_app_with(db, proxies.clone())?;
        app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        app.sign_in_as("hoa@example.vn", "staff", Link::None)?;
        let second = app.sibling_with(proxies)?;
        let unproxied = app.sibling()?;
        let guesser = Some("203.0.113.7");
        // Five wrong passwords from one address, spread over two servers.
        for attempt in 0..5 {
            let server = if attempt % 2 == 0 {
                &app.address
            } else {
                &second
            };
            assert_eq!(
                login_from(server, guesser, "canbo@example.vn", "sai mật khẩu")?,
                401,
                "{backend}"
            );
        }
        for server in [&app.address, &second] {
            assert_eq!(
                login_from(server, guesser, "canbo@example.vn", PASSWORD)?,
                429,
                "{backend}: the guesser is stopped on every server, even with the password"
            );
        }
        assert_eq!(
            login_from(&second, guesser, "hoa@example.vn", PASSWORD)?,
            200,
            "{backend}: another account from the same address"
        );
        assert_eq!(
            login_from(
                &app.address,
                Some("198.51.100.20"),
                "canbo@example.vn",
                PASSWORD
            )?,
            200,
            "{backend}: the account's owner from elsewhere"
        );
        // Without a trusted proxy the header is the client's own word and is ignored: a server
        // that trusts none sees 127.0.0.1, which has not failed.
        assert_eq!(
            login_from(
                &unproxied,
                Some("203.0.113.7"),
                "canbo@example.vn",
                PASSWORD
            )?,
            200,
            "{backend}"
        );
    }
    Ok(())
}

#[test]
fn the_public_form_answers_alike_for_any_cccd_and_is_throttled() -> TestResult {
    use crate::pages::Visitor;
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let course = tea_course(&app, &staff, 30)?;
        // Registered, born 1995-04-12.
        app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000051", "03646"),
        )?;
        let form = |national_id: &'static str, born: &'static str| {
            [
                ("full_name", "Hà Văn Thắm"),
                ("national_id", national_id),
                ("birth_date", born),
                ("gender", "male"),
                ("ethnicity_code", "03"),
                ("phone", "0966111333"),
                ("commune_code", "03646"),
            ]
        };
        let path = format!("/courses/{course}/enrol");
        let mut visitor = Visitor::new(&app)?;
        visitor.get(&path)?;
        let answers: Vec<(u16, bool)> = [
            form("014195000051", "1990-01-01"), // registered, wrong birth date
            form("014195000052", "1990-01-01"), // nobody
            form("014195000051", "1995-04-12"), // registered, right birth date
        ]
        .iter()
        .map(|fields| {
            visitor
                .post(&path, fields)
                .map(|page| (page.status, page.html.contains("id=\"enrolled\"")))
        })
        .collect::<Result<_, _>>()?;
        assert_eq!(
            answers,
            [(200, true); 3],
            "{backend}: the same answer for each"
        );
        // Missing fields are named whether or not the CCCD is registered.
        let mut registered_no_name = form("014195000051", "1995-04-12");
        registered_no_name[0] = ("full_name", "");
        let unnamed = visitor.post(&path, &registered_no_name)?;
        assert_eq!(unnamed.status, 422, "{backend}");

        // Staff see the application whose birth date did not agree, marked.
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let page = officer.get(&format!("/courses/{course}"))?;
        assert_eq!(
            page.html.matches("identity-unconfirmed").count(),
            1,
            "{backend}: {}",
            page.html
        );

        // Trying birth dates for one CCCD is stopped after a few, from anywhere.
        let mut guesser = Visitor::new(&app)?;
        guesser.get(&path)?;
        let mut statuses = Vec::new();
        for day in 1..=4 {
            let born = ["1995-04-01", "1995-04-02", "1995-04-03", "1995-04-04"][day - 1];
            statuses.push(guesser.post(&path, &form("014195000051", born))?.status);
        }
        assert_eq!(
            statuses,
            [200, 200, 429, 429],
            "{backend}: five a day per CCCD"
        );
        let stopped = guesser.post(&path, &form("014195000051", "1995-04-12"))?;
        assert!(stopped.html.contains("quá nhiều lượt đăng ký"), "{backend}");
    }
    Ok(())
}
