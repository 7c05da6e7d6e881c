//! The background sender: every few seconds it claims the due messages, renders each from its
//! payload, and hands it to the transport.
//!
//! Delivery is at least once. A message is marked sent only after the server accepted it; if
//! the process dies between the two, the claim's lease runs out and the message goes again —
//! with the same `Message-ID` (made from the outbox id), so a mail client shows one message.
//! Failures are retried after 1, 2, 4, 8 … minutes (at most 6 hours apart) until the maximum
//! number of attempts, then the message is `failed` for an admin to see and retry.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use chrono::NaiveDateTime;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::digest;
use super::messages::{self, Message};
use super::outbox::{self, OutboxRow};
use super::sms_transport::{SmsSettings, SmsTransport};
use super::transport::Transport;
use crate::accounts;
use crate::db::DbConn;
use crate::db::pool::DbPool;
use crate::domain::sms::Encoding;

/// A sender's claim on a message lasts this long; after it, another pass may take it again.
const LEASE_MINUTES: i64 = 10;
/// Messages claimed per query.
const BATCH: i64 = 100;
/// The longest wait between two attempts.
const MAX_BACKOFF_SECONDS: i64 = 6 * 3600;

#[derive(Clone)]
pub struct MailSettings {
    pub transport: Transport,
    pub from: Mailbox,
    /// Attempts before a message is `failed`.
    pub max_attempts: i32,
    /// The wait after the first failed attempt; it doubles with each one after.
    pub retry_after_seconds: i64,
    /// How often the sender looks for due messages.
    pub poll: Duration,
    /// Where the links in messages point, `https://vieclam.sonla.gov.vn`.
    pub public_url: String,
    /// Where text messages go, and how they are encoded.
    pub sms: SmsSettings,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MailSettings")
            .field("transport", &self.transport.describe())
            .field("from", &self.from.to_string())
            .field("max_attempts", &self.max_attempts)
            .field("retry_after_seconds", &self.retry_after_seconds)
            .field("poll", &self.poll)
            .field("public_url", &self.public_url)
            .field("sms", &self.sms.describe())
            .finish()
    }
}

impl MailSettings {
    /// Checks the settings before the server starts, so a typo stops it at once.
    pub fn new(
        transport: Transport,
        from: &str,
        max_attempts: i32,
        retry_after_seconds: i64,
        poll_seconds: u64,
        public_url: &str,
    ) -> anyhow::Result<MailSettings> {
        let from: Mailbox = from
            .parse()
            .map_err(|error| anyhow::anyhow!("KETNOI_MAIL_FROM: {from}: {error}"))?;
        anyhow::ensure!(
            (1..=100).contains(&max_attempts),
            "KETNOI_MAIL_MAX_ATTEMPTS: {max_attempts} is not between 1 and 100"
        );
        anyhow::ensure!(
            (1..=86_400).contains(&retry_after_seconds),
            "KETNOI_MAIL_RETRY_SECONDS: {retry_after_seconds} is not between 1 and 86400"
        );
        anyhow::ensure!(
            (1..=3600).contains(&poll_seconds),
            "KETNOI_MAIL_POLL_SECONDS: {poll_seconds} is not between 1 and 3600"
        );
        let public_url = url::Url::parse(public_url)
            .map_err(|error| anyhow::anyhow!("KETNOI_PUBLIC_URL: {public_url}: {error}"))?;
        // Texts go beside the mail files, until `with_sms` says otherwise.
        let sms_folder = match &transport {
            Transport::Files(folder) => folder.join("sms"),
            _ => PathBuf::from("data/outbox/sms"),
        };
        Ok(MailSettings {
            transport,
            from,
            max_attempts,
            retry_after_seconds,
            poll: Duration::from_secs(poll_seconds),
            public_url: public_url.as_str().trim_end_matches('/').to_owned(),
            sms: SmsSettings {
                transport: SmsTransport::Files(sms_folder),
                encoding: Encoding::Gsm7,
            },
        })
    }

    /// The same settings with texts going as `sms` says.
    pub fn with_sms(self, sms: SmsSettings) -> MailSettings {
        MailSettings { sms, ..self }
    }

    /// The wait after `attempts` failed attempts.
    pub fn backoff(&self, attempts: i32) -> chrono::Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        let seconds = self
            .retry_after_seconds
            .saturating_mul(1_i64 << doublings)
            .min(MAX_BACKOFF_SECONDS);
        chrono::Duration::seconds(seconds)
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed this time, to be tried again.
    pub retried: usize,
    /// Failed for good.
    pub failed: usize,
}

