//! Workers: the people the job centre registers.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Checks, Created, Page, PageRequest, ethnicity_exists, nullable, occupation_exists, unit_code,
    units_for_codes,
};
use crate::accounts::Principal;
use crate::accounts::{self, Role};
use crate::authz::{Action, Resource, Scope, allowed};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::db::schema::{admin_units, households};
use crate::domain::text::fold;
use crate::domain::values;
use crate::error::AppError;
use crate::models::admin_units as units;
use crate::models::workers::{self as rows, NewWorker, Worker, WorkerFilter};
use crate::models::{audit, search_changes};

pub const GENDERS: &[&str] = &["male", "female"];
pub const EDUCATION_LEVELS: &[&str] = &[
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "vocational_intermediate",
    "college",
    "university",
];
pub const AVAILABILITIES: &[&str] = &["seeking", "in_training", "employed", "not_seeking"];
pub const HOUSEHOLD_STATUSES: &[&str] = &["poor", "near_poor", "newly_escaped", "not_poor"];
/// Fields a trainee may change on their own record.
const TRAINEE_FIELDS: &[&str] = &[
    "phone",
    "email",
    "skills",
    "desired_occupations",
    "willing_to_relocate",
    "willing_overseas",
    "expected_wage_vnd",
    "availability",
    "consent_to_share",
];

/// A worker as sent by a client: every field optional, so one shape serves create (where
/// the required ones are checked) and PATCH (where absent fields keep their values).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerInput {
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "014195000123")]
    pub national_id: Option<Option<String>>,
    #[schema(example = "1995-04-12")]
    pub birth_date: Option<String>,
    #[schema(example = "female")]
    pub gender: Option<String>,
    #[schema(example = "03")]
    pub ethnicity_code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "0912345678")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[schema(example = "03646")]
    pub commune_code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub household_id: Option<Option<String>>,
    pub education_level: Option<String>,
    pub qualifications: Option<String>,
    pub disability: Option<bool>,
    pub skills: Option<String>,
    pub desired_occupations: Option<Vec<String>>,
    pub willing_to_relocate: Option<bool>,
    pub willing_overseas: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub expected_wage_vnd: Option<Option<i64>>,
    pub availability: Option<String>,
    pub consent_to_share: Option<bool>,
}

impl WorkerInput {
    /// Names of the fields the client sent.
    fn sent_fields(&self) -> Vec<&'static str> {
        let mut sent = Vec::new();
        let mut mark = |present: bool, name: &'static str| {
            if present {
                sent.push(name);
            }
        };
        mark(self.full_name.is_some(), "full_name");
        mark(self.national_id.is_some(), "national_id");
        mark(self.birth_date.is_some(), "birth_date");
        mark(self.gender.is_some(), "gender");
        mark(self.ethnicity_code.is_some(), "ethnicity_code");
        mark(self.phone.is_some(), "phone");
        mark(self.email.is_some(), "email");
        mark(self.commune_code.is_some(), "commune_code");
        mark(self.household_id.is_some(), "household_id");
        mark(self.education_level.is_some(), "education_level");
        mark(self.qualifications.is_some(), "qualifications");
        mark(self.disability.is_some(), "disability");
        mark(self.skills.is_some(), "skills");
        mark(self.desired_occupations.is_some(), "desired_occupations");
        mark(self.willing_to_relocate.is_some(), "willing_to_relocate");
        mark(self.willing_overseas.is_some(), "willing_overseas");
        mark(self.expected_wage_vnd.is_some(), "expected_wage_vnd");
        mark(self.availability.is_some(), "availability");
        mark(self.consent_to_share.is_some(), "consent_to_share");
        sent
    }
}

