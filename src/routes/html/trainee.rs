//! A trainee's own login, made from the course catalogue (`/trainee/signup`): the CCCD, birth
//! date and phone the job centre holds, an e-mail and a password. Every sign-up that passes
//! the form's checks is answered alike (`registry::trainee_signup` says why).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::forms::{FormState, Posted};
use super::{Chrome, PageError, Visit};
use crate::error::AppError;
use crate::registry::trainee_signup::{self, TraineeSignUp};
use crate::routes::api::extract::client_address;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/trainee/signup", web::get().to(form))
        .route("/trainee/signup", web::post().to(submit))
        .route("/trainee/signup/received", web::get().to(received));
}

/// The fields the form shows, for errors beside them.
const FIELDS: &[&str] = &["national_id", "birth_date", "phone", "email", "password"];

#[derive(Template)]
#[template(path = "pages/public/trainee_signup.html")]
struct SignUpPage {
    page: Chrome,
    form: FormState,
}

#[derive(Template)]
#[template(path = "pages/public/trainee_signup_received.html")]
struct ReceivedPage {
    page: Chrome,
}

async fn form(visit: Visit) -> Result<HttpResponse, PageError> {
    visit.render(&SignUpPage {
        page: visit.chrome(visit.tr().t("trainee_signup.title")),
        form: FormState::default(),
    })
}

async fn submit(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let address = client_address(&request).unwrap_or_default();
    let sent = TraineeSignUp {
        national_id: form.get("national_id"),
        birth_date: form.get("birth_date"),
        phone: form.get("phone"),
        email: form.get("email"),
        password: form.get("password"),
    };
    let values = form.values();
    let outcome = visit
        .blocking(&state, move |connection| {
            Ok(trainee_signup::sign_up(connection, &address, sent))
        })
        .await?;
    let (status, mut shown) = match outcome {
        Ok(()) => return Ok(visit.redirect("/trainee/signup/received")),
        Err(AppError::TooManyRequests {
            retry_after_seconds,
        }) => {
            let mut shown = FormState::with_values(values);
            shown.general = Some(
                visit
                    .tr()
                    .t("enrol.throttled")
                    .replace("{minutes}", &retry_after_seconds.div_ceil(60).to_string()),
            );
            (StatusCode::TOO_MANY_REQUESTS, shown)
        }
        Err(error) => {
            let mut shown = FormState::with_values(values);
            shown
                .absorb(error, lang, FIELDS)
                .map_err(|error| visit.fail(error))?;
            (StatusCode::UNPROCESSABLE_ENTITY, shown)
        }
    };
    shown.values.remove("password");
    visit.render_with(
        status,
        &SignUpPage {
            page: visit.chrome(visit.tr().t("trainee_signup.title")),
            form: shown,
        },
    )
}

async fn received(visit: Visit) -> Result<HttpResponse, PageError> {
    visit.render(&ReceivedPage {
        page: visit.chrome(visit.tr().t("trainee_signup.title")),
    })
}
