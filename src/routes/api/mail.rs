//! `/api/v1/outbox` (admins) and `/api/v1/reports/{period}/mail`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking;
use super::extract::{JsonBody, Principal};
use crate::error::{AppError, Problem};
use crate::i18n::Lang;
use crate::mail::outbox::OutboxView;
use crate::mail::service::{self, OutboxPage, OutboxQuery, ReportMailInput, ReportMailQueued};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/outbox",
    tag = "mail",
    params(OutboxQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Messages, newest first, with status, attempts and the last error", body = OutboxPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        service::list(connection, &principal, query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/retry",
    tag = "mail",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pending again, with a fresh count of attempts: out on the sender's next pass", body = OutboxView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not failed: sent, or still being tried", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn retry(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = blocking(&state, move |connection| {
        service::retry(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{period}/mail",
    tag = "mail",
    params(("period" = String, Path, description = "`2025-H1`, `2025` or `2021-2025`")),
    request_body = ReportMailInput,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "The report, as it stands now, queued as an attachment to each address", body = ReportMailQueued),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The address names nothing (it holds a control character)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named: addresses, period, format, area; or a report too large to attach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mail_report(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    period: web::Path<String>,
    body: JsonBody<ReportMailInput>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let (period, input) = (period.into_inner(), body.value);
    let queued = blocking(&state, move |connection| {
        service::mail_report(connection, &principal, &period, input, lang)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(queued))
}
