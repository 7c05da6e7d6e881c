//! Referrals move `shortlisted → referred → interview → hired | rejected | withdrawn`. A hire
//! makes the placement in the same transaction, with snapshots of the household status and
//! the poor-area flag as they are at that moment, and its follow-ups at 3, 6 and 12 months;
//! a withdrawn hire reverses it. Hires never outnumber positions: the transaction starts by
//! writing the vacancy row, which serialises concurrent hires on both backends (a row lock on
//! PostgreSQL, the single write lock on SQLite) before anything is counted.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::checks::Checks;
use crate::domain::ids::{PlacementId, ReferralId};
use crate::domain::statuses::{ReferralStatus, RejectionReason};
use crate::effects::{self, Audit};
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::mail;
use crate::models::overseas_stages::STAGES;
use crate::models::placements::NewPlacement;
pub(crate) use crate::models::referrals::{Referral, find};
use crate::models::{self, referrals::NewReferral};
use crate::progress;
use crate::search::SearchIndex;
use crate::search::matching::{self, VacancyProbe, Weights};
use crate::search::service::{
    SHORTLIST_DEPTH, ranked_workers, referred_to_vacancy, vacancy_probe_parts,
};

mod moves;

pub use moves::change;

pub const STATUSES: &[&str] = ReferralStatus::NAMES;
pub const REJECTION_REASONS: &[&str] = RejectionReason::NAMES;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    pub vacancy_id: Option<String>,
    pub worker_id: Option<String>,
    /// `referred` (default: the employer sees the profile) or `shortlisted` (staff only).
    pub status: Option<String>,
    pub note: Option<String>,
    /// Required when the worker is not on the ranked list the officer is shown for the vacancy
    /// (the first 20, within the officer's area): why staff chose them over the ranking.
    pub override_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralChange {
    pub status: String,
    /// Required for `rejected`: no_show, skills, wage, distance, position_filled, other.
    pub rejection_reason: Option<String>,
    /// Required when withdrawing a hire.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// For `hired`: the first working day (default today).
    pub start_date: Option<String>,
    /// For `hired`: the agreed monthly wage.
    pub wage_vnd: Option<i64>,
    /// For `interview`: when, Vietnam time (`2026-12-01T08:30`); the worker's invitation says it.
    pub interview_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferralView {
    #[schema(value_type = String)]
    pub id: ReferralId,
    pub vacancy_id: String,
    pub worker_id: String,
    #[schema(value_type = String)]
    pub status: ReferralStatus,
    /// The match as staff saw it when referring. An employer reads only how the person fits
    /// the work: no household, ethnicity or disability priority, no other referrals.
    pub match_score: Option<f64>,
    pub match_explanation: String,
    /// The worker's place on the ranked list the referring officer was shown (staff only).
    pub match_rank: Option<i32>,
    /// Why staff referred a worker who was not on that list (staff only).
    pub override_reason: Option<String>,
    #[schema(value_type = Option<String>)]
    pub rejection_reason: Option<RejectionReason>,
    pub status_note: String,
    pub status_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    /// The placement a hire made (active or withdrawn).
    #[schema(value_type = Option<String>)]
    pub placement_id: Option<PlacementId>,
    /// When the referral was flagged as unanswered by the employer.
    pub stale_since: Option<NaiveDateTime>,
    /// Withdrawn because the employer never answered.
    pub closed_unanswered: bool,
    /// Overseas vacancies: the stages reached, in order.
    pub overseas_stages: Vec<StageView>,
    /// When the interview was set for, Vietnam time.
    pub interview_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageView {
    pub stage: String,
    pub reached_on: NaiveDate,
    pub note: String,
}

/// The statuses an employer sets (and whose notes it wrote).
const EMPLOYER_STEPS: [&str; 3] = ["interview", "hired", "rejected"];

/// The referral as `principal` may read it: an employer gets the employer's explanation and
/// none of staff's reasons.
pub(crate) fn view(
    connection: &mut DbConn,
    principal: &Principal,
    referral: Referral,
) -> QueryResult<ReferralView> {
    let for_employer = principal.employer_id.is_some();
    let placement_id = models::placements::of_referral(connection, &referral.id)?;
    let mut overseas_stages: Vec<StageView> =
        models::overseas_stages::of_referral(connection, &referral.id)?
            .into_iter()
            .map(|(stage, reached_on, note)| StageView {
                stage,
                reached_on,
                note,
            })
            .collect();
    overseas_stages.sort_by_key(|stage| {
        STAGES
            .iter()
            .position(|known| *known == stage.stage)
            .unwrap_or(STAGES.len())
    });
    // Staff's notes on referring or withdrawing are theirs; an employer reads the notes of the
    // steps it takes itself.
    let status_note = if for_employer && !EMPLOYER_STEPS.contains(&referral.status.as_str()) {
        String::new()
    } else {
        referral.status_note
    };
    Ok(ReferralView {
        id: referral.id,
        vacancy_id: referral.vacancy_id,
        worker_id: referral.worker_id,
        status: referral.status,
        // The score adds household, ethnicity and disability priority: staff only.
        match_score: referral.match_score.filter(|_| !for_employer),
        match_explanation: if for_employer {
            referral.employer_explanation
        } else {
            referral.match_explanation
        },
        match_rank: referral.match_rank.filter(|_| !for_employer),
        override_reason: referral.override_reason.filter(|_| !for_employer),
        rejection_reason: referral.rejection_reason,
        status_note,
        status_changed_at: referral.status_changed_at,
        created_at: referral.created_at,
        placement_id,
        stale_since: referral.stale_since,
        closed_unanswered: referral.closed_unanswered,
        overseas_stages,
        interview_at: referral.interview_at,
    })
}

/// Staff reach a worker in their area; everyone else is refused.
pub(crate) fn staff_reach(principal: &Principal, commune_id: &str) -> Result<(), AppError> {
    match allowed(Some(principal.role), Resource::Workers, Action::Update) {
        Scope::All => Ok(()),
        Scope::Area
            if principal
                .area_units
                .as_ref()
                .is_none_or(|units| units.iter().any(|unit| unit == commune_id)) =>
        {
            Ok(())
        }
        Scope::Area => Err(AppError::NotFound),
        _ => Err(AppError::Forbidden),
    }
}

/// `2026-12-01T08:30` (seconds allowed), Vietnam time.
fn interview_time(raw: &str) -> Result<NaiveDateTime, &'static str> {
    let raw = raw.trim();
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "invalid_datetime")
}