/// A worker as staff, administrators and the worker themself see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerView {
    pub id: String,
    pub full_name: String,
    pub national_id: Option<String>,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub ethnicity_code: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub commune_code: String,
    pub household_id: Option<String>,
    pub education_level: String,
    pub qualifications: String,
    pub disability: bool,
    pub skills: String,
    pub desired_occupations: Vec<String>,
    pub willing_to_relocate: bool,
    pub willing_overseas: bool,
    pub expected_wage_vnd: Option<i64>,
    pub availability: String,
    pub consent_to_share: bool,
    pub registered_on: NaiveDate,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A worker as an employer sees one referred to its vacancies: never the CCCD, the household
/// or anything of its poverty status; contact details only with the worker's consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerForEmployer {
    pub id: String,
    pub full_name: String,
    pub age: i32,
    pub skills: String,
    pub desired_occupations: Vec<String>,
    pub commune_code: String,
    pub commune_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

const FULL_VIEW_FIELDS: &[&str] = &[
    "full_name",
    "national_id",
    "birth_date",
    "gender",
    "ethnicity_code",
    "phone",
    "email",
    "commune_code",
    "household_id",
    "education_level",
    "qualifications",
    "disability",
    "skills",
    "desired_occupations",
    "willing_to_relocate",
    "willing_overseas",
    "expected_wage_vnd",
    "availability",
    "consent_to_share",
];
const EMPLOYER_VIEW_FIELDS: &[&str] = &[
    "full_name",
    "birth_date",
    "skills",
    "desired_occupations",
    "commune_code",
    "phone",
    "email",
];

fn full_view(worker: Worker, occupations: Vec<String>) -> WorkerView {
    WorkerView {
        commune_code: unit_code(&worker.commune_id).to_owned(),
        id: worker.id,
        full_name: worker.full_name,
        national_id: worker.national_id,
        birth_date: worker.birth_date,
        gender: worker.gender,
        ethnicity_code: worker.ethnicity_code,
        phone: worker.phone,
        email: worker.email,
        household_id: worker.household_id,
        education_level: worker.education_level,
        qualifications: worker.qualifications,
        disability: worker.disability,
        skills: worker.skills,
        desired_occupations: occupations,
        willing_to_relocate: worker.willing_to_relocate,
        willing_overseas: worker.willing_overseas,
        expected_wage_vnd: worker.expected_wage_vnd,
        availability: worker.availability,
        consent_to_share: worker.consent_to_share,
        registered_on: worker.registered_on,
        created_at: worker.created_at.and_utc(),
        updated_at: worker.updated_at.and_utc(),
        archived_at: worker.archived_at.map(|at| at.and_utc()),
    }
}

fn employer_view(
    worker: Worker,
    occupations: Vec<String>,
    commune_name: String,
    today: NaiveDate,
) -> WorkerForEmployer {
    let consented = worker.consent_to_share;
    WorkerForEmployer {
        age: values::age_on(worker.birth_date, today),
        commune_code: unit_code(&worker.commune_id).to_owned(),
        id: worker.id,
        full_name: worker.full_name,
        skills: worker.skills,
        desired_occupations: occupations,
        commune_name,
        phone: if consented { worker.phone } else { None },
        email: if consented { worker.email } else { None },
    }
}

