//! Full-text search over the index: a query built by hand from the words typed (so nothing a
//! user types can fail to parse), filters as terms, facet counts and highlighted snippets.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

use super::analysis;
use super::documents::Kind;
use super::matching::Snapshot;
use super::schema::{Fields, status_name};

/// Most words of a query that count; the rest are ignored.
const MAX_WORDS: usize = 16;

/// What to look for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchSpec {
    pub q: String,
    /// Filter terms that must all hold, such as `district:119`.
    pub tags: Vec<String>,
    /// When set, at least one of these `unit:` ids (the caller's area).
    pub any_unit: Option<Vec<String>>,
    pub limit: usize,
    pub offset: usize,
}

/// What was found: the page's ids with scores, the total and facet counts.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub total: usize,
    pub hits: Vec<(String, f64)>,
    /// District code number → count.
    pub by_district: BTreeMap<u64, u64>,
    /// Household status → count (workers).
    pub by_household_status: BTreeMap<String, u64>,
}

fn term_query(field: tantivy::schema::Field, text: &str, boost: f64) -> Box<dyn Query> {
    let query = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    if (boost - 1.0).abs() < f64::EPSILON {
        Box::new(query)
    } else {
        Box::new(BoostQuery::new(Box::new(query), boost as Score))
    }
}

/// The text part of a query: every word must appear (accents ignored); the same words with
/// their accents, and the words side by side (each neighbouring pair a term of its own), score
/// higher.
pub fn text_query(fields: &Fields, q: &str) -> Option<Box<dyn Query>> {
    let mut folded = analysis::terms(q, true);
    folded.truncate(MAX_WORDS);
    if folded.is_empty() {
        return None;
    }
    let mut exact = analysis::terms(q, false);
    exact.truncate(MAX_WORDS);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in &folded {
        let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Should, term_query(fields.name_folded, word, 1.5)),
            (Occur::Should, term_query(fields.text_folded, word, 1.0)),
        ]));
        clauses.push((Occur::Must, either));
    }
    for word in &exact {
        clauses.push((Occur::Should, term_query(fields.name, word, 1.5)));
        clauses.push((Occur::Should, term_query(fields.text, word, 1.0)));
    }
    for pair in analysis::pairs(&folded) {
        clauses.push((Occur::Should, term_query(fields.pairs, &pair, 2.0)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The whole query: text, kind, filters, area.
pub fn build(fields: &Fields, kind: Kind, spec: &SearchSpec) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        Box::new(BoostQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(fields.kind, kind.as_str()),
                IndexRecordOption::Basic,
            )),
            0.0,
        )),
    )];
    if let Some(text) = text_query(fields, &spec.q) {
        clauses.push((Occur::Must, text));
    }
    for tag in &spec.tags {
        clauses.push((Occur::Must, filter(fields, tag)));
    }
    if let Some(units) = &spec.any_unit {
        let any: Vec<(Occur, Box<dyn Query>)> = units
            .iter()
            .map(|unit| (Occur::Should, filter(fields, &format!("unit:{unit}"))))
            .collect();
        // No unit at all matches nothing: an empty disjunction would match everything.
        if any.is_empty() {
            clauses.push((Occur::Must, filter(fields, "unit:")));
        } else {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

fn filter(fields: &Fields, tag: &str) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(fields.tags, tag),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

/// Runs a search.
pub fn search(
    snapshot: &Snapshot,
    fields: &Fields,
    kind: Kind,
    spec: &SearchSpec,
) -> tantivy::Result<Found> {
    let searcher = snapshot.searcher();
    let query = build(fields, kind, spec);
    let top = TopDocs::with_limit(spec.limit.max(1))
        .and_offset(spec.offset)
        .order_by_score();
    let (docs, total, facets) = searcher.search(&query, &(top, Count, FacetCollector))?;
    let mut hits = Vec::with_capacity(docs.len());
    for (score, address) in docs {
        let columns = &snapshot.columns()[address.segment_ord as usize];
        hits.push((columns.id(address.doc_id), f64::from(score)));
    }
    let mut by_household_status = BTreeMap::new();
    for (number, count) in facets.by_status {
        if let Some(name) = status_name(number) {
            by_household_status.insert(name.to_owned(), count);
        }
    }
    Ok(Found {
        total,
        hits,
        by_district: facets
            .by_district
            .into_iter()
            .filter(|(code, _)| *code != 0)
            .collect(),
        by_household_status,
    })
}

/// Searches answered on one state of the index, kept until it changes: officers repeat the
/// same searches, and the count and facets of a common word visit every record holding it.
/// What the index answers is all that is kept; every request still reads its records from
/// the database, is scoped by its caller (the area is part of the search) and is audited.
#[derive(Default)]
pub struct Remembered {
    state: Mutex<Option<(Generation, Answers)>>,
}

/// What was found, by search.
type Answers = HashMap<(Kind, SearchSpec), Arc<Found>>;

/// The segments of a state of the index and the deletions applied to each.
type Generation = BTreeMap<SegmentId, Option<u64>>;

/// Searches kept per state of the index, at most.
const REMEMBERED: usize = 1024;

impl Remembered {
    pub fn search(
        &self,
        snapshot: &Snapshot,
        fields: &Fields,
        kind: Kind,
        spec: &SearchSpec,
    ) -> tantivy::Result<Arc<Found>> {
        let generation = snapshot.searcher().generation().segments().clone();
        let key = (kind, spec.clone());
        if let Ok(state) = self.state.lock()
            && let Some((known, answers)) = state.as_ref()
            && *known == generation
            && let Some(found) = answers.get(&key)
        {
            return Ok(Arc::clone(found));
        }
        let found = Arc::new(search(snapshot, fields, kind, spec)?);
        if let Ok(mut state) = self.state.lock() {
            let answers = match state.as_mut() {
                Some((known, answers)) if *known == generation && answers.len() < REMEMBERED => {
                    answers
                }
                _ => &mut state.insert((generation, HashMap::new())).1,
            };
            answers.insert(key, Arc::clone(&found));
        }
        Ok(found)
    }
}

/// Highlights the words of the query in a record's text (HTML, escaped).
pub fn snippets(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
) -> tantivy::Result<SnippetGenerator> {
    let mut generator = SnippetGenerator::create(searcher, query, fields.text_folded)?;
    generator.set_max_num_chars(160);
    Ok(generator)
}

#[derive(Default)]
struct Facets {
    by_district: BTreeMap<u64, u64>,
    by_status: BTreeMap<u64, u64>,
}

struct FacetCollector;

struct FacetSegment {
    district: Column<u64>,
    status: Column<u64>,
    facets: Facets,
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let empty = || Column::build_empty_column(reader.max_doc());
        Ok(FacetSegment {
            district: reader
                .fast_fields()
                .column_opt("district")?
                .unwrap_or_else(empty),
            status: reader
                .fast_fields()
                .column_opt("household_status")?
                .unwrap_or_else(empty),
            facets: Facets::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Facets>) -> tantivy::Result<Facets> {
        let mut merged = Facets::default();
        for fruit in fruits {
            for (key, count) in fruit.by_district {
                *merged.by_district.entry(key).or_default() += count;
            }
            for (key, count) in fruit.by_status {
                *merged.by_status.entry(key).or_default() += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _: Score) {
        *self
            .facets
            .by_district
            .entry(self.district.first(doc).unwrap_or(0))
            .or_default() += 1;
        if let Some(status) = self.status.first(doc).filter(|status| *status > 0) {
            *self.facets.by_status.entry(status).or_default() += 1;
        }
    }

    fn harvest(self) -> Facets {
        self.facets
    }
}