fn note(checks: &mut Checks, raw: Option<&str>) -> String {
    raw.and_then(|raw| checks.text("note", raw, 2000, false))
        .unwrap_or_default()
}

/// A referral as sent, checked.
struct Sent {
    vacancy_id: String,
    worker_id: String,
    status: ReferralStatus,
    status_note: String,
    override_reason: Option<String>,
    /// The worker's commune.
    commune_id: Option<String>,
}

/// The match as it stands when referring, kept with the referral.
struct Standing {
    ranked: Option<matching::Ranked>,
    /// The worker's place on the list the officer is shown, if on it.
    match_rank: Option<i32>,
}

/// `POST /api/v1/referrals`: staff refer (or shortlist) a worker for a vacancy, keeping the
/// match score and explanation as they were.
pub fn create(
    connection: &mut DbConn,
    index: &SearchIndex,
    weights: &Weights,
    principal: &Principal,
    input: ReferralInput,
    lang: Lang,
) -> Result<ReferralView, AppError> {
    if !matches!(
        allowed(Some(principal.role), Resource::Workers, Action::Update),
        Scope::All | Scope::Area
    ) {
        return Err(AppError::Forbidden);
    }
    let sent = check(connection, input)?;
    if let Some(commune_id) = &sent.commune_id {
        staff_reach(principal, commune_id)?;
    }
    let standing = standing(connection, index, weights, principal, &sent, lang)?;
    if standing.ranked.is_some() && standing.match_rank.is_none() && sent.override_reason.is_none()
    {
        return Err(AppError::Validation(vec![
            FieldError::new("override_reason", "override_reason_required")
                .with("depth", SHORTLIST_DEPTH.to_string()),
        ]));
    }
    let now = accounts::now();
    let referral = NewReferral {
        id: new_id().into(),
        vacancy_id: sent.vacancy_id,
        worker_id: sent.worker_id,
        status: sent.status,
        match_score: standing.ranked.as_ref().map(|rank| rank.score),
        match_explanation: standing
            .ranked
            .as_ref()
            .map(|rank| matching::explain(&rank.reasons, lang))
            .unwrap_or_default(),
        employer_explanation: standing
            .ranked
            .as_ref()
            .map(|rank| matching::explain_for_employer(&rank.reasons, lang))
            .unwrap_or_default(),
        match_rank: standing.match_rank,
        override_reason: sent.override_reason,
        rejection_reason: None,
        status_note: sent.status_note,
        created_by: Some(principal.user_id.clone()),
        status_changed_at: now,
        created_at: now,
        updated_at: now,
        shared_at: (sent.status != ReferralStatus::Shortlisted).then_some(now),
    };
    store(connection, principal, &referral)
}

/// Every field of the referral, and that its vacancy is open and its worker known (and
/// consenting, when the profile goes to the employer).
fn check(connection: &mut DbConn, input: ReferralInput) -> Result<Sent, AppError> {
    let mut checks = Checks::default();
    let mut required = |field: &str, value: Option<String>| {
        let value = value.map(|raw| raw.trim().to_owned()).unwrap_or_default();
        if value.is_empty() {
            checks.fail(field, "required");
        }
        value
    };
    let vacancy_id = required("vacancy_id", input.vacancy_id);
    let worker_id = required("worker_id", input.worker_id);
    let status = match input.status.as_deref() {
        None => ReferralStatus::Referred,
        Some(raw) => checks
            .one_of("status", raw, &["shortlisted", "referred"])
            .unwrap_or(ReferralStatus::Referred),
    };
    let status_note = note(&mut checks, input.note.as_deref());
    let override_reason = input
        .override_reason
        .as_deref()
        .and_then(|raw| checks.text("override_reason", raw, 500, false));
    match models::vacancies::live_status(connection, &vacancy_id)? {
        None if !vacancy_id.is_empty() => checks.fail("vacancy_id", "unknown_vacancy"),
        Some(state) if state != "open" => checks.fail("vacancy_id", "vacancy_not_open"),
        _ => {}
    }
    let worker = models::workers::live_commune_and_consent(connection, &worker_id)?;
    match &worker {
        None if !worker_id.is_empty() => checks.fail("worker_id", "unknown_worker"),
        // A profile reaches an employer only with the worker's consent.
        Some((_, false)) if status == "referred" => checks.fail("worker_id", "no_consent"),
        _ => {}
    }
    checks.finish()?;
    Ok(Sent {
        vacancy_id,
        worker_id,
        status,
        status_note,
        override_reason,
        commune_id: worker.map(|(commune_id, _)| commune_id),
    })
}

