//! Signing in, out, and the throttle on failed sign-ins.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{Link, PASSWORD, TestResult, client, spawn_app, sqlite_db, test_dbs};

#[test]
fn a_token_opens_the_api_until_logout_revokes_it() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        assert_eq!(
            app.get("/api/v1/workers", Some(&token))?.status,
            200,
            "{backend}"
        );
        assert_eq!(app.get("/api/v1/workers", None)?.status, 401, "{backend}");
        assert_eq!(
            app.get("/api/v1/workers", Some("not-a-token"))?.status,
            401,
            "{backend}"
        );

        let wrong = app.post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({ "email": "canbo@example.vn", "password": "sai mật khẩu" }),
        )?;
        assert_eq!(wrong.status, 401, "{backend}");
        assert_eq!(wrong.headers["content-type"], "application/problem+json");
        assert_eq!(wrong.body["title"], "Chưa đăng nhập");

        let logout = client()
            .post(app.url("/api/v1/auth/logout"))
            .bearer_auth(&token)
            .send()?;
        assert_eq!(logout.status(), 204, "{backend}");
        assert_eq!(
            app.get("/api/v1/workers", Some(&token))?.status,
            401,
            "{backend}: a revoked token still works"
        );
        // E-mail is matched however it is typed.
        let again = app.login(" CanBo@Example.VN ", PASSWORD)?;

        // A token revoked by another process sharing the database (here: by hand), or whose
        // login is deactivated there, stops working within a second: the server trusts what
        // it read of a token for a second at most.
        assert_eq!(app.get("/api/v1/workers", Some(&again))?.status, 200);
        {
            use diesel::prelude::*;
            use ketnoi::db::schema::{api_tokens, users};
            let mut connection = app.db.migrated()?;
            diesel::update(users::table.filter(users::email.eq("canbo@example.vn")))
                .set(users::active.eq(false))
                .execute(&mut connection)?;
            std::thread::sleep(
                ketnoi::accounts::token_cache::TTL + std::time::Duration::from_millis(100),
            );
            assert_eq!(
                app.get("/api/v1/workers", Some(&again))?.status,
                401,
                "{backend}: a deactivated login still works"
            );
            diesel::update(users::table.filter(users::email.eq("canbo@example.vn")))
                .set(users::active.eq(true))
                .execute(&mut connection)?;
            assert_eq!(app.get("/api/v1/workers", Some(&again))?.status, 200);
            diesel::update(api_tokens::table)
                .set(api_tokens::revoked_at.eq(Some(ketnoi::accounts::now())))
                .execute(&mut connection)?;
            std::thread::sleep(
                ketnoi::accounts::token_cache::TTL + std::time::Duration::from_millis(100),
            );
            assert_eq!(
                app.get("/api/v1/workers", Some(&again))?.status,
                401,
                "{backend}: a token revoked elsewhere still works"
            );
        }
    }
    Ok(())
}

#[test]
fn repeated_failures_are_throttled_even_with_the_right_password() -> TestResult {
    let app = spawn_app(sqlite_db())?;
    app.sign_in_as("admin@example.vn", "admin", Link::None)?;
    for _ in 0..5 {
        let answer = app.post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({ "email": "admin@example.vn", "password": "wrong password" }),
        )?;
        assert_eq!(answer.status, 401);
    }
    let answer = app.post(
        "/api/v1/auth/login",
        None,
        &serde_json::json!({ "email": "admin@example.vn", "password": PASSWORD }),
    )?;
    assert_eq!(answer.status, 429);
    assert!(answer.headers.contains_key("retry-after"));
    Ok(())
}

#[test]
fn user_create_reads_the_password_from_stdin() -> TestResult {
    let db = sqlite_db();
    let run =
        |password: &str, email: &str| -> Result<std::process::Output, Box<dyn std::error::Error>> {
            let mut child = Command::new(env!("CARGO_BIN_EXE_ketnoi"))
                .env("DATABASE_URL", db.raw_url())
                .env("RUST_LOG", "warn")
                .args([
                    "user",
                    "create",
                    "--email",
                    email,
                    "--role",
                    "staff",
                    "--area",
                    "127",
                    "--password-stdin",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()?;
            child
                .stdin
                .take()
                .ok_or("stdin")?
                .write_all(format!("{password}\n").as_bytes())?;
            Ok(child.wait_with_output()?)
        };
    let output = run("ngắn", "a@example.vn")?;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 10 characters"));

    let output = run(PASSWORD, "b@example.vn")?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let app = spawn_app(db)?;
    assert!(app.login("b@example.vn", PASSWORD).is_ok());
    Ok(())
}
