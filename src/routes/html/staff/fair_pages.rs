//! A job fair for staff (`/job-fairs/{id}/manage`): its results, the vacancies brought to it and
//! forms to bring another, register a worker by CCCD (and record that they came), and refer a
//! worker to one of the fair's vacancies on the spot — the referral page then records the
//! interview and the hire. New fairs are added from `/job-fairs/new`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::hiring::job_fairs::{self, FairInput, FairVacancyInput, FairView, FairWorkerInput};
use crate::hiring::referrals::ReferralInput;
use crate::routes::html::forms::{FormState, Posted};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

#[derive(Template)]
#[template(path = "pages/staff/fair.html")]
struct FairPage {
    page: Chrome,
    fair: FairView,
    /// Open vacancies that may be brought, as `(id, title)`.
    open_vacancies: Vec<(String, String)>,
    /// The fair's vacancies, as `(id, "employer — title")`.
    fair_vacancies: Vec<(String, String)>,
    form: FormState,
}

#[derive(Template)]
#[template(path = "pages/staff/fair_new.html")]
struct NewFairPage {
    page: Chrome,
    fairs: Vec<FairView>,
    communes: Vec<(String, String)>,
    form: FormState,
}

const FAIR_FIELDS: &[&str] = &["name", "held_on", "place", "organiser", "commune_codes"];

async fn render_new(
    state: &web::Data<AppState>,
    visit: &Visit,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let (fairs, communes) = visit
        .blocking(state, move |connection| {
            Ok((
                job_fairs::list(connection, Some(&principal), None)?,
                models::admin_units::current_communes(connection)?,
            ))
        })
        .await?;
    let page = NewFairPage {
        page: visit.chrome(visit.tr().t("fairs.manage")),
        fairs,
        communes,
        form,
    };
    visit.render_with(status, &page)
}

/// `GET /job-fairs/new`: every fair with its results, and the form for a new one.
pub(super) async fn fair_new(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    render_new(&state, &visit, StatusCode::OK, FormState::default()).await
}

/// `POST /job-fairs/new`.
pub(super) async fn fair_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let input = FairInput {
        name: form.get("name"),
        held_on: form.get("held_on"),
        place: form.get("place"),
        online: Some(form.checked("online")),
        organiser: form.get("organiser"),
        commune_codes: Some(form.all("commune_codes")),
        description: form.get("description"),
    };
    let done = visit
        .blocking(&state, move |connection| {
            Ok(job_fairs::create(connection, &principal, input))
        })
        .await?;
    match done {
        Ok(fair) => Ok(visit.redirect(&format!("/job-fairs/{}/manage", fair.id))),
        Err(error) => {
            let shown = visit.refused(&form, error, FAIR_FIELDS)?;
            render_new(&state, &visit, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
    }
}

async fn render_fair(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let (fair, open) = visit
        .blocking(state, move |connection| {
            Ok((
                job_fairs::read(connection, Some(&principal), &id)?,
                models::vacancies::newest_open(connection, None, 200)?,
            ))
        })
        .await?;
    let page = FairPage {
        page: visit.chrome(fair.name.clone()),
        open_vacancies: open
            .into_iter()
            .map(|vacancy| (vacancy.id, vacancy.title))
            .collect(),
        fair_vacancies: fair
            .vacancies
            .iter()
            .map(|vacancy| {
                (
                    vacancy.vacancy_id.clone(),
                    format!("{} — {}", vacancy.employer, vacancy.title),
                )
            })
            .collect(),
        fair,
        form,
    };
    visit.render_with(status, &page)
}

/// `GET /job-fairs/{id}/manage`.
pub(super) async fn fair_manage(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    render_fair(
        &state,
        &visit,
        id.into_inner(),
        StatusCode::OK,
        FormState::default(),
    )
    .await
}

/// `POST /job-fairs/{id}/manage`: one of three forms, by its `action` (`vacancy`, `worker`,
/// `refer`); a referral made goes on to its page, where the hire is recorded.
pub(super) async fn fair_act(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let lang = visit.lang;
    let index = state.search.clone();
    let weights = state.match_weights;
    let fair = id.clone();
    let action = form.get("action").unwrap_or_default();
    let sent = form.clone();
    let done = visit
        .blocking(&state, move |connection| {
            let form = sent;
            let outcome: Result<Option<String>, AppError> = match action.as_str() {
                "vacancy" => job_fairs::add_vacancy(
                    connection,
                    &principal,
                    &fair,
                    FairVacancyInput {
                        vacancy_id: form.get("vacancy_id"),
                    },
                )
                .map(|_| None),
                "worker" => match worker_by_cccd(connection, &form)? {
                    Ok(worker) => job_fairs::register_worker(
                        connection,
                        &principal,
                        &fair,
                        FairWorkerInput {
                            worker_id: Some(worker),
                            attended: Some(form.checked("attended")),
                        },
                    )
                    .map(|_| None),
                    Err(error) => Err(error),
                },
                _ => match worker_by_cccd(connection, &form)? {
                    Ok(worker) => job_fairs::refer(
                        connection,
                        &index,
                        &weights,
                        &principal,
                        &fair,
                        ReferralInput {
                            vacancy_id: form.get("vacancy_id"),
                            worker_id: Some(worker),
                            override_reason: form.get("override_reason").or_else(|| {
                                Some(
                                    crate::i18n::texts::Tr { lang }
                                        .t("fairs.met_at_fair")
                                        .to_owned(),
                                )
                            }),
                            ..ReferralInput::default()
                        },
                        lang,
                    )
                    .map(|referral| Some(referral.id.to_string())),
                    Err(error) => Err(error),
                },
            };
            Ok(outcome)
        })
        .await?;
    match done {
        Ok(Some(referral)) => Ok(visit.redirect(&format!("/referrals/{referral}"))),
        Ok(None) => Ok(visit.redirect(&format!("/job-fairs/{id}/manage"))),
        Err(AppError::NotFound) => {
            let mut shown = FormState::with_values(form.values());
            shown.errors.insert(
                "national_id".to_owned(),
                crate::i18n::field_message("unknown_worker", lang, &[]),
            );
            render_fair(&state, &visit, id, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
        Err(error) => {
            let shown = visit.refused(
                &form,
                error,
                &["vacancy_id", "national_id", "attended", "override_reason"],
            )?;
            render_fair(&state, &visit, id, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
    }
}
