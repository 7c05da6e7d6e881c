//! Texts over SMPP 3.4 to a real SMSC on loopback (the smpp34 package's server, driven by
//! `tests/support/smsc_sink.py`): a hire's text arrives intact in GSM-7 and in UCS-2 and its
//! receipt marks it delivered; an SMSC down then up gets it once; replies from the handset
//! record follow-ups, land on the officer's list, stop texts; the throughput limit holds.
//! `KETNOI_TEST_PYTHON` names a Python with smpp34 (`.ci/run` sets it); without it the tests
//! look for `python3` with smpp34 and skip, saying so, when there is none.

use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use ketnoi::db::DbConn;
use ketnoi::db::schema::{follow_ups, outbox, sms_inbox, workers};
use ketnoi::domain::sms::Encoding;
use ketnoi::mail::smpp::SmppConfig;
use ketnoi::mail::sms_transport::SmsSettings;
use ketnoi::mail::{MailSettings, Transport, deliver_due};
use serde_json::{Value, json};

use crate::helpers::{Link, PythonServer, TestApp, TestResult, spawn_app, test_dbs, worker_body};

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

fn sink_python() -> Option<String> {
    crate::helpers::test_python("smpp34", "SMPP")
}

fn free_port() -> Fallible<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A running SMSC; stops when dropped.
struct Smsc {
    server: PythonServer,
}

impl Smsc {
    fn start(python: &str, port: u16) -> Fallible<Smsc> {
        Ok(Smsc {
            server: PythonServer::start(python, "smsc_sink.py", port)?,
        })
    }

    /// A command on its standard input, once it has been carried out.
    fn command(&mut self, line: &str) -> Fallible<()> {
        let stdin = self.server.stdin.as_mut().ok_or("no stdin")?;
        writeln!(stdin, "{line}")?;
        stdin.flush()?;
        let mut done = String::new();
        self.server.stdout.read_line(&mut done)?;
        Ok(())
    }

    /// A text from a handset to the bound client.
    fn text_from(&mut self, number: &str, text: &str) -> Fallible<()> {
        self.command(&format!("mo {number} KETNOI {text}"))
    }

    fn lines(&self, name: &str) -> Vec<Value> {
        std::fs::read_to_string(self.server.folder.path().join(name))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    fn submits(&self) -> Vec<Value> {
        self.lines("submits.jsonl")
    }

    fn binds(&self) -> usize {
        self.lines("binds.jsonl").len()
    }
}

/// SMPP settings to `port`; the link starts keeping what the SMSC delivers in `app`'s database.
fn smpp_settings(app: &TestApp, port: u16, encoding: Encoding, tps: u32) -> Fallible<MailSettings> {
    let config = SmppConfig::parse(&format!(
        "smpp://ketnoi:secret@127.0.0.1:{port}?source=KETNOI&tps={tps}&window=4"
    ))?;
    let (transport, _) = Transport::memory();
    let mail = MailSettings::new(
        transport,
        "Kết nối việc làm <khong-tra-loi@ketnoi.example.vn>",
        8,
        1,
        1,
        "https://vieclam.sonla.example.vn",
    )?
    .with_sms(SmsSettings::smpp(config, encoding));
    let (pool, _) = ketnoi::startup::build_pool(&app.db.settings())?;
    mail.sms.start(ketnoi::mail::inbound::sink(pool))?;
    Ok(mail)
}

/// Waits (up to 30 s) until `ready` holds.
fn wait_for(what: &str, mut ready: impl FnMut() -> Fallible<bool>) -> Fallible<()> {
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until {
        if ready()? {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("waited in vain for {what}").into())
}

/// Waits until the link has bound `binds` times in all, then delivers what is due by `now`
/// (a day on, past any retry's wait): how many went.
fn deliver_once_bound(
    connection: &mut DbConn,
    mail: &MailSettings,
    smsc: &Smsc,
    binds: usize,
) -> Fallible<usize> {
    wait_for("the link to bind", || Ok(smsc.binds() >= binds))?;
    let now = ketnoi::accounts::now() + chrono::Duration::days(1);
    Ok(deliver_due(connection, mail, now)?.sent)
}

/// The text of a submitted part: after the part header when there is one, by data coding.
fn part_text(submit: &Value) -> Fallible<(String, bool)> {
    let hex = submit["short_message"].as_str().ok_or("short_message")?;
    let mut bytes = (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16))
        .collect::<Result<Vec<u8>, _>>()?;
    let concatenated = submit["esm_class"].as_u64().unwrap_or(0) & 0x40 != 0;
    if concatenated {
        let header = usize::from(bytes[0]) + 1;
        bytes.drain(..header);
    }
    let text = match submit["data_coding"].as_u64() {
        Some(8) => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16(&units)?
        }
        _ => {
            // Letters, digits, spaces and this punctuation are the same septets as ASCII.
            assert!(bytes.iter().all(|byte| *byte < 0x80), "{bytes:?}");
            String::from_utf8(bytes)?
        }
    };
    Ok((text, concatenated))
}

