//! Signing in and out, the language switch, and the front door that sends each role to its
//! own start page.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::forms::{FormState, Posted};
use super::{Chrome, LANG_COOKIE, PageError, SESSION_COOKIE, Visit, local_path};
use crate::accounts::{self, Role, SignIn};
use crate::error::AppError;
use crate::models::api_tokens;
use crate::routes::api::extract::client_address;
use crate::state::AppState;

/// Where a role starts.
pub fn start_page(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Staff => "/dashboard",
        Role::Employer => "/employer",
        Role::Trainee => "/my/enrollments",
    }
}

pub async fn home(visit: Visit) -> HttpResponse {
    match visit.role() {
        Some(role) => visit.redirect(start_page(role)),
        None => visit.redirect("/courses"),
    }
}

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    page: Chrome,
    form: FormState,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    visit: Visit,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let next = local_path(query.next.as_deref()).unwrap_or_default();
    let page = LoginPage {
        page: visit.chrome(visit.tr().t("login.title")),
        form: FormState::default(),
        next,
    };
    visit.render(&page)
}

pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let tr = visit.tr();
    let email_sent = form.get("email").unwrap_or_default();
    let password = form.get("password").unwrap_or_default();
    let next = local_path(form.get("next").as_deref());
    let email = email_sent.clone();
    let address = client_address(&request).unwrap_or_default();
    let mut state_of_form = FormState::default();
    state_of_form
        .values
        .insert("email".to_owned(), email_sent.clone());
    let refuse = |mut form_state: FormState, message: String, status| {
        form_state.general = Some(message);
        let page = LoginPage {
            page: visit.chrome(tr.t("login.title")),
            form: form_state,
            next: next.clone().unwrap_or_default(),
        };
        visit.render_with(status, &page)
    };
    let issued = visit
        .blocking(&state, move |connection| {
            Ok(accounts::sign_in(connection, &email, &password, &address)?)
        })
        .await?;
    let (token, role) = match issued {
        SignIn::Issued { token, role, .. } => (token, role),
        SignIn::Throttled {
            retry_after_seconds,
        } => {
            let message = tr
                .t("login.throttled")
                .replace("{seconds}", &retry_after_seconds.to_string());
            return refuse(
                state_of_form,
                message,
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            );
        }
        SignIn::Refused => {
            return refuse(
                state_of_form,
                tr.t("login.failed").to_owned(),
                actix_web::http::StatusCode::UNAUTHORIZED,
            );
        }
    };
    let target = next.unwrap_or_else(|| start_page(role).to_owned());
    let mut response = visit.redirect(&target);
    response
        .add_cookie(&visit.cookie(SESSION_COOKIE, token, SameSite::Lax))
        .map_err(|error| visit.fail(AppError::Unexpected(error.into())))?;
    Ok(response)
}

pub async fn logout(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    _form: Posted,
) -> Result<HttpResponse, PageError> {
    if let Some(cookie) = request.cookie(SESSION_COOKIE) {
        let token = cookie.value().to_owned();
        visit
            .blocking(&state, move |connection| {
                api_tokens::revoke(connection, &accounts::token_hash(&token), accounts::now())?;
                Ok(())
            })
            .await?;
    }
    let mut response = visit.redirect("/login");
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    response
        .add_cookie(&gone)
        .map_err(|error| visit.fail(AppError::Unexpected(error.into())))?;
    Ok(response)
}

/// `GET /lang/en?next=/courses`: remembers the language in a cookie and goes back. A GET, so
/// it works as a plain link; it changes nothing but the visitor's own preference.
pub async fn switch_language(
    visit: Visit,
    code: web::Path<String>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let code = match code.as_str() {
        "en" => "en",
        "vi" => "vi",
        _ => return Err(visit.fail(AppError::NotFound)),
    };
    let target = local_path(query.next.as_deref()).unwrap_or_else(|| "/".to_owned());
    let mut response = visit.redirect(&target);
    let mut cookie = visit.cookie(LANG_COOKIE, code.to_owned(), SameSite::Lax);
    cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    response
        .add_cookie(&cookie)
        .map_err(|error| visit.fail(AppError::Unexpected(error.into())))?;
    Ok(response)
}
