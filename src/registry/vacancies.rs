//! Vacancies employers post, at home or abroad.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::workers::EDUCATION_LEVELS;
use super::{
    Checks, Page, PageRequest, nullable, occupation_exists, optional_commune, permitted, unit_code,
    units_for_codes,
};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::access::{Action, Resource, Scope};
use crate::domain::text::fold;
use crate::domain::values;
use crate::effects;
use crate::error::AppError;
use crate::models;
use crate::models::vacancies::{self as rows, NewVacancy, Vacancy, VacancyFilter};

pub const STATUSES: &[&str] = &["draft", "open", "closed", "filled"];

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VacancyInput {
    /// Set by staff; an employer's vacancies are always its own.
    pub employer_id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[schema(example = "8153")]
    pub occupation_code: Option<String>,
    pub positions: Option<i32>,
    /// Commune of the place of work, for work in the province.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub commune_code: Option<Option<String>>,
    /// Place of work outside the province (an industrial zone, a city).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub work_place: Option<Option<String>>,
    pub is_overseas: Option<bool>,
    /// ISO 3166-1 alpha-2, for overseas vacancies only.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "KR")]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub wage_min_vnd: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub wage_max_vnd: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub min_age: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub max_age: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub education_required: Option<Option<String>>,
    pub skills_required: Option<String>,
    pub certificates_required: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub deadline: Option<Option<String>>,
    pub status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyView {
    pub id: String,
    pub employer_id: String,
    pub title: String,
    pub description: String,
    pub occupation_code: String,
    pub positions: i32,
    pub commune_code: Option<String>,
    pub work_place: Option<String>,
    pub is_overseas: bool,
    pub country: Option<String>,
    pub wage_min_vnd: Option<i64>,
    pub wage_max_vnd: Option<i64>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub education_required: Option<String>,
    pub skills_required: String,
    pub certificates_required: String,
    pub deadline: Option<NaiveDate>,
    pub status: String,
    pub posted_on: NaiveDate,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn view(vacancy: Vacancy) -> VacancyView {
    VacancyView {
        commune_code: vacancy
            .commune_id
            .as_deref()
            .map(|id| unit_code(id).to_owned()),
        id: vacancy.id,
        employer_id: vacancy.employer_id,
        title: vacancy.title,
        description: vacancy.description,
        occupation_code: vacancy.occupation_code,
        positions: vacancy.positions,
        work_place: vacancy.work_place,
        is_overseas: vacancy.is_overseas,
        country: vacancy.country,
        wage_min_vnd: vacancy.wage_min_vnd,
        wage_max_vnd: vacancy.wage_max_vnd,
        min_age: vacancy.min_age,
        max_age: vacancy.max_age,
        education_required: vacancy.education_required,
        skills_required: vacancy.skills_required,
        certificates_required: vacancy.certificates_required,
        deadline: vacancy.deadline,
        status: vacancy.status,
        posted_on: vacancy.posted_on,
        created_at: vacancy.created_at.and_utc(),
        updated_at: vacancy.updated_at.and_utc(),
        archived_at: vacancy.archived_at.map(|at| at.and_utc()),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VacancyQuery {
    /// `open` (draft and open) or `closed` (closed and filled), or one status.
    pub status: Option<String>,
    pub occupation: Option<String>,
    pub employer_id: Option<String>,
    pub commune: Option<String>,
    pub district: Option<String>,
    pub overseas: Option<bool>,
    pub q: Option<String>,
    pub archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn in_scope(principal: &Principal, scope: Scope, vacancy: &Vacancy) -> bool {
    match scope {
        Scope::All | Scope::Area => true,
        Scope::Own => principal.employer_id.as_deref() == Some(vacancy.employer_id.as_str()),
        _ => false,
    }
}

pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: VacancyQuery,
) -> Result<Page<VacancyView>, AppError> {
    let scope = permitted(principal, Resource::Vacancies, Action::List)?;
    let mut checks = Checks::default();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref());
    let statuses = match query.status.as_deref() {
        None => None,
        Some("open") => Some(vec!["draft".to_owned(), "open".to_owned()]),
        Some("closed") => Some(vec!["closed".to_owned(), "filled".to_owned()]),
        Some(other) => checks
            .choice("status", other, STATUSES)
            .map(|status| vec![status]),
    };
    let units = units_for_codes(
        connection,
        query.commune.as_deref(),
        query.district.as_deref(),
        &mut checks,
    )?;
    checks.finish()?;
    let page = page?;
    let employer_id = if scope == Scope::Own {
        principal.employer_id.clone()
    } else {
        query.employer_id
    };
    let filter = VacancyFilter {
        employer_id,
        statuses,
        occupation: query.occupation,
        units,
        overseas: query.overseas,
        name_prefix: query
            .q
            .as_deref()
            .map(fold)
            .filter(|prefix| !prefix.is_empty()),
        include_archived: query.archived.unwrap_or(false),
    };
    let (rows, total) = rows::list(connection, &filter, page.after.as_deref(), page.limit)?;
    let next_cursor = page.next_cursor(rows.last().map(|vacancy| vacancy.id.as_str()), rows.len());
    Ok(Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
        total,
    })
}

/// The newest open vacancies the caller may see, newest first: the dashboard's list.
pub fn newest_open(
    connection: &mut DbConn,
    principal: &Principal,
    limit: i64,
) -> Result<Vec<VacancyView>, AppError> {
    let scope = permitted(principal, Resource::Vacancies, Action::List)?;
    let employer_id =
        (scope == Scope::Own).then(|| principal.employer_id.clone().unwrap_or_default());
    Ok(
        rows::newest_open(connection, employer_id.as_deref(), limit)?
            .into_iter()
            .map(view)
            .collect(),
    )
}

pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<VacancyView, AppError> {
    let scope = permitted(principal, Resource::Vacancies, Action::Read)?;
    let vacancy = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    if !in_scope(principal, scope, &vacancy) {
        return Err(AppError::NotFound);
    }
    Ok(view(vacancy))
}

fn nullable_text(
    checks: &mut Checks,
    field: &str,
    sent: &Option<Option<String>>,
    stored: Option<String>,
    max: usize,
) -> Option<String> {
    match sent {
        Some(Some(raw)) => checks.text(field, raw, max, false),
        Some(None) => None,
        None => stored,
    }
}

/// The employer a vacancy belongs to: an employer's own, never another; for staff, one that exists.
fn employer_of(
    connection: &mut DbConn,
    principal: &Principal,
    input: &VacancyInput,
    base: Option<&Vacancy>,
    checks: &mut Checks,
) -> QueryResult<Option<String>> {
    Ok(match (&principal.employer_id, &input.employer_id) {
        (Some(own), Some(sent)) if own != sent => {
            checks.fail("employer_id", "read_only");
            None
        }
        (Some(own), _) => Some(own.clone()),
        (None, Some(sent)) => {
            if models::employers::find(connection, sent)?.is_none() {
                checks.fail("employer_id", "unknown_employer");
            }
            Some(sent.clone())
        }
        (None, None) => checks.required(
            "employer_id",
            base.map(|vacancy| vacancy.employer_id.clone()),
        ),
    })
}

fn known_occupation(
    connection: &mut DbConn,
    code: &str,
    checks: &mut Checks,
) -> QueryResult<Option<String>> {
    if occupation_exists(connection, code)? {
        return Ok(Some(code.to_owned()));
    }
    checks.fail("occupation_code", "unknown_occupation");
    Ok(None)
}

/// A text that may be empty: the one sent, else the stored one, else empty.
fn optional_text(
    checks: &mut Checks,
    field: &str,
    sent: &Option<String>,
    stored: Option<String>,
    max: usize,
) -> Option<String> {
    match sent {
        Some(raw) => checks.text(field, raw, max, true),
        None => Some(stored.unwrap_or_default()),
    }
}

/// Work abroad names its country and only it does; work at home names a commune or a place.
/// A field that already failed is not blamed twice.
fn place_rules(checks: &mut Checks, is_overseas: bool, has_country: bool, has_place: bool) {
    let failed =
        |checks: &Checks, field: &str| checks.errors.iter().any(|error| error.field == field);
    if is_overseas && !has_country && !failed(checks, "country") {
        checks.fail("country", "country_required");
    }
    if !is_overseas && has_country {
        checks.fail("country", "country_forbidden");
    }
    if !is_overseas && !has_place && !failed(checks, "commune_code") {
        checks.fail("commune_code", "place_required");
    }
}

/// The wage range: amounts of đồng, the lower not above the higher.
fn wages(
    checks: &mut Checks,
    input: &VacancyInput,
    base: Option<&Vacancy>,
) -> (Option<i64>, Option<i64>) {
    let mut money = |field: &str, sent: Option<Option<i64>>, stored: Option<i64>| match sent {
        Some(Some(value)) => checks.amount(field, value),
        Some(None) => None,
        None => stored,
    };
    let low = money(
        "wage_min_vnd",
        input.wage_min_vnd,
        base.and_then(|v| v.wage_min_vnd),
    );
    let high = money(
        "wage_max_vnd",
        input.wage_max_vnd,
        base.and_then(|v| v.wage_max_vnd),
    );
    if let (Some(low), Some(high)) = (low, high)
        && low > high
    {
        checks.fail("wage_min_vnd", "wage_range");
    }
    (low, high)
}

/// The age range: 15 to 65, the lower not above the higher.
fn ages(
    checks: &mut Checks,
    input: &VacancyInput,
    base: Option<&Vacancy>,
) -> (Option<i32>, Option<i32>) {
    let mut age = |field: &str, sent: Option<Option<i32>>, stored: Option<i32>| match sent {
        Some(Some(value)) if !(15..=65).contains(&value) => {
            checks.fail(field, "age_range");
            None
        }
        Some(value) => value,
        None => stored,
    };
    let low = age("min_age", input.min_age, base.and_then(|v| v.min_age));
    let high = age("max_age", input.max_age, base.and_then(|v| v.max_age));
    if let (Some(low), Some(high)) = (low, high)
        && low > high
    {
        checks.fail("min_age", "age_order");
    }
    (low, high)
}

fn validate(
    connection: &mut DbConn,
    principal: &Principal,
    input: VacancyInput,
    base: Option<&Vacancy>,
) -> Result<NewVacancy, AppError> {
    let mut checks = Checks::default();
    let today = accounts::now().date();
    let employer_id = employer_of(connection, principal, &input, base, &mut checks)?;
    let title = match &input.title {
        Some(raw) => checks.text("title", raw, 300, false),
        None => checks.required("title", base.map(|vacancy| vacancy.title.clone())),
    };
    let description = optional_text(
        &mut checks,
        "description",
        &input.description,
        base.map(|vacancy| vacancy.description.clone()),
        10_000,
    );
    let occupation_code = match &input.occupation_code {
        Some(code) => known_occupation(connection, code, &mut checks)?,
        None => checks.required(
            "occupation_code",
            base.map(|vacancy| vacancy.occupation_code.clone()),
        ),
    };
    let positions = positions(&mut checks, &input, base);
    let stored = base.and_then(|vacancy| vacancy.commune_id.clone());
    let commune_id = optional_commune(connection, &input.commune_code, stored, today, &mut checks)?;
    let work_place = nullable_text(
        &mut checks,
        "work_place",
        &input.work_place,
        base.and_then(|v| v.work_place.clone()),
        300,
    );
    let is_overseas = input
        .is_overseas
        .or(base.map(|vacancy| vacancy.is_overseas))
        .unwrap_or(false);
    let country = checks.nullable("country", input.country.as_ref(), values::country, || {
        base.and_then(|vacancy| vacancy.country.clone())
    });
    place_rules(
        &mut checks,
        is_overseas,
        country.is_some(),
        commune_id.is_some() || work_place.is_some(),
    );
    let (wage_min, wage_max) = wages(&mut checks, &input, base);
    let (min_age, max_age) = ages(&mut checks, &input, base);
    let education_required = match &input.education_required {
        Some(Some(raw)) => checks.choice("education_required", raw, EDUCATION_LEVELS),
        Some(None) => None,
        None => base.and_then(|vacancy| vacancy.education_required.clone()),
    };
    let skills_required = optional_text(
        &mut checks,
        "skills_required",
        &input.skills_required,
        base.map(|vacancy| vacancy.skills_required.clone()),
        2000,
    );
    let certificates_required = optional_text(
        &mut checks,
        "certificates_required",
        &input.certificates_required,
        base.map(|vacancy| vacancy.certificates_required.clone()),
        2000,
    );
    let deadline = checks.nullable("deadline", input.deadline.as_ref(), values::date, || {
        base.and_then(|vacancy| vacancy.deadline)
    });
    let status = match &input.status {
        Some(raw) => checks.choice("status", raw, STATUSES),
        None => Some(base.map_or_else(|| "open".to_owned(), |vacancy| vacancy.status.clone())),
    };
    checks.finish()?;
    let (Some(employer_id), Some(title), Some(occupation_code), Some(positions), Some(status)) =
        (employer_id, title, occupation_code, positions, status)
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "vacancy validation passed without required values"
        )));
    };
    let now = accounts::now();
    Ok(NewVacancy {
        id: base.map_or_else(new_id, |vacancy| vacancy.id.clone()),
        search_name: fold(&title),
        employer_id,
        title,
        description: description.unwrap_or_default(),
        occupation_code,
        positions,
        commune_id,
        work_place,
        is_overseas,
        country,
        wage_min_vnd: wage_min,
        wage_max_vnd: wage_max,
        min_age,
        max_age,
        education_required,
        skills_required: skills_required.unwrap_or_default(),
        certificates_required: certificates_required.unwrap_or_default(),
        deadline,
        status,
        posted_on: base.map_or(today, |vacancy| vacancy.posted_on),
        created_at: base.map_or(now, |vacancy| vacancy.created_at),
        updated_at: now,
    })
}

