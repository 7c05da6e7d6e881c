//! The staff workspace: dashboard, registries, matching and referrals, follow-ups, outreach,
//! reports and employer verification. Every page calls the same registry and service functions
//! as the API, so permissions, validation and auditing are the API's own.

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::Connection as _;
use serde::Deserialize;

use super::format;
use super::forms::{FormState, Posted, Shape, parse_into};
use super::{Chrome, PageError, Tr, Visit};
use crate::accounts::{Principal, Role};
use crate::connections::{follow_ups, pipeline, referrals};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::models;
use crate::progress::figures::TargetFigure;
use crate::progress::service::{
    self as progress, ChartQuery, OutreachQuery, ProgressQuery, ReportQuery,
};
use crate::registry::{employers, households, vacancies, workers};
use crate::search::service::{self as search, MatchParams, SearchParams, WorkerMatch};
use crate::state::AppState;

const STAFF: &[Role] = &[Role::Admin, Role::Staff];
const PAGE_SIZE: i64 = 20;
/// Follow-ups carry a form each: a page of them stays light.
const FOLLOW_UP_PAGE: i64 = 25;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/dashboard", web::get().to(dashboard))
        .route("/dashboard/chart.svg", web::get().to(chart))
        .route("/dashboard/records", web::get().to(records))
        .route("/workers", web::get().to(worker_list))
        .route("/workers/new", web::get().to(worker_new))
        .route("/workers/new", web::post().to(worker_create))
        .route("/workers/{id}", web::get().to(worker_detail))
        .route("/workers/{id}/edit", web::get().to(worker_edit))
        .route("/workers/{id}/edit", web::post().to(worker_update))
        .route("/households", web::get().to(household_list))
        .route("/households/new", web::get().to(household_new))
        .route("/households/new", web::post().to(household_create))
        .route("/households/{id}", web::get().to(household_detail))
        .route("/households/{id}/edit", web::get().to(household_edit))
        .route("/households/{id}/edit", web::post().to(household_update))
        .route("/vacancies", web::get().to(vacancy_list))
        .route("/vacancies/{id}", web::get().to(vacancy_detail))
        .route("/vacancies/{id}/refer", web::post().to(refer))
        .route("/referrals", web::get().to(referral_board))
        .route("/follow-ups", web::get().to(follow_up_list))
        .route("/follow-ups/{id}", web::post().to(follow_up_record))
        .route("/outreach", web::get().to(outreach))
        .route("/reports", web::get().to(reports))
        .route("/reports/{file}", web::get().to(report_download))
        .route("/employers", web::get().to(employer_list))
        .route("/employers/{id}/verify", web::post().to(employer_verify));
}

/// The pickers of the registry forms.
pub struct Pickers {
    pub communes: Vec<(String, String)>,
    pub ethnicities: Vec<(String, String)>,
}

pub fn pickers(connection: &mut crate::db::DbConn) -> Result<Pickers, AppError> {
    Ok(Pickers {
        communes: models::admin_units::current_communes(connection)?,
        ethnicities: models::ethnic_groups::all(connection)?,
    })
}

// ---- dashboard -------------------------------------------------------------------------

pub struct ReferralRow {
    pub id: String,
    pub worker_id: String,
    pub worker: String,
    pub vacancy_id: String,
    pub vacancy: String,
    pub status: String,
    pub since: String,
    pub explanation: String,
}

