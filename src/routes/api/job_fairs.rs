//! `/api/v1/job-fairs`: job fairs, the vacancies brought to them, the workers registered, and
//! referrals made there.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::blocking;
use super::extract::{Caller, JsonBody, Principal};
use crate::error::{AppError, Problem};
use crate::hiring::job_fairs::{self, FairInput, FairVacancyInput, FairView, FairWorkerInput};
use crate::hiring::referrals::{ReferralInput, ReferralView};
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FairQuery {
    /// A part of the fair's name, accents optional.
    pub q: Option<String>,
}

const ID: &str = "/api/v1/job-fairs/";

#[utoipa::path(
    post,
    path = "/api/v1/job-fairs",
    tag = "connections",
    request_body = FairInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The fair", body = FairView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff organise fairs", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    body: JsonBody<FairInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let created = blocking(&state, move |connection| {
        job_fairs::create(connection, &principal, input)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("{ID}{}", created.id),
        ))
        .json(created))
}

#[utoipa::path(
    get,
    path = "/api/v1/job-fairs",
    tag = "connections",
    params(FairQuery),
    responses(
        (status = 200, description = "Fairs, soonest first: upcoming ones with their employers and vacancies for anyone, and for an employer every fair it brought a vacancy to; every fair with its results for staff", body = Vec<FairView>),
        (status = 400, description = "An unknown parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A control character in the name searched for", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Caller,
    query: web::Query<FairQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner().q;
    let caller = principal.0;
    let items = blocking(&state, move |connection| {
        job_fairs::list(connection, caller.as_ref(), q.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(items))
}

#[utoipa::path(
    get,
    path = "/api/v1/job-fairs/{id}",
    tag = "connections",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The fair (with its results for staff)", body = FairView),
        (status = 404, description = "No such fair (or, for the public, one already held; an employer also reads a past fair it took part in)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let caller = principal.0;
    let found = blocking(&state, move |connection| {
        job_fairs::read(connection, caller.as_ref(), &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    post,
    path = "/api/v1/job-fairs/{id}/vacancies",
    tag = "connections",
    params(("id" = String, Path)),
    request_body = FairVacancyInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The fair with the vacancy", body = FairView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff, or an employer for its own vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such fair (or, for an employer, one already held)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such open or draft vacancy (of the employer's own, for an employer)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_vacancy(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<FairVacancyInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let fair = blocking(&state, move |connection| {
        job_fairs::add_vacancy(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(fair))
}

#[utoipa::path(
    post,
    path = "/api/v1/job-fairs/{id}/workers",
    tag = "connections",
    params(("id" = String, Path)),
    request_body = FairWorkerInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Registered (attendance recorded as a job_fair service)", body = FairView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such fair, or no such worker in reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No worker, or attendance before the fair", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register_worker(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<FairWorkerInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let fair = blocking(&state, move |connection| {
        job_fairs::register_worker(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(fair))
}

#[utoipa::path(
    post,
    path = "/api/v1/job-fairs/{id}/referrals",
    tag = "connections",
    params(("id" = String, Path)),
    request_body = ReferralInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Referred at the fair; its interview and hire count as the fair's", body = ReferralView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff refer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such fair", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already referred to this vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A vacancy not at the fair, an unknown worker, no consent", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refer(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    body: JsonBody<ReferralInput>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let index = state.search.clone();
    let weights = state.match_weights;
    let id = id.into_inner();
    let input = body.value;
    let created = blocking(&state, move |connection| {
        job_fairs::refer(connection, &index, &weights, &principal, &id, input, lang)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/referrals/{}", created.id),
        ))
        .json(created))
}
