//! `/api/v1/workers`.

use actix_web::{HttpResponse, web};

use super::extract::{IdempotencyKey, JsonBody, Principal};
use super::{blocking, created};
use crate::error::{AppError, Problem};
use crate::registry::service_records::{ServiceRecordInput, ServiceRecordView};
use crate::registry::{
    self, Page,
    workers::{WorkerInput, WorkerQuery, WorkerView},
};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/workers",
    tag = "workers",
    params(WorkerQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of workers: the full record for staff, the limited view for an employer", body = Page<WorkerView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not list workers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<WorkerQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        registry::workers::list(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    post,
    path = "/api/v1/workers",
    tag = "workers",
    request_body = WorkerInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = WorkerView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not register workers", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The CCCD is registered already; `existing` links to that worker", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: JsonBody<WorkerInput>,
) -> Result<HttpResponse, AppError> {
    let JsonBody { value, bytes } = body;
    let result = blocking(&state, move |connection| {
        let user_id = principal.user_id.clone();
        registry::idempotent_create(
            connection,
            &user_id,
            key.0.as_deref(),
            "/api/v1/workers",
            &bytes,
            |connection| registry::workers::create(connection, &principal, value),
        )
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    get,
    path = "/api/v1/workers/{id}",
    tag = "workers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The worker, in the caller's view", body = WorkerView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read workers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let worker = blocking(&state, move |connection| {
        registry::workers::read(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(worker))
}

#[utoipa::path(
    patch,
    path = "/api/v1/workers/{id}",
    tag = "workers",
    params(("id" = String, Path)),
    request_body = WorkerInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = WorkerView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change workers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The CCCD belongs to another worker", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<WorkerInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let worker = blocking(&state, move |connection| {
        registry::workers::update(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(worker))
}

#[utoipa::path(
    delete,
    path = "/api/v1/workers/{id}",
    tag = "workers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Archived; the record and its history are kept", body = WorkerView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not archive workers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let worker = blocking(&state, move |connection| {
        registry::workers::archive(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(worker))
}

#[utoipa::path(
    get,
    path = "/api/v1/workers/{id}/service-records",
    tag = "workers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Services given to the worker, oldest first", body = Vec<ServiceRecordView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see services", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn service_records(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let records = blocking(&state, move |connection| {
        registry::service_records::list(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(records))
}

#[utoipa::path(
    post,
    path = "/api/v1/workers/{id}/service-records",
    tag = "workers",
    params(("id" = String, Path)),
    request_body = ServiceRecordInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = ServiceRecordView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not record services", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_service(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<ServiceRecordInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let result = blocking(&state, move |connection| {
        diesel::Connection::transaction(connection, |connection| {
            registry::service_records::create(connection, &principal, &id, input)
        })
    })
    .await?;
    Ok(created(result))
}
