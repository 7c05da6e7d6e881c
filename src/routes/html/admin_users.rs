//! Logins: `/admin/users` for administrators (create staff with an area, employer and trainee
//! logins; change a role or an area; deactivate; give a one-time reset code), `/account/password`
//! for everyone signed in, `/password/code` for a person who has a code. Errors show beside
//! their fields and nothing is written.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::forms::{FormState, Posted};
use super::{Chrome, PageError, Visit};
use crate::accounts::Role;
use crate::error::AppError;
use crate::registry::users::{self, ROLES, UserChange, UserInput, UserView};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/admin/users", web::get().to(list))
        .route("/admin/users", web::post().to(create))
        .route("/admin/users/{id}", web::get().to(show))
        .route("/admin/users/{id}", web::post().to(update))
        .route("/admin/users/{id}/code", web::post().to(issue_code))
        .route("/account/password", web::get().to(password_form))
        .route("/account/password", web::post().to(change_password))
        .route("/password/code", web::get().to(code_form))
        .route("/password/code", web::post().to(reset_with_code))
        .route("/password/forgot", web::get().to(forgot_form))
        .route("/password/forgot", web::post().to(forgot))
        .route("/password/reset", web::get().to(link_form))
        .route("/password/reset", web::post().to(reset_with_link));
}

const ADMIN: &[Role] = &[Role::Admin];

#[derive(Template)]
#[template(path = "pages/admin/users.html")]
struct UsersPage {
    page: Chrome,
    users: Vec<UserView>,
    form: FormState,
    roles: Vec<(String, String)>,
}

fn role_options(visit: &Visit) -> Vec<(String, String)> {
    let tr = visit.tr();
    ROLES
        .iter()
        .map(|role| ((*role).to_owned(), tr.of("role", role).to_owned()))
        .collect()
}

async fn render_list(
    state: &web::Data<AppState>,
    visit: &Visit,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(ADMIN)?;
    let listed = visit
        .blocking(state, move |connection| users::list(connection, &principal))
        .await?;
    let page = UsersPage {
        page: visit.chrome(visit.tr().t("users.title")),
        users: listed,
        form,
        roles: role_options(visit),
    };
    visit.render_with(status, &page)
}

async fn list(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    render_list(&state, &visit, StatusCode::OK, FormState::default()).await
}

const CREATE_FIELDS: &[&str] = &[
    "email",
    "role",
    "area_code",
    "employer_tax_code",
    "password",
];

async fn create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(ADMIN)?;
    let input = UserInput {
        email: form.get("email"),
        role: form.get("role"),
        area_code: form.get("area_code"),
        employer_tax_code: form.get("employer_tax_code"),
        password: form.get("password"),
    };
    let done = visit
        .blocking(&state, move |connection| {
            Ok(users::create(connection, &principal, input))
        })
        .await?;
    match done {
        Ok(user) => Ok(visit.redirect(&format!("/admin/users/{}", user.id))),
        Err(error) => {
            let mut shown = FormState::with_values(form.values());
            shown.values.remove("password");
            shown
                .absorb(error, visit.lang, CREATE_FIELDS)
                .map_err(|error| visit.fail(error))?;
            render_list(&state, &visit, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin/user.html")]
struct UserPage {
    page: Chrome,
    user: UserView,
    form: FormState,
    roles: Vec<(String, String)>,
    /// A code just issued, shown this once.
    code: Option<String>,
}

async fn render_user(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    status: StatusCode,
    form: Option<FormState>,
    code: Option<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(ADMIN)?;
    let user = visit
        .blocking(state, move |connection| {
            users::read(connection, &principal, &id)
        })
        .await?;
    let form = form.unwrap_or_else(|| {
        let mut form = FormState::default();
        form.values.insert("role".to_owned(), user.role.clone());
        if let Some(area) = &user.area_code {
            form.values.insert("area_code".to_owned(), area.clone());
        }
        if user.active {
            form.values.insert("active".to_owned(), "true".to_owned());
        }
        form
    });
    let page = UserPage {
        page: visit.chrome(user.email.clone()),
        user,
        form,
        roles: role_options(visit),
        code,
    };
    visit.render_with(status, &page)
}

async fn show(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    render_user(&state, &visit, id.into_inner(), StatusCode::OK, None, None).await
}

async fn update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(ADMIN)?;
    let id = id.into_inner();
    let change = UserChange {
        role: form.get("role"),
        area_code: form.get("area_code"),
        active: form.checked("active"),
    };
    let target = id.clone();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(users::update(connection, &principal, &target, change))
        })
        .await?;
    match done {
        Ok(_) => Ok(visit.redirect(&format!("/admin/users/{id}"))),
        Err(error) => {
            let shown = visit.refused(&form, error, &["role", "area_code", "active"])?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_user(&state, &visit, id, status, Some(shown), None).await
        }
    }
}

async fn issue_code(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    _form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(ADMIN)?;
    let id = id.into_inner();
    let target = id.clone();
    let code = visit
        .blocking(&state, move |connection| {
            users::issue_code(connection, &principal, &target)
        })
        .await?;
    render_user(&state, &visit, id, StatusCode::OK, None, Some(code)).await
}

