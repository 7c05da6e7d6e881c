//! Logins managed in the browser, over plain HTTP on every backend: an administrator creates a
//! staff login with an area, deactivates it (its session ends at once) and gives a one-time
//! reset code that works once; everyone changes their own password; no one else opens the
//! administrators' pages.

use crate::helpers::{Link, PASSWORD, TestResult, spawn_app, test_dbs};
use crate::pages::Visitor;

fn error_beside(html: &str, field: &str) -> bool {
    html.contains(&format!("id=\"{field}-error\""))
}

/// The reset code shown once on the page.
fn shown_code(html: &str) -> Option<String> {
    let start = html.find("id=\"reset-code\"")?;
    let rest = &html[start..];
    let open = rest.find("<strong>")? + "<strong>".len();
    let close = rest[open..].find("</strong>")?;
    Some(rest[open..open + close].to_owned())
}

#[test]
fn administrators_manage_logins_and_people_reset_and_change_passwords() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        app.sign_in_as("quantri@example.vn", "admin", Link::None)?;
        let mut admin = Visitor::new(&app)?;
        admin.sign_in("quantri@example.vn")?;
        assert_eq!(admin.get("/admin/users")?.status, 200, "{backend}");

        // A bad address and a short password are refused beside their fields.
        let refused = admin.post(
            "/admin/users",
            &[
                ("email", "khong-phai-email"),
                ("role", "staff"),
                ("password", "ngan"),
            ],
        )?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(error_beside(&refused.html, "email"), "{}", refused.html);
        assert!(
            app.login("canbo.xa@example.vn", "mat-khau-ban-dau")
                .is_err()
        );
        let created = admin.post(
            "/admin/users",
            &[
                ("email", "Canbo.Xa@Example.vn"),
                ("role", "staff"),
                ("area_code", "127"),
                ("password", "mat-khau-ban-dau"),
            ],
        )?;
        assert_eq!(created.status, 303, "{backend}: {}", created.html);
        let user_page = created.location.clone();
        assert!(user_page.starts_with("/admin/users/"), "{user_page}");
        let listed = admin.get("/admin/users")?;
        assert!(
            listed.html.contains("canbo.xa@example.vn") && listed.html.contains("127"),
            "{}",
            listed.html
        );

        // The new officer signs in; deactivated, the open session ends at once.
        let token = app.login("canbo.xa@example.vn", "mat-khau-ban-dau")?;
        assert_eq!(app.get("/api/v1/workers", Some(&token))?.status, 200);
        admin.get(&user_page)?;
        let deactivated = admin.post(&user_page, &[("role", "staff"), ("area_code", "127")])?;
        assert_eq!(deactivated.status, 303, "{backend}: {}", deactivated.html);
        assert_eq!(
            app.get("/api/v1/workers", Some(&token))?.status,
            401,
            "{backend}: a deactivated login's session still works"
        );
        assert!(
            app.login("canbo.xa@example.vn", "mat-khau-ban-dau")
                .is_err()
        );
        admin.get(&user_page)?;
        admin.post(
            &user_page,
            &[("role", "staff"), ("area_code", "127"), ("active", "true")],
        )?;

        // A one-time code: a wrong one is refused, the right one works once.
        admin.get(&user_page)?;
        let issued = admin.post(&format!("{user_page}/code"), &[])?;
        let code = shown_code(&issued.html).ok_or("no code shown")?;
        assert_eq!(code.len(), 10, "{code}");
        let mut person = Visitor::new(&app)?;
        person.get("/password/code")?;
        let wrong = person.post(
            "/password/code",
            &[
                ("email", "canbo.xa@example.vn"),
                ("code", "AAAAAAAAAA"),
                ("new_password", "mat-khau-moi-123"),
            ],
        )?;
        assert_eq!(wrong.status, 422, "{backend}");
        assert!(error_beside(&wrong.html, "code"), "{}", wrong.html);
        let reset = person.post(
            "/password/code",
            &[
                ("email", "canbo.xa@example.vn"),
                ("code", &code.to_lowercase()),
                ("new_password", "mat-khau-moi-123"),
            ],
        )?;
        assert_eq!(reset.status, 200, "{backend}: {}", reset.html);
        assert!(reset.html.contains("id=\"password-changed\""));
        assert!(
            app.login("canbo.xa@example.vn", "mat-khau-ban-dau")
                .is_err()
        );
        app.login("canbo.xa@example.vn", "mat-khau-moi-123")?;
        let again = person.post(
            "/password/code",
            &[
                ("email", "canbo.xa@example.vn"),
                ("code", &code),
                ("new_password", "mat-khau-khac-456"),
            ],
        )?;
        assert_eq!(again.status, 422, "{backend}: a code worked twice");
        // Codes cannot be guessed by trying many: after ten wrong ones for a login in an hour,
        // even the right one is not tried, and nothing changes.
        admin.get(&user_page)?;
        let issued = admin.post(&format!("{user_page}/code"), &[])?;
        let fresh = shown_code(&issued.html).ok_or("no code shown")?;
        let attempt = |person: &mut Visitor, code: &str| {
            person.post(
                "/password/code",
                &[
                    ("email", "canbo.xa@example.vn"),
                    ("code", code),
                    ("new_password", "mat-khau-doan-789"),
                ],
            )
        };
        for _ in 0..8 {
            assert_eq!(attempt(&mut person, "BBBBBBBBBB")?.status, 422, "{backend}");
        }
        let throttled = attempt(&mut person, &fresh)?;
        assert_eq!(throttled.status, 429, "{backend}: {}", throttled.html);
        assert!(
            throttled.html.contains("class=\"alert\""),
            "{}",
            throttled.html
        );
        app.login("canbo.xa@example.vn", "mat-khau-moi-123")?;
        assert!(
            app.login("canbo.xa@example.vn", "mat-khau-doan-789")
                .is_err()
        );

        // Everyone changes their own password, giving the current one.
        app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut officer = Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        officer.get("/account/password")?;
        let wrong = officer.post(
            "/account/password",
            &[
                ("current_password", "khong-dung-dau"),
                ("new_password", "mat-khau-cua-toi"),
            ],
        )?;
        assert_eq!(wrong.status, 422, "{backend}");
        assert!(error_beside(&wrong.html, "current_password"));
        let changed = officer.post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "mat-khau-cua-toi"),
            ],
        )?;
        assert_eq!(changed.status, 200, "{backend}: {}", changed.html);
        app.login("canbo@example.vn", "mat-khau-cua-toi")?;
        // Only administrators open the logins.
        assert_eq!(officer.get("/admin/users")?.status, 403, "{backend}");
    }
    Ok(())
}

