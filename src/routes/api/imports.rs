//! `/api/v1/imports` (an upload answered with a job to poll) and `/api/v1/exports/{kind}`.

use actix_multipart::Multipart;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::blocking;
use super::extract::Principal;
use crate::error::{AppError, Problem};
use crate::i18n::Lang;
use crate::import::export::{self, Format};
use crate::import::jobs::{self, JobView};
use crate::import::{Kind, Mode, Options};
use crate::state::AppState;

/// The largest file taken: a 100,000-row workbook is about 4 MB.
const MAX_UPLOAD: usize = 50 * 1024 * 1024;

/// The form of `POST /api/v1/imports`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// households, workers, employers, vacancies or courses.
    kind: String,
    /// The list: .xlsx, .ods, .csv or Unicode text (.txt), by its file name.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// all-or-nothing (default) or valid-rows.
    mode: Option<String>,
    /// `true`: check and report, keep nothing.
    dry_run: Option<bool>,
    /// Households: the list is this year's poverty review (`2026`); each row records that
    /// year's review.
    review_year: Option<i32>,
}

#[utoipa::path(
    post,
    path = "/api/v1/imports",
    tag = "imports",
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Running: poll the job at `Location`", body = JobView),
        (status = 400, description = "Not a multipart form", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File over 50 MB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or invalid, each named: kind, file, mode, dry_run, review_year", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, AppError> {
    jobs::permitted(&principal)?;
    let lang = Lang::from_request(&request);
    let (options, file_name, bytes) = read_upload(&mut form).await?.options(lang)?;
    // Writing the upload to disk and spawning its thread stay off the executor.
    let (jobs, pool) = (state.imports.clone(), state.pool.clone());
    let job = web::block(move || jobs.start(pool, principal, file_name, bytes, options)).await??;
    Ok(HttpResponse::Accepted()
        .insert_header((LOCATION, format!("/api/v1/imports/{}", job.id)))
        .json(job))
}

/// The fields of an import form as posted (over the API, or from the staff page, which also
/// sends its CSRF token).
#[derive(Default)]
pub struct Upload {
    pub kind: Option<String>,
    pub mode: Option<String>,
    pub dry_run: Option<String>,
    pub review_year: Option<String>,
    pub file: Option<(String, Vec<u8>)>,
    pub csrf_token: Option<String>,
}

/// Reads a multipart import form, refusing more than 50 MB.
pub async fn read_upload(form: &mut Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let mut received = 0;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|error| AppError::BadRequest(error.to_string()))?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|disposition| disposition.get_filename())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|error| AppError::BadRequest(error.to_string()))?;
            received += chunk.len();
            if received > MAX_UPLOAD {
                return Err(AppError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "kind" => upload.kind = Some(text()),
            "mode" => upload.mode = Some(text()),
            "dry_run" => upload.dry_run = Some(text()),
            "review_year" => upload.review_year = Some(text()),
            "csrf_token" => upload.csrf_token = Some(text()),
            // The name is shown back on the job: what must not enter text is left out of it.
            "file" => {
                let name = file_name
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !crate::domain::text::is_forbidden(*c))
                    .collect();
                upload.file = Some((name, bytes));
            }
            _ => {}
        }
    }
    Ok(upload)
}

impl Upload {
    /// The import's options, the file's name and bytes; every bad field named.
    pub fn options(self, lang: Lang) -> Result<(Options, String, Vec<u8>), AppError> {
        let mut errors = Vec::new();
        let kind = match self.kind.as_deref().map(Kind::parse) {
            Some(Some(kind)) => Some(kind),
            Some(None) => {
                errors.push(crate::error::FieldError::new("kind", "invalid_choice"));
                None
            }
            None => {
                errors.push(crate::error::FieldError::new("kind", "required"));
                None
            }
        };
        let mode = match self.mode.as_deref() {
            None | Some("") => Mode::AllOrNothing,
            Some(raw) => Mode::parse(raw).unwrap_or_else(|| {
                errors.push(crate::error::FieldError::new("mode", "invalid_choice"));
                Mode::AllOrNothing
            }),
        };
        let dry_run = match self.dry_run.as_deref() {
            None | Some("" | "false" | "0") => false,
            Some("true" | "1") => true,
            Some(_) => {
                errors.push(crate::error::FieldError::new("dry_run", "invalid_boolean"));
                false
            }
        };
        let review_year = match self.review_year.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match raw.parse::<i32>() {
                Ok(year) if (2000..=2100).contains(&year) => Some(year),
                _ => {
                    errors.push(
                        crate::error::FieldError::new("review_year", "out_of_range")
                            .with("min", "2000")
                            .with("max", "2100"),
                    );
                    None
                }
            },
        };
        match &self.file {
            // A file input left empty still sends a part, with no name and no bytes.
            None => errors.push(crate::error::FieldError::new("file", "required")),
            Some((name, bytes)) if bytes.is_empty() && name.is_empty() => {
                errors.push(crate::error::FieldError::new("file", "required"));
            }
            Some((_, bytes)) if bytes.is_empty() => {
                errors.push(crate::error::FieldError::new("file", "empty"));
            }
            Some(_) => {}
        }
        let (Some(kind), Some((file_name, bytes)), true) = (kind, self.file, errors.is_empty())
        else {
            return Err(AppError::Validation(errors));
        };
        let options = Options {
            kind,
            mode,
            dry_run,
            lang,
            review_year,
        };
        Ok((options, file_name, bytes))
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/imports/{id}",
    tag = "imports",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The job: rows done of the total, then the result with every rejected row", body = JobView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job of yours (jobs are kept a day after they end)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (jobs, pool) = (state.imports.clone(), state.pool.clone());
    let job = web::block(move || jobs.view(&pool, &principal, &id)).await??;
    Ok(HttpResponse::Ok().json(job))
}

#[utoipa::path(
    get,
    path = "/api/v1/imports/{id}/errors.xlsx",
    tag = "imports",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rejected rows as the file had them, with a reason column", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job of yours, or no row was rejected", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still running", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn errors(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    // Building a workbook of many rows is CPU work: off the executor.
    let (jobs, pool) = (state.imports.clone(), state.pool.clone());
    let id = id.into_inner();
    let bytes = web::block(move || jobs.errors_workbook(&pool, &principal, &id)).await??;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, Format::Xlsx.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            "attachment; filename=\"dong-bi-tu-choi.xlsx\"",
        ))
        .body(bytes))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// xlsx (default) or csv.
    pub format: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/exports/{kind}",
    tag = "imports",
    params(
        ("kind" = String, Path, description = "households, workers, employers, vacancies or courses"),
        ExportQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The open records the caller may see, under the headers an import reads (Vietnamese, or English when asked)", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        (status = 404, description = "The address names nothing (it holds a control character)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown kind or format, named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    kind: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    jobs::permitted(&principal)?;
    let lang = Lang::from_request(&request);
    let mut errors = Vec::new();
    let kind = Kind::parse(&kind);
    if kind.is_none() {
        errors.push(crate::error::FieldError::new("kind", "invalid_choice"));
    }
    let format = Format::parse(query.format.as_deref().unwrap_or("xlsx"));
    if format.is_none() {
        errors.push(crate::error::FieldError::new("format", "invalid_choice"));
    }
    let (Some(kind), Some(format)) = (kind, format) else {
        return Err(AppError::Validation(errors));
    };
    let bytes = blocking(&state, move |connection| {
        export::export(connection, &principal, kind, format, lang)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}.{}\"",
                kind.name(),
                format.extension()
            ),
        ))
        .body(bytes))
}
