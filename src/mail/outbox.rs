//! The `outbox` table: a message is a row written in the transaction of the event that causes
//! it, so a rolled-back event leaves no mail behind. The sender claims due rows, sends them
//! and marks them; see `sender` for the retry rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::messages::Message;
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::db::schema::{outbox, sms_parts, sms_receipts, users};
use crate::i18n::Lang;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub template: String,
    pub recipient: String,
    pub language: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub dedupe_key: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment: Option<Vec<u8>>,
    pub attachment_type: Option<String>,
    /// `email` or `sms`.
    pub channel: String,
}

impl OutboxRow {
    pub fn lang(&self) -> Lang {
        if self.language == "en" {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewOutbox<'a> {
    id: String,
    template: &'a str,
    recipient: &'a str,
    language: &'a str,
    payload: String,
    status: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    dedupe_key: Option<&'a str>,
    attachment_name: Option<&'a str>,
    attachment: Option<&'a [u8]>,
    attachment_type: Option<&'a str>,
    channel: &'a str,
}

/// A file that goes with a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a message needs besides itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    /// At most one message per key, ever.
    pub dedupe_key: Option<&'a str>,
    pub attachment: Option<&'a Attachment>,
}

/// Queues a message in the caller's transaction. `None` when `dedupe_key` was queued before.
pub fn enqueue(
    connection: &mut DbConn,
    message: &Message,
    recipient: &str,
    lang: Lang,
    extras: Extras<'_>,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    let payload = message
        .payload()
        .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
    let row = NewOutbox {
        id: new_id(),
        template: message.template(),
        recipient,
        language: lang.code(),
        payload,
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        dedupe_key: extras.dedupe_key,
        attachment_name: extras.attachment.map(|file| file.name.as_str()),
        attachment: extras.attachment.map(|file| file.bytes.as_slice()),
        attachment_type: extras.attachment.map(|file| file.content_type.as_str()),
        channel: "email",
    };
    Ok(insert(connection, &row)?.then_some(row.id))
}

/// Writes a row unless its dedupe key was queued before; whether it was written.
fn insert(connection: &mut DbConn, row: &NewOutbox) -> QueryResult<bool> {
    let inserted = match connection {
        DbConn::Sqlite(connection) => diesel::insert_into(outbox::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(connection)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(connection) => diesel::insert_into(outbox::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(connection)?,
    };
    Ok(inserted == 1)
}

/// Queues a text message to a phone number in the caller's transaction; the sender renders its
/// text from the same payload as the e-mail's.
pub fn enqueue_sms(
    connection: &mut DbConn,
    message: &Message,
    phone: &str,
    lang: Lang,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let payload = message
        .payload()
        .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
    let row = NewOutbox {
        id: new_id(),
        template: message.template(),
        recipient: phone,
        language: lang.code(),
        payload,
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        dedupe_key: None,
        attachment_name: None,
        attachment: None,
        attachment_type: None,
        channel: "sms",
    };
    insert(connection, &row)?;
    Ok(row.id)
}

/// How many messages stand in each status (`pending`, `sent`, `failed` …).
pub fn count_by_status(connection: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(connection)
}

/// Drops the messages to `recipient` still waiting to be sent (the person withdrew consent).
pub fn drop_pending_for(connection: &mut DbConn, recipient: &str) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::recipient.eq(recipient))
            .filter(outbox::status.eq("pending")),
    )
    .execute(connection)
}

/// The language of whoever reads `email`: their account's if they have one, else Vietnamese.
pub fn language_of(connection: &mut DbConn, email: &str) -> QueryResult<Lang> {
    let language: Option<String> = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(users::language)
        .first(connection)
        .optional()?;
    Ok(match language.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    })
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<OutboxRow>> {
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(connection)
        .optional()
}