/// The worker's score for the vacancy now, and where they stand on the list the officer is
/// shown; refuses a worker already referred to it.
fn standing(
    connection: &mut DbConn,
    index: &SearchIndex,
    weights: &Weights,
    principal: &Principal,
    sent: &Sent,
    lang: Lang,
) -> Result<Standing, AppError> {
    let (facts, text) = vacancy_probe_parts(connection, index.reference(), &sent.vacancy_id)?;
    let referred = referred_to_vacancy(connection, &sent.vacancy_id)?;
    let probe = VacancyProbe {
        facts,
        text: &text,
        referred: &referred,
        today: accounts::now().date(),
    };
    let ranked = matching::score_listed(
        &index.snapshot()?,
        index.fields(),
        weights,
        &probe,
        std::slice::from_ref(&sent.worker_id),
    )?
    .pop()
    .flatten();
    not_referred_yet(connection, &sent.vacancy_id, &sent.worker_id)?;
    // Referring an indexed worker who is not on the list overrides the ranking, which takes a
    // reason.
    let shortlist = ranked_workers(
        connection,
        index,
        weights,
        principal,
        &probe,
        SHORTLIST_DEPTH,
        lang,
    )?;
    let match_rank = shortlist
        .iter()
        .position(|item| item.worker_id == sent.worker_id)
        .and_then(|at| i32::try_from(at + 1).ok());
    Ok(Standing { ranked, match_rank })
}

/// Writes the referral with what follows it (the employer's mail, the search change, the
/// audit entry) and answers it as stored.
fn store(
    connection: &mut DbConn,
    principal: &Principal,
    referral: &NewReferral,
) -> Result<ReferralView, AppError> {
    let now = referral.created_at;
    connection.write_transaction(|connection| {
        // Again inside the transaction: another officer may have referred them meanwhile.
        not_referred_yet(connection, &referral.vacancy_id, &referral.worker_id)?;
        models::referrals::insert(connection, referral)?;
        if referral.status == "referred" {
            mail::events::referred(
                connection,
                &referral.id,
                &referral.vacancy_id,
                &referral.worker_id,
                &referral.employer_explanation,
                &referral.status_note,
                now,
            )?;
        }
        effects::referral(
            connection,
            &referral.id,
            &referral.worker_id,
            None,
            Audit {
                actor: &principal.actor(),
                action: "create",
                fields: if referral.override_reason.is_some() {
                    &["vacancy_id", "worker_id", "status", "override_reason"]
                } else {
                    &["vacancy_id", "worker_id", "status"]
                },
                at: now,
            },
        )?;
        let stored = find(connection, &referral.id)?.ok_or(AppError::NotFound)?;
        Ok(view(connection, principal, stored)?)
    })
}

/// A worker is referred to a vacancy once: a second referral points to the first.
fn not_referred_yet(
    connection: &mut DbConn,
    vacancy_id: &str,
    worker_id: &str,
) -> Result<(), AppError> {
    match models::referrals::id_for(connection, vacancy_id, worker_id)? {
        Some(existing) => Err(AppError::Duplicate {
            field: "worker_id",
            kind: "referrals",
            id: existing,
        }),
        None => Ok(()),
    }
}

/// `GET /api/v1/referrals/{id}`.
pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<ReferralView, AppError> {
    let referral = find(connection, id)?.ok_or(AppError::NotFound)?;
    check_reach(connection, principal, &referral)?;
    Ok(view(connection, principal, referral)?)
}

/// Staff in reach of the worker; an employer for its own vacancy's referrals (not shortlists).
/// Answers whether the caller is that employer.
pub(crate) fn check_reach(
    connection: &mut DbConn,
    principal: &Principal,
    referral: &Referral,
) -> Result<bool, AppError> {
    if principal.employer_id.is_some() {
        let owner = models::vacancies::employer_of(connection, &referral.vacancy_id)?;
        if principal.employer_id.as_deref() != Some(owner.as_str()) || referral.shared_at.is_none()
        {
            return Err(AppError::NotFound);
        }
        return Ok(true);
    }
    let commune_id =
        models::workers::commune_of(connection, &referral.worker_id)?.ok_or(AppError::NotFound)?;
    staff_reach(principal, &commune_id)?;
    Ok(false)
}
