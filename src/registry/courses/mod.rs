//! Vocational courses (the public catalogue) and enrolments in them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Checks, Page, PageRequest, nullable, occupation_exists, optional_commune, unit_code,
    units_for_codes,
};
use crate::accounts::{self, Principal, Role};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::text::fold;
use crate::domain::values;
use crate::effects;
use crate::error::{AppError, FieldError};
use crate::models::courses::{self as rows, Course, CourseFilter, NewCourse};
use crate::models::enrollments::{self as enrollment_rows, Enrollment, NewEnrollment};
use crate::models::workers as worker_rows;

mod enrollments;
pub use enrollments::{
    EnrollmentChange, EnrollmentInput, EnrollmentView, change_enrollment, enrol,
};

pub const LEVELS: &[&str] = &["elementary", "under_3_months", "intermediate", "college"];
pub const STATUSES: &[&str] = &["planned", "open", "running", "finished", "cancelled"];
pub const ENROLLMENT_STATUSES: &[&str] = crate::domain::statuses::EnrollmentStatus::NAMES;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    pub provider: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// 4-digit occupation codes the course leads to.
    pub leads_to: Option<Vec<String>>,
    pub level: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub commune_code: Option<Option<String>>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub capacity: Option<i32>,
    pub fee_vnd: Option<i64>,
    pub support_vnd: Option<i64>,
    pub status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseView {
    pub id: String,
    pub provider: String,
    pub title: String,
    pub description: String,
    pub leads_to: Vec<String>,
    pub level: String,
    pub commune_code: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub fee_vnd: i64,
    pub support_vnd: i64,
    pub status: String,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn view(course: Course, leads_to: Vec<String>) -> CourseView {
    CourseView {
        commune_code: course
            .commune_id
            .as_deref()
            .map(|id| unit_code(id).to_owned()),
        id: course.id,
        provider: course.provider,
        title: course.title,
        description: course.description,
        leads_to,
        level: course.level,
        starts_on: course.starts_on,
        ends_on: course.ends_on,
        capacity: course.capacity,
        fee_vnd: course.fee_vnd,
        support_vnd: course.support_vnd,
        status: course.status,
        archived_at: course.archived_at.map(|at| at.and_utc()),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    /// `open` (planned, open, running) or `closed` (finished, cancelled), or one status.
    pub status: Option<String>,
    pub level: Option<String>,
    /// An occupation code the course leads to.
    pub occupation: Option<String>,
    pub commune: Option<String>,
    pub district: Option<String>,
    pub q: Option<String>,
    pub archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn role_of(principal: Option<&Principal>) -> Option<Role> {
    principal.map(|principal| principal.role)
}

pub fn list(
    connection: &mut DbConn,
    principal: Option<&Principal>,
    query: CourseQuery,
) -> Result<Page<CourseView>, AppError> {
    if allowed(role_of(principal), Resource::Courses, Action::List) == Scope::None {
        return Err(AppError::Forbidden);
    }
    let mut checks = Checks::default();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref());
    let statuses = match query.status.as_deref() {
        None => None,
        Some("open") => Some(["planned", "open", "running"].map(str::to_owned).to_vec()),
        Some("closed") => Some(["finished", "cancelled"].map(str::to_owned).to_vec()),
        Some(other) => checks
            .choice("status", other, STATUSES)
            .map(|status| vec![status]),
    };
    if let Some(level) = &query.level {
        checks.choice("level", level, LEVELS);
    }
    let units = units_for_codes(
        connection,
        query.commune.as_deref(),
        query.district.as_deref(),
        &mut checks,
    )?;
    checks.finish()?;
    let page = page?;
    let filter = CourseFilter {
        statuses,
        level: query.level,
        occupation: query.occupation,
        units,
        name_prefix: query
            .q
            .as_deref()
            .map(fold)
            .filter(|prefix| !prefix.is_empty()),
        include_archived: query.archived.unwrap_or(false),
    };
    let (rows, total) = rows::list(connection, &filter, page.after.as_deref(), page.limit)?;
    let next_cursor = page.next_cursor(rows.last().map(|course| course.id.as_str()), rows.len());
    let ids: Vec<String> = rows.iter().map(|course| course.id.clone()).collect();
    let mut leads = rows::leads_to(connection, &ids)?;
    let items = rows
        .into_iter()
        .map(|course| {
            let codes = leads.remove(&course.id).unwrap_or_default();
            view(course, codes)
        })
        .collect();
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}

pub fn read(
    connection: &mut DbConn,
    principal: Option<&Principal>,
    id: &str,
) -> Result<CourseView, AppError> {
    if allowed(role_of(principal), Resource::Courses, Action::Read) == Scope::None {
        return Err(AppError::Forbidden);
    }
    let course = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    let codes = rows::leads_to(connection, std::slice::from_ref(&course.id))?
        .remove(&course.id)
        .unwrap_or_default();
    Ok(view(course, codes))
}

fn validate(
    connection: &mut DbConn,
    input: CourseInput,
    stored: Option<(&Course, Vec<String>)>,
) -> Result<(NewCourse, Vec<String>), AppError> {
    let mut checks = Checks::default();
    let base = stored.as_ref().map(|(course, _)| *course);
    let provider = match &input.provider {
        Some(raw) => checks.text("provider", raw, 300, false),
        None => checks.required("provider", base.map(|course| course.provider.clone())),
    };
    let title = match &input.title {
        Some(raw) => checks.text("title", raw, 300, false),
        None => checks.required("title", base.map(|course| course.title.clone())),
    };
    let description = match &input.description {
        Some(raw) => checks.text("description", raw, 10_000, true),
        None => Some(
            base.map(|course| course.description.clone())
                .unwrap_or_default(),
        ),
    };
    let leads_to = match &input.leads_to {
        Some(codes) => known_occupations(connection, codes, &mut checks)?,
        None => stored
            .as_ref()
            .map(|(_, codes)| codes.clone())
            .unwrap_or_default(),
    };
    let level = match &input.level {
        Some(raw) => checks.choice("level", raw, LEVELS),
        None => checks.required("level", base.map(|course| course.level.clone())),
    };
    let commune_id = optional_commune(
        connection,
        &input.commune_code,
        base.and_then(|course| course.commune_id.clone()),
        accounts::now().date(),
        &mut checks,
    )?;
    let (starts_on, ends_on) = dates(&mut checks, &input, base);
    let capacity = match input.capacity {
        Some(seats) if seats < 1 => {
            checks.fail("capacity", "at_least_one");
            None
        }
        Some(seats) => Some(seats),
        None => checks.required("capacity", base.map(|course| course.capacity)),
    };
    let amount =
        |checks: &mut Checks, field: &str, sent: Option<i64>, stored: Option<i64>| match sent {
            Some(value) => checks.amount(field, value),
            None => Some(stored.unwrap_or(0)),
        };
    let fee = amount(
        &mut checks,
        "fee_vnd",
        input.fee_vnd,
        base.map(|course| course.fee_vnd),
    );
    let support = amount(
        &mut checks,
        "support_vnd",
        input.support_vnd,
        base.map(|course| course.support_vnd),
    );
    let status = match &input.status {
        Some(raw) => checks.choice("status", raw, STATUSES),
        None => Some(base.map_or_else(|| "open".to_owned(), |course| course.status.clone())),
    };
    checks.finish()?;
    let (
        Some(provider),
        Some(title),
        Some(level),
        Some(starts_on),
        Some(ends_on),
        Some(capacity),
        Some(status),
    ) = (provider, title, level, starts_on, ends_on, capacity, status)
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "course validation passed without required values"
        )));
    };
    let now = accounts::now();
    let course = NewCourse {
        id: base.map_or_else(new_id, |course| course.id.clone()),
        search_name: fold(&title),
        provider,
        title,
        description: description.unwrap_or_default(),
        level,
        commune_id,
        starts_on,
        ends_on,
        capacity,
        fee_vnd: fee.unwrap_or(0),
        support_vnd: support.unwrap_or(0),
        status,
        created_at: base.map_or(now, |course| course.created_at),
        updated_at: now,
    };
    Ok((course, leads_to))
}

