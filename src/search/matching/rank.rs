//! Ranking: the candidates of a vacancy found in the index and scored exactly from fast fields.

use super::*;

/// A ranked match.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: String,
    pub score: f64,
    pub components: Components,
    pub reasons: Reasons,
}

/// Fast-field columns of one segment.
pub struct Columns {
    id: Option<StrColumn>,
    commune: Column<u64>,
    district: Column<u64>,
    household_status: Column<u64>,
    birth_day: Column<i64>,
    occupations: Column<u64>,
    trained: Column<u64>,
    flags: Column<u64>,
    open_referrals: Column<u64>,
    min_age: Column<u64>,
    max_age: Column<u64>,
    deadline_day: Column<i64>,
}

pub(super) fn column<T>(reader: &SegmentReader, name: &str) -> tantivy::Result<Column<T>>
where
    T: PartialOrd
        + Copy
        + Default
        + tantivy::columnar::HasAssociatedColumnType
        + Send
        + Sync
        + 'static,
    tantivy::columnar::DynamicColumn: Into<Option<Column<T>>>,
{
    Ok(reader
        .fast_fields()
        .column_opt(name)?
        .unwrap_or_else(|| Column::build_empty_column(reader.max_doc())))
}

impl Columns {
    pub fn open(reader: &SegmentReader) -> tantivy::Result<Columns> {
        Ok(Columns {
            id: reader.fast_fields().str("id")?,
            commune: column(reader, "commune")?,
            district: column(reader, "district")?,
            household_status: column(reader, "household_status")?,
            birth_day: column(reader, "birth_day")?,
            occupations: column(reader, "occupations")?,
            trained: column(reader, "trained")?,
            flags: column(reader, "flags")?,
            open_referrals: column(reader, "open_referrals")?,
            min_age: column(reader, "min_age")?,
            max_age: column(reader, "max_age")?,
            deadline_day: column(reader, "deadline_day")?,
        })
    }

    pub fn id(&self, doc: DocId) -> String {
        let mut id = String::new();
        if let Some(column) = &self.id
            && let Some(ord) = column.term_ords(doc).next()
        {
            let _ = column.ord_to_str(ord, &mut id);
        }
        id
    }

    pub fn flags(&self, doc: DocId) -> u64 {
        self.flags.first(doc).unwrap_or(0)
    }

    pub fn birth_day(&self, doc: DocId) -> Option<i64> {
        self.birth_day.first(doc)
    }

    pub fn worker(&self, doc: DocId) -> WorkerFacts {
        WorkerFacts {
            id: self.id(doc),
            ..self.worker_without_id(doc)
        }
    }

    /// [`Columns::worker`] without the id, which is the one costly field to read.
    pub fn worker_without_id(&self, doc: DocId) -> WorkerFacts {
        WorkerFacts {
            id: String::new(),
            commune: self.commune.first(doc).unwrap_or(0),
            district: self.district.first(doc).unwrap_or(0),
            household_status: self.household_status.first(doc).unwrap_or(0),
            birth_day: self.birth_day.first(doc).unwrap_or(0),
            occupations: self.occupations.values_for_doc(doc).collect(),
            trained: self.trained.values_for_doc(doc).collect(),
            flags: self.flags(doc),
            open_referrals: self.open_referrals.first(doc).unwrap_or(0),
        }
    }

    pub fn vacancy(&self, doc: DocId) -> VacancyFacts {
        let age = |column: &Column<u64>| {
            column
                .first(doc)
                .filter(|age| *age > 0)
                .map(|age| age.min(u64::from(u32::MAX)) as u32)
        };
        VacancyFacts {
            id: self.id(doc),
            occupation: self.occupations.first(doc).unwrap_or(0),
            commune: self.commune.first(doc).unwrap_or(0),
            district: self.district.first(doc).unwrap_or(0),
            overseas: self.flags(doc) & flag::OVERSEAS != 0,
            min_age: age(&self.min_age),
            max_age: age(&self.max_age),
            deadline_day: self.deadline_day.first(doc).filter(|day| *day != i64::MAX),
        }
    }

    pub fn household_status(&self, doc: DocId) -> u64 {
        self.household_status.first(doc).unwrap_or(0)
    }

    pub fn district(&self, doc: DocId) -> u64 {
        self.district.first(doc).unwrap_or(0)
    }
}