fn hire_text_receipt(connection: &mut DbConn) -> QueryResult<Vec<(String, Option<String>)>> {
    outbox::table
        .filter(outbox::channel.eq("sms"))
        .filter(outbox::template.eq("hire_confirmation"))
        .select((outbox::status, outbox::receipt))
        .load(connection)
}

#[test]
fn a_hire_arrives_intact_in_gsm_and_ucs2_and_its_receipt_marks_it_delivered() -> TestResult {
    let Some(python) = sink_python() else {
        return Ok(());
    };
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "admin", Link::None)?;
        let mut connection = app.db.migrated()?;
        let port = free_port()?;
        let smsc = Smsc::start(&python, port)?;
        let place = crate::sms::vacancy(&app, &staff, 2)?;
        let referral = crate::sms::refer(&app, &staff, "014195000031", &place)?;
        assert_eq!(crate::sms::hire(&app, &staff, &referral)?, 200, "{backend}");

        let mail = smpp_settings(&app, port, Encoding::Gsm7, 50)?;
        // The text (the worker's e-mail goes its own way).
        assert!(
            deliver_once_bound(&mut connection, &mail, &smsc, 1)? >= 1,
            "{backend}"
        );
        let submits = smsc.submits();
        assert_eq!(submits.len(), 1, "{backend}: {submits:?}");
        let submit = &submits[0];
        assert_eq!(submit["system_id"], "ketnoi", "{backend}");
        assert_eq!(submit["source"], "KETNOI", "{backend}");
        assert_eq!(submit["destination"], "84912345678", "{backend}");
        assert_eq!(submit["data_coding"], 0, "{backend}");
        assert_eq!(
            submit["registered_delivery"].as_u64().map(|r| r & 1),
            Some(1)
        );
        let (text, concatenated) = part_text(submit)?;
        assert!(!concatenated, "{backend}");
        assert!(
            text.starts_with(
                "Chuc mung! Ban duoc nhan lam Cong nhan hai che, Hop tac xa Che Ta Xua"
            ),
            "{backend}: {text}"
        );
        // The SMSC's receipt, kept by the link, marks the text delivered.
        wait_for("the receipt", || {
            Ok(hire_text_receipt(&mut connection)?
                == [("sent".to_owned(), Some("delivered".to_owned()))])
        })?;
        let listed = app.get("/api/v1/outbox?template=hire_confirmation", Some(&staff))?;
        assert_eq!(listed.status, 200, "{backend}: {}", listed.body);
        let texts: Vec<&Value> = listed.body["items"]
            .as_array()
            .ok_or("outbox")?
            .iter()
            .filter(|row| row["channel"] == "sms")
            .collect();
        assert_eq!(texts.len(), 1, "{backend}");
        assert_eq!(texts[0]["receipt"], "delivered", "{backend}");
        drop(mail);

        // With diacritics: UCS-2, in concatenated parts when it is longer than one.
        let second = crate::sms::refer(&app, &staff, "014195000032", &place)?;
        diesel::update(workers::table.filter(workers::national_id.eq("014195000032")))
            .set(workers::phone.eq("0987000032"))
            .execute(&mut connection)?;
        assert_eq!(crate::sms::hire(&app, &staff, &second)?, 200, "{backend}");
        let mail = smpp_settings(&app, port, Encoding::Ucs2, 50)?;
        assert!(
            deliver_once_bound(&mut connection, &mail, &smsc, 2)? >= 1,
            "{backend}"
        );
        let parts: Vec<(String, bool)> = smsc
            .submits()
            .iter()
            .filter(|submit| submit["destination"] == "84987000032")
            .map(part_text)
            .collect::<Fallible<_>>()?;
        assert!(parts.len() > 1, "{backend}: {parts:?}");
        assert!(
            parts.iter().all(|(_, concatenated)| *concatenated),
            "{backend}"
        );
        let whole: String = parts.into_iter().map(|(text, _)| text).collect();
        assert!(
            whole.starts_with(
                "Chúc mừng! Bạn được nhận làm Công nhân hái chè, Hợp tác xã Chè Tà Xùa"
            ),
            "{backend}: {whole}"
        );
        wait_for("both parts' receipts", || {
            let receipts = hire_text_receipt(&mut connection)?;
            Ok(receipts
                .iter()
                .all(|(_, receipt)| receipt.as_deref() == Some("delivered")))
        })?;
    }
    Ok(())
}

