//! Services given to a worker: counselling, career guidance, job fairs, job-search support.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Checks;
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::models::service_records::{self as rows, NewServiceRecord, ServiceRecord};
use crate::models::{audit, workers as worker_rows};

pub const KINDS: &[&str] = &[
    "counselling",
    "career_guidance",
    "job_fair",
    "job_search_support",
];

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRecordInput {
    pub kind: Option<String>,
    /// Defaults to today.
    pub provided_on: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRecordView {
    pub id: String,
    pub worker_id: String,
    pub kind: String,
    pub provided_on: NaiveDate,
    pub note: String,
}

fn view(record: ServiceRecord) -> ServiceRecordView {
    ServiceRecordView {
        id: record.id,
        worker_id: record.worker_id,
        kind: record.kind,
        provided_on: record.provided_on,
        note: record.note,
    }
}

/// The worker, if the caller reaches it for `action`.
fn reachable_worker(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
    action: Action,
) -> Result<(), AppError> {
    let scope = allowed(Some(principal.role), Resource::ServiceRecords, action);
    if !matches!(scope, Scope::All | Scope::Area) {
        return Err(AppError::Forbidden);
    }
    let worker = worker_rows::find(connection, worker_id)?.ok_or(AppError::NotFound)?;
    if scope == Scope::Area
        && principal
            .area_units
            .as_ref()
            .is_some_and(|area| !area.contains(&worker.commune_id))
    {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
) -> Result<Vec<ServiceRecordView>, AppError> {
    reachable_worker(connection, principal, worker_id, Action::List)?;
    audit::record(
        connection,
        &principal.actor(),
        "read",
        "worker",
        &[worker_id.to_owned()],
        &["service_records"],
        accounts::now(),
    )?;
    Ok(rows::for_worker(connection, worker_id)?
        .into_iter()
        .map(view)
        .collect())
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
    input: ServiceRecordInput,
) -> Result<ServiceRecordView, AppError> {
    reachable_worker(connection, principal, worker_id, Action::Create)?;
    let mut checks = Checks::default();
    let kind = match &input.kind {
        Some(raw) => checks.choice("kind", raw, KINDS),
        None => checks.required("kind", None),
    };
    let today = accounts::now().date();
    let provided_on = checks.past_day("provided_on", input.provided_on.as_deref(), today);
    let note = match &input.note {
        Some(raw) => checks.text("note", raw, 2000, true),
        None => Some(String::new()),
    };
    checks.finish()?;
    let (Some(kind), Some(provided_on), Some(note)) = (kind, provided_on, note) else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "service record validation passed without values"
        )));
    };
    let now = accounts::now();
    let record = NewServiceRecord {
        id: new_id(),
        worker_id: worker_id.to_owned(),
        kind,
        provided_on,
        note,
        recorded_by: Some(principal.user_id.clone()),
        created_at: now,
    };
    rows::insert(connection, &record)?;
    effects::service_record(
        connection,
        &record.id,
        &record.worker_id,
        Audit {
            actor: &principal.actor(),
            action: "create",
            fields: &["kind", "provided_on", "note"],
            at: now,
        },
    )?;
    Ok(ServiceRecordView {
        id: record.id.clone(),
        worker_id: record.worker_id,
        kind: record.kind,
        provided_on: record.provided_on,
        note: record.note,
    })
}