/// The birth days a worker may have to be within `[min_age, max_age]` on `today` (days since
/// 1970): `(earliest, latest)`.
pub fn birth_window(
    today: chrono::NaiveDate,
    min_age: Option<u32>,
    max_age: Option<u32>,
) -> (i64, i64) {
    use chrono::Months;
    let latest = min_age
        .and_then(|age| today.checked_sub_months(Months::new(12 * age)))
        .map_or(i64::MAX, crate::search::documents::day_number);
    // Older than max_age means born on or before today - (max_age + 1) years.
    let earliest = max_age
        .and_then(|age| today.checked_sub_months(Months::new(12 * (age + 1))))
        .map_or(i64::MIN, |day| {
            crate::search::documents::day_number(day) + 1
        });
    (earliest, latest)
}

/// The BM25 score of a single-token match in a field without norms (each token counts once):
/// what a boost of 1 gives a matching-code term.
pub(super) fn unit_score(searcher: &Searcher, term: &Term) -> tantivy::Result<f64> {
    let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?;
    Ok(f64::from(
        weight.score(FieldNormReader::fieldnorm_to_id(1), 1),
    ))
}

/// The sum of the terms' idf: the BM25 score of a document of average length holding each
/// term once, which text relevance is measured against.
pub(super) fn ideal_text_score(searcher: &Searcher, terms: &[Term]) -> tantivy::Result<f64> {
    let mut ideal = 0.0;
    for term in terms {
        let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?;
        ideal += f64::from(weight.max_score()) / 2.2;
    }
    Ok(ideal)
}

pub(super) fn text_terms(fields: &Fields, text: &str) -> Vec<Term> {
    let mut words = analysis::terms(text, true);
    words.sort();
    words.dedup();
    words
        .into_iter()
        .map(|word| Term::from_field_text(fields.match_text, &word))
        .collect()
}

pub(super) fn text_query(terms: &[Term], boost: f64) -> Vec<(Occur, Box<dyn Query>)> {
    terms
        .iter()
        .map(|term| {
            let query: Box<dyn Query> = Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                boost as Score,
            ));
            (Occur::Should, query)
        })
        .collect()
}

#[derive(PartialEq)]
pub(super) struct Candidate {
    pub(super) score: Score,
    pub(super) segment: u32,
    pub(super) doc: DocId,
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

// Reverse order: the heap's top is the weakest candidate.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| (self.segment, self.doc).cmp(&(other.segment, other.doc)))
    }
}

/// What a vacancy → workers query needs.
pub struct VacancyProbe<'a> {
    pub facts: VacancyFacts,
    /// Title, skills wanted, occupation name.
    pub text: &'a str,
    /// Workers already referred to this vacancy.
    pub referred: &'a [String],
    pub today: chrono::NaiveDate,
}

/// A word held by more than 1 in this many matchable profiles is too common to select
/// candidates.
pub(super) const COMMON_WORD_SHARE: u64 = 5;

/// Candidates scored exactly per vacancy query, at least.
pub(super) const CANDIDATES: usize = 60;

/// The best `limit` workers for a vacancy.
pub fn workers_for_vacancy(
    snapshot: &Snapshot,
    fields: &Fields,
    weights: &Weights,
    probe: &VacancyProbe<'_>,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
    let searcher = snapshot.searcher();
    let vacancy = &probe.facts;
    let terms = text_terms(fields, probe.text);
    let ideal = ideal_text_score(searcher, &terms)?;
    let Some(query) = candidate_query(searcher, fields, weights, vacancy, &terms, ideal)? else {
        return Ok(Vec::new());
    };
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let (earliest, latest) = birth_window(probe.today, vacancy.min_age, vacancy.max_age);
    let keep = CANDIDATES.max(limit * 3);
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(keep + 1);
    let mut threshold: Score = 0.0;
    let columns = snapshot.columns();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let segment_columns = &columns[segment];
        let excluded = docs_with_ids(reader, fields, probe.referred)?;
        let alive = reader.alive_bitset();
        let start = threshold;
        {
            let mut callback = |doc: DocId, score: Score| -> Score {
                if alive.is_some_and(|bits| bits.is_deleted(doc)) || excluded.contains(&doc) {
                    return threshold;
                }
                let flags = segment_columns.flags(doc);
                if vacancy.overseas && flags & flag::WILLING_OVERSEAS == 0 {
                    return threshold;
                }
                let Some(born) = segment_columns.birth_day(doc) else {
                    return threshold;
                };
                if born < earliest || born > latest {
                    return threshold;
                }
                heap.push(Candidate {
                    score,
                    segment: segment as u32,
                    doc,
                });
                if heap.len() > keep {
                    heap.pop();
                }
                if heap.len() == keep {
                    threshold = heap.peek().map_or(threshold, |weakest| weakest.score);
                }
                threshold
            };
            weight.for_each_pruning(start, reader, &mut callback)?;
        }
    }
    let mut candidates: Vec<(u32, DocId)> = heap
        .into_vec()
        .into_iter()
        .map(|candidate| (candidate.segment, candidate.doc))
        .collect();
    candidates.sort_unstable();
    let scored = exact_scores(
        searcher,
        weights,
        vacancy,
        &terms,
        ideal,
        columns,
        &candidates,
    )?;
    Ok(best(scored, columns, limit))
}

