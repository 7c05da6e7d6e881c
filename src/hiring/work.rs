//! Work outside a posted vacancy — self-employment, a household business, a cooperative, a
//! livelihood model, public works — recorded by staff on the worker. It is a placement like a
//! hire: the household status in force on the first day and the poor-or-difficult-area flag
//! are kept as snapshots, follow-ups fall due at 3, 6 and 12 months, and withdrawing it reverses
//! every count it made. Which targets it counts toward is each period's rule.

use chrono::{Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::checks::Checks;
use crate::domain::ids::PlacementId;
use crate::domain::poverty::HouseholdStatus;
use crate::domain::statuses::{Availability, FollowUpOutcome, PlacementStatus, WorkKind};
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::hiring::referrals::staff_reach;
use crate::models::{self, follow_ups::NewFollowUp, placements::NewPlacement};
use crate::progress;

/// The kinds staff record here.
pub const KINDS: &[&str] = WorkKind::OUTSIDE_VACANCIES;

/// `POST /api/v1/workers/{id}/work`.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkInput {
    /// `self_employed`, `household_business`, `cooperative_member`, `livelihood_model` or
    /// `public_works`.
    pub kind: Option<String>,
    /// The first day of the work (`YYYY-MM-DD`).
    pub start_date: Option<String>,
    /// The activity's 4-digit occupation code.
    pub occupation_code: Option<String>,
    /// What the work is, in the officer's words (`nuôi lợn thịt`).
    pub activity: Option<String>,
    /// Expected monthly income in đồng.
    pub expected_income_vnd: Option<i64>,
    /// Where (a village, a cooperative's name, a model's name).
    pub place: Option<String>,
}

/// `POST /api/v1/work/{id}/withdraw`.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    pub reason: Option<String>,
}

/// A record of work outside a vacancy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkView {
    #[schema(value_type = String)]
    pub id: PlacementId,
    pub worker_id: String,
    #[schema(value_type = String)]
    pub kind: WorkKind,
    pub occupation_code: Option<String>,
    pub activity: String,
    pub expected_income_vnd: Option<i64>,
    pub place: String,
    /// The livelihood model the work is part of.
    pub model_id: Option<String>,
    pub start_date: NaiveDate,
    #[schema(value_type = Option<String>)]
    pub household_status_snapshot: Option<HouseholdStatus>,
    pub poor_area_snapshot: bool,
    #[schema(value_type = String)]
    pub status: PlacementStatus,
    pub withdrawn_reason: Option<String>,
}

impl From<models::placements::Placement> for WorkView {
    fn from(row: models::placements::Placement) -> WorkView {
        WorkView {
            id: row.id,
            worker_id: row.worker_id,
            kind: row.kind,
            occupation_code: row.occupation_code,
            activity: row.activity,
            expected_income_vnd: row.expected_income_vnd,
            place: row.place,
            model_id: row.model_id,
            start_date: row.start_date,
            household_status_snapshot: row.household_status_snapshot,
            poor_area_snapshot: row.poor_area_snapshot,
            status: row.status,
            withdrawn_reason: row.withdrawn_reason,
        }
    }
}

/// The worker's commune, if the worker is live and within the caller's reach.
fn reach_worker(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
) -> Result<String, AppError> {
    let (commune_id, _) = models::workers::live_commune_and_consent(connection, worker_id)?
        .ok_or(AppError::NotFound)?;
    staff_reach(principal, &commune_id)?;
    Ok(commune_id)
}

/// Records work outside a vacancy on a worker within the caller's reach, in one transaction.
pub fn record(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
    input: WorkInput,
) -> Result<WorkView, AppError> {
    record_in_model(connection, principal, worker_id, input, None)
}

/// [`record`], the work part of a livelihood model when `model_id` names one.
pub(crate) fn record_in_model(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
    input: WorkInput,
    model_id: Option<String>,
) -> Result<WorkView, AppError> {
    connection.write_transaction(|connection| {
        record_rows(connection, principal, worker_id, input, model_id)
    })
}

