//! The HTML pages: server-rendered askama templates for staff, employers, trainees and the
//! public. Every page works without JavaScript.
//!
//! Sessions are the API's tokens carried in an HttpOnly, SameSite=Lax cookie. Every form
//! carries a CSRF token that must equal the visitor's CSRF cookie (double submit; the cookie is
//! HttpOnly and SameSite=Strict, so another site can neither read nor send it).

pub mod admin;
pub mod admin_areas;
pub mod admin_targets;
pub mod admin_users;
pub mod auth;
pub mod employer;
mod employer_fairs;
pub mod fairs;
pub mod forms;
pub mod imports;
mod list_pages;
pub mod public;
pub mod staff;
pub mod trainee;
pub use crate::i18n::{format, texts};

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use rand::Rng as _;

use crate::accounts::{Principal, Role};
use crate::db::DbConn;
use crate::db::ids::to_hex;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::routes::api::extract::{client_address, principal_for_token};
use crate::state::AppState;

pub use texts::Tr;

pub const SESSION_COOKIE: &str = "ketnoi_session";
pub const CSRF_COOKIE: &str = "ketnoi_csrf";
pub const LANG_COOKIE: &str = "ketnoi_lang";
/// The hidden field every form sends.
pub const CSRF_FIELD: &str = "csrf_token";

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(auth::home))
        .route("/static/app.css", web::get().to(stylesheet))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/lang/{code}", web::get().to(auth::switch_language))
        .configure(staff::configure)
        .configure(imports::configure)
        .configure(list_pages::configure)
        .configure(admin::configure)
        .configure(admin_areas::configure)
        .configure(admin_targets::configure)
        .configure(admin_users::configure)
        .configure(employer::configure)
        .configure(public::configure)
        .configure(trainee::configure)
        .configure(fairs::configure);
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../templates/static/app.css"))
}

/// The pages' language: English when the visitor's cookie says so, otherwise Vietnamese.
pub fn page_lang(request: &HttpRequest) -> Lang {
    match request.cookie(LANG_COOKIE) {
        Some(cookie) if cookie.value() == "en" => Lang::En,
        _ => Lang::Vi,
    }
}

/// Who is asking, in which language, with which CSRF token.
pub struct Visit {
    pub principal: Option<Principal>,
    pub lang: Lang,
    pub csrf: String,
    /// The CSRF cookie must be set on the response (first visit).
    new_csrf: bool,
    /// Served over TLS (directly or behind a proxy that says so): cookies get `Secure`.
    pub secure: bool,
    /// Path and query, for the language switch and the way back after signing in.
    pub here: String,
}

impl Visit {
    pub fn tr(&self) -> Tr {
        Tr { lang: self.lang }
    }

    pub fn role(&self) -> Option<Role> {
        self.principal.as_ref().map(|principal| principal.role)
    }