/// The query that selects a vacancy's candidates: its selective words and the match codes of
/// its occupation, training, priority group and place. `None` when nothing could match.
fn candidate_query(
    searcher: &Searcher,
    fields: &Fields,
    weights: &Weights,
    vacancy: &VacancyFacts,
    terms: &[Term],
    ideal: f64,
) -> tantivy::Result<Option<BooleanQuery>> {
    // Words most profiles hold (`công`, `nhân`) add little to any score but make every
    // profile a candidate; the exact pass still counts them.
    let matchable = searcher.doc_freq(&Term::from_field_text(fields.tags, "match:worker"))?;
    let mut selective = Vec::with_capacity(terms.len());
    for term in terms {
        if searcher.doc_freq(term)? * COMMON_WORD_SHARE <= matchable {
            selective.push(term.clone());
        }
    }
    let mut clauses = if ideal > 0.0 {
        text_query(&selective, weights.text / ideal)
    } else {
        Vec::new()
    };
    let occupation = format!("{:04}", vacancy.occupation);
    let mut codes: Vec<(String, f64)> = vec![
        (format!("o{occupation}"), weights.occupation * 0.5),
        (
            format!("g{}", group(vacancy.occupation)),
            weights.occupation * 0.5,
        ),
        (format!("t{occupation}"), weights.training),
        // Minority, disability and relocation weigh too little to change who is among the
        // candidates, yet most workers carry one of them; leaving them to the exact pass
        // keeps block-max WAND pruning.
        ("p_target".to_owned(), weights.priority * 0.7),
    ];
    if !vacancy.overseas {
        if vacancy.commune != 0 {
            codes.push((format!("c{}", vacancy.commune), weights.distance * 0.4));
        }
        if vacancy.district != 0 {
            codes.push((format!("d{}", vacancy.district), weights.distance * 0.4));
        }
    }
    for (code, weight) in codes {
        let term = Term::from_field_text(fields.match_code, &code);
        let unit = unit_score(searcher, &term)?;
        if weight <= 0.0 || unit <= 0.0 || searcher.doc_freq(&term)? == 0 {
            continue;
        }
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                (weight / unit) as Score,
            )),
        ));
    }
    Ok((!clauses.is_empty()).then(|| BooleanQuery::new(clauses)))
}

/// The `limit` best of the exactly scored candidates, ties at the last place ordered by id.
fn best(mut scored: Vec<Scored>, columns: &[Columns], limit: usize) -> Vec<Ranked> {
    // Ids only for the few that are returned: reading one decodes a dictionary block.
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| (a.1, a.2).cmp(&(b.1, b.2)))
    });
    // Keep everyone tied with the last place, so equal scores are ordered by id below and not
    // by where the index happened to store them.
    let mut keep = limit.min(scored.len());
    if let Some(last) = keep.checked_sub(1).map(|at| scored[at].0) {
        while keep < scored.len() && scored[keep].0 == last {
            keep += 1;
        }
    }
    scored.truncate(keep);
    let mut ranked: Vec<Ranked> = scored
        .into_iter()
        .map(|(score, segment, doc, components, reasons)| Ranked {
            id: columns[segment as usize].id(doc),
            score,
            components,
            reasons,
        })
        .collect();
    sort_and_cut(&mut ranked, limit);
    ranked
}

pub(super) type Scored = (f64, u32, DocId, Components, Reasons);

