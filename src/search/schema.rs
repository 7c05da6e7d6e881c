//! The index's fields. Bump [`SCHEMA_VERSION`] whenever fields or analysis change: an index
//! built with another version is rebuilt at start-up.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analysis;

pub const SCHEMA_VERSION: u32 = 4;

/// Handles to every field.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// `worker`, `vacancy` or `course`.
    pub kind: Field,
    /// The record's id (indexed for delete-by-id, fast for reading back).
    pub id: Field,
    /// Name (workers) or title (vacancies, courses): exact and folded.
    pub name: Field,
    pub name_folded: Field,
    /// Everything else searchable: skills, qualifications, description, provider.
    pub text: Field,
    pub text_folded: Field,
    /// Neighbouring folded syllables of the name and the text, one term each (`cong nhan`).
    pub pairs: Field,
    /// Filter terms such as `commune:03646`, `status:poor`, `avail:seeking`, `unit:<id>`.
    pub tags: Field,
    /// What matching compares, filled only for records that can be matched now (workers who
    /// seek work and consented; open vacancies), so matching never scores anyone else.
    pub match_text: Field,
    /// Matching codes, one token each: `o8153` occupation, `g81` its group, `t8153` trained
    /// for, `c03646` commune, `d119` district, `r` will relocate, `p_target`, `p_minority`,
    /// `p_disabled`.
    pub match_code: Field,
    /// Fast fields for filters and score components.
    pub commune: Field,
    pub district: Field,
    pub household_status: Field,
    pub birth_day: Field,
    pub occupations: Field,
    pub trained: Field,
    pub flags: Field,
    pub open_referrals: Field,
    pub min_age: Field,
    pub max_age: Field,
    pub deadline_day: Field,
}

/// Bits of the `flags` fast field.
pub mod flag {
    pub const ELIGIBLE: u64 = 1;
    pub const WILLING_OVERSEAS: u64 = 2;
    pub const RELOCATE: u64 = 4;
    pub const MINORITY: u64 = 8;
    pub const DISABLED: u64 = 16;
    pub const OVERSEAS: u64 = 32;
}

/// Household status as a number in the index (0: no household).
pub const HOUSEHOLD_STATUSES: [&str; 4] = ["poor", "near_poor", "newly_escaped", "not_poor"];

pub fn status_number(status: Option<&str>) -> u64 {
    status
        .and_then(|status| HOUSEHOLD_STATUSES.iter().position(|known| *known == status))
        .map_or(0, |at| at as u64 + 1)
}

pub fn status_name(number: u64) -> Option<&'static str> {
    HOUSEHOLD_STATUSES
        .get((number as usize).checked_sub(1)?)
        .copied()
}

/// Words with their frequencies; no positions: nothing searches for phrases (neighbouring
/// words are terms of the `pairs` field).
fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let codes = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            // Frequencies (always 1) are what lets tantivy prune with block-max WAND.
            .set_index_option(IndexRecordOption::WithFreqs)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        kind: builder.add_text_field("kind", STRING),
        id: builder.add_text_field("id", STRING | FAST),
        name: builder.add_text_field("name", text(analysis::EXACT)),
        name_folded: builder.add_text_field("name_folded", text(analysis::FOLDED)),
        text: builder.add_text_field("text", text(analysis::EXACT)),
        text_folded: builder.add_text_field("text_folded", text(analysis::FOLDED)),
        pairs: builder.add_text_field("pairs", text(analysis::PAIRS)),
        tags: builder.add_text_field("tags", STRING),
        match_text: builder.add_text_field("match_text", text(analysis::FOLDED)),
        match_code: builder.add_text_field("match_code", codes),
        commune: builder.add_u64_field("commune", FAST),
        district: builder.add_u64_field("district", FAST),
        household_status: builder.add_u64_field("household_status", FAST),
        birth_day: builder.add_i64_field("birth_day", FAST),
        occupations: builder.add_u64_field("occupations", FAST),
        trained: builder.add_u64_field("trained", FAST),
        flags: builder.add_u64_field("flags", FAST | INDEXED),
        open_referrals: builder.add_u64_field("open_referrals", FAST),
        min_age: builder.add_u64_field("min_age", FAST),
        max_age: builder.add_u64_field("max_age", FAST),
        deadline_day: builder.add_i64_field("deadline_day", FAST),
    };
    (builder.build(), fields)
}

/// The numeric part of a code (`03646@2021` → 3646), 0 when there is none.
pub fn code_number(code: &str) -> u64 {
    code.split('@')
        .next()
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}
