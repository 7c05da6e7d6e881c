//! A job fair's registered workers and a livelihood model's participants as lists, from the
//! staff pages: download the list, upload one. A list that is kept goes back to the fair's or
//! the model's page; a refused one is shown row by row, and nothing of it is kept.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::imports::{ExportParams, checked_upload};
use super::{Chrome, PageError, Visit};
use crate::accounts::Role;
use crate::error::AppError;
use crate::import::export::Format;
use crate::import::lists::{self, List, ListReport};
use crate::state::AppState;

const STAFF: &[Role] = &[Role::Admin, Role::Staff];

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/job-fairs/{id}/workers/export", web::get().to(fair_export))
        .route(
            "/job-fairs/{id}/workers/import",
            web::post().to(fair_import),
        )
        .route(
            "/livelihood-models/{id}/participants/export",
            web::get().to(model_export),
        )
        .route(
            "/livelihood-models/{id}/participants/import",
            web::post().to(model_import),
        );
}

/// The page a list belongs to.
fn home(list: List, id: &str) -> String {
    match list {
        List::FairWorkers => format!("/job-fairs/{id}/manage"),
        List::ModelParticipants => format!("/livelihood-models/{id}"),
    }
}

#[derive(Template)]
#[template(path = "pages/staff/list_refused.html")]
struct RefusedPage {
    page: Chrome,
    back: String,
    report: ListReport,
}

async fn export(
    state: web::Data<AppState>,
    visit: Visit,
    list: List,
    id: String,
    format: Option<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let format = Format::parse(format.as_deref().unwrap_or("xlsx"))
        .ok_or_else(|| visit.fail(AppError::field("format", "invalid_choice")))?;
    let bytes = visit
        .blocking(&state, move |connection| {
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
    request: HttpRequest,
    visit: Visit,
    list: List,
    id: String,
    mut form: Multipart,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let upload = checked_upload(&request, &visit, &mut form).await?;
    let back = home(list, &id);
    let Some((file_name, bytes)) = upload.file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return Err(visit.fail(AppError::field("file", "required")));
    };
    let report = visit
        .blocking(&state, move |connection| {
            lists::import(connection, &principal, list, &id, &file_name, &bytes, lang)
        })
        .await?;
    if report.committed {
        return Ok(visit.redirect(&back));
    }
    let page = RefusedPage {
        page: visit.chrome(visit.tr().t("lists.refused")),
        back,
        report,
    };
    visit.render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn fair_export(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    query: web::Query<ExportParams>,
) -> Result<HttpResponse, PageError> {
    let format = query.into_inner().format;
    export(state, visit, List::FairWorkers, id.into_inner(), format).await
}

async fn fair_import(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    import(
        state,
        request,
        visit,
        List::FairWorkers,
        id.into_inner(),
        form,
    )
    .await
}

async fn model_export(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    query: web::Query<ExportParams>,
) -> Result<HttpResponse, PageError> {
    let format = query.into_inner().format;
    export(
        state,
        visit,
        List::ModelParticipants,
        id.into_inner(),
        format,
    )
    .await
}

async fn model_import(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    import(
        state,
        request,
        visit,
        List::ModelParticipants,
        id.into_inner(),
        form,
    )
    .await
}
