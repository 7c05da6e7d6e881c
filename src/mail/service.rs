//! What the API offers around mail: the outbox for admins (list, retry) and the progress
//! report sent on demand.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::messages::{Message, ProgressReport, ReportLine, TEMPLATES};
use super::outbox::{self, Attachment, Extras, OutboxView};
use crate::accounts::{self, Principal, Role};
use crate::db::DbConn;
use crate::domain::checks::Checks;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::progress::service::{ReportQuery, build_report_file};

/// Reports bigger than this are refused by many mail servers: download those instead.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;
const MAX_RECIPIENTS: usize = 20;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// pending, sent or failed.
    pub status: Option<String>,
    /// Only this message template.
    pub template: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPage {
    pub items: Vec<OutboxView>,
    pub next_cursor: Option<String>,
}

fn admin_only(principal: &Principal) -> Result<(), AppError> {
    match principal.role {
        Role::Admin => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// `GET /api/v1/outbox`: newest first.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: OutboxQuery,
) -> Result<OutboxPage, AppError> {
    admin_only(principal)?;
    let mut checks = Checks::default();
    let status = query
        .status
        .as_deref()
        .and_then(|raw| checks.choice("status", raw, &["pending", "sent", "failed"]));
    let template = query
        .template
        .as_deref()
        .and_then(|raw| checks.choice("template", raw, TEMPLATES));
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        checks.fail_with(
            FieldError::new("limit", "out_of_range")
                .with("min", "1")
                .with("max", "200"),
        );
    }
    checks.finish()?;
    let items = outbox::list(
        connection,
        status.as_deref(),
        template.as_deref(),
        query.cursor.as_deref(),
        limit,
    )?;
    let next_cursor = (items.len() as i64 == limit)
        .then(|| items.last().map(|item| item.id.clone()))
        .flatten();
    Ok(OutboxPage { items, next_cursor })
}

/// `POST /api/v1/outbox/{id}/retry`: a failed message, out again on the sender's next pass.
pub fn retry(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<OutboxView, AppError> {
    admin_only(principal)?;
    connection.write_transaction(|connection| {
        let row = outbox::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !outbox::retry(connection, &row.id, accounts::now())? {
            return Err(AppError::Conflict("not_failed"));
        }
        outbox::view(connection, &row.id)?.ok_or(AppError::NotFound)
    })
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportMailInput {
    /// xlsx (default), csv or json.
    pub format: Option<String>,
    /// The addresses, 1 to 20.
    pub to: Vec<String>,
    pub district: Option<String>,
    pub commune: Option<String>,
    /// vi (default) or en: the report's and the message's language.
    pub language: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedMessage {
    pub id: String,
    pub recipient: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportMailQueued {
    pub attachment_name: String,
    pub attachment_bytes: usize,
    pub messages: Vec<QueuedMessage>,
}

/// `POST /api/v1/reports/{period}/mail`: the report as it stands now, attached, one message
/// per address.
pub fn mail_report(
    connection: &mut DbConn,
    principal: &Principal,
    period: &str,
    input: ReportMailInput,
    request_lang: Lang,
) -> Result<ReportMailQueued, AppError> {
    if !matches!(principal.role, Role::Admin | Role::Staff) {
        return Err(AppError::Forbidden);
    }
    let mut checks = Checks::default();
    let format = match input.format.as_deref() {
        None => "xlsx".to_owned(),
        Some(raw) => checks
            .choice("format", raw, crate::progress::report::FORMATS)
            .unwrap_or_default(),
    };
    let lang = match input.language.as_deref() {
        None => request_lang,
        Some(raw) => match checks.choice("language", raw, &["vi", "en"]).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        },
    };
    let mut recipients: Vec<String> = Vec::new();
    if input.to.is_empty() {
        checks.fail("to", "required");
    } else if input.to.len() > MAX_RECIPIENTS {
        checks.fail_with(FieldError::new("to", "too_many").with("max", MAX_RECIPIENTS.to_string()));
    }
    for raw in input.to.iter().take(MAX_RECIPIENTS) {
        match accounts::normalize_email(raw) {
            Some(email) if !recipients.contains(&email) => recipients.push(email),
            Some(_) => {}
            None => checks.fail("to", "invalid_email"),
        }
    }
    checks.finish()?;
    let file = build_report_file(
        connection,
        principal,
        Some(period),
        &format,
        &ReportQuery {
            district: input.district,
            commune: input.commune,
        },
        lang,
    )?;
    if file.bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::field("period", "report_too_large"));
    }
    let message = Message::ProgressReport(ProgressReport {
        period: file.period.clone(),
        as_of: file.as_of,
        attachment_name: file.name.clone(),
        targets: file
            .targets
            .iter()
            .map(|figure| ReportLine {
                description: figure.description.clone(),
                unit: figure.unit.clone(),
                target: figure.target,
                actual: figure.actual,
                percent: figure.percent,
            })
            .collect(),
    });
    let attachment = Attachment {
        name: file.name.clone(),
        content_type: file.content_type.to_owned(),
        bytes: file.bytes,
    };
    let now = accounts::now();
    let messages = connection.write_transaction(|connection| {
        let mut queued = Vec::with_capacity(recipients.len());
        for recipient in &recipients {
            let id = outbox::enqueue(
                connection,
                &message,
                recipient,
                lang,
                Extras {
                    dedupe_key: None,
                    attachment: Some(&attachment),
                },
                now,
            )?;
            if let Some(id) = id {
                queued.push(QueuedMessage {
                    id,
                    recipient: recipient.clone(),
                });
            }
        }
        Ok::<_, AppError>(queued)
    })?;
    Ok(ReportMailQueued {
        attachment_name: attachment.name,
        attachment_bytes: attachment.bytes.len(),
        messages,
    })
}