#[test]
fn an_smsc_down_then_up_gets_the_text_once_and_an_undeliverable_one_is_marked() -> TestResult {
    let Some(python) = sink_python() else {
        return Ok(());
    };
    let db = crate::helpers::sqlite_db();
    let app = spawn_app(db)?;
    let staff = app.sign_in_as("canbo@example.vn", "admin", Link::None)?;
    let mut connection = app.db.migrated()?;
    let place = crate::sms::vacancy(&app, &staff, 1)?;
    let referral = crate::sms::refer(&app, &staff, "014195000041", &place)?;
    assert_eq!(crate::sms::hire(&app, &staff, &referral)?, 200);

    // Nothing listens: the text's attempt fails and waits for its retry (the e-mail goes).
    let port = free_port()?;
    let mail = smpp_settings(&app, port, Encoding::Gsm7, 50)?;
    let now = ketnoi::accounts::now();
    let first = deliver_due(&mut connection, &mail, now)?;
    assert_eq!(first.retried, 1);
    let (status, error): (String, Option<String>) = outbox::table
        .filter(outbox::channel.eq("sms"))
        .select((outbox::status, outbox::last_error))
        .first(&mut connection)?;
    assert_eq!(status, "pending");
    assert!(error.unwrap_or_default().contains("SMSC"));

    // The SMSC comes up; the link binds again and the text goes, once.
    let mut smsc = Smsc::start(&python, port)?;
    smsc.command("undeliverable 84912345678")?;
    assert_eq!(deliver_once_bound(&mut connection, &mail, &smsc, 1)?, 1);
    let later = deliver_due(&mut connection, &mail, now + chrono::Duration::days(1))?;
    assert_eq!(later.sent + later.retried + later.failed, 0);
    assert_eq!(smsc.submits().len(), 1, "{:?}", smsc.submits());
    assert!(smsc.binds() >= 1);
    wait_for("the receipt", || {
        Ok(hire_text_receipt(&mut connection)?
            == [("sent".to_owned(), Some("undelivered".to_owned()))])
    })?;
    Ok(())
}

