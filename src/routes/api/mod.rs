//! The JSON API under `/api/v1`: thin handlers that extract, call one registry function on a
//! blocking thread, and answer.

pub mod admin_units;
pub mod auth;
pub mod courses;
mod crud;
pub mod employers;
pub mod extract;
pub mod households;
pub mod idempotency;
pub mod imports;
pub mod job_fairs;
pub mod lists;
pub mod livelihood;
pub mod mail;
pub mod openapi;
pub mod programme;
pub mod progress;
pub mod referrals;
pub mod search;
pub mod vacancies;
pub mod work;
pub mod workers;

use actix_web::{HttpResponse, web};

use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::state::AppState;
use idempotency::Created;

/// Runs database work on actix's blocking pool, never on the async worker.
pub async fn blocking<T: Send + 'static>(
    state: &web::Data<AppState>,
    work: impl FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let pool = state.pool.clone();
    web::block(move || {
        let mut connection = pool.get()?;
        work(&mut connection)
    })
    .await?
}

pub fn created(created: Created) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(created.status)
        .unwrap_or(actix_web::http::StatusCode::CREATED);
    let mut response = HttpResponse::build(status);
    if let Some(location) = &created.location {
        response.insert_header((actix_web::http::header::LOCATION, location.clone()));
    }
    response.json(created.body)
}

/// Query strings that do not parse are a 422 naming the parameter, like bodies.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _request| {
        let message = error.to_string();
        let field = message.split('`').nth(1).unwrap_or("query").to_owned();
        let code = if message.contains("unknown field") {
            "unknown_field"
        } else {
            "invalid_type"
        };
        AppError::Validation(vec![FieldError::new(field, code)]).into()
    })
}

/// Work outside vacancies, job fairs and poverty-reduction models.
fn every_kind_of_work(config: &mut web::ServiceConfig) {
    config
        .route("/workers/{id}/work", web::post().to(work::create))
        .route("/workers/{id}/work", web::get().to(work::list))
        .route("/work/{id}", web::get().to(work::read))
        .route("/work/{id}/withdraw", web::post().to(work::withdraw))
        .route("/job-fairs", web::post().to(job_fairs::create))
        .route("/job-fairs", web::get().to(job_fairs::list))
        .route("/job-fairs/{id}", web::get().to(job_fairs::read))
        .route(
            "/job-fairs/{id}/vacancies",
            web::post().to(job_fairs::add_vacancy),
        )
        .route(
            "/job-fairs/{id}/workers",
            web::post().to(job_fairs::register_worker),
        )
        .route(
            "/job-fairs/{id}/referrals",
            web::post().to(job_fairs::refer),
        )
        .route("/livelihood-models", web::post().to(livelihood::create))
        .route("/livelihood-models", web::get().to(livelihood::list))
        .route("/livelihood-models/{id}", web::get().to(livelihood::read))
        .route(
            "/livelihood-models/{id}/participants",
            web::post().to(livelihood::add_participant),
        )
        .route(
            "/job-fairs/{id}/workers/export",
            web::get().to(lists::fair_export),
        )
        .route(
            "/job-fairs/{id}/workers/import",
            web::post().to(lists::fair_import),
        )
        .route(
            "/livelihood-models/{id}/participants/export",
            web::get().to(lists::model_export),
        )
        .route(
            "/livelihood-models/{id}/participants/import",
            web::post().to(lists::model_import),
        );
}

pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/api/v1")
            .app_data(query_config())
            .route("/auth/login", web::post().to(auth::login))
            .route("/auth/logout", web::post().to(auth::logout))
            .route("/admin-units", web::get().to(admin_units::list))
            .route("/search", web::get().to(search::search))
            .route("/progress", web::get().to(progress::progress))
            .route("/progress/records", web::get().to(progress::records))
            .route("/progress/outreach", web::get().to(progress::outreach))
            .route("/progress/chart.svg", web::get().to(progress::chart))
            .route("/reports/{file}", web::get().to(progress::report))
            .route("/reports/{period}/mail", web::post().to(mail::mail_report))
            .route("/outbox", web::get().to(mail::list))
            .route("/imports", web::post().to(imports::start))
            .route("/imports/{id}", web::get().to(imports::read))
            .route("/imports/{id}/errors.xlsx", web::get().to(imports::errors))
            .route("/exports/{kind}", web::get().to(imports::export))
            .route("/outbox/{id}/retry", web::post().to(mail::retry))
            .route("/referrals", web::post().to(referrals::create))
            .route("/referrals", web::get().to(referrals::list))
            .route(
                "/referrals/{id}/overseas-stages",
                web::post().to(referrals::record_stage),
            )
            .route("/referrals/{id}", web::get().to(referrals::read))
            .route("/referrals/{id}", web::patch().to(referrals::change))
            .route("/follow-ups", web::get().to(referrals::list_follow_ups))
            .route("/sms/inbox", web::get().to(referrals::sms_inbox))
            .route(
                "/follow-ups/{id}",
                web::patch().to(referrals::record_follow_up),
            )
            .route(
                "/vacancies/{id}/matches",
                web::get().to(search::vacancy_matches),
            )
            .route(
                "/workers/{id}/matches",
                web::get().to(search::worker_matches),
            )
            .route(
                "/workers/{id}/course-suggestions",
                web::get().to(search::course_suggestions),
            )
            .configure(every_kind_of_work)
            .route("/workers", web::get().to(workers::list))
            .route("/workers", web::post().to(workers::create))
            .route("/workers/{id}", web::get().to(workers::read))
            .route("/workers/{id}", web::patch().to(workers::update))
            .route("/workers/{id}", web::delete().to(workers::archive))
            .route(
                "/workers/{id}/personal-data",
                web::get().to(workers::personal_data),
            )
            .route(
                "/workers/{id}/consent-withdrawal",
                web::post().to(workers::withdraw_consent),
            )
            .route("/workers/{id}/messages", web::post().to(workers::send_text))
            .route("/households", web::get().to(households::list))
            .route("/households", web::post().to(households::create))
            .route("/households/{id}", web::get().to(households::read))
            .route("/households/{id}", web::patch().to(households::update))
            .route("/households/{id}", web::delete().to(households::archive))
            .route(
                "/households/{id}/reviews",
                web::get().to(programme::reviews),
            )
            .route("/programme-periods", web::get().to(programme::list))
            .route("/programme-periods", web::post().to(programme::create))
            .route(
                "/programme-periods/{code}",
                web::patch().to(programme::update),
            )
            .route(
                "/workers/{id}/service-records",
                web::get().to(workers::service_records),
            )
            .route(
                "/workers/{id}/service-records",
                web::post().to(workers::record_service),
            )
            .route("/employers", web::get().to(employers::list))
            .route("/employers", web::post().to(employers::create))
            .route("/employers/{id}", web::get().to(employers::read))
            .route("/employers/{id}", web::patch().to(employers::update))
            .route("/employers/{id}", web::delete().to(employers::archive))
            .route("/vacancies", web::get().to(vacancies::list))
            .route("/vacancies", web::post().to(vacancies::create))
            .route("/vacancies/{id}", web::get().to(vacancies::read))
            .route("/vacancies/{id}", web::patch().to(vacancies::update))
            .route("/vacancies/{id}", web::delete().to(vacancies::archive))
            .route("/courses", web::get().to(courses::list))
            .route("/courses", web::post().to(courses::create))
            .route("/courses/{id}", web::get().to(courses::read))
            .route("/courses/{id}", web::patch().to(courses::update))
            .route("/courses/{id}", web::delete().to(courses::archive))
            .route("/courses/{id}/enrollments", web::post().to(courses::enrol))
            .route(
                "/enrollments/{id}",
                web::patch().to(courses::change_enrollment),
            ),
    );
}