/// At least one position.
fn positions(checks: &mut Checks, input: &VacancyInput, base: Option<&Vacancy>) -> Option<i32> {
    match input.positions {
        Some(count) if count < 1 => {
            checks.fail("positions", "at_least_one");
            None
        }
        Some(count) => Some(count),
        None => checks.required("positions", base.map(|vacancy| vacancy.positions)),
    }
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: VacancyInput,
) -> Result<VacancyView, AppError> {
    permitted(principal, Resource::Vacancies, Action::Create)?;
    let vacancy = validate(connection, principal, input, None)?;
    rows::insert(connection, &vacancy)?;
    effects::vacancy(connection, &vacancy.id, false, vacancy.updated_at)?;
    let stored = rows::find(connection, &vacancy.id)?.ok_or(AppError::NotFound)?;
    Ok(view(stored))
}

pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: VacancyInput,
) -> Result<VacancyView, AppError> {
    let scope = permitted(principal, Resource::Vacancies, Action::Update)?;
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored) {
            return Err(AppError::NotFound);
        }
        let vacancy = validate(connection, principal, input, Some(&stored))?;
        rows::update(connection, &vacancy)?;
        effects::vacancy(
            connection,
            id,
            stored.archived_at.is_some(),
            vacancy.updated_at,
        )?;
        Ok(view(rows::find(connection, id)?.ok_or(AppError::NotFound)?))
    })
}

pub fn archive(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<VacancyView, AppError> {
    let scope = permitted(principal, Resource::Vacancies, Action::Archive)?;
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored) {
            return Err(AppError::NotFound);
        }
        let now = accounts::now();
        rows::archive(connection, id, now)?;
        effects::vacancy(connection, id, true, now)?;
        Ok(view(rows::find(connection, id)?.ok_or(AppError::NotFound)?))
    })
}
