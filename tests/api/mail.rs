//! E-mail through the outbox, delivered to a real SMTP server (aiosmtpd, `tests/support/
//! smtp_sink.py`) on loopback. `KETNOI_TEST_PYTHON` names a Python with aiosmtpd (`.ci/run`
//! sets it); without it the SMTP tests look for `python3` with aiosmtpd and skip, saying so,
//! when there is none.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use ketnoi::db::DbConn;
use ketnoi::db::schema::{outbox, users};
use ketnoi::domain::sms::Encoding;
use ketnoi::i18n::Lang;
use ketnoi::mail::messages::{Message, ReferralNew};
use ketnoi::mail::outbox::{Extras, OutboxRow};
use ketnoi::mail::sms_transport::SmsSettings;
use ketnoi::mail::{MailSettings, Transport, deliver_due, digest, outbox as queue};
use mail_parser::{MessageParser, MimeHeaders};

use crate::helpers::{
    Link, PythonServer, TestApp, TestResult, spawn_app, sqlite_db, test_dbs, worker_body,
};

const FROM: &str = "Kết nối việc làm <khong-tra-loi@ketnoi.local>";

/// A running `smtp_sink.py`; stops when dropped.
struct SmtpSink {
    server: PythonServer,
}

/// One message as the server received it.
struct Received {
    recipients: String,
    bytes: Vec<u8>,
}

fn sink_python() -> Option<String> {
    crate::helpers::test_python("aiosmtpd", "SMTP")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

impl SmtpSink {
    fn start(python: &str, port: u16) -> Result<SmtpSink, Box<dyn std::error::Error>> {
        Ok(SmtpSink {
            server: PythonServer::start(python, "smtp_sink.py", port)?,
        })
    }

    fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.server.folder.path())
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .into_iter()
            .map(|path| Received {
                recipients: std::fs::read_to_string(path.with_extension("rcpt"))
                    .unwrap_or_default(),
                bytes: std::fs::read(&path).unwrap_or_default(),
            })
            .collect()
    }
}

fn settings(transport: Transport, max_attempts: i32) -> MailSettings {
    MailSettings::new(
        transport,
        FROM,
        max_attempts,
        60,
        1,
        "https://vieclam.sonla.example.vn",
    )
    .expect("mail settings")
    .with_sms(SmsSettings::memory(Encoding::Gsm7).0)
}

fn smtp_settings(port: u16, max_attempts: i32) -> MailSettings {
    let transport = Transport::configure(
        Some(&format!("smtp://127.0.0.1:{port}")),
        Path::new("unused"),
    )
    .expect("smtp transport");
    settings(transport, max_attempts)
}

/// The e-mails queued (texts are looked at in the SMS tests).
fn rows(connection: &mut DbConn) -> Vec<OutboxRow> {
    outbox::table
        .filter(outbox::channel.eq("email"))
        .order(outbox::id)
        .select(OutboxRow::as_select())
        .load(connection)
        .expect("outbox rows")
}

fn now() -> NaiveDateTime {
    ketnoi::accounts::now()
}

/// Staff token, a worker (Lò Thị Ỏn) who shares her profile, an employer with `contact_email`
/// and one of its vacancies.
struct World {
    staff: String,
    worker: String,
    vacancy: String,
}

fn world(
    app: &TestApp,
    contact_email: &str,
    positions: i64,
) -> Result<World, Box<dyn std::error::Error>> {
    let staff = app.sign_in_as("canbo@example.vn", "admin", Link::None)?;
    let mut body = worker_body("014195000001", "03649");
    body["consent_to_share"] = true.into();
    let worker = app.post("/api/v1/workers", Some(&staff), &body)?;
    let employer = app.post(
        "/api/v1/employers",
        Some(&staff),
        &serde_json::json!({
            "name": "Công ty May Sơn La",
            "tax_code": "5500777666",
            "kind": "company",
            "commune_code": "03649",
            "address": "Tổ 3, phường Chiềng Lề",
            "contact_name": "Nguyễn Thị Hoa",
            "contact_email": contact_email,
            "contact_phone": "0987654321"
        }),
    )?;
    let vacancy = app.post(
        "/api/v1/vacancies",
        Some(&staff),
        &serde_json::json!({
            "employer_id": employer.body["id"],
            "title": "Công nhân may công nghiệp",
            "occupation_code": "8153",
            "positions": positions,
            "commune_code": "03649",
            "min_age": 18,
            "max_age": 45
        }),
    )?;
    app.search.sync()?;
    Ok(World {
        staff,
        worker: worker.body["id"].as_str().ok_or("worker")?.to_owned(),
        vacancy: vacancy.body["id"].as_str().ok_or("vacancy")?.to_owned(),
    })
}

fn refer(app: &TestApp, world: &World, worker: &str) -> Result<String, Box<dyn std::error::Error>> {
    let referred = app.post(
        "/api/v1/referrals",
        Some(&world.staff),
        &serde_json::json!({"vacancy_id": world.vacancy, "worker_id": worker}),
    )?;
    if referred.status != 201 {
        return Err(format!("referral: {} {:?}", referred.status, referred.body).into());
    }
    Ok(referred.body["id"].as_str().ok_or("id")?.to_owned())
}

/// A running app where a referral has just queued its employer's message (`id`).
fn one_referral(
    db: crate::helpers::TestDb,
    contact_email: &str,
) -> Result<(TestApp, World, DbConn, String), Box<dyn std::error::Error>> {
    let app = spawn_app(db)?;
    let world = world(&app, contact_email, 2)?;
    let mut connection = app.db.migrated()?;
    refer(&app, &world, &world.worker)?;
    let id = rows(&mut connection)
        .first()
        .map(|row| row.id.clone())
        .ok_or("nothing queued")?;
    Ok((app, world, connection, id))
}

