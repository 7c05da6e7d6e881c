//! `GET /openapi.json`: the OpenAPI 3.1 document, generated from the handlers and types.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{Problem, ProblemField};
use crate::registry::households::{HouseholdInput, HouseholdView};
use crate::registry::workers::{WorkerForEmployer, WorkerInput, WorkerView};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ketnoi — kết nối việc làm",
        description = "Registry, matching and job-connection API of a province's employment service. Errors are RFC 9457 problem documents in Vietnamese, or English with `Accept-Language: en`."
    ),
    paths(
        crate::routes::health::healthz,
        crate::routes::health::stats,
        super::auth::login,
        super::auth::logout,
        super::admin_units::list,
        super::workers::list,
        super::workers::create,
        super::workers::read,
        super::workers::update,
        super::workers::archive,
        super::households::list,
        super::households::create,
        super::households::read,
        super::households::update,
        super::households::archive,
        super::programme::reviews,
        super::programme::list,
        super::programme::create,
        super::programme::update,
        super::workers::service_records,
        super::workers::record_service,
        super::workers::personal_data,
        super::workers::withdraw_consent,
        super::workers::send_text,
        super::employers::list,
        super::employers::create,
        super::employers::read,
        super::employers::update,
        super::employers::archive,
        super::vacancies::list,
        super::vacancies::create,
        super::vacancies::read,
        super::vacancies::update,
        super::vacancies::archive,
        super::courses::list,
        super::courses::create,
        super::courses::read,
        super::courses::update,
        super::courses::archive,
        super::courses::enrol,
        super::courses::change_enrollment,
        super::search::search,
        super::search::vacancy_matches,
        super::search::worker_matches,
        super::search::course_suggestions,
        super::progress::progress,
        super::progress::records,
        super::progress::outreach,
        super::progress::chart,
        super::progress::report,
        super::mail::mail_report,
        super::mail::list,
        super::mail::retry,
        super::imports::start,
        super::imports::read,
        super::imports::errors,
        super::imports::export,
        super::referrals::create,
        super::referrals::list,
        super::referrals::record_stage,
        super::referrals::read,
        super::referrals::change,
        super::referrals::record_follow_up,
        super::referrals::list_follow_ups,
        super::referrals::sms_inbox,
        super::work::create,
        super::work::list,
        super::work::read,
        super::work::withdraw,
        super::livelihood::create,
        super::livelihood::list,
        super::livelihood::read,
        super::livelihood::add_participant,
        super::job_fairs::create,
        super::job_fairs::list,
        super::job_fairs::read,
        super::job_fairs::add_vacancy,
        super::job_fairs::register_worker,
        super::job_fairs::refer,
        super::lists::fair_export,
        super::lists::fair_import,
        super::lists::model_export,
        super::lists::model_import,
    ),
    components(schemas(Problem, ProblemField, WorkerInput, WorkerView, WorkerForEmployer, HouseholdInput, HouseholdView)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
