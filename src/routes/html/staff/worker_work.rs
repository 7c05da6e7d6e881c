//! A worker's way to work, for staff: the open vacancies that suit them, each score explained,
//! with "refer" beside each; the courses that close their skill gaps, with seats, dates and the
//! training support they are entitled to, with "enrol" beside each; and the services recorded
//! for them, with a form to record one.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::Principal;
use crate::domain::support::{self, Learner, Support};
use crate::error::AppError;
use crate::hiring::referrals;
use crate::registry::{courses, service_records, workers};
use crate::routes::html::forms::{FormState, Posted};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::search::service::{self as search, CourseSuggestion, MatchParams, VacancyMatch};
use crate::state::AppState;

use super::*;

/// A suggested course with its dates and the support the worker may claim.
pub struct SuggestedCourse {
    pub course: CourseSuggestion,
    pub ends_on: Option<chrono::NaiveDate>,
    /// The course's fee.
    pub fee_vnd: Option<i64>,
    /// `None` when the course is not elementary or under three months, or no group applies.
    pub support: Option<Support>,
}

#[derive(Template)]
#[template(path = "pages/staff/worker_matches.html")]
struct WorkerMatchesPage {
    page: Chrome,
    id: String,
    /// Why nobody may be matched (`not_seeking`, `no_consent`).
    excluded: Option<String>,
    matches: Vec<VacancyMatch>,
    courses: Vec<SuggestedCourse>,
    form: FormState,
}

/// The learner the support rules read: disability, ethnicity, gender, household, where they live.
fn learner(
    connection: &mut crate::db::DbConn,
    worker: &serde_json::Value,
) -> Result<Learner, AppError> {
    let text = |key: &str| worker[key].as_str().unwrap_or_default().to_owned();
    let household = match worker["household_id"].as_str() {
        Some(household) => models::households::status_of(connection, household)?,
        None => None,
    };
    let worker_id = text("id");
    let place = match models::workers::commune_of(connection, &worker_id)? {
        Some(commune) => models::admin_units::kind_and_areas(connection, &commune)?,
        None => None,
    };
    Ok(Learner {
        disability: worker["disability"].as_bool().unwrap_or(false),
        minority: models::ethnic_groups::is_minority(connection, &text("ethnicity_code"))?,
        female: text("gender") == "female",
        household,
        difficult_area: place.as_ref().is_some_and(|(_, _, difficult)| *difficult),
        rural: place.as_ref().is_some_and(|(kind, _, _)| kind == "commune"),
    })
}

async fn render(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let index = state.search.clone();
    let weights = state.match_weights;
    let target = id.clone();
    let (name, matched, courses) = visit
        .blocking(state, move |connection| {
            let worker = workers::read(connection, &principal, &target)?;
            let params = || MatchParams { limit: Some(10) };
            let matched = search::worker_matches_for(
                connection,
                &index,
                &weights,
                &principal,
                &target,
                params(),
                lang,
            )?;
            let suggested = search::course_suggestions(
                connection,
                &index,
                &principal,
                &target,
                params(),
                lang,
            )?;
            let learner = learner(connection, &worker)?;
            let mut courses = Vec::new();
            for course in suggested.items {
                let row = models::courses::find(connection, &course.course_id)?;
                let covered = row
                    .as_ref()
                    .is_some_and(|row| support::covers_level(&row.level));
                courses.push(SuggestedCourse {
                    ends_on: row.as_ref().map(|row| row.ends_on),
                    fee_vnd: row.map(|row| row.fee_vnd),
                    support: covered
                        .then(|| support::training_support(&learner))
                        .flatten(),
                    course,
                });
            }
            let name = worker["full_name"].as_str().unwrap_or_default().to_owned();
            Ok((name, matched, courses))
        })
        .await?;
    let tr = visit.tr();
    let page = WorkerMatchesPage {
        page: visit.chrome(format!("{} — {name}", tr.t("worker.matches"))),
        id,
        excluded: matched.excluded,
        matches: matched.items,
        courses,
        form,
    };
    visit.render_with(status, &page)
}