/// Every header line is 7-bit: non-ASCII text travels as RFC 2047 encoded words.
fn headers_are_ascii(bytes: &[u8]) -> bool {
    let end = bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    bytes[..end].is_ascii()
}

#[test]
fn a_referral_sends_one_message_whose_vietnamese_subject_arrives_intact() -> TestResult {
    let Some(python) = sink_python() else {
        return Ok(());
    };
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let world = world(&app, "tuyendung@maysonla.vn", 2)?;
        let mut connection = app.db.migrated()?;
        refer(&app, &world, &world.worker)?;

        let queued = rows(&mut connection);
        assert_eq!(queued.len(), 1, "{backend}: one message for one referral");
        let row = &queued[0];
        assert_eq!(row.template, "referral_new");
        assert_eq!(row.recipient, "tuyendung@maysonla.vn");
        assert_eq!(row.status, "pending");

        let port = free_port();
        let sink = SmtpSink::start(&python, port)?;
        let mail = smtp_settings(port, 8);
        let done = deliver_due(&mut connection, &mail, now())?;
        assert_eq!(done.sent, 1, "{backend}");

        let received = sink.received();
        assert_eq!(received.len(), 1, "{backend}");
        assert_eq!(received[0].recipients.trim(), "tuyendung@maysonla.vn");
        assert!(headers_are_ascii(&received[0].bytes), "{backend}");
        let message = MessageParser::default()
            .parse(&received[0].bytes)
            .ok_or("unparsable mail")?;
        assert_eq!(
            message.subject(),
            Some("Giới thiệu ứng viên: Lò Thị Ỏn cho vị trí Công nhân may công nghiệp"),
            "{backend}"
        );
        assert_eq!(
            message.message_id(),
            Some(format!("{}@ketnoi.local", row.id).as_str())
        );
        let from = message.from().and_then(|from| from.first()).ok_or("from")?;
        assert_eq!(from.name(), Some("Kết nối việc làm"));
        let text = message.body_text(0).ok_or("no text part")?;
        assert!(text.contains("Kính gửi Công ty May Sơn La"), "{text}");
        assert!(text.contains("Lò Thị Ỏn"), "{text}");
        assert!(
            text.contains("https://vieclam.sonla.example.vn/employer"),
            "{text}"
        );
        // An employer's mail never carries the worker's CCCD or phone.
        assert!(!text.contains("014195000001") && !text.contains("0912345678"));
        let html = message.body_html(0).ok_or("no html part")?;
        assert!(html.contains("<html lang=\"vi\">"), "{html}");
        assert!(html.contains("<strong>Lò Thị Ỏn</strong>"), "{html}");

        let sent = rows(&mut connection);
        assert_eq!(sent[0].status, "sent");
        assert_eq!(sent[0].attempts, 1);
        assert!(sent[0].sent_at.is_some());
        // Nothing is due any more: a second pass sends nothing.
        assert_eq!(deliver_due(&mut connection, &mail, now())?.sent, 0);
        assert_eq!(sink.received().len(), 1, "{backend}");
    }
    Ok(())
}

#[test]
fn with_the_server_down_a_message_waits_and_goes_once_it_is_back() -> TestResult {
    let Some(python) = sink_python() else {
        return Ok(());
    };
    for db in test_dbs() {
        let backend = db.backend_name();
        let (_app, _world, mut connection, id) = one_referral(db, "tuyendung@maysonla.vn")?;

        let port = free_port();
        let mail = smtp_settings(port, 8);
        let start = now();
        let first = deliver_due(&mut connection, &mail, start)?;
        assert_eq!(
            (first.sent, first.retried),
            (0, 1),
            "{backend}: nobody listens"
        );
        let waiting = rows(&mut connection).remove(0);
        assert_eq!(waiting.status, "pending");
        assert_eq!(waiting.attempts, 1);
        assert!(waiting.last_error.is_some_and(|error| !error.is_empty()));
        // A minute later (PostgreSQL keeps microseconds).
        let retry_at = (start + Duration::seconds(60)).and_utc().timestamp_micros();
        assert!((waiting.next_attempt_at.and_utc().timestamp_micros() - retry_at).abs() <= 1);
        // Not due before its time.
        assert_eq!(
            deliver_due(&mut connection, &mail, start + Duration::seconds(30))?,
            Default::default()
        );

        let sink = SmtpSink::start(&python, port)?;
        let second = deliver_due(&mut connection, &mail, start + Duration::seconds(61))?;
        assert_eq!(second.sent, 1, "{backend}");
        assert_eq!(
            deliver_due(&mut connection, &mail, start + Duration::days(1))?.sent,
            0
        );
        let received = sink.received();
        assert_eq!(received.len(), 1, "{backend}: exactly one copy");
        let message_id = |bytes: &[u8]| {
            MessageParser::default()
                .parse(bytes)
                .and_then(|message| message.message_id().map(str::to_owned))
        };
        assert_eq!(
            message_id(&received[0].bytes),
            Some(format!("{id}@ketnoi.local"))
        );
        let sent = rows(&mut connection).remove(0);
        assert_eq!((sent.status.as_str(), sent.attempts), ("sent", 2));

        // The documented at-least-once case: the server took the message but the process died
        // before marking it sent. The lease runs out and it goes again, with the same
        // Message-ID, so the reader's mail client shows one message.
        diesel::update(outbox::table.find(&id))
            .set((
                outbox::status.eq("pending"),
                outbox::sent_at.eq(None::<NaiveDateTime>),
                outbox::next_attempt_at.eq(start + Duration::seconds(61 + 600)),
            ))
            .execute(&mut connection)?;
        deliver_due(&mut connection, &mail, start + Duration::seconds(61 + 600))?;
        let again = sink.received();
        assert_eq!(again.len(), 2);
        assert_eq!(
            message_id(&again[1].bytes),
            message_id(&again[0].bytes),
            "{backend}"
        );
    }
    Ok(())
}