/// The occupations a course leads to: each known, each once, in the order sent.
fn known_occupations(
    connection: &mut DbConn,
    codes: &[String],
    checks: &mut Checks,
) -> diesel::QueryResult<Vec<String>> {
    let mut kept = Vec::new();
    for (index, code) in codes.iter().enumerate() {
        if occupation_exists(connection, code)? {
            if !kept.contains(code) {
                kept.push(code.clone());
            }
        } else {
            checks.fail(&format!("leads_to[{index}]"), "unknown_occupation");
        }
    }
    Ok(kept)
}

/// The first and last day, the last not before the first.
fn dates(
    checks: &mut Checks,
    input: &CourseInput,
    base: Option<&Course>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let day = |checks: &mut Checks,
               field: &str,
               sent: &Option<String>,
               stored: Option<NaiveDate>| match sent {
        Some(raw) => values::date(raw)
            .map_err(|code| checks.fail(field, code))
            .ok(),
        None => checks.required(field, stored),
    };
    let starts_on = day(
        checks,
        "starts_on",
        &input.starts_on,
        base.map(|course| course.starts_on),
    );
    let ends_on = day(
        checks,
        "ends_on",
        &input.ends_on,
        base.map(|course| course.ends_on),
    );
    if let (Some(start), Some(end)) = (starts_on, ends_on)
        && end < start
    {
        checks.fail("ends_on", "date_order");
    }
    (starts_on, ends_on)
}

fn require(principal: &Principal, action: Action) -> Result<(), AppError> {
    match allowed(Some(principal.role), Resource::Courses, action) {
        Scope::All | Scope::Area => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: CourseInput,
) -> Result<CourseView, AppError> {
    require(principal, Action::Create)?;
    let (course, codes) = validate(connection, input, None)?;
    rows::insert(connection, &course, &codes)?;
    effects::course(connection, &course.id, false, course.updated_at)?;
    let stored = rows::find(connection, &course.id)?.ok_or(AppError::NotFound)?;
    Ok(view(stored, codes))
}

pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: CourseInput,
) -> Result<CourseView, AppError> {
    require(principal, Action::Update)?;
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        let codes = rows::leads_to(connection, std::slice::from_ref(&stored.id))?
            .remove(&stored.id)
            .unwrap_or_default();
        let (course, codes) = validate(connection, input, Some((&stored, codes)))?;
        rows::update(connection, &course)?;
        rows::replace_leads_to(connection, id, &codes)?;
        effects::course(
            connection,
            id,
            stored.archived_at.is_some(),
            course.updated_at,
        )?;
        Ok(view(
            rows::find(connection, id)?.ok_or(AppError::NotFound)?,
            codes,
        ))
    })
}

pub fn archive(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<CourseView, AppError> {
    require(principal, Action::Archive)?;
    connection.write_transaction(|connection| {
        rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        let now = accounts::now();
        rows::archive(connection, id, now)?;
        effects::course(connection, id, true, now)?;
        let codes = rows::leads_to(connection, &[id.to_owned()])?
            .remove(id)
            .unwrap_or_default();
        Ok(view(
            rows::find(connection, id)?.ok_or(AppError::NotFound)?,
            codes,
        ))
    })
}