/// A poor household's worker, with a phone of their own; the worker's id.
fn worker_with_phone(app: &TestApp, staff: &str, n: u32, household: &str) -> Fallible<String> {
    let mut body = worker_body(&format!("0141970{n:05}"), "03649");
    body["full_name"] = format!("Lò Thị Ỏn {n}").into();
    body["phone"] = format!("09870{n:05}").into();
    body["household_id"] = household.into();
    crate::progress::id(&app.post("/api/v1/workers", Some(staff), &body)?, "worker")
}

/// Hired `months` months and two days ago: the follow-up of that month fell due two days ago.
fn hired_months_ago(
    app: &TestApp,
    staff: &str,
    vacancy: &str,
    worker: &str,
    months: u32,
) -> Fallible<String> {
    let start = ketnoi::accounts::now()
        .date()
        .checked_sub_months(chrono::Months::new(months))
        .ok_or("date")?
        - chrono::Duration::days(2);
    crate::progress::hire(app, staff, vacancy, worker, &start.to_string())
        .map(|(referral, _)| referral)
}

fn follow_up_outcomes(
    connection: &mut DbConn,
    worker: &str,
) -> QueryResult<Vec<(i32, String, String)>> {
    use ketnoi::db::schema::placements;
    follow_ups::table
        .inner_join(placements::table)
        .filter(placements::worker_id.eq(worker))
        .order(follow_ups::months_after_start)
        .select((
            follow_ups::months_after_start,
            follow_ups::outcome,
            follow_ups::source,
        ))
        .load::<(i32, ketnoi::domain::statuses::FollowUpOutcome, String)>(connection)
        .map(|rows| {
            rows.into_iter()
                .map(|(months, outcome, source)| (months, outcome.as_str().to_owned(), source))
                .collect()
        })
}

fn sustainable(app: &TestApp, token: &str) -> Fallible<i64> {
    let progress = app.get("/api/v1/progress?period=2026-2030", Some(token))?;
    crate::progress::figure(&progress.body, "household_employment")["numerator"]
        .as_i64()
        .ok_or_else(|| format!("no figure: {}", progress.body).into())
}

/// Asks the questions due, delivers them, and waits until the SMSC has `count` submits.
fn ask_and_send(
    connection: &mut DbConn,
    mail: &MailSettings,
    smsc: &Smsc,
    count: usize,
) -> Fallible<()> {
    let now = ketnoi::accounts::now();
    ketnoi::mail::events::ask_due_follow_ups(connection, now)?;
    deliver_due(connection, mail, now)?;
    wait_for("the questions", || Ok(smsc.submits().len() >= count))
}

/// A text from `number`, kept by the link, then read as the server's pass reads it.
fn reply(connection: &mut DbConn, smsc: &mut Smsc, number: &str, text: &str) -> Fallible<()> {
    let before: i64 = sms_inbox::table.count().get_result(connection)?;
    smsc.text_from(number, text)?;
    wait_for("the reply", || {
        Ok(sms_inbox::table.count().get_result::<i64>(connection)? > before)
    })?;
    ketnoi::hiring::sms_replies::read_replies(connection, ketnoi::accounts::now())?;
    Ok(())
}