/// Sends every message due at `now`: e-mails one by one, the texts of each batch together (over
/// SMPP they travel side by side, within the link's throughput limit and window).
pub fn deliver_due(
    connection: &mut DbConn,
    settings: &MailSettings,
    now: NaiveDateTime,
) -> anyhow::Result<Delivery> {
    let mut delivery = Delivery::default();
    loop {
        let due = outbox::due(connection, now, BATCH)?;
        let mut claimed_any = false;
        let mut texts = Vec::new();
        for (id, attempts) in &due {
            let lease = now + chrono::Duration::minutes(LEASE_MINUTES);
            if !outbox::claim(connection, id, *attempts, lease)? {
                continue;
            }
            claimed_any = true;
            let Some(row) = outbox::find(connection, id)? else {
                continue;
            };
            if row.channel == "sms" {
                match text_of(&row) {
                    Ok(text) => texts.push((row, text)),
                    Err(failure) => {
                        settle(connection, settings, &row, Err(failure), now, &mut delivery)?
                    }
                }
                continue;
            }
            let sent = deliver(&row, settings).map(|()| Vec::new());
            settle(connection, settings, &row, sent, now, &mut delivery)?;
        }
        let batch: Vec<(&str, &str, &str)> = texts
            .iter()
            .map(|(row, text)| (row.id.as_str(), row.recipient.as_str(), text.as_str()))
            .collect();
        let results = settings.sms.send_all(&batch);
        for ((row, _), result) in texts.iter().zip(results) {
            // A number the SMSC refuses never becomes valid: no retries.
            let sent = result.map_err(|error| Failure::sending(error, true));
            settle(connection, settings, row, sent, now, &mut delivery)?;
        }
        if (due.len() as i64) < BATCH || !claimed_any {
            return Ok(delivery);
        }
    }
}

/// Marks a row after its attempt: sent (with the SMSC's message ids of a text's parts), to try
/// again after the backoff, or failed for good.
fn settle(
    connection: &mut DbConn,
    settings: &MailSettings,
    row: &OutboxRow,
    sent: Result<Vec<String>, Failure>,
    now: NaiveDateTime,
    delivery: &mut Delivery,
) -> anyhow::Result<()> {
    match sent {
        Ok(message_ids) => {
            outbox::mark_sent(connection, &row.id, now, &message_ids)?;
            delivery.sent += 1;
        }
        Err(Failure { message, hopeless }) => {
            let retry_at = (!hopeless && row.attempts < settings.max_attempts)
                .then(|| now + settings.backoff(row.attempts));
            outbox::mark_attempt_failed(connection, &row.id, &message, retry_at)?;
            if retry_at.is_some() {
                delivery.retried += 1;
            } else {
                delivery.failed += 1;
            }
            tracing::warn!(
                outbox_id = %row.id,
                channel = %row.channel,
                attempts = row.attempts,
                error = %message,
                "message not delivered"
            );
        }
    }
    Ok(())
}

struct Failure {
    message: String,
    /// A message that cannot be composed never will be: no retries.
    hopeless: bool,
}

impl Failure {
    /// The transport's refusal; a permanent one is hopeless when `permanent_is_final`.
    fn sending(error: super::transport::SendError, permanent_is_final: bool) -> Failure {
        Failure {
            hopeless: error.permanent && permanent_is_final,
            message: if error.permanent {
                format!("refused: {}", error.message)
            } else {
                error.message
            },
        }
    }
}

fn deliver(row: &OutboxRow, settings: &MailSettings) -> Result<(), Failure> {
    let email = compose(row, settings).map_err(|message| Failure {
        message,
        hopeless: true,
    })?;
    let bytes = email.formatted();
    settings
        .transport
        .send(&row.id, email.envelope(), &bytes)
        .map_err(|error| Failure::sending(error, false))
}

/// A text message's text, from the payload, in the recipient's language.
fn text_of(row: &OutboxRow) -> Result<String, Failure> {
    let hopeless = |message: String| Failure {
        message,
        hopeless: true,
    };
    let message = Message::from_stored(&row.template, &row.payload)
        .map_err(|error| hopeless(format!("payload of {}: {error}", row.template)))?;
    super::sms::text(&message, row.lang())
        .ok_or_else(|| hopeless(format!("{} has no text form", row.template)))
}

/// The `Message-ID` of an outbox row: the same for every attempt.
pub fn message_id(row_id: &str, from: &Mailbox) -> String {
    format!("<{row_id}@{}>", from.email.domain())
}

