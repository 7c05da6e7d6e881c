//! A trainee makes their own login from the course catalogue with the CCCD, birth date and
//! phone the job centre holds: linked to their record when the details agree, unlinked when
//! the CCCD is not registered (their first application links it), nothing when the record
//! disagrees or already has a login, and the same answer every time.

use diesel::prelude::*;
use ketnoi::db::schema::{audit_log, users};

use crate::helpers::{Link, TestResult, spawn_app, test_dbs, worker_body};
use crate::pages::Visitor;
use crate::progress::id;

const PASSWORD: &str = "mật khẩu dài đủ";

#[test]
fn a_trainee_signs_up_from_the_catalogue() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        // Registered by the job centre with her phone written with spaces.
        let mut body = worker_body("014196077001", "03649");
        body["phone"] = "0912 345 678".into();
        let registered = id(&app.post("/api/v1/workers", Some(&staff), &body)?, "worker")?;
        let mut connection = app.db.migrated()?;
        let logins = |connection: &mut ketnoi::db::DbConn| -> QueryResult<i64> {
            users::table.count().get_result(connection)
        };
        let before = logins(&mut connection)?;

        let mut visitor = Visitor::new(&app)?;
        let catalogue = visitor.get("/courses")?;
        assert!(
            catalogue.html.contains("href=\"/trainee/signup\""),
            "{backend}"
        );
        let form = visitor.get("/trainee/signup")?;
        assert_eq!(form.status, 200, "{backend}");

        // The form's own mistakes are refused beside their fields; nothing is made.
        let refused = visitor.post(
            "/trainee/signup",
            &[
                ("national_id", "01419607700"),
                ("birth_date", "2099-01-01"),
                ("phone", ""),
                ("email", "lothion.example.vn"),
                ("password", "abc12"),
            ],
        )?;
        assert_eq!(refused.status, 422, "{backend}");
        for field in ["national_id", "birth_date", "phone", "email", "password"] {
            assert!(
                refused.html.contains(&format!("id=\"{field}-error\"")),
                "{backend}: {field}: {}",
                refused.html
            );
        }
        assert!(
            !refused.html.contains("abc12"),
            "the password is not shown again"
        );
        assert_eq!(logins(&mut connection)?, before, "{backend}");

        let sign_up = |visitor: &mut Visitor, cccd: &str, born: &str, phone: &str, email: &str| {
            visitor.get("/trainee/signup")?;
            visitor.post(
                "/trainee/signup",
                &[
                    ("national_id", cccd),
                    ("birth_date", born),
                    ("phone", phone),
                    ("email", email),
                    ("password", PASSWORD),
                ],
            )
        };
        let linked_to = |connection: &mut ketnoi::db::DbConn, email: &str| {
            users::table
                .filter(users::email.eq(email))
                .select((users::role, users::worker_id))
                .first::<(String, Option<String>)>(connection)
                .optional()
        };

        // The details agree with her record (the phone in another spelling): linked.
        let done = sign_up(
            &mut visitor,
            "014196077001",
            "1995-04-12",
            "+84912345678",
            "on@example.vn",
        )?;
        assert_eq!(
            (done.status, done.location.as_str()),
            (303, "/trainee/signup/received"),
            "{backend}: {}",
            done.html
        );
        assert_eq!(
            linked_to(&mut connection, "on@example.vn")?,
            Some(("trainee".to_owned(), Some(registered.clone()))),
            "{backend}"
        );
        let token = app.login("on@example.vn", PASSWORD)?;
        let own = app.get(&format!("/api/v1/workers/{registered}"), Some(&token))?;
        assert_eq!(own.status, 200, "{backend}: a trainee reads her own record");
        let audited: i64 = audit_log::table
            .filter(audit_log::entity.eq("user"))
            .filter(audit_log::action.eq("create"))
            .count()
            .get_result(&mut connection)?;
        assert_eq!(audited, 1, "{backend}");

        // Answered alike, nothing made: a birth date that disagrees, and a second login for
        // the same person.
        for (born, email) in [
            ("1995-04-13", "khac@example.vn"),
            ("1995-04-12", "lan-hai@example.vn"),
        ] {
            let alike = sign_up(&mut visitor, "014196077001", born, "0912345678", email)?;
            assert_eq!(
                (alike.status, alike.location.as_str()),
                (303, "/trainee/signup/received"),
                "{backend}"
            );
            assert_eq!(
                linked_to(&mut connection, email)?,
                None,
                "{backend}: {email}"
            );
        }

        // A CCCD the centre does not hold: a login without a record, which her first
        // application links.
        let new = sign_up(
            &mut visitor,
            "014196077099",
            "2001-09-30",
            "0987 654 321",
            "moi@example.vn",
        )?;
        assert_eq!(new.status, 303, "{backend}");
        assert_eq!(
            linked_to(&mut connection, "moi@example.vn")?,
            Some(("trainee".to_owned(), None)),
            "{backend}"
        );
        let received = visitor.get("/trainee/signup/received")?;
        assert!(
            received.html.contains("id=\"trainee-signup-received\""),
            "{backend}"
        );
    }
    Ok(())
}
