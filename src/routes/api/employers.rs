//! `/api/v1/employers`.

use actix_web::{HttpResponse, web};

use super::extract::{IdempotencyKey, JsonBody, Principal};
use super::{blocking, created};
use crate::error::{AppError, Problem};
use crate::registry::{
    self, Page,
    employers::{EmployerInput, EmployerQuery, EmployerView},
};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/employers",
    tag = "employers",
    params(EmployerQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of employers", body = Page<EmployerView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not list employers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<EmployerQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        registry::employers::list(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    post,
    path = "/api/v1/employers",
    tag = "employers",
    request_body = EmployerInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = EmployerView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not register employers", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The tax code is registered already; `existing` links to that employer", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: JsonBody<EmployerInput>,
) -> Result<HttpResponse, AppError> {
    let JsonBody { value, bytes } = body;
    let result = blocking(&state, move |connection| {
        let user_id = principal.user_id.clone();
        registry::idempotent_create(
            connection,
            &user_id,
            key.0.as_deref(),
            "/api/v1/employers",
            &bytes,
            |connection| registry::employers::create(connection, &principal, value),
        )
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    get,
    path = "/api/v1/employers/{id}",
    tag = "employers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The employer", body = EmployerView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read employers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such employer within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let employer = blocking(&state, move |connection| {
        registry::employers::read(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(employer))
}

#[utoipa::path(
    patch,
    path = "/api/v1/employers/{id}",
    tag = "employers",
    params(("id" = String, Path)),
    request_body = EmployerInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = EmployerView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change employers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such employer within the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The tax code belongs to another employer", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<EmployerInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let employer = blocking(&state, move |connection| {
        registry::employers::update(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(employer))
}

#[utoipa::path(
    delete,
    path = "/api/v1/employers/{id}",
    tag = "employers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Archived; the record and its history are kept", body = EmployerView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not archive employers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such employer within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let employer = blocking(&state, move |connection| {
        registry::employers::archive(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(employer))
}
