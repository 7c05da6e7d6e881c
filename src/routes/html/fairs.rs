//! The public list of upcoming job fairs (`/job-fairs`): when and where, who organises them and
//! the employers and vacancies they bring, nothing about any person; and the form anyone fills
//! to register for one (`/job-fairs/{id}/register`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::forms::{FormState, Posted};
use super::staff::{Pickers, pickers};
use super::{Chrome, PageError, Visit};
use crate::error::AppError;
use crate::hiring::job_fairs::{self, FairView};
use crate::i18n::texts::Tr;
use crate::registry::course_application;
use crate::routes::api::extract::client_address;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/job-fairs", web::get().to(list))
        .route("/job-fairs/{id}/register", web::get().to(register_form))
        .route("/job-fairs/{id}/register", web::post().to(register));
}

#[derive(Template)]
#[template(path = "pages/public/job_fairs.html")]
struct FairsPage {
    page: Chrome,
    fairs: Vec<FairView>,
}

async fn list(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    // The public list for everyone, staff included: upcoming fairs without results.
    let fairs = visit
        .blocking(&state, move |connection| {
            job_fairs::list(connection, None, None)
        })
        .await?;
    visit.render(&FairsPage {
        page: visit.chrome(visit.tr().t("fairs.title")),
        fairs,
    })
}

#[derive(Template)]
#[template(path = "pages/public/fair_register.html")]
struct RegisterPage {
    page: Chrome,
    fair: FairView,
    pickers: Pickers,
    form: FormState,
    done: bool,
}

async fn register_form(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let lang = visit.lang;
    let (fair, pickers) = visit
        .blocking(&state, move |connection| {
            Ok((
                job_fairs::read(connection, None, &id)?,
                pickers(connection, lang)?,
            ))
        })
        .await?;
    visit.render(&RegisterPage {
        page: visit.chrome(fair.name.clone()),
        fair,
        pickers,
        form: FormState::default(),
        done: false,
    })
}

/// `POST /job-fairs/{id}/register`: anyone registers for an upcoming fair, answered alike
/// whatever the registry holds, throttled like the course application.
async fn register(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let lang = visit.lang;
    let address = client_address(&request).unwrap_or_default();
    let application = course_application::Application {
        full_name: form.get("full_name"),
        national_id: form.get("national_id"),
        birth_date: form.get("birth_date"),
        gender: form.get("gender"),
        ethnicity_code: form.get("ethnicity_code"),
        phone: form.get("phone"),
        commune_code: form.get("commune_code"),
    };
    let values = form.values();
    let (fair, pickers, outcome) = visit
        .blocking(&state, move |connection| {
            let fair = job_fairs::read(connection, None, &id)?;
            let pickers = pickers(connection, lang)?;
            let outcome =
                match course_application::register_for_fair(connection, &address, &id, application)
                {
                    Ok(()) => Ok(()),
                    Err(AppError::TooManyRequests {
                        retry_after_seconds,
                    }) => {
                        let mut shown = FormState::with_values(values);
                        shown.general =
                            Some(Tr { lang }.t("enrol.throttled").replace(
                                "{minutes}",
                                &retry_after_seconds.div_ceil(60).to_string(),
                            ));
                        Err((StatusCode::TOO_MANY_REQUESTS, shown))
                    }
                    Err(error) => {
                        let mut shown = FormState::with_values(values);
                        shown.absorb(error, lang, course_application::FIELDS)?;
                        Err((StatusCode::UNPROCESSABLE_ENTITY, shown))
                    }
                };
            Ok((fair, pickers, outcome))
        })
        .await?;
    let (status, form, done) = match outcome {
        Ok(()) => (StatusCode::OK, FormState::default(), true),
        Err((status, shown)) => (status, shown, false),
    };
    visit.render_with(
        status,
        &RegisterPage {
            page: visit.chrome(fair.name.clone()),
            fair,
            pickers,
            form,
            done,
        },
    )
}
