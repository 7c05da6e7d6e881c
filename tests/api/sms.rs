//! Text messages beside e-mail: a worker with a phone gets the hire by text, queued with the
//! hire (nothing when it is refused), sent as one GSM part without diacritics by default or
//! with them in UCS-2 parts when configured; a worker who chose e-mail only gets no text, one
//! who chose nothing gets neither.

use diesel::prelude::*;
use ketnoi::db::DbConn;
use ketnoi::db::schema::{outbox, workers};
use ketnoi::domain::sms::{Encoding, units};
use ketnoi::mail::sms_transport::{SentSms, SmsSettings};
use ketnoi::mail::{MailSettings, Transport, deliver_due};
use serde_json::json;

use crate::helpers::{Link, TestApp, TestResult, spawn_app, test_dbs, worker_body};

fn texts(connection: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    outbox::table
        .filter(outbox::channel.eq("sms"))
        .order(outbox::id)
        .select((outbox::template, outbox::recipient))
        .load(connection)
}

/// The texts a memory transport took.
type Taken = std::sync::Arc<std::sync::Mutex<Vec<SentSms>>>;

fn settings(encoding: Encoding) -> Result<(MailSettings, Taken), Box<dyn std::error::Error>> {
    let (sms, sent) = SmsSettings::memory(encoding);
    let (transport, _) = Transport::memory();
    let mail = MailSettings::new(
        transport,
        "Kết nối việc làm <khong-tra-loi@ketnoi.example.vn>",
        8,
        60,
        1,
        "https://vieclam.sonla.example.vn",
    )?
    .with_sms(sms);
    Ok((mail, sent))
}

/// A worker referred to a vacancy; the referral's id.
pub(crate) fn refer(
    app: &TestApp,
    staff: &str,
    national_id: &str,
    vacancy: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut body = worker_body(national_id, "03649");
    body["full_name"] = "Hà Văn Thắm".into();
    let worker = app.post("/api/v1/workers", Some(staff), &body)?;
    app.search.sync()?;
    let referral = app.post(
        "/api/v1/referrals",
        Some(staff),
        &json!({"vacancy_id": vacancy, "worker_id": worker.body["id"]}),
    )?;
    if referral.status != 201 {
        return Err(format!("referral: {} {}", referral.status, referral.body).into());
    }
    Ok(referral.body["id"].as_str().ok_or("referral")?.to_owned())
}

/// Moves a referral to hired; the answer's status.
pub(crate) fn hire(
    app: &TestApp,
    staff: &str,
    referral: &str,
) -> Result<u16, Box<dyn std::error::Error>> {
    let moved = app.patch(
        &format!("/api/v1/referrals/{referral}"),
        Some(staff),
        &json!({"status": "hired", "start_date": "2027-01-04"}),
    )?;
    Ok(moved.status)
}

pub(crate) fn vacancy(
    app: &TestApp,
    staff: &str,
    positions: i64,
) -> Result<String, Box<dyn std::error::Error>> {
    let employer = app.post(
        "/api/v1/employers",
        Some(staff),
        &json!({"name": "Hợp tác xã Chè Tà Xùa", "tax_code": format!("55001{positions:05}"),
            "kind": "cooperative", "contact_name": "Mùa A Chư", "contact_phone": "0987654321"}),
    )?;
    let vacancy = app.post(
        "/api/v1/vacancies",
        Some(staff),
        &json!({"employer_id": employer.body["id"], "title": "Công nhân hái chè",
            "occupation_code": "6112", "positions": positions, "commune_code": "03649",
            "work_place": "Xã Tà Xùa", "status": "open"}),
    )?;
    Ok(vacancy.body["id"].as_str().ok_or("vacancy")?.to_owned())
}

