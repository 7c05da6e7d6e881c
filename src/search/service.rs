//! The search and matching use cases behind the API: permission checks, the index query, and
//! hydration of the results from the database (the index holds no personal data to show).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::SearchIndex;
use super::documents::Kind;
use super::matching::{self, Components, Ranked, VacancyFacts, VacancyProbe, Weights, WorkerProbe};
use super::query::{self, SearchSpec};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::checks::Checks;
use crate::domain::poverty::HouseholdStatus;
use crate::domain::statuses::Availability;
use crate::domain::values::age_on;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::models;
use crate::models::admin_units::units_for_codes;
use crate::models::audit;
use crate::models::occupations::exists as occupation_exists;

mod matches;
mod suggestions;

pub use matches::*;
pub use suggestions::*;

/// `GET /api/v1/search` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// `workers`, `vacancies` or `courses`.
    pub kind: Option<String>,
    /// Words, with or without accents; searched leniently, never a syntax error.
    pub q: Option<String>,
    /// Commune code (5 digits).
    pub commune: Option<String>,
    /// District code (3 digits).
    pub district: Option<String>,
    /// Workers: `poor`, `near_poor`, `newly_escaped`, `not_poor`.
    pub household_status: Option<String>,
    /// Workers: `seeking`, `employed`, `in_training`, `not_seeking`.
    pub availability: Option<String>,
    /// Workers willing to go abroad; vacancies abroad.
    pub overseas: Option<bool>,
    /// Occupation code (4 digits).
    pub occupation: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// 0–10,000.
    pub offset: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub id: String,
    pub score: f64,
    /// Name (workers) or title.
    pub title: String,
    /// Commune or country, employer or provider, as fits the kind.
    pub subtitle: String,
    /// The matching words highlighted with `<b>`; HTML-escaped.
    pub snippet: String,
    /// Kind-specific facts (workers: age, household status, availability; vacancies: status,
    /// positions, deadline; courses: starts_on, capacity, seats_left).
    pub facts: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub name: Option<String>,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    pub kind: String,
    pub total: usize,
    pub items: Vec<SearchHit>,
    pub facets: SearchFacets,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacets {
    pub district: Vec<FacetCount>,
    /// Workers only.
    pub household_status: Vec<FacetCount>,
}

fn parse_limit(limit: Option<i64>, default: i64, checks: &mut Checks) -> usize {
    let limit = limit.unwrap_or(default);
    if (1..=100).contains(&limit) {
        limit as usize
    } else {
        checks.fail("limit", "invalid_search_limit");
        1
    }
}

/// The search's kind, page size and offset, every parameter checked.
fn check_params(
    connection: &mut DbConn,
    params: &SearchParams,
) -> Result<(Kind, usize, i64), AppError> {
    let mut checks = Checks::default();
    let kind = match params.kind.as_deref() {
        Some("workers") => Some(Kind::Worker),
        Some("vacancies") => Some(Kind::Vacancy),
        Some("courses") => Some(Kind::Course),
        Some(_) => {
            checks.fail("kind", "invalid_choice");
            None
        }
        None => {
            checks.fail("kind", "required");
            None
        }
    };
    let limit = parse_limit(params.limit, 20, &mut checks);
    let offset = params.offset.unwrap_or(0);
    if !(0..=10_000).contains(&offset) {
        checks.fail("offset", "invalid_offset");
    }
    if let Some(status) = &params.household_status {
        checks.choice("household_status", status, HouseholdStatus::NAMES);
    }
    if let Some(availability) = &params.availability {
        checks.choice("availability", availability, Availability::NAMES);
    }
    if let Some(code) = &params.occupation
        && !occupation_exists(connection, code)?
    {
        checks.fail("occupation", "unknown_occupation");
    }
    units_for_codes(
        connection,
        params.commune.as_deref(),
        params.district.as_deref(),
        &mut checks,
    )?;
    checks.finish()?;
    let Some(kind) = kind else {
        return Err(AppError::field("kind", "required"));
    };
    Ok((kind, limit, offset))
}

