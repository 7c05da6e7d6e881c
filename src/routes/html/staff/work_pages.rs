//! A worker's work outside posted vacancies (`/workers/{id}/work`): what is recorded, with
//! "withdraw" beside each active record, and the form to record more — self-employment, a
//! household business, a cooperative, a livelihood model, public works.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::hiring::work::{self, WithdrawInput, WorkInput, WorkView};
use crate::registry::occupations::Occupations;
use crate::registry::workers;
use crate::routes::html::forms::{FormState, Posted};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

/// The fields of the form, for errors beside them.
const FIELDS: &[&str] = &[
    "kind",
    "start_date",
    "occupation_code",
    "activity",
    "expected_income_vnd",
    "place",
];

#[derive(Template)]
#[template(path = "pages/staff/work.html")]
struct WorkPage {
    page: Chrome,
    id: String,
    items: Vec<WorkView>,
    kinds: Vec<(String, String)>,
    occupations: Vec<(String, String)>,
    form: FormState,
    withdraw_error: Option<String>,
}

async fn render(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    status: StatusCode,
    form: FormState,
    withdraw_error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let english = visit.lang == crate::i18n::Lang::En;
    let read = id.clone();
    let (name, items, occupations) = visit
        .blocking(state, move |connection| {
            let record = workers::read(connection, &principal, &read)?;
            let items = work::of_worker(connection, &principal, &read)?;
            let occupations = models::occupations::all(connection, english)?;
            Ok((
                record["full_name"].as_str().unwrap_or_default().to_owned(),
                items,
                occupations,
            ))
        })
        .await?;
    let tr = visit.tr();
    let page = WorkPage {
        page: visit.chrome(format!("{} — {name}", tr.t("work.title"))),
        id,
        items,
        kinds: work::KINDS
            .iter()
            .map(|kind| ((*kind).to_owned(), tr.of("work_kind", kind).to_owned()))
            .collect(),
        occupations,
        form,
        withdraw_error,
    };
    visit.render_with(status, &page)
}

/// `GET /workers/{id}/work`.
pub(super) async fn work_page(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let form = FormState::default();
    render(&state, &visit, id.into_inner(), StatusCode::OK, form, None).await
}

/// `POST /workers/{id}/work`: records work outside a vacancy.
pub(super) async fn work_record(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let lang = visit.lang;
    let worker = id.clone();
    let mut form = form;
    let done = visit
        .blocking(&state, move |connection| {
            let occupations = Occupations::load(connection)?;
            let picked = form.pick_occupations(&occupations, &["occupation_code"], lang);
            let income = form.amount("expected_income_vnd");
            let mut errors = picked;
            if income.is_err() {
                errors.insert(
                    "expected_income_vnd".to_owned(),
                    crate::i18n::field_message("invalid_type", lang, &[]),
                );
            }
            if !errors.is_empty() {
                let mut shown = FormState::with_values(form.values());
                shown.errors.extend(errors);
                return Ok(Err(shown));
            }
            let input = WorkInput {
                kind: form.get("kind"),
                start_date: form.get("start_date"),
                occupation_code: form.get("occupation_code"),
                activity: form.get("activity"),
                expected_income_vnd: income.ok().flatten(),
                place: form.get("place"),
            };
            Ok(match work::record(connection, &principal, &worker, input) {
                Ok(_) => Ok(()),
                Err(error) => {
                    let mut shown = FormState::with_values(form.values());
                    shown.absorb(error, lang, FIELDS)?;
                    Err(shown)
                }
            })
        })
        .await?;
    match done {
        Ok(()) => Ok(visit.redirect(&format!("/workers/{id}/work"))),
        Err(shown) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&state, &visit, id, status, shown, None).await
        }
    }
}

/// `POST /work/{id}/withdraw`: withdraws a record, with its reason.
pub(super) async fn work_withdraw(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let lang = visit.lang;
    let input = WithdrawInput {
        reason: form.get("reason"),
    };
    let done = visit
        .blocking(&state, move |connection| {
            let worker = work::read(connection, &principal, &id)?.worker_id;
            Ok(match work::withdraw(connection, &principal, &id, input) {
                Ok(_) => Ok(worker),
                Err(error) => Err((worker, error.describe(lang))),
            })
        })
        .await?;
    match done {
        Ok(worker) => Ok(visit.redirect(&format!("/workers/{worker}/work"))),
        Err((worker, message)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(
                &state,
                &visit,
                worker,
                status,
                FormState::default(),
                Some(message),
            )
            .await
        }
    }
}