fn referral_rows(
    connection: &mut crate::db::DbConn,
    listed: Vec<referrals::ReferralView>,
) -> Result<Vec<ReferralRow>, AppError> {
    let ids: Vec<String> = listed.iter().map(|referral| referral.id.clone()).collect();
    let labels = models::referrals::labels(connection, &ids)?;
    Ok(listed
        .into_iter()
        .map(|referral| {
            let (worker, vacancy) = labels.get(&referral.id).cloned().unwrap_or_default();
            ReferralRow {
                since: format::date_time(
                    referral.stale_since.unwrap_or(referral.status_changed_at),
                ),
                id: referral.id,
                worker_id: referral.worker_id,
                worker,
                vacancy_id: referral.vacancy_id,
                vacancy,
                status: referral.status,
                explanation: referral.match_explanation,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "pages/staff/dashboard.html")]
struct DashboardPage {
    page: Chrome,
    period: String,
    as_of: String,
    targets: Vec<TargetFigure>,
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

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

async fn dashboard(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let period = query.into_inner().period;
    let (progress, overdue, stale, newest) = visit
        .blocking(&state, move |connection| {
            let progress = progress::progress(
                connection,
                &principal,
                &ProgressQuery {
                    period,
                    year: None,
                    district: None,
                    commune: None,
                },
                lang,
            )?;
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
            Ok((progress, overdue, stale, newest))
        })
        .await?;
    let page = DashboardPage {
        page: visit.chrome(visit.tr().t("dashboard.title")),
        period: progress.period.clone(),
        as_of: format::date(progress.as_of),
        targets: progress.targets,
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
}

async fn chart(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<ChartParams>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let ChartParams { period, key } = query.into_inner();
    let svg = visit
        .blocking(&state, move |connection| {
            progress::chart(
                connection,
                &principal,
                &ChartQuery {
                    period,
                    year: None,
                    district: None,
                    commune: None,
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
}

#[derive(Template)]
#[template(path = "pages/staff/records.html")]
struct RecordsPage {
    page: Chrome,
    total: i64,
    records: Vec<crate::progress::lists::Record>,
    next: Option<String>,
}

/// The records behind a dashboard figure.
async fn records(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<RecordsParams>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let RecordsParams {
        period,
        key,
        offset,
    } = query.into_inner();
    let offset = offset.unwrap_or(0).clamp(0, 1_000_000);
    let lookup = progress::RecordsQuery {
        period: period.clone(),
        key: key.clone(),
        year: None,
        district: None,
        commune: None,
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
            "/dashboard/records?period={}&key={}&offset={}",
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

// ---- workers ---------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    availability: Option<String>,
    district: Option<String>,
    page: Option<i64>,
    cursor: Option<String>,
}

impl ListQuery {
    fn text(value: &Option<String>) -> Option<String> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }
}

#[derive(Template)]
#[template(path = "pages/staff/workers.html")]
struct WorkerListPage {
    page: Chrome,
    q: String,
    status: String,
    availability: String,
    total: usize,
    items: Vec<search::SearchHit>,
    page_number: i64,
    has_next: bool,
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

async fn worker_list(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let query = query.into_inner();
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
fn details(tr: Tr, record: &serde_json::Value, keys: &[&str]) -> Vec<Detail> {
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

const WORKER_FIELDS: &[&str] = &[
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
];

pub struct HistoryRow {
    pub action: String,
    pub fields: String,
}

#[derive(Template)]
#[template(path = "pages/staff/worker.html")]
struct WorkerPage {
    page: Chrome,
    id: String,
    details: Vec<Detail>,
    referrals: Vec<ReferralRow>,
    enrollments: Vec<(String, String, String)>,
    history: Vec<HistoryRow>,
}

async fn worker_detail(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let tr = visit.tr();
    let (record, referral_list, enrollments, history) = visit
        .blocking(&state, move |connection| {
            let record = workers::read(connection, &principal, &id)?;
            let listed = pipeline::list_for_worker(connection, &principal, &id)?;
            let referral_list = referral_rows(connection, listed)?;
            let enrollments = models::enrollments::for_worker(connection, &id)?
                .into_iter()
                .map(|(enrollment, title, starts_on)| {
                    (title, format::date(starts_on), enrollment.status)
                })
                .collect::<Vec<_>>();
            let history = models::audit::for_record(connection, "worker", &id)?;
            Ok((record, referral_list, enrollments, history))
        })
        .await?;
    let page = WorkerPage {
        page: visit.chrome(record["full_name"].as_str().unwrap_or_default().to_owned()),
        id: record["id"].as_str().unwrap_or_default().to_owned(),
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
        history: history
            .into_iter()
            .map(|(action, _, fields)| HistoryRow {
                action: tr.t_or(&format!("audit.{action}"), &action).to_owned(),
                fields: fields
                    .split(',')
                    .filter(|field| !field.is_empty())
                    .map(|field| tr.t_or(&format!("field.{field}"), field).to_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
    };
    visit.render(&page)
}

#[derive(Template)]
#[template(path = "pages/staff/worker_form.html")]
struct WorkerFormPage {
    page: Chrome,
    action: String,
    form: FormState,
    pickers: Pickers,
}

const WORKER_FORM_FIELDS: &[&str] = &[
    "full_name",
    "national_id",
    "birth_date",
    "gender",
    "ethnicity_code",
    "phone",
    "email",
    "commune_code",
    "education_level",
    "skills",
    "desired_occupations",
    "expected_wage_vnd",
    "availability",
    "willing_to_relocate",
    "willing_overseas",
    "consent_to_share",
];

/// The worker form as the JSON body the registry takes. Blank optional fields are sent as
/// null on an edit (clearing them) and left out on a create.
fn worker_input(form: &Posted, editing: bool) -> Result<workers::WorkerInput, FormState> {
    let mut body = serde_json::Map::new();
    for key in [
        "full_name",
        "birth_date",
        "gender",
        "ethnicity_code",
        "commune_code",
        "availability",
        "education_level",
        "skills",
    ] {
        if let Some(value) = form.get(key) {
            body.insert(key.to_owned(), value.into());
        }
    }
    for key in ["national_id", "phone", "email"] {
        match form.get(key) {
            Some(value) => {
                body.insert(key.to_owned(), value.into());
            }
            None if editing => {
                body.insert(key.to_owned(), serde_json::Value::Null);
            }
            None => {}
        }
    }
    let mut state = FormState::with_values(form.values());
    match form.get("expected_wage_vnd") {
        Some(text) => {
            let digits: String = text
                .chars()
                .filter(|c| !matches!(c, '.' | ',' | ' '))
                .collect();
            match digits.parse::<i64>() {
                Ok(wage) => {
                    body.insert("expected_wage_vnd".to_owned(), wage.into());
                }
                Err(_) => {
                    state.errors.insert(
                        "expected_wage_vnd".to_owned(),
                        crate::i18n::field_message("invalid_type", Lang::Vi, &[]),
                    );
                }
            }
        }
        None if editing => {
            body.insert("expected_wage_vnd".to_owned(), serde_json::Value::Null);
        }
        None => {}
    }
    let occupations: Vec<serde_json::Value> = form
        .get("desired_occupations")
        .unwrap_or_default()
        .split([',', ' ', ';'])
        .filter(|code| !code.is_empty())
        .map(|code| code.to_owned().into())
        .collect();
    body.insert("desired_occupations".to_owned(), occupations.into());
    for key in [
        "willing_to_relocate",
        "willing_overseas",
        "consent_to_share",
    ] {
        body.insert(key.to_owned(), form.checked(key).into());
    }
    if !state.errors.is_empty() {
        return Err(state);
    }
    serde_json::from_value(serde_json::Value::Object(body)).map_err(|_| state)
}

async fn worker_new(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    visit.require(STAFF)?;
    let pickers = visit.blocking(&state, pickers).await?;
    let mut form = FormState::default();
    form.values
        .insert("availability".to_owned(), "seeking".to_owned());
    let page = WorkerFormPage {
        page: visit.chrome(visit.tr().t("workers.new")),
        action: "/workers/new".to_owned(),
        form,
        pickers,
    };
    visit.render(&page)
}

async fn worker_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_worker(state, visit, principal, form, None).await
}

async fn save_worker(
    state: web::Data<AppState>,
    visit: Visit,
    principal: Principal,
    form: Posted,
    id: Option<String>,
) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let input = worker_input(&form, id.is_some());
    let editing = id.clone();
    let outcome = visit
        .blocking(&state, move |connection| {
            let pickers = pickers(connection)?;
            let Ok(input) = input else {
                return Ok(Err((input.err(), pickers)));
            };
            let saved = connection.transaction(|connection| match &editing {
                Some(id) => workers::update(connection, &principal, id, input)
                    .map(|view| view["id"].as_str().unwrap_or_default().to_owned()),
                None => workers::create(connection, &principal, input)
                    .map(|created| created.body["id"].as_str().unwrap_or_default().to_owned()),
            });
            match saved {
                Ok(id) => Ok(Ok(id)),
                Err(error) => {
                    let mut state = FormState::with_values(form.values());
                    state.absorb(error, lang, WORKER_FORM_FIELDS)?;
                    Ok(Err((Some(state), pickers)))
                }
            }
        })
        .await?;
    match outcome {
        Ok(saved_id) => Ok(visit.redirect(&format!("/workers/{saved_id}"))),
        Err((form_state, pickers)) => {
            let form_state = form_state.unwrap_or_default();
            let page = WorkerFormPage {
                page: visit.chrome(visit.tr().t(if id.is_some() {
                    "workers.edit"
                } else {
                    "workers.new"
                })),
                action: match &id {
                    Some(id) => format!("/workers/{id}/edit"),
                    None => "/workers/new".to_owned(),
                },
                form: form_state,
                pickers,
            };
            visit.render_with(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn worker_edit(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let read_id = id.clone();
    let (record, pickers) = visit
        .blocking(&state, move |connection| {
            Ok((
                workers::read(connection, &principal, &read_id)?,
                pickers(connection)?,
            ))
        })
        .await?;
    let mut form = FormState::default();
    for key in WORKER_FORM_FIELDS {
        let value = match &record[*key] {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::Bool(true) => "true".to_owned(),
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(|item| item.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            _ => continue,
        };
        form.values.insert((*key).to_owned(), value);
    }
    let page = WorkerFormPage {
        page: visit.chrome(visit.tr().t("workers.edit")),
        action: format!("/workers/{id}/edit"),
        form,
        pickers,
    };
    visit.render(&page)
}

async fn worker_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_worker(state, visit, principal, form, Some(id.into_inner())).await
}

// ---- households ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pages/staff/households.html")]
struct HouseholdListPage {
    page: Chrome,
    q: String,
    status: String,
    total: i64,
    items: Vec<households::HouseholdView>,
    next: Option<String>,
}

async fn household_list(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let query = query.into_inner();
    let listing = households::HouseholdQuery {
        commune: None,
        district: ListQuery::text(&query.district),
        status: ListQuery::text(&query.status),
        q: ListQuery::text(&query.q),
        archived: None,
        limit: Some(PAGE_SIZE),
        cursor: ListQuery::text(&query.cursor),
    };
    let found = visit
        .blocking(&state, move |connection| {
            households::list(connection, &principal, listing)
        })
        .await?;
    let q = query.q.unwrap_or_default();
    let status = query.status.unwrap_or_default();
    let next = found.next_cursor.map(|cursor| {
        format!(
            "/households?q={}&status={}&cursor={cursor}",
            format::url_encode(&q),
            format::url_encode(&status)
        )
    });
    let page = HouseholdListPage {
        page: visit.chrome(visit.tr().t("households.title")),
        q,
        status,
        total: found.total,
        items: found.items,
        next,
    };
    visit.render(&page)
}

#[derive(Template)]
#[template(path = "pages/staff/household.html")]
struct HouseholdPage {
    page: Chrome,
    household: households::HouseholdView,
    details: Vec<Detail>,
}

async fn household_detail(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let household = visit
        .blocking(&state, move |connection| {
            households::read(connection, &principal, &id)
        })
        .await?;
    let record = serde_json::to_value(&household)
        .map_err(|error| visit.fail(AppError::Unexpected(error.into())))?;
    let details = details(
        visit.tr(),
        &record,
        &[
            "code",
            "head_name",
            "commune_code",
            "ethnicity_code",
            "members",
            "income_per_person_vnd",
            "urban",
            "deprivations",
            "status",
            "previous_status",
            "review_year",
        ],
    );
    let page = HouseholdPage {
        page: visit.chrome(format!("{} — {}", household.code, household.head_name)),
        household,
        details,
    };
    visit.render(&page)
}

#[derive(Template)]
#[template(path = "pages/staff/household_form.html")]
struct HouseholdFormPage {
    page: Chrome,
    action: String,
    form: FormState,
    pickers: Pickers,
    /// `(key, name)` of the indicators of the standard in force.
    indicators: Vec<(String, String)>,
}

const HOUSEHOLD_SHAPE: Shape<'static> = Shape {
    text: &["code", "commune_code", "head_name", "ethnicity_code"],
    nullable: &[],
    integers: &["members", "income_per_person_vnd", "review_year"],
    flags: &["urban"],
    lists: &["deprivations"],
};

const HOUSEHOLD_FIELDS: &[&str] = &[
    "code",
    "commune_code",
    "head_name",
    "ethnicity_code",
    "members",
    "income_per_person_vnd",
    "review_year",
    "urban",
    "deprivations",
];

fn household_page(
    visit: &Visit,
    id: Option<&str>,
    form: FormState,
    (pickers, indicators): (Pickers, Vec<(String, String, String)>),
) -> HouseholdFormPage {
    let lang = visit.lang;
    HouseholdFormPage {
        page: visit.chrome(visit.tr().t(if id.is_some() {
            "households.edit"
        } else {
            "households.new"
        })),
        action: match id {
            Some(id) => format!("/households/{id}/edit"),
            None => "/households/new".to_owned(),
        },
        form,
        pickers,
        indicators: indicators
            .into_iter()
            .map(|(key, vi, en)| (key, if lang == Lang::En { en } else { vi }))
            .collect(),
    }
}

/// The pickers of the household form: communes, ethnic groups, and the indicators.
fn household_pickers(
    connection: &mut crate::db::DbConn,
) -> Result<(Pickers, Vec<(String, String, String)>), AppError> {
    let today = crate::accounts::now().date();
    Ok((
        pickers(connection)?,
        models::poverty_indicators::in_force(connection, today)?,
    ))
}

async fn household_new(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    visit.require(STAFF)?;
    let pickers = visit.blocking(&state, household_pickers).await?;
    visit.render(&household_page(&visit, None, FormState::default(), pickers))
}

async fn household_edit(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let read_id = id.clone();
    let (household, pickers) = visit
        .blocking(&state, move |connection| {
            Ok((
                households::read(connection, &principal, &read_id)?,
                household_pickers(connection)?,
            ))
        })
        .await?;
    let mut form = FormState::default();
    for (key, value) in [
        ("code", household.code.clone()),
        ("commune_code", household.commune_code.clone()),
        ("head_name", household.head_name.clone()),
        ("ethnicity_code", household.ethnicity_code.clone()),
        ("members", household.members.to_string()),
        (
            "income_per_person_vnd",
            household.income_per_person_vnd.to_string(),
        ),
        ("review_year", household.review_year.to_string()),
        ("deprivations", household.deprivations.join(",")),
    ] {
        form.values.insert(key.to_owned(), value);
    }
    if household.urban {
        form.values.insert("urban".to_owned(), "true".to_owned());
    }
    visit.render(&household_page(&visit, Some(&id), form, pickers))
}

async fn household_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_household(state, visit, principal, form, None).await
}

async fn household_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_household(state, visit, principal, form, Some(id.into_inner())).await
}

async fn save_household(
    state: web::Data<AppState>,
    visit: Visit,
    principal: Principal,
    form: Posted,
    id: Option<String>,
) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let parsed =
        parse_into::<households::HouseholdInput>(&form, &HOUSEHOLD_SHAPE, id.is_some(), lang);
    let values = form.values();
    let editing = id.clone();
    let outcome = visit
        .blocking(&state, move |connection| {
            let pickers = household_pickers(connection)?;
            let input = match parsed {
                Ok(input) => input,
                Err(form_state) => return Ok(Err((form_state, pickers))),
            };
            let saved = connection.transaction(|connection| match &editing {
                Some(id) => {
                    households::update(connection, &principal, id, input).map(|view| view.id)
                }
                None => households::create(connection, &principal, input)
                    .map(|created| created.body["id"].as_str().unwrap_or_default().to_owned()),
            });
            match saved {
                Ok(saved_id) => Ok(Ok(saved_id)),
                Err(error) => {
                    let mut form_state = FormState::with_values(values);
                    form_state.absorb(error, lang, HOUSEHOLD_FIELDS)?;
                    Ok(Err((form_state, pickers)))
                }
            }
        })
        .await?;
    match outcome {
        Ok(saved_id) => Ok(visit.redirect(&format!("/households/{saved_id}"))),
        Err((form_state, pickers)) => visit.render_with(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &household_page(&visit, id.as_deref(), form_state, pickers),
        ),
    }
}

// ---- vacancies, matches, referring -----------------------------------------------------

#[derive(Template)]
#[template(path = "pages/staff/vacancies.html")]
struct VacancyListPage {
    page: Chrome,
    q: String,
    total: i64,
    items: Vec<vacancies::VacancyView>,
    next: Option<String>,
}

async fn vacancy_list(
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
struct VacancyPage {
    page: Chrome,
    vacancy: vacancies::VacancyView,
    employer: String,
    matches: Vec<WorkerMatch>,
    referred: Vec<ReferralRow>,
    notice: Option<&'static str>,
}

impl VacancyPage {
    fn score(&self, value: impl super::texts::Plain<f64>) -> String {
        format::fixed(value.plain(), 2, self.page.tr.lang)
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

async fn vacancy_detail(
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
                MatchParams { limit: Some(20) },
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

async fn refer(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let vacancy_id = id.into_inner();
    let worker_id = form.get("worker_id");
    let note = form.get("note");
    let lang = visit.lang;
    let index = state.search.clone();
    let weights = state.match_weights;
    let target = vacancy_id.clone();
    visit
        .blocking(&state, move |connection| {
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
struct ReferralBoardPage {
    page: Chrome,
    columns: Vec<Column>,
}

async fn referral_board(
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

// ---- follow-ups ------------------------------------------------------------------------

pub struct FollowUpRow {
    pub item: follow_ups::FollowUpView,
    pub worker_id: String,
    pub worker: String,
    pub vacancy: String,
}

fn follow_up_rows(
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
    let ids: Vec<String> = items.iter().map(|item| item.placement_id.clone()).collect();
    let labels = models::follow_ups::placement_labels(connection, &ids)?;
    Ok(items
        .into_iter()
        .map(|item| {
            let (worker_id, worker, vacancy) =
                labels.get(&item.placement_id).cloned().unwrap_or_default();
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
struct FollowUpPage {
    page: Chrome,
    items: Vec<FollowUpRow>,
    overdue_only: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct FollowUpFilter {
    all: Option<String>,
}

async fn follow_up_list(
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

async fn follow_up_record(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let change = follow_ups::FollowUpChange {
        outcome: form.get("outcome").unwrap_or_default(),
        left_reason: form.get("left_reason"),
        note: form.get("note"),
        recorded_on: form.get("recorded_on"),
    };
    let lang = visit.lang;
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
        Err(message) => {
            let principal = visit.require(STAFF)?;
            let items = visit
                .blocking(&state, move |connection| {
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
    }
}

// ---- outreach --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pages/staff/outreach.html")]
struct OutreachPage {
    page: Chrome,
    total: i64,
    items: Vec<crate::progress::lists::OutreachHousehold>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct OffsetQuery {
    offset: Option<i64>,
}

async fn outreach(
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
struct ReportsPage {
    page: Chrome,
    links: Vec<ReportLink>,
}

async fn reports(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
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

use chrono::Datelike as _;

async fn report_download(
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

// ---- employers awaiting verification ---------------------------------------------------

#[derive(Template)]
#[template(path = "pages/staff/employers.html")]
struct EmployerListPage {
    page: Chrome,
    items: Vec<employers::EmployerView>,
}

async fn employer_list(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let items = visit
        .blocking(&state, move |connection| {
            let mut items = employers::list(
                connection,
                &principal,
                employers::EmployerQuery {
                    limit: Some(100),
                    ..Default::default()
                },
            )?
            .items;
            items.sort_by_key(|employer| employer.verified);
            Ok(items)
        })
        .await?;
    let page = EmployerListPage {
        page: visit.chrome(visit.tr().t("employers.title")),
        items,
    };
    visit.render(&page)
}

async fn employer_verify(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    _form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    visit
        .blocking(&state, move |connection| {
            connection.transaction(|connection| {
                employers::update(
                    connection,
                    &principal,
                    &id,
                    employers::EmployerInput {
                        verified: Some(true),
                        ..Default::default()
                    },
                )
            })
        })
        .await?;
    Ok(visit.redirect("/employers"))
}
