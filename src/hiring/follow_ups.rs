//! Follow-ups of a placement at 3, 6 and 12 months: staff record whether the worker is still
//! employed. Sustainable employment is a confirmation at 6 months or later.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::checks::Checks;
use crate::domain::ids::{FollowUpId, PlacementId};
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus};
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::models::{
    self,
    follow_ups::{FollowUp, Recorded},
};

pub const OUTCOMES: &[&str] = FollowUpOutcome::RECORDED;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpChange {
    /// `still_employed` or `left`.
    pub outcome: String,
    /// Required when the worker left.
    pub left_reason: Option<String>,
    pub note: Option<String>,
    /// When the officer checked (default today; never in the future).
    pub recorded_on: Option<String>,
    /// The monthly income the worker earns now, in đồng (for work outside a vacancy above
    /// all: the evidence that it pays).
    pub income_vnd: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpView {
    #[schema(value_type = String)]
    pub id: FollowUpId,
    #[schema(value_type = String)]
    pub placement_id: PlacementId,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
    #[schema(value_type = String)]
    pub outcome: FollowUpOutcome,
    pub left_reason: Option<String>,
    pub note: String,
    pub recorded_on: Option<NaiveDate>,
    pub income_vnd: Option<i64>,
    /// `staff`, or `sms` when the worker answered the question by text.
    pub source: String,
    /// The worker's last reply by text that could not be read as 1 or 2, for the officer.
    pub unclear_reply: Option<String>,
}

impl From<FollowUp> for FollowUpView {
    fn from(row: FollowUp) -> FollowUpView {
        FollowUpView {
            id: row.id,
            placement_id: row.placement_id,
            months_after_start: row.months_after_start,
            due_on: row.due_on,
            outcome: row.outcome,
            left_reason: row.left_reason,
            note: row.note,
            recorded_on: row.recorded_on,
            income_vnd: row.income_vnd,
            source: row.source,
            unclear_reply: None,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// Only pending follow-ups already due (the officer's to-do list).
    pub overdue: Option<bool>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

/// The worker a follow-up is about, checked against the caller's reach.
fn in_reach(
    connection: &mut DbConn,
    principal: &Principal,
    follow_up_id: &str,
) -> Result<FollowUpView, AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::Update);
    if !matches!(scope, Scope::All | Scope::Area) {
        return Err(AppError::Forbidden);
    }
    let (follow_up, commune_id) = models::follow_ups::find_with_commune(connection, follow_up_id)?
        .ok_or(AppError::NotFound)?;
    if scope == Scope::Area
        && principal
            .area_units
            .as_ref()
            .is_some_and(|units| !units.contains(&commune_id))
    {
        return Err(AppError::NotFound);
    }
    Ok(follow_up.into())
}

/// `PATCH /api/v1/follow-ups/{id}`.
pub fn record(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    change: FollowUpChange,
) -> Result<FollowUpView, AppError> {
    let mut checks = Checks::default();
    let outcome: Option<FollowUpOutcome> = checks.one_of("outcome", &change.outcome, OUTCOMES);
    let left_reason = change
        .left_reason
        .as_deref()
        .and_then(|raw| checks.text("left_reason", raw, 500, false));
    if outcome == Some(FollowUpOutcome::Left) && left_reason.is_none() {
        checks.fail("left_reason", "required");
    }
    let note = change
        .note
        .as_deref()
        .and_then(|raw| checks.text("note", raw, 2000, false))
        .unwrap_or_default();
    let today = accounts::now().date();
    let recorded_on = checks.past_day("recorded_on", change.recorded_on.as_deref(), today);
    let income_vnd = change
        .income_vnd
        .and_then(|income| checks.amount("income_vnd", income));
    checks.finish()?;
    let outcome = outcome.ok_or_else(|| AppError::field("outcome", "invalid_choice"))?;
    let now = accounts::now();
    connection.write_transaction(|connection| {
        let follow_up = in_reach(connection, principal, id)?;
        let (placement_status, worker_id) =
            models::placements::status_and_worker(connection, &follow_up.placement_id)?
                .ok_or(AppError::NotFound)?;
        if placement_status != PlacementStatus::Active {
            return Err(AppError::Conflict("invalid_status_change"));
        }
        let recorded = Recorded {
            outcome,
            left_reason: left_reason.as_deref(),
            note: &note,
            recorded_on,
            recorded_by: Some(&principal.user_id),
            source: "staff",
            income_vnd,
        };
        models::follow_ups::record(connection, id, &recorded, now)?;
        effects::follow_up(
            connection,
            id,
            &worker_id,
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &["outcome"],
                at: now,
            },
        )?;
        in_reach(connection, principal, id)
    })
}

/// A staff list's reach and page size: staff and admins only, 1–200 rows (50 unless asked).
pub(crate) fn staff_list(
    principal: &Principal,
    limit: Option<i64>,
) -> Result<(Scope, i64), AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::List);
    if !matches!(scope, Scope::All | Scope::Area) {
        return Err(AppError::Forbidden);
    }
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::field("limit", "invalid_limit"));
    }
    Ok((scope, limit))
}

/// `GET /api/v1/follow-ups`: follow-ups of active placements in the caller's area, oldest due
/// first; `overdue=true` keeps the pending ones already due.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: FollowUpQuery,
) -> Result<Vec<FollowUpView>, AppError> {
    let (scope, limit) = staff_list(principal, query.limit)?;
    let overdue_on = query
        .overdue
        .unwrap_or(false)
        .then(|| accounts::now().date());
    let area_units = principal
        .area_units
        .clone()
        .filter(|_| scope == Scope::Area);
    let rows = models::follow_ups::of_active_placements(connection, overdue_on, area_units, limit)?;
    let ids: Vec<String> = rows.iter().map(|row| row.id.to_string()).collect();
    let mut unclear = models::sms::unclear_replies(connection, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let reply = unclear.remove(row.id.as_str());
            FollowUpView {
                unclear_reply: reply,
                ..FollowUpView::from(row)
            }
        })
        .collect())
}
