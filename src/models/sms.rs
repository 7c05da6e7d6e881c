//! The `sms_questions` and `sms_inbox` tables: the follow-up questions asked by text, and every
//! text that came back from a handset.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::db::schema::{employers, follow_ups, placements, sms_inbox, sms_questions, workers};
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus};

/// A follow-up due and not yet asked by text, of a worker who takes texts.
#[derive(Debug, Clone, Queryable)]
pub struct Unasked {
    pub follow_up_id: String,
    pub worker_id: String,
    pub worker_name: String,
    pub employer_name: Option<String>,
    pub activity: String,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
}

/// A follow-up is asked by text in the days after it falls due, not later: one overdue for
/// longer is the officer's to chase (a question about work months ago reads as nonsense).
pub const ASK_WITHIN_DAYS: i64 = 30;

/// Pending follow-ups of active placements that fell due in the last [`ASK_WITHIN_DAYS`] days,
/// not asked yet, of workers who have a phone, take texts and have no question open (one at
/// a time: the next is asked once the last is answered); oldest due first.
pub fn unasked(connection: &mut DbConn, today: NaiveDate, limit: i64) -> QueryResult<Vec<Unasked>> {
    let since = today - chrono::Duration::days(ASK_WITHIN_DAYS);
    let asked = sms_questions::table.select(sms_questions::follow_up_id);
    let waiting = sms_questions::table
        .filter(sms_questions::answered_at.is_null())
        .select(sms_questions::worker_id);
    follow_ups::table
        .inner_join(
            placements::table
                .inner_join(workers::table)
                .left_join(employers::table),
        )
        .filter(diesel::dsl::not(follow_ups::id.eq_any(asked)))
        .filter(diesel::dsl::not(workers::id.eq_any(waiting)))
        .filter(follow_ups::outcome.eq(FollowUpOutcome::Pending))
        .filter(follow_ups::due_on.le(today))
        .filter(follow_ups::due_on.ge(since))
        .filter(placements::status.eq(PlacementStatus::Active))
        .filter(workers::phone.is_not_null())
        .filter(workers::message_channel.eq_any(["both", "sms"]))
        .filter(workers::sms_stopped_on.is_null())
        .filter(workers::consent_withdrawn_at.is_null())
        .filter(workers::archived_at.is_null())
        .order((follow_ups::due_on, follow_ups::id))
        .limit(limit)
        .select((
            follow_ups::id,
            workers::id,
            workers::full_name,
            employers::name.nullable(),
            placements::activity,
            follow_ups::months_after_start,
            follow_ups::due_on,
        ))
        .load(connection)
}

/// The question of a follow-up, asked by the text queued as `outbox_id`.
pub fn asked(
    connection: &mut DbConn,
    follow_up_id: &str,
    worker_id: &str,
    phone: &str,
    outbox_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sms_questions::table)
        .values((
            sms_questions::follow_up_id.eq(follow_up_id),
            sms_questions::worker_id.eq(worker_id),
            sms_questions::phone.eq(phone),
            sms_questions::outbox_id.eq(outbox_id),
            sms_questions::asked_at.eq(now),
        ))
        .execute(connection)
        .map(drop)
}

/// The open question asked last to a number: `(follow-up id, worker id)`.
pub fn open_question(
    connection: &mut DbConn,
    phone: &str,
) -> QueryResult<Option<(String, String)>> {
    sms_questions::table
        .filter(sms_questions::phone.eq(phone))
        .filter(sms_questions::answered_at.is_null())
        .order(sms_questions::asked_at.desc())
        .select((sms_questions::follow_up_id, sms_questions::worker_id))
        .first(connection)
        .optional()
}

pub fn answered(
    connection: &mut DbConn,
    follow_up_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(sms_questions::table.find(follow_up_id))
        .set(sms_questions::answered_at.eq(now))
        .execute(connection)
        .map(drop)
}

/// A text from a handset, kept as it came, to be read.
pub fn receive(
    connection: &mut DbConn,
    phone: &str,
    body: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(sms_inbox::table)
        .values((
            sms_inbox::id.eq(&id),
            sms_inbox::phone.eq(phone),
            sms_inbox::body.eq(body),
            sms_inbox::received_at.eq(now),
            sms_inbox::kind.eq("pending"),
        ))
        .execute(connection)?;
    Ok(id)
}