/// What the principal may search of the kind: staff with an area only within it, an employer
/// only its own vacancies, anyone courses.
fn scope(kind: Kind, principal: Option<&Principal>, spec: &mut SearchSpec) -> Result<(), AppError> {
    let role = principal.map(|principal| principal.role);
    let resource = match kind {
        Kind::Worker => Resource::Workers,
        Kind::Vacancy => Resource::Vacancies,
        Kind::Course => Resource::Courses,
    };
    match (kind, allowed(role, resource, Action::List)) {
        (_, Scope::All) | (Kind::Course, Scope::Public) => {}
        (Kind::Worker, Scope::Area) => {
            spec.any_unit = principal.and_then(|principal| principal.area_units.clone());
        }
        (Kind::Vacancy, Scope::Own) => {
            let employer = principal
                .and_then(|principal| principal.employer_id.clone())
                .ok_or(AppError::Forbidden)?;
            spec.tags.push(format!("employer:{employer}"));
        }
        // An employer sees referred workers through the registry, never by searching.
        (_, _) if principal.is_none() => return Err(AppError::Unauthorized),
        _ => return Err(AppError::Forbidden),
    }
    Ok(())
}

fn facets(
    by_district: std::collections::BTreeMap<u64, u64>,
    by_household_status: std::collections::BTreeMap<String, u64>,
    district_names: &HashMap<String, String>,
) -> SearchFacets {
    SearchFacets {
        district: by_district
            .into_iter()
            .map(|(code, count)| {
                let value = format!("{code:03}");
                FacetCount {
                    name: district_names.get(&value).cloned(),
                    value,
                    count,
                }
            })
            .collect(),
        household_status: by_household_status
            .into_iter()
            .map(|(value, count)| FacetCount {
                value,
                name: None,
                count,
            })
            .collect(),
    }
}

/// Full-text search with filters and facets, scoped by role.
pub fn search(
    connection: &mut DbConn,
    index: &SearchIndex,
    principal: Option<&Principal>,
    params: SearchParams,
) -> Result<SearchPage, AppError> {
    let (kind, limit, offset) = check_params(connection, &params)?;
    let mut spec = SearchSpec {
        q: params.q.unwrap_or_default(),
        limit,
        offset: offset as usize,
        ..SearchSpec::default()
    };
    scope(kind, principal, &mut spec)?;
    if kind != Kind::Worker && params.household_status.is_some() {
        return Err(AppError::field("household_status", "invalid_choice"));
    }
    for (name, value) in [
        ("commune", params.commune),
        ("district", params.district),
        ("status", params.household_status),
        ("avail", params.availability),
        ("occ", params.occupation),
        (
            "overseas",
            params
                .overseas
                .map(|yes| if yes { "yes" } else { "no" }.to_owned()),
        ),
    ] {
        if let Some(value) = value {
            spec.tags.push(format!("{name}:{value}"));
        }
    }
    let snapshot = index.snapshot()?;
    let found = index.found(&snapshot, kind, &spec)?;
    let query = query::build(index.fields(), kind, &spec);
    let snippets = query::snippets(snapshot.searcher(), index.fields(), query.as_ref())?;
    let ids: Vec<String> = found.hits.iter().map(|(id, _)| id.clone()).collect();
    let mut hydrated = hydrate(connection, kind, &ids)?;
    let mut items = Vec::with_capacity(ids.len());
    for (id, score) in found.hits.iter().cloned() {
        // Gone from the database since the last commit: skip rather than show a ghost.
        let Some(record) = hydrated.remove(&id) else {
            continue;
        };
        if kind == Kind::Worker
            && let Some(units) = &spec.any_unit
            && !units.contains(&record.unit_id)
        {
            continue;
        }
        let snippet = snippets.snippet(&record.text);
        items.push(SearchHit {
            id,
            score,
            title: record.title,
            subtitle: record.subtitle,
            snippet: if snippet.is_empty() {
                String::new()
            } else {
                snippet.to_html()
            },
            facts: record.facts,
        });
    }
    if kind == Kind::Worker
        && let Some(principal) = principal
    {
        let ids: Vec<String> = items.iter().map(|item| item.id.clone()).collect();
        audit_reads(connection, principal, &ids, SEARCH_VIEW_FIELDS)?;
    }
    Ok(SearchPage {
        kind: params.kind.unwrap_or_default(),
        total: found.total,
        items,
        facets: facets(
            found.by_district.clone(),
            found.by_household_status.clone(),
            index.reference().district_names(),
        ),
    })
}