/// `GET /workers/{id}/matches`.
pub(super) async fn worker_matches(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let status = StatusCode::OK;
    render(
        &state,
        &visit,
        id.into_inner(),
        status,
        FormState::default(),
    )
    .await
}

/// The matches page again with `error` on top (or beside the reason), nothing written.
async fn refuse(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    form: &Posted,
    error: AppError,
) -> Result<HttpResponse, PageError> {
    let shown = visit.refused(form, error, &["override_reason"])?;
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(state, visit, id, status, shown).await
}

/// `POST /workers/{id}/refer`: refers the worker to one of their matching vacancies.
pub(super) async fn worker_refer(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let input = referrals::ReferralInput {
        vacancy_id: form.get("vacancy_id"),
        worker_id: Some(id.clone()),
        status: Some("referred".to_owned()),
        note: None,
        override_reason: form.get("override_reason"),
    };
    let lang = visit.lang;
    let index = state.search.clone();
    let weights = state.match_weights;
    let done = visit
        .blocking(&state, move |connection| {
            Ok(referrals::create(
                connection, &index, &weights, &principal, input, lang,
            ))
        })
        .await?;
    match done {
        Ok(referral) => Ok(visit.redirect(&format!("/referrals/{}", referral.id))),
        Err(error) => refuse(&state, &visit, id, &form, error).await,
    }
}

/// `POST /workers/{id}/enrol`: files the worker's enrolment in a suggested course.
pub(super) async fn worker_enrol(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let course = form.get("course_id").unwrap_or_default();
    let worker = id.clone();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(enrol(connection, &principal, &course, worker))
        })
        .await?;
    match done {
        Ok(course) => Ok(visit.redirect(&format!("/courses/{course}"))),
        Err(error) => refuse(&state, &visit, id, &form, error).await,
    }
}

fn enrol(
    connection: &mut crate::db::DbConn,
    principal: &Principal,
    course: &str,
    worker: String,
) -> Result<String, AppError> {
    connection.write_transaction(|connection| {
        let input = courses::EnrollmentInput {
            worker_id: Some(worker),
        };
        courses::enrol(connection, principal, course, input)
    })?;
    Ok(course.to_owned())
}

/// The service kinds a form offers, as `(value, label)`.
pub fn service_kinds(tr: crate::i18n::texts::Tr) -> Vec<(String, String)> {
    service_records::KINDS
        .iter()
        .map(|kind| ((*kind).to_owned(), tr.of("service", kind).to_owned()))
        .collect()
}

/// `POST /workers/{id}/services`: records a service given to the worker.
pub(super) async fn worker_service(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let input = service_records::ServiceRecordInput {
        kind: form.get("kind"),
        provided_on: form.get("provided_on"),
        note: form.get("service_note"),
    };
    let worker = id.clone();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(connection.write_transaction(|connection| {
                service_records::create(connection, &principal, &worker, input)
            }))
        })
        .await?;
    match done {
        Ok(_) => Ok(visit.redirect(&format!("/workers/{id}#services"))),
        Err(error) => {
            let shown = visit.refused(&form, error, &["kind", "provided_on"])?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            super::worker_pages::render_worker(&state, &visit, id, status, shown).await
        }
    }
}

/// `POST /workers/{id}/message`: an officer's text to the worker.
pub(super) async fn worker_text(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let input = crate::registry::workers::texting::TextInput {
        text: form.get("text"),
    };
    let worker = id.clone();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(crate::registry::workers::texting::send(
                connection, &principal, &worker, input,
            ))
        })
        .await?;
    match done {
        Ok(_) => Ok(visit.redirect(&format!("/workers/{id}#message"))),
        Err(error) => {
            let shown = visit.refused(&form, error, &["text"])?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            super::worker_pages::render_worker(&state, &visit, id, status, shown).await
        }
    }
}

impl WorkerMatchesPage {
    fn score(&self, value: &f64) -> String {
        crate::routes::html::format::decimal(*value, self.page.tr.lang)
    }

    fn basis(&self) -> &'static str {
        support::BASIS
    }
}