/// Fails every audit of a referral: the referral's transaction rolls back after its message was
/// queued.
fn break_referral_audit(connection: &mut DbConn, on: bool) -> QueryResult<()> {
    let statements: &[&str] = match (&*connection, on) {
        (DbConn::Sqlite(_), true) => &[
            "CREATE TRIGGER fail_referral_audit BEFORE INSERT ON audit_log \
             WHEN NEW.entity = 'referral' BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        ],
        (DbConn::Sqlite(_), false) => &["DROP TRIGGER fail_referral_audit"],
        #[cfg(feature = "postgres")]
        (DbConn::Pg(_), true) => &[
            "CREATE FUNCTION fail_referral_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            "CREATE TRIGGER fail_referral_audit BEFORE INSERT ON audit_log FOR EACH ROW \
             WHEN (NEW.entity = 'referral') EXECUTE FUNCTION fail_referral_audit()",
        ],
        #[cfg(feature = "postgres")]
        (DbConn::Pg(_), false) => &[
            "DROP TRIGGER fail_referral_audit ON audit_log",
            "DROP FUNCTION fail_referral_audit()",
        ],
    };
    for statement in statements {
        diesel::sql_query(*statement).execute(connection)?;
    }
    Ok(())
}

#[test]
fn a_rolled_back_event_sends_nothing() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let world = world(&app, "tuyendung@maysonla.vn", 1)?;
        let mut connection = app.db.migrated()?;

        // Queued, then the transaction fails: no row.
        let message = Message::ReferralNew(ReferralNew {
            employer_name: "Công ty May Sơn La".into(),
            vacancy_title: "Công nhân may".into(),
            worker_name: "Hà Văn Thắm".into(),
            commune: "Phường Chiềng Lề".into(),
            match_explanation: String::new(),
            note: String::new(),
            referral_id: "r".into(),
        });
        let rolled_back: Result<(), diesel::result::Error> = connection.transaction(|c| {
            let queued = queue::enqueue(
                c,
                &message,
                "tuyendung@maysonla.vn",
                Lang::Vi,
                Extras::default(),
                now(),
            )?;
            assert!(queued.is_some());
            Err(diesel::result::Error::RollbackTransaction)
        });
        assert!(rolled_back.is_err());
        assert!(rows(&mut connection).is_empty(), "{backend}");

        // Through the API: the referral fails after its message was queued.
        break_referral_audit(&mut connection, true)?;
        let failed = app.post(
            "/api/v1/referrals",
            Some(&world.staff),
            &serde_json::json!({"vacancy_id": world.vacancy, "worker_id": world.worker}),
        )?;
        assert_eq!(failed.status, 500, "{backend}: {:?}", failed.body);
        break_referral_audit(&mut connection, false)?;
        assert!(
            rows(&mut connection).is_empty(),
            "{backend}: nothing queued"
        );
        let (mail, sent) = memory_settings();
        assert_eq!(deliver_due(&mut connection, &mail, now())?.sent, 0);
        assert!(sent.lock().map_err(|_| "lock")?.is_empty());

        // A hire refused because the vacancy is full confirms nothing to its worker.
        let mut second = worker_body("014195000002", "03649");
        second["consent_to_share"] = true.into();
        second["full_name"] = "Hà Văn Thắm".into();
        second["email"] = "havantham@example.vn".into();
        let second = app.post("/api/v1/workers", Some(&world.staff), &second)?;
        let second_id = second.body["id"].as_str().ok_or("worker")?.to_owned();
        app.search.sync()?;
        let first_referral = refer(&app, &world, &world.worker)?;
        let second_referral = refer(&app, &world, &second_id)?;
        let hired = app.patch(
            &format!("/api/v1/referrals/{first_referral}"),
            Some(&world.staff),
            &serde_json::json!({"status": "hired"}),
        )?;
        assert_eq!(hired.status, 200);
        let full = app.patch(
            &format!("/api/v1/referrals/{second_referral}"),
            Some(&world.staff),
            &serde_json::json!({"status": "hired"}),
        )?;
        assert_eq!(full.status, 409);
        let hires: Vec<String> = rows(&mut connection)
            .into_iter()
            .filter(|row| row.template == "hire_confirmation")
            .map(|row| row.recipient)
            .collect();
        assert_eq!(hires, vec!["lothion@example.vn".to_owned()], "{backend}");
    }
    Ok(())
}

