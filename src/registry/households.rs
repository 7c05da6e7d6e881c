//! Households of the poverty review list. Their status is derived from the review's figures
//! by the standard in force; a client may only claim "newly escaped", with the status the
//! household had before.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::workers::HOUSEHOLD_STATUSES;
use super::{
    Checks, Created, Page, PageRequest, ethnicity_exists, permitted, unit_code, units_for_codes,
};
use crate::accounts::{self, Principal};
use crate::authz::{Action, Resource, Scope};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::db::schema::{poverty_standard_indicators, poverty_standards};
use crate::domain::poverty::{HouseholdAssessment, HouseholdStatus, PovertyStandard, classify};
use crate::domain::text::fold;
use crate::error::{AppError, FieldError};
use crate::models::admin_units as units;
use crate::models::audit;
use crate::models::households::{self as rows, Household, HouseholdFilter, NewHousehold};

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
    pub status: String,
    pub previous_status: Option<String>,
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

/// The standard in force for a review year, with its indicator keys.
fn standard_for(
    connection: &mut DbConn,
    review_year: i32,
) -> QueryResult<Option<(String, PovertyStandard, Vec<String>)>> {
    let day = NaiveDate::from_ymd_opt(review_year, 7, 1).unwrap_or(NaiveDate::MIN);
    let found: Option<(String, i64, i64, i32)> = poverty_standards::table
        .filter(poverty_standards::valid_from.le(day))
        .filter(
            poverty_standards::valid_to
                .is_null()
                .or(poverty_standards::valid_to.ge(day)),
        )
        .order(poverty_standards::valid_from.desc())
        .select((
            poverty_standards::id,
            poverty_standards::rural_income_line_vnd,
            poverty_standards::urban_income_line_vnd,
            poverty_standards::poor_min_deprivations,
        ))
        .first(connection)
        .optional()?;
    let Some((id, rural, urban, minimum)) = found else {
        return Ok(None);
    };
    let keys = poverty_standard_indicators::table
        .filter(poverty_standard_indicators::standard_id.eq(&id))
        .order(poverty_standard_indicators::position)
        .select(poverty_standard_indicators::indicator_key)
        .load(connection)?;
    let standard = PovertyStandard {
        rural_income_line_vnd: rural,
        urban_income_line_vnd: urban,
        poor_min_deprivations: u32::try_from(minimum).unwrap_or(3),
    };
    Ok(Some((id, standard, keys)))
}