#[derive(Template)]
#[template(path = "pages/password.html")]
struct PasswordPage {
    page: Chrome,
    /// `change` (signed in, with the current password), `code` (with a reset code), `forgot`
    /// (ask for a link) or `link` (a new password with the link's token).
    mode: &'static str,
    form: FormState,
    done: bool,
}

fn password_page(visit: &Visit, mode: &'static str, form: FormState, done: bool) -> PasswordPage {
    PasswordPage {
        page: visit.chrome(visit.tr().t(match mode {
            "change" => "password.change_title",
            "forgot" | "link" => "password.forgot_title",
            _ => "password.code_title",
        })),
        mode,
        form,
        done,
    }
}

async fn password_form(visit: Visit) -> Result<HttpResponse, PageError> {
    visit.signed_in()?;
    visit.render(&password_page(
        &visit,
        "change",
        FormState::default(),
        false,
    ))
}

async fn change_password(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.signed_in()?.clone();
    let current = form.get("current_password").unwrap_or_default();
    let new_password = form.get("new_password").unwrap_or_default();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(users::change_password(
                connection,
                &principal,
                &current,
                &new_password,
            ))
        })
        .await?;
    finish(&visit, "change", done)
}

async fn code_form(visit: Visit) -> Result<HttpResponse, PageError> {
    visit.render(&password_page(&visit, "code", FormState::default(), false))
}

async fn reset_with_code(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let address = crate::routes::api::extract::client_address(&request).unwrap_or_default();
    let email = form.get("email").unwrap_or_default();
    let code = form.get("code").unwrap_or_default();
    let new_password = form.get("new_password").unwrap_or_default();
    let kept = form.get("email").unwrap_or_default();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(users::reset_with_code(
                connection,
                &address,
                &email,
                &code,
                &new_password,
            ))
        })
        .await?;
    match done {
        Ok(()) => finish(&visit, "code", Ok(())),
        Err(AppError::TooManyRequests {
            retry_after_seconds,
        }) => {
            let mut shown = FormState::default();
            shown.values.insert("email".to_owned(), kept);
            shown.general = Some(
                visit
                    .tr()
                    .t("login.throttled")
                    .replace("{seconds}", &retry_after_seconds.to_string()),
            );
            let page = password_page(&visit, "code", shown, false);
            visit.render_with(StatusCode::TOO_MANY_REQUESTS, &page)
        }
        Err(error) => {
            let mut shown = FormState::default();
            shown.values.insert("email".to_owned(), kept);
            shown
                .absorb(error, visit.lang, &["code", "new_password"])
                .map_err(|error| visit.fail(error))?;
            let page = password_page(&visit, "code", shown, false);
            visit.render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// The form again with its errors (never the passwords typed), or the notice that it worked.
fn finish(
    visit: &Visit,
    mode: &'static str,
    done: Result<(), crate::error::AppError>,
) -> Result<HttpResponse, PageError> {
    match done {
        Ok(()) => visit.render(&password_page(visit, mode, FormState::default(), true)),
        Err(error) => {
            let mut shown = FormState::default();
            shown
                .absorb(
                    error,
                    visit.lang,
                    &["current_password", "new_password", "code"],
                )
                .map_err(|error| visit.fail(error))?;
            let page = password_page(visit, mode, shown, false);
            visit.render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn forgot_form(visit: Visit) -> Result<HttpResponse, PageError> {
    visit.render(&password_page(
        &visit,
        "forgot",
        FormState::default(),
        false,
    ))
}

/// Answers alike whether or not the address has a login.
async fn forgot(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let email = form.get("email").unwrap_or_default();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(users::request_link(connection, &email))
        })
        .await?;
    match done {
        Ok(()) => visit.render(&password_page(&visit, "forgot", FormState::default(), true)),
        Err(error) => {
            let shown = visit.refused(&form, error, &["email"])?;
            let page = password_page(&visit, "forgot", shown, false);
            visit.render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(serde::Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn link_form(visit: Visit, query: web::Query<TokenQuery>) -> Result<HttpResponse, PageError> {
    let mut form = FormState::default();
    form.values.insert(
        "token".to_owned(),
        query.into_inner().token.unwrap_or_default(),
    );
    visit.render(&password_page(&visit, "link", form, false))
}

async fn reset_with_link(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let token = form.get("token").unwrap_or_default();
    let new_password = form.get("new_password").unwrap_or_default();
    let kept = token.clone();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(users::reset_with_link(connection, &token, &new_password))
        })
        .await?;
    match done {
        Ok(()) => visit.render(&password_page(&visit, "link", FormState::default(), true)),
        Err(error) => {
            let mut shown = FormState::default();
            shown.values.insert("token".to_owned(), kept);
            shown
                .absorb(error, visit.lang, &["new_password"])
                .map_err(|error| visit.fail(error))?;
            let page = password_page(&visit, "link", shown, false);
            visit.render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