fn record_rows(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
    input: WorkInput,
    model_id: Option<String>,
) -> Result<WorkView, AppError> {
    let commune_id = reach_worker(connection, principal, worker_id)?;
    let mut checks = Checks::default();
    let kind: Option<WorkKind> = match input.kind.as_deref() {
        Some(raw) => checks.one_of("kind", raw, KINDS),
        None => checks.required("kind", None),
    };
    let start_date = match input.start_date.as_deref() {
        Some(raw) => match crate::domain::values::date(raw) {
            Ok(day) => Some(day),
            Err(code) => {
                checks.fail("start_date", code);
                None
            }
        },
        None => checks.required("start_date", None),
    };
    let occupation_code = match input.occupation_code.as_deref() {
        Some(code) if models::occupations::exists(connection, code)? => Some(code.to_owned()),
        Some(_) => {
            checks.fail("occupation_code", "unknown_occupation");
            None
        }
        None => checks.required("occupation_code", None),
    };
    let activity = input
        .activity
        .as_deref()
        .and_then(|raw| checks.text("activity", raw, 500, true))
        .unwrap_or_default();
    let expected_income_vnd = input
        .expected_income_vnd
        .and_then(|income| checks.amount("expected_income_vnd", income));
    let place = input
        .place
        .as_deref()
        .and_then(|raw| checks.text("place", raw, 300, true))
        .unwrap_or_default();
    checks.finish()?;
    let (Some(kind), Some(start_date), Some(occupation_code)) = (kind, start_date, occupation_code)
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "work checks passed without required values"
        )));
    };
    let now = accounts::now();
    let household_status = status_on(connection, worker_id, start_date)?;
    let placement = NewPlacement {
        id: new_id().into(),
        referral_id: None,
        worker_id: worker_id.to_owned(),
        vacancy_id: None,
        employer_id: None,
        kind,
        occupation_code: Some(occupation_code),
        activity,
        expected_income_vnd,
        place,
        model_id,
        start_date,
        wage_vnd: None,
        is_overseas: false,
        country: None,
        household_status_snapshot: household_status,
        poor_area_snapshot: progress::facts::poor_or_difficult_area(connection, &commune_id)?,
        commune_id_snapshot: commune_id,
        status: PlacementStatus::Active,
        withdrawn_reason: None,
        withdrawn_at: None,
        confirmed_by: Some(principal.user_id.clone()).filter(|id| !id.is_empty()),
        confirmed_at: now,
        created_at: now,
        updated_at: now,
    };
    models::placements::insert(connection, &placement)?;
    schedule_follow_ups(connection, &placement.id, start_date, now)?;
    models::workers::set_availability(connection, worker_id, Availability::Employed, now)?;
    effects::work(
        connection,
        &placement.id,
        worker_id,
        Audit {
            actor: &principal.actor(),
            action: "create",
            fields: &[
                "kind",
                "start_date",
                "occupation_code",
                "household_status_snapshot",
            ],
            at: now,
        },
    )?;
    read(connection, principal, &placement.id)
}

/// One record of work outside a vacancy, within the caller's reach.
pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<WorkView, AppError> {
    let placement = models::placements::find(connection, id)?
        .filter(|placement| placement.kind != WorkKind::WageJob)
        .ok_or(AppError::NotFound)?;
    staff_reach(principal, &placement.commune_id_snapshot)?;
    Ok(placement.into())
}

/// A worker's records of work outside a vacancy, newest first.
pub fn of_worker(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
) -> Result<Vec<WorkView>, AppError> {
    reach_worker(connection, principal, worker_id)?;
    Ok(
        models::placements::outside_vacancies_of(connection, worker_id)?
            .into_iter()
            .map(WorkView::from)
            .collect(),
    )
}

/// Withdraws a record (recorded in error, or the work never began): it counts nowhere, its
/// pending follow-ups go, and the worker seeks work again unless placed elsewhere.
pub fn withdraw(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: WithdrawInput,
) -> Result<WorkView, AppError> {
    connection.write_transaction(|connection| withdraw_rows(connection, principal, id, input))
}

fn withdraw_rows(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: WithdrawInput,
) -> Result<WorkView, AppError> {
    let work = read(connection, principal, id)?;
    let mut checks = Checks::default();
    let reason = match input.reason.as_deref() {
        Some(raw) => checks.text("reason", raw, 500, false),
        None => checks.required("reason", None),
    };
    checks.finish()?;
    if work.status == PlacementStatus::Withdrawn {
        return Err(AppError::Conflict("already_withdrawn"));
    }
    let now = accounts::now();
    models::placements::withdraw(connection, id, reason.as_deref().unwrap_or_default(), now)?;
    models::follow_ups::delete_pending(connection, id)?;
    if models::placements::active_for_worker(connection, &work.worker_id)? == 0 {
        models::workers::set_availability(connection, &work.worker_id, Availability::Seeking, now)?;
    }
    effects::work(
        connection,
        id,
        &work.worker_id,
        Audit {
            actor: &principal.actor(),
            action: "update",
            fields: &["status", "withdrawn_reason"],
            at: now,
        },
    )?;
    read(connection, principal, id)
}

/// The household status in force on `day` for the worker's household: the latest review in or
/// before that year, else the household's status now; none without a household.
pub(crate) fn status_on(
    connection: &mut DbConn,
    worker_id: &str,
    day: NaiveDate,
) -> Result<Option<HouseholdStatus>, AppError> {
    let (_, household_id) = models::workers::commune_and_household(connection, worker_id)?;
    let Some(household) = household_id else {
        return Ok(None);
    };
    let year = chrono::Datelike::year(&day);
    Ok(
        match models::household_reviews::status_in(connection, &household, year)? {
            Some(status) => Some(status),
            None => models::households::status_of(connection, &household)?,
        },
    )
}

/// The follow-ups of a placement, due 3, 6 and 12 months after its first day.
pub(crate) fn schedule_follow_ups(
    connection: &mut DbConn,
    placement_id: &PlacementId,
    start_date: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    for months in [3_u32, 6, 12] {
        models::follow_ups::insert(
            connection,
            &NewFollowUp {
                id: new_id().into(),
                placement_id: placement_id.clone(),
                months_after_start: months as i32,
                due_on: start_date
                    .checked_add_months(Months::new(months))
                    .unwrap_or(start_date),
                outcome: FollowUpOutcome::Pending,
                left_reason: None,
                note: String::new(),
                recorded_on: None,
                recorded_by: None,
                income_vnd: None,
                created_at: now,
                updated_at: now,
            },
        )?;
    }
    Ok(())
}
