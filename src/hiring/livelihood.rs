//! Poverty-reduction models (mô hình giảm nghèo): livestock, crops, handicrafts and small
//! industry, community tourism and start-ups (Plan 61 §II.2(3), §III.4), each serving some
//! communes from a start date, with a budget and the support per household. A household
//! member's part in one is work outside a vacancy of the kind `livelihood_model` that names
//! the model, so it is followed up and counted like any other work. A model's outcomes: the
//! households taking part, those of them poor or near-poor when they joined that a later
//! review found out of poverty, and the average change in income per person between the
//! review before joining and the latest after.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::checks::Checks;
use crate::domain::statuses::WorkKind;
use crate::domain::text::fold;
use crate::domain::values;
use crate::error::AppError;
use crate::hiring::staff_only;
use crate::hiring::work::{self, WorkInput, WorkView};
use crate::models::{self, audit, livelihood_models::LivelihoodModel};
pub use crate::progress::activities::Outcomes;
use crate::progress::activities::model_outcomes;

/// The plan's five kinds of model.
pub const MODEL_TYPES: &[&str] = &[
    "livestock",
    "crops",
    "handicrafts",
    "community_tourism",
    "start_up",
];

/// `POST /api/v1/livelihood-models`.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelInput {
    pub name: Option<String>,
    /// `livestock`, `crops`, `handicrafts`, `community_tourism` or `start_up`.
    pub model_type: Option<String>,
    /// The communes it serves (codes).
    pub commune_codes: Option<Vec<String>>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub budget_vnd: Option<i64>,
    pub support_per_household_vnd: Option<i64>,
    pub description: Option<String>,
}

/// `POST /api/v1/livelihood-models/{id}/participants`: a worker joins; the work starts on
/// `start_date` (the model's start by default) in the activity's occupation.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    pub worker_id: Option<String>,
    pub start_date: Option<String>,
    pub occupation_code: Option<String>,
    pub activity: Option<String>,
    pub expected_income_vnd: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    /// The work record (a `livelihood_model` placement).
    pub work_id: String,
    pub worker_id: String,
    pub full_name: String,
    pub household_code: Option<String>,
    pub start_date: NaiveDate,
    pub household_status_snapshot: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelView {
    pub id: String,
    pub name: String,
    pub model_type: String,
    /// The communes it serves as `[code, name]`.
    pub communes: Vec<(String, String)>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub budget_vnd: Option<i64>,
    pub support_per_household_vnd: Option<i64>,
    pub description: String,
    /// Participants within the caller's reach.
    pub participants: Vec<ParticipantView>,
    pub outcomes: Outcomes,
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: ModelInput,
) -> Result<ModelView, AppError> {
    staff_only(principal)?;
    let today = accounts::now().date();
    let mut checks = Checks::default();
    let name = match input.name.as_deref() {
        Some(raw) => checks.text("name", raw, 200, false),
        None => checks.required("name", None),
    };
    let model_type = match input.model_type.as_deref() {
        Some(raw) => checks.choice("model_type", raw, MODEL_TYPES),
        None => checks.required("model_type", None),
    };
    let date = |checks: &mut Checks, field: &str, raw: Option<&str>| match raw.map(values::date) {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err(code)) => {
            checks.fail(field, code);
            None
        }
    };
    let starts_on = date(&mut checks, "starts_on", input.starts_on.as_deref());
    if input.starts_on.is_none() {
        checks.fail("starts_on", "required");
    }
    let ends_on = date(&mut checks, "ends_on", input.ends_on.as_deref());
    if let (Some(starts), Some(ends)) = (starts_on, ends_on)
        && ends < starts
    {
        checks.fail("ends_on", "ends_before_start");
    }
    let codes = input.commune_codes.clone().unwrap_or_default();
    let commune_ids = super::commune_ids(connection, &codes, today, &mut checks)?;
    if codes.is_empty() {
        checks.fail("commune_codes", "required");
    }
    let not_negative = |checks: &mut Checks, field: &str, amount: Option<i64>| match amount {
        Some(amount) if amount < 0 => {
            checks.fail(field, "not_negative");
            None
        }
        other => other,
    };
    let budget_vnd = not_negative(&mut checks, "budget_vnd", input.budget_vnd);
    let support = not_negative(
        &mut checks,
        "support_per_household_vnd",
        input.support_per_household_vnd,
    );
    let description = input
        .description
        .as_deref()
        .and_then(|raw| checks.text("description", raw, 2000, true))
        .unwrap_or_default();
    checks.finish()?;
    let (Some(name), Some(model_type), Some(starts_on)) = (name, model_type, starts_on) else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "model checks passed without required values"
        )));
    };
    let now = accounts::now();
    let model = LivelihoodModel {
        id: new_id(),
        search_name: fold(&name),
        name,
        model_type,
        starts_on,
        ends_on,
        budget_vnd,
        support_per_household_vnd: support,
        description,
        created_at: now,
        updated_at: now,
    };
    connection.write_transaction(|connection| {
        models::livelihood_models::insert(connection, &model, &commune_ids)?;
        audit::record(
            connection,
            &principal.actor(),
            "create",
            "livelihood_model",
            std::slice::from_ref(&model.id),
            &["name", "model_type", "communes", "starts_on"],
            now,
        )?;
        read(connection, principal, &model.id)
    })
}

