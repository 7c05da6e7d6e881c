//! The overseas pipeline of a referral (training → contract → departure → working abroad →
//! returned), and referrals an employer left unanswered: flagged after some days, then closed.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::referrals::{Referral, ReferralView, check_reach, find, view};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::checks::Checks;
use crate::domain::statuses::ReferralStatus;
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::models;
use crate::models::overseas_stages::{OverseasStage, STAGES};
use crate::models::referrals::ReferralFilter;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    /// training, contract, departure, working or returned — each after the one before.
    pub stage: String,
    /// The day it happened (default today; never in the future).
    pub reached_on: Option<String>,
    pub note: Option<String>,
}

/// `POST /api/v1/referrals/{id}/overseas-stages`: staff record the next stage of an overseas
/// referral. The contract and later stages need the hire; the departure counts toward the
/// overseas target.
pub fn record_stage(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: StageInput,
) -> Result<ReferralView, AppError> {
    if !matches!(
        allowed(Some(principal.role), Resource::Workers, Action::Update),
        Scope::All | Scope::Area
    ) {
        return Err(AppError::Forbidden);
    }
    let mut checks = Checks::default();
    let stage = checks.choice("stage", input.stage.trim(), STAGES);
    let today = accounts::now().date();
    let reached_on = checks.past_day("reached_on", input.reached_on.as_deref(), today);
    let note = input
        .note
        .as_deref()
        .and_then(|raw| checks.text("note", raw, 2000, false))
        .unwrap_or_default();
    checks.finish()?;
    let (stage, reached_on) = (stage.unwrap_or_default(), reached_on.unwrap_or(today));
    let referral = find(connection, id)?.ok_or(AppError::NotFound)?;
    if check_reach(connection, principal, &referral)? {
        return Err(AppError::Forbidden);
    }
    if !models::vacancies::is_overseas(connection, &referral.vacancy_id)? {
        return Err(AppError::field("stage", "not_overseas"));
    }
    let now = accounts::now();
    connection.write_transaction(|connection| {
        // Serialises with hires and withdrawals of the same vacancy.
        models::vacancies::lock(connection, &referral.vacancy_id, now)?;
        let current: Referral = find(connection, id)?.ok_or(AppError::NotFound)?;
        let position = STAGES.iter().position(|known| *known == stage).unwrap_or(0);
        let needs_hire = position >= 1;
        if matches!(
            current.status,
            ReferralStatus::Rejected | ReferralStatus::Withdrawn
        ) || (needs_hire && current.status != ReferralStatus::Hired)
        {
            return Err(AppError::Conflict("contract_needs_hire"));
        }
        let reached = models::overseas_stages::of_referral(connection, id)?;
        if reached.iter().any(|(known, _, _)| *known == stage) {
            return Err(AppError::Conflict("stage_recorded"));
        }
        if let Some(previous) = position.checked_sub(1).map(|at| STAGES[at]) {
            match reached.iter().find(|(known, _, _)| known == previous) {
                None => return Err(AppError::Conflict("stage_order")),
                Some((_, day, _)) if *day > reached_on => {
                    return Err(AppError::field("reached_on", "date_order"));
                }
                Some(_) => {}
            }
        }
        models::overseas_stages::insert(
            connection,
            &OverseasStage {
                id: new_id(),
                referral_id: id.to_owned(),
                stage: stage.clone(),
                reached_on,
                note: note.clone(),
                recorded_by: Some(principal.user_id.clone()),
                created_at: now,
            },
        )?;
        effects::overseas_stage(
            connection,
            id,
            &current.worker_id,
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &["overseas_stage"],
                at: now,
            },
        )?;
        let stored = find(connection, id)?.ok_or(AppError::NotFound)?;
        Ok(view(connection, principal, stored)?)
    })
}

/// After how many days without an employer's answer a referral is flagged, and closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnansweredPolicy {
    pub flag_after_days: i64,
    pub close_after_days: i64,
}

impl Default for UnansweredPolicy {
    fn default() -> Self {
        UnansweredPolicy {
            flag_after_days: 14,
            close_after_days: 30,
        }
    }
}

impl UnansweredPolicy {
    /// `KETNOI_REFERRAL_FLAG_DAYS` and `KETNOI_REFERRAL_CLOSE_DAYS`, defaults 14 and 30.
    pub fn from_env() -> Result<UnansweredPolicy, String> {
        let read = |name: &str, default: i64| -> Result<i64, String> {
            match std::env::var(name) {
                Err(_) => Ok(default),
                Ok(raw) => raw
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|days| (1..=3650).contains(days))
                    .ok_or_else(|| {
                        format!("{name}: {raw:?} is not a number of days from 1 to 3650")
                    }),
            }
        };
        let defaults = UnansweredPolicy::default();
        let policy = UnansweredPolicy {
            flag_after_days: read("KETNOI_REFERRAL_FLAG_DAYS", defaults.flag_after_days)?,
            close_after_days: read("KETNOI_REFERRAL_CLOSE_DAYS", defaults.close_after_days)?,
        };
        if policy.close_after_days <= policy.flag_after_days {
            return Err(
                "KETNOI_REFERRAL_CLOSE_DAYS must be more than KETNOI_REFERRAL_FLAG_DAYS".into(),
            );
        }
        Ok(policy)
    }
}

