//! `/api/v1/livelihood-models`: poverty-reduction models, their participants and outcomes.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::blocking;
use super::extract::{JsonBody, Principal};
use crate::error::{AppError, Problem};
use crate::hiring::livelihood::{self, ModelInput, ModelView, ParticipantInput};
use crate::hiring::work::WorkView;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModelQuery {
    /// A part of the model's name, accents optional.
    pub q: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/livelihood-models",
    tag = "connections",
    request_body = ModelInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The model", body = ModelView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff record models", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    body: JsonBody<ModelInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let created = blocking(&state, move |connection| {
        livelihood::create(connection, &principal, input)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/livelihood-models/{}", created.id),
        ))
        .json(created))
}

#[utoipa::path(
    get,
    path = "/api/v1/livelihood-models",
    tag = "connections",
    params(ModelQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every model, newest first, with its outcomes", body = Vec<ModelView>),
        (status = 400, description = "An unknown parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A control character in the name searched for", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff read models", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ModelQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner().q;
    let items = blocking(&state, move |connection| {
        livelihood::list(connection, &principal, q.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(items))
}

#[utoipa::path(
    get,
    path = "/api/v1/livelihood-models/{id}",
    tag = "connections",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The model, its participants in reach and its outcomes", body = ModelView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff read models", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such model", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let found = blocking(&state, move |connection| {
        livelihood::read(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    post,
    path = "/api/v1/livelihood-models/{id}/participants",
    tag = "connections",
    params(("id" = String, Path)),
    request_body = ParticipantInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The worker's part in the model, recorded as work outside a vacancy", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff add participants", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such model, or no such worker in reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_participant(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<ParticipantInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let created = blocking(&state, move |connection| {
        livelihood::add_participant(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/work/{}", created.id),
        ))
        .json(created))
}
