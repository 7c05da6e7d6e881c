//! Households of the poverty review list. Their status is derived from the review's figures
//! by the standard in force; a client may only claim "newly escaped", with the status the
//! household had before.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::workers::HOUSEHOLD_STATUSES;
use super::{Checks, Page, PageRequest, ethnicity_exists, permitted, unit_code, units_for_codes};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::access::{Action, Resource, Scope};
use crate::domain::poverty::{HouseholdAssessment, HouseholdStatus, PovertyStandard, classify};
use crate::domain::text::fold;
use crate::effects::{self, Audit, HouseholdWrite};
use crate::error::{AppError, FieldError};
use crate::models;
use crate::models::admin_units as units;
use crate::models::audit;
use crate::models::households::{self as rows, Household, HouseholdFilter, NewHousehold};

mod members;
mod reviews;
mod validate;

pub use members::{Member, members};
pub use reviews::{ReviewView, list as review_history};
use validate::*;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    /// Census household code.
    pub code: Option<String>,
    #[schema(example = "03646")]
    pub commune_code: Option<String>,
    pub head_name: Option<String>,
    #[schema(example = "03")]
    pub ethnicity_code: Option<String>,
    pub members: Option<i32>,
    pub income_per_person_vnd: Option<i64>,
    pub urban: Option<bool>,
    /// Keys of the indicators the household lacks.
    pub deprivations: Option<Vec<String>>,
    /// Only `newly_escaped` may be sent (the rest is derived), together with `previous_status`.
    pub status: Option<String>,
    /// The status at the previous review: `poor`, `near_poor` or `not_poor`.
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub previous_status: Option<Option<String>>,
    /// The year of the review the figures come from (default: this year).
    pub review_year: Option<i32>,
}

