//! `/api/v1/progress`, its lists and chart, and `/api/v1/reports`.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking;
use super::extract::Principal;
use crate::error::{AppError, Problem};
use crate::i18n::Lang;
use crate::progress::figures::Progress;
use crate::progress::lists::{OutreachPage, RecordPage};
use crate::progress::report::Report;
use crate::progress::service::{
    self, ChartQuery, OutreachQuery, ProgressQuery, RecordsQuery, ReportQuery,
};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/progress",
    tag = "progress",
    params(ProgressQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every target with its actual, percent and projection, and the breakdowns", body = Progress),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown period, year outside it, unknown district or commune", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn progress(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: web::Query<ProgressQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let query = query.into_inner();
    let progress = blocking(&state, move |connection| {
        service::progress(connection, &principal, &query, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(progress))
}

#[utoipa::path(
    get,
    path = "/api/v1/progress/records",
    tag = "progress",
    params(RecordsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The people or households a figure counts, in counting order; `total` equals the figure", body = RecordPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn records(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<RecordsQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        service::records(connection, &principal, &query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    get,
    path = "/api/v1/progress/outreach",
    tag = "progress",
    params(OutreachQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Poor and near-poor households with no member in sustainable employment yet, by commune", body = OutreachPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn outreach(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<OutreachQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        service::outreach(connection, &principal, &query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    get,
    path = "/api/v1/progress/chart.svg",
    tag = "progress",
    params(ChartQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Persons per year, the running total and the target", content_type = "image/svg+xml", body = String),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn chart(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let query = query.into_inner();
    let svg = blocking(&state, move |connection| {
        service::chart(connection, &principal, &query, lang)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "image/svg+xml"))
        .body(svg))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{file}",
    tag = "progress",
    params(
        ("file" = String, Path, description = "`{period}.{format}`: period `2025-H1`, `2025` or `2021-2025`; format `xlsx`, `csv` or `json`"),
        ReportQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report: targets against actuals in the period and cumulatively, the breakdowns and the lists", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
            (Report = "application/json"),
        )),
        (status = 404, description = "The address names nothing (it holds a control character)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown period or format", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn report(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    file: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let (file, query) = (file.into_inner(), query.into_inner());
    let (bytes, content_type, name) = blocking(&state, move |connection| {
        service::report_file(connection, &principal, &file, &query, lang)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}