/// Every model, newest first; `q` finds them by name, accents optional.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    q: Option<&str>,
) -> Result<Vec<ModelView>, AppError> {
    staff_only(principal)?;
    let folded = q.map(fold).filter(|q| !q.is_empty());
    models::livelihood_models::list(connection, folded.as_deref())?
        .into_iter()
        .map(|model| view(connection, principal, model))
        .collect()
}

pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<ModelView, AppError> {
    staff_only(principal)?;
    let model = models::livelihood_models::find(connection, id)?.ok_or(AppError::NotFound)?;
    view(connection, principal, model)
}

/// A worker within the caller's reach joins the model.
pub fn add_participant(
    connection: &mut DbConn,
    principal: &Principal,
    model_id: &str,
    input: ParticipantInput,
) -> Result<WorkView, AppError> {
    staff_only(principal)?;
    let model = models::livelihood_models::find(connection, model_id)?.ok_or(AppError::NotFound)?;
    let Some(worker_id) = input.worker_id.filter(|id| !id.trim().is_empty()) else {
        return Err(AppError::field("worker_id", "required"));
    };
    let work = WorkInput {
        kind: Some(WorkKind::LivelihoodModel.as_str().to_owned()),
        start_date: Some(
            input
                .start_date
                .unwrap_or_else(|| model.starts_on.format("%Y-%m-%d").to_string()),
        ),
        occupation_code: input.occupation_code,
        activity: input.activity.or_else(|| Some(model.name.clone())),
        expected_income_vnd: input.expected_income_vnd,
        place: Some(model.name.clone()),
    };
    work::record_in_model(connection, principal, &worker_id, work, Some(model.id))
}

fn view(
    connection: &mut DbConn,
    principal: &Principal,
    model: LivelihoodModel,
) -> Result<ModelView, AppError> {
    let communes = models::livelihood_models::communes(connection, &model.id)?;
    let all = models::livelihood_models::participants(connection, &model.id)?;
    let outcomes = model_outcomes(connection, &all)?;
    let area = principal.area_units.clone();
    let mut participants = Vec::new();
    for participant in all {
        let in_reach = area
            .as_ref()
            .is_none_or(|units| units.contains(&participant.commune_id));
        if !in_reach {
            continue;
        }
        let household_code = match &participant.household_id {
            Some(household) => models::livelihood_models::household_code(connection, household)?,
            None => None,
        };
        participants.push(ParticipantView {
            work_id: participant.placement_id,
            worker_id: participant.worker_id,
            full_name: participant.full_name,
            household_code,
            start_date: participant.start_date,
            household_status_snapshot: participant.household_status_snapshot,
            active: participant.active,
        });
    }
    Ok(ModelView {
        id: model.id,
        name: model.name,
        model_type: model.model_type,
        communes,
        starts_on: model.starts_on,
        ends_on: model.ends_on,
        budget_vnd: model.budget_vnd,
        support_per_household_vnd: model.support_per_household_vnd,
        description: model.description,
        participants,
        outcomes,
    })
}