#[test]
fn replies_record_follow_ups_reach_the_officer_and_stop_texts() -> TestResult {
    let Some(python) = sink_python() else {
        return Ok(());
    };
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "admin", Link::None)?;
        let mut connection = app.db.migrated()?;
        let port = free_port()?;
        let mut smsc = Smsc::start(&python, port)?;
        let mail = smpp_settings(&app, port, Encoding::Gsm7, 50)?;
        wait_for("the link to bind", || Ok(smsc.binds() >= 1))?;
        let vacancy = crate::sms::vacancy(&app, &staff, 3)?;
        let mut people = Vec::new();
        for n in 1..=3 {
            let household =
                crate::progress::household(&app, &staff, &format!("HN-SMS-{n}"), "03649", "poor")?;
            people.push(worker_with_phone(&app, &staff, n, &household)?);
        }
        app.search.sync()?;
        // The first started six months ago, the others three: each has one follow-up that fell
        // due two days ago (the first's 3-month one, months overdue, is the officer's to chase).
        hired_months_ago(&app, &staff, &vacancy, &people[0], 6)?;
        hired_months_ago(&app, &staff, &vacancy, &people[1], 3)?;
        let third_hire = hired_months_ago(&app, &staff, &vacancy, &people[2], 3)?;
        // The hires' own texts go first.
        let now = ketnoi::accounts::now();
        deliver_due(&mut connection, &mail, now)?;
        wait_for("the hires' texts", || Ok(smsc.submits().len() >= 3))?;
        let before = sustainable(&app, &staff)?;

        // One question each, for the follow-up just due.
        ask_and_send(&mut connection, &mail, &smsc, 6)?;
        let questions: Vec<String> = smsc.submits()[3..]
            .iter()
            .map(|submit| part_text(submit).map(|(text, _)| text))
            .collect::<Fallible<_>>()?;
        assert!(
            questions.len() == 3
                && questions.iter().all(|text| text.starts_with(
                    "Ket noi viec lam: Ban con lam viec tai Hop tac xa Che Ta Xua khong? Tra loi 1"
                )),
            "{backend}: {questions:?}"
        );

        // 1: still employed at six months, which counts the household's sustainable employment.
        reply(&mut connection, &mut smsc, "84987000001", " 1 ")?;
        let first = follow_up_outcomes(&mut connection, &people[0])?;
        assert_eq!(
            &first[..2],
            [
                (3, "pending".to_owned(), "staff".to_owned()),
                (6, "still_employed".to_owned(), "sms".to_owned())
            ],
            "{backend}"
        );
        assert_eq!(sustainable(&app, &staff)?, before + 1, "{backend}");
        // Nothing more is asked of them now; a second 1 answers nothing and stays in the inbox.
        ask_and_send(&mut connection, &mail, &smsc, 6)?;
        assert_eq!(smsc.submits().len(), 6, "{backend}");
        reply(&mut connection, &mut smsc, "84987000001", "1")?;
        assert_eq!(
            follow_up_outcomes(&mut connection, &people[0])?,
            first,
            "{backend}"
        );

        // 2: left.
        reply(&mut connection, &mut smsc, "84987000002", "2")?;
        let second = follow_up_outcomes(&mut connection, &people[1])?;
        assert_eq!(
            second[0],
            (3, "left".to_owned(), "sms".to_owned()),
            "{backend}"
        );

        // abc: on the officer's follow-up list with its text.
        reply(&mut connection, &mut smsc, "84987000003", "abc")?;
        let listed = app.get("/api/v1/follow-ups?overdue=true&limit=200", Some(&staff))?;
        let unclear: Vec<&Value> = listed
            .body
            .as_array()
            .ok_or("follow-ups")?
            .iter()
            .filter(|item| item["unclear_reply"] == "abc")
            .collect();
        assert_eq!(unclear.len(), 1, "{backend}: {}", listed.body);
        assert_eq!(unclear[0]["months_after_start"], 3, "{backend}");
        let third = follow_up_outcomes(&mut connection, &people[2])?;
        assert_eq!(third[0].1, "pending", "{backend}");

        // HUY: texts to that number stop; the officer's next text is refused.
        reply(&mut connection, &mut smsc, "84987000003", "Huỷ")?;
        let stopped: Option<chrono::NaiveDate> = workers::table
            .find(&people[2])
            .select(workers::sms_stopped_on)
            .first(&mut connection)?;
        assert_eq!(stopped, Some(ketnoi::accounts::now().date()), "{backend}");
        let refused = app.post(
            &format!("/api/v1/workers/{}/messages", people[2]),
            Some(&staff),
            &json!({"text": "Chị Ỏn ơi, mai đến trung tâm nhé."}),
        )?;
        assert_eq!(refused.status, 422, "{backend}: {}", refused.body);
        let submitted = smsc.submits().len();
        ketnoi::mail::events::ask_due_follow_ups(&mut connection, ketnoi::accounts::now())?;
        deliver_due(&mut connection, &mail, ketnoi::accounts::now())?;
        assert!(
            smsc.submits()
                .iter()
                .skip(submitted)
                .all(|submit| submit["destination"] != "84987000003"),
            "{backend}"
        );

        // Anything else, from anyone, lands in the inbox the officer reads.
        reply(
            &mut connection,
            &mut smsc,
            "84911222333",
            "Cho hỏi việc làm ở Mai Sơn",
        )?;
        let inbox = app.get("/api/v1/sms/inbox", Some(&staff))?;
        assert_eq!(inbox.status, 200, "{backend}: {}", inbox.body);
        let bodies: Vec<&str> = inbox
            .body
            .as_array()
            .ok_or("inbox")?
            .iter()
            .filter_map(|item| item["body"].as_str())
            .collect();
        assert!(
            bodies.contains(&"Cho hỏi việc làm ở Mai Sơn"),
            "{backend}: {bodies:?}"
        );
        assert!(bodies.contains(&"abc"), "{backend}: {bodies:?}");
        // And in the browser: the unclear answer on the follow-up, the texts in the inbox.
        let mut officer = crate::pages::Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let follow_ups_page = officer.get("/follow-ups")?;
        assert!(follow_ups_page.html.contains("«abc»"), "{backend}");
        let all = officer.get("/follow-ups?all=1")?;
        assert!(all.html.contains("Trả lời qua tin nhắn"), "{backend}");
        let inbox_page = officer.get("/sms/inbox")?;
        assert!(
            inbox_page.html.contains("Cho hỏi việc làm ở Mai Sơn")
                && inbox_page.html.contains("Ngừng nhận tin nhắn"),
            "{backend}"
        );
        // A hire withdrawn takes its pending follow-ups, the one answered unclearly too; the
        // text stays in the inbox.
        let withdrawn = app.patch(
            &format!("/api/v1/referrals/{third_hire}"),
            Some(&staff),
            &json!({"status": "withdrawn", "reason": "Ghi nhầm"}),
        )?;
        assert_eq!(withdrawn.status, 200, "{backend}: {}", withdrawn.body);
    }
    Ok(())
}

