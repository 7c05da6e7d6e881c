//! Follow-ups of placements: the overdue ones first, each recorded with its outcome.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::Principal;
use crate::error::AppError;
use crate::hiring::follow_ups;
use crate::models;
use crate::routes::html::forms::Posted;
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

pub struct FollowUpRow {
    pub item: follow_ups::FollowUpView,
    pub worker_id: String,
    pub worker: String,
    pub vacancy: String,
}

pub(super) fn follow_up_rows(
    connection: &mut crate::db::DbConn,
    principal: &Principal,
    overdue_only: bool,
    limit: i64,
) -> Result<Vec<FollowUpRow>, AppError> {
    let items = follow_ups::list(
        connection,
        principal,
        follow_ups::FollowUpQuery {
            overdue: overdue_only.then_some(true),
            limit: Some(limit),
        },
    )?;
    let ids: Vec<String> = items
        .iter()
        .map(|item| item.placement_id.to_string())
        .collect();
    let labels = models::follow_ups::placement_labels(connection, &ids)?;
    Ok(items
        .into_iter()
        .map(|item| {
            let (worker_id, worker, vacancy) = labels
                .get(item.placement_id.as_str())
                .cloned()
                .unwrap_or_default();
            FollowUpRow {
                item,
                worker_id,
                worker,
                vacancy,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "pages/staff/follow_ups.html")]
pub(super) struct FollowUpPage {
    page: Chrome,
    items: Vec<FollowUpRow>,
    overdue_only: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct FollowUpFilter {
    all: Option<String>,
}

pub(super) async fn follow_up_list(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<FollowUpFilter>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let overdue_only = query.all.is_none();
    let items = visit
        .blocking(&state, move |connection| {
            follow_up_rows(connection, &principal, overdue_only, FOLLOW_UP_PAGE)
        })
        .await?;
    let page = FollowUpPage {
        page: visit.chrome(visit.tr().t("follow_ups.title")),
        items,
        overdue_only,
        error: None,
    };
    visit.render(&page)
}

pub(super) async fn follow_up_record(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let lang = visit.lang;
    let income_vnd = match form.amount("income_vnd") {
        Ok(income) => income,
        Err(_) => {
            let message = format!(
                "{}: {}",
                visit.tr().t("field.income_vnd"),
                crate::i18n::field_message("invalid_type", lang, &[])
            );
            return refused(&state, &visit, message).await;
        }
    };
    let change = follow_ups::FollowUpChange {
        outcome: form.get("outcome").unwrap_or_default(),
        left_reason: form.get("left_reason"),
        note: form.get("note"),
        recorded_on: form.get("recorded_on"),
        income_vnd,
    };
    let outcome = visit
        .blocking(&state, move |connection| {
            match follow_ups::record(connection, &principal, &id, change) {
                Ok(_) => Ok(Ok(())),
                Err(error @ AppError::Validation(_)) => Ok(Err(error.describe(lang))),
                Err(other) => Err(other),
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(visit.redirect("/follow-ups")),
        Err(message) => refused(&state, &visit, message).await,
    }
}

/// The overdue list again with the message of what was refused.
async fn refused(
    state: &web::Data<AppState>,
    visit: &Visit,
    message: String,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let items = visit
        .blocking(state, move |connection| {
            follow_up_rows(connection, &principal, true, FOLLOW_UP_PAGE)
        })
        .await?;
    let page = FollowUpPage {
        page: visit.chrome(visit.tr().t("follow_ups.title")),
        items,
        overdue_only: true,
        error: Some(message),
    };
    visit.render_with(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "pages/staff/sms_inbox.html")]
pub(super) struct SmsInboxPage {
    page: Chrome,
    items: Vec<models::sms::InboxItem>,
}

/// `/sms/inbox`: the texts that came from handsets, newest first, within the officer's reach.
pub(super) async fn sms_inbox(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let items = visit
        .blocking(&state, move |connection| {
            crate::hiring::sms_replies::inbox(
                connection,
                &principal,
                crate::hiring::sms_replies::InboxQuery {
                    kind: None,
                    limit: Some(100),
                },
            )
        })
        .await?;
    let page = SmsInboxPage {
        page: visit.chrome(visit.tr().t("sms_inbox.title")),
        items,
    };
    visit.render(&page)
}
