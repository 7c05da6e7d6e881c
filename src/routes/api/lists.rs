//! The lists of a job fair's registered workers and a livelihood model's participants:
//! `GET …/export` as .xlsx or .csv, `POST …/import` a list of CCCD numbers (multipart `file`),
//! all rows or none.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::ToSchema;

use super::blocking;
use super::extract::Principal;
use super::imports::{ExportQuery, read_upload};
use crate::error::{AppError, FieldError, Problem};
use crate::i18n::Lang;
use crate::import::export::Format;
use crate::import::lists::{self, List, ListReport};
use crate::state::AppState;

/// The form of a list import.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ListForm {
    /// The list: .xlsx, .ods, .csv or Unicode text (.txt), by its file name; a column
    /// `Số CCCD` (or `National ID`) and the others an export writes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

async fn export(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    list: List,
    id: String,
    query: ExportQuery,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let Some(format) = Format::parse(query.format.as_deref().unwrap_or("xlsx")) else {
        return Err(AppError::Validation(vec![FieldError::new(
            "format",
            "invalid_choice",
        )]));
    };
    let bytes = blocking(&state, move |connection| {
        lists::export(connection, &principal, list, &id, format, lang)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", list.file_name(format)),
        ))
        .body(bytes))
}

async fn import(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    list: List,
    id: String,
    mut form: Multipart,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_request(&request);
    let Some((file_name, bytes)) = read_upload(&mut form).await?.file else {
        return Err(AppError::Validation(vec![FieldError::new(
            "file", "required",
        )]));
    };
    let report = blocking(&state, move |connection| {
        lists::import(connection, &principal, list, &id, &file_name, &bytes, lang)
    })
    .await?;
    let status = if report.committed {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(HttpResponse::build(status).json(report))
}

#[utoipa::path(
    get,
    path = "/api/v1/job-fairs/{id}/workers/export",
    tag = "connections",
    params(("id" = String, Path), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The workers registered for the fair within the caller's reach (name, CCCD, birth date, phone, commune, came), under the headers the import reads", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such fair", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn fair_export(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    export(
        state,
        principal,
        request,
        List::FairWorkers,
        id.into_inner(),
        query.into_inner(),
    )
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/job-fairs/{id}/workers/import",
    tag = "connections",
    params(("id" = String, Path)),
    request_body(content = ListForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every row kept: workers registered, and recorded as come where the list says so", body = ListReport),
        (status = 400, description = "Not a multipart form", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such fair", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File over 50 MB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is missing, unreadable or has no CCCD column (a Problem naming `file`), or rows were refused and none kept (the report, each refusal by row and column)", content(
            (ListReport = "application/json"),
            (Problem = "application/problem+json"),
        )),
    )
)]
pub async fn fair_import(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    import(
        state,
        principal,
        request,
        List::FairWorkers,
        id.into_inner(),
        form,
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/livelihood-models/{id}/participants/export",
    tag = "connections",
    params(("id" = String, Path), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The model's participants within the caller's reach (name, CCCD, household, start, occupation, activity, expected income, still taking part), under the headers the import reads", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such model", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn model_export(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    export(
        state,
        principal,
        request,
        List::ModelParticipants,
        id.into_inner(),
        query.into_inner(),
    )
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/livelihood-models/{id}/participants/import",
    tag = "connections",
    params(("id" = String, Path)),
    request_body(content = ListForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every row kept: each worker takes part from the start date given (the model's start otherwise)", body = ListReport),
        (status = 400, description = "Not a multipart form", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such model", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File over 50 MB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is missing, unreadable or has no CCCD column (a Problem naming `file`), or rows were refused and none kept (the report, each refusal by row and column)", content(
            (ListReport = "application/json"),
            (Problem = "application/problem+json"),
        )),
    )
)]
pub async fn model_import(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    import(
        state,
        principal,
        request,
        List::ModelParticipants,
        id.into_inner(),
        form,
    )
    .await
}
