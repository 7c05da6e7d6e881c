//! The employer portal: sign-up (pending staff verification), the employer's vacancies, the
//! candidates staff referred to it (only what the employer role may see), and the answer to
//! each referral.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::employer_fairs::{EmployerFair, fairs_for};
use super::forms::{FormState, Posted, Shape, parse_into, parse_with_occupations};
use super::staff::{Pickers, pickers};
use super::{Chrome, PageError, Visit, format};
use crate::accounts::{Principal, Role};
use crate::error::AppError;
use crate::hiring::{pipeline, referrals};
use crate::i18n::field_message;
use crate::registry::occupations::Occupations;
use crate::registry::{employers, vacancies, workers};
use crate::state::AppState;

pub(super) const EMPLOYER: &[Role] = &[Role::Employer];

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/employer", web::get().to(portal))
        .route("/employer/signup", web::get().to(signup_form))
        .route("/employer/signup", web::post().to(signup))
        .route("/employer/signup/received", web::get().to(signup_received))
        .route("/employer/vacancies/new", web::get().to(vacancy_new))
        .route("/employer/vacancies/new", web::post().to(vacancy_create))
        .route("/employer/vacancies/{id}/edit", web::get().to(vacancy_edit))
        .route(
            "/employer/vacancies/{id}/edit",
            web::post().to(vacancy_update),
        )
        .route(
            "/employer/vacancies/{id}/close",
            web::post().to(vacancy_close),
        )
        .route("/employer/referrals/{id}", web::post().to(answer))
        .route(
            "/employer/job-fairs/{id}/vacancies",
            web::post().to(super::employer_fairs::bring),
        );
}

/// A referred candidate as the employer may see them.
pub struct Candidate {
    pub referral_id: String,
    pub vacancy: String,
    pub status: String,
    pub name: String,
    pub facts: Vec<(String, String)>,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "pages/employer/portal.html")]
struct PortalPage {
    page: Chrome,
    employer: employers::EmployerView,
    vacancies: Vec<vacancies::VacancyView>,
    candidates: Vec<Candidate>,
    fairs: Vec<EmployerFair>,
    reasons: &'static [&'static str],
    error: Option<String>,
}

async fn portal(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    let principal = visit.require(EMPLOYER)?;
    render_portal(&state, &visit, principal, None).await
}

pub(super) async fn render_portal(
    state: &web::Data<AppState>,
    visit: &Visit,
    principal: Principal,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let tr = visit.tr();
    let employer_id = principal.employer_id.clone().unwrap_or_default();
    let (employer, vacancy_list, candidates, fairs) = visit
        .blocking(state, move |connection| {
            let employer = employers::read(connection, &principal, &employer_id)?;
            let vacancy_list = vacancies::list(
                connection,
                &principal,
                vacancies::VacancyQuery {
                    status: None,
                    occupation: None,
                    employer_id: None,
                    commune: None,
                    district: None,
                    overseas: None,
                    q: None,
                    archived: None,
                    limit: Some(100),
                    cursor: None,
                },
            )?
            .items;
            let titles: std::collections::HashMap<String, String> = vacancy_list
                .iter()
                .map(|vacancy| (vacancy.id.clone(), vacancy.title.clone()))
                .collect();
            let referred = pipeline::list(
                connection,
                &principal,
                pipeline::ReferralQuery {
                    status: None,
                    stale: None,
                    vacancy_id: None,
                    limit: Some(100),
                },
            )?;
            let mut candidates = Vec::with_capacity(referred.len());
            for referral in referred {
                // The worker as the employer role sees them: no CCCD, no household data.
                let person = workers::read(connection, &principal, &referral.worker_id)?;
                let mut facts = Vec::new();
                for key in [
                    "birth_date",
                    "gender",
                    "commune_code",
                    "phone",
                    "skills",
                    "education_level",
                ] {
                    if let Some(value) = person.get(key).and_then(|value| value.as_str()) {
                        let shown = if key == "birth_date" {
                            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                                .map(format::date)
                                .unwrap_or_else(|_| value.to_owned())
                        } else {
                            tr.t_or(&format!("value.{value}"), value).to_owned()
                        };
                        facts.push((tr.t(&format!("field.{key}")).to_owned(), shown));
                    }
                }
                candidates.push(Candidate {
                    open: matches!(referral.status.as_str(), "referred" | "interview"),
                    vacancy: titles
                        .get(&referral.vacancy_id)
                        .cloned()
                        .unwrap_or_default(),
                    status: referral.status.to_string(),
                    referral_id: referral.id.to_string(),
                    name: person["full_name"].as_str().unwrap_or_default().to_owned(),
                    facts,
                });
            }
            let fairs = fairs_for(connection, &principal, &vacancy_list)?;
            Ok((employer, vacancy_list, candidates, fairs))
        })
        .await?;
    let page = PortalPage {
        page: visit.chrome(employer.name.clone()),
        employer,
        vacancies: vacancy_list,
        candidates,
        fairs,
        reasons: referrals::REJECTION_REASONS,
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    visit.render_with(status, &page)
}

/// Interview, hired or rejected (with a reason), as the employer answers a referral.
async fn answer(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(EMPLOYER)?;
    let lang = visit.lang;
    let id = id.into_inner();
    let change = referrals::ReferralChange {
        status: form.get("status").unwrap_or_default(),
        rejection_reason: form.get("rejection_reason"),
        reason: None,
        note: form.get("note"),
        start_date: form.get("start_date"),
        wage_vnd: None,
        interview_at: form.get("interview_at"),
    };
    let acting = principal.clone();
    let outcome = visit
        .blocking(&state, move |connection| {
            match connection
                .write_transaction(|connection| referrals::change(connection, &acting, &id, change))
            {
                Ok(_) => Ok(None),
                Err(error @ (AppError::Validation(_) | AppError::Conflict(_))) => {
                    Ok(Some(error.describe(lang)))
                }
                Err(other) => Err(other),
            }
        })
        .await?;
    match outcome {
        None => Ok(visit.redirect("/employer")),
        Some(message) => render_portal(&state, &visit, principal, Some(message)).await,
    }
}

// ---- sign-up ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pages/employer/signup.html")]
struct SignupPage {
    page: Chrome,
    form: FormState,
    pickers: Pickers,
    kinds: &'static [&'static str],
}

