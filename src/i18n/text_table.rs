//! The words of pages, exports and import reasons, kept as data in `texts.tsv`: one line per
//! key, `key<TAB>Vietnamese<TAB>English`, sorted by key (a test in `texts.rs` checks the order,
//! that no line lacks a language, and that every key the pages use is there).

use std::sync::OnceLock;

const TABLE: &str = include_str!("texts.tsv");

type Entry = (&'static str, &'static str, &'static str);

/// `(key, Vietnamese, English)`, sorted by key for binary search.
pub(super) fn texts() -> &'static [Entry] {
    static PARSED: OnceLock<Vec<Entry>> = OnceLock::new();
    PARSED.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.is_empty())
            .map(|line| {
                let mut parts = line.splitn(3, '\t');
                let mut next = || parts.next().unwrap_or_default();
                (next(), next(), next())
            })
            .collect()
    })
}