#[test]
fn a_hire_is_texted_once_in_gsm_or_ucs2_and_as_the_worker_chose() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "admin", Link::None)?;
        let mut connection = app.db.migrated()?;
        let one_place = vacancy(&app, &staff, 1)?;
        let first = refer(&app, &staff, "014195000011", &one_place)?;
        let second = refer(&app, &staff, "014195000012", &one_place)?;
        assert_eq!(hire(&app, &staff, &first)?, 200, "{backend}");
        // The vacancy is full: the second hire is refused, and no text is queued for it.
        assert_eq!(hire(&app, &staff, &second)?, 409, "{backend}");
        let queued = texts(&mut connection)?;
        assert_eq!(
            queued,
            [("hire_confirmation".to_owned(), "0912345678".to_owned())],
            "{backend}"
        );

        let (mail, sent) = settings(Encoding::Gsm7)?;
        let done = deliver_due(&mut connection, &mail, ketnoi::accounts::now())?;
        assert_eq!(done.failed, 0, "{backend}");
        let texts_sent = sent.lock().map_err(|_| "lock")?.clone();
        assert_eq!(texts_sent.len(), 1, "{backend}");
        let text = &texts_sent[0];
        assert_eq!(text.to, "84912345678", "{backend}");
        assert_eq!(text.parts.len(), 1, "{backend}: {:?}", text.parts);
        assert!(
            text.parts[0].starts_with("Chuc mung! Ban duoc nhan lam Cong nhan hai che, Hop tac xa Che Ta Xua, tu 04/01/2027 tai Xa Ta Xua."),
            "{backend}: {}",
            text.parts[0]
        );
        assert!(!text.parts[0].contains("014195"), "{backend}: no CCCD");
        // Sent once: a second pass has nothing to send.
        assert_eq!(
            deliver_due(&mut connection, &mail, ketnoi::accounts::now())?.sent,
            0
        );

        // Sent again with diacritics (as if configured so): UCS-2 parts of at most 67 units that join back to the text.
        diesel::update(outbox::table.filter(outbox::channel.eq("sms")))
            .set((
                outbox::status.eq("pending"),
                outbox::sent_at.eq(None::<chrono::NaiveDateTime>),
                outbox::next_attempt_at.eq(ketnoi::accounts::now()),
            ))
            .execute(&mut connection)?;
        let (mail, sent) = settings(Encoding::Ucs2)?;
        deliver_due(&mut connection, &mail, ketnoi::accounts::now())?;
        let texts_sent = sent.lock().map_err(|_| "lock")?.clone();
        let parts = &texts_sent[0].parts;
        assert!(parts.len() > 1, "{backend}: {parts:?}");
        assert!(
            parts.iter().all(|part| units(part, Encoding::Ucs2) <= 67),
            "{backend}"
        );
        assert!(
            parts.concat().starts_with(
                "Chúc mừng! Bạn được nhận làm Công nhân hái chè, Hợp tác xã Chè Tà Xùa"
            ),
            "{backend}: {parts:?}"
        );

        // A worker who chose e-mail only gets no text; one who chose nothing, no e-mail either.
        let two_places = vacancy(&app, &staff, 2)?;
        for (cccd, channel) in [("014195000013", "email"), ("014195000014", "none")] {
            let referral = refer(&app, &staff, cccd, &two_places)?;
            let id: String = workers::table
                .filter(workers::national_id.eq(cccd))
                .select(workers::id)
                .first(&mut connection)?;
            let wrong = app.patch(
                &format!("/api/v1/workers/{id}"),
                Some(&staff),
                &json!({"message_channel": "pigeon"}),
            )?;
            assert_eq!(
                wrong.field_errors(),
                [("message_channel".to_owned(), "invalid_choice".to_owned())],
                "{backend}"
            );
            let chosen = app.patch(
                &format!("/api/v1/workers/{id}"),
                Some(&staff),
                &json!({"message_channel": channel}),
            )?;
            assert_eq!(chosen.body["message_channel"], channel, "{backend}");
            assert_eq!(hire(&app, &staff, &referral)?, 200, "{backend}");
        }
        assert_eq!(texts(&mut connection)?.len(), 1, "{backend}: no new text");
        let hire_mails: i64 = outbox::table
            .filter(outbox::channel.eq("email"))
            .filter(outbox::template.eq("hire_confirmation"))
            .count()
            .get_result(&mut connection)?;
        assert_eq!(
            hire_mails, 2,
            "{backend}: the first hire and the e-mail-only worker"
        );
    }
    Ok(())
}

