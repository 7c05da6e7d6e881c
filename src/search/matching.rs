//! Explained two-sided matching.
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

mod for_worker;
mod rank;
mod snapshot;

pub use for_worker::*;
pub use rank::*;
pub use snapshot::Snapshot;
pub(super) use snapshot::SnapshotCache;

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
#[inline]
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
