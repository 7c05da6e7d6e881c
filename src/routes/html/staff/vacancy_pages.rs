//! Vacancies: the list, a vacancy with its ranked and explained candidates, referring one;
//! the referral board by status.

use super::overview::{ReferralRow, referral_rows};
use super::worker_pages::ListQuery;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::hiring::{pipeline, referrals};
use crate::registry::{self, employers, vacancies};
use crate::routes::html::format;
use crate::routes::html::forms::Posted;
use crate::routes::html::{Chrome, PageError, Visit};
use crate::search::service::{self as search, MatchParams, WorkerMatch};
use crate::state::AppState;

use super::*;

#[derive(Template)]
#[template(path = "pages/staff/vacancies.html")]
pub(super) struct VacancyListPage {
    page: Chrome,
    q: String,
    total: i64,
    items: Vec<vacancies::VacancyView>,
    next: Option<String>,
}

pub(super) async fn vacancy_list(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let query = query.into_inner();
    let listing = vacancies::VacancyQuery {
        status: ListQuery::text(&query.status),
        occupation: None,
        employer_id: None,
        commune: None,
        district: ListQuery::text(&query.district),
        overseas: None,
        q: ListQuery::text(&query.q),
        archived: None,
        limit: Some(PAGE_SIZE),
        cursor: ListQuery::text(&query.cursor),
    };
    let found = visit
        .blocking(&state, move |connection| {
            vacancies::list(connection, &principal, listing)
        })
        .await?;
    let q = query.q.unwrap_or_default();
    let next = found
        .next_cursor
        .map(|cursor| format!("/vacancies?q={}&cursor={cursor}", format::url_encode(&q)));
    let page = VacancyListPage {
        page: visit.chrome(visit.tr().t("vacancies.title")),
        q,
        total: found.total,
        items: found.items,
        next,
    };
    visit.render(&page)
}

#[derive(Template)]
#[template(path = "pages/staff/vacancy.html")]
pub(super) struct VacancyPage {
    page: Chrome,
    vacancy: vacancies::VacancyView,
    employer: String,
    matches: Vec<WorkerMatch>,
    referred: Vec<ReferralRow>,
    notice: Option<&'static str>,
}

impl VacancyPage {
    fn score(&self, value: impl crate::routes::html::texts::Plain<f64>) -> String {
        format::fixed(value.plain(), 2, self.page.tr.lang)
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

pub(super) async fn vacancy_detail(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let lang = visit.lang;
    let index = state.search.clone();
    let weights = state.match_weights;
    let (vacancy, employer, matches, referred) = visit
        .blocking(&state, move |connection| {
            let vacancy = vacancies::read(connection, &principal, &id)?;
            let employer = employers::read(connection, &principal, &vacancy.employer_id)?.name;
            let matches = search::vacancy_matches(
                connection,
                &index,
                &weights,
                &principal,
                &id,
                MatchParams { limit: None },
                lang,
            )?;
            let listed = pipeline::list(
                connection,
                &principal,
                pipeline::ReferralQuery {
                    status: None,
                    stale: None,
                    vacancy_id: Some(id.clone()),
                    limit: Some(100),
                },
            )?;
            Ok((
                vacancy,
                employer,
                matches.items,
                referral_rows(connection, listed)?,
            ))
        })
        .await?;
    let notice = match query.done.as_deref() {
        Some("referred") => Some("vacancy.referred_notice"),
        _ => None,
    };
    let page = VacancyPage {
        page: visit.chrome(vacancy.title.clone()),
        vacancy,
        employer,
        matches,
        referred,
        notice,
    };
    visit.render(&page)
}

pub(super) async fn refer(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let vacancy_id = id.into_inner();
    // A candidate from the ranked list, or anyone else by CCCD with the reason for the choice.
    let worker_id = form.get("worker_id");
    let national_id = form.get("national_id");
    let override_reason = form.get("override_reason");
    let note = form.get("note");
    let lang = visit.lang;
    let index = state.search.clone();
    let weights = state.match_weights;
    let target = vacancy_id.clone();
    visit
        .blocking(&state, move |connection| {
            let worker_id = match (worker_id, national_id) {
                (Some(id), _) => Some(id),
                (None, Some(cccd)) => {
                    Some(registry::workers::id_by_national_id(connection, &cccd)?)
                }
                (None, None) => None,
            };
            referrals::create(
                connection,
                &index,
                &weights,
                &principal,
                referrals::ReferralInput {
                    vacancy_id: Some(target),
                    worker_id,
                    status: Some("referred".to_owned()),
                    note,
                    override_reason,
                },
                lang,
            )
        })
        .await?;
    Ok(visit.redirect(&format!("/vacancies/{vacancy_id}?done=referred")))
}

// ---- referral board --------------------------------------------------------------------

pub struct Column {
    pub status: &'static str,
    pub rows: Vec<ReferralRow>,
}

#[derive(Template)]
#[template(path = "pages/staff/referrals.html")]
pub(super) struct ReferralBoardPage {
    page: Chrome,
    columns: Vec<Column>,
}

pub(super) async fn referral_board(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let columns = visit
        .blocking(&state, move |connection| {
            let mut columns = Vec::new();
            for status in ["referred", "interview", "hired", "rejected"] {
                let listed = pipeline::list(
                    connection,
                    &principal,
                    pipeline::ReferralQuery {
                        status: Some(status.to_owned()),
                        stale: None,
                        vacancy_id: None,
                        limit: Some(30),
                    },
                )?;
                columns.push(Column {
                    status,
                    rows: referral_rows(connection, listed)?,
                });
            }
            Ok(columns)
        })
        .await?;
    let page = ReferralBoardPage {
        page: visit.chrome(visit.tr().t("referrals.title")),
        columns,
    };
    visit.render(&page)
}