#[test]
fn the_throughput_limit_holds() -> TestResult {
    let Some(python) = sink_python() else {
        return Ok(());
    };
    let app = spawn_app(crate::helpers::sqlite_db())?;
    let staff = app.sign_in_as("canbo@example.vn", "admin", Link::None)?;
    let mut connection = app.db.migrated()?;
    let worker = crate::progress::id(
        &app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000051", "03649"),
        )?,
        "worker",
    )?;
    for n in 0..8 {
        let sent = app.post(
            &format!("/api/v1/workers/{worker}/messages"),
            Some(&staff),
            &json!({"text": format!("Tin nhắn số {n}")}),
        )?;
        assert_eq!(sent.status, 202, "{}", sent.body);
    }
    let port = free_port()?;
    let smsc = Smsc::start(&python, port)?;
    let mail = smpp_settings(&app, port, Encoding::Gsm7, 5)?;
    assert_eq!(deliver_once_bound(&mut connection, &mail, &smsc, 1)?, 8);
    let arrivals: Vec<f64> = smsc
        .submits()
        .iter()
        .filter_map(|submit| submit["at"].as_f64())
        .collect();
    assert_eq!(arrivals.len(), 8);
    // Five a second: eight parts are spread over at least 7/5 s (a slow machine only spreads
    // them further); 1.2 s leaves room for the timing of the first and last alone.
    let span = arrivals.iter().copied().fold(f64::MIN, f64::max)
        - arrivals.iter().copied().fold(f64::MAX, f64::min);
    assert!(span >= 1.2, "{span} s for 8 texts at 5 a second");
    Ok(())
}
