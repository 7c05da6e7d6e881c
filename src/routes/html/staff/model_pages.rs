//! Poverty-reduction models in the browser: `/livelihood-models` lists them with their
//! outcomes and records a new one; `/livelihood-models/{id}` shows one with its participants
//! and adds a worker by CCCD.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::error::AppError;
use crate::hiring::livelihood::{self, ModelInput, ModelView, ParticipantInput};
use crate::registry::occupations::Occupations;
use crate::routes::html::forms::{FormState, Posted};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

const MODEL_FIELDS: &[&str] = &[
    "name",
    "model_type",
    "commune_codes",
    "starts_on",
    "ends_on",
    "budget_vnd",
    "support_per_household_vnd",
    "description",
];
const PARTICIPANT_FIELDS: &[&str] = &[
    "national_id",
    "start_date",
    "occupation_code",
    "expected_income_vnd",
];

#[derive(Template)]
#[template(path = "pages/staff/models.html")]
struct ModelsPage {
    page: Chrome,
    q: String,
    items: Vec<ModelView>,
    types: Vec<(String, String)>,
    communes: Vec<(String, String)>,
    form: FormState,
}

#[derive(Template)]
#[template(path = "pages/staff/model.html")]
struct ModelPage {
    page: Chrome,
    model: ModelView,
    occupations: Vec<(String, String)>,
    form: FormState,
}

#[derive(Deserialize)]
pub struct ModelSearch {
    q: Option<String>,
}

/// An amount as people write it (`500.000.000`), or the field's error.
fn amount(form: &Posted, field: &str, lang: crate::i18n::Lang) -> Result<Option<i64>, String> {
    form.amount(field)
        .map_err(|_| crate::i18n::field_message("invalid_type", lang, &[]))
}

async fn render_list(
    state: &web::Data<AppState>,
    visit: &Visit,
    q: Option<String>,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let search = q.clone();
    let (items, communes) = visit
        .blocking(state, move |connection| {
            Ok((
                livelihood::list(connection, &principal, search.as_deref())?,
                models::admin_units::current_communes(connection)?,
            ))
        })
        .await?;
    let tr = visit.tr();
    let page = ModelsPage {
        page: visit.chrome(tr.t("models.title")),
        q: q.unwrap_or_default(),
        items,
        types: livelihood::MODEL_TYPES
            .iter()
            .map(|kind| ((*kind).to_owned(), tr.of("model_type", kind).to_owned()))
            .collect(),
        communes,
        form,
    };
    visit.render_with(status, &page)
}

/// `GET /livelihood-models`.
pub(super) async fn model_list(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<ModelSearch>,
) -> Result<HttpResponse, PageError> {
    let q = query.into_inner().q.filter(|q| !q.trim().is_empty());
    render_list(&state, &visit, q, StatusCode::OK, FormState::default()).await
}

/// `POST /livelihood-models`: records a model.
pub(super) async fn model_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let refused = |field: &str, message: String| {
        let mut shown = FormState::with_values(form.values());
        shown.errors.insert(field.to_owned(), message);
        shown
    };
    let budget = match amount(&form, "budget_vnd", lang) {
        Ok(budget) => budget,
        Err(message) => {
            let shown = refused("budget_vnd", message);
            return render_list(
                &state,
                &visit,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await;
        }
    };
    let support = match amount(&form, "support_per_household_vnd", lang) {
        Ok(support) => support,
        Err(message) => {
            let shown = refused("support_per_household_vnd", message);
            return render_list(
                &state,
                &visit,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await;
        }
    };
    let input = ModelInput {
        name: form.get("name"),
        model_type: form.get("model_type"),
        commune_codes: Some(form.all("commune_codes")).filter(|codes| !codes.is_empty()),
        starts_on: form.get("starts_on"),
        ends_on: form.get("ends_on"),
        budget_vnd: budget,
        support_per_household_vnd: support,
        description: form.get("description"),
    };
    let done = visit
        .blocking(&state, move |connection| {
            Ok(livelihood::create(connection, &principal, input))
        })
        .await?;
    match done {
        Ok(model) => Ok(visit.redirect(&format!("/livelihood-models/{}", model.id))),
        Err(error) => {
            let shown = visit.refused(&form, error, MODEL_FIELDS)?;
            render_list(
                &state,
                &visit,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await
        }
    }
}

async fn render_model(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let english = visit.lang == crate::i18n::Lang::En;
    let (model, occupations) = visit
        .blocking(state, move |connection| {
            Ok((
                livelihood::read(connection, &principal, &id)?,
                models::occupations::all(connection, english)?,
            ))
        })
        .await?;
    let page = ModelPage {
        page: visit.chrome(model.name.clone()),
        model,
        occupations,
        form,
    };
    visit.render_with(status, &page)
}

/// `GET /livelihood-models/{id}`.
pub(super) async fn model_detail(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    render_model(
        &state,
        &visit,
        id.into_inner(),
        StatusCode::OK,
        FormState::default(),
    )
    .await
}

/// `POST /livelihood-models/{id}/participants`: a worker, found by CCCD within reach, joins.
pub(super) async fn model_participant(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let lang = visit.lang;
    let model = id.clone();
    let mut form = form;
    let done = visit
        .blocking(&state, move |connection| {
            let occupations = Occupations::load(connection)?;
            let mut errors = form.pick_occupations(&occupations, &["occupation_code"], lang);
            let income = amount(&form, "expected_income_vnd", lang).unwrap_or_else(|message| {
                errors.insert("expected_income_vnd".to_owned(), message);
                None
            });
            let worker = worker_by_cccd(connection, &form)?.ok();
            if worker.is_none() {
                errors.insert(
                    "national_id".to_owned(),
                    crate::i18n::field_message("unknown_worker", lang, &[]),
                );
            }
            if !errors.is_empty() {
                let mut shown = FormState::with_values(form.values());
                shown.errors.extend(errors);
                return Ok(Err(shown));
            }
            let input = ParticipantInput {
                worker_id: worker,
                start_date: form.get("start_date"),
                occupation_code: form.get("occupation_code"),
                activity: form.get("activity"),
                expected_income_vnd: income,
            };
            Ok(
                match livelihood::add_participant(connection, &principal, &model, input) {
                    Ok(_) => Ok(()),
                    // Out of reach reads as unknown, as everywhere.
                    Err(AppError::NotFound) => {
                        let mut shown = FormState::with_values(form.values());
                        shown.errors.insert(
                            "national_id".to_owned(),
                            crate::i18n::field_message("unknown_worker", lang, &[]),
                        );
                        Err(shown)
                    }
                    Err(error) => {
                        let mut shown = FormState::with_values(form.values());
                        shown.absorb(error, lang, PARTICIPANT_FIELDS)?;
                        Err(shown)
                    }
                },
            )
        })
        .await?;
    match done {
        Ok(()) => Ok(visit.redirect(&format!("/livelihood-models/{id}"))),
        Err(shown) => {
            render_model(&state, &visit, id, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
    }
}