/// The path of the newest reset link mailed to `recipient`, read from the outbox.
fn mailed_link(
    app: &crate::helpers::TestApp,
    recipient: &str,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    use diesel::prelude::*;
    use ketnoi::db::schema::outbox;
    let mut connection = app.db.migrated()?;
    let payloads: Vec<String> = outbox::table
        .filter(outbox::template.eq("password_reset"))
        .filter(outbox::recipient.eq(recipient))
        .order(outbox::created_at)
        .select(outbox::payload)
        .load(&mut connection)?;
    Ok(payloads
        .iter()
        .filter_map(|payload| serde_json::from_str::<serde_json::Value>(payload).ok())
        .filter_map(|payload| payload["path"].as_str().map(str::to_owned))
        .collect())
}

#[test]
fn a_mailed_reset_link_works_once_and_expires() -> TestResult {
    use diesel::prelude::*;
    use ketnoi::db::schema::password_resets;
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut person = Visitor::new(&app)?;
        person.get("/password/forgot")?;
        // An address with a login and one without are answered alike; only the first is mailed.
        let known = person.post("/password/forgot", &[("email", "canbo@example.vn")])?;
        let unknown = person.post("/password/forgot", &[("email", "ai-do@example.vn")])?;
        assert_eq!((known.status, unknown.status), (200, 200), "{backend}");
        assert!(known.html.contains("id=\"password-changed\""));
        assert!(unknown.html.contains("id=\"password-changed\""));
        assert!(mailed_link(&app, "ai-do@example.vn")?.is_empty());
        let links = mailed_link(&app, "canbo@example.vn")?;
        assert_eq!(links.len(), 1, "{backend}: {links:?}");
        let link = &links[0];
        let token = link.trim_start_matches("/password/reset?token=").to_owned();

        let form = person.get(link)?;
        assert!(form.html.contains(&token), "{}", form.html);
        let reset = person.post(
            "/password/reset",
            &[("token", &token), ("new_password", "mat-khau-qua-thu")],
        )?;
        assert_eq!(reset.status, 200, "{backend}: {}", reset.html);
        app.login("canbo@example.vn", "mat-khau-qua-thu")?;
        assert!(app.login("canbo@example.vn", PASSWORD).is_err());
        let again = person.post(
            "/password/reset",
            &[("token", &token), ("new_password", "mat-khau-lan-hai")],
        )?;
        assert_eq!(again.status, 422, "{backend}: a link worked twice");

        // A link past its 30 minutes is refused.
        person.post("/password/forgot", &[("email", "canbo@example.vn")])?;
        let links = mailed_link(&app, "canbo@example.vn")?;
        let token = links
            .last()
            .ok_or("a second link")?
            .trim_start_matches("/password/reset?token=")
            .to_owned();
        let mut connection = app.db.migrated()?;
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
        diesel::update(password_resets::table)
            .set(password_resets::expires_at.eq(past))
            .execute(&mut connection)?;
        let late = person.post(
            "/password/reset",
            &[("token", &token), ("new_password", "mat-khau-qua-muon")],
        )?;
        assert_eq!(late.status, 422, "{backend}");
        assert!(late.html.contains("class=\"alert\""), "{}", late.html);

        // A fourth request within the hour is answered alike, and nothing more is sent.
        person.post("/password/forgot", &[("email", "canbo@example.vn")])?;
        let flooded = person.post("/password/forgot", &[("email", "canbo@example.vn")])?;
        assert!(flooded.html.contains("id=\"password-changed\""));
        assert_eq!(
            mailed_link(&app, "canbo@example.vn")?.len(),
            3,
            "{backend}: more than three links an hour"
        );
    }
    Ok(())
}
