//! Job fairs (phiên giao dịch việc làm): an event staff organise for some communes, the
//! vacancies employers bring, the workers registered and whether they came (attending is a
//! `job_fair` service record, which counts toward "counselled"), and referrals made at the fair,
//! whose interviews and hires become the fair's results. The public sees upcoming fairs with
//! their employers and vacancies, and nothing about any person.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::checks::Checks;
use crate::domain::text::fold;
use crate::domain::values;
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::hiring::referrals::staff_reach;
use crate::hiring::referrals::{self, ReferralInput, ReferralView};
use crate::hiring::staff_only;
use crate::i18n::Lang;
use crate::models::{self, audit, job_fairs::JobFair, service_records::NewServiceRecord};
pub use crate::progress::activities::FairResults;
use crate::progress::activities::fair_results;
use crate::search::SearchIndex;
use crate::search::matching::Weights;

/// `POST /api/v1/job-fairs`.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FairInput {
    pub name: Option<String>,
    /// The day (`YYYY-MM-DD`).
    pub held_on: Option<String>,
    pub place: Option<String>,
    pub online: Option<bool>,
    pub organiser: Option<String>,
    /// The communes it serves (codes).
    pub commune_codes: Option<Vec<String>>,
    pub description: Option<String>,
}

/// `POST /api/v1/job-fairs/{id}/workers`: a worker registered for the fair; `attended` records
/// that they came (the fair must have been held).
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FairWorkerInput {
    pub worker_id: Option<String>,
    pub attended: Option<bool>,
}

/// `POST /api/v1/job-fairs/{id}/vacancies`.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FairVacancyInput {
    pub vacancy_id: Option<String>,
}

/// A vacancy brought to a fair.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FairVacancy {
    pub vacancy_id: String,
    pub employer_id: String,
    pub title: String,
    pub employer: String,
    pub positions: i32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FairView {
    pub id: String,
    pub name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub online: bool,
    pub organiser: String,
    pub description: String,
    /// The communes it serves as `[code, name]`.
    pub communes: Vec<(String, String)>,
    pub vacancies: Vec<FairVacancy>,
    /// For staff only; absent on the public page.
    pub results: Option<FairResults>,
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: FairInput,
) -> Result<FairView, AppError> {
    staff_only(principal)?;
    let today = accounts::now().date();
    let mut checks = Checks::default();
    let name = match input.name.as_deref() {
        Some(raw) => checks.text("name", raw, 200, false),
        None => checks.required("name", None),
    };
    let held_on = match input.held_on.as_deref().map(values::date) {
        Some(Ok(day)) => Some(day),
        Some(Err(code)) => {
            checks.fail("held_on", code);
            None
        }
        None => checks.required("held_on", None),
    };
    let text = |checks: &mut Checks, field: &str, raw: &Option<String>, max: usize| {
        raw.as_deref()
            .and_then(|raw| checks.text(field, raw, max, true))
            .unwrap_or_default()
    };
    let place = text(&mut checks, "place", &input.place, 300);
    let organiser = text(&mut checks, "organiser", &input.organiser, 300);
    let description = text(&mut checks, "description", &input.description, 2000);
    let codes = input.commune_codes.clone().unwrap_or_default();
    let commune_ids = super::commune_ids(connection, &codes, today, &mut checks)?;
    checks.finish()?;
    let (Some(name), Some(held_on)) = (name, held_on) else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "fair checks passed without required values"
        )));
    };
    let now = accounts::now();
    let fair = JobFair {
        id: new_id(),
        search_name: fold(&name),
        name,
        held_on,
        place,
        online: input.online.unwrap_or(false),
        organiser,
        description,
        created_at: now,
        updated_at: now,
    };
    connection.write_transaction(|connection| {
        models::job_fairs::insert(connection, &fair, &commune_ids)?;
        audit::record(
            connection,
            &principal.actor(),
            "create",
            "job_fair",
            std::slice::from_ref(&fair.id),
            &["name", "held_on", "place", "communes"],
            now,
        )?;
        read(connection, Some(principal), &fair.id)
    })
}

/// Fairs, soonest first: for the public, those not yet held and no results; for an employer,
/// those too and every fair it brought a vacancy to; for staff, every fair with its results.
/// `q` finds them by name, accents optional.
pub fn list(
    connection: &mut DbConn,
    principal: Option<&Principal>,
    q: Option<&str>,
) -> Result<Vec<FairView>, AppError> {
    let is_staff = principal.is_some_and(|principal| staff_only(principal).is_ok());
    let from = (!is_staff).then(|| accounts::now().date());
    let folded = q.map(fold).filter(|q| !q.is_empty());
    let mut fairs = models::job_fairs::list(connection, from, folded.as_deref())?;
    if let Some(employer) = principal.and_then(|principal| principal.employer_id.as_deref()) {
        let known: Vec<String> = fairs.iter().map(|fair| fair.id.clone()).collect();
        let own = models::job_fairs::list_of_employer(connection, employer, folded.as_deref())?;
        fairs.extend(own.into_iter().filter(|fair| !known.contains(&fair.id)));
        fairs.sort_by(|a, b| (a.held_on, &a.id).cmp(&(b.held_on, &b.id)));
    }
    fairs
        .into_iter()
        .map(|fair| view(connection, is_staff, fair))
        .collect()
}

/// A fair: staff read any; an employer also a past fair it brought a vacancy to; the public
/// only one not yet held.
pub fn read(
    connection: &mut DbConn,
    principal: Option<&Principal>,
    id: &str,
) -> Result<FairView, AppError> {
    let is_staff = principal.is_some_and(|principal| staff_only(principal).is_ok());
    let fair = models::job_fairs::find(connection, id)?.ok_or(AppError::NotFound)?;
    let takes_part = match principal.and_then(|principal| principal.employer_id.as_deref()) {
        Some(employer) => models::job_fairs::employer_takes_part(connection, id, employer)?,
        None => false,
    };
    if !is_staff && !takes_part && fair.held_on < accounts::now().date() {
        return Err(AppError::NotFound);
    }
    view(connection, is_staff, fair)
}

