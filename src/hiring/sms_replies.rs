//! Texts from handsets, read: a reply `1` or `2` to a follow-up's question records the
//! follow-up (`source: sms`) exactly as an officer's entry does, so the progress figures move
//! the same way; any other answer is kept as unclear on the officer's follow-up list; `TU CHOI`
//! or `HUY` stops texts to that number (with its day); anything else stays in the inbox.

use chrono::NaiveDateTime;

use crate::db::DbConn;
use crate::domain::sms::Reply;
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus};
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::models::{self, audit::Actor, follow_ups::Recorded};

/// Texts read in one pass, at most.
const BATCH: i64 = 200;

/// Reads the texts not read yet, each in its own transaction; how many.
pub fn read_replies(connection: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    let pending = models::sms::pending(connection, BATCH)?;
    for (id, phone, body) in &pending {
        connection.write_transaction(|connection| read_one(connection, id, phone, body, now))?;
    }
    Ok(pending.len())
}

fn read_one(
    connection: &mut DbConn,
    id: &str,
    phone: &str,
    body: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // The person behind the number acts: the audit names the number, not a login.
    let actor = Actor {
        user_id: None,
        client_address: Some(format!("sms:{phone}")),
        group: None,
    };
    let reply = Reply::parse(body);
    if reply == Reply::Stop {
        let workers = models::sms::workers_texting(connection, phone)?;
        models::sms::stop_texts(connection, &workers, now.date())?;
        effects::texts_stopped(
            connection,
            &workers,
            phone,
            Audit {
                actor: &actor,
                action: "update",
                fields: &["sms_stopped_on"],
                at: now,
            },
        )?;
        let worker = workers.first().map(String::as_str);
        return Ok(models::sms::classify(connection, id, "stop", worker, None)?);
    }
    let Some((follow_up_id, worker_id)) = models::sms::open_question(connection, phone)? else {
        let worker = models::sms::worker_of(connection, phone)?;
        return Ok(models::sms::classify(
            connection,
            id,
            "other",
            worker.as_deref(),
            None,
        )?);
    };
    let outcome = match reply {
        Reply::StillEmployed => FollowUpOutcome::StillEmployed,
        Reply::Left => FollowUpOutcome::Left,
        _ => {
            return Ok(models::sms::classify(
                connection,
                id,
                "unclear",
                Some(&worker_id),
                Some(&follow_up_id),
            )?);
        }
    };
    if !still_open(connection, &follow_up_id)? {
        // An officer recorded it meanwhile (that closed it) or the placement ended: the
        // answer is only read, and the question closed.
        models::sms::answered(connection, &follow_up_id, now)?;
        return Ok(models::sms::classify(
            connection,
            id,
            "other",
            Some(&worker_id),
            Some(&follow_up_id),
        )?);
    }
    let note = format!("Trả lời tin nhắn: {}", body.trim());
    let recorded = Recorded {
        outcome,
        left_reason: None,
        note: &note,
        recorded_on: Some(now.date()),
        recorded_by: None,
        source: "sms",
        income_vnd: None,
    };
    // Recording closes the question too.
    models::follow_ups::record(connection, &follow_up_id, &recorded, now)?;
    effects::follow_up(
        connection,
        &follow_up_id,
        &worker_id,
        Audit {
            actor: &actor,
            action: "update",
            fields: &["outcome"],
            at: now,
        },
    )?;
    Ok(models::sms::classify(
        connection,
        id,
        "answer",
        Some(&worker_id),
        Some(&follow_up_id),
    )?)
}

/// Whether the follow-up still waits for its outcome, on a placement still active.
fn still_open(connection: &mut DbConn, follow_up_id: &str) -> Result<bool, AppError> {
    let Some((follow_up, _)) = models::follow_ups::find_with_commune(connection, follow_up_id)?
    else {
        return Ok(false);
    };
    let active = models::placements::status_and_worker(connection, &follow_up.placement_id)?
        .is_some_and(|(status, _)| status == PlacementStatus::Active);
    Ok(active && follow_up.outcome == FollowUpOutcome::Pending)
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// `unclear`, `other`, `stop` or `answer`; all of them when unset.
    pub kind: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

const INBOX_KINDS: &[&str] = &["answer", "unclear", "stop", "other"];

/// `GET /api/v1/sms/inbox`: texts from handsets, newest first: of workers in the caller's area
/// for district and commune staff; every text, those from unknown numbers too, for the
/// province's staff and administrators. The workers whose texts are listed are audited as read.
pub fn inbox(
    connection: &mut DbConn,
    principal: &crate::accounts::Principal,
    query: InboxQuery,
) -> Result<Vec<models::sms::InboxItem>, AppError> {
    use crate::domain::access::Scope;
    let (scope, limit) = super::follow_ups::staff_list(principal, query.limit)?;
    let kinds = match query.kind.as_deref() {
        None => INBOX_KINDS.to_vec(),
        Some(kind) if INBOX_KINDS.contains(&kind) => vec![kind],
        Some(_) => return Err(AppError::field("kind", "invalid_choice")),
    };
    let units = match scope {
        Scope::All => None,
        _ => Some(principal.area_units.clone().unwrap_or_default()),
    };
    let items = models::sms::inbox(connection, &kinds, units.as_deref(), limit)?;
    let mut read: Vec<String> = items
        .iter()
        .filter_map(|item| item.worker_id.clone())
        .collect();
    read.sort();
    read.dedup();
    if !read.is_empty() {
        crate::models::audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            &read,
            &["sms_inbox"],
            crate::accounts::now(),
        )?;
    }
    Ok(items)
}