/// How a list may be narrowed, from the query string.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkerQuery {
    /// Commune code (either generation of units).
    pub commune: Option<String>,
    /// District code: its communes and the units that succeeded them.
    pub district: Option<String>,
    pub household_status: Option<String>,
    pub availability: Option<String>,
    /// A desired 4-digit occupation code.
    pub occupation: Option<String>,
    /// A name prefix; accents and case are ignored.
    pub q: Option<String>,
    /// Include archived records.
    pub archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A scoped page of workers, in the caller's view; reads are audited.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: WorkerQuery,
) -> Result<Page<serde_json::Value>, AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::List);
    let mut checks = Checks::default();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref());
    if let Some(status) = &query.household_status {
        checks.choice("household_status", status, HOUSEHOLD_STATUSES);
    }
    if let Some(availability) = &query.availability {
        checks.choice("availability", availability, AVAILABILITIES);
    }
    let units = units_for_codes(
        connection,
        query.commune.as_deref(),
        query.district.as_deref(),
        &mut checks,
    )?;
    checks.finish()?;
    let page = page?;
    let mut filter = WorkerFilter {
        units,
        household_status: query.household_status,
        availability: query.availability,
        occupation: query.occupation,
        name_prefix: query
            .q
            .as_deref()
            .map(fold)
            .filter(|prefix| !prefix.is_empty()),
        include_archived: query.archived.unwrap_or(false),
        ..WorkerFilter::default()
    };
    match scope {
        Scope::All => {}
        Scope::Area => filter.area_units = principal.area_units.clone(),
        Scope::ReferredToOwn => {
            filter.referred_to_employer =
                Some(principal.employer_id.clone().ok_or(AppError::Forbidden)?);
            // An employer never filters by poverty data.
            if filter.household_status.is_some() {
                return Err(AppError::Forbidden);
            }
        }
        _ => return Err(AppError::Forbidden),
    }
    let (rows, total) = rows::list(connection, &filter, page.after.as_deref(), page.limit)?;
    let next_cursor = page.next_cursor(rows.last().map(|worker| worker.id.as_str()), rows.len());
    let ids: Vec<String> = rows.iter().map(|worker| worker.id.clone()).collect();
    let mut occupations = rows::occupations_of(connection, &ids)?;
    let now = accounts::now();
    let items: Vec<serde_json::Value> = if scope == Scope::ReferredToOwn {
        let names = commune_names(
            connection,
            rows.iter()
                .map(|worker| worker.commune_id.clone())
                .collect(),
        )?;
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            &ids,
            EMPLOYER_VIEW_FIELDS,
            now,
        )?;
        rows.into_iter()
            .map(|worker| {
                let name = names.get(&worker.commune_id).cloned().unwrap_or_default();
                let codes = occupations.remove(&worker.id).unwrap_or_default();
                serde_json::to_value(employer_view(worker, codes, name, now.date()))
            })
            .collect::<Result<_, _>>()
            .map_err(|error| AppError::Unexpected(error.into()))?
    } else {
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            &ids,
            FULL_VIEW_FIELDS,
            now,
        )?;
        rows.into_iter()
            .map(|worker| {
                let codes = occupations.remove(&worker.id).unwrap_or_default();
                serde_json::to_value(full_view(worker, codes))
            })
            .collect::<Result<_, _>>()
            .map_err(|error| AppError::Unexpected(error.into()))?
    };
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}

fn commune_names(
    connection: &mut DbConn,
    ids: Vec<String>,
) -> QueryResult<HashMap<String, String>> {
    Ok(admin_units::table
        .filter(admin_units::id.eq_any(ids))
        .select((admin_units::id, admin_units::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// Whether a record in `commune_id` is within the caller's reach for `scope`.
fn in_scope(
    principal: &Principal,
    scope: Scope,
    worker: &Worker,
    connection: &mut DbConn,
) -> QueryResult<bool> {
    Ok(match scope {
        Scope::All => true,
        Scope::Area => principal
            .area_units
            .as_ref()
            .is_none_or(|units| units.contains(&worker.commune_id)),
        Scope::Own => principal.worker_id.as_deref() == Some(worker.id.as_str()),
        Scope::ReferredToOwn => match &principal.employer_id {
            Some(employer_id) => {
                rows::is_referred_to_employer(connection, &worker.id, employer_id)?
            }
            None => false,
        },
        Scope::Public | Scope::None => false,
    })
}

/// One worker in the caller's view; the read is audited.
pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<serde_json::Value, AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::Read);
    if scope == Scope::None {
        return Err(AppError::Forbidden);
    }
    let worker = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    if !in_scope(principal, scope, &worker, connection)? {
        return Err(AppError::NotFound);
    }
    let occupations = rows::occupations_of(connection, std::slice::from_ref(&worker.id))?
        .remove(&worker.id)
        .unwrap_or_default();
    let now = accounts::now();
    let value = if scope == Scope::ReferredToOwn {
        let name = commune_names(connection, vec![worker.commune_id.clone()])?
            .remove(&worker.commune_id)
            .unwrap_or_default();
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            std::slice::from_ref(&worker.id),
            EMPLOYER_VIEW_FIELDS,
            now,
        )?;
        serde_json::to_value(employer_view(worker, occupations, name, now.date()))
    } else {
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            std::slice::from_ref(&worker.id),
            FULL_VIEW_FIELDS,
            now,
        )?;
        serde_json::to_value(full_view(worker, occupations))
    };
    value.map_err(|error| AppError::Unexpected(error.into()))
}

