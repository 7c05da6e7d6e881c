//! Staff create and edit vacancies (for any employer, named by its tax code), employers and
//! courses, through the same registry functions as the API; each error shows beside its field
//! and nothing is written.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::Principal;
use crate::error::AppError;
use crate::registry::occupations::Occupations;
use crate::registry::{courses, employers, vacancies};
use crate::routes::html::employer::{SIGNUP_SHAPE, VACANCY_SHAPE};
use crate::routes::html::forms::{FormState, Posted, Shape, parse_into, parse_with_occupations};
use crate::routes::html::{Chrome, PageError, Visit};
use crate::state::AppState;

use super::*;

/// Which record a form writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vacancy,
    Employer,
    Course,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Vacancy => "/vacancies",
            Kind::Employer => "/employers",
            Kind::Course => "/courses",
        }
    }

    /// The page's title key, new or edited.
    fn title(self, editing: bool) -> &'static str {
        match (self, editing) {
            (Kind::Vacancy, false) => "vacancy.new",
            (Kind::Vacancy, true) => "vacancy.edit",
            (Kind::Employer, false) => "employers.new",
            (Kind::Employer, true) => "employers.edit",
            (Kind::Course, false) => "courses.new",
            (Kind::Course, true) => "courses.edit",
        }
    }

    fn shape(self) -> &'static Shape<'static> {
        match self {
            Kind::Vacancy => &VACANCY_SHAPE,
            Kind::Employer => &SIGNUP_SHAPE,
            Kind::Course => &COURSE_SHAPE,
        }
    }

    /// Every field the form shows, for errors beside them.
    fn fields(self) -> Vec<&'static str> {
        let shape = self.shape();
        let mut fields: Vec<&'static str> = shape
            .text
            .iter()
            .chain(shape.nullable)
            .chain(shape.integers)
            .chain(shape.flags)
            .chain(shape.lists)
            .copied()
            .collect();
        if self == Kind::Vacancy {
            fields.push("employer_tax_code");
        }
        fields
    }
}

const COURSE_SHAPE: Shape<'static> = Shape {
    text: &[
        "provider",
        "title",
        "description",
        "level",
        "starts_on",
        "ends_on",
        "status",
    ],
    nullable: &["commune_code"],
    integers: &["capacity", "fee_vnd", "support_vnd"],
    flags: &[],
    lists: &["leads_to"],
};

#[derive(Template)]
#[template(path = "pages/staff/record_form.html")]
struct RecordFormPage {
    page: Chrome,
    kind: &'static str,
    action: String,
    form: FormState,
    communes: Vec<(String, String)>,
    occupations: Vec<(String, String)>,
    employer_kinds: &'static [&'static str],
    levels: &'static [&'static str],
    course_statuses: &'static [&'static str],
    vacancy_statuses: &'static [&'static str],
}

