//! The administrator's outbox: messages waiting, sent or failed, and a retry for the failed.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::forms::Posted;
use super::{Chrome, PageError, Visit, format};
use crate::accounts::Role;
use crate::mail::outbox::OutboxView;
use crate::mail::service::{self, OutboxQuery};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/admin/outbox", web::get().to(outbox))
        .route("/admin/outbox/{id}/retry", web::post().to(retry));
}

#[derive(Deserialize)]
pub struct OutboxFilter {
    status: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/admin/outbox.html")]
struct OutboxPage {
    page: Chrome,
    status: String,
    items: Vec<OutboxView>,
    next: Option<String>,
}

impl OutboxPage {
    fn when(&self, value: &chrono::NaiveDateTime) -> String {
        format::date_time(*value)
    }
}

async fn outbox(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<OutboxFilter>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin])?;
    let OutboxFilter { status, cursor } = query.into_inner();
    let status = status.filter(|status| !status.is_empty());
    let listing = OutboxQuery {
        status: status.clone(),
        template: None,
        limit: Some(50),
        cursor: cursor.filter(|cursor| !cursor.is_empty()),
    };
    let found = visit
        .blocking(&state, move |connection| {
            service::list(connection, &principal, listing)
        })
        .await?;
    let status = status.unwrap_or_default();
    let next = found.next_cursor.map(|cursor| {
        format!(
            "/admin/outbox?status={}&cursor={}",
            format::url_encode(&status),
            format::url_encode(&cursor)
        )
    });
    let page = OutboxPage {
        page: visit.chrome(visit.tr().t("outbox.title")),
        status,
        items: found.items,
        next,
    };
    visit.render(&page)
}

async fn retry(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    _form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin])?;
    let id = id.into_inner();
    visit
        .blocking(&state, move |connection| {
            service::retry(connection, &principal, &id)
        })
        .await?;
    Ok(visit.redirect("/admin/outbox?status=failed"))
}
