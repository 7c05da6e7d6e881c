//! Explained two-sided matching (DESIGN §4).
//!
//! Vacancy → workers runs in two steps. Candidates come from one disjunction of term queries
//! over the matching fields, which only workers who seek work and consented carry, so tantivy
//! can prune with block-max WAND: the vacancy's words, its occupation and group, training for
//! it, its commune and district, and the policy-priority tokens, each boosted to about the
//! weight it has in the final score. The best few hundred candidates that pass the hard
//! filters are then scored exactly from fast fields, component by component, and re-ranked;
//! congestion damping, which only lowers a score, is applied there.
//!
//! Worker → vacancies scores every open vacancy (there are thousands, not millions) the same
//! way. The score of a pair is the same function in both directions, except that text
//! relevance is the one side's words found in the other's.

use std::collections::{BinaryHeap, HashSet};

use serde::Serialize;
use tantivy::columnar::{Column, StrColumn};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

use super::analysis;
use super::schema::{Fields, flag, status_name};
use crate::i18n::Lang;

/// How much each component weighs. Defaults favour the programme's target households (the
/// more-than-half target) without letting priority outweigh fit: a poor household's worker
/// with no relevant skill does not outrank one who fits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Weights {
    pub text: f64,
    pub occupation: f64,
    pub distance: f64,
    pub training: f64,
    pub priority: f64,
    pub congestion: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            text: 0.30,
            occupation: 0.25,
            distance: 0.15,
            training: 0.10,
            priority: 0.20,
            congestion: 0.15,
        }
    }
}

impl Weights {
    /// Parses `text=0.3,priority=0.25,…` over the defaults (`KETNOI_MATCH_WEIGHTS`).
    pub fn parse(spec: &str) -> Result<Weights, String> {
        let mut weights = Weights::default();
        for part in spec
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
        {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not name=value"))?;
            let value: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|value: &f64| value.is_finite() && (0.0..=10.0).contains(value))
                .ok_or_else(|| format!("`{part}`: the weight must be a number from 0 to 10"))?;
            let slot = match name.trim() {
                "text" => &mut weights.text,
                "occupation" => &mut weights.occupation,
                "distance" => &mut weights.distance,
                "training" => &mut weights.training,
                "priority" => &mut weights.priority,
                "congestion" => &mut weights.congestion,
                other => return Err(format!("unknown weight `{other}`")),
            };
            *slot = value;
        }
        Ok(weights)
    }
}

/// Each component's contribution (already weighted): they add up to the score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Components {
    pub text_relevance: f64,
    pub occupation: f64,
    pub distance: f64,
    pub training: f64,
    pub policy_priority: f64,
    /// Zero or negative: damping for a worker with many open referrals.
    pub congestion: f64,
}

impl Components {
    pub fn total(&self) -> f64 {
        self.text_relevance
            + self.occupation
            + self.distance
            + self.training
            + self.policy_priority
            + self.congestion
    }
}

/// A worker as matching sees it (from the index's fast fields).
#[derive(Debug, Clone, Default)]
pub struct WorkerFacts {
    pub id: String,
    pub commune: u64,
    pub district: u64,
    pub household_status: u64,
    pub birth_day: i64,
    pub occupations: Vec<u64>,
    pub trained: Vec<u64>,
    pub flags: u64,
    pub open_referrals: u64,
}

/// A vacancy as matching sees it.
#[derive(Debug, Clone, Default)]
pub struct VacancyFacts {
    pub id: String,
    pub occupation: u64,
    pub commune: u64,
    pub district: u64,
    pub overseas: bool,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    pub deadline_day: Option<i64>,
}

/// Why a pair scores what it does, in words.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reasons {
    pub text_relevance: f64,
    pub same_occupation: bool,
    pub same_group: bool,
    pub place: Place,
    pub trained_same: bool,
    pub trained_group: bool,
    pub target_household: Option<u64>,
    pub minority: bool,
    pub disabled: bool,
    pub open_referrals: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Place {
    SameCommune,
    SameDistrict,
    Relocate,
    #[default]
    Province,
    Abroad,
}