/// The exact score of each candidate (sorted by segment and doc): text relevance alone from
/// a text-only scorer, every other component from fast fields.
pub(super) fn exact_scores(
    searcher: &Searcher,
    weights: &Weights,
    vacancy: &VacancyFacts,
    terms: &[Term],
    ideal: f64,
    columns: &[Columns],
    candidates: &[(u32, DocId)],
) -> tantivy::Result<Vec<Scored>> {
    let text_only = BooleanQuery::new(text_query(terms, 1.0));
    let text_weight = text_only.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut scored = Vec::with_capacity(candidates.len());
    let mut at = 0;
    while at < candidates.len() {
        let segment = candidates[at].0;
        let reader = searcher.segment_reader(segment);
        let mut scorer = if terms.is_empty() {
            None
        } else {
            Some(text_weight.scorer(reader, 1.0)?)
        };
        while at < candidates.len() && candidates[at].0 == segment {
            let doc = candidates[at].1;
            let text_score = match scorer.as_mut() {
                Some(scorer) => {
                    if scorer.doc() < doc {
                        scorer.seek(doc);
                    }
                    if scorer.doc() == doc {
                        f64::from(scorer.score())
                    } else {
                        0.0
                    }
                }
                None => 0.0,
            };
            let worker = columns[segment as usize].worker_without_id(doc);
            let relevance = if ideal > 0.0 { text_score / ideal } else { 0.0 };
            let (components, reasons) = score(weights, &worker, vacancy, relevance);
            scored.push((components.total(), segment, doc, components, reasons));
            at += 1;
        }
    }
    Ok(scored)
}

/// Ketnoi's score of each listed worker for a vacancy, by component (`None` for one not in
/// the index): for keeping the match with a referral, and for comparing another engine's
/// ranking with this one.
pub fn score_listed(
    snapshot: &Snapshot,
    fields: &Fields,
    weights: &Weights,
    probe: &VacancyProbe<'_>,
    ids: &[String],
) -> tantivy::Result<Vec<Option<Ranked>>> {
    let searcher = snapshot.searcher();
    let terms = text_terms(fields, probe.text);
    let ideal = ideal_text_score(searcher, &terms)?;
    let columns = snapshot.columns();
    let mut scores = Vec::with_capacity(ids.len());
    for id in ids {
        let ranked = match find_doc(searcher, fields, id)? {
            Some(found) => exact_scores(
                searcher,
                weights,
                &probe.facts,
                &terms,
                ideal,
                columns,
                &[found],
            )?
            .pop()
            .map(|(score, _, _, components, reasons)| Ranked {
                id: id.clone(),
                score,
                components,
                reasons,
            }),
            None => None,
        };
        scores.push(ranked);
    }
    Ok(scores)
}

pub(super) fn sort_and_cut(ranked: &mut Vec<Ranked>, limit: usize) {
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    ranked.truncate(limit);
}

/// Documents of a segment whose id is one of `ids`.
pub(super) fn docs_with_ids(
    reader: &SegmentReader,
    fields: &Fields,
    ids: &[String],
) -> tantivy::Result<HashSet<DocId>> {
    use tantivy::DocSet;
    let mut docs = HashSet::new();
    if ids.is_empty() {
        return Ok(docs);
    }
    let inverted = reader.inverted_index(fields.id)?;
    for id in ids {
        let term = Term::from_field_text(fields.id, id);
        if let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? {
            while postings.doc() != tantivy::TERMINATED {
                docs.insert(postings.doc());
                postings.advance();
            }
        }
    }
    Ok(docs)
}

/// The live document of a record, if indexed: (segment, doc).
pub fn find_doc(
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
) -> tantivy::Result<Option<(u32, DocId)>> {
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let alive = reader.alive_bitset();
        for doc in docs_with_ids(reader, fields, &[id.to_owned()])? {
            if !alive.is_some_and(|bits| bits.is_deleted(doc)) {
                return Ok(Some((segment as u32, doc)));
            }
        }
    }
    Ok(None)
}

/// The worker's facts from the index.
pub fn worker_facts(
    snapshot: &Snapshot,
    fields: &Fields,
    id: &str,
) -> tantivy::Result<Option<WorkerFacts>> {
    let found = find_doc(snapshot.searcher(), fields, id)?;
    Ok(found.map(|(segment, doc)| snapshot.columns()[segment as usize].worker(doc)))
}

/// The vacancy's facts from the index.
pub fn vacancy_facts(
    snapshot: &Snapshot,
    fields: &Fields,
    id: &str,
) -> tantivy::Result<Option<VacancyFacts>> {
    let found = find_doc(snapshot.searcher(), fields, id)?;
    Ok(found.map(|(segment, doc)| snapshot.columns()[segment as usize].vacancy(doc)))
}
