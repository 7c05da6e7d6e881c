//! `ketnoi bench sms --messages N --smpp-url smpp://…`: N texts queued in the outbox of the
//! database given (use an empty one), delivered to the SMSC named through the sender and the
//! SMPP link as the server runs them, then the SMSC's receipts awaited. Prints one JSON line:
//! messages a second, and that every text went once (one part each, one SMSC id each).

use std::time::{Duration, Instant};

use diesel::prelude::*;

use crate::accounts;
use crate::config::Settings;
use crate::db::schema::{outbox, sms_parts};
use crate::domain::sms::Encoding;
use crate::i18n::Lang;
use crate::mail::messages::{Message, OfficerMessage};
use crate::mail::smpp::SmppConfig;
use crate::mail::sms_transport::SmsSettings;
use crate::mail::{MailSettings, Transport, deliver_due, outbox as queue};
use crate::startup;

pub fn run(settings: &Settings, messages: usize, smpp_url: &str) -> anyhow::Result<()> {
    let config = SmppConfig::parse(smpp_url)?;
    let (tps, window) = (config.tps, config.window);
    let mut connection = startup::open_and_migrate(settings)?;
    let (pool, _) = startup::build_pool(settings)?;
    let now = accounts::now();
    let day = now.date();
    // Distinct numbers, one text each, queued as officers queue them.
    for chunk in (0..messages).collect::<Vec<_>>().chunks(1000) {
        connection.write_transaction(|connection| {
            for n in chunk {
                let message = Message::OfficerMessage(OfficerMessage {
                    worker_name: format!("Lò Thị Ỏn {n}"),
                    text: format!("Chị Ỏn ơi, thứ Hai mang hồ sơ đến trung tâm nhé (tin {n})."),
                    written_on: day,
                });
                queue::enqueue_sms(connection, &message, &format!("098{n:07}"), Lang::Vi, now)?;
            }
            QueryResult::Ok(())
        })?;
    }
    let (transport, _) = Transport::memory();
    let mail = MailSettings::new(
        transport,
        "Ketnoi <bench@ketnoi.local>",
        8,
        60,
        1,
        "https://ketnoi.local",
    )?
    .with_sms(SmsSettings::smpp(config, Encoding::Gsm7));
    mail.sms.start(crate::mail::inbound::sink(pool))?;
    let started = Instant::now();
    let mut sent = 0;
    // Passes until every text went (the first may find the link still binding).
    while sent < messages && started.elapsed() < Duration::from_secs(3600) {
        let done = deliver_due(
            &mut connection,
            &mail,
            accounts::now() + chrono::Duration::days(1),
        )?;
        sent += done.sent;
        if done.sent == 0 {
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    // The receipts come on their own; wait for them a while.
    let waited = Instant::now();
    let delivered = loop {
        let delivered: i64 = outbox::table
            .filter(outbox::receipt.eq("delivered"))
            .count()
            .get_result(&mut connection)?;
        if delivered as usize >= messages || waited.elapsed() > Duration::from_secs(120) {
            break delivered;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let parts: i64 = sms_parts::table.count().get_result(&mut connection)?;
    let texts_with_parts: i64 = sms_parts::table
        .select(sms_parts::outbox_id)
        .distinct()
        .count()
        .get_result(&mut connection)?;
    let status_sent: i64 = outbox::table
        .filter(outbox::status.eq("sent"))
        .count()
        .get_result(&mut connection)?;
    println!(
        "{}",
        serde_json::json!({
            "bench": "sms",
            "messages": messages,
            "tps_limit": tps,
            "window": window,
            "seconds": (seconds * 100.0).round() / 100.0,
            "messages_per_second": (messages as f64 / seconds).round(),
            "sent": status_sent,
            "parts": parts,
            "texts_with_parts": texts_with_parts,
            "sent_twice": parts - texts_with_parts,
            "receipts_delivered": delivered,
        })
    );
    Ok(())
}
