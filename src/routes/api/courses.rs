//! `/api/v1/courses` (the public catalogue) and enrolments.

use actix_web::{HttpResponse, web};

use super::extract::{Caller, IdempotencyKey, JsonBody, Principal};
use super::idempotency::{Created, idempotent_create};
use super::{blocking, created};
use crate::error::{AppError, Problem};
use crate::registry::courses::{
    CourseInput, CourseQuery, CourseView, EnrollmentChange, EnrollmentInput, EnrollmentView,
};
use crate::registry::{self, Page};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/courses",
    tag = "courses",
    params(CourseQuery),
    responses(
        (status = 200, description = "A page of the course catalogue; open to everyone", body = Page<CourseView>),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CourseQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = blocking(&state, move |connection| {
        registry::courses::list(connection, caller.0.as_ref(), query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The course", body = CourseView),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let course = blocking(&state, move |connection| {
        registry::courses::read(connection, caller.0.as_ref(), &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(course))
}

#[utoipa::path(
    post,
    path = "/api/v1/courses",
    tag = "courses",
    request_body = CourseInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Published", body = CourseView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not publish courses", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    body: JsonBody<CourseInput>,
) -> Result<HttpResponse, AppError> {
    let JsonBody { value, bytes } = body;
    let result = blocking(&state, move |connection| {
        let user_id = principal.user_id.clone();
        idempotent_create(
            connection,
            &user_id,
            key.0.as_deref(),
            "/api/v1/courses",
            &bytes,
            |connection| {
                Created::within(
                    &registry::courses::create(connection, &principal, value)?,
                    "/api/v1/courses",
                )
            },
        )
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    patch,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    params(("id" = String, Path)),
    request_body = CourseInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = CourseView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change courses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<CourseInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let course = blocking(&state, move |connection| {
        registry::courses::update(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(course))
}

#[utoipa::path(
    delete,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Archived", body = CourseView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not archive courses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let course = blocking(&state, move |connection| {
        registry::courses::archive(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(course))
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/enrollments",
    tag = "courses",
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer")),
    request_body = EnrollmentInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Applied", body = EnrollmentView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not enrol this worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Enrolled already, or the course is over", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn enrol(
    state: web::Data<AppState>,
    principal: Principal,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: JsonBody<EnrollmentInput>,
) -> Result<HttpResponse, AppError> {
    let course_id = id.into_inner();
    let JsonBody { value, bytes } = body;
    let result = blocking(&state, move |connection| {
        let user_id = principal.user_id.clone();
        let path = format!("/api/v1/courses/{course_id}/enrollments");
        idempotent_create(
            connection,
            &user_id,
            key.0.as_deref(),
            &path,
            &bytes,
            |connection| {
                Created::within(
                    &registry::courses::enrol(connection, &principal, &course_id, value)?,
                    "/api/v1/enrollments",
                )
            },
        )
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    patch,
    path = "/api/v1/enrollments/{id}",
    tag = "courses",
    params(("id" = String, Path)),
    request_body = EnrollmentChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = EnrollmentView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change enrolments", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enrolment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The enrolment cannot move to that status", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_enrollment(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<EnrollmentChange>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let change = body.value;
    let enrollment = blocking(&state, move |connection| {
        registry::courses::change_enrollment(connection, &principal, &id, change)
    })
    .await?;
    Ok(HttpResponse::Ok().json(enrollment))
}
