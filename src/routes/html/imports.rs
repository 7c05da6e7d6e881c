//! Staff pages for Excel and CSV: upload a commune's list, follow the job (the page refreshes
//! itself while it runs, no script needed), download the rejected rows to fix, and export
//! each registry.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::forms::FormState;
use super::{CSRF_COOKIE, Chrome, PageError, Visit};
use crate::accounts::Role;
use crate::error::AppError;
use crate::import::Kind;
use crate::import::export::{self, Format};
use crate::import::jobs::{JobStatus, JobView};
use crate::routes::api::imports::read_upload;
use crate::state::AppState;

const STAFF: &[Role] = &[Role::Admin, Role::Staff];

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/imports", web::get().to(upload_form))
        .route("/imports", web::post().to(upload))
        .route("/imports/{id}", web::get().to(job))
        .route("/imports/{id}/errors.xlsx", web::get().to(rejected_rows))
        .route("/exports/{kind}", web::get().to(export_file));
}

#[derive(Template)]
#[template(path = "pages/staff/imports.html")]
struct UploadPage {
    page: Chrome,
    form: FormState,
    kinds: Vec<(String, String)>,
    modes: Vec<(String, String)>,
}

fn upload_page(visit: &Visit, form: FormState) -> UploadPage {
    let tr = visit.tr();
    UploadPage {
        page: visit.chrome(tr.t("imports.title")),
        form,
        kinds: tr.options("import", &Kind::ALL.map(Kind::name)),
        modes: tr.options("mode", &["all-or-nothing", "valid-rows"]),
    }
}

async fn upload_form(visit: Visit) -> Result<HttpResponse, PageError> {
    visit.require(STAFF)?;
    let mut form = FormState::default();
    form.values
        .insert("mode".to_owned(), "all-or-nothing".to_owned());
    visit.render(&upload_page(&visit, form))
}

async fn upload(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    mut form: Multipart,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let upload = checked_upload(&request, &visit, &mut form).await?;
    let mut values = std::collections::HashMap::new();
    for (key, value) in [
        ("kind", &upload.kind),
        ("mode", &upload.mode),
        ("dry_run", &upload.dry_run),
        ("review_year", &upload.review_year),
    ] {
        if let Some(value) = value {
            values.insert(key.to_owned(), value.clone());
        }
    }
    let (options, file_name, bytes) = match upload.options(visit.lang) {
        Ok(parsed) => parsed,
        Err(error) => {
            let mut form_state = FormState::with_values(values);
            form_state
                .absorb(
                    error,
                    visit.lang,
                    &["kind", "mode", "dry_run", "review_year", "file"],
                )
                .map_err(|error| visit.fail(error))?;
            return visit.render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &upload_page(&visit, form_state),
            );
        }
    };
    let (jobs, pool) = (state.imports.clone(), state.pool.clone());
    let started = web::block(move || jobs.start(pool, principal, file_name, bytes, options))
        .await
        .map_err(|error| visit.fail(error.into()))?
        .map_err(|error| visit.fail(error))?;
    Ok(visit.redirect(&format!("/imports/{}", started.id)))
}

/// Reads a multipart form posted from a page, which carries its CSRF token like every other
/// form: without the right one it is refused.
pub(super) async fn checked_upload(
    request: &HttpRequest,
    visit: &Visit,
    form: &mut Multipart,
) -> Result<crate::routes::api::imports::Upload, PageError> {
    let upload = read_upload(form).await.map_err(|error| visit.fail(error))?;
    let expected = request
        .cookie(CSRF_COOKIE)
        .map(|cookie| cookie.value().to_owned());
    if expected.is_none() || upload.csrf_token != expected {
        return Err(visit.fail(AppError::Forbidden));
    }
    Ok(upload)
}

#[derive(Template)]
#[template(path = "pages/staff/import_job.html")]
struct JobPage {
    page: Chrome,
    job: JobView,
    running: bool,
    failed: bool,
}

async fn job(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let (jobs, pool) = (state.imports.clone(), state.pool.clone());
    let job = web::block(move || jobs.view(&pool, &principal, &id))
        .await
        .map_err(|error| visit.fail(error.into()))?
        .map_err(|error| visit.fail(error))?;
    let page = JobPage {
        page: visit.chrome(format!(
            "{} — {}",
            visit.tr().t("imports.job"),
            job.file_name
        )),
        running: matches!(job.status, JobStatus::Running),
        failed: matches!(job.status, JobStatus::Failed),
        job,
    };
    visit.render(&page)
}

async fn rejected_rows(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let (jobs, pool) = (state.imports.clone(), state.pool.clone());
    let id = id.into_inner();
    let bytes = web::block(move || jobs.errors_workbook(&pool, &principal, &id))
        .await
        .map_err(|error| visit.fail(error.into()))?
        .map_err(|error| visit.fail(error))?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, Format::Xlsx.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            "attachment; filename=\"dong-bi-tu-choi.xlsx\"",
        ))
        .body(bytes))
}

#[derive(Deserialize)]
pub struct ExportParams {
    pub format: Option<String>,
}

async fn export_file(
    state: web::Data<AppState>,
    visit: Visit,
    kind: web::Path<String>,
    query: web::Query<ExportParams>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let kind = Kind::parse(&kind).ok_or_else(|| visit.fail(AppError::NotFound))?;
    let format = Format::parse(query.format.as_deref().unwrap_or("xlsx"))
        .ok_or_else(|| visit.fail(AppError::field("format", "invalid_choice")))?;
    let bytes = visit
        .blocking(&state, move |connection| {
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