impl HouseholdInput {
    fn sent_fields(&self) -> Vec<&'static str> {
        let pairs = [
            (self.code.is_some(), "code"),
            (self.commune_code.is_some(), "commune_code"),
            (self.head_name.is_some(), "head_name"),
            (self.ethnicity_code.is_some(), "ethnicity_code"),
            (self.members.is_some(), "members"),
            (
                self.income_per_person_vnd.is_some(),
                "income_per_person_vnd",
            ),
            (self.urban.is_some(), "urban"),
            (self.deprivations.is_some(), "deprivations"),
            (self.status.is_some(), "status"),
            (self.previous_status.is_some(), "previous_status"),
            (self.review_year.is_some(), "review_year"),
        ];
        pairs
            .into_iter()
            .filter(|(sent, _)| *sent)
            .map(|(_, name)| name)
            .collect()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: String,
    pub code: String,
    pub commune_code: String,
    pub head_name: String,
    pub ethnicity_code: String,
    pub members: i32,
    pub income_per_person_vnd: i64,
    pub urban: bool,
    pub deprivations: Vec<String>,
    #[schema(value_type = String)]
    pub status: HouseholdStatus,
    #[schema(value_type = Option<String>)]
    pub previous_status: Option<HouseholdStatus>,
    pub review_year: i32,
    pub standard: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

const VIEW_FIELDS: &[&str] = &[
    "code",
    "commune_code",
    "head_name",
    "ethnicity_code",
    "members",
    "income_per_person_vnd",
    "urban",
    "deprivations",
    "status",
    "previous_status",
    "review_year",
];

fn view(household: Household, deprivations: Vec<String>) -> HouseholdView {
    HouseholdView {
        commune_code: unit_code(&household.commune_id).to_owned(),
        id: household.id,
        code: household.code,
        head_name: household.head_name,
        ethnicity_code: household.ethnicity_code,
        members: household.members,
        income_per_person_vnd: household.income_per_person_vnd,
        urban: household.urban,
        deprivations,
        status: household.status,
        previous_status: household.previous_status,
        review_year: household.review_year,
        standard: household.standard_id,
        created_at: household.created_at.and_utc(),
        updated_at: household.updated_at.and_utc(),
        archived_at: household.archived_at.map(|at| at.and_utc()),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HouseholdQuery {
    pub commune: Option<String>,
    pub district: Option<String>,
    pub status: Option<String>,
    /// A prefix of the head's name; accents and case are ignored.
    pub q: Option<String>,
    pub archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn in_scope(principal: &Principal, scope: Scope, household: &Household) -> bool {
    match scope {
        Scope::All => true,
        Scope::Area => principal
            .area_units
            .as_ref()
            .is_none_or(|area| area.contains(&household.commune_id)),
        _ => false,
    }
}

pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: HouseholdQuery,
) -> Result<Page<HouseholdView>, AppError> {
    let scope = permitted(principal, Resource::Households, Action::List)?;
    let mut checks = Checks::default();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref());
    if let Some(status) = &query.status {
        checks.choice("status", status, HOUSEHOLD_STATUSES);
    }
    let units = units_for_codes(
        connection,
        query.commune.as_deref(),
        query.district.as_deref(),
        &mut checks,
    )?;
    checks.finish()?;
    let page = page?;
    let filter = HouseholdFilter {
        units,
        area_units: if scope == Scope::Area {
            principal.area_units.clone()
        } else {
            None
        },
        status: query.status,
        name_prefix: query
            .q
            .as_deref()
            .map(fold)
            .filter(|prefix| !prefix.is_empty()),
        include_archived: query.archived.unwrap_or(false),
    };
    let (rows, total) = rows::list(connection, &filter, page.after.as_deref(), page.limit)?;
    let next_cursor = page.next_cursor(
        rows.last().map(|household| household.id.as_str()),
        rows.len(),
    );
    let ids: Vec<String> = rows.iter().map(|household| household.id.clone()).collect();
    let mut deprivations = rows::deprivations_of(connection, &ids)?;
    audit::record(
        connection,
        &principal.actor(),
        "read",
        "household",
        &ids,
        VIEW_FIELDS,
        accounts::now(),
    )?;
    let items = rows
        .into_iter()
        .map(|household| {
            let keys = deprivations.remove(&household.id).unwrap_or_default();
            view(household, keys)
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
    principal: &Principal,
    id: &str,
) -> Result<HouseholdView, AppError> {
    let scope = permitted(principal, Resource::Households, Action::Read)?;
    let household = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    if !in_scope(principal, scope, &household) {
        return Err(AppError::NotFound);
    }
    let keys = rows::deprivations_of(connection, std::slice::from_ref(&household.id))?
        .remove(&household.id)
        .unwrap_or_default();
    audit::record(
        connection,
        &principal.actor(),
        "read",
        "household",
        std::slice::from_ref(&household.id),
        VIEW_FIELDS,
        accounts::now(),
    )?;
    Ok(view(household, keys))
}

fn duplicate_code(connection: &mut DbConn, household: &NewHousehold) -> Result<(), AppError> {
    if let Some(existing) = rows::find_id_by_code(connection, &household.code)?
        && existing != household.id
    {
        return Err(AppError::Duplicate {
            field: "code",
            kind: "households",
            id: existing,
        });
    }
    Ok(())
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: HouseholdInput,
) -> Result<HouseholdView, AppError> {
    let (household, deprivations) = insert(connection, principal, input, Facts::Now)?;
    let stored = rows::find(connection, &household.id)?.ok_or(AppError::NotFound)?;
    Ok(view(stored, deprivations))
}

/// Whether a new household's progress facts are derived with it or by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facts {
    Now,
    /// The caller hands the id to [`crate::effects::households_imported`] before
    /// its transaction ends (an import, for many rows at once).
    Later,
}

/// Validates and writes a new household, audited; returns its id. Nothing is written when
/// the input is refused.
pub fn create_for_import(
    connection: &mut DbConn,
    principal: &Principal,
    input: HouseholdInput,
    facts: Facts,
) -> Result<String, AppError> {
    insert(connection, principal, input, facts).map(|(household, _)| household.id)
}

fn insert(
    connection: &mut DbConn,
    principal: &Principal,
    input: HouseholdInput,
    facts: Facts,
) -> Result<(NewHousehold, Vec<String>), AppError> {
    permitted(principal, Resource::Households, Action::Create)?;
    let sent = input.sent_fields();
    let (household, deprivations) =
        validate(connection, principal, input, None, accounts::now().date())?;
    duplicate_code(connection, &household)?;
    rows::insert(connection, &household, &deprivations)?;
    reviews::record(connection, household.clone(), deprivations.clone())?;
    effects::household(
        connection,
        &household.id,
        match facts {
            Facts::Now => HouseholdWrite::Created,
            Facts::Later => HouseholdWrite::Imported,
        },
        Audit {
            actor: &principal.actor(),
            action: "create",
            fields: &sent,
            at: household.updated_at,
        },
    )?;
    Ok((household, deprivations))
}

pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: HouseholdInput,
) -> Result<HouseholdView, AppError> {
    let scope = permitted(principal, Resource::Households, Action::Update)?;
    let sent = input.sent_fields();
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored) {
            return Err(AppError::NotFound);
        }
        let keys = rows::deprivations_of(connection, std::slice::from_ref(&stored.id))?
            .remove(&stored.id)
            .unwrap_or_default();
        let (household, deprivations) = validate(
            connection,
            principal,
            input,
            Some((&stored, keys)),
            accounts::now().date(),
        )?;
        duplicate_code(connection, &household)?;
        effects::before_household_write(connection, &household.id)?;
        let (household, deprivations) = reviews::record(connection, household, deprivations)?;
        rows::update(connection, &household)?;
        rows::replace_deprivations(connection, &household.id, &deprivations)?;
        effects::household(
            connection,
            &household.id,
            HouseholdWrite::Changed,
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &sent,
                at: household.updated_at,
            },
        )?;
        let updated = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        Ok(view(updated, deprivations))
    })
}

pub fn archive(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<HouseholdView, AppError> {
    let scope = permitted(principal, Resource::Households, Action::Archive)?;
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored) {
            return Err(AppError::NotFound);
        }
        let now = accounts::now();
        effects::before_household_write(connection, id)?;
        rows::archive(connection, id, now)?;
        effects::household(
            connection,
            id,
            HouseholdWrite::Archived,
            Audit {
                actor: &principal.actor(),
                action: "archive",
                fields: &["archived_at"],
                at: now,
            },
        )?;
        let archived = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        let keys = rows::deprivations_of(connection, std::slice::from_ref(&archived.id))?
            .remove(&archived.id)
            .unwrap_or_default();
        Ok(view(archived, keys))
    })
}
