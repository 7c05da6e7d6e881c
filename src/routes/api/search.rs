//! `/api/v1/search` and the match lists.

use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking;
use super::extract::{Caller, Principal};
use crate::error::{AppError, Problem};
use crate::i18n::Lang;
use crate::search::service::{
    self, CourseSuggestions, MatchParams, SearchPage, SearchParams, VacancyMatches, WorkerMatches,
};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Ranked records with highlighted snippets and facet counts", body = SearchPage),
        (status = 401, description = "Workers and vacancies need a sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not search this kind (an employer cannot search workers)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<SearchParams>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_inner();
    let index = state.search.clone();
    let page = blocking(&state, move |connection| {
        service::search(connection, &index, caller.0.as_ref(), params)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    get,
    path = "/api/v1/vacancies/{id}/matches",
    tag = "search",
    params(("id" = String, Path), MatchParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Workers ranked for the vacancy, each score split into its components with one sentence of explanation", body = VacancyMatches),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff rank workers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn vacancy_matches(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    query: web::Query<MatchParams>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let index = state.search.clone();
    let weights = state.match_weights;
    let (id, params) = (id.into_inner(), query.into_inner());
    let matches = blocking(&state, move |connection| {
        service::vacancy_matches(connection, &index, &weights, &principal, &id, params, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(matches))
}

#[utoipa::path(
    get,
    path = "/api/v1/workers/{id}/matches",
    tag = "search",
    params(("id" = String, Path), MatchParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Open vacancies ranked for the worker, explained; empty with `excluded` when the worker is not seeking work or has not consented", body = WorkerMatches),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read this worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker in reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` out of range", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The worker was registered a moment ago and is not indexed yet", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn worker_matches(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    query: web::Query<MatchParams>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let index = state.search.clone();
    let weights = state.match_weights;
    let (id, params) = (id.into_inner(), query.into_inner());
    let matches = blocking(&state, move |connection| {
        service::worker_matches_for(connection, &index, &weights, &principal, &id, params, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(matches))
}

#[utoipa::path(
    get,
    path = "/api/v1/workers/{id}/course-suggestions",
    tag = "search",
    params(("id" = String, Path), MatchParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Courses with free seats that lead to occupations of open vacancies near the worker which the worker does not yet fit", body = CourseSuggestions),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read this worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker in reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn course_suggestions(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    query: web::Query<MatchParams>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let index = state.search.clone();
    let (id, params) = (id.into_inner(), query.into_inner());
    let suggestions = blocking(&state, move |connection| {
        service::course_suggestions(connection, &index, &principal, &id, params, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(suggestions))
}