/// An employer's fields, as signing up (and staff's employer form) sends them.
pub(crate) const SIGNUP_SHAPE: Shape<'static> = Shape {
    text: &[
        "name",
        "tax_code",
        "kind",
        "sector",
        "address",
        "contact_name",
    ],
    nullable: &["commune_code", "contact_email", "contact_phone"],
    integers: &[],
    flags: &[],
    lists: &[],
};

async fn signup_form(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let pickers = visit
        .blocking(&state, move |connection| pickers(connection, lang))
        .await?;
    let page = SignupPage {
        page: visit.chrome(visit.tr().t("signup.title")),
        form: FormState::default(),
        pickers,
        kinds: employers::KINDS,
    };
    visit.render(&page)
}

async fn signup(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let parsed = parse_into::<employers::EmployerInput>(&form, &SIGNUP_SHAPE, false, lang);
    let password = form.get("password").unwrap_or_default();
    let email = form.get("contact_email").unwrap_or_default();
    let values = form.values();
    let outcome = visit
        .blocking(&state, move |connection| {
            let pickers = pickers(connection, lang)?;
            let input = match parsed {
                Ok(input) => input,
                Err(form_state) => return Ok(Err((form_state, pickers))),
            };
            let created = employers::sign_up(connection, input, &email, &password);
            match created {
                Ok(()) | Err(AppError::Conflict(employers::EMAIL_TAKEN)) => Ok(Ok(())),
                Err(error) => {
                    let mut form_state = FormState::with_values(values);
                    form_state.absorb(
                        error,
                        lang,
                        &[
                            "name",
                            "tax_code",
                            "kind",
                            "sector",
                            "address",
                            "contact_name",
                            "commune_code",
                            "contact_email",
                            "contact_phone",
                            "password",
                        ],
                    )?;
                    Ok(Err((form_state, pickers)))
                }
            }
        })
        .await?;
    match outcome {
        // The same answer whether a login was made or the e-mail had one already; the new
        // login signs in as any other.
        Ok(()) => Ok(visit.redirect("/employer/signup/received")),
        Err((mut form_state, pickers)) => {
            form_state.values.remove("password");
            let page = SignupPage {
                page: visit.chrome(visit.tr().t("signup.title")),
                form: form_state,
                pickers,
                kinds: employers::KINDS,
            };
            visit.render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// What a sign-up that passed its checks is answered with, whatever became of it.

#[derive(Template)]
#[template(path = "pages/employer/signup_received.html")]
struct SignupReceivedPage {
    page: Chrome,
}

async fn signup_received(visit: Visit) -> Result<HttpResponse, PageError> {
    let page = SignupReceivedPage {
        page: visit.chrome(visit.tr().t("signup.title")),
    };
    visit.render(&page)
}

// ---- vacancies -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pages/employer/vacancy_form.html")]
struct VacancyFormPage {
    page: Chrome,
    action: String,
    form: FormState,
    pickers: Pickers,
}

/// A vacancy's fields, as the employer's (and staff's) vacancy form sends them.
pub(crate) const VACANCY_SHAPE: Shape<'static> = Shape {
    text: &[
        "title",
        "description",
        "occupation_code",
        "skills_required",
        "status",
    ],
    nullable: &["commune_code", "work_place", "country", "deadline"],
    integers: &[
        "positions",
        "wage_min_vnd",
        "wage_max_vnd",
        "min_age",
        "max_age",
    ],
    flags: &["is_overseas"],
    lists: &[],
};

const VACANCY_FIELDS: &[&str] = &[
    "title",
    "description",
    "occupation_code",
    "skills_required",
    "status",
    "commune_code",
    "work_place",
    "country",
    "deadline",
    "positions",
    "wage_min_vnd",
    "wage_max_vnd",
    "min_age",
    "max_age",
    "is_overseas",
];

fn vacancy_page(
    visit: &Visit,
    id: Option<&str>,
    form: FormState,
    pickers: Pickers,
) -> VacancyFormPage {
    VacancyFormPage {
        page: visit.chrome(visit.tr().t(if id.is_some() {
            "vacancy.edit"
        } else {
            "vacancy.new"
        })),
        action: match id {
            Some(id) => format!("/employer/vacancies/{id}/edit"),
            None => "/employer/vacancies/new".to_owned(),
        },
        form,
        pickers,
    }
}

async fn vacancy_new(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, PageError> {
    visit.require(EMPLOYER)?;
    let lang = visit.lang;
    let pickers = visit
        .blocking(&state, move |connection| pickers(connection, lang))
        .await?;
    let mut form = FormState::default();
    form.values.insert("positions".to_owned(), "1".to_owned());
    form.values.insert("status".to_owned(), "open".to_owned());
    visit.render(&vacancy_page(&visit, None, form, pickers))
}

async fn vacancy_edit(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(EMPLOYER)?;
    let id = id.into_inner();
    let read_id = id.clone();
    let lang = visit.lang;
    let (vacancy, pickers) = visit
        .blocking(&state, move |connection| {
            Ok((
                vacancies::read(connection, &principal, &read_id)?,
                pickers(connection, lang)?,
            ))
        })
        .await?;
    let record = serde_json::to_value(&vacancy)
        .map_err(|error| visit.fail(AppError::Unexpected(error.into())))?;
    let form = FormState::from_record(&record, VACANCY_FIELDS);
    visit.render(&vacancy_page(&visit, Some(&id), form, pickers))
}

async fn vacancy_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(EMPLOYER)?;
    save_vacancy(state, visit, principal, form, None).await
}

async fn vacancy_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(EMPLOYER)?;
    save_vacancy(state, visit, principal, form, Some(id.into_inner())).await
}

async fn save_vacancy(
    state: web::Data<AppState>,
    visit: Visit,
    principal: Principal,
    form: Posted,
    id: Option<String>,
) -> Result<HttpResponse, PageError> {
    let lang = visit.lang;
    let editing = id.clone();
    let mut form = form;
    let outcome = visit
        .blocking(&state, move |connection| {
            let pickers = pickers(connection, lang)?;
            let parsed = parse_with_occupations::<vacancies::VacancyInput>(
                &mut form,
                &Occupations::load(connection)?,
                &["occupation_code"],
                &VACANCY_SHAPE,
                editing.is_some(),
                lang,
            );
            let values = form.values();
            let input = match parsed {
                Ok(input) => input,
                Err(form_state) => return Ok(Err((form_state, pickers))),
            };
            let employer_id = principal.employer_id.clone().unwrap_or_default();
            let verified = employers::read(connection, &principal, &employer_id)?.verified;
            if !verified {
                let mut form_state = FormState::with_values(values);
                form_state.general = Some(field_message("employer_unverified", lang, &[]));
                return Ok(Err((form_state, pickers)));
            }
            let saved = connection.write_transaction(|connection| match &editing {
                Some(id) => vacancies::update(connection, &principal, id, input).map(|_| ()),
                None => vacancies::create(connection, &principal, input).map(|_| ()),
            });
            match saved {
                Ok(()) => Ok(Ok(())),
                Err(error) => {
                    let mut form_state = FormState::with_values(values);
                    form_state.absorb(error, lang, VACANCY_FIELDS)?;
                    Ok(Err((form_state, pickers)))
                }
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(visit.redirect("/employer")),
        Err((form_state, pickers)) => visit.render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &vacancy_page(&visit, id.as_deref(), form_state, pickers),
        ),
    }
}

async fn vacancy_close(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    _form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(EMPLOYER)?;
    let id = id.into_inner();
    visit
        .blocking(&state, move |connection| {
            connection.write_transaction(|connection| {
                vacancies::update(
                    connection,
                    &principal,
                    &id,
                    vacancies::VacancyInput {
                        status: Some("closed".to_owned()),
                        ..Default::default()
                    },
                )
            })
        })
        .await?;
    Ok(visit.redirect("/employer"))
}