/// How many referrals a sweep flagged and closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Swept {
    pub flagged: usize,
    pub closed: usize,
}

/// Flags referrals sent to an employer (`referred`) and unanswered for the policy's days, and
/// closes as withdrawn those unanswered for longer. Idempotent; run periodically.
pub fn sweep_unanswered(
    connection: &mut DbConn,
    policy: UnansweredPolicy,
    now: NaiveDateTime,
) -> QueryResult<Swept> {
    connection.write_transaction(|connection| {
        let flag_before = now - Duration::days(policy.flag_after_days);
        let flagged = models::referrals::flag_unanswered(connection, flag_before, now)?;
        let close_before = now - Duration::days(policy.close_after_days);
        let closing = models::referrals::unanswered_since(connection, close_before)?;
        for (id, worker_id) in &closing {
            models::referrals::close_unanswered(connection, id, now)?;
            effects::referral_closed_unanswered(connection, worker_id, now)?;
        }
        Ok(Swept {
            flagged,
            closed: closing.len(),
        })
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReferralQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Only referrals flagged as unanswered and still open.
    pub stale: Option<bool>,
    pub vacancy_id: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

/// `GET /api/v1/referrals`: staff see those of workers in their area, an employer those of its
/// vacancies (never shortlists), newest change first.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: ReferralQuery,
) -> Result<Vec<ReferralView>, AppError> {
    let mut checks = Checks::default();
    let status = query
        .status
        .as_deref()
        .and_then(|raw| checks.choice("status", raw, super::referrals::STATUSES));
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        checks.fail_with(
            crate::error::FieldError::new("limit", "out_of_range")
                .with("min", "1")
                .with("max", "200"),
        );
    }
    checks.finish()?;
    let mut filter = ReferralFilter {
        status,
        stale: query.stale == Some(true),
        vacancy_id: query.vacancy_id,
        limit,
        ..ReferralFilter::default()
    };
    if let Some(employer) = &principal.employer_id {
        filter.employer_id = Some(employer.clone());
    } else {
        match allowed(Some(principal.role), Resource::Workers, Action::List) {
            Scope::All => {}
            Scope::Area => filter.area_units.clone_from(&principal.area_units),
            _ => return Err(AppError::Forbidden),
        }
    }
    let rows: Vec<Referral> = models::referrals::list(connection, filter)?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        views.push(view(connection, principal, row)?);
    }
    Ok(views)
}

/// A worker's referrals, newest first, for staff who may list the worker (an officer with an
/// area only within it).
pub fn list_for_worker(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
) -> Result<Vec<ReferralView>, AppError> {
    match allowed(Some(principal.role), Resource::Workers, Action::List) {
        Scope::All => {}
        Scope::Area => {
            let commune = models::workers::commune_of(connection, worker_id)?;
            let inside = commune.is_some_and(|commune| {
                principal
                    .area_units
                    .as_ref()
                    .is_none_or(|units| units.contains(&commune))
            });
            if !inside {
                return Err(AppError::NotFound);
            }
        }
        _ => return Err(AppError::Forbidden),
    }
    let rows = models::referrals::of_worker(connection, worker_id)?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        views.push(view(connection, principal, row)?);
    }
    Ok(views)
}

/// Sweeps unanswered referrals every 15 minutes for as long as the server runs.
pub fn spawn_sweeper(
    pool: crate::db::pool::DbPool,
    policy: UnansweredPolicy,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("referral-sweeper".into())
        .spawn(move || {
            loop {
                match pool.get() {
                    Ok(mut connection) => {
                        match sweep_unanswered(&mut connection, policy, accounts::now()) {
                            Ok(swept) if swept.flagged + swept.closed > 0 => tracing::info!(
                                flagged = swept.flagged,
                                closed = swept.closed,
                                "unanswered referrals swept"
                            ),
                            Ok(_) => {}
                            Err(error) => {
                                tracing::warn!(%error, "sweeping unanswered referrals failed")
                            }
                        }
                    }
                    Err(error) => tracing::warn!(%error, "no connection for the referral sweep"),
                }
                std::thread::sleep(std::time::Duration::from_secs(15 * 60));
            }
        })
        .map(drop)
}