/// Open referrals at which damping is full.
const CONGESTION_FULL: u64 = 4;

fn group(code: u64) -> u64 {
    code / 100
}

/// The score of a pair, by component.
pub fn score(
    weights: &Weights,
    worker: &WorkerFacts,
    vacancy: &VacancyFacts,
    text_relevance: f64,
) -> (Components, Reasons) {
    let same_occupation = worker.occupations.contains(&vacancy.occupation);
    let same_group = !same_occupation
        && worker
            .occupations
            .iter()
            .any(|code| group(*code) == group(vacancy.occupation));
    let trained_same = worker.trained.contains(&vacancy.occupation);
    let trained_group = !trained_same
        && worker
            .trained
            .iter()
            .any(|code| group(*code) == group(vacancy.occupation));
    let place = if vacancy.overseas {
        Place::Abroad
    } else if vacancy.commune != 0 && worker.commune == vacancy.commune {
        Place::SameCommune
    } else if vacancy.district != 0 && worker.district == vacancy.district {
        Place::SameDistrict
    } else if worker.flags & flag::RELOCATE != 0 {
        Place::Relocate
    } else {
        Place::Province
    };
    let target = matches!(
        status_name(worker.household_status),
        Some("poor" | "near_poor" | "newly_escaped")
    );
    let minority = worker.flags & flag::MINORITY != 0;
    let disabled = worker.flags & flag::DISABLED != 0;
    let text_relevance = text_relevance.clamp(0.0, 1.0);
    let components = Components {
        text_relevance: weights.text * text_relevance,
        occupation: weights.occupation
            * if same_occupation {
                1.0
            } else if same_group {
                0.5
            } else {
                0.0
            },
        distance: weights.distance
            * match place {
                Place::SameCommune => 1.0,
                Place::SameDistrict => 0.6,
                Place::Abroad => 0.5,
                Place::Relocate => 0.4,
                Place::Province => 0.2,
            },
        training: weights.training
            * if trained_same {
                1.0
            } else if trained_group {
                0.5
            } else {
                0.0
            },
        policy_priority: weights.priority
            * (0.7 * f64::from(u8::from(target))
                + 0.15 * f64::from(u8::from(minority))
                + 0.15 * f64::from(u8::from(disabled))),
        // `0.0 -` rather than a negation, so no damping reads 0, not -0.
        congestion: 0.0
            - weights.congestion
                * (worker.open_referrals.min(CONGESTION_FULL) as f64 / CONGESTION_FULL as f64),
    };
    let reasons = Reasons {
        text_relevance,
        same_occupation,
        same_group,
        place,
        trained_same,
        trained_group,
        target_household: target.then_some(worker.household_status),
        minority,
        disabled,
        open_referrals: worker.open_referrals,
    };
    (components, reasons)
}

/// The explanation an employer may read: how the person fits the work, without what the
/// programme knows of them (household, ethnicity, disability) or of their other referrals.
pub fn explain_for_employer(reasons: &Reasons, lang: Lang) -> String {
    explain(
        &Reasons {
            target_household: None,
            minority: false,
            disabled: false,
            open_referrals: 0,
            ..*reasons
        },
        lang,
    )
}