/// An open or draft vacancy comes to the fair: staff bring any; an employer brings its own to
/// a fair not yet held.
pub fn add_vacancy(
    connection: &mut DbConn,
    principal: &Principal,
    fair_id: &str,
    input: FairVacancyInput,
) -> Result<FairView, AppError> {
    let own = match staff_only(principal) {
        Ok(()) => None,
        Err(refused) => Some(principal.employer_id.clone().ok_or(refused)?),
    };
    let fair = models::job_fairs::find(connection, fair_id)?.ok_or(AppError::NotFound)?;
    if own.is_some() && fair.held_on < accounts::now().date() {
        return Err(AppError::NotFound);
    }
    let Some(vacancy_id) = input.vacancy_id else {
        return Err(AppError::field("vacancy_id", "required"));
    };
    let vacancy = models::vacancies::find(connection, &vacancy_id)?
        .filter(|vacancy| own.as_ref().is_none_or(|own| &vacancy.employer_id == own))
        .filter(|vacancy| matches!(vacancy.status.as_str(), "open" | "draft"));
    if vacancy.is_none() {
        return Err(AppError::field("vacancy_id", "unknown_vacancy"));
    }
    connection.write_transaction(|connection| {
        models::job_fairs::add_vacancy(connection, fair_id, &vacancy_id)?;
        read(connection, Some(principal), fair_id)
    })
}

/// A worker within reach is registered for the fair; with `attended`, the `job_fair` service
/// record of their coming is made on the fair's day (once).
pub fn register_worker(
    connection: &mut DbConn,
    principal: &Principal,
    fair_id: &str,
    input: FairWorkerInput,
) -> Result<FairView, AppError> {
    staff_only(principal)?;
    let fair = models::job_fairs::find(connection, fair_id)?.ok_or(AppError::NotFound)?;
    let Some(worker_id) = input.worker_id.filter(|id| !id.trim().is_empty()) else {
        return Err(AppError::field("worker_id", "required"));
    };
    let attended = input.attended.unwrap_or(false);
    if attended && fair.held_on > accounts::now().date() {
        return Err(AppError::field("attended", "fair_not_held"));
    }
    // Within reach, or refused as not found.
    let (commune_id, _) = models::workers::live_commune_and_consent(connection, &worker_id)?
        .ok_or(AppError::NotFound)?;
    staff_reach(principal, &commune_id)?;
    connection.write_transaction(|connection| {
        let now = accounts::now();
        let record = if attended && !models::job_fairs::attended(connection, fair_id, &worker_id)? {
            let record = NewServiceRecord {
                id: new_id(),
                worker_id: worker_id.clone(),
                kind: "job_fair".to_owned(),
                provided_on: fair.held_on,
                note: fair.name.clone(),
                recorded_by: Some(principal.user_id.clone()).filter(|id| !id.is_empty()),
                created_at: now,
            };
            models::service_records::insert(connection, &record)?;
            effects::service_record(
                connection,
                &record.id,
                &worker_id,
                Audit {
                    actor: &principal.actor(),
                    action: "create",
                    fields: &["kind", "provided_on", "note"],
                    at: now,
                },
            )?;
            Some(record.id)
        } else {
            None
        };
        let newly = models::job_fairs::register_worker(
            connection,
            fair_id,
            &worker_id,
            record.as_deref(),
            now,
        )?;
        effects::fair_registration(
            connection,
            fair_id,
            &worker_id,
            newly,
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &["job_fair"],
                at: now,
            },
        )?;
        read(connection, Some(principal), fair_id)
    })
}

/// A referral made at the fair, to one of its vacancies: the pipeline as any referral, marked
/// with the fair so its interview and hire count as the fair's.
pub fn refer(
    connection: &mut DbConn,
    index: &SearchIndex,
    weights: &Weights,
    principal: &Principal,
    fair_id: &str,
    input: ReferralInput,
    lang: Lang,
) -> Result<ReferralView, AppError> {
    staff_only(principal)?;
    models::job_fairs::find(connection, fair_id)?.ok_or(AppError::NotFound)?;
    let vacancy = input.vacancy_id.clone().unwrap_or_default();
    if !models::job_fairs::has_vacancy(connection, fair_id, &vacancy)? {
        return Err(AppError::field("vacancy_id", "not_at_fair"));
    }
    connection.write_transaction(|connection| {
        let referral = referrals::create(connection, index, weights, principal, input, lang)?;
        models::job_fairs::mark_referral(connection, &referral.id, fair_id)?;
        Ok(referral)
    })
}

fn view(connection: &mut DbConn, is_staff: bool, fair: JobFair) -> Result<FairView, AppError> {
    let communes = models::job_fairs::communes(connection, &fair.id)?;
    let vacancies = models::job_fairs::vacancies_of(connection, &fair.id)?
        .into_iter()
        .map(
            |(vacancy_id, employer_id, title, employer, positions)| FairVacancy {
                vacancy_id,
                employer_id,
                title,
                employer,
                positions,
            },
        )
        .collect();
    let results = if is_staff {
        Some(fair_results(connection, &fair.id)?)
    } else {
        None
    };
    Ok(FairView {
        id: fair.id,
        name: fair.name,
        held_on: fair.held_on,
        place: fair.place,
        online: fair.online,
        organiser: fair.organiser,
        description: fair.description,
        communes,
        vacancies,
        results,
    })
}