/// Due messages, oldest due first: `(id, attempts)`.
pub fn due(
    connection: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(String, i32)>> {
    outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .order((outbox::next_attempt_at, outbox::id))
        .select((outbox::id, outbox::attempts))
        .limit(limit)
        .load(connection)
}

/// Takes a message for one attempt: counts the attempt and hides the row until `lease_until`,
/// so another sender (another server) leaves it alone, and a sender that dies mid-send hands
/// it back when the lease runs out. `false`: someone else took it first.
pub fn claim(
    connection: &mut DbConn,
    id: &str,
    attempts_seen: i32,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq("pending"))
            .filter(outbox::attempts.eq(attempts_seen)),
    )
    .set((
        outbox::attempts.eq(attempts_seen + 1),
        outbox::next_attempt_at.eq(lease_until),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Sent: for a text, with the SMSC's message id of each part, whose receipts then say whether
/// it reached the handset.
pub fn mark_sent(
    connection: &mut DbConn,
    id: &str,
    now: NaiveDateTime,
    message_ids: &[String],
) -> QueryResult<()> {
    connection.write_transaction(|connection| {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq("sent"),
                outbox::sent_at.eq(Some(now)),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(connection)?;
        for (part, message_id) in message_ids.iter().enumerate() {
            // A resend after a lost answer may meet an id the SMSC gave before.
            let known = sms_parts::table
                .find(message_id)
                .count()
                .get_result::<i64>(connection)?;
            if known == 0 {
                diesel::insert_into(sms_parts::table)
                    .values((
                        sms_parts::message_id.eq(message_id),
                        sms_parts::outbox_id.eq(id),
                        sms_parts::part.eq(i32::try_from(part + 1).unwrap_or(i32::MAX)),
                        sms_parts::submitted_at.eq(now),
                    ))
                    .execute(connection)?;
            }
        }
        QueryResult::Ok(())
    })?;
    if message_ids.is_empty() {
        return Ok(());
    }
    // After the parts are committed, in a transaction of its own: a receipt that came first is
    // seen here, one that comes later sees the parts.
    connection.write_transaction(|connection| refresh_receipt(connection, id, now))
}

/// A delivery receipt from the SMSC, kept once by message id (the SMSC may send it again);
/// the outbox row of its text is brought up to date.
pub fn record_receipt(
    connection: &mut DbConn,
    message_id: &str,
    delivered: bool,
    detail: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    connection.write_transaction(|connection| {
        let known = sms_receipts::table
            .find(message_id)
            .count()
            .get_result::<i64>(connection)?;
        if known == 0 {
            diesel::insert_into(sms_receipts::table)
                .values((
                    sms_receipts::message_id.eq(message_id),
                    sms_receipts::delivered.eq(delivered),
                    sms_receipts::detail.eq(detail),
                    sms_receipts::received_at.eq(now),
                ))
                .execute(connection)?;
        }
        QueryResult::Ok(())
    })?;
    connection.write_transaction(|connection| {
        let outbox_id: Option<String> = sms_parts::table
            .find(message_id)
            .select(sms_parts::outbox_id)
            .first(connection)
            .optional()?;
        match outbox_id {
            Some(outbox_id) => refresh_receipt(connection, &outbox_id, now),
            None => Ok(()),
        }
    })
}

/// A text's receipt from those of its parts: undelivered when one part was not, delivered when
/// every part was, nothing yet otherwise.
fn refresh_receipt(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    let parts: i64 = sms_parts::table
        .filter(sms_parts::outbox_id.eq(id))
        .count()
        .get_result(connection)?;
    let receipts: Vec<bool> = sms_parts::table
        .inner_join(sms_receipts::table.on(sms_receipts::message_id.eq(sms_parts::message_id)))
        .filter(sms_parts::outbox_id.eq(id))
        .select(sms_receipts::delivered)
        .load(connection)?;
    let receipt = if receipts.iter().any(|delivered| !delivered) {
        Some("undelivered")
    } else if parts > 0 && receipts.len() as i64 == parts {
        Some("delivered")
    } else {
        None
    };
    if let Some(receipt) = receipt {
        diesel::update(outbox::table.find(id).filter(outbox::receipt.is_null()))
            .set((outbox::receipt.eq(receipt), outbox::receipt_at.eq(now)))
            .execute(connection)?;
    }
    Ok(())
}

/// After a failed attempt: again at `retry_at`, or `failed` for good when it is `None`.
pub fn mark_attempt_failed(
    connection: &mut DbConn,
    id: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let error: String = error.chars().take(1000).collect();
    match retry_at {
        Some(at) => diesel::update(outbox::table.find(id))
            .set((
                outbox::next_attempt_at.eq(at),
                outbox::last_error.eq(Some(error)),
            ))
            .execute(connection),
        None => diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq("failed"),
                outbox::last_error.eq(Some(error)),
            ))
            .execute(connection),
    }
    .map(drop)
}

/// An admin's retry: a failed message goes out on the next pass with a fresh count of
/// attempts. `false` when it has not failed (sent, or still being tried: retrying that could
/// race a sender holding it).
pub fn retry(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(outbox::table.find(id).filter(outbox::status.eq("failed")))
        .set((
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(connection)?;
    Ok(updated == 1)
}

/// A message as admins list it (no payload: it may carry personal data).
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxView {
    pub id: String,
    /// referral_new, interview_invitation, hire_confirmation, enrolment_received,
    /// enrolment_confirmed, fair_registration, staff_digest, progress_report, password_reset.
    pub template: String,
    /// `email` or `sms`.
    pub channel: String,
    /// An e-mail address, or a phone number for a text.
    pub recipient: String,
    pub language: String,
    /// pending, sent or failed.
    pub status: String,
    /// For a text sent over SMPP: `delivered` or `undelivered` at the handset, as the SMSC's
    /// delivery receipts said; none until they came.
    pub receipt: Option<String>,
    pub receipt_at: Option<NaiveDateTime>,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub attachment_name: Option<String>,
}

/// Newest first; `before` is the id the previous page ended at.
pub fn list(
    connection: &mut DbConn,
    status: Option<&str>,
    template: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<OutboxView>> {
    let mut query = outbox::table
        .select(OutboxView::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status.to_owned()));
    }
    if let Some(template) = template {
        query = query.filter(outbox::template.eq(template.to_owned()));
    }
    if let Some(before) = before {
        query = query.filter(outbox::id.lt(before.to_owned()));
    }
    query.load(connection)
}

pub fn view(connection: &mut DbConn, id: &str) -> QueryResult<Option<OutboxView>> {
    outbox::table
        .find(id)
        .select(OutboxView::as_select())
        .first(connection)
        .optional()
}