#[test]
fn a_refused_recipient_ends_failed_after_the_maximum_attempts_and_an_admin_retries_it() -> TestResult
{
    let Some(python) = sink_python() else {
        return Ok(());
    };
    for db in test_dbs() {
        let backend = db.backend_name();
        let (app, world, mut connection, id) = one_referral(db, "bounce@maysonla.vn")?;

        let port = free_port();
        let sink = SmtpSink::start(&python, port)?;
        let mail = smtp_settings(port, 3);
        let mut at = now();
        let mut outcomes = Vec::new();
        for _ in 0..3 {
            let done = deliver_due(&mut connection, &mail, at)?;
            outcomes.push((done.retried, done.failed));
            at += Duration::hours(1);
        }
        assert_eq!(outcomes, vec![(1, 0), (1, 0), (0, 1)], "{backend}");
        let failed = rows(&mut connection).remove(0);
        assert_eq!((failed.status.as_str(), failed.attempts), ("failed", 3));
        let error = failed.last_error.unwrap_or_default();
        assert!(error.contains("550"), "{backend}: {error}");
        assert_eq!(deliver_due(&mut connection, &mail, at)?, Default::default());
        assert!(sink.received().is_empty());

        // Admins see it, and may send it again; nobody else may.
        let listed = app.get("/api/v1/outbox?status=failed", Some(&world.staff))?;
        assert_eq!(listed.status, 200);
        assert_eq!(listed.body["items"][0]["id"], id.as_str());
        assert_eq!(listed.body["items"][0]["attempts"], 3);
        assert!(
            listed.body["items"][0]["last_error"]
                .as_str()
                .is_some_and(|error| error.contains("550"))
        );
        assert!(listed.body["items"][0].get("payload").is_none());
        let officer = app.sign_in_as("xa@example.vn", "staff", Link::None)?;
        assert_eq!(app.get("/api/v1/outbox", Some(&officer))?.status, 403);
        assert_eq!(
            app.post(
                &format!("/api/v1/outbox/{id}/retry"),
                Some(&officer),
                &serde_json::json!({})
            )?
            .status,
            403
        );
        let bad = app.get("/api/v1/outbox?status=lost", Some(&world.staff))?;
        assert_eq!(
            bad.field_errors(),
            vec![("status".into(), "invalid_choice".into())]
        );
        let retried = app.post(
            &format!("/api/v1/outbox/{id}/retry"),
            Some(&world.staff),
            &serde_json::json!({}),
        )?;
        assert_eq!(retried.status, 200, "{backend}: {:?}", retried.body);
        assert_eq!(retried.body["status"], "pending");
        assert_eq!(retried.body["attempts"], 0);
        let done = deliver_due(&mut connection, &mail, now() + Duration::seconds(5))?;
        assert_eq!(done.retried, 1, "{backend}: tried again, refused again");
        let waiting = app.post(
            &format!("/api/v1/outbox/{id}/retry"),
            Some(&world.staff),
            &serde_json::json!({}),
        )?;
        assert_eq!(
            waiting.status, 409,
            "{backend}: only a failed message is retried"
        );
        assert_eq!(
            app.post(
                "/api/v1/outbox/00000000-0000-0000-0000-000000000000/retry",
                Some(&world.staff),
                &serde_json::json!({})
            )?
            .status,
            404
        );
    }
    Ok(())
}

fn memory_settings() -> (
    MailSettings,
    std::sync::Arc<std::sync::Mutex<Vec<ketnoi::mail::transport::Sent>>>,
) {
    let (transport, sent) = Transport::memory();
    (settings(transport, 8), sent)
}

