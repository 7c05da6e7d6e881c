//! `/api/v1/programme-periods`: the periods and their targets, nested; and a household's
//! yearly poverty reviews.

use actix_web::{HttpResponse, web};

use super::extract::{JsonBody, Principal};
use super::idempotency::Created;
use super::{blocking, created};
use crate::error::{AppError, Problem};
use crate::registry::households::{self, ReviewView};
use crate::registry::programme::{self, PeriodInput, PeriodView};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/programme-periods",
    tag = "progress",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every period with its targets and quotas, earliest first", body = Vec<PeriodView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff and administrators read them", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, AppError> {
    let periods = blocking(&state, move |connection| {
        programme::list(connection, &principal)
    })
    .await?;
    Ok(HttpResponse::Ok().json(periods))
}

#[utoipa::path(
    post,
    path = "/api/v1/programme-periods",
    tag = "progress",
    request_body = PeriodInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; every record is counted in it", body = PeriodView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators manage periods", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named (an overlapping period among them)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    body: JsonBody<PeriodInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let result = blocking(&state, move |connection| {
        let view = programme::create(connection, &principal, input)?;
        let location = format!("/api/v1/programme-periods/{}", view.code);
        Created::new(&view, Some(location))
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    patch,
    path = "/api/v1/programme-periods/{code}",
    tag = "progress",
    params(("code" = String, Path, description = "`2026-2030`")),
    request_body = PeriodInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated; targets not named stay as they are", body = PeriodView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators manage periods", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such period", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    code: web::Path<String>,
    body: JsonBody<PeriodInput>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let input = body.value;
    let view = blocking(&state, move |connection| {
        programme::update(connection, &principal, &code, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(
    get,
    path = "/api/v1/households/{id}/reviews",
    tag = "households",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The household's yearly poverty reviews, latest first", body = Vec<ReviewView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read households", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such household within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reviews(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reviews = blocking(&state, move |connection| {
        households::review_history(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(reviews))
}