/// Checks a worker input against the stored record (for PATCH) or nothing (for create) and
/// returns the row to write with its desired occupations.
fn validate(
    connection: &mut DbConn,
    principal: &Principal,
    input: WorkerInput,
    stored: Option<(&Worker, Vec<String>)>,
    today: NaiveDate,
) -> Result<(NewWorker, Vec<String>), AppError> {
    let mut checks = Checks::default();
    let base = stored.as_ref().map(|(worker, _)| *worker);

    let full_name = match &input.full_name {
        Some(raw) => checks.text("full_name", raw, 200, false),
        None => checks.required("full_name", base.map(|worker| worker.full_name.clone())),
    };
    let national_id = match &input.national_id {
        Some(Some(raw)) => match values::national_id(raw) {
            Ok(value) => Some(value),
            Err(code) => {
                checks.fail("national_id", code);
                None
            }
        },
        Some(None) => None,
        None => base.and_then(|worker| worker.national_id.clone()),
    };
    let birth_date = match &input.birth_date {
        Some(raw) => match values::date(raw) {
            Ok(day) if values::age_on(day, today) < 15 || values::age_on(day, today) > 100 => {
                checks.fail("birth_date", "birth_date");
                None
            }
            Ok(day) => Some(day),
            Err(code) => {
                checks.fail("birth_date", code);
                None
            }
        },
        None => checks.required("birth_date", base.map(|worker| worker.birth_date)),
    };
    let gender = match &input.gender {
        Some(raw) => checks.choice("gender", raw, GENDERS),
        None => checks.required("gender", base.map(|worker| worker.gender.clone())),
    };
    let ethnicity_code = match &input.ethnicity_code {
        Some(raw) => {
            if ethnicity_exists(connection, raw)? {
                Some(raw.clone())
            } else {
                checks.fail("ethnicity_code", "unknown_ethnicity");
                None
            }
        }
        None => checks.required(
            "ethnicity_code",
            base.map(|worker| worker.ethnicity_code.clone()),
        ),
    };
    let phone = match &input.phone {
        Some(Some(raw)) => match values::phone(raw) {
            Ok(value) => Some(value),
            Err(code) => {
                checks.fail("phone", code);
                None
            }
        },
        Some(None) => None,
        None => base.and_then(|worker| worker.phone.clone()),
    };
    let email = match &input.email {
        Some(Some(raw)) => match values::email(raw) {
            Ok(value) => Some(value),
            Err(code) => {
                checks.fail("email", code);
                None
            }
        },
        Some(None) => None,
        None => base.and_then(|worker| worker.email.clone()),
    };
    let commune_id = match &input.commune_code {
        Some(code) => match units::resolve_commune(connection, code.trim(), today)? {
            Some(unit) => {
                if principal
                    .area_units
                    .as_ref()
                    .is_some_and(|area| !area.contains(&unit.id))
                {
                    checks.fail("commune_code", "outside_area");
                }
                Some(unit.id)
            }
            None => {
                checks.fail("commune_code", "unknown_commune");
                None
            }
        },
        None => checks.required("commune_code", base.map(|worker| worker.commune_id.clone())),
    };
    let household_id = match &input.household_id {
        Some(Some(id)) => {
            let exists: i64 = households::table
                .filter(households::id.eq(id))
                .filter(households::archived_at.is_null())
                .count()
                .get_result(connection)?;
            if exists == 0 {
                checks.fail("household_id", "unknown_household");
            }
            Some(id.clone())
        }
        Some(None) => None,
        None => base.and_then(|worker| worker.household_id.clone()),
    };
    let education_level = match &input.education_level {
        Some(raw) => checks.choice("education_level", raw, EDUCATION_LEVELS),
        None => Some(base.map_or_else(
            || "lower_secondary".to_owned(),
            |worker| worker.education_level.clone(),
        )),
    };
    let qualifications = match &input.qualifications {
        Some(raw) => checks.text("qualifications", raw, 1000, true),
        None => Some(
            base.map(|worker| worker.qualifications.clone())
                .unwrap_or_default(),
        ),
    };
    let skills = match &input.skills {
        Some(raw) => checks.text("skills", raw, 2000, true),
        None => Some(base.map(|worker| worker.skills.clone()).unwrap_or_default()),
    };
    let occupations = match &input.desired_occupations {
        Some(codes) => {
            let mut kept: Vec<String> = Vec::new();
            if codes.len() > 10 {
                checks.fail_with(
                    crate::error::FieldError::new("desired_occupations", "too_long")
                        .with("max", "10"),
                );
            }
            for (index, code) in codes.iter().enumerate() {
                if occupation_exists(connection, code)? {
                    if !kept.contains(code) {
                        kept.push(code.clone());
                    }
                } else {
                    checks.fail(
                        &format!("desired_occupations[{index}]"),
                        "unknown_occupation",
                    );
                }
            }
            kept
        }
        None => stored
            .as_ref()
            .map(|(_, codes)| codes.clone())
            .unwrap_or_default(),
    };
    let expected_wage_vnd = match input.expected_wage_vnd {
        Some(Some(wage)) if wage < 0 => {
            checks.fail("expected_wage_vnd", "not_negative");
            None
        }
        Some(value) => value,
        None => base.and_then(|worker| worker.expected_wage_vnd),
    };
    let availability = match &input.availability {
        Some(raw) => checks.choice("availability", raw, AVAILABILITIES),
        None => Some(base.map_or_else(
            || "seeking".to_owned(),
            |worker| worker.availability.clone(),
        )),
    };
    checks.finish()?;

    let now = accounts::now();
    let (Some(full_name), Some(birth_date), Some(gender), Some(ethnicity_code), Some(commune_id)) =
        (full_name, birth_date, gender, ethnicity_code, commune_id)
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "worker validation passed without required values"
        )));
    };
    let worker = NewWorker {
        id: base.map_or_else(new_id, |worker| worker.id.clone()),
        search_name: fold(&full_name),
        national_id,
        full_name,
        birth_date,
        gender,
        ethnicity_code,
        phone,
        email,
        commune_id,
        household_id,
        education_level: education_level.unwrap_or_default(),
        qualifications: qualifications.unwrap_or_default(),
        disability: input
            .disability
            .or(base.map(|worker| worker.disability))
            .unwrap_or(false),
        skills: skills.unwrap_or_default(),
        willing_to_relocate: input
            .willing_to_relocate
            .or(base.map(|worker| worker.willing_to_relocate))
            .unwrap_or(false),
        willing_overseas: input
            .willing_overseas
            .or(base.map(|worker| worker.willing_overseas))
            .unwrap_or(false),
        expected_wage_vnd,
        availability: availability.unwrap_or_default(),
        consent_to_share: input
            .consent_to_share
            .or(base.map(|worker| worker.consent_to_share))
            .unwrap_or(false),
        registered_on: base.map_or(today, |worker| worker.registered_on),
        created_at: base.map_or(now, |worker| worker.created_at),
        updated_at: now,
    };
    Ok((worker, occupations))
}

