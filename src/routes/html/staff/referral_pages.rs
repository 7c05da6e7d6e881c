//! A referral for staff: who was referred where, its history, and the forms that move it on —
//! an interview with its date and time, a hire with the first day and wage (for employers
//! without an account), a rejection with its reason, a withdrawal with the reason, the overseas
//! stages — and the printable referral letter (giấy giới thiệu) with a QR code back to this page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;

use crate::accounts::Principal;
use crate::domain::statuses::{ReferralStatus, RejectionReason};
use crate::error::AppError;
use crate::hiring::{pipeline, referrals};
use crate::models::overseas_stages::STAGES;
use crate::registry::{employers, vacancies, workers};
use crate::routes::html::format;
use crate::routes::html::forms::{FormState, Posted};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

/// Everything a referral's page and letter show.
pub struct ReferralFile {
    pub referral: referrals::ReferralView,
    pub worker_name: String,
    pub birth_date: String,
    pub worker_commune: String,
    pub worker_phone: String,
    pub vacancy: vacancies::VacancyView,
    pub employer: employers::EmployerView,
}

/// Reads a referral and the worker, vacancy and employer it joins, as `principal` may.
fn file(
    connection: &mut crate::db::DbConn,
    principal: &Principal,
    id: &str,
) -> Result<ReferralFile, AppError> {
    let referral = referrals::read(connection, principal, id)?;
    let worker = workers::read(connection, principal, &referral.worker_id)?;
    let vacancy = vacancies::read(connection, principal, &referral.vacancy_id)?;
    let employer = employers::read(connection, principal, &vacancy.employer_id)?;
    let text = |key: &str| worker[key].as_str().unwrap_or_default().to_owned();
    let commune_code = text("commune_code");
    let today = crate::accounts::now().date();
    let worker_commune = models::admin_units::resolve_commune(connection, &commune_code, today)?
        .map_or(commune_code, |unit| unit.name);
    let birth_date = text("birth_date");
    Ok(ReferralFile {
        worker_name: text("full_name"),
        birth_date: crate::domain::values::date(&birth_date).map_or(birth_date, format::date),
        worker_phone: text("phone"),
        worker_commune,
        referral,
        vacancy,
        employer,
    })
}

#[derive(Template)]
#[template(path = "pages/staff/referral.html")]
struct ReferralPage {
    page: Chrome,
    file: ReferralFile,
    /// The statuses it may move to.
    moves: Vec<&'static str>,
    reasons: Vec<(String, String)>,
    /// The overseas stage that comes next, if the vacancy is abroad and one is left.
    next_stage: Option<&'static str>,
    form: FormState,
}

/// The fields of the move and stage forms, each named apart so every error shows beside its own.
const FIELDS: &[&str] = &[
    "interview_at",
    "start_date",
    "wage_vnd",
    "rejection_reason",
    "reason",
    "stage",
    "reached_on",
];

async fn render(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let file = visit
        .blocking(state, move |connection| file(connection, &principal, &id))
        .await?;
    let tr = visit.tr();
    let moves = file
        .referral
        .status
        .next()
        .iter()
        .map(|(next, _)| next.as_str())
        .collect();
    let reached: Vec<&str> = file
        .referral
        .overseas_stages
        .iter()
        .map(|stage| stage.stage.as_str())
        .collect();
    let next_stage = file
        .vacancy
        .is_overseas
        .then(|| {
            STAGES
                .iter()
                .find(|stage| !reached.contains(stage))
                .copied()
        })
        .flatten();
    let page = ReferralPage {
        page: visit.chrome(format!("{} — {}", tr.t("referral.title"), file.worker_name)),
        reasons: RejectionReason::NAMES
            .iter()
            .map(|key| ((*key).to_owned(), tr.of("reason", key).to_owned()))
            .collect(),
        file,
        moves,
        next_stage,
        form,
    };
    visit.render_with(status, &page)
}

pub(super) async fn referral_detail(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    render(
        &state,
        &visit,
        id.into_inner(),
        StatusCode::OK,
        FormState::default(),
    )
    .await
}

