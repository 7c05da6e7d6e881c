//! `/api/v1/vacancies`.

use actix_web::{HttpResponse, web};

use super::extract::{IdempotencyKey, JsonBody, Principal};
use super::{blocking, created};
use crate::error::{AppError, Problem};
use crate::registry::{
    self, Page,
    vacancies::{VacancyInput, VacancyQuery, VacancyView},
};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/vacancies",
    tag = "vacancies",
    params(VacancyQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of vacancies", body = Page<VacancyView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not list vacancies", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<VacancyQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        registry::vacancies::list(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    post,
    path = "/api/v1/vacancies",
    tag = "vacancies",
    request_body = VacancyInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = VacancyView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not register vacancies", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: JsonBody<VacancyInput>,
) -> Result<HttpResponse, AppError> {
    let JsonBody { value, bytes } = body;
    let result = blocking(&state, move |connection| {
        let user_id = principal.user_id.clone();
        registry::idempotent_create(
            connection,
            &user_id,
            key.0.as_deref(),
            "/api/v1/vacancies",
            &bytes,
            |connection| registry::vacancies::create(connection, &principal, value),
        )
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    get,
    path = "/api/v1/vacancies/{id}",
    tag = "vacancies",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The vacancy", body = VacancyView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read vacancies", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let vacancy = blocking(&state, move |connection| {
        registry::vacancies::read(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(vacancy))
}

#[utoipa::path(
    patch,
    path = "/api/v1/vacancies/{id}",
    tag = "vacancies",
    params(("id" = String, Path)),
    request_body = VacancyInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = VacancyView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change vacancies", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy within the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<VacancyInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let vacancy = blocking(&state, move |connection| {
        registry::vacancies::update(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(vacancy))
}

#[utoipa::path(
    delete,
    path = "/api/v1/vacancies/{id}",
    tag = "vacancies",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Archived; the record and its history are kept", body = VacancyView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not archive vacancies", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let vacancy = blocking(&state, move |connection| {
        registry::vacancies::archive(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(vacancy))
}