/// An officer texts one worker from the API and from the worker's page: queued, audited,
/// delivered folded; refused beside the field with no text, too long a text, or for a worker
/// who takes no texts; not for an employer.
#[test]
fn an_officer_texts_a_worker_in_their_own_words() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let mut connection = app.db.migrated()?;
        let worker = app.post(
            "/api/v1/workers",
            Some(&staff),
            &worker_body("014195000021", "03649"),
        )?;
        let worker = worker.body["id"].as_str().ok_or("worker")?.to_owned();
        let path = format!("/api/v1/workers/{worker}/messages");
        let sent = app.post(
            &path,
            Some(&staff),
            &json!({"text": "Chị Ỏn ơi, thứ Hai mang hồ sơ đến trung tâm nhé."}),
        )?;
        assert_eq!(sent.status, 202, "{backend}: {}", sent.body);
        assert_eq!(sent.body["phone"], "0912345678", "{backend}");
        for (body, code) in [
            (json!({"text": "  "}), "required"),
            (json!({"text": "a".repeat(301)}), "too_long"),
        ] {
            let refused = app.post(&path, Some(&staff), &body)?;
            assert_eq!(
                refused
                    .field_errors()
                    .first()
                    .map(|(field, _)| field.as_str()),
                Some("text"),
                "{backend}: {code}: {}",
                refused.body
            );
        }
        let employer = app.post(
            "/api/v1/employers",
            Some(&staff),
            &json!({"name": "Công ty May Sơn La", "tax_code": "5500999111", "kind": "company",
                "contact_name": "Nguyễn Thị Hoa"}),
        )?;
        let employer = app.sign_in_as(
            "tuyendung@example.vn",
            "employer",
            Link::Employer(employer.body["id"].as_str().ok_or("employer")?.to_owned()),
        )?;
        let walled = app.post(&path, Some(&employer), &json!({"text": "Xin chào"}))?;
        assert_eq!(walled.status, 403, "{backend}");

        // From the worker's page.
        let mut officer = crate::pages::Visitor::new(&app)?;
        officer.sign_in("canbo@example.vn")?;
        let page = officer.get(&format!("/workers/{worker}"))?;
        assert!(page.html.contains("id=\"send-text\""), "{backend}");
        let posted = officer.post(
            &format!("/workers/{worker}/message"),
            &[(
                "text",
                "Mai 8 giờ có phiên giao dịch việc làm ở nhà văn hóa.",
            )],
        )?;
        assert_eq!(posted.status, 303, "{backend}: {}", posted.html);

        // A worker who chose e-mail only takes no text: refused beside the field.
        app.patch(
            &format!("/api/v1/workers/{worker}"),
            Some(&staff),
            &json!({"message_channel": "email"}),
        )?;
        officer.get(&format!("/workers/{worker}"))?;
        let refused = officer.post(
            &format!("/workers/{worker}/message"),
            &[("text", "Xin chào")],
        )?;
        assert_eq!(refused.status, 422, "{backend}");
        assert!(refused.html.contains("id=\"text-error\""), "{backend}");

        let queued: Vec<(String, String)> = outbox::table
            .filter(outbox::template.eq("officer_message"))
            .order(outbox::id)
            .select((outbox::channel, outbox::recipient))
            .load(&mut connection)?;
        assert_eq!(queued.len(), 2, "{backend}: {queued:?}");
        assert!(
            queued
                .iter()
                .all(|(channel, to)| channel == "sms" && to == "0912345678")
        );
        let audited = ketnoi::models::audit::for_record(&mut connection, "worker", &worker)?
            .iter()
            .filter(|(_, _, fields)| fields == "message")
            .count();
        assert_eq!(
            audited, 2,
            "{backend}: each text is on the record's history"
        );

        let (mail, sent) = settings(Encoding::Gsm7)?;
        deliver_due(&mut connection, &mail, ketnoi::accounts::now())?;
        let texts_sent = sent.lock().map_err(|_| "lock")?.clone();
        assert!(
            texts_sent
                .iter()
                .any(|text| text.parts == ["Chi On oi, thu Hai mang ho so den trung tam nhe."]),
            "{backend}: {texts_sent:?}"
        );
    }
    Ok(())
}