/// `POST /referrals/{id}/move`: the same change as `PATCH /api/v1/referrals/{id}`.
pub(super) async fn referral_move(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let status = form.get("status").unwrap_or_default();
    let wage = form.get("wage_vnd");
    let wage_vnd = match wage.as_deref().map(|raw| raw.replace(['.', ',', ' '], "")) {
        Some(raw) => match raw.parse::<i64>() {
            Ok(value) => Some(value),
            Err(_) => {
                let error = AppError::field("wage_vnd", "invalid_type");
                return refuse(&state, &visit, id, &form, error).await;
            }
        },
        None => None,
    };
    let change = referrals::ReferralChange {
        rejection_reason: form.get("rejection_reason"),
        reason: form.get("reason"),
        note: form.get(&format!("{status}_note")),
        start_date: form.get("start_date"),
        wage_vnd,
        interview_at: form.get("interview_at"),
        status,
    };
    let target = id.clone();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(connection.write_transaction(|connection| {
                referrals::change(connection, &principal, &target, change)
            }))
        })
        .await?;
    match done {
        Ok(_) => Ok(visit.redirect(&format!("/referrals/{id}"))),
        Err(error) => refuse(&state, &visit, id, &form, error).await,
    }
}

/// `POST /referrals/{id}/stages`: the next overseas stage, as the API records it.
pub(super) async fn referral_stage(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let input = pipeline::StageInput {
        stage: form.get("stage").unwrap_or_default(),
        reached_on: form.get("reached_on"),
        note: form.get("stage_note"),
    };
    let target = id.clone();
    let done = visit
        .blocking(&state, move |connection| {
            Ok(pipeline::record_stage(
                connection, &principal, &target, input,
            ))
        })
        .await?;
    match done {
        Ok(_) => Ok(visit.redirect(&format!("/referrals/{id}"))),
        Err(error) => refuse(&state, &visit, id, &form, error).await,
    }
}

/// The page again with `error` beside its field (or on top), nothing written.
async fn refuse(
    state: &web::Data<AppState>,
    visit: &Visit,
    id: String,
    form: &Posted,
    error: AppError,
) -> Result<HttpResponse, PageError> {
    let shown = visit.refused(form, error, FIELDS)?;
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(state, visit, id, status, shown).await
}

// ---- the referral letter ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "pages/staff/referral_letter.html")]
struct LetterPage {
    tr: crate::i18n::texts::Tr,
    lang: &'static str,
    file: ReferralFile,
    centre: String,
    province: String,
    reference: String,
    dated: String,
    qr_svg: String,
    link: String,
}

/// The letter's reference number: the year it was written and the referral's first eight
/// characters, which stay the same however often it is printed.
pub fn reference(referral: &referrals::ReferralView) -> String {
    let id = referral.id.to_string();
    let short: String = id.chars().take(8).collect();
    format!(
        "{}/GGT-{}",
        referral.created_at.year(),
        short.to_uppercase()
    )
}

/// The QR code of `link` as an inline SVG element.
fn qr_svg(link: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(link.as_bytes())
        .map_err(|error| AppError::Unexpected(anyhow::anyhow!("QR code of {link}: {error}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(132, 132)
        .build();
    // Inline in HTML: the XML declaration goes.
    Ok(svg
        .find("<svg")
        .map_or(svg.clone(), |start| svg[start..].to_owned()))
}

pub(super) async fn referral_letter(
    state: web::Data<AppState>,
    visit: Visit,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let id = id.into_inner();
    let target = id.clone();
    let (file, province) = visit
        .blocking(&state, move |connection| {
            let file = file(connection, &principal, &target)?;
            let province = models::admin_units::province_name(connection)?;
            Ok((file, province))
        })
        .await?;
    // The address the officer's browser used: scanning the code opens the same server.
    let info = request.connection_info();
    let link = format!("{}://{}/referrals/{id}", info.scheme(), info.host());
    let tr = visit.tr();
    let centre = std::env::var("KETNOI_CENTRE_NAME")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| tr.t("letter.centre").to_owned());
    let page = LetterPage {
        tr,
        lang: visit.lang.code(),
        reference: reference(&file.referral),
        dated: format::date(file.referral.created_at.date()),
        qr_svg: qr_svg(&link).map_err(|error| visit.fail(error))?,
        link,
        centre,
        province,
        file,
    };
    visit.render(&page)
}

impl ReferralPage {
    fn status_label(&self) -> &str {
        self.page.tr.of("value", self.file.referral.status.as_str())
    }

    fn is_hired(&self) -> bool {
        self.file.referral.status == ReferralStatus::Hired
    }
}