fn parsed(
    sent: &std::sync::Arc<std::sync::Mutex<Vec<ketnoi::mail::transport::Sent>>>,
) -> Vec<(String, mail_parser::Message<'static>)> {
    sent.lock()
        .map(|sent| {
            sent.iter()
                .filter_map(|sent| {
                    let recipient = sent.recipients.join(",");
                    MessageParser::default()
                        .parse(&sent.bytes)
                        .map(|message| (recipient, message.into_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn workers_and_trainees_hear_in_their_language_and_html_is_escaped() -> TestResult {
    let db = sqlite_db();
    let app = spawn_app(db)?;
    let world = world(&app, "tuyendung@maysonla.vn", 2)?;
    let mut connection = app.db.migrated()?;
    let referral = refer(&app, &world, &world.worker)?;
    let bad_time = app.patch(
        &format!("/api/v1/referrals/{referral}"),
        Some(&world.staff),
        &serde_json::json!({"status": "interview", "interview_at": "mai lúc 8 giờ"}),
    )?;
    assert_eq!(
        bad_time.field_errors(),
        vec![("interview_at".into(), "invalid_datetime".into())]
    );
    let interview = app.patch(
        &format!("/api/v1/referrals/{referral}"),
        Some(&world.staff),
        &serde_json::json!({
            "status": "interview",
            "interview_at": "2026-12-01T08:30",
            "note": "Mang theo <b>hồ sơ</b> & CCCD"
        }),
    )?;
    assert_eq!(interview.status, 200, "{:?}", interview.body);
    assert_eq!(interview.body["interview_at"], "2026-12-01T08:30:00");
    let hired = app.patch(
        &format!("/api/v1/referrals/{referral}"),
        Some(&world.staff),
        &serde_json::json!({"status": "hired", "start_date": "2026-12-07", "wage_vnd": 6_500_000}),
    )?;
    assert_eq!(hired.status, 200, "{:?}", hired.body);

    // A trainee with an English account.
    let mut trainee = worker_body("014195000003", "03649");
    trainee["full_name"] = "Hà Văn Thắm".into();
    trainee["email"] = "havantham@example.vn".into();
    let trainee = app.post("/api/v1/workers", Some(&world.staff), &trainee)?;
    let trainee_id = trainee.body["id"].as_str().ok_or("trainee")?.to_owned();
    app.sign_in_as(
        "havantham@example.vn",
        "trainee",
        Link::Worker(trainee_id.clone()),
    )?;
    diesel::update(users::table.filter(users::email.eq("havantham@example.vn")))
        .set(users::language.eq("en"))
        .execute(&mut connection)?;
    let course = app.post(
        "/api/v1/courses",
        Some(&world.staff),
        &serde_json::json!({
            "provider": "Trường Cao đẳng Sơn La",
            "title": "May công nghiệp sơ cấp",
            "leads_to": ["8153"],
            "level": "elementary",
            "commune_code": "03649",
            "starts_on": "2027-01-04",
            "ends_on": "2027-03-31",
            "capacity": 30,
            "status": "open"
        }),
    )?;
    assert_eq!(course.status, 201, "{:?}", course.body);
    let enrolled = app.post(
        &format!(
            "/api/v1/courses/{}/enrollments",
            course.body["id"].as_str().ok_or("id")?
        ),
        Some(&world.staff),
        &serde_json::json!({"worker_id": trainee_id}),
    )?;
    assert_eq!(enrolled.status, 201, "{:?}", enrolled.body);
    let confirmed = app.patch(
        &format!(
            "/api/v1/enrollments/{}",
            enrolled.body["id"].as_str().ok_or("id")?
        ),
        Some(&world.staff),
        &serde_json::json!({"status": "enrolled"}),
    )?;
    assert_eq!(confirmed.status, 200, "{:?}", confirmed.body);

    let templates: Vec<(String, String, String)> = rows(&mut connection)
        .into_iter()
        .map(|row| (row.template, row.recipient, row.language))
        .collect();
    let expected = [
        ("referral_new", "tuyendung@maysonla.vn", "vi"),
        ("interview_invitation", "lothion@example.vn", "vi"),
        ("hire_confirmation", "lothion@example.vn", "vi"),
        ("enrolment_received", "havantham@example.vn", "en"),
        ("enrolment_confirmed", "havantham@example.vn", "en"),
    ];
    assert_eq!(
        templates,
        expected
            .iter()
            .map(|(t, r, l)| (t.to_string(), r.to_string(), l.to_string()))
            .collect::<Vec<_>>()
    );

    let (mail, sent) = memory_settings();
    // The texts go in the same languages: the English trainee's in English.
    let texts: Vec<(String, String)> = outbox::table
        .filter(outbox::channel.eq("sms"))
        .order(outbox::id)
        .select((outbox::template, outbox::language))
        .load(&mut connection)?;
    assert_eq!(
        texts,
        [
            ("interview_invitation", "vi"),
            ("hire_confirmation", "vi"),
            ("enrolment_received", "en"),
            ("enrolment_confirmed", "en"),
        ]
        .map(|(template, lang)| (template.to_owned(), lang.to_owned()))
    );
    // Five e-mails and four texts: the interview, the hire and both enrolments.
    assert_eq!(deliver_due(&mut connection, &mail, now())?.sent, 9);
    let messages = parsed(&sent);
    let by_subject = |start: &str| {
        messages
            .iter()
            .find(|(_, message)| message.subject().is_some_and(|s| s.starts_with(start)))
            .map(|(_, message)| message)
    };
    let invitation = by_subject("Mời phỏng vấn: Công nhân may công nghiệp — Công ty May Sơn La")
        .ok_or("no invitation")?;
    let text = invitation.body_text(0).ok_or("text")?;
    assert!(text.contains("Thời gian: 08:30 01/12/2026"), "{text}");
    assert!(text.contains("Mang theo <b>hồ sơ</b> & CCCD"), "{text}");
    assert!(text.contains("Điện thoại liên hệ: 0987654321"), "{text}");
    let html = invitation.body_html(0).ok_or("html")?;
    assert!(
        html.contains("Mang theo &#60;b&#62;hồ sơ&#60;/b&#62; &#38; CCCD")
            || html.contains("Mang theo &lt;b&gt;hồ sơ&lt;/b&gt; &amp; CCCD"),
        "{html}"
    );
    assert!(!html.contains("<b>hồ sơ</b>"));
    let hire = by_subject("Xác nhận tuyển dụng").ok_or("no hire")?;
    let text = hire.body_text(0).ok_or("text")?;
    assert!(text.contains("Ngày bắt đầu làm việc: 07/12/2026"), "{text}");
    assert!(
        text.contains("Mức lương thỏa thuận: 6.500.000 ₫/tháng"),
        "{text}"
    );
    let received = by_subject("Enrolment received: May công nghiệp sơ cấp").ok_or("no receipt")?;
    let text = received.body_text(0).ok_or("text")?;
    assert!(text.contains("Hello Hà Văn Thắm"), "{text}");
    assert!(text.contains("Starts: 04/01/2027"), "{text}");
    assert!(
        received
            .body_html(0)
            .is_some_and(|html| html.contains("<html lang=\"en\">"))
    );
    assert!(by_subject("Enrolment confirmed: May công nghiệp sơ cấp").is_some());
    for (_, message) in &messages {
        assert_eq!(
            message
                .header("Content-Language")
                .and_then(|value| value.as_text()),
            Some(
                if message
                    .subject()
                    .is_some_and(|s| s.starts_with("Enrolment"))
                {
                    "en"
                } else {
                    "vi"
                }
            )
        );
        let parts = message.text_body.len() + message.html_body.len();
        assert_eq!(parts, 2, "multipart text and HTML");
    }
    Ok(())
}

#[test]
fn the_weekly_digest_lists_overdue_follow_ups_and_stale_referrals_once_per_week() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let world = world(&app, "tuyendung@maysonla.vn", 1)?;
        let mut connection = app.db.migrated()?;
        app.sign_in_as("huyen@example.vn", "staff", Link::Area("116".into()))?;
        app.sign_in_as("muongla@example.vn", "staff", Link::Area("118".into()))?;
        let hired_referral = refer(&app, &world, &world.worker)?;
        let hired = app.patch(
            &format!("/api/v1/referrals/{hired_referral}"),
            Some(&world.staff),
            &serde_json::json!({"status": "hired", "start_date": "2025-01-10"}),
        )?;
        assert_eq!(hired.status, 200, "{:?}", hired.body);
        let mut second = worker_body("014195000002", "03649");
        second["consent_to_share"] = true.into();
        second["full_name"] = "Hà Văn Thắm".into();
        let second = app.post("/api/v1/workers", Some(&world.staff), &second)?;
        let second_id = second.body["id"].as_str().ok_or("worker")?.to_owned();
        // A second vacancy: the first is filled.
        let vacancy = app.get(
            &format!("/api/v1/vacancies/{}", world.vacancy),
            Some(&world.staff),
        )?;
        let other = app.post(
            "/api/v1/vacancies",
            Some(&world.staff),
            &serde_json::json!({
                "employer_id": vacancy.body["employer_id"],
                "title": "Thợ may mẫu",
                "occupation_code": "8153",
                "positions": 3,
                "commune_code": "03649"
            }),
        )?;
        app.search.sync()?;
        let referred = app.post(
            "/api/v1/referrals",
            Some(&world.staff),
            &serde_json::json!({"vacancy_id": other.body["id"], "worker_id": second_id}),
        )?;
        assert_eq!(referred.status, 201, "{:?}", referred.body);
        let later = now() + Duration::days(15);
        ketnoi::hiring::pipeline::sweep_unanswered(&mut connection, Default::default(), later)?;
        diesel::delete(outbox::table).execute(&mut connection)?;

        assert_eq!(digest::queue_week(&mut connection, later)?, 1, "{backend}");
        assert_eq!(
            digest::queue_week(&mut connection, later)?,
            0,
            "{backend}: once a week"
        );
        let queued = rows(&mut connection);
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].recipient, "huyen@example.vn", "{backend}");
        assert_eq!(queued[0].template, "staff_digest");

        let (mail, sent) = memory_settings();
        deliver_due(&mut connection, &mail, later)?;
        let messages = parsed(&sent);
        let subject = messages[0].1.subject().unwrap_or_default().to_owned();
        assert!(
            subject.ends_with(": 3 lượt theo dõi quá hạn, 1 giới thiệu chưa được trả lời"),
            "{backend}: {subject}"
        );
        let text = messages[0].1.body_text(0).ok_or("text")?.into_owned();
        assert!(
            text.contains("- Lò Thị Ỏn — Công ty May Sơn La, mốc 3 tháng, hạn 10/04/2025"),
            "{text}"
        );
        assert!(
            text.contains("- Hà Văn Thắm — Thợ may mẫu (Công ty May Sơn La)"),
            "{text}"
        );

        // The schedule: nothing before Monday 07:00 in Vietnam, then once.
        let next_monday = {
            let local = (later + Duration::hours(7)).date();
            let days = 7 - i64::from(chrono::Datelike::weekday(&local).num_days_from_monday());
            local + Duration::days(days)
        };
        let monday_7_local_in_utc = next_monday.and_hms_opt(0, 0, 0).ok_or("time")?;
        let mut schedule = digest::Schedule::default();
        assert_eq!(
            schedule.run_if_due(
                &mut connection,
                monday_7_local_in_utc - Duration::minutes(1)
            )?,
            0
        );
        assert_eq!(
            schedule.run_if_due(&mut connection, monday_7_local_in_utc)?,
            1
        );
        assert_eq!(
            schedule.run_if_due(&mut connection, monday_7_local_in_utc + Duration::hours(3))?,
            0
        );
        let mut another_server = digest::Schedule::default();
        assert_eq!(
            another_server
                .run_if_due(&mut connection, monday_7_local_in_utc + Duration::hours(1))?,
            0,
            "{backend}: another server queues no second copy"
        );
    }
    Ok(())
}

#[test]
fn the_report_goes_as_an_attachment_to_each_address() -> TestResult {
    for db in test_dbs() {
        report_mail(db)?;
    }
    Ok(())
}

fn report_mail(db: crate::helpers::TestDb) -> TestResult {
    let app = spawn_app(db)?;
    let admin = app.sign_in_as("so@example.vn", "admin", Link::None)?;
    let mut connection = app.db.migrated()?;
    let bad = app.post(
        "/api/v1/reports/2021-2025/mail",
        Some(&admin),
        &serde_json::json!({"to": ["khong-phai-email"], "format": "pdf"}),
    )?;
    assert_eq!(bad.status, 422);
    let mut errors = bad.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("format".into(), "invalid_choice".into()),
            ("to".into(), "invalid_email".into())
        ]
    );
    let none = app.post(
        "/api/v1/reports/2021-2025/mail",
        Some(&admin),
        &serde_json::json!({"to": []}),
    )?;
    assert_eq!(none.field_errors(), vec![("to".into(), "required".into())]);
    let trainee = app.sign_in_as("hocvien@example.vn", "trainee", Link::None)?;
    assert_eq!(
        app.post(
            "/api/v1/reports/2021-2025/mail",
            Some(&trainee),
            &serde_json::json!({"to": ["so@example.vn"]})
        )?
        .status,
        403
    );
    assert!(rows(&mut connection).is_empty());

    let queued = app.post(
        "/api/v1/reports/2021-2025/mail",
        Some(&admin),
        &serde_json::json!({"to": ["vanphong@sonla.gov.vn", "Ldtbxh@SonLa.gov.vn"]}),
    )?;
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    assert_eq!(queued.body["messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(queued.body["attachment_name"], "bao-cao-2021-2025.xlsx");

    let (mail, sent) = memory_settings();
    assert_eq!(deliver_due(&mut connection, &mail, now())?.sent, 2);
    let messages = parsed(&sent);
    let recipients: Vec<&str> = messages.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(
        recipients,
        vec!["vanphong@sonla.gov.vn", "ldtbxh@sonla.gov.vn"]
    );
    let message = &messages[0].1;
    assert_eq!(
        message.subject(),
        Some("Báo cáo kết quả kết nối việc làm kỳ 2021-2025")
    );
    let text = message.body_text(0).ok_or("text")?;
    assert!(text.contains("0 / chỉ tiêu 100.000 người"), "{text}");
    let attachment = message.attachment(0).ok_or("no attachment")?;
    assert_eq!(attachment.attachment_name(), Some("bao-cao-2021-2025.xlsx"));
    let bytes = attachment.contents().to_vec();
    let workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))?;
    assert!(calamine::Reader::sheet_names(&workbook).contains(&"Chỉ tiêu".to_owned()));
    Ok(())
}

#[test]
fn without_a_relay_messages_are_eml_files_named_by_their_outbox_id() -> TestResult {
    let db = sqlite_db();
    let app = spawn_app(db)?;
    let world = world(&app, "tuyendung@maysonla.vn", 2)?;
    let mut connection = app.db.migrated()?;
    refer(&app, &world, &world.worker)?;
    let id = rows(&mut connection)[0].id.clone();
    let folder = tempfile::tempdir()?;
    let outbox_dir = folder.path().join("data/outbox");
    let mail = settings(Transport::configure(None, &outbox_dir)?, 8);
    assert_eq!(deliver_due(&mut connection, &mail, now())?.sent, 1);
    let file = outbox_dir.join(format!("{id}.eml"));
    let bytes = std::fs::read(&file)?;
    let message = MessageParser::default().parse(&bytes).ok_or("eml")?;
    assert_eq!(
        message.message_id(),
        Some(format!("{id}@ketnoi.local").as_str())
    );
    // A resend (the at-least-once case) rewrites the same file.
    diesel::update(outbox::table.find(&id))
        .set((
            outbox::status.eq("pending"),
            outbox::sent_at.eq(None::<NaiveDateTime>),
        ))
        .execute(&mut connection)?;
    deliver_due(&mut connection, &mail, now() + Duration::hours(1))?;
    let files = std::fs::read_dir(&outbox_dir)?.count();
    assert_eq!(files, 1);
    Ok(())
}

#[test]
fn the_background_sender_delivers_a_referral_within_seconds() -> TestResult {
    let Some(python) = sink_python() else {
        return Ok(());
    };
    let db = sqlite_db();
    let (pool, _) = ketnoi::startup::build_pool(&db.settings())?;
    let app = spawn_app(db)?;
    let world = world(&app, "tuyendung@maysonla.vn", 2)?;
    let port = free_port();
    let sink = SmtpSink::start(&python, port)?;
    let sender =
        ketnoi::mail::sender::spawn(pool, std::sync::Arc::new(smtp_settings(port, 8)), None)?;
    refer(&app, &world, &world.worker)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sink.received().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    sender.stop();
    assert_eq!(sink.received().len(), 1);
    let mut connection = app.db.migrated()?;
    // Marked after the server took it: wait for the mark, not for time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while rows(&mut connection)[0].status != "sent" && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(rows(&mut connection)[0].status, "sent");
    Ok(())
}

#[test]
fn a_shortlist_mails_no_one_and_needs_consent_before_it_reaches_the_employer() -> TestResult {
    let db = sqlite_db();
    let app = spawn_app(db)?;
    let world = world(&app, "tuyendung@maysonla.vn", 2)?;
    let mut connection = app.db.migrated()?;
    let mut private = worker_body("014195000004", "03649");
    private["full_name"] = "Hà Văn Thắm".into();
    private["consent_to_share"] = false.into();
    let private = app.post("/api/v1/workers", Some(&world.staff), &private)?;
    app.search.sync()?;
    let shortlisted = app.post(
        "/api/v1/referrals",
        Some(&world.staff),
        &serde_json::json!({
            "vacancy_id": world.vacancy,
            "worker_id": private.body["id"],
            "status": "shortlisted",
            // Without consent they are on no ranked list: choosing them is an override.
            "override_reason": "Chờ người lao động đồng ý chia sẻ hồ sơ"
        }),
    )?;
    assert_eq!(shortlisted.status, 201, "{:?}", shortlisted.body);
    assert!(
        rows(&mut connection).is_empty(),
        "a shortlist is staff-only"
    );
    let referred = app.patch(
        &format!(
            "/api/v1/referrals/{}",
            shortlisted.body["id"].as_str().ok_or("id")?
        ),
        Some(&world.staff),
        &serde_json::json!({"status": "referred"}),
    )?;
    assert_eq!(
        referred.field_errors(),
        vec![("status".into(), "no_consent".into())]
    );
    assert!(rows(&mut connection).is_empty());
    Ok(())
}

/// Every message in both languages, rendered from a fixed payload and composed as it would be
/// sent: the decoded subject, text and HTML are kept as snapshots (`tests/api/snapshots/`), so
/// a change of wording or layout shows in review.
#[test]
fn every_message_renders_as_its_snapshot_in_both_languages() -> TestResult {
    use ketnoi::mail::messages::*;
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let messages = [
        Message::ReferralNew(ReferralNew {
            employer_name: "Công ty May Sơn La".into(),
            vacancy_title: "Công nhân may công nghiệp".into(),
            worker_name: "Lò Thị Ỏn".into(),
            commune: "Phường Chiềng Lề".into(),
            match_explanation: "cùng nghề 8153; cách 3 km; hộ nghèo được ưu tiên".into(),
            note: "Chị Ỏn đã học may sơ cấp <2025>".into(),
            referral_id: "0193a5b0-0000-7000-8000-000000000001".into(),
        }),
        Message::InterviewInvitation(Interview {
            worker_name: "Lò Thị Ỏn".into(),
            employer_name: "Công ty May Sơn La".into(),
            employer_phone: "0987654321".into(),
            vacancy_title: "Công nhân may công nghiệp".into(),
            interview_at: day(2026, 12, 1).and_hms_opt(8, 30, 0),
            place: "Phường Chiềng Lề".into(),
            note: "Mang theo hồ sơ & CCCD".into(),
        }),
        Message::HireConfirmation(Hire {
            worker_name: "Lò Thị Ỏn".into(),
            employer_name: "Công ty May Sơn La".into(),
            employer_phone: "0987654321".into(),
            vacancy_title: "Công nhân may công nghiệp".into(),
            start_date: day(2026, 12, 7),
            wage_vnd: Some(6_500_000),
            place: "Phường Chiềng Lề".into(),
        }),
        Message::EnrollmentReceived(Enrollment {
            worker_name: "Hà Văn Thắm".into(),
            course_title: "May công nghiệp sơ cấp".into(),
            provider: "Trường Cao đẳng Sơn La".into(),
            starts_on: Some(day(2027, 1, 4)),
            ends_on: Some(day(2027, 3, 31)),
            place: "Phường Chiềng Lề".into(),
        }),
        Message::EnrollmentConfirmed(Enrollment {
            worker_name: "Hà Văn Thắm".into(),
            course_title: "May công nghiệp sơ cấp".into(),
            provider: "Trường Cao đẳng Sơn La".into(),
            starts_on: Some(day(2027, 1, 4)),
            ends_on: None,
            place: String::new(),
        }),
        Message::StaffDigest(Digest {
            week: "2026-W48".into(),
            week_starts_on: day(2026, 11, 23),
            area: "Thành phố Sơn La".into(),
            overdue_total: 3,
            overdue: vec![DigestFollowUp {
                worker_name: "Lò Thị Ỏn".into(),
                employer_name: "Công ty May Sơn La".into(),
                months_after_start: 3,
                due_on: day(2025, 4, 10),
            }],
            stale_total: 1,
            stale: vec![DigestReferral {
                worker_name: "Hà Văn Thắm".into(),
                vacancy_title: "Thợ may mẫu".into(),
                employer_name: "Công ty May Sơn La".into(),
                referred_on: day(2026, 11, 2),
            }],
        }),
        Message::ProgressReport(ProgressReport {
            period: "2025-H1".into(),
            as_of: day(2025, 7, 15),
            attachment_name: "bao-cao-2025-H1.xlsx".into(),
            targets: vec![
                ReportLine {
                    description: "Người lao động được kết nối việc làm".into(),
                    unit: "persons".into(),
                    target: 100_000.0,
                    actual: 61_234.0,
                    percent: 61.234,
                },
                ReportLine {
                    description: "Tỷ lệ thuộc hộ nghèo, cận nghèo".into(),
                    unit: "percent".into(),
                    target: 50.0,
                    actual: 56.25,
                    percent: 112.5,
                },
            ],
        }),
    ];
    let (mail, _) = memory_settings();
    let created_at = day(2026, 11, 27).and_hms_opt(3, 0, 0).ok_or("time")?;
    for message in &messages {
        for lang in [Lang::Vi, Lang::En] {
            let row = OutboxRow {
                id: "0193a5b0-0000-7000-8000-0000000000aa".into(),
                template: message.template().into(),
                recipient: "nguoinhan@example.vn".into(),
                language: lang.code().into(),
                payload: message.payload()?,
                status: "pending".into(),
                attempts: 0,
                next_attempt_at: created_at,
                last_error: None,
                sent_at: None,
                created_at,
                dedupe_key: None,
                attachment_name: None,
                attachment: None,
                attachment_type: None,
                channel: "email".into(),
            };
            let bytes = ketnoi::mail::sender::compose(&row, &mail)?.formatted();
            assert!(headers_are_ascii(&bytes));
            let parsed = MessageParser::default().parse(&bytes).ok_or("parse")?;
            let shown = format!(
                "Subject: {}\nDate: {}\nMessage-ID: {}\nContent-Language: {}\n\n{}\n----- html -----\n{}",
                parsed.subject().unwrap_or_default(),
                parsed
                    .date()
                    .map(|date| date.to_rfc3339())
                    .unwrap_or_default(),
                parsed.message_id().unwrap_or_default(),
                parsed
                    .header("Content-Language")
                    .and_then(|value| value.as_text())
                    .unwrap_or_default(),
                parsed.body_text(0).unwrap_or_default(),
                parsed.body_html(0).unwrap_or_default(),
            );
            insta::assert_snapshot!(format!("{}_{}", message.template(), lang.code()), shown);
        }
    }
    Ok(())
}
