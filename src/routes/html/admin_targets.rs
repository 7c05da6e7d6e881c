//! `/admin/targets`: programme periods and their targets, for administrators. A period is
//! added with its dates and names; a target (the province's, or a district's or commune's own
//! quota) is set or replaced. Errors show beside their fields and nothing is written.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::forms::{FormState, Posted};
use super::{Chrome, PageError, Visit};
use crate::accounts::Role;
use crate::error::AppError;
use crate::progress::figures::METRICS;
use crate::registry::programme::{self, PeriodInput, PeriodView, TargetInput};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/admin/targets", web::get().to(show))
        .route("/admin/targets/periods", web::post().to(add_period))
        .route("/admin/targets/set", web::post().to(set_target))
        .route("/admin/targets/{code}/kinds", web::post().to(set_kinds));
}

#[derive(Template)]
#[template(path = "pages/admin/targets.html")]
struct TargetsPage {
    page: Chrome,
    periods: Vec<PeriodView>,
    period_form: FormState,
    target_form: FormState,
    period_options: Vec<(String, String)>,
    metric_options: Vec<(String, String)>,
    comparison_options: Vec<(String, String)>,
    /// The kinds of work besides wage jobs a period may count toward "connected".
    work_kinds: Vec<(String, String)>,
}

const PERIOD_FIELDS: &[&str] = &[
    "code",
    "starts_on",
    "ends_on",
    "name_vi",
    "name_en",
    "plan_reference",
];
const TARGET_FIELDS: &[&str] = &[
    "period",
    "key",
    "unit_code",
    "target",
    "comparison",
    "source",
];

async fn render(
    state: &web::Data<AppState>,
    visit: &Visit,
    status: StatusCode,
    period_form: FormState,
    target_form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin])?;
    let periods = visit
        .blocking(state, move |connection| {
            programme::list(connection, &principal)
        })
        .await?;
    let tr = visit.tr();
    let page = TargetsPage {
        page: visit.chrome(tr.t("targets.title")),
        period_options: periods
            .iter()
            .map(|period| (period.code.clone(), period.code.clone()))
            .collect(),
        metric_options: METRICS
            .iter()
            .map(|key| ((*key).to_owned(), tr.of("metric", key).to_owned()))
            .collect(),
        comparison_options: ["at_least", "more_than", "at_most", "less_than"]
            .iter()
            .map(|key| ((*key).to_owned(), tr.of("comparison", key).to_owned()))
            .collect(),
        work_kinds: crate::hiring::work::KINDS
            .iter()
            .map(|kind| ((*kind).to_owned(), tr.of("work_kind", kind).to_owned()))
            .collect(),
        periods,
        period_form,
        target_form,
    };
    visit.render_with(status, &page)
}

async fn show(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    render(
        &state,
        &visit,
        StatusCode::OK,
        FormState::default(),
        FormState::default(),
    )
    .await
}

async fn add_period(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin])?;
    let input = PeriodInput {
        code: form.get("code"),
        starts_on: form.get("starts_on"),
        ends_on: form.get("ends_on"),
        name_vi: form.get("name_vi"),
        name_en: form.get("name_en"),
        plan_reference: form.get("plan_reference"),
        connected_kinds: None,
        targets: None,
    };
    let done = visit
        .blocking(&state, move |connection| {
            Ok(programme::create(connection, &principal, input))
        })
        .await?;
    match done {
        Ok(_) => Ok(visit.redirect("/admin/targets")),
        Err(error) => {
            let state_of_form = visit.refused(&form, error, PERIOD_FIELDS)?;
            render(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                state_of_form,
                FormState::default(),
            )
            .await
        }
    }
}

/// The target form shown again with `error` beside its field, nothing written.
async fn refuse_target(
    state: &web::Data<AppState>,
    visit: &Visit,
    mut form_state: FormState,
    error: AppError,
) -> Result<HttpResponse, PageError> {
    form_state
        .absorb(error, visit.lang, TARGET_FIELDS)
        .map_err(|error| visit.fail(error))?;
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(state, visit, status, FormState::default(), form_state).await
}

async fn set_target(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin])?;
    let form_state = FormState::with_values(form.values());
    let value = match form
        .get("target")
        .map(|raw| raw.replace(',', ".").parse::<f64>())
    {
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => {
            let error = AppError::field("target", "invalid_type");
            return refuse_target(&state, &visit, form_state, error).await;
        }
        None => None,
    };
    let Some(period) = form.get("period") else {
        let error = AppError::field("period", "required");
        return refuse_target(&state, &visit, form_state, error).await;
    };
    let input = PeriodInput {
        targets: Some(vec![TargetInput {
            key: form.get("key"),
            unit_code: form.get("unit_code"),
            target: value,
            unit: None,
            comparison: form.get("comparison"),
            description_vi: form.get("description_vi"),
            description_en: form.get("description_en"),
            source: form.get("source"),
            remove: None,
        }]),
        ..PeriodInput::default()
    };
    let done = visit
        .blocking(&state, move |connection| {
            Ok(programme::update(connection, &principal, &period, input))
        })
        .await?;
    let error = match done {
        Ok(_) => return Ok(visit.redirect("/admin/targets")),
        // `targets[0].key` is shown beside `key`.
        Err(AppError::Validation(errors)) => AppError::Validation(
            errors
                .into_iter()
                .map(|mut error| {
                    error.field = error.field.trim_start_matches("targets[0].").to_owned();
                    error
                })
                .collect(),
        ),
        Err(AppError::NotFound) => AppError::field("period", "unknown_period"),
        Err(error) => return Err(visit.fail(error)),
    };
    refuse_target(&state, &visit, form_state, error).await
}

/// `POST /admin/targets/{code}/kinds`: the kinds of work the period counts toward "connected"
/// besides wage jobs (the ticked boxes; none ticked: wage jobs only). Every record is counted
/// again.
async fn set_kinds(
    state: web::Data<AppState>,
    visit: Visit,
    code: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin])?;
    let code = code.into_inner();
    let input = PeriodInput {
        connected_kinds: Some(form.all("connected_kinds")),
        ..PeriodInput::default()
    };
    visit
        .blocking(&state, move |connection| {
            programme::update(connection, &principal, &code, input)
        })
        .await?;
    Ok(visit.redirect("/admin/targets"))
}
