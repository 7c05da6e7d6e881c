//! The outreach list of uncovered households and the report downloads.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::progress::service::{self as progress, OutreachQuery, ReportQuery};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;
use chrono::Datelike as _;

use super::*;

#[derive(Template)]
#[template(path = "pages/staff/outreach.html")]
pub(super) struct OutreachPage {
    page: Chrome,
    total: i64,
    items: Vec<crate::progress::lists::OutreachHousehold>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct OffsetQuery {
    offset: Option<i64>,
}

pub(super) async fn outreach(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<OffsetQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let offset = query.offset.unwrap_or(0).clamp(0, 1_000_000);
    let found = visit
        .blocking(&state, move |connection| {
            progress::outreach(
                connection,
                &principal,
                &OutreachQuery {
                    period: None,
                    district: None,
                    commune: None,
                    limit: Some("50".to_owned()),
                    offset: Some(offset.to_string()),
                },
            )
        })
        .await?;
    let next = (found.offset + found.limit < found.total)
        .then(|| format!("/outreach?offset={}", found.offset + found.limit));
    let page = OutreachPage {
        page: visit.chrome(visit.tr().t("outreach.title")),
        total: found.total,
        items: found.households,
        next,
    };
    visit.render(&page)
}

// ---- reports ---------------------------------------------------------------------------

pub struct ReportLink {
    pub label: String,
    pub code: String,
}

#[derive(Template)]
#[template(path = "pages/staff/reports.html")]
pub(super) struct ReportsPage {
    page: Chrome,
    links: Vec<ReportLink>,
}

pub(super) async fn reports(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    visit.require(STAFF)?;
    let tr = visit.tr();
    let periods = visit
        .blocking(&state, |connection| {
            Ok(crate::progress::facts::periods(connection)?)
        })
        .await?;
    let mut links = Vec::new();
    for period in periods.iter().rev() {
        links.push(ReportLink {
            label: format!("{} {}", tr.t("reports.whole_period"), period.code),
            code: period.code.clone(),
        });
        let mut year = period.ends_on.year_ce().1 as i32;
        while year >= period.starts_on.year_ce().1 as i32 {
            for half in [2, 1] {
                links.push(ReportLink {
                    label: format!("{} {half}/{year}", tr.t("reports.half")),
                    code: format!("{year}-H{half}"),
                });
            }
            year -= 1;
        }
    }
    let page = ReportsPage {
        page: visit.chrome(tr.t("reports.title")),
        links,
    };
    visit.render(&page)
}

pub(super) async fn report_download(
    state: web::Data<AppState>,
    visit: Visit,
    file: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let file = file.into_inner();
    let (bytes, content_type, name) = visit
        .blocking(&state, move |connection| {
            progress::report_file(
                connection,
                &principal,
                &file,
                &ReportQuery {
                    district: None,
                    commune: None,
                },
                lang,
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}