/// What a search hit shows of a worker.
const SEARCH_VIEW_FIELDS: &[&str] = &[
    "full_name",
    "birth_date",
    "commune_code",
    "household_status",
    "availability",
    "skills",
];
/// What a ranked match shows of a worker.
const MATCH_VIEW_FIELDS: &[&str] = &[
    "full_name",
    "birth_date",
    "commune_code",
    "household_status",
    "skills",
];

/// Every read of a person's record is audited.
fn audit_reads(
    connection: &mut DbConn,
    principal: &Principal,
    ids: &[String],
    fields: &[&str],
) -> QueryResult<()> {
    audit::record(
        connection,
        &principal.actor(),
        "read",
        "worker",
        ids,
        fields,
        accounts::now(),
    )
}

struct Record {
    title: String,
    subtitle: String,
    text: String,
    unit_id: String,
    facts: serde_json::Value,
}

fn hydrate(
    connection: &mut DbConn,
    kind: Kind,
    ids: &[String],
) -> QueryResult<HashMap<String, Record>> {
    match kind {
        Kind::Worker => worker_records(connection, ids),
        Kind::Vacancy => vacancy_records(connection, ids),
        Kind::Course => course_records(connection, ids),
    }
}

fn worker_records(connection: &mut DbConn, ids: &[String]) -> QueryResult<HashMap<String, Record>> {
    let today = accounts::now().date();
    let rows = models::workers::summaries(connection, ids)?;
    let names = models::admin_units::names(
        connection,
        rows.iter().map(|row| row.commune_id.clone()).collect(),
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let record = Record {
                title: row.full_name,
                subtitle: names.get(&row.commune_id).cloned().unwrap_or_default(),
                text: [row.skills, row.qualifications].join(" · "),
                facts: serde_json::json!({
                    "age": age_on(row.birth_date, today),
                    "household_status": row.household_status,
                    "availability": row.availability,
                    "willing_overseas": row.willing_overseas,
                    "consent_to_share": row.consent_to_share,
                }),
                unit_id: row.commune_id,
            };
            (row.id, record)
        })
        .collect())
}

fn vacancy_records(
    connection: &mut DbConn,
    ids: &[String],
) -> QueryResult<HashMap<String, Record>> {
    let rows = models::vacancies::summaries(connection, ids)?;
    let names = models::admin_units::names(
        connection,
        rows.iter()
            .filter_map(|row| row.commune_id.clone())
            .collect(),
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let place = row
                .commune_id
                .as_ref()
                .and_then(|id| names.get(id).cloned())
                .or(row.country.clone())
                .unwrap_or_default();
            let record = Record {
                title: row.title,
                subtitle: format!("{} · {place}", row.employer_name),
                text: row.skills_required,
                unit_id: row.commune_id.unwrap_or_default(),
                facts: serde_json::json!({
                    "status": row.status,
                    "positions": row.positions,
                    "deadline": row.deadline,
                    "country": row.country,
                    "wage_min_vnd": row.wage_min_vnd,
                    "wage_max_vnd": row.wage_max_vnd,
                }),
            };
            (row.id, record)
        })
        .collect())
}

fn course_records(connection: &mut DbConn, ids: &[String]) -> QueryResult<HashMap<String, Record>> {
    let rows = models::courses::summaries(connection, ids)?;
    let taken = models::enrollments::seats_taken(connection, ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let seats_left =
                (i64::from(row.capacity) - taken.get(&row.id).copied().unwrap_or(0)).max(0);
            let record = Record {
                title: row.title,
                subtitle: row.provider,
                text: row.description,
                unit_id: row.commune_id.unwrap_or_default(),
                facts: serde_json::json!({
                    "status": row.status,
                    "starts_on": row.starts_on,
                    "capacity": row.capacity,
                    "seats_left": seats_left,
                }),
            };
            (row.id, record)
        })
        .collect())
}