    /// The page's frame: language, navigation for the role, the token for its forms.
    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        Chrome {
            tr: self.tr(),
            title: title.into(),
            role: self.role(),
            csrf: self.csrf.clone(),
            here: self.here.clone(),
        }
    }

    /// The signed-in user, or a redirect to the sign-in page.
    pub fn signed_in(&self) -> Result<&Principal, PageError> {
        self.principal.as_ref().ok_or_else(|| PageError {
            error: AppError::Unauthorized,
            lang: self.lang,
            next: Some(self.here.clone()),
        })
    }

    /// The signed-in user when it has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<Principal, PageError> {
        let principal = self.signed_in()?;
        if roles.contains(&principal.role) {
            Ok(principal.clone())
        } else {
            Err(self.fail(AppError::Forbidden))
        }
    }

    /// The posted form again with `error` spread beside its `shown` fields (see
    /// [`forms::FormState::absorb`]); an error no form shows fails the page.
    pub fn refused(
        &self,
        form: &forms::Posted,
        error: AppError,
        shown: &[&str],
    ) -> Result<forms::FormState, PageError> {
        let mut state = forms::FormState::with_values(form.values());
        state
            .absorb(error, self.lang, shown)
            .map_err(|error| self.fail(error))?;
        Ok(state)
    }

    pub fn fail(&self, error: AppError) -> PageError {
        PageError {
            error,
            lang: self.lang,
            next: Some(self.here.clone()),
        }
    }

    /// A rendered page with the headers every page gets.
    pub fn render(&self, template: &impl Template) -> Result<HttpResponse, PageError> {
        self.render_with(StatusCode::OK, template)
    }

    pub fn render_with(
        &self,
        status: StatusCode,
        template: &impl Template,
    ) -> Result<HttpResponse, PageError> {
        let body = template
            .render()
            .map_err(|error| self.fail(AppError::Unexpected(error.into())))?;
        let mut response = HttpResponse::build(status);
        page_headers(&mut response);
        if self.new_csrf {
            response.cookie(self.cookie(CSRF_COOKIE, self.csrf.clone(), SameSite::Strict));
        }
        Ok(response.content_type("text/html; charset=utf-8").body(body))
    }

    /// A 303 to `location` after a form.
    pub fn redirect(&self, location: &str) -> HttpResponse {
        let mut response = HttpResponse::SeeOther();
        response.insert_header((header::LOCATION, location.to_owned()));
        if self.new_csrf {
            response.cookie(self.cookie(CSRF_COOKIE, self.csrf.clone(), SameSite::Strict));
        }
        response.finish()
    }

    pub fn cookie(
        &self,
        name: &'static str,
        value: String,
        same_site: SameSite,
    ) -> Cookie<'static> {
        Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(same_site)
            .secure(self.secure)
            .finish()
    }

    /// Runs database work off the executor, mapping failures to an error page.
    pub async fn blocking<T: Send + 'static>(
        &self,
        state: &web::Data<AppState>,
        work: impl FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, PageError> {
        crate::routes::api::blocking(state, work)
            .await
            .map_err(|error| self.fail(error))
    }
}

fn page_headers(response: &mut actix_web::HttpResponseBuilder) {
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ));
}

fn fresh_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    to_hex(&bytes)
}

fn valid_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|byte| byte.is_ascii_hexdigit())
}

impl FromRequest for Visit {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let lang = page_lang(request);
        let (csrf, new_csrf) = match request.cookie(CSRF_COOKIE) {
            Some(cookie) if valid_token(cookie.value()) => (cookie.value().to_owned(), false),
            _ => (fresh_token(), true),
        };
        let secure = request.connection_info().scheme() == "https";
        let here = request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned());
        let session = request
            .cookie(SESSION_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .filter(|token| valid_token(token));
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let address = client_address(request);
        Box::pin(async move {
            let mut visit = Visit {
                principal: None,
                lang,
                csrf,
                new_csrf,
                secure,
                here,
            };
            if let (Some(token), Some(state)) = (session, state) {
                let audit = state.audit.clone();
                visit.principal = visit
                    .blocking(&state, move |connection| {
                        principal_for_token(connection, &token, address)
                    })
                    .await?
                    .map(|principal| Principal { audit, ..principal });
            }
            Ok(visit)
        })
    }
}

/// The frame around every page.
pub struct Chrome {
    pub tr: Tr,
    pub title: String,
    pub role: Option<Role>,
    pub csrf: String,
    pub here: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

impl Chrome {
    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn signed_in(&self) -> bool {
        self.role.is_some()
    }

