//! The public course catalogue, phone first; a course's page; the enrolment form that creates
//! or links the person and files an `applied` enrolment; a trainee's own enrolments.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::forms::{FormState, Posted};
use super::staff::{Pickers, pickers};
use super::{Chrome, PageError, Visit, format};
use crate::accounts::{Principal, Role};
use crate::error::AppError;
use crate::i18n::texts::Tr;
use crate::registry::course_application;
use crate::registry::courses::{self, CourseView};
use crate::routes::api::extract::client_address;
use crate::search::service::{self as search, SearchParams};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/courses", web::get().to(catalogue))
        .route("/courses/{id}", web::get().to(course))
        .route("/courses/{id}/enrol", web::get().to(enrol_form))
        .route("/courses/{id}/enrol", web::post().to(enrol))
        .route("/my/enrollments", web::get().to(my_enrollments))
        .route("/courses/{id}/enrollments", web::post().to(staff_enrol))
        .route("/enrollments/{id}", web::post().to(change_enrollment));
}

#[derive(Deserialize)]
pub struct CatalogueQuery {
    q: Option<String>,
    level: Option<String>,
    district: Option<String>,
    cursor: Option<String>,
    page: Option<i64>,
}

const CATALOGUE_PAGE: i64 = 20;

#[derive(Template)]
#[template(path = "pages/public/catalogue.html")]
struct CataloguePage {
    page: Chrome,
    q: String,
    level: String,
    levels: &'static [&'static str],
    total: i64,
    items: Vec<CourseView>,
    next: Option<String>,
}

fn blank_is_none(value: Option<String>) -> Option<String> {
    value
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

async fn catalogue(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let q = blank_is_none(query.q);
    let level = blank_is_none(query.level);
    let district = blank_is_none(query.district);
    let principal = visit.principal.clone();
    let index = state.search.clone();
    let page_number = query.page.unwrap_or(1).clamp(1, 500);
    let (total, items, next) = match q.clone() {
        // Words are searched in the index: accent-proof, ranked; the page shows the courses
        // as the registry reads them.
        Some(words) => {
            let level_filter = level.clone();
            let (total, items) = visit
                .blocking(&state, move |connection| {
                    let found = search::search(
                        connection,
                        &index,
                        principal.as_ref(),
                        SearchParams {
                            kind: Some("courses".to_owned()),
                            q: Some(words),
                            commune: None,
                            district,
                            household_status: None,
                            availability: None,
                            overseas: None,
                            occupation: None,
                            limit: Some(CATALOGUE_PAGE),
                            offset: Some((page_number - 1) * CATALOGUE_PAGE),
                        },
                    )?;
                    let mut items = Vec::with_capacity(found.items.len());
                    for hit in found.items {
                        match courses::read(connection, principal.as_ref(), &hit.id) {
                            Ok(course) if course_application::accepts(&course) => {
                                if level_filter
                                    .as_ref()
                                    .is_none_or(|level| *level == course.level)
                                {
                                    items.push(course);
                                }
                            }
                            Ok(_) | Err(crate::error::AppError::NotFound) => {}
                            Err(other) => return Err(other),
                        }
                    }
                    Ok((found.total as i64, items))
                })
                .await?;
            let next = (page_number * CATALOGUE_PAGE < total).then(|| {
                format!(
                    "/courses?q={}&level={}&page={}",
                    format::url_encode(q.as_deref().unwrap_or_default()),
                    format::url_encode(level.as_deref().unwrap_or_default()),
                    page_number + 1
                )
            });
            (total, items, next)
        }
        None => {
            let listing = courses::CourseQuery {
                status: Some("open".to_owned()),
                level: level.clone(),
                occupation: None,
                commune: None,
                district,
                q: None,
                archived: None,
                limit: Some(CATALOGUE_PAGE),
                cursor: blank_is_none(query.cursor),
            };
            let found = visit
                .blocking(&state, move |connection| {
                    courses::list(connection, principal.as_ref(), listing)
                })
                .await?;
            let next = found.next_cursor.map(|cursor| {
                format!(
                    "/courses?level={}&cursor={cursor}",
                    format::url_encode(level.as_deref().unwrap_or_default())
                )
            });
            (found.total, found.items, next)
        }
    };
    let page = CataloguePage {
        page: visit.chrome(visit.tr().t("catalogue.title")),
        q: q.unwrap_or_default(),
        level: level.unwrap_or_default(),
        levels: courses::LEVELS,
        total,
        items,
        next,
    };
    visit.render(&page)
}

/// An enrolment as staff manage it on the course page.
pub struct EnrollmentRow {
    pub id: String,
    pub worker_id: String,
    pub name: String,
    pub status: String,
    pub progress: i32,
    /// Applied with a registered CCCD whose birth date did not agree: check the papers.
    pub identity_unconfirmed: bool,
}

#[derive(Template)]
#[template(path = "pages/public/course.html")]
struct CoursePage {
    page: Chrome,
    course: CourseView,
    open: bool,
    /// Staff only: the enrolments, and the statuses they may be moved to.
    enrollments: Option<Vec<EnrollmentRow>>,
    statuses: &'static [&'static str],
    error: Option<String>,
}

