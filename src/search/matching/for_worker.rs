//! Worker → vacancies: every open vacancy scored for one worker, the same function in the other direction.

use super::*;

/// What a worker → vacancies query needs.
pub struct WorkerProbe<'a> {
    pub facts: WorkerFacts,
    /// Skills, qualifications, desired occupations' names.
    pub text: &'a str,
    /// Vacancies the worker is already referred to.
    pub referred: &'a [String],
    pub today: chrono::NaiveDate,
}

/// The best `limit` open vacancies for a worker.
pub fn vacancies_for_worker(
    snapshot: &Snapshot,
    fields: &Fields,
    weights: &Weights,
    probe: &WorkerProbe<'_>,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
    let searcher = snapshot.searcher();
    let worker = &probe.facts;
    let terms = text_terms(fields, probe.text);
    let ideal = ideal_text_score(searcher, &terms)?;
    let mut clauses = text_query(&terms, 1.0);
    clauses.push((
        Occur::Must,
        Box::new(BoostQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(fields.tags, "match:vacancy"),
                IndexRecordOption::Basic,
            )),
            0.0,
        )),
    ));
    let query = BooleanQuery::new(clauses);
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let today = crate::search::documents::day_number(probe.today);
    let willing_overseas = worker.flags & flag::WILLING_OVERSEAS != 0;
    let mut ranked = Vec::new();
    for (reader, columns) in searcher.segment_readers().iter().zip(snapshot.columns()) {
        let excluded = docs_with_ids(reader, fields, probe.referred)?;
        let alive = reader.alive_bitset();
        weight.for_each(reader, &mut |doc, text_score| {
            if alive.is_some_and(|bits| bits.is_deleted(doc)) || excluded.contains(&doc) {
                return;
            }
            let vacancy = columns.vacancy(doc);
            if vacancy.overseas && !willing_overseas {
                return;
            }
            if vacancy
                .deadline_day
                .is_some_and(|deadline| deadline < today)
            {
                return;
            }
            let (earliest, latest) = birth_window(probe.today, vacancy.min_age, vacancy.max_age);
            if worker.birth_day < earliest || worker.birth_day > latest {
                return;
            }
            let relevance = if ideal > 0.0 {
                f64::from(text_score) / ideal
            } else {
                0.0
            };
            let (components, reasons) = score(weights, worker, &vacancy, relevance);
            ranked.push(Ranked {
                id: vacancy.id,
                score: components.total(),
                components,
                reasons,
            });
        })?;
    }
    sort_and_cut(&mut ranked, limit);
    Ok(ranked)
}
