//! The worker registry pages: accent-proof search, detail with history, create and edit.

use super::overview::{ReferralRow, referral_rows};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::hiring::pipeline;
use crate::models;
use crate::registry::workers;
use crate::routes::html::format;
use crate::routes::html::forms::{FormState, Posted};
use crate::routes::html::{Chrome, PageError, Tr, Visit};
use crate::search::service::{self as search, SearchParams};
use crate::state::AppState;

use super::*;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub availability: Option<String>,
    pub district: Option<String>,
    pub page: Option<i64>,
    pub cursor: Option<String>,
}

impl ListQuery {
    pub(super) fn text(value: &Option<String>) -> Option<String> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }
}

#[derive(Template)]
#[template(path = "pages/staff/workers.html")]
pub(super) struct WorkerListPage {
    page: Chrome,
    q: String,
    status: String,
    availability: String,
    total: usize,
    items: Vec<search::SearchHit>,
    page_number: i64,
    has_next: bool,
    /// Set when a CCCD was searched and nobody in reach holds it.
    no_cccd: bool,
}

/// The 12 digits of a CCCD typed into the search box (spaces and dots allowed), if that is
/// what was typed.
fn typed_national_id(q: Option<&str>) -> Option<String> {
    crate::domain::values::national_id(&q?.replace('.', "")).ok()
}

impl WorkerListPage {
    fn fact(&self, hit: &search::SearchHit, key: &str) -> String {
        match hit.facts.get(key) {
            Some(serde_json::Value::String(text)) => {
                self.page.tr.t(&format!("value.{text}")).to_owned()
            }
            Some(serde_json::Value::Number(number)) => number.to_string(),
            _ => String::new(),
        }
    }

    fn link(&self, page_number: i64) -> String {
        format!(
            "/workers?q={}&status={}&availability={}&page={page_number}",
            format::url_encode(&self.q),
            format::url_encode(&self.status),
            format::url_encode(&self.availability)
        )
    }
}

pub(super) async fn worker_list(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let query = query.into_inner();
    // A CCCD finds one person exactly, within the officer's reach (the read is audited).
    if let Some(national_id) = typed_national_id(query.q.as_deref()) {
        let reader = principal.clone();
        let found = visit
            .blocking(&state, move |connection| {
                let id = match workers::id_by_national_id(connection, &national_id) {
                    Ok(id) => id,
                    Err(AppError::Validation(_)) => return Ok(None),
                    Err(other) => return Err(other),
                };
                match workers::read(connection, &reader, &id) {
                    Ok(_) => Ok(Some(id)),
                    Err(AppError::NotFound | AppError::Forbidden) => Ok(None),
                    Err(other) => Err(other),
                }
            })
            .await?;
        if let Some(id) = found {
            return Ok(visit.redirect(&format!("/workers/{id}")));
        }
        let page = WorkerListPage {
            page: visit.chrome(visit.tr().t("workers.title")),
            q: query.q.unwrap_or_default(),
            status: query.status.unwrap_or_default(),
            availability: query.availability.unwrap_or_default(),
            total: 0,
            items: Vec::new(),
            page_number: 1,
            has_next: false,
            no_cccd: true,
        };
        return visit.render(&page);
    }
    let page_number = query.page.unwrap_or(1).clamp(1, 500);
    let params = SearchParams {
        kind: Some("workers".to_owned()),
        q: ListQuery::text(&query.q),
        commune: None,
        district: ListQuery::text(&query.district),
        household_status: ListQuery::text(&query.status),
        availability: ListQuery::text(&query.availability),
        overseas: None,
        occupation: None,
        limit: Some(PAGE_SIZE),
        offset: Some((page_number - 1) * PAGE_SIZE),
    };
    let index = state.search.clone();
    let found = visit
        .blocking(&state, move |connection| {
            search::search(connection, &index, Some(&principal), params)
        })
        .await?;
    let has_next = (page_number * PAGE_SIZE) < found.total as i64;
    let page = WorkerListPage {
        page: visit.chrome(visit.tr().t("workers.title")),
        q: query.q.unwrap_or_default(),
        status: query.status.unwrap_or_default(),
        availability: query.availability.unwrap_or_default(),
        total: found.total,
        items: found.items,
        page_number,
        has_next,
        no_cccd: false,
    };
    visit.render(&page)
}

/// One labelled value of a record's detail page.
pub struct Detail {
    pub label: String,
    pub value: String,
}

