//! An officer's own words to one worker, by text: checked (at most 300 characters, two GSM
//! parts when folded), queued in the outbox like every message, and audited on the person's
//! record. Only to a worker who takes texts: a phone, texts not stopped, consent not withdrawn.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Action, reachable};
use crate::accounts::{self, Principal, Role};
use crate::db::DbConn;
use crate::domain::checks::Checks;
use crate::domain::sms::takes_texts;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::mail::messages::{Message, OfficerMessage};
use crate::models::audit;

/// The longest text an officer writes: two GSM parts when folded.
pub const MAX_TEXT: usize = 300;

/// `POST /api/v1/workers/{id}/messages`.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    /// At most 300 characters; sent without diacritics unless texts go in UCS-2.
    pub text: Option<String>,
}

/// A text queued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TextQueued {
    /// The outbox row that carries it.
    pub outbox_id: String,
    /// The number it goes to.
    pub phone: String,
}

pub fn send(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
    input: TextInput,
) -> Result<TextQueued, AppError> {
    if !matches!(principal.role, Role::Admin | Role::Staff) {
        return Err(AppError::Forbidden);
    }
    connection.write_transaction(|connection| {
        let (worker, _) = reachable(connection, principal, worker_id, Action::Update)?;
        let mut checks = Checks::default();
        let text = match input.text.as_deref() {
            Some(raw) => checks.text("text", raw, MAX_TEXT, false),
            None => checks.required("text", None),
        };
        let phone = worker.phone.clone().filter(|_| {
            takes_texts(
                &worker.message_channel,
                worker.consent_withdrawn_at.is_some(),
                worker.sms_stopped_on.is_some(),
            )
        });
        if phone.is_none() {
            checks.fail("text", "no_texts");
        }
        checks.finish()?;
        let (Some(text), Some(phone)) = (text, phone) else {
            return Err(AppError::Unexpected(anyhow::anyhow!(
                "text checks passed without a text"
            )));
        };
        let now = accounts::now();
        let message = Message::OfficerMessage(OfficerMessage {
            worker_name: worker.full_name.clone(),
            text,
            written_on: now.date(),
        });
        let outbox_id =
            crate::mail::outbox::enqueue_sms(connection, &message, &phone, Lang::Vi, now)?;
        audit::record(
            connection,
            &principal.actor(),
            "update",
            "worker",
            &[worker_id.to_owned()],
            &["message"],
            now,
        )?;
        Ok(TextQueued { outbox_id, phone })
    })
}