    /// The navigation of the visitor's role.
    pub fn nav(&self) -> Vec<NavItem> {
        let links: &[(&'static str, &'static str)] = match self.role {
            Some(Role::Admin) => &[
                ("/dashboard", "nav.dashboard"),
                ("/households", "nav.households"),
                ("/workers", "nav.workers"),
                ("/vacancies", "nav.vacancies"),
                ("/referrals", "nav.referrals"),
                ("/follow-ups", "nav.follow_ups"),
                ("/livelihood-models", "nav.models"),
                ("/job-fairs/new", "nav.fairs_staff"),
                ("/courses", "nav.courses"),
                ("/outreach", "nav.outreach"),
                ("/reports", "nav.reports"),
                ("/employers", "nav.employers"),
                ("/imports", "nav.imports"),
                ("/admin/targets", "nav.targets"),
                ("/admin/areas", "nav.areas"),
                ("/admin/users", "nav.users"),
                ("/admin/outbox", "nav.outbox"),
            ],
            Some(Role::Staff) => &[
                ("/dashboard", "nav.dashboard"),
                ("/households", "nav.households"),
                ("/workers", "nav.workers"),
                ("/vacancies", "nav.vacancies"),
                ("/referrals", "nav.referrals"),
                ("/follow-ups", "nav.follow_ups"),
                ("/livelihood-models", "nav.models"),
                ("/job-fairs/new", "nav.fairs_staff"),
                ("/courses", "nav.courses"),
                ("/outreach", "nav.outreach"),
                ("/reports", "nav.reports"),
                ("/employers", "nav.employers"),
                ("/imports", "nav.imports"),
            ],
            Some(Role::Employer) => &[
                ("/employer", "nav.employer"),
                ("/employer/vacancies/new", "nav.new_vacancy"),
            ],
            Some(Role::Trainee) => &[
                ("/courses", "nav.courses"),
                ("/job-fairs", "nav.job_fairs"),
                ("/my/enrollments", "nav.my_enrollments"),
            ],
            None => &[
                ("/courses", "nav.courses"),
                ("/job-fairs", "nav.job_fairs"),
                ("/employer/signup", "nav.employer_signup"),
            ],
        };
        links
            .iter()
            .map(|(href, key)| NavItem {
                href,
                label: self.tr.t(key),
            })
            .collect()
    }

    pub fn current(&self, href: &str) -> bool {
        self.here == href
            || self.here.starts_with(&format!("{href}/"))
            || self.here.starts_with(&format!("{href}?"))
    }

    /// The link that switches to the other language and comes back here.
    pub fn other_lang_href(&self) -> String {
        let other = match self.tr.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        };
        format!("/lang/{other}?next={}", format::url_encode(&self.here))
    }
}

/// An error answered as a page: a sign-in redirect for the anonymous, otherwise a page with
/// the translated reason and the right status.
#[derive(Debug)]
pub struct PageError {
    pub error: AppError,
    pub lang: Lang,
    pub next: Option<String>,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(formatter)
    }
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    page: Chrome,
    status: u16,
    detail: String,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self.error {
            AppError::Unauthorized => StatusCode::SEE_OTHER,
            _ => self.error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        if matches!(self.error, AppError::Unauthorized) {
            let next = self.next.as_deref().unwrap_or("/");
            return HttpResponse::SeeOther()
                .insert_header((
                    header::LOCATION,
                    format!("/login?next={}", format::url_encode(next)),
                ))
                .finish();
        }
        if let AppError::Unexpected(cause) = &self.error {
            tracing::error!(error = %format!("{cause:#}"), "page failed");
        }
        let tr = Tr { lang: self.lang };
        let status = self.status_code();
        let detail = match &self.error {
            AppError::Unexpected(_) | AppError::Unavailable(_) => {
                tr.t("error.unexpected").to_owned()
            }
            AppError::Forbidden => tr.t("error.forbidden").to_owned(),
            AppError::NotFound => tr.t("error.not_found").to_owned(),
            other => other.describe(self.lang),
        };
        let page = ErrorPage {
            page: Chrome {
                tr,
                title: tr.t("error.title").to_owned(),
                role: None,
                csrf: String::new(),
                here: "/".to_owned(),
            },
            status: status.as_u16(),
            detail,
        };
        let mut response = HttpResponse::build(status);
        page_headers(&mut response);
        match page.render() {
            Ok(body) => response.content_type("text/html; charset=utf-8").body(body),
            Err(_) => response
                .content_type("text/plain; charset=utf-8")
                .body(page.detail),
        }
    }
}

/// Keeps a redirect target on this site: a path, never another host.
pub fn local_path(next: Option<&str>) -> Option<String> {
    let next = next?;
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\'))
        .then(|| next.to_owned())
}