/// One sentence for staff.
pub fn explain(reasons: &Reasons, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let mut parts: Vec<String> = Vec::new();
    let percent = (reasons.text_relevance * 100.0).round();
    if percent > 0.0 {
        parts.push(if vi {
            format!("kỹ năng khớp {percent}% mô tả")
        } else {
            format!("skills match {percent}% of the description")
        });
    }
    if reasons.same_occupation {
        parts.push(
            if vi {
                "đúng nghề mong muốn"
            } else {
                "wants this occupation"
            }
            .to_owned(),
        );
    } else if reasons.same_group {
        parts.push(
            if vi {
                "nghề cùng nhóm"
            } else {
                "an occupation of the same group"
            }
            .to_owned(),
        );
    }
    parts.push(
        match (reasons.place, vi) {
            (Place::SameCommune, true) => "cùng xã",
            (Place::SameCommune, false) => "same commune",
            (Place::SameDistrict, true) => "cùng huyện",
            (Place::SameDistrict, false) => "same district",
            (Place::Relocate, true) => "sẵn sàng đi làm xa",
            (Place::Relocate, false) => "willing to relocate",
            (Place::Province, true) => "trong tỉnh",
            (Place::Province, false) => "in the province",
            (Place::Abroad, true) => "sẵn sàng đi làm việc ở nước ngoài",
            (Place::Abroad, false) => "willing to work abroad",
        }
        .to_owned(),
    );
    if reasons.trained_same {
        parts.push(
            if vi {
                "đã học nghề này"
            } else {
                "trained for this occupation"
            }
            .to_owned(),
        );
    } else if reasons.trained_group {
        parts.push(
            if vi {
                "đã học nghề cùng nhóm"
            } else {
                "trained in a related occupation"
            }
            .to_owned(),
        );
    }
    if let Some(status) = reasons.target_household.and_then(status_name) {
        parts.push(
            match (status, vi) {
                ("poor", true) => "ưu tiên: hộ nghèo",
                ("near_poor", true) => "ưu tiên: hộ cận nghèo",
                (_, true) => "ưu tiên: hộ mới thoát nghèo",
                ("poor", false) => "priority: poor household",
                ("near_poor", false) => "priority: near-poor household",
                (_, false) => "priority: newly escaped poverty",
            }
            .to_owned(),
        );
    }
    if reasons.minority {
        parts.push(
            if vi {
                "ưu tiên: dân tộc thiểu số"
            } else {
                "priority: ethnic minority"
            }
            .to_owned(),
        );
    }
    if reasons.disabled {
        parts.push(
            if vi {
                "ưu tiên: người khuyết tật"
            } else {
                "priority: disability"
            }
            .to_owned(),
        );
    }
    if reasons.open_referrals > 0 {
        parts.push(if vi {
            format!(
                "giảm điểm vì đang có {} giới thiệu chờ trả lời",
                reasons.open_referrals
            )
        } else {
            format!(
                "damped: {} referrals awaiting an answer",
                reasons.open_referrals
            )
        });
    }
    let mut sentence = parts.join(", ");
    if let Some(first) = sentence.get(..1) {
        let upper = first.to_uppercase();
        sentence.replace_range(..1, &upper);
    }
    sentence.push('.');
    sentence
}

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

fn column<T>(reader: &SegmentReader, name: &str) -> tantivy::Result<Column<T>>
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
        .map_or(i64::MAX, super::documents::day_number);
    // Older than max_age means born on or before today - (max_age + 1) years.
    let earliest = max_age
        .and_then(|age| today.checked_sub_months(Months::new(12 * (age + 1))))
        .map_or(i64::MIN, |day| super::documents::day_number(day) + 1);
    (earliest, latest)
}

/// The BM25 score of a single-token match in a field without norms (each token counts once):
/// what a boost of 1 gives a matching-code term.
fn unit_score(searcher: &Searcher, term: &Term) -> tantivy::Result<f64> {
    let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?;
    Ok(f64::from(
        weight.score(FieldNormReader::fieldnorm_to_id(1), 1),
    ))
}

/// The sum of the terms' idf: the BM25 score of a document of average length holding each
/// term once, which text relevance is measured against.
fn ideal_text_score(searcher: &Searcher, terms: &[Term]) -> tantivy::Result<f64> {
    let mut ideal = 0.0;
    for term in terms {
        let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?;
        ideal += f64::from(weight.max_score()) / 2.2;
    }
    Ok(ideal)
}