/// The e-mail of an outbox row: multipart text and HTML in the recipient's language, the
/// attachment if any, dated when it was queued.
pub fn compose(row: &OutboxRow, settings: &MailSettings) -> Result<lettre::Message, String> {
    let message = Message::from_stored(&row.template, &row.payload)
        .map_err(|error| format!("payload of {}: {error}", row.template))?;
    let rendered = messages::render(&message, row.lang(), &settings.public_url)
        .map_err(|error| format!("template {}: {error}", row.template))?;
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|error| format!("recipient {}: {error}", row.recipient))?;
    let created = UNIX_EPOCH
        + Duration::from_secs(u64::try_from(row.created_at.and_utc().timestamp()).unwrap_or(0));
    let body = MultiPart::alternative()
        .singlepart(SinglePart::plain(rendered.text))
        .singlepart(SinglePart::html(rendered.html));
    let body = match (&row.attachment, &row.attachment_name) {
        (Some(bytes), Some(name)) => {
            let content_type = ContentType::parse(
                row.attachment_type
                    .as_deref()
                    .unwrap_or("application/octet-stream"),
            )
            .map_err(|error| format!("attachment type: {error}"))?;
            MultiPart::mixed()
                .multipart(body)
                .singlepart(Attachment::new(name.clone()).body(bytes.clone(), content_type))
        }
        _ => body,
    };
    let mut builder = lettre::Message::builder()
        .from(settings.from.clone())
        .to(to)
        .subject(rendered.subject)
        .message_id(Some(message_id(&row.id, &settings.from)))
        .date(created);
    builder = builder.header(ContentLanguage(row.lang().code().to_owned()));
    builder
        .multipart(body)
        .map_err(|error| format!("composing: {error}"))
}

/// `Content-Language: vi`.
#[derive(Clone)]
struct ContentLanguage(String);

impl lettre::message::header::Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(raw: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ContentLanguage(raw.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Stops the sender thread after its current pass.
#[derive(Debug, Clone)]
pub struct SenderHandle {
    stop: Arc<AtomicBool>,
}

impl SenderHandle {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Work run after each pass by a layer above mail (the replies to follow-up questions): how
/// many items it handled.
pub type AfterPass = Box<dyn Fn(&mut DbConn, NaiveDateTime) -> anyhow::Result<usize> + Send>;

/// Runs the sender (and the weekly digest's schedule, the follow-up questions falling due, and
/// `after_pass`) until stopped, or for as long as the server runs. Over SMPP, the link starts
/// here, keeping what the SMSC delivers.
pub fn spawn(
    pool: DbPool,
    settings: Arc<MailSettings>,
    after_pass: Option<AfterPass>,
) -> std::io::Result<SenderHandle> {
    tracing::info!(
        transport = %settings.transport.describe(),
        sms = %settings.sms.describe(),
        "mail sender started"
    );
    settings.sms.start(super::inbound::sink(pool.clone()))?;
    let stop = Arc::new(AtomicBool::new(false));
    let handle = SenderHandle { stop: stop.clone() };
    std::thread::Builder::new()
        .name("mail-sender".into())
        .spawn(move || {
            let mut digests = digest::Schedule::default();
            while !stop.load(Ordering::Relaxed) {
                match pool.get() {
                    Ok(mut connection) => {
                        pass(
                            &mut connection,
                            &settings,
                            &mut digests,
                            after_pass.as_ref(),
                        );
                    }
                    Err(error) => tracing::warn!(%error, "no connection for the mail sender"),
                }
                let resume = std::time::Instant::now() + settings.poll;
                while !stop.load(Ordering::Relaxed) && std::time::Instant::now() < resume {
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        })
        .map(|_| handle)
}

/// One pass of the sender thread; what fails is logged and tried again on the next.
fn pass(
    connection: &mut DbConn,
    settings: &MailSettings,
    digests: &mut digest::Schedule,
    after_pass: Option<&AfterPass>,
) {
    let now = accounts::now();
    match digests.run_if_due(connection, now) {
        Ok(0) => {}
        Ok(queued) => tracing::info!(queued, "weekly digests queued"),
        Err(error) => tracing::warn!(%error, "weekly digests failed"),
    }
    match super::events::ask_due_follow_ups(connection, now) {
        Ok(0) => {}
        Ok(asked) => tracing::info!(asked, "follow-up questions queued"),
        Err(error) => tracing::warn!(%error, "follow-up questions failed"),
    }
    match deliver_due(connection, settings, now) {
        Ok(done) if done.sent + done.retried + done.failed > 0 => {
            tracing::info!(
                sent = done.sent,
                retried = done.retried,
                failed = done.failed,
                "mail delivered"
            )
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "mail delivery failed"),
    }
    if let Some(after_pass) = after_pass {
        match after_pass(connection, now) {
            Ok(0) => {}
            Ok(handled) => tracing::info!(handled, "texts from handsets read"),
            Err(error) => tracing::warn!(%error, "reading texts from handsets failed"),
        }
    }
}
