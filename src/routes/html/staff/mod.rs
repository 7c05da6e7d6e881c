//! The staff workspace: dashboard, registries, matching and referrals, follow-ups, outreach,
//! reports and employer verification. Every page calls the same registry and service functions
//! as the API, so permissions, validation and auditing are the API's own.

mod employer_pages;
mod fair_pages;
mod follow_up_pages;
mod household_pages;
mod model_pages;
mod overview;
mod record_forms;
mod referral_pages;
mod reports;
mod vacancy_pages;
mod work_pages;
mod worker_form;
mod worker_pages;
mod worker_work;

use actix_web::web;

use crate::accounts::Role;
use crate::error::AppError;
use crate::models;
use employer_pages::{employer_list, employer_verify};
use fair_pages::{fair_act, fair_create, fair_manage, fair_new};
use follow_up_pages::{follow_up_list, follow_up_record, sms_inbox};
use household_pages::{
    household_create, household_detail, household_edit, household_list, household_new,
    household_update,
};
use model_pages::{model_create, model_detail, model_list, model_participant};
use overview::{chart, dashboard, records};
use record_forms::{
    course_create, course_edit, course_new, course_update, employer_create, employer_edit,
    employer_new, employer_update, vacancy_create, vacancy_edit, vacancy_new, vacancy_update,
};
use referral_pages::{referral_detail, referral_letter, referral_move, referral_stage};
use reports::{outreach, report_download, reports};
use vacancy_pages::{refer, referral_board, vacancy_detail, vacancy_list};
use work_pages::{work_page, work_record, work_withdraw};
use worker_form::{worker_create, worker_edit, worker_new, worker_update};
use worker_pages::{worker_detail, worker_list, worker_personal_data, worker_withdraw_consent};
use worker_work::{worker_enrol, worker_matches, worker_refer, worker_service, worker_text};

pub(super) const STAFF: &[Role] = &[Role::Admin, Role::Staff];
pub(super) const PAGE_SIZE: i64 = 20;
/// Follow-ups carry a form each: a page of them stays light.
pub(super) const FOLLOW_UP_PAGE: i64 = 25;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/dashboard", web::get().to(dashboard))
        .route("/sms/inbox", web::get().to(sms_inbox))
        .route("/dashboard/chart.svg", web::get().to(chart))
        .route("/dashboard/records", web::get().to(records))
        .route("/workers", web::get().to(worker_list))
        .route("/workers/new", web::get().to(worker_new))
        .route("/workers/new", web::post().to(worker_create))
        .route("/workers/{id}", web::get().to(worker_detail))
        .route("/workers/{id}/matches", web::get().to(worker_matches))
        .route("/workers/{id}/refer", web::post().to(worker_refer))
        .route("/workers/{id}/enrol", web::post().to(worker_enrol))
        .route("/workers/{id}/services", web::post().to(worker_service))
        .route("/workers/{id}/message", web::post().to(worker_text))
        .route("/workers/{id}/work", web::get().to(work_page))
        .route("/workers/{id}/work", web::post().to(work_record))
        .route("/work/{id}/withdraw", web::post().to(work_withdraw))
        .route("/workers/{id}/edit", web::get().to(worker_edit))
        .route("/workers/{id}/edit", web::post().to(worker_update))
        .route(
            "/workers/{id}/personal-data",
            web::get().to(worker_personal_data),
        )
        .route(
            "/workers/{id}/consent-withdrawal",
            web::post().to(worker_withdraw_consent),
        )
        .route("/households", web::get().to(household_list))
        .route("/households/new", web::get().to(household_new))
        .route("/households/new", web::post().to(household_create))
        .route("/households/{id}", web::get().to(household_detail))
        .route("/households/{id}/edit", web::get().to(household_edit))
        .route("/households/{id}/edit", web::post().to(household_update))
        .route("/vacancies", web::get().to(vacancy_list))
        .route("/vacancies/new", web::get().to(vacancy_new))
        .route("/vacancies/new", web::post().to(vacancy_create))
        .route("/vacancies/{id}/edit", web::get().to(vacancy_edit))
        .route("/vacancies/{id}/edit", web::post().to(vacancy_update))
        .route("/vacancies/{id}", web::get().to(vacancy_detail))
        .route("/vacancies/{id}/refer", web::post().to(refer))
        .route("/referrals", web::get().to(referral_board))
        .route("/referrals/{id}", web::get().to(referral_detail))
        .route("/referrals/{id}/move", web::post().to(referral_move))
        .route("/referrals/{id}/stages", web::post().to(referral_stage))
        .route("/referrals/{id}/letter", web::get().to(referral_letter))
        .route("/job-fairs/new", web::get().to(fair_new))
        .route("/job-fairs/new", web::post().to(fair_create))
        .route("/job-fairs/{id}/manage", web::get().to(fair_manage))
        .route("/job-fairs/{id}/manage", web::post().to(fair_act))
        .route("/livelihood-models", web::get().to(model_list))
        .route("/livelihood-models", web::post().to(model_create))
        .route("/livelihood-models/{id}", web::get().to(model_detail))
        .route(
            "/livelihood-models/{id}/participants",
            web::post().to(model_participant),
        )
        .route("/follow-ups", web::get().to(follow_up_list))
        .route("/follow-ups/{id}", web::post().to(follow_up_record))
        .route("/outreach", web::get().to(outreach))
        .route("/reports", web::get().to(reports))
        .route("/reports/{file}", web::get().to(report_download))
        .route("/employers", web::get().to(employer_list))
        .route("/employers/new", web::get().to(employer_new))
        .route("/employers/new", web::post().to(employer_create))
        .route("/employers/{id}/edit", web::get().to(employer_edit))
        .route("/employers/{id}/edit", web::post().to(employer_update))
        .route("/courses/new", web::get().to(course_new))
        .route("/courses/new", web::post().to(course_create))
        .route("/courses/{id}/edit", web::get().to(course_edit))
        .route("/courses/{id}/edit", web::post().to(course_update))
        .route("/employers/{id}/verify", web::post().to(employer_verify));
}

/// The pickers of the registry forms.
pub struct Pickers {
    pub communes: Vec<(String, String)>,
    pub ethnicities: Vec<(String, String)>,
    /// Occupations by name, `(code, "Name (code)")`.
    pub occupations: Vec<(String, String)>,
}

/// The pickers of the registry forms, occupations named in the page's language.
pub fn pickers(
    connection: &mut crate::db::DbConn,
    lang: crate::i18n::Lang,
) -> Result<Pickers, AppError> {
    Ok(Pickers {
        communes: models::admin_units::current_communes(connection)?,
        ethnicities: models::ethnic_groups::all(connection)?,
        occupations: models::occupations::all(connection, lang == crate::i18n::Lang::En)?,
    })
}

/// The worker a CCCD names, or the error beside `national_id`.
pub(super) fn worker_by_cccd(
    connection: &mut crate::db::DbConn,
    form: &crate::routes::html::forms::Posted,
) -> Result<Result<String, AppError>, AppError> {
    let found = match form
        .get("national_id")
        .and_then(|raw| crate::domain::values::national_id(&raw).ok())
    {
        Some(cccd) => models::workers::find_id_by_national_id(connection, &cccd)?,
        None => None,
    };
    Ok(found.ok_or_else(|| AppError::field("national_id", "unknown_worker")))
}