fn duplicate_national_id(connection: &mut DbConn, worker: &NewWorker) -> Result<(), AppError> {
    if let Some(national_id) = &worker.national_id
        && let Some(existing) = rows::find_id_by_national_id(connection, national_id)?
        && existing != worker.id
    {
        return Err(AppError::Duplicate {
            field: "national_id",
            existing: format!("/api/v1/workers/{existing}"),
        });
    }
    Ok(())
}

/// Registers a worker, in the caller's transaction.
pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: WorkerInput,
) -> Result<Created, AppError> {
    if allowed(Some(principal.role), Resource::Workers, Action::Create) == Scope::None {
        return Err(AppError::Forbidden);
    }
    let sent = input.sent_fields();
    let today = accounts::now().date();
    let (worker, occupations) = validate(connection, principal, input, None, today)?;
    duplicate_national_id(connection, &worker)?;
    rows::insert(connection, &worker, &occupations)?;
    let now = worker.updated_at;
    search_changes::append(connection, "worker", &worker.id, false, now)?;
    audit::record(
        connection,
        &principal.actor(),
        "create",
        "worker",
        std::slice::from_ref(&worker.id),
        &sent,
        now,
    )?;
    let stored = rows::find(connection, &worker.id)?.ok_or(AppError::NotFound)?;
    let body = serde_json::to_value(full_view(stored, occupations))
        .map_err(|error| AppError::Unexpected(error.into()))?;
    Ok(Created {
        status: 201,
        location: Some(format!("/api/v1/workers/{}", worker.id)),
        body,
    })
}

