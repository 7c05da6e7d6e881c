//! The household registry pages: list, detail, create and edit with the indicators of the
//! standard in force.

use super::worker_pages::{Detail, HistoryRow, ListQuery, details, history_rows};

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::Principal;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::models;
use crate::registry::households;
use crate::routes::html::format;
use crate::routes::html::forms::{FormState, Posted, Shape, parse_into};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

#[derive(Template)]
#[template(path = "pages/staff/households.html")]
pub(super) struct HouseholdListPage {
    page: Chrome,
    q: String,
    status: String,
    total: i64,
    items: Vec<households::HouseholdView>,
    next: Option<String>,
}

pub(super) async fn household_list(
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
pub(super) struct HouseholdPage {
    page: Chrome,
    household: households::HouseholdView,
    details: Vec<Detail>,
    history: Vec<HistoryRow>,
    /// The yearly poverty reviews, latest first.
    reviews: Vec<households::ReviewView>,
    /// The registered members, by name.
    members: Vec<households::Member>,
}

pub(super) async fn household_detail(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let (household, reviews, members, trail) = visit
        .blocking(&state, move |connection| {
            let household = households::read(connection, &principal, &id)?;
            let reviews = households::review_history(connection, &principal, &id)?;
            let members = households::members(connection, &principal, &id)?;
            let trail = models::audit::for_record(connection, "household", &id)?;
            Ok((household, reviews, members, trail))
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
        history: history_rows(visit.tr(), trail),
        reviews,
        members,
    };
    visit.render(&page)
}

#[derive(Template)]
#[template(path = "pages/staff/household_form.html")]
pub(super) struct HouseholdFormPage {
    page: Chrome,
    action: String,
    form: FormState,
    pickers: Pickers,
    /// `(key, name)` of the indicators of the standard in force.
    indicators: Vec<(String, String)>,
}

pub(super) const HOUSEHOLD_SHAPE: Shape<'static> = Shape {
    text: &["code", "commune_code", "head_name", "ethnicity_code"],
    nullable: &[],
    integers: &["members", "income_per_person_vnd", "review_year"],
    flags: &["urban"],
    lists: &["deprivations"],
};

pub(super) const HOUSEHOLD_FIELDS: &[&str] = &[
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

pub(super) fn household_page(
    visit: &Visit,
    id: Option<&str>,
    form: FormState,
    (pickers, indicators): (Pickers, Indicators),
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

/// `(key, Vietnamese name, English name)` of each indicator of the standard in force.
type Indicators = Vec<(String, String, String)>;

/// The pickers of the household form: communes, ethnic groups, and the indicators.
pub(super) fn household_pickers(
    connection: &mut crate::db::DbConn,
) -> Result<(Pickers, Indicators), AppError> {
    let today = crate::accounts::now().date();
    Ok((
        pickers(connection, crate::i18n::Lang::Vi)?,
        models::poverty_indicators::in_force(connection, today)?,
    ))
}

pub(super) async fn household_new(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    visit.require(STAFF)?;
    let pickers = visit.blocking(&state, household_pickers).await?;
    visit.render(&household_page(&visit, None, FormState::default(), pickers))
}

pub(super) async fn household_edit(
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
    let record = serde_json::to_value(&household)
        .map_err(|error| visit.fail(AppError::Unexpected(error.into())))?;
    let form = FormState::from_record(&record, HOUSEHOLD_FIELDS);
    visit.render(&household_page(&visit, Some(&id), form, pickers))
}

pub(super) async fn household_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_household(state, visit, principal, form, None).await
}

pub(super) async fn household_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_household(state, visit, principal, form, Some(id.into_inner())).await
}

pub(super) async fn save_household(
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
            let saved = connection.write_transaction(|connection| match &editing {
                Some(id) => {
                    households::update(connection, &principal, id, input).map(|view| view.id)
                }
                None => households::create(connection, &principal, input).map(|created| created.id),
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