fn validate(
    connection: &mut DbConn,
    principal: &Principal,
    input: HouseholdInput,
    stored: Option<(&Household, Vec<String>)>,
    today: NaiveDate,
) -> Result<(NewHousehold, Vec<String>), AppError> {
    let mut checks = Checks::default();
    let base = stored.as_ref().map(|(household, _)| *household);
    let code = match &input.code {
        Some(raw) => checks.text("code", raw, 40, false),
        None => checks.required("code", base.map(|household| household.code.clone())),
    };
    let head_name = match &input.head_name {
        Some(raw) => checks.text("head_name", raw, 200, false),
        None => checks.required(
            "head_name",
            base.map(|household| household.head_name.clone()),
        ),
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
        None => checks.required(
            "commune_code",
            base.map(|household| household.commune_id.clone()),
        ),
    };
    let ethnicity_code = match &input.ethnicity_code {
        Some(raw) if ethnicity_exists(connection, raw)? => Some(raw.clone()),
        Some(_) => {
            checks.fail("ethnicity_code", "unknown_ethnicity");
            None
        }
        None => checks.required(
            "ethnicity_code",
            base.map(|household| household.ethnicity_code.clone()),
        ),
    };
    let members = match input.members {
        Some(count) if !(1..=50).contains(&count) => {
            checks.fail_with(
                FieldError::new("members", "out_of_range")
                    .with("min", "1")
                    .with("max", "50"),
            );
            None
        }
        Some(count) => Some(count),
        None => checks.required("members", base.map(|household| household.members)),
    };
    let income = match input.income_per_person_vnd {
        Some(income) => checks.amount("income_per_person_vnd", income),
        None => checks.required(
            "income_per_person_vnd",
            base.map(|household| household.income_per_person_vnd),
        ),
    };
    let urban = input
        .urban
        .or(base.map(|household| household.urban))
        .unwrap_or(false);
    let review_year = match input.review_year {
        Some(year) if !(2000..=today.year() + 1).contains(&year) => {
            checks.fail_with(
                FieldError::new("review_year", "out_of_range")
                    .with("min", "2000")
                    .with("max", (today.year() + 1).to_string()),
            );
            None
        }
        Some(year) => Some(year),
        None => Some(base.map_or(today.year(), |household| household.review_year)),
    };
    let standard = match review_year {
        Some(year) => standard_for(connection, year)?,
        None => None,
    };
    if review_year.is_some() && standard.is_none() {
        checks.fail("review_year", "no_standard");
    }
    let mut deprivations: Vec<String> = match &input.deprivations {
        Some(keys) => keys.clone(),
        None => stored
            .as_ref()
            .map(|(_, keys)| keys.clone())
            .unwrap_or_default(),
    };
    deprivations.sort();
    deprivations.dedup();
    if let Some((_, _, known)) = &standard {
        for (index, key) in deprivations.iter().enumerate() {
            if !known.contains(key) {
                checks.fail_with(
                    FieldError::new(format!("deprivations[{index}]"), "invalid_choice")
                        .with("choices", known.join(", ")),
                );
            }
        }
    }
    let previous_status = match &input.previous_status {
        Some(Some(raw)) => checks
            .choice("previous_status", raw, &["poor", "near_poor", "not_poor"])
            .and_then(|value| value.parse::<HouseholdStatus>().ok()),
        Some(None) => None,
        None => base.and_then(|household| {
            household
                .previous_status
                .as_deref()
                .and_then(|value| value.parse().ok())
        }),
    };
    let claims_escape = match &input.status {
        Some(value) if value == "newly_escaped" => true,
        Some(_) => {
            checks.fail("status", "read_only");
            false
        }
        None => false,
    };
    if claims_escape
        && !matches!(
            previous_status,
            Some(HouseholdStatus::Poor | HouseholdStatus::NearPoor)
        )
    {
        checks.fail("previous_status", "previous_status_required");
    }
    checks.finish()?;

    let (
        Some(code),
        Some(head_name),
        Some(commune_id),
        Some(ethnicity_code),
        Some(members),
        Some(income),
        Some(review_year),
        Some((standard_id, standard, _)),
    ) = (
        code,
        head_name,
        commune_id,
        ethnicity_code,
        members,
        income,
        review_year,
        standard,
    )
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "household validation passed without required values"
        )));
    };
    let status = classify(
        HouseholdAssessment {
            income_per_person_vnd: income,
            urban,
            deprivation_count: u32::try_from(deprivations.len()).unwrap_or(u32::MAX),
            previous_status,
        },
        &standard,
    );
    if claims_escape && status != HouseholdStatus::NewlyEscaped {
        return Err(AppError::field("status", "not_escaped"));
    }
    let now = accounts::now();
    let household = NewHousehold {
        id: base.map_or_else(new_id, |household| household.id.clone()),
        search_name: fold(&head_name),
        code,
        commune_id,
        head_name,
        ethnicity_code,
        members,
        income_per_person_vnd: income,
        urban,
        status: status.as_str().to_owned(),
        previous_status: previous_status.map(|value| value.as_str().to_owned()),
        review_year,
        standard_id,
        created_at: base.map_or(now, |household| household.created_at),
        updated_at: now,
    };
    Ok((household, deprivations))
}

fn duplicate_code(connection: &mut DbConn, household: &NewHousehold) -> Result<(), AppError> {
    if let Some(existing) = rows::find_id_by_code(connection, &household.code)?
        && existing != household.id
    {
        return Err(AppError::Duplicate {
            field: "code",
            existing: format!("/api/v1/households/{existing}"),
        });
    }
    Ok(())
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: HouseholdInput,
) -> Result<Created, AppError> {
    let (household, deprivations) = insert(connection, principal, input, Facts::Now)?;
    let stored = rows::find(connection, &household.id)?.ok_or(AppError::NotFound)?;
    let body = serde_json::to_value(view(stored, deprivations))
        .map_err(|error| AppError::Unexpected(error.into()))?;
    Ok(Created {
        status: 201,
        location: Some(format!("/api/v1/households/{}", household.id)),
        body,
    })
}

/// Whether a new household's progress facts are derived with it or by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facts {
    Now,
    /// The caller hands the id to [`crate::progress::facts::refresh_new_households`] before
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
    match facts {
        Facts::Now => rows::insert(connection, &household, &deprivations)?,
        Facts::Later => rows::insert_unrefreshed(connection, &household, &deprivations)?,
    }
    audit::record(
        connection,
        &principal.actor(),
        "create",
        "household",
        std::slice::from_ref(&household.id),
        &sent,
        household.updated_at,
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
        rows::update(connection, &household)?;
        rows::replace_deprivations(connection, &household.id, &deprivations)?;
        crate::models::search_changes::append_household_members(
            connection,
            &household.id,
            household.updated_at,
        )?;
        audit::record(
            connection,
            &principal.actor(),
            "update",
            "household",
            std::slice::from_ref(&household.id),
            &sent,
            household.updated_at,
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
        rows::archive(connection, id, now)?;
        audit::record(
            connection,
            &principal.actor(),
            "archive",
            "household",
            &[id.to_owned()],
            &["archived_at"],
            now,
        )?;
        let archived = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        let keys = rows::deprivations_of(connection, std::slice::from_ref(&archived.id))?
            .remove(&archived.id)
            .unwrap_or_default();
        Ok(view(archived, keys))
    })
}
