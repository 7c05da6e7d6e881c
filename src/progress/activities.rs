//! What came of the poverty-reduction models and the job fairs: a model's outcomes (households
//! taking part, those poor or near-poor when they joined that a later review found out of
//! poverty, the change in income per person) and a fair's results (registered, came, referred,
//! interviewed, hired, hired from target households); and the lines the report lists for a
//! window and a set of communes.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::facts::TARGET_STATUSES;
use super::figures::Window;
use crate::db::DbConn;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::i18n::texts::Tr;
use crate::models;
use crate::models::livelihood_models::Participant;

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Outcomes {
    /// Households with a member taking part.
    pub households: i64,
    /// Of those poor or near-poor when they joined, how many a later review found out of
    /// poverty, and how many had a later review at all.
    pub left_poverty: i64,
    pub reviewed_after: i64,
    /// The average change in income per person (đồng a month) between the review before
    /// joining and the latest after, over the households with both.
    pub average_income_change_vnd: Option<i64>,
}

/// What came of a fair.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct FairResults {
    pub registered: i64,
    pub attended: i64,
    pub referrals: i64,
    pub interviews: i64,
    pub hires: i64,
    /// Hires of workers from poor, near-poor or newly-escaped households (as hired).
    pub hires_target_households: i64,
}

fn poor_or_near_poor(status: &str) -> bool {
    matches!(status, "poor" | "near_poor")
}

/// A model's outcomes over its participants whose work stands.
pub fn model_outcomes(
    connection: &mut DbConn,
    participants: &[Participant],
) -> Result<Outcomes, AppError> {
    let mut outcomes = Outcomes::default();
    let mut households: Vec<&str> = Vec::new();
    let mut changes: Vec<i64> = Vec::new();
    for participant in participants.iter().filter(|participant| participant.active) {
        let Some(household) = participant.household_id.as_deref() else {
            continue;
        };
        if households.contains(&household) {
            continue;
        }
        households.push(household);
        let (before, after) = models::livelihood_models::reviews_around(
            connection,
            household,
            participant.start_date,
        )?;
        let target = participant
            .household_status_snapshot
            .as_deref()
            .is_some_and(poor_or_near_poor);
        if let Some((status, income)) = &after {
            if target {
                outcomes.reviewed_after += 1;
                if !poor_or_near_poor(status) {
                    outcomes.left_poverty += 1;
                }
            }
            if let Some((_, before_income)) = &before {
                changes.push(income - before_income);
            }
        }
    }
    outcomes.households = households.len() as i64;
    outcomes.average_income_change_vnd =
        (!changes.is_empty()).then(|| changes.iter().sum::<i64>() / changes.len() as i64);
    Ok(outcomes)
}

/// A fair's results.
pub fn fair_results(connection: &mut DbConn, fair_id: &str) -> Result<FairResults, AppError> {
    let counts = models::job_fairs::counts(connection, fair_id)?;
    Ok(FairResults {
        registered: counts.registered,
        attended: counts.attended,
        referrals: counts.referrals,
        interviews: counts.interviews,
        hires: counts.hire_statuses.len() as i64,
        hires_target_households: counts
            .hire_statuses
            .iter()
            .filter(|status| {
                status
                    .as_deref()
                    .is_some_and(|status| TARGET_STATUSES.contains(&status))
            })
            .count() as i64,
    })
}

/// A model as the report lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelLine {
    pub id: String,
    pub name: String,
    /// The type's name in the report's language.
    pub model_type: String,
    /// The communes it serves, by name.
    pub communes: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub budget_vnd: Option<i64>,
    pub support_per_household_vnd: Option<i64>,
    /// Participants whose work stands.
    pub participants: i64,
    pub outcomes: Outcomes,
}

/// A fair as the report lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FairLine {
    pub id: String,
    pub name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub organiser: String,
    /// The communes it serves, by name.
    pub communes: Vec<String>,
    pub results: FairResults,
}

/// Whether something serving `served` belongs in a report on `communes` (every commune when
/// `None`; a province-wide event, serving no commune in particular, belongs in every report).
fn serves(served: &[String], communes: Option<&HashSet<String>>) -> bool {
    match communes {
        None => true,
        Some(communes) => served.is_empty() || served.iter().any(|id| communes.contains(id)),
    }
}

fn commune_names(connection: &mut DbConn, ids: &[String]) -> Result<Vec<String>, AppError> {
    let mut names: Vec<String> = models::admin_units::names(connection, ids.to_vec())?
        .into_values()
        .collect();
    names.sort();
    Ok(names)
}

/// The models running in the window that serve one of the communes, model by model.
pub fn models_in(
    connection: &mut DbConn,
    window: &Window,
    communes: Option<&HashSet<String>>,
    lang: Lang,
) -> Result<Vec<ModelLine>, AppError> {
    let tr = Tr { lang };
    let mut lines = Vec::new();
    for (model, served) in
        models::livelihood_models::running_between(connection, window.from, window.to)?
    {
        if !serves(&served, communes) {
            continue;
        }
        let participants = models::livelihood_models::participants(connection, &model.id)?;
        let outcomes = model_outcomes(connection, &participants)?;
        lines.push(ModelLine {
            model_type: tr
                .t_or(
                    &format!("model_type.{}", model.model_type),
                    &model.model_type,
                )
                .to_owned(),
            communes: commune_names(connection, &served)?,
            participants: participants
                .iter()
                .filter(|participant| participant.active)
                .count() as i64,
            outcomes,
            id: model.id,
            name: model.name,
            starts_on: model.starts_on,
            ends_on: model.ends_on,
            budget_vnd: model.budget_vnd,
            support_per_household_vnd: model.support_per_household_vnd,
        });
    }
    Ok(lines)
}

/// The fairs held in the window that serve one of the communes, in order.
pub fn fairs_in(
    connection: &mut DbConn,
    window: &Window,
    communes: Option<&HashSet<String>>,
) -> Result<Vec<FairLine>, AppError> {
    let mut lines = Vec::new();
    for (fair, served) in models::job_fairs::held_between(connection, window.from, window.to)? {
        if !serves(&served, communes) {
            continue;
        }
        lines.push(FairLine {
            results: fair_results(connection, &fair.id)?,
            communes: commune_names(connection, &served)?,
            id: fair.id,
            name: fair.name,
            held_on: fair.held_on,
            place: fair.place,
            organiser: fair.organiser,
        });
    }
    Ok(lines)
}
