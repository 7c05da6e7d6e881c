//! Course suggestions: the courses that close a worker's skill gaps, with seats and dates.

use super::*;

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
    let today = accounts::now().date();
    let gaps = gaps(connection, index, worker_id, &commune_id, today)?;
    if gaps.is_empty() {
        return Ok(CourseSuggestions {
            worker_id: worker_id.to_owned(),
            items: Vec::new(),
        });
    }
    let gap_codes: Vec<String> = gaps.keys().cloned().collect();
    let mut leads: HashMap<String, Vec<String>> = HashMap::new();
    for (course_id, code) in models::courses::upcoming_leading_to(connection, &gap_codes, today)? {
        leads.entry(course_id).or_default().push(code);
    }
    let course_ids: Vec<String> = leads.keys().cloned().collect();
    let taken = models::enrollments::seats_taken(connection, &course_ids)?;
    let rows = models::courses::summaries(connection, &course_ids)?;
    let reference = index.reference();
    let mut items: Vec<CourseSuggestion> = rows
        .into_iter()
        .filter_map(|row| {
            let models::courses::CourseSummary {
                id,
                title,
                provider,
                starts_on,
                capacity,
                commune_id: commune,
                ..
            } = row;
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

/// Open positions near the worker (in their district or commune, or abroad if willing) in
/// occupations the worker does not fit yet (neither desired nor trained for), by occupation.
fn gaps(
    connection: &mut DbConn,
    index: &SearchIndex,
    worker_id: &str,
    commune_id: &str,
    today: NaiveDate,
) -> QueryResult<HashMap<String, i64>> {
    let reference = index.reference();
    let (_, district) = reference.place_numbers(commune_id);
    let willing_overseas = models::workers::willing_overseas(connection, worker_id)?;
    let fits = models::workers::fitted_occupations(connection, worker_id)?;
    let mut gaps: HashMap<String, i64> = HashMap::new();
    for (occupation, commune, overseas, positions) in
        models::vacancies::open_positions(connection, today)?
    {
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
    Ok(gaps)
}
