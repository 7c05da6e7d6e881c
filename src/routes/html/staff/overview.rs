//! The staff dashboard: each target's progress, its chart and pace, the records behind each
//! figure, overdue follow-ups, unanswered referrals, the newest vacancies.

use super::follow_up_pages::{FollowUpRow, follow_up_rows};

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::error::AppError;
use crate::hiring::{pipeline, referrals};
use crate::models;
use crate::progress::figures::TargetFigure;
use crate::progress::service::{self as progress, ChartQuery, ProgressQuery};
use crate::registry::vacancies;
use crate::routes::html::format;
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

pub struct ReferralRow {
    pub id: String,
    pub worker_id: String,
    pub worker: String,
    pub vacancy_id: String,
    pub vacancy: String,
    pub status: String,
    pub since: String,
    /// Place on the ranked list when referred, if on it.
    pub rank: Option<i32>,
    /// Why someone off the list was referred.
    pub override_reason: Option<String>,
}

pub(super) fn referral_rows(
    connection: &mut crate::db::DbConn,
    listed: Vec<referrals::ReferralView>,
) -> Result<Vec<ReferralRow>, AppError> {
    let ids: Vec<String> = listed
        .iter()
        .map(|referral| referral.id.to_string())
        .collect();
    let labels = models::referrals::labels(connection, &ids)?;
    Ok(listed
        .into_iter()
        .map(|referral| {
            let (worker, vacancy) = labels
                .get(referral.id.as_str())
                .cloned()
                .unwrap_or_default();
            ReferralRow {
                id: referral.id.to_string(),
                since: format::date_time(
                    referral.stale_since.unwrap_or(referral.status_changed_at),
                ),
                worker_id: referral.worker_id,
                worker,
                vacancy_id: referral.vacancy_id,
                vacancy,
                status: referral.status.to_string(),
                rank: referral.match_rank,
                override_reason: referral.override_reason,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "pages/staff/dashboard.html")]
pub(super) struct DashboardPage {
    page: Chrome,
    period: String,
    /// Every period, `(code, name)`, for the switcher.
    periods: Vec<(String, String)>,
    /// The filters as asked (`""`: none).
    year: String,
    district: String,
    commune: String,
    /// The years of the period, for the year filter.
    years: Vec<i32>,
    /// Every district, `(code, name)`, for the district filter.
    districts: Vec<(String, String)>,
    /// The filters as query parameters, for the records and chart links.
    filters: String,
    as_of: String,
    targets: Vec<TargetFigure>,
    poverty_rates: Vec<crate::progress::reviews::YearRate>,
    overdue: Vec<FollowUpRow>,
    stale: Vec<ReferralRow>,
    newest: Vec<vacancies::VacancyView>,
}

impl DashboardPage {
    fn figure(&self, target: &TargetFigure) -> String {
        if target.unit == "percent" {
            format!("{} %", format::decimal(target.actual, self.page.tr.lang))
        } else {
            format::integer(target.actual.round() as i64, self.page.tr.lang)
        }
    }

    fn goal(&self, target: &TargetFigure) -> String {
        if target.unit == "percent" {
            format!("{} %", format::decimal(target.target, self.page.tr.lang))
        } else {
            format::integer(target.target.round() as i64, self.page.tr.lang)
        }
    }

    fn bar(&self, target: &TargetFigure) -> i64 {
        target.percent.clamp(0.0, 100.0).round() as i64
    }
}

/// The dashboard's filters: a period, a year of it, a district, a commune.
#[derive(Deserialize)]
pub struct DashboardQuery {
    period: Option<String>,
    year: Option<String>,
    district: Option<String>,
    commune: Option<String>,
}

/// `&year=…&district=…&commune=…` for the filters that are set.
fn filter_params(filters: &[(&str, &str)]) -> String {
    filters
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("&{name}={}", format::url_encode(value)))
        .collect()
}

pub(super) async fn dashboard(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let DashboardQuery {
        period,
        year,
        district,
        commune,
    } = query.into_inner();
    let trimmed = |value: Option<String>| value.unwrap_or_default().trim().to_owned();
    let (year, district, commune) = (trimmed(year), trimmed(district), trimmed(commune));
    let asked = ProgressQuery {
        period,
        year: Some(year.clone()),
        district: Some(district.clone()),
        commune: Some(commune.clone()),
    };
    let (progress, periods, districts, overdue, stale, newest) = visit
        .blocking(&state, move |connection| {
            let periods = crate::models::programme::periods(connection)?
                .into_iter()
                .map(|period| {
                    let name = match lang {
                        crate::i18n::Lang::En if !period.name_en.is_empty() => period.name_en,
                        _ if !period.name_vi.is_empty() => period.name_vi,
                        _ => period.code.clone(),
                    };
                    (period.code, name)
                })
                .collect::<Vec<_>>();
            let progress = progress::progress(connection, &principal, &asked, lang)?;
            let mut districts: Vec<(String, String)> =
                crate::models::admin_units::search(connection, Some("district"), None, None)?
                    .into_iter()
                    .map(|unit| (unit.code, format!("{} {}", unit.unit_type, unit.name)))
                    .collect();
            districts.sort();
            districts.dedup_by(|a, b| a.0 == b.0);
            let overdue = follow_up_rows(connection, &principal, true, 10)?;
            let stale = pipeline::list(
                connection,
                &principal,
                pipeline::ReferralQuery {
                    status: None,
                    stale: Some(true),
                    vacancy_id: None,
                    limit: Some(10),
                },
            )?;
            let stale = referral_rows(connection, stale)?;
            let newest = vacancies::newest_open(connection, &principal, 5)?;
            Ok((progress, periods, districts, overdue, stale, newest))
        })
        .await?;
    use chrono::Datelike;
    let filters = filter_params(&[
        ("year", &year),
        ("district", &district),
        ("commune", &commune),
    ]);
    let page = DashboardPage {
        page: visit.chrome(visit.tr().t("dashboard.title")),
        period: progress.period.clone(),
        periods,
        years: (progress.starts_on.year()..=progress.ends_on.year()).collect(),
        year,
        district,
        commune,
        districts,
        filters,
        as_of: format::date(progress.as_of),
        targets: progress.targets,
        poverty_rates: progress.poverty_rates.all,
        overdue,
        stale,
        newest,
    };
    visit.render(&page)
}

#[derive(Deserialize)]
pub struct ChartParams {
    period: Option<String>,
    key: Option<String>,
    year: Option<String>,
    district: Option<String>,
    commune: Option<String>,
}

pub(super) async fn chart(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<ChartParams>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let ChartParams {
        period,
        key,
        year,
        district,
        commune,
    } = query.into_inner();
    let svg = visit
        .blocking(&state, move |connection| {
            progress::chart(
                connection,
                &principal,
                &ChartQuery {
                    period,
                    year,
                    district,
                    commune,
                    key,
                },
                lang,
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "private, max-age=60"))
        .body(svg))
}

#[derive(Deserialize)]
pub struct RecordsParams {
    period: Option<String>,
    key: Option<String>,
    offset: Option<i64>,
    year: Option<String>,
    district: Option<String>,
    commune: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/staff/records.html")]
pub(super) struct RecordsPage {
    page: Chrome,
    total: i64,
    records: Vec<crate::progress::lists::Record>,
    next: Option<String>,
}

/// The records behind a dashboard figure.
pub(super) async fn records(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<RecordsParams>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let RecordsParams {
        period,
        key,
        offset,
        year,
        district,
        commune,
    } = query.into_inner();
    let filters = filter_params(&[
        ("year", year.as_deref().unwrap_or_default()),
        ("district", district.as_deref().unwrap_or_default()),
        ("commune", commune.as_deref().unwrap_or_default()),
    ]);
    let offset = offset.unwrap_or(0).clamp(0, 1_000_000);
    let lookup = progress::RecordsQuery {
        period: period.clone(),
        key: key.clone(),
        year,
        district,
        commune,
        household_status: None,
        ethnicity: None,
        gender: None,
        country: None,
        limit: Some("50".to_owned()),
        offset: Some(offset.to_string()),
    };
    let found = visit
        .blocking(&state, move |connection| {
            progress::records(connection, &principal, &lookup)
        })
        .await?;
    let key = key.unwrap_or_default();
    let next = (found.offset + found.limit < found.total).then(|| {
        format!(
            "/dashboard/records?period={}&key={}{filters}&offset={}",
            format::url_encode(period.as_deref().unwrap_or_default()),
            format::url_encode(&key),
            found.offset + found.limit
        )
    });
    let title = format!(
        "{} — {}",
        visit.tr().t("records.title"),
        visit.tr().of("target", &key)
    );
    let page = RecordsPage {
        page: visit.chrome(title),
        total: found.total,
        records: found.records,
        next,
    };
    visit.render(&page)
}
