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
use crate::authz::{Action, Resource, Scope, allowed};
use crate::db::DbConn;
use crate::db::schema::{
    admin_units, course_occupations, courses, employers, enrollments, households, occupations,
    referrals, vacancies, worker_occupations, workers,
};
use crate::domain::values::age_on;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::models::audit;
use crate::registry::workers::{AVAILABILITIES, HOUSEHOLD_STATUSES};
use crate::registry::{Checks, occupation_exists, units_for_codes};

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

/// Full-text search with filters and facets, scoped by role.
pub fn search(
    connection: &mut DbConn,
    index: &SearchIndex,
    principal: Option<&Principal>,
    params: SearchParams,
) -> Result<SearchPage, AppError> {
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
        checks.choice("household_status", status, HOUSEHOLD_STATUSES);
    }
    if let Some(availability) = &params.availability {
        checks.choice("availability", availability, AVAILABILITIES);
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
    let role = principal.map(|principal| principal.role);
    let mut spec = SearchSpec {
        q: params.q.unwrap_or_default(),
        limit,
        offset: offset as usize,
        ..SearchSpec::default()
    };
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
    let searcher = index.searcher();
    let (found, query) = query::search(&searcher, index.fields(), kind, &spec)?;
    let snippets = query::snippets(&searcher, index.fields(), query.as_ref())?;
    let ids: Vec<String> = found.hits.iter().map(|(id, _)| id.clone()).collect();
    let mut hydrated = hydrate(connection, kind, &ids)?;
    let mut items = Vec::with_capacity(ids.len());
    for (id, score) in found.hits {
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
    let district_names = district_names(connection)?;
    Ok(SearchPage {
        kind: params.kind.unwrap_or_default(),
        total: found.total,
        items,
        facets: SearchFacets {
            district: found
                .by_district
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
            household_status: found
                .by_household_status
                .into_iter()
                .map(|(value, count)| FacetCount {
                    value,
                    name: None,
                    count,
                })
                .collect(),
        },
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

fn district_names(connection: &mut DbConn) -> QueryResult<HashMap<String, String>> {
    Ok(admin_units::table
        .filter(admin_units::kind.eq("district"))
        .select((admin_units::code, admin_units::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

struct Record {
    title: String,
    subtitle: String,
    text: String,
    unit_id: String,
    facts: serde_json::Value,
}

type WorkerSummary = (
    (String, String, NaiveDate, String, String),
    (String, String, Option<String>, bool, bool),
);

fn hydrate(
    connection: &mut DbConn,
    kind: Kind,
    ids: &[String],
) -> QueryResult<HashMap<String, Record>> {
    let today = accounts::now().date();
    let mut records = HashMap::new();
    match kind {
        Kind::Worker => {
            let rows: Vec<WorkerSummary> = workers::table
                .left_join(households::table)
                .filter(workers::id.eq_any(ids))
                .filter(workers::archived_at.is_null())
                .select((
                    (
                        workers::id,
                        workers::full_name,
                        workers::birth_date,
                        workers::commune_id,
                        workers::skills,
                    ),
                    (
                        workers::qualifications,
                        workers::availability,
                        households::status.nullable(),
                        workers::willing_overseas,
                        workers::consent_to_share,
                    ),
                ))
                .load(connection)?;
            let names = crate::models::admin_units::names(
                connection,
                rows.iter().map(|row| row.0.3.clone()).collect(),
            )?;
            for (
                (id, name, born, commune_id, skills),
                (qualifications, availability, status, overseas, consent),
            ) in rows
            {
                records.insert(
                    id,
                    Record {
                        title: name,
                        subtitle: names.get(&commune_id).cloned().unwrap_or_default(),
                        text: [skills, qualifications].join(" · "),
                        facts: serde_json::json!({
                            "age": age_on(born, today),
                            "household_status": status,
                            "availability": availability,
                            "willing_overseas": overseas,
                            "consent_to_share": consent,
                        }),
                        unit_id: commune_id,
                    },
                );
            }
        }
        Kind::Vacancy => {
            type Row = (
                (String, String, String, Option<String>, Option<String>),
                (
                    String,
                    i32,
                    Option<NaiveDate>,
                    String,
                    Option<i64>,
                    Option<i64>,
                ),
            );
            let rows: Vec<Row> = vacancies::table
                .inner_join(employers::table)
                .filter(vacancies::id.eq_any(ids))
                .filter(vacancies::archived_at.is_null())
                .select((
                    (
                        vacancies::id,
                        vacancies::title,
                        employers::name,
                        vacancies::commune_id,
                        vacancies::country,
                    ),
                    (
                        vacancies::status,
                        vacancies::positions,
                        vacancies::deadline,
                        vacancies::skills_required,
                        vacancies::wage_min_vnd,
                        vacancies::wage_max_vnd,
                    ),
                ))
                .load(connection)?;
            let names = crate::models::admin_units::names(
                connection,
                rows.iter().filter_map(|row| row.0.3.clone()).collect(),
            )?;
            for (
                (id, title, employer, commune_id, country),
                (status, positions, deadline, skills, wage_min, wage_max),
            ) in rows
            {
                let place = commune_id
                    .as_ref()
                    .and_then(|id| names.get(id).cloned())
                    .or(country.clone())
                    .unwrap_or_default();
                records.insert(
                    id,
                    Record {
                        title,
                        subtitle: format!("{employer} · {place}"),
                        text: skills,
                        unit_id: commune_id.unwrap_or_default(),
                        facts: serde_json::json!({
                            "status": status,
                            "positions": positions,
                            "deadline": deadline,
                            "country": country,
                            "wage_min_vnd": wage_min,
                            "wage_max_vnd": wage_max,
                        }),
                    },
                );
            }
        }
        Kind::Course => {
            type CourseRow = (
                String,
                String,
                String,
                String,
                NaiveDate,
                i32,
                String,
                Option<String>,
            );
            let rows: Vec<CourseRow> = courses::table
                .filter(courses::id.eq_any(ids))
                .filter(courses::archived_at.is_null())
                .select((
                    courses::id,
                    courses::title,
                    courses::provider,
                    courses::description,
                    courses::starts_on,
                    courses::capacity,
                    courses::status,
                    courses::commune_id,
                ))
                .load(connection)?;
            let taken = seats_taken(connection, ids)?;
            for (id, title, provider, description, starts_on, capacity, status, commune_id) in rows
            {
                let seats_left =
                    (i64::from(capacity) - taken.get(&id).copied().unwrap_or(0)).max(0);
                records.insert(
                    id,
                    Record {
                        title,
                        subtitle: provider,
                        text: description,
                        unit_id: commune_id.unwrap_or_default(),
                        facts: serde_json::json!({
                            "status": status,
                            "starts_on": starts_on,
                            "capacity": capacity,
                            "seats_left": seats_left,
                        }),
                    },
                );
            }
        }
    }
    Ok(records)
}

/// Enrolments holding a seat, per course.
fn seats_taken(
    connection: &mut DbConn,
    course_ids: &[String],
) -> QueryResult<HashMap<String, i64>> {
    let mut taken = HashMap::new();
    for course_id in enrollments::table
        .filter(enrollments::course_id.eq_any(course_ids))
        .filter(enrollments::status.ne("dropped"))
        .select(enrollments::course_id)
        .load::<String>(connection)?
    {
        *taken.entry(course_id).or_insert(0) += 1;
    }
    Ok(taken)
}

/// `?limit=` of the match lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerMatch {
    pub worker_id: String,
    pub full_name: String,
    pub age: i32,
    pub commune_code: String,
    pub commune_name: String,
    pub household_status: Option<String>,
    pub skills: String,
    pub score: f64,
    /// Weighted components; they add up to `score`.
    pub components: Components,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyMatches {
    pub vacancy_id: String,
    pub weights: Weights,
    pub items: Vec<WorkerMatch>,
}

fn staff_scope(principal: &Principal) -> Result<Scope, AppError> {
    match allowed(Some(principal.role), Resource::Workers, Action::List) {
        scope @ (Scope::All | Scope::Area) => Ok(scope),
        _ => Err(AppError::Forbidden),
    }
}

/// The vacancy's facts as matching needs them, from the database.
pub fn vacancy_probe_parts(
    connection: &mut DbConn,
    reference: &super::documents::Reference,
    vacancy_id: &str,
) -> Result<(VacancyFacts, String), AppError> {
    type Row = (
        String,
        String,
        String,
        Option<String>,
        bool,
        Option<i32>,
        Option<i32>,
        Option<NaiveDate>,
    );
    let row: Option<Row> = vacancies::table
        .filter(vacancies::id.eq(vacancy_id))
        .filter(vacancies::archived_at.is_null())
        .select((
            vacancies::title,
            vacancies::skills_required,
            vacancies::occupation_code,
            vacancies::commune_id,
            vacancies::is_overseas,
            vacancies::min_age,
            vacancies::max_age,
            vacancies::deadline,
        ))
        .first(connection)
        .optional()?;
    let Some((title, skills, occupation, commune_id, overseas, min_age, max_age, deadline)) = row
    else {
        return Err(AppError::NotFound);
    };
    let occupation_name: String = occupations::table
        .find(&occupation)
        .select(occupations::name_vi)
        .first(connection)
        .optional()?
        .unwrap_or_default();
    let (commune, district) = commune_id
        .as_deref()
        .map_or((0, 0), |id| reference.place_numbers(id));
    let facts = VacancyFacts {
        id: vacancy_id.to_owned(),
        occupation: occupation.parse().unwrap_or(0),
        commune,
        district,
        overseas,
        min_age: min_age.and_then(|age| u32::try_from(age).ok()),
        max_age: max_age.and_then(|age| u32::try_from(age).ok()),
        deadline_day: deadline.map(super::documents::day_number),
    };
    Ok((facts, [title, skills, occupation_name].join(" · ")))
}

/// Workers already referred to a vacancy.
pub fn referred_to_vacancy(connection: &mut DbConn, vacancy_id: &str) -> QueryResult<Vec<String>> {
    referrals::table
        .filter(referrals::vacancy_id.eq(vacancy_id))
        .select(referrals::worker_id)
        .load(connection)
}

/// How many ranked candidates a vacancy's page shows: referring anyone else is an override
/// of the ranking, recorded with its reason.
pub const SHORTLIST_DEPTH: usize = 20;

/// Vacancy → the best workers, explained (`GET /api/v1/vacancies/{id}/matches`).
pub fn vacancy_matches(
    connection: &mut DbConn,
    index: &SearchIndex,
    weights: &Weights,
    principal: &Principal,
    vacancy_id: &str,
    params: MatchParams,
    lang: Lang,
) -> Result<VacancyMatches, AppError> {
    staff_scope(principal)?;
    let mut checks = Checks::default();
    let limit = parse_limit(params.limit, SHORTLIST_DEPTH as i64, &mut checks);
    checks.finish()?;
    let (facts, text) = vacancy_probe_parts(connection, index.reference(), vacancy_id)?;
    let referred = referred_to_vacancy(connection, vacancy_id)?;
    let probe = VacancyProbe {
        facts,
        text: &text,
        referred: &referred,
        today: accounts::now().date(),
    };
    let items = ranked_workers(connection, index, weights, principal, &probe, limit, lang)?;
    let ids: Vec<String> = items.iter().map(|item| item.worker_id.clone()).collect();
    audit_reads(connection, principal, &ids, MATCH_VIEW_FIELDS)?;
    Ok(VacancyMatches {
        vacancy_id: vacancy_id.to_owned(),
        weights: *weights,
        items,
    })
}

/// The best `limit` workers for a vacancy (its `probe`) as the principal sees them (an officer
/// with an area: its workers only), not yet referred to it. Reads no record for the audit log:
/// callers that show the list record that.
pub fn ranked_workers(
    connection: &mut DbConn,
    index: &SearchIndex,
    weights: &Weights,
    principal: &Principal,
    probe: &VacancyProbe<'_>,
    limit: usize,
    lang: Lang,
) -> Result<Vec<WorkerMatch>, AppError> {
    let scope = staff_scope(principal)?;
    // An officer with an area sees only its workers: rank more, keep those.
    let area = match scope {
        Scope::Area => principal.area_units.clone(),
        _ => None,
    };
    let wanted = if area.is_some() { limit * 5 } else { limit };
    let ranked =
        matching::workers_for_vacancy(&index.searcher(), index.fields(), weights, probe, wanted)?;
    Ok(worker_matches(
        connection,
        ranked,
        area.as_deref(),
        limit,
        lang,
    )?)
}

fn worker_matches(
    connection: &mut DbConn,
    ranked: Vec<Ranked>,
    area: Option<&[String]>,
    limit: usize,
    lang: Lang,
) -> QueryResult<Vec<WorkerMatch>> {
    let ids: Vec<String> = ranked.iter().map(|rank| rank.id.clone()).collect();
    let rows: Vec<(String, String, NaiveDate, String, String, Option<String>)> = workers::table
        .left_join(households::table)
        .filter(workers::id.eq_any(&ids))
        .filter(workers::archived_at.is_null())
        .select((
            workers::id,
            workers::full_name,
            workers::birth_date,
            workers::commune_id,
            workers::skills,
            households::status.nullable(),
        ))
        .load(connection)?;
    let units: HashMap<String, (String, String)> = admin_units::table
        .filter(admin_units::id.eq_any(rows.iter().map(|row| row.3.clone()).collect::<Vec<_>>()))
        .select((admin_units::id, (admin_units::code, admin_units::name)))
        .load::<(String, (String, String))>(connection)?
        .into_iter()
        .collect();
    let mut by_id: HashMap<String, _> = rows.into_iter().map(|row| (row.0.clone(), row)).collect();
    let today = accounts::now().date();
    let mut items = Vec::new();
    for rank in ranked {
        let Some((id, name, born, commune_id, skills, status)) = by_id.remove(&rank.id) else {
            continue;
        };
        if area.is_some_and(|units| !units.contains(&commune_id)) {
            continue;
        }
        let (code, commune_name) = units.get(&commune_id).cloned().unwrap_or_default();
        items.push(WorkerMatch {
            worker_id: id,
            full_name: name,
            age: age_on(born, today),
            commune_code: code,
            commune_name,
            household_status: status,
            skills,
            score: rank.score,
            components: rank.components,
            explanation: matching::explain(&rank.reasons, lang),
        });
        if items.len() == limit {
            break;
        }
    }
    Ok(items)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyMatch {
    pub vacancy_id: String,
    pub title: String,
    pub employer_name: String,
    pub occupation_code: String,
    /// Commune name, or the country abroad.
    pub place: String,
    pub positions: i32,
    pub wage_min_vnd: Option<i64>,
    pub wage_max_vnd: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub score: f64,
    pub components: Components,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerMatches {
    pub worker_id: String,
    pub weights: Weights,
    /// Why the list is empty when the worker cannot be matched (`not_seeking`, `no_consent`).
    pub excluded: Option<String>,
    pub items: Vec<VacancyMatch>,
}

/// The worker, checked against the caller's reach: (commune id, availability, consent,
/// profile text).
fn reachable_worker(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
) -> Result<(String, String, bool, String), AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::Read);
    let row: Option<(String, String, bool, String, String)> = workers::table
        .filter(workers::id.eq(worker_id))
        .filter(workers::archived_at.is_null())
        .select((
            workers::commune_id,
            workers::availability,
            workers::consent_to_share,
            workers::skills,
            workers::qualifications,
        ))
        .first(connection)
        .optional()?;
    let reachable = |commune_id: &str| match scope {
        Scope::All => true,
        Scope::Area => principal
            .area_units
            .as_ref()
            .is_none_or(|units| units.iter().any(|unit| unit == commune_id)),
        Scope::Own => principal.worker_id.as_deref() == Some(worker_id),
        _ => false,
    };
    match row {
        Some((commune_id, availability, consent, skills, qualifications))
            if reachable(&commune_id) =>
        {
            let names: Vec<String> = worker_occupations::table
                .inner_join(occupations::table)
                .filter(worker_occupations::worker_id.eq(worker_id))
                .select(occupations::name_vi)
                .load(connection)?;
            let mut text = vec![skills, qualifications];
            text.extend(names);
            Ok((commune_id, availability, consent, text.join(" · ")))
        }
        Some(_) if matches!(scope, Scope::All | Scope::Area | Scope::Own) => {
            Err(AppError::NotFound)
        }
        Some(_) => Err(AppError::Forbidden),
        None if matches!(scope, Scope::None | Scope::Public) => Err(AppError::Forbidden),
        None => Err(AppError::NotFound),
    }
}

/// Worker → the best open vacancies, explained (`GET /api/v1/workers/{id}/matches`).
pub fn worker_matches_for(
    connection: &mut DbConn,
    index: &SearchIndex,
    weights: &Weights,
    principal: &Principal,
    worker_id: &str,
    params: MatchParams,
    lang: Lang,
) -> Result<WorkerMatches, AppError> {
    let mut checks = Checks::default();
    let limit = parse_limit(params.limit, 20, &mut checks);
    checks.finish()?;
    let (_, availability, consent, text) = reachable_worker(connection, principal, worker_id)?;
    let excluded = if availability != "seeking" {
        Some("not_seeking")
    } else if !consent {
        Some("no_consent")
    } else {
        None
    };
    let mut answer = WorkerMatches {
        worker_id: worker_id.to_owned(),
        weights: *weights,
        excluded: excluded.map(str::to_owned),
        items: Vec::new(),
    };
    if excluded.is_some() {
        return Ok(answer);
    }
    let searcher = index.searcher();
    let Some(facts) = matching::worker_facts(&searcher, index.fields(), worker_id)? else {
        // Registered a moment ago and not indexed yet.
        return Err(AppError::Unavailable(anyhow::anyhow!(
            "worker {worker_id} not indexed yet"
        )));
    };
    let referred: Vec<String> = referrals::table
        .filter(referrals::worker_id.eq(worker_id))
        .select(referrals::vacancy_id)
        .load(connection)?;
    let probe = WorkerProbe {
        facts,
        text: &text,
        referred: &referred,
        today: accounts::now().date(),
    };
    let ranked = matching::vacancies_for_worker(&searcher, index.fields(), weights, &probe, limit)?;
    let ids: Vec<String> = ranked.iter().map(|rank| rank.id.clone()).collect();
    type Row = (
        (String, String, String, String, Option<String>),
        (
            Option<String>,
            i32,
            Option<i64>,
            Option<i64>,
            Option<NaiveDate>,
        ),
    );
    let rows: Vec<Row> = vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::id.eq_any(&ids))
        .select((
            (
                vacancies::id,
                vacancies::title,
                employers::name,
                vacancies::occupation_code,
                vacancies::commune_id,
            ),
            (
                vacancies::country,
                vacancies::positions,
                vacancies::wage_min_vnd,
                vacancies::wage_max_vnd,
                vacancies::deadline,
            ),
        ))
        .load(connection)?;
    let names = crate::models::admin_units::names(
        connection,
        rows.iter().filter_map(|row| row.0.4.clone()).collect(),
    )?;
    let mut by_id: HashMap<String, Row> =
        rows.into_iter().map(|row| (row.0.0.clone(), row)).collect();
    for rank in ranked {
        let Some((
            (id, title, employer, occupation, commune_id),
            (country, positions, wage_min, wage_max, deadline),
        )) = by_id.remove(&rank.id)
        else {
            continue;
        };
        let place = commune_id
            .and_then(|id| names.get(&id).cloned())
            .or(country)
            .unwrap_or_default();
        answer.items.push(VacancyMatch {
            vacancy_id: id,
            title,
            employer_name: employer,
            occupation_code: occupation,
            place,
            positions,
            wage_min_vnd: wage_min,
            wage_max_vnd: wage_max,
            deadline,
            score: rank.score,
            components: rank.components,
            explanation: matching::explain(&rank.reasons, lang),
        });
    }
    Ok(answer)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseSuggestion {
    pub course_id: String,
    pub title: String,
    pub provider: String,
    pub leads_to: Vec<String>,
    pub starts_on: NaiveDate,
    pub seats_left: i64,
    /// Open positions nearby in the occupations this course leads to, which the worker does
    /// not yet fit.
    pub positions_nearby: i64,
    pub same_district: bool,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseSuggestions {
    pub worker_id: String,
    pub items: Vec<CourseSuggestion>,
}

/// Courses that lead to the occupations of open vacancies near the worker that the worker
/// does not yet fit (`GET /api/v1/workers/{id}/course-suggestions`).
pub fn course_suggestions(
    connection: &mut DbConn,
    index: &SearchIndex,
    principal: &Principal,
    worker_id: &str,
    params: MatchParams,
    lang: Lang,
) -> Result<CourseSuggestions, AppError> {
    let mut checks = Checks::default();
    let limit = parse_limit(params.limit, 10, &mut checks);
    checks.finish()?;
    let (commune_id, _, _, _) = reachable_worker(connection, principal, worker_id)?;
    let (_, district) = index.reference().place_numbers(&commune_id);
    let willing_overseas: bool = workers::table
        .find(worker_id)
        .select(workers::willing_overseas)
        .first(connection)?;
    let mut fits: Vec<String> = worker_occupations::table
        .filter(worker_occupations::worker_id.eq(worker_id))
        .select(worker_occupations::occupation_code)
        .load(connection)?;
    fits.extend(
        enrollments::table
            .inner_join(
                course_occupations::table
                    .on(course_occupations::course_id.eq(enrollments::course_id)),
            )
            .filter(enrollments::worker_id.eq(worker_id))
            .filter(enrollments::status.eq_any(["completed", "certified"]))
            .select(course_occupations::occupation_code)
            .load::<String>(connection)?,
    );
    // Open vacancies nearby: in the worker's district (or commune), or abroad if willing.
    let today = accounts::now().date();
    let open: Vec<(String, Option<String>, bool, i32)> = vacancies::table
        .filter(vacancies::status.eq("open"))
        .filter(vacancies::archived_at.is_null())
        .filter(
            vacancies::deadline
                .is_null()
                .or(vacancies::deadline.ge(today)),
        )
        .select((
            vacancies::occupation_code,
            vacancies::commune_id,
            vacancies::is_overseas,
            vacancies::positions,
        ))
        .load(connection)?;
    let reference = index.reference();
    let mut gaps: HashMap<String, i64> = HashMap::new();
    for (occupation, commune, overseas, positions) in open {
        let near = if overseas {
            willing_overseas
        } else {
            commune.as_deref().is_some_and(|commune| {
                commune == commune_id
                    || (district != 0 && reference.place_numbers(commune).1 == district)
            })
        };
        if near && !fits.contains(&occupation) {
            *gaps.entry(occupation).or_default() += i64::from(positions.max(0));
        }
    }
    if gaps.is_empty() {
        return Ok(CourseSuggestions {
            worker_id: worker_id.to_owned(),
            items: Vec::new(),
        });
    }
    let gap_codes: Vec<String> = gaps.keys().cloned().collect();
    let offered: Vec<(String, String)> = course_occupations::table
        .inner_join(courses::table)
        .filter(course_occupations::occupation_code.eq_any(&gap_codes))
        .filter(courses::status.eq_any(["planned", "open"]))
        .filter(courses::archived_at.is_null())
        .filter(courses::starts_on.ge(today))
        .select((courses::id, course_occupations::occupation_code))
        .load(connection)?;
    let mut leads: HashMap<String, Vec<String>> = HashMap::new();
    for (course_id, code) in offered {
        leads.entry(course_id).or_default().push(code);
    }
    let course_ids: Vec<String> = leads.keys().cloned().collect();
    let taken = seats_taken(connection, &course_ids)?;
    let rows: Vec<(String, String, String, NaiveDate, i32, Option<String>)> = courses::table
        .filter(courses::id.eq_any(&course_ids))
        .select((
            courses::id,
            courses::title,
            courses::provider,
            courses::starts_on,
            courses::capacity,
            courses::commune_id,
        ))
        .load(connection)?;
    let mut items: Vec<CourseSuggestion> = rows
        .into_iter()
        .filter_map(|(id, title, provider, starts_on, capacity, commune)| {
            let seats_left = i64::from(capacity) - taken.get(&id).copied().unwrap_or(0);
            if seats_left <= 0 {
                return None;
            }
            let mut codes = leads.remove(&id).unwrap_or_default();
            codes.sort();
            codes.dedup();
            let positions_nearby: i64 = codes.iter().filter_map(|code| gaps.get(code)).sum();
            let same_district = commune
                .as_deref()
                .is_some_and(|commune| district != 0 && reference.place_numbers(commune).1 == district);
            let explanation = match lang {
                Lang::Vi => format!(
                    "Học xong có thể ứng tuyển {positions_nearby} vị trí đang tuyển gần nơi ở; còn {seats_left} chỗ, khai giảng {}{}.",
                    starts_on.format("%d/%m/%Y"),
                    if same_district { ", học ngay tại huyện" } else { "" }
                ),
                Lang::En => format!(
                    "Opens {positions_nearby} open positions near home; {seats_left} seats left, starts {}{}.",
                    starts_on.format("%d/%m/%Y"),
                    if same_district { ", taught in the worker's district" } else { "" }
                ),
            };
            Some(CourseSuggestion {
                course_id: id,
                title,
                provider,
                leads_to: codes,
                starts_on,
                seats_left,
                positions_nearby,
                same_district,
                explanation,
            })
        })
        .collect();
    items.sort_by(|a, b| {
        b.positions_nearby
            .cmp(&a.positions_nearby)
            .then(b.same_district.cmp(&a.same_district))
            .then(a.starts_on.cmp(&b.starts_on))
            .then(a.course_id.cmp(&b.course_id))
    });
    items.truncate(limit);
    Ok(CourseSuggestions {
        worker_id: worker_id.to_owned(),
        items,
    })
}
