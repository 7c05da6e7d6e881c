//! `/api/v1/referrals` and `/api/v1/follow-ups`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking;
use super::extract::{JsonBody, Principal};
use crate::error::{AppError, Problem};
use crate::hiring::follow_ups::{self, FollowUpChange, FollowUpQuery, FollowUpView};
use crate::hiring::pipeline::{self, ReferralQuery, StageInput};
use crate::hiring::referrals::{self, ReferralChange, ReferralInput, ReferralView};
use crate::hiring::sms_replies::{self, InboxQuery};
use crate::i18n::Lang;
use crate::models::sms::InboxItem;
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/api/v1/referrals",
    tag = "connections",
    request_body = ReferralInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Referred (or shortlisted), with the match score and explanation as they were", body = ReferralView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff refer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already referred to this vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown vacancy or worker, a closed vacancy, no consent", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    body: JsonBody<ReferralInput>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let index = state.search.clone();
    let weights = state.match_weights;
    let input = body.value;
    let created = blocking(&state, move |connection| {
        referrals::create(connection, &index, &weights, &principal, input, lang)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/referrals/{}", created.id),
        ))
        .json(created))
}

#[utoipa::path(
    get,
    path = "/api/v1/referrals/{id}",
    tag = "connections",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The referral", body = ReferralView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let referral = blocking(&state, move |connection| {
        referrals::read(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(referral))
}

#[utoipa::path(
    patch,
    path = "/api/v1/referrals/{id}",
    tag = "connections",
    request_body = ReferralChange,
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved on; a hire made its placement and follow-ups, a withdrawn hire reversed them", body = ReferralView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An employer may only mark interview, hired or rejected", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a valid next status, or every position is already filled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<ReferralChange>,
) -> Result<HttpResponse, AppError> {
    let (id, change) = (id.into_inner(), body.value);
    let referral = blocking(&state, move |connection| {
        referrals::change(connection, &principal, &id, change)
    })
    .await?;
    Ok(HttpResponse::Ok().json(referral))
}

#[utoipa::path(
    patch,
    path = "/api/v1/follow-ups/{id}",
    tag = "connections",
    request_body = FollowUpChange,
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = FollowUpView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff record follow-ups", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such follow-up in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The placement was withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_follow_up(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<FollowUpChange>,
) -> Result<HttpResponse, AppError> {
    let (id, change) = (id.into_inner(), body.value);
    let recorded = blocking(&state, move |connection| {
        follow_ups::record(connection, &principal, &id, change)
    })
    .await?;
    Ok(HttpResponse::Ok().json(recorded))
}

#[utoipa::path(
    get,
    path = "/api/v1/follow-ups",
    tag = "connections",
    params(FollowUpQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Follow-ups of active placements in reach, oldest due first", body = Vec<FollowUpView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_follow_ups(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<FollowUpQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let listed = blocking(&state, move |connection| {
        follow_ups::list(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(listed))
}

#[utoipa::path(
    get,
    path = "/api/v1/referrals",
    tag = "connections",
    params(ReferralQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Referrals in reach, newest change first; `stale=true` lists those the employer left unanswered", body = Vec<ReferralView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff and employers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ReferralQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let listed = blocking(&state, move |connection| {
        pipeline::list(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(listed))
}

#[utoipa::path(
    post,
    path = "/api/v1/referrals/{id}/overseas-stages",
    tag = "connections",
    request_body = StageInput,
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded; a departure counts toward the overseas target", body = ReferralView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such referral in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Out of order, already recorded, or the worker is not hired yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or not an overseas vacancy", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_stage(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<StageInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (id.into_inner(), body.value);
    let referral = blocking(&state, move |connection| {
        pipeline::record_stage(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Created().json(referral))
}

#[utoipa::path(
    get,
    path = "/api/v1/sms/inbox",
    tag = "connections",
    params(InboxQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Texts from handsets in reach, newest first", body = Vec<InboxItem>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`kind` or `limit` out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sms_inbox(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let listed = blocking(&state, move |connection| {
        sms_replies::inbox(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(listed))
}