fn is_staff(principal: Option<&Principal>) -> bool {
    principal.is_some_and(|principal| matches!(principal.role, Role::Admin | Role::Staff))
}

/// The course page; staff also see and manage its enrolments (within their area).
async fn course_page(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.principal.clone();
    let (course, enrollments) = visit
        .blocking(state, move |connection| {
            let course = courses::read(connection, principal.as_ref(), &id)?;
            let enrollments = match principal
                .as_ref()
                .filter(|principal| is_staff(Some(principal)))
            {
                Some(staff) => Some(
                    crate::models::enrollments::for_course(connection, &id)?
                        .into_iter()
                        .filter(|(_, _, commune)| {
                            staff
                                .area_units
                                .as_ref()
                                .is_none_or(|units| units.contains(commune))
                        })
                        .map(|(enrollment, name, _)| EnrollmentRow {
                            id: enrollment.id,
                            worker_id: enrollment.worker_id,
                            name,
                            status: enrollment.status.to_string(),
                            progress: enrollment.progress_percent,
                            identity_unconfirmed: enrollment.identity_unconfirmed,
                        })
                        .collect(),
                ),
                None => None,
            };
            Ok((course, enrollments))
        })
        .await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CoursePage {
        page: visit.chrome(course.title.clone()),
        open: course_application::accepts(&course),
        course,
        enrollments,
        statuses: courses::ENROLLMENT_STATUSES,
        error,
    };
    visit.render_with(status, &page)
}

/// Staff enrol a registered worker, found by CCCD.
async fn staff_enrol(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin, Role::Staff])?;
    let course_id = id.into_inner();
    let national_id = form.get("national_id").unwrap_or_default();
    let lang = visit.lang;
    let target = course_id.clone();
    let outcome = visit
        .blocking(&state, move |connection| {
            let attempt = (|| {
                let worker_id =
                    crate::registry::workers::id_by_national_id(connection, &national_id)?;
                connection.write_transaction(|connection| {
                    courses::enrol(
                        connection,
                        &principal,
                        &target,
                        courses::EnrollmentInput {
                            worker_id: Some(worker_id),
                        },
                    )
                })
            })();
            match attempt {
                Ok(_) => Ok(None),
                Err(
                    error @ (crate::error::AppError::Validation(_)
                    | crate::error::AppError::Conflict(_)
                    | crate::error::AppError::Duplicate { .. }),
                ) => Ok(Some(error.describe(lang))),
                Err(other) => Err(other),
            }
        })
        .await?;
    match outcome {
        None => Ok(visit.redirect(&format!("/courses/{course_id}"))),
        Some(message) => course_page(&state, &visit, course_id, Some(message)).await,
    }
}

/// Staff move an enrolment along (enrolled, attending, completed …).
async fn change_enrollment(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Admin, Role::Staff])?;
    let id = id.into_inner();
    let course_id = form.get("course_id").unwrap_or_default();
    let change = courses::EnrollmentChange {
        status: form.get("status"),
        progress_percent: form
            .get("progress_percent")
            .and_then(|text| text.parse().ok()),
        completed_on: form.get("completed_on"),
        certificate_no: form.get("certificate_no"),
    };
    let lang = visit.lang;
    let outcome = visit
        .blocking(&state, move |connection| {
            match connection.write_transaction(|connection| {
                courses::change_enrollment(connection, &principal, &id, change)
            }) {
                Ok(view) => Ok(Ok(view.course_id)),
                Err(
                    error @ (crate::error::AppError::Validation(_)
                    | crate::error::AppError::Conflict(_)),
                ) => Ok(Err(error.describe(lang))),
                Err(other) => Err(other),
            }
        })
        .await?;
    match outcome {
        Ok(course_id) => Ok(visit.redirect(&format!("/courses/{course_id}"))),
        Err(message) => course_page(&state, &visit, course_id, Some(message)).await,
    }
}