fn text_terms(fields: &Fields, text: &str) -> Vec<Term> {
    let mut words = analysis::terms(text, true);
    words.sort();
    words.dedup();
    words
        .into_iter()
        .map(|word| Term::from_field_text(fields.match_text, &word))
        .collect()
}

fn text_query(terms: &[Term], boost: f64) -> Vec<(Occur, Box<dyn Query>)> {
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
struct Candidate {
    score: Score,
    segment: u32,
    doc: DocId,
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
const COMMON_WORD_SHARE: u64 = 5;

/// Candidates scored exactly per vacancy query, at least.
const CANDIDATES: usize = 60;

/// The best `limit` workers for a vacancy.
pub fn workers_for_vacancy(
    searcher: &Searcher,
    fields: &Fields,
    weights: &Weights,
    probe: &VacancyProbe<'_>,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
    let vacancy = &probe.facts;
    let terms = text_terms(fields, probe.text);
    let ideal = ideal_text_score(searcher, &terms)?;
    // Words most profiles hold (`công`, `nhân`) add little to any score but make every
    // profile a candidate; the exact pass still counts them.
    let matchable = searcher.doc_freq(&Term::from_field_text(fields.tags, "match:worker"))?;
    let mut selective = Vec::with_capacity(terms.len());
    for term in &terms {
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
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    let query = BooleanQuery::new(clauses);
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let (earliest, latest) = birth_window(probe.today, vacancy.min_age, vacancy.max_age);
    let keep = CANDIDATES.max(limit * 3);
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(keep + 1);
    let mut threshold: Score = 0.0;
    let mut columns: Vec<Columns> = Vec::new();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let segment_columns = Columns::open(reader)?;
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
        columns.push(segment_columns);
    }
    let mut candidates: Vec<(u32, DocId)> = heap
        .into_vec()
        .into_iter()
        .map(|candidate| (candidate.segment, candidate.doc))
        .collect();
    candidates.sort_unstable();
    let mut scored = exact_scores(
        searcher,
        weights,
        vacancy,
        &terms,
        ideal,
        &columns,
        &candidates,
    )?;
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
    Ok(ranked)
}

type Scored = (f64, u32, DocId, Components, Reasons);

/// The exact score of each candidate (sorted by segment and doc): text relevance alone from
/// a text-only scorer, every other component from fast fields.
fn exact_scores(
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
    searcher: &Searcher,
    fields: &Fields,
    weights: &Weights,
    probe: &VacancyProbe<'_>,
    ids: &[String],
) -> tantivy::Result<Vec<Option<Ranked>>> {
    let terms = text_terms(fields, probe.text);
    let ideal = ideal_text_score(searcher, &terms)?;
    let columns = searcher
        .segment_readers()
        .iter()
        .map(Columns::open)
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut scores = Vec::with_capacity(ids.len());
    for id in ids {
        let ranked = match find_doc(searcher, fields, id)? {
            Some(found) => exact_scores(
                searcher,
                weights,
                &probe.facts,
                &terms,
                ideal,
                &columns,
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

fn sort_and_cut(ranked: &mut Vec<Ranked>, limit: usize) {
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    ranked.truncate(limit);
}

/// Documents of a segment whose id is one of `ids`.
fn docs_with_ids(
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
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
) -> tantivy::Result<Option<WorkerFacts>> {
    let Some((segment, doc)) = find_doc(searcher, fields, id)? else {
        return Ok(None);
    };
    Ok(Some(
        Columns::open(searcher.segment_reader(segment))?.worker(doc),
    ))
}

/// The vacancy's facts from the index.
pub fn vacancy_facts(
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
) -> tantivy::Result<Option<VacancyFacts>> {
    let Some((segment, doc)) = find_doc(searcher, fields, id)? else {
        return Ok(None);
    };
    Ok(Some(
        Columns::open(searcher.segment_reader(segment))?.vacancy(doc),
    ))
}

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
    searcher: &Searcher,
    fields: &Fields,
    weights: &Weights,
    probe: &WorkerProbe<'_>,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
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
    let today = super::documents::day_number(probe.today);
    let willing_overseas = worker.flags & flag::WILLING_OVERSEAS != 0;
    let mut ranked = Vec::new();
    for reader in searcher.segment_readers() {
        let columns = Columns::open(reader)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn worker() -> WorkerFacts {
        WorkerFacts {
            id: "w".into(),
            commune: 3646,
            district: 119,
            household_status: 1,
            birth_day: 0,
            occupations: vec![8153],
            trained: vec![8152],
            flags: flag::ELIGIBLE | flag::MINORITY,
            open_referrals: 2,
        }
    }

    fn vacancy() -> VacancyFacts {
        VacancyFacts {
            id: "v".into(),
            occupation: 8153,
            commune: 3646,
            district: 119,
            ..VacancyFacts::default()
        }
    }

    #[test]
    fn components_add_up_to_the_score_and_explain_themselves() {
        let weights = Weights::default();
        let (components, reasons) = score(&weights, &worker(), &vacancy(), 0.5);
        assert!((components.text_relevance - 0.15).abs() < 1e-9);
        assert!((components.occupation - 0.25).abs() < 1e-9);
        assert!((components.distance - 0.15).abs() < 1e-9);
        assert!((components.training - 0.05).abs() < 1e-9);
        assert!((components.policy_priority - 0.20 * 0.85).abs() < 1e-9);
        assert!((components.congestion + 0.075).abs() < 1e-9);
        let sum = 0.15 + 0.25 + 0.15 + 0.05 + 0.17 - 0.075;
        assert!((components.total() - sum).abs() < 1e-9);
        let vi = explain(&reasons, Lang::Vi);
        assert!(vi.starts_with("Kỹ năng khớp 50% mô tả"), "{vi}");
        assert!(
            vi.contains("cùng xã") && vi.contains("hộ nghèo") && vi.contains("2 giới thiệu"),
            "{vi}"
        );
        assert!(explain(&reasons, Lang::En).contains("same commune"));
    }

    #[test]
    fn gender_age_and_ethnicity_never_lower_a_score() {
        let weights = Weights::default();
        let base = worker();
        let (reference, _) = score(&weights, &base, &vacancy(), 0.5);
        // Age: any birth day gives the same score (age is a hard filter only).
        let older = WorkerFacts {
            birth_day: -9000,
            ..base.clone()
        };
        assert_eq!(score(&weights, &older, &vacancy(), 0.5).0, reference);
        // Ethnicity: being Kinh instead of a minority never scores higher than the boost allows,
        // and being a minority never scores lower.
        let kinh = WorkerFacts {
            flags: base.flags & !flag::MINORITY,
            ..base.clone()
        };
        assert!(score(&weights, &kinh, &vacancy(), 0.5).0.total() <= reference.total());
    }

    #[test]
    fn weights_parse_over_the_defaults_and_refuse_nonsense() {
        let weights = Weights::parse("priority=0.3, text=0.2").unwrap_or_default();
        assert!((weights.priority - 0.3).abs() < 1e-9 && (weights.text - 0.2).abs() < 1e-9);
        assert!((weights.distance - 0.15).abs() < 1e-9);
        assert!(Weights::parse("speed=1").is_err());
        assert!(Weights::parse("text=-1").is_err());
        assert!(Weights::parse("text").is_err());
    }

    #[test]
    fn birth_window_bounds_are_inclusive_ages() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let (earliest, latest) = birth_window(today, Some(18), Some(35));
        let day = |y, m, d| {
            super::super::documents::day_number(
                chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(),
            )
        };
        assert_eq!(latest, day(2008, 11, 27)); // turns 18 today
        assert!(day(2008, 11, 28) > latest);
        assert_eq!(earliest, day(1990, 11, 28)); // still 35 until tomorrow
        assert!(day(1990, 11, 27) < earliest); // 36 today
    }
}