/// Texts not read yet, oldest first: `(id, phone, body)`.
pub fn pending(connection: &mut DbConn, limit: i64) -> QueryResult<Vec<(String, String, String)>> {
    sms_inbox::table
        .filter(sms_inbox::kind.eq("pending"))
        .order((sms_inbox::received_at, sms_inbox::id))
        .limit(limit)
        .select((sms_inbox::id, sms_inbox::phone, sms_inbox::body))
        .load(connection)
}

/// What a text was found to be: `answer`, `unclear`, `stop` or `other`, with the worker and
/// the follow-up it is about when known.
pub fn classify(
    connection: &mut DbConn,
    id: &str,
    kind: &str,
    worker_id: Option<&str>,
    follow_up_id: Option<&str>,
) -> QueryResult<()> {
    diesel::update(sms_inbox::table.find(id))
        .set((
            sms_inbox::kind.eq(kind),
            sms_inbox::worker_id.eq(worker_id),
            sms_inbox::follow_up_id.eq(follow_up_id),
        ))
        .execute(connection)
        .map(drop)
}

/// A text in the officer's inbox.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct InboxItem {
    pub id: String,
    pub phone: String,
    pub body: String,
    pub received_at: NaiveDateTime,
    /// `answer` (recorded on the follow-up), `unclear` (an answer that was neither 1 nor 2),
    /// `stop` (texts stopped), `other`, or `pending` (not read yet).
    pub kind: String,
    pub worker_id: Option<String>,
    pub worker_name: Option<String>,
    pub follow_up_id: Option<String>,
}

/// Newest first: of workers in `units` (every text, those from unknown numbers too, when
/// `None`), only the kinds named.
pub fn inbox(
    connection: &mut DbConn,
    kinds: &[&str],
    units: Option<&[String]>,
    limit: i64,
) -> QueryResult<Vec<InboxItem>> {
    let mut query = sms_inbox::table
        .left_join(workers::table)
        .filter(
            sms_inbox::kind.eq_any(
                kinds
                    .iter()
                    .map(|kind| (*kind).to_owned())
                    .collect::<Vec<_>>(),
            ),
        )
        .order((sms_inbox::received_at.desc(), sms_inbox::id.desc()))
        .limit(limit)
        .select((
            sms_inbox::id,
            sms_inbox::phone,
            sms_inbox::body,
            sms_inbox::received_at,
            sms_inbox::kind,
            sms_inbox::worker_id,
            workers::full_name.nullable(),
            sms_inbox::follow_up_id,
        ))
        .into_boxed();
    if let Some(units) = units {
        query = query.filter(workers::commune_id.eq_any(units.to_vec()));
    }
    query.load(connection)
}

/// The last unclear reply to each of these follow-ups.
pub fn unclear_replies(
    connection: &mut DbConn,
    follow_up_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(Option<String>, String)> = sms_inbox::table
        .filter(sms_inbox::kind.eq("unclear"))
        .filter(sms_inbox::follow_up_id.eq_any(follow_up_ids))
        .order(sms_inbox::received_at)
        .select((sms_inbox::follow_up_id, sms_inbox::body))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, body)| id.map(|id| (id, body)))
        .collect())
}

/// Workers with this number and texts not yet stopped: their ids.
pub fn workers_texting(connection: &mut DbConn, phone: &str) -> QueryResult<Vec<String>> {
    workers::table
        .filter(workers::phone.eq(phone))
        .filter(workers::sms_stopped_on.is_null())
        .select(workers::id)
        .load(connection)
}

/// Any worker with this number (the newest record), for a text that answers nothing.
pub fn worker_of(connection: &mut DbConn, phone: &str) -> QueryResult<Option<String>> {
    workers::table
        .filter(workers::phone.eq(phone))
        .order(workers::created_at.desc())
        .select(workers::id)
        .first(connection)
        .optional()
}

pub fn stop_texts(
    connection: &mut DbConn,
    worker_ids: &[String],
    today: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(workers::table.filter(workers::id.eq_any(worker_ids)))
        .set(workers::sms_stopped_on.eq(Some(today)))
        .execute(connection)
}