async fn render(
    state: &web::Data<AppState>,
    visit: &Visit,
    kind: Kind,
    id: Option<&str>,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, PageError> {
    let english = visit.lang == crate::i18n::Lang::En;
    let (communes, occupations) = visit
        .blocking(state, move |connection| {
            Ok((
                models::admin_units::current_communes(connection)?,
                models::occupations::all(connection, english)?,
            ))
        })
        .await?;
    let tr = visit.tr();
    let page = RecordFormPage {
        page: visit.chrome(tr.t(kind.title(id.is_some()))),
        kind: match kind {
            Kind::Vacancy => "vacancy",
            Kind::Employer => "employer",
            Kind::Course => "course",
        },
        action: match id {
            Some(id) => format!("{}/{id}/edit", kind.path()),
            None => format!("{}/new", kind.path()),
        },
        form,
        communes,
        occupations,
        employer_kinds: employers::KINDS,
        levels: courses::LEVELS,
        course_statuses: courses::STATUSES,
        vacancy_statuses: vacancies::STATUSES,
    };
    visit.render_with(status, &page)
}

/// `?employer=TAX_CODE`: a new vacancy of that employer (from the employers list).
#[derive(serde::Deserialize)]
pub struct NewQuery {
    employer: Option<String>,
}

async fn blank(
    state: web::Data<AppState>,
    visit: Visit,
    kind: Kind,
    employer: Option<String>,
) -> Result<HttpResponse, PageError> {
    visit.require(STAFF)?;
    let mut form = FormState::default();
    match kind {
        Kind::Vacancy => {
            form.values.insert("positions".to_owned(), "1".to_owned());
            form.values.insert("status".to_owned(), "open".to_owned());
            if let Some(tax_code) = employer {
                form.values.insert("employer_tax_code".to_owned(), tax_code);
            }
        }
        Kind::Course => {
            form.values.insert("status".to_owned(), "open".to_owned());
        }
        Kind::Employer => {}
    }
    render(&state, &visit, kind, None, StatusCode::OK, form).await
}

pub(super) async fn vacancy_new(
    state: web::Data<AppState>,
    visit: Visit,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    blank(state, visit, Kind::Vacancy, query.into_inner().employer).await
}

pub(super) async fn employer_new(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    blank(state, visit, Kind::Employer, None).await
}

pub(super) async fn course_new(
    state: web::Data<AppState>,
    visit: Visit,
) -> Result<HttpResponse, PageError> {
    blank(state, visit, Kind::Course, None).await
}

/// The record as its form shows it.
fn read(
    connection: &mut crate::db::DbConn,
    principal: &Principal,
    kind: Kind,
    id: &str,
) -> Result<FormState, AppError> {
    let to_json = |value: Result<serde_json::Value, serde_json::Error>| {
        value.map_err(|error| AppError::Unexpected(error.into()))
    };
    let fields = kind.fields();
    let mut form = match kind {
        Kind::Vacancy => {
            let vacancy = vacancies::read(connection, principal, id)?;
            let tax_code = employers::read(connection, principal, &vacancy.employer_id)?.tax_code;
            let mut form =
                FormState::from_record(&to_json(serde_json::to_value(&vacancy))?, &fields);
            form.values.insert("employer_tax_code".to_owned(), tax_code);
            form
        }
        Kind::Employer => {
            let employer = employers::read(connection, principal, id)?;
            FormState::from_record(&to_json(serde_json::to_value(&employer))?, &fields)
        }
        Kind::Course => {
            let course = courses::read(connection, Some(principal), id)?;
            FormState::from_record(&to_json(serde_json::to_value(&course))?, &fields)
        }
    };
    form.values.retain(|_, value| !value.is_empty());
    Ok(form)
}

async fn edit(
    state: web::Data<AppState>,
    visit: Visit,
    kind: Kind,
    id: String,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let target = id.clone();
    let form = visit
        .blocking(&state, move |connection| {
            read(connection, &principal, kind, &target)
        })
        .await?;
    render(&state, &visit, kind, Some(&id), StatusCode::OK, form).await
}

pub(super) async fn vacancy_edit(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    edit(state, visit, Kind::Vacancy, id.into_inner()).await
}

pub(super) async fn employer_edit(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    edit(state, visit, Kind::Employer, id.into_inner()).await
}

pub(super) async fn course_edit(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    edit(state, visit, Kind::Course, id.into_inner()).await
}

/// Writes the record; `Ok(where to go)` or the error to show.
fn save(
    connection: &mut crate::db::DbConn,
    principal: &Principal,
    kind: Kind,
    id: Option<&str>,
    form: &Posted,
    lang: crate::i18n::Lang,
) -> Result<Result<String, FormState>, AppError> {
    let editing = id.is_some();
    let shape = kind.shape();
    let mut form = form.clone();
    let occupations = Occupations::load(connection)?;
    let refused = |form: &Posted, error: AppError| -> Result<Result<String, FormState>, AppError> {
        let mut state = FormState::with_values(form.values());
        state.absorb(error, lang, &kind.fields())?;
        Ok(Err(state))
    };
    let written = match kind {
        Kind::Vacancy => {
            let picked = ["occupation_code"];
            let mut input: vacancies::VacancyInput = match parse_with_occupations(
                &mut form,
                &occupations,
                &picked,
                shape,
                editing,
                lang,
            ) {
                Ok(input) => input,
                Err(state) => return Ok(Err(state)),
            };
            let tax_code = form.get("employer_tax_code").unwrap_or_default();
            match models::employers::find_id_by_tax_code(connection, &tax_code)? {
                Some(employer) => input.employer_id = Some(employer),
                None => {
                    return refused(
                        &form,
                        AppError::field("employer_tax_code", "unknown_employer"),
                    );
                }
            }
            connection.write_transaction(|connection| match id {
                Some(id) => vacancies::update(connection, principal, id, input).map(|view| view.id),
                None => vacancies::create(connection, principal, input).map(|view| view.id),
            })
        }
        Kind::Employer => {
            let input: employers::EmployerInput = match parse_into(&form, shape, editing, lang) {
                Ok(input) => input,
                Err(state) => return Ok(Err(state)),
            };
            connection.write_transaction(|connection| match id {
                Some(id) => employers::update(connection, principal, id, input).map(|view| view.id),
                None => employers::create(connection, principal, input).map(|view| view.id),
            })
        }
        Kind::Course => {
            let picked = ["leads_to"];
            let input: courses::CourseInput = match parse_with_occupations(
                &mut form,
                &occupations,
                &picked,
                shape,
                editing,
                lang,
            ) {
                Ok(input) => input,
                Err(state) => return Ok(Err(state)),
            };
            connection.write_transaction(|connection| match id {
                Some(id) => courses::update(connection, principal, id, input).map(|view| view.id),
                None => courses::create(connection, principal, input).map(|view| view.id),
            })
        }
    };
    match written {
        Ok(saved) => Ok(Ok(match kind {
            Kind::Employer => "/employers".to_owned(),
            _ => format!("{}/{saved}", kind.path()),
        })),
        Err(error) => refused(&form, error),
    }
}

async fn submit(
    state: web::Data<AppState>,
    visit: Visit,
    kind: Kind,
    id: Option<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    let principal = visit.require(STAFF)?;
    let lang = visit.lang;
    let target = id.clone();
    let outcome = visit
        .blocking(&state, move |connection| {
            save(connection, &principal, kind, target.as_deref(), &form, lang)
        })
        .await?;
    match outcome {
        Ok(location) => Ok(visit.redirect(&location)),
        Err(shown) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&state, &visit, kind, id.as_deref(), status, shown).await
        }
    }
}

pub(super) async fn vacancy_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    submit(state, visit, Kind::Vacancy, None, form).await
}

pub(super) async fn vacancy_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    submit(state, visit, Kind::Vacancy, Some(id.into_inner()), form).await
}

pub(super) async fn employer_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    submit(state, visit, Kind::Employer, None, form).await
}

pub(super) async fn employer_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    submit(state, visit, Kind::Employer, Some(id.into_inner()), form).await
}

pub(super) async fn course_create(
    state: web::Data<AppState>,
    visit: Visit,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    submit(state, visit, Kind::Course, None, form).await
}

pub(super) async fn course_update(
    state: web::Data<AppState>,
    visit: Visit,
    id: web::Path<String>,
    form: Posted,
) -> Result<HttpResponse, PageError> {
    submit(state, visit, Kind::Course, Some(id.into_inner()), form).await
}