async fn course(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    course_page(&state, &visit, id.into_inner(), None).await
}

#[derive(Template)]
#[template(path = "pages/public/enrol.html")]
struct EnrolPage {
    page: Chrome,
    course: CourseView,
    form: FormState,
    pickers: Pickers,
    /// A signed-in trainee already linked to a worker applies as themselves.
    linked: bool,
    done: bool,
}

async fn enrol_form(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let principal = visit.principal.clone();
    let linked = principal
        .as_ref()
        .is_some_and(|principal| principal.worker_id.is_some());
    let lang = visit.lang;
    let (course, pickers) = visit
        .blocking(&state, move |connection| {
            Ok((
                courses::read(connection, principal.as_ref(), &id)?,
                pickers(connection, lang)?,
            ))
        })
        .await?;
    let page = EnrolPage {
        page: visit.chrome(format!(
            "{} — {}",
            visit.tr().t("enrol.title"),
            course.title
        )),
        course,
        form: FormState::default(),
        pickers,
        linked,
        done: false,
    };
    visit.render(&page)
}

async fn enrol(
    state: web::Data<AppState>,
    request: HttpRequest,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let course_id = id.into_inner();
    let caller = visit.principal.clone();
    let address = client_address(&request).unwrap_or_default();
    let linked = caller
        .as_ref()
        .is_some_and(|principal| principal.worker_id.is_some());
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
    let (course, pickers, outcome) = visit
        .blocking(&state, move |connection| {
            let course = courses::read(connection, caller.as_ref(), &course_id)?;
            let pickers = pickers(connection, lang)?;
            let outcome = course_application::apply(
                connection,
                caller.as_ref(),
                &address,
                &course_id,
                application,
            );
            let outcome = match outcome {
                Ok(()) => Ok(()),
                Err(AppError::TooManyRequests {
                    retry_after_seconds,
                }) => {
                    let mut form_state = FormState::with_values(values);
                    form_state.general = Some(
                        Tr { lang }
                            .t("enrol.throttled")
                            .replace("{minutes}", &retry_after_seconds.div_ceil(60).to_string()),
                    );
                    Err((StatusCode::TOO_MANY_REQUESTS, form_state))
                }
                Err(error) => {
                    let mut form_state = FormState::with_values(values);
                    form_state.absorb(error, lang, course_application::FIELDS)?;
                    Err((StatusCode::UNPROCESSABLE_ENTITY, form_state))
                }
            };
            Ok((course, pickers, outcome))
        })
        .await?;
    let (status, form, done) = match outcome {
        Ok(()) => (StatusCode::OK, FormState::default(), true),
        Err((status, form_state)) => (status, form_state, false),
    };
    let page = EnrolPage {
        page: visit.chrome(format!(
            "{} — {}",
            visit.tr().t("enrol.title"),
            course.title
        )),
        course,
        form,
        pickers,
        linked,
        done,
    };
    visit.render_with(status, &page)
}

pub struct MyEnrollment {
    pub course_id: String,
    pub title: String,
    pub starts_on: String,
    pub status: String,
    pub progress: i32,
}

#[derive(Template)]
#[template(path = "pages/public/my_enrollments.html")]
struct MyEnrollmentsPage {
    page: Chrome,
    items: Vec<MyEnrollment>,
    linked: bool,
}

async fn my_enrollments(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(&[Role::Trainee])?;
    let worker_id = principal.worker_id.clone();
    let linked = worker_id.is_some();
    let tr = visit.tr();
    let items = match worker_id {
        Some(worker_id) => {
            visit
                .blocking(&state, move |connection| {
                    Ok(crate::models::enrollments::for_worker(
                        connection, &worker_id,
                    )?)
                })
                .await?
        }
        None => Vec::new(),
    };
    let page = MyEnrollmentsPage {
        page: visit.chrome(tr.t("my.title")),
        items: items
            .into_iter()
            .map(|(enrollment, title, starts_on)| MyEnrollment {
                course_id: enrollment.course_id,
                title,
                starts_on: format::date(starts_on),
                status: tr
                    .t_or(
                        &format!("value.{}", enrollment.status),
                        enrollment.status.as_str(),
                    )
                    .to_owned(),
                progress: enrollment.progress_percent,
            })
            .collect(),
        linked,
    };
    visit.render(&page)
}
