//! Follow-ups of a placement at 3, 6 and 12 months: staff record whether the worker is still
//! employed. Sustainable employment is a confirmation at 6 months or later.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::schema::{follow_ups, placements, workers};
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::checks::Checks;
use crate::domain::ids::{FollowUpId, PlacementId};
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus};
use crate::effects::{self, Audit};
use crate::error::AppError;

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
}

#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = follow_ups)]
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
    let found: Option<(FollowUpView, String)> = follow_ups::table
        .inner_join(placements::table.inner_join(workers::table))
        .filter(follow_ups::id.eq(follow_up_id))
        .select((FollowUpView::as_select(), workers::commune_id))
        .first(connection)
        .optional()?;
    let (follow_up, commune_id) = found.ok_or(AppError::NotFound)?;
    if scope == Scope::Area
        && principal
            .area_units
            .as_ref()
            .is_some_and(|units| !units.contains(&commune_id))
    {
        return Err(AppError::NotFound);
    }
    Ok(follow_up)
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
    checks.finish()?;
    let outcome = outcome.ok_or_else(|| AppError::field("outcome", "invalid_choice"))?;
    let now = accounts::now();
    connection.write_transaction(|connection| {
        let follow_up = in_reach(connection, principal, id)?;
        let (placement_status, worker_id): (PlacementStatus, String) = placements::table
            .find(&follow_up.placement_id)
            .select((placements::status, placements::worker_id))
            .first(connection)?;
        if placement_status != PlacementStatus::Active {
            return Err(AppError::Conflict("invalid_status_change"));
        }
        diesel::update(follow_ups::table.find(id))
            .set((
                follow_ups::outcome.eq(outcome),
                follow_ups::left_reason.eq(&left_reason),
                follow_ups::note.eq(&note),
                follow_ups::recorded_on.eq(recorded_on),
                follow_ups::recorded_by.eq(&principal.user_id),
                follow_ups::updated_at.eq(now),
            ))
            .execute(connection)?;
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

/// `GET /api/v1/follow-ups`: follow-ups of active placements in the caller's area, oldest due
/// first; `overdue=true` keeps the pending ones already due.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: FollowUpQuery,
) -> Result<Vec<FollowUpView>, AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::List);
    if !matches!(scope, Scope::All | Scope::Area) {
        return Err(AppError::Forbidden);
    }
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::field("limit", "invalid_limit"));
    }
    let mut listed = follow_ups::table
        .inner_join(placements::table.inner_join(workers::table))
        .filter(placements::status.eq("active"))
        .select(FollowUpView::as_select())
        .order((follow_ups::due_on, follow_ups::id))
        .limit(limit)
        .into_boxed();
    if query.overdue.unwrap_or(false) {
        listed = listed
            .filter(follow_ups::outcome.eq("pending"))
            .filter(follow_ups::due_on.lt(accounts::now().date()));
    }
    if scope == Scope::Area
        && let Some(units) = principal.area_units.clone()
    {
        listed = listed.filter(workers::commune_id.eq_any(units));
    }
    Ok(listed.load(connection)?)
}