/// Changes the fields sent; the rest keep their values.
pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: WorkerInput,
) -> Result<serde_json::Value, AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::Update);
    if scope == Scope::None {
        return Err(AppError::Forbidden);
    }
    let sent = input.sent_fields();
    if principal.role == Role::Trainee {
        let refused: Vec<_> = sent
            .iter()
            .filter(|field| !TRAINEE_FIELDS.contains(field))
            .collect();
        if !refused.is_empty() {
            return Err(AppError::Validation(
                refused
                    .into_iter()
                    .map(|field| crate::error::FieldError::new(*field, "read_only"))
                    .collect(),
            ));
        }
    }
    connection.transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored, connection)? {
            return Err(AppError::NotFound);
        }
        let occupations = rows::occupations_of(connection, std::slice::from_ref(&stored.id))?
            .remove(&stored.id)
            .unwrap_or_default();
        let today = accounts::now().date();
        let (worker, occupations) = validate(
            connection,
            principal,
            input,
            Some((&stored, occupations)),
            today,
        )?;
        duplicate_national_id(connection, &worker)?;
        rows::update(connection, &worker)?;
        rows::replace_occupations(connection, &worker.id, &occupations)?;
        let now = worker.updated_at;
        search_changes::append(
            connection,
            "worker",
            &worker.id,
            stored.archived_at.is_some(),
            now,
        )?;
        audit::record(
            connection,
            &principal.actor(),
            "update",
            "worker",
            std::slice::from_ref(&worker.id),
            &sent,
            now,
        )?;
        let updated = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        serde_json::to_value(full_view(updated, occupations))
            .map_err(|error| AppError::Unexpected(error.into()))
    })
}

/// Archives a worker: the record and its history stay; lists leave it out.
pub fn archive(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<serde_json::Value, AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::Archive);
    if scope == Scope::None {
        return Err(AppError::Forbidden);
    }
    connection.transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored, connection)? {
            return Err(AppError::NotFound);
        }
        let now = accounts::now();
        rows::archive(connection, id, now)?;
        search_changes::append(connection, "worker", id, true, now)?;
        audit::record(
            connection,
            &principal.actor(),
            "archive",
            "worker",
            &[id.to_owned()],
            &["archived_at"],
            now,
        )?;
        let archived = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        let occupations = rows::occupations_of(connection, std::slice::from_ref(&archived.id))?
            .remove(&archived.id)
            .unwrap_or_default();
        serde_json::to_value(full_view(archived, occupations))
            .map_err(|error| AppError::Unexpected(error.into()))
    })
}