/// The fields of a record's JSON view, labelled and formatted; fields the role may not see
/// are absent from the view and so from the page.
pub(super) fn details(tr: Tr, record: &serde_json::Value, keys: &[&str]) -> Vec<Detail> {
    keys.iter()
        .filter_map(|key| {
            let value = record.get(*key)?;
            let shown = match value {
                serde_json::Value::Null => return None,
                serde_json::Value::Bool(true) => tr.t("common.yes").to_owned(),
                serde_json::Value::Bool(false) => tr.t("common.no").to_owned(),
                serde_json::Value::Number(number) => match number.as_i64() {
                    Some(whole) if key.ends_with("_vnd") => format::money(whole, tr.lang),
                    Some(whole) => format::integer(whole, tr.lang),
                    None => number.to_string(),
                },
                serde_json::Value::String(text)
                    if key.ends_with("date") || key.ends_with("_on") =>
                {
                    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                        .map(format::date)
                        .unwrap_or_else(|_| text.clone())
                }
                serde_json::Value::String(text) => tr.of("value", text).to_owned(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|item| {
                        item.as_str().map_or_else(
                            || item.to_string(),
                            |text| tr.of("value", text).to_owned(),
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                serde_json::Value::Object(_) => return None,
            };
            Some(Detail {
                label: tr.t(&format!("field.{key}")).to_owned(),
                value: shown,
            })
        })
        .collect()
}

pub(super) const WORKER_FIELDS: &[&str] = &[
    "full_name",
    "national_id",
    "birth_date",
    "gender",
    "ethnicity_code",
    "phone",
    "email",
    "commune_code",
    "household_id",
    "household_status",
    "education_level",
    "qualifications",
    "disability",
    "skills",
    "desired_occupations",
    "willing_to_relocate",
    "willing_overseas",
    "expected_wage_vnd",
    "availability",
    "consent_to_share",
    "consent_given_on",
];

/// The changes of a record from its audit trail (reads are left out), in order.
pub(super) fn history_rows(
    tr: Tr,
    trail: Vec<(String, Option<String>, String)>,
) -> Vec<HistoryRow> {
    trail
        .into_iter()
        .filter(|(action, _, _)| action != "read")
        .map(|(action, _, fields)| HistoryRow {
            action: tr.t_or(&format!("audit.{action}"), &action).to_owned(),
            fields: fields
                .split(',')
                .filter(|field| !field.is_empty())
                .map(|field| tr.t_or(&format!("field.{field}"), field).to_owned())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

pub struct HistoryRow {
    pub action: String,
    pub fields: String,
}

#[derive(Template)]
#[template(path = "pages/staff/worker.html")]
pub(super) struct WorkerPage {
    page: Chrome,
    id: String,
    details: Vec<Detail>,
    referrals: Vec<ReferralRow>,
    enrollments: Vec<(String, String, String)>,
    history: Vec<HistoryRow>,
    consent_withdrawn: bool,
    /// The services recorded, latest first, and the form to record one.
    services: Vec<crate::registry::service_records::ServiceRecordView>,
    service_kinds: Vec<(String, String)>,
    service_form: FormState,
}

pub(super) async fn worker_detail(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let form = FormState::default();
    render_worker(&state, &visit, id.into_inner(), StatusCode::OK, form).await
}

/// The worker's page, with `service_form` as posted (and its errors) when a service was refused.
pub(super) async fn render_worker(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    status: StatusCode,
    service_form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let tr = visit.tr();
    let (record, referral_list, enrollments, history, mut services) = visit
        .blocking(state, move |connection| {
            let record = workers::read(connection, &principal, &id)?;
            let listed = pipeline::list_for_worker(connection, &principal, &id)?;
            let referral_list = referral_rows(connection, listed)?;
            let enrollments = models::enrollments::for_worker(connection, &id)?
                .into_iter()
                .map(|(enrollment, title, starts_on)| {
                    (
                        title,
                        format::date(starts_on),
                        enrollment.status.to_string(),
                    )
                })
                .collect::<Vec<_>>();
            let history = models::audit::for_record(connection, "worker", &id)?;
            let services = crate::registry::service_records::list(connection, &principal, &id)?;
            Ok((record, referral_list, enrollments, history, services))
        })
        .await?;
    services.sort_by_key(|service| std::cmp::Reverse(service.provided_on));
    let page = WorkerPage {
        page: visit.chrome(record["full_name"].as_str().unwrap_or_default().to_owned()),
        id: record["id"].as_str().unwrap_or_default().to_owned(),
        consent_withdrawn: !record["consent_withdrawn_at"].is_null(),
        details: details(tr, &record, WORKER_FIELDS),
        referrals: referral_list,
        enrollments: enrollments
            .into_iter()
            .map(|(title, starts, status)| {
                (
                    title,
                    starts,
                    tr.t_or(&format!("value.{status}"), &status).to_owned(),
                )
            })
            .collect(),
        history: history_rows(tr, history),
        services,
        service_kinds: super::worker_work::service_kinds(tr),
        service_form,
    };
    visit.render_with(status, &page)
}

/// Everything held about the person, as one file (Decree 13/2023); audited.
pub(super) async fn worker_personal_data(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let file_name = format!("ketnoi-du-lieu-ca-nhan-{id}.json");
    let document = visit
        .blocking(&state, move |connection| {
            workers::export_personal_data(connection, &principal, &id)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .json(document))
}

/// Records that the person withdrew their consent, from the worker's page.
pub(super) async fn worker_withdraw_consent(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    _form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let target = format!("/workers/{id}");
    visit
        .blocking(&state, move |connection| {
            workers::withdraw_consent(connection, &principal, &id)
        })
        .await?;
    Ok(visit.redirect(&target))
}
