//! The worker form for staff: create and edit, with the household (by its code, within the
//! officer's reach), disability and qualifications; each error shown beside its field and
//! nothing written.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::Principal;
use crate::i18n::Lang;
use crate::registry::occupations::Occupations;
use crate::registry::workers;
use crate::routes::html::forms::{FormState, Posted};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

#[derive(Template)]
#[template(path = "pages/staff/worker_form.html")]
pub(super) struct WorkerFormPage {
    page: Chrome,
    action: String,
    form: FormState,
    pickers: Pickers,
}

pub(super) const WORKER_FORM_FIELDS: &[&str] = &[
    "full_name",
    "national_id",
    "birth_date",
    "gender",
    "ethnicity_code",
    "phone",
    "email",
    "commune_code",
    "household_code",
    "disability",
    "education_level",
    "qualifications",
    "skills",
    "desired_occupations",
    "expected_wage_vnd",
    "availability",
    "message_channel",
    "willing_to_relocate",
    "willing_overseas",
    "consent_to_share",
    "consent_given_on",
];

/// The worker form as the JSON body the registry takes. Blank optional fields are sent as
/// null on an edit (clearing them) and left out on a create.
pub(super) fn worker_input(
    form: &Posted,
    editing: bool,
    lang: Lang,
) -> Result<workers::WorkerInput, FormState> {
    let mut body = serde_json::Map::new();
    for key in [
        "full_name",
        "birth_date",
        "gender",
        "ethnicity_code",
        "commune_code",
        "availability",
        "message_channel",
        "education_level",
        "skills",
        "qualifications",
        "consent_given_on",
    ] {
        if let Some(value) = form.get(key) {
            body.insert(key.to_owned(), value.into());
        } else if editing && key == "qualifications" {
            body.insert(key.to_owned(), "".into());
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
                        crate::i18n::field_message("invalid_type", lang, &[]),
                    );
                }
            }
        }
        None if editing => {
            body.insert("expected_wage_vnd".to_owned(), serde_json::Value::Null);
        }
        None => {}
    }
    // Made codes by `Posted::pick_occupations` beforehand.
    body.insert(
        "desired_occupations".to_owned(),
        form.all("desired_occupations").into(),
    );
    for key in [
        "willing_to_relocate",
        "willing_overseas",
        "consent_to_share",
        "disability",
    ] {
        body.insert(key.to_owned(), form.checked(key).into());
    }
    if !state.errors.is_empty() {
        return Err(state);
    }
    serde_json::from_value(serde_json::Value::Object(body)).map_err(|_| state)
}

