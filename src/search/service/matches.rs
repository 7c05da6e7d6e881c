//! Matches: the workers who suit a vacancy and the vacancies that suit a worker, ranked and explained.

use super::*;

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

pub(super) fn staff_scope(principal: &Principal) -> Result<Scope, AppError> {
    match allowed(Some(principal.role), Resource::Workers, Action::List) {
        scope @ (Scope::All | Scope::Area) => Ok(scope),
        _ => Err(AppError::Forbidden),
    }
}

/// The vacancy's facts as matching needs them, from the database.
pub fn vacancy_probe_parts(
    connection: &mut DbConn,
    reference: &crate::search::documents::Reference,
    vacancy_id: &str,
) -> Result<(VacancyFacts, String), AppError> {
    let Some(row) = models::vacancies::probe_row(connection, vacancy_id)? else {
        return Err(AppError::NotFound);
    };
    let models::vacancies::ProbeRow {
        title,
        skills_required: skills,
        occupation_code: occupation,
        commune_id,
        is_overseas: overseas,
        min_age,
        max_age,
        deadline,
    } = row;
    let occupation_name =
        models::occupations::name_vi(connection, &occupation)?.unwrap_or_default();
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
        deadline_day: deadline.map(crate::search::documents::day_number),
    };
    Ok((facts, [title, skills, occupation_name].join(" · ")))
}

/// Workers already referred to a vacancy.
pub fn referred_to_vacancy(connection: &mut DbConn, vacancy_id: &str) -> QueryResult<Vec<String>> {
    models::referrals::workers_of_vacancy(connection, vacancy_id)
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
        matching::workers_for_vacancy(&index.snapshot()?, index.fields(), weights, probe, wanted)?;
    Ok(worker_matches(
        connection,
        ranked,
        area.as_deref(),
        limit,
        lang,
    )?)
}

pub(super) fn worker_matches(
    connection: &mut DbConn,
    ranked: Vec<Ranked>,
    area: Option<&[String]>,
    limit: usize,
    lang: Lang,
) -> QueryResult<Vec<WorkerMatch>> {
    let ids: Vec<String> = ranked.iter().map(|rank| rank.id.clone()).collect();
    let rows = models::workers::summaries(connection, &ids)?;
    let units = models::admin_units::codes_and_names(
        connection,
        rows.iter().map(|row| row.commune_id.clone()).collect(),
    )?;
    let mut by_id: HashMap<String, _> = rows.into_iter().map(|row| (row.id.clone(), row)).collect();
    let today = accounts::now().date();
    let mut items = Vec::new();
    for rank in ranked {
        let Some(worker) = by_id.remove(&rank.id) else {
            continue;
        };
        if area.is_some_and(|units| !units.contains(&worker.commune_id)) {
            continue;
        }
        let (code, commune_name) = units.get(&worker.commune_id).cloned().unwrap_or_default();
        items.push(WorkerMatch {
            worker_id: worker.id,
            full_name: worker.full_name,
            age: age_on(worker.birth_date, today),
            commune_code: code,
            commune_name,
            household_status: worker.household_status,
            skills: worker.skills,
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
pub(super) fn reachable_worker(
    connection: &mut DbConn,
    principal: &Principal,
    worker_id: &str,
) -> Result<(String, String, bool, String), AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::Read);
    let row = models::workers::live_profile(connection, worker_id)?;
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
            let names = models::workers::desired_occupation_names(connection, worker_id)?;
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
    let snapshot = index.snapshot()?;
    let Some(facts) = matching::worker_facts(&snapshot, index.fields(), worker_id)? else {
        // Registered a moment ago and not indexed yet.
        return Err(AppError::Unavailable(anyhow::anyhow!(
            "worker {worker_id} not indexed yet"
        )));
    };
    let referred = models::referrals::vacancies_of_worker(connection, worker_id)?;
    let probe = WorkerProbe {
        facts,
        text: &text,
        referred: &referred,
        today: accounts::now().date(),
    };
    let ranked = matching::vacancies_for_worker(&snapshot, index.fields(), weights, &probe, limit)?;
    let ids: Vec<String> = ranked.iter().map(|rank| rank.id.clone()).collect();
    let rows = models::vacancies::match_rows(connection, &ids)?;
    let names = crate::models::admin_units::names(
        connection,
        rows.iter()
            .filter_map(|row| row.commune_id.clone())
            .collect(),
    )?;
    let mut by_id: HashMap<String, models::vacancies::MatchRow> =
        rows.into_iter().map(|row| (row.id.clone(), row)).collect();
    for rank in ranked {
        let Some(row) = by_id.remove(&rank.id) else {
            continue;
        };
        let models::vacancies::MatchRow {
            id,
            title,
            employer_name: employer,
            occupation_code: occupation,
            commune_id,
            country,
            positions,
            wage_min_vnd: wage_min,
            wage_max_vnd: wage_max,
            deadline,
        } = row;
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
