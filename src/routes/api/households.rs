//! `/api/v1/households`.

use actix_web::{HttpResponse, web};

use super::extract::{IdempotencyKey, JsonBody, Principal};
use super::{blocking, created};
use crate::error::{AppError, Problem};
use crate::registry::{
    self, Page,
    households::{HouseholdInput, HouseholdQuery, HouseholdView},
};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/households",
    tag = "households",
    params(HouseholdQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of households", body = Page<HouseholdView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not list households", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<HouseholdQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        registry::households::list(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    post,
    path = "/api/v1/households",
    tag = "households",
    request_body = HouseholdInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = HouseholdView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not register households", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The household code is registered already; `existing` links to that household", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: JsonBody<HouseholdInput>,
) -> Result<HttpResponse, AppError> {
    let JsonBody { value, bytes } = body;
    let result = blocking(&state, move |connection| {
        let user_id = principal.user_id.clone();
        registry::idempotent_create(
            connection,
            &user_id,
            key.0.as_deref(),
            "/api/v1/households",
            &bytes,
            |connection| registry::households::create(connection, &principal, value),
        )
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    get,
    path = "/api/v1/households/{id}",
    tag = "households",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The household", body = HouseholdView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read households", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such household within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let household = blocking(&state, move |connection| {
        registry::households::read(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(household))
}

#[utoipa::path(
    patch,
    path = "/api/v1/households/{id}",
    tag = "households",
    params(("id" = String, Path)),
    request_body = HouseholdInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = HouseholdView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change households", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such household within the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The household code belongs to another household", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<HouseholdInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let household = blocking(&state, move |connection| {
        registry::households::update(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(household))
}

#[utoipa::path(
    delete,
    path = "/api/v1/households/{id}",
    tag = "households",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Archived; the record and its history are kept", body = HouseholdView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not archive households", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such household within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let household = blocking(&state, move |connection| {
        registry::households::archive(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(household))
}