/// The live household the officer names by its code or its head's name, within reach (reads
/// are audited): its id, or the error to show beside the field — none found, or several
/// heads of that name, listed by code.
fn household_by_code(
    connection: &mut crate::db::DbConn,
    principal: &Principal,
    written: &str,
) -> Result<Result<String, AppError>, AppError> {
    let written = written.trim();
    if let Some(id) = models::households::live_id_by_code(connection, written)? {
        match crate::registry::households::read(connection, principal, &id) {
            Ok(_) => return Ok(Ok(id)),
            Err(AppError::NotFound | AppError::Forbidden) => {}
            Err(other) => return Err(other),
        }
    }
    let query = crate::registry::households::HouseholdQuery {
        q: Some(written.to_owned()),
        limit: Some(6),
        ..Default::default()
    };
    let found = crate::registry::households::list(connection, principal, query)?;
    let unknown = || AppError::field("household_code", "unknown_household");
    Ok(match found.items.as_slice() {
        [] => Err(unknown()),
        [one] => Ok(one.id.clone()),
        several => Err(AppError::Validation(vec![
            crate::error::FieldError::new("household_code", "ambiguous_household").with(
                "candidates",
                several
                    .iter()
                    .map(|household| format!("{} ({})", household.code, household.head_name))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ])),
    })
}

/// The code of a household the caller reaches, for the form.
fn household_code(
    connection: &mut crate::db::DbConn,
    principal: &Principal,
    id: &str,
) -> Result<Option<String>, AppError> {
    match crate::registry::households::read(connection, principal, id) {
        Ok(household) => Ok(Some(household.code)),
        Err(AppError::NotFound | AppError::Forbidden) => Ok(None),
        Err(other) => Err(other),
    }
}

/// `?household_id=`: a new member of that household (from its page).
#[derive(serde::Deserialize)]
pub struct NewWorkerQuery {
    household_id: Option<String>,
}

pub(super) async fn worker_new(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<NewWorkerQuery>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let household = query.into_inner().household_id;
    let lang = visit.lang;
    let (pickers, code) = visit
        .blocking(&state, move |connection| {
            let code = match &household {
                Some(id) => household_code(connection, &principal, id)?,
                None => None,
            };
            Ok((pickers(connection, lang)?, code))
        })
        .await?;
    let mut form = FormState::default();
    form.values
        .insert("availability".to_owned(), "seeking".to_owned());
    form.values
        .insert("message_channel".to_owned(), "both".to_owned());
    if let Some(code) = code {
        form.values.insert("household_code".to_owned(), code);
    }
    let page = WorkerFormPage {
        page: visit.chrome(visit.tr().t("workers.new")),
        action: "/workers/new".to_owned(),
        form,
        pickers,
    };
    visit.render(&page)
}

pub(super) async fn worker_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_worker(state, visit, principal, form, None).await
}

pub(super) async fn save_worker(
    state: web::Data<AppState>,
    visit: Visit,
    principal: Principal,
    form: Posted,
    id: Option<String>,
) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let editing = id.clone();
    let mut form = form;
    let outcome = visit
        .blocking(&state, move |connection| {
            let pickers = pickers(connection, lang)?;
            let occupations = Occupations::load(connection)?;
            let picked = form.pick_occupations(&occupations, &["desired_occupations"], lang);
            let input = worker_input(&form, editing.is_some(), lang);
            let mut input = match input {
                Ok(input) if picked.is_empty() => input,
                refused => {
                    let mut state = refused
                        .err()
                        .unwrap_or_else(|| FormState::with_values(form.values()));
                    state.errors.extend(picked);
                    return Ok(Err((Some(state), pickers)));
                }
            };
            // The household by its code or its head's name, within the officer's reach.
            match form.get("household_code") {
                Some(code) => match household_by_code(connection, &principal, &code)? {
                    Ok(id) => input.household_id = Some(Some(id)),
                    Err(error) => {
                        let mut state = FormState::with_values(form.values());
                        state.absorb(error, lang, WORKER_FORM_FIELDS)?;
                        return Ok(Err((Some(state), pickers)));
                    }
                },
                None if editing.is_some() => input.household_id = Some(None),
                None => {}
            }
            let saved = connection.write_transaction(|connection| match &editing {
                Some(id) => workers::update(connection, &principal, id, input)
                    .map(|view| view["id"].as_str().unwrap_or_default().to_owned()),
                None => workers::create(connection, &principal, input).map(|created| created.id),
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

pub(super) async fn worker_edit(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let read_id = id.clone();
    let lang = visit.lang;
    let (record, pickers, code) = visit
        .blocking(&state, move |connection| {
            let record = workers::read(connection, &principal, &read_id)?;
            let code = match record["household_id"].as_str() {
                Some(id) => household_code(connection, &principal, id)?,
                None => None,
            };
            Ok((record, pickers(connection, lang)?, code))
        })
        .await?;
    let mut form = FormState::from_record(&record, WORKER_FORM_FIELDS);
    if let Some(code) = code {
        form.values.insert("household_code".to_owned(), code);
    }
    let page = WorkerFormPage {
        page: visit.chrome(visit.tr().t("workers.edit")),
        action: format!("/workers/{id}/edit"),
        form,
        pickers,
    };
    visit.render(&page)
}

pub(super) async fn worker_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    save_worker(state, visit, principal, form, Some(id.into_inner())).await
}
