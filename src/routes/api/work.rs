//! `/api/v1/workers/{id}/work` and `/api/v1/work/{id}`: work outside a posted vacancy.

use actix_web::{HttpResponse, web};

use super::blocking;
use super::extract::{JsonBody, Principal};
use crate::error::{AppError, Problem};
use crate::hiring::work::{self, WithdrawInput, WorkInput, WorkView};
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/api/v1/workers/{id}/work",
    tag = "connections",
    params(("id" = String, Path, description = "The worker")),
    request_body = WorkInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded, with the household-status and area snapshots and follow-ups at 3, 6 and 12 months", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff record work", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker in reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    worker_id: web::Path<String>,
    body: JsonBody<WorkInput>,
) -> Result<HttpResponse, AppError> {
    let worker_id = worker_id.into_inner();
    let input = body.value;
    let created = blocking(&state, move |connection| {
        work::record(connection, &principal, &worker_id, input)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/work/{}", created.id),
        ))
        .json(created))
}

#[utoipa::path(
    get,
    path = "/api/v1/workers/{id}/work",
    tag = "connections",
    params(("id" = String, Path, description = "The worker")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The worker's work outside vacancies, newest first", body = Vec<WorkView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff read work records", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker in reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    worker_id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let worker_id = worker_id.into_inner();
    let items = blocking(&state, move |connection| {
        work::of_worker(connection, &principal, &worker_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(items))
}

#[utoipa::path(
    get,
    path = "/api/v1/work/{id}",
    tag = "connections",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", body = WorkView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff read work records", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record in reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let found = blocking(&state, move |connection| {
        work::read(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    post,
    path = "/api/v1/work/{id}/withdraw",
    tag = "connections",
    params(("id" = String, Path)),
    request_body = WithdrawInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn: it counts nowhere and its pending follow-ups are gone", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff withdraw work records", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn already", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<WithdrawInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let done = blocking(&state, move |connection| {
        work::withdraw(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(done))
}
