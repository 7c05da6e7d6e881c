//! The words pages, exports and import reasons show, in Vietnamese and English, and the formatting
//! helpers templates call. A key missing from the table shows as itself (a test checks that none
//! the pages use is missing).

use chrono::NaiveDate;

use super::format;
use super::text_table::texts;
use crate::i18n::Lang;

/// A copyable value, or a reference to one, as templates hand them over.
pub trait Plain<T> {
    fn plain(self) -> T;
}

impl<T: Copy> Plain<T> for T {
    fn plain(self) -> T {
        self
    }
}

impl<T: Copy> Plain<T> for &T {
    fn plain(self) -> T {
        *self
    }
}

impl<T: Copy> Plain<T> for &&T {
    fn plain(self) -> T {
        **self
    }
}

/// Translator handed to every template.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    /// The text of `key`, or the key itself when the table lacks it.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lookup(key).unwrap_or(key)
    }

    /// The text of `key`, or `fallback` (a value shown as stored).
    pub fn t_or<'a>(&self, key: &str, fallback: &'a str) -> &'a str {
        self.lookup(key).unwrap_or(fallback)
    }

    /// The label of a stored value under `prefix` (`value`, `level` …), or the value itself.
    pub fn of<'a>(&self, prefix: &str, value: &'a str) -> &'a str {
        self.lookup(&format!("{prefix}.{value}")).unwrap_or(value)
    }

    fn lookup(&self, key: &str) -> Option<&'static str> {
        let index = texts()
            .binary_search_by(|(entry, _, _)| entry.cmp(&key))
            .ok()?;
        let (_, vi, en) = texts()[index];
        Some(match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        })
    }

    pub fn num(&self, value: impl Plain<i64>) -> String {
        format::integer(value.plain(), self.lang)
    }

    pub fn dec(&self, value: impl Plain<f64>) -> String {
        format::decimal(value.plain(), self.lang)
    }

    pub fn vnd(&self, value: impl Plain<i64>) -> String {
        format::money(value.plain(), self.lang)
    }

    pub fn date(&self, value: impl Plain<NaiveDate>) -> String {
        format::date(value.plain())
    }

    pub fn vacancy_statuses(&self) -> Vec<(String, String)> {
        self.options("value", &["draft", "open"])
    }

    pub fn genders(&self) -> Vec<(String, String)> {
        self.options("value", &["female", "male"])
    }

    pub fn availabilities(&self) -> Vec<(String, String)> {
        self.options("value", crate::domain::statuses::Availability::NAMES)
    }

    pub fn education_levels(&self) -> Vec<(String, String)> {
        self.options("education", crate::domain::statuses::EducationLevel::NAMES)
    }

    pub fn options(&self, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
        values
            .iter()
            .map(|value| {
                let key = format!("{prefix}.{value}");
                (
                    (*value).to_owned(),
                    self.lookup(&key).unwrap_or(value).to_owned(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_unique_so_lookups_find_every_key() {
        for pair in texts().windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} then {}", pair[0].0, pair[1].0);
        }
        let tr = Tr { lang: Lang::Vi };
        for (key, vi, en) in texts() {
            assert!(!vi.is_empty() && !en.is_empty(), "{key} lacks a language");
            assert_eq!(tr.t(key), *vi);
            assert_eq!(Tr { lang: Lang::En }.t(key), *en);
        }
        assert_eq!(tr.t("missing_key"), "missing_key");
        assert_eq!(tr.of("value", "poor"), "Hộ nghèo");
        assert_eq!(tr.of("value", "unlisted"), "unlisted");
    }

    /// Every literal key the templates and page handlers ask for is in the table.
    #[test]
    fn every_key_the_pages_use_is_translated() -> Result<(), Box<dyn std::error::Error>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut folders = vec![root.join("templates"), root.join("src/routes/html")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder)? {
                let path = entry?.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path
                    .extension()
                    .is_some_and(|ext| ext == "html" || ext == "rs")
                {
                    files.push(path);
                }
            }
        }
        let mut missing = Vec::new();
        let mut seen = 0;
        for file in files {
            let text = std::fs::read_to_string(&file)?;
            for (index, _) in text.match_indices("t(\"") {
                let preceded = text[..index].chars().last();
                if !matches!(preceded, Some('.')) {
                    continue;
                }
                let rest = &text[index + 3..];
                let Some(end) = rest.find('"') else { continue };
                let key = &rest[..end];
                if key.contains('{') || !key.contains('.') {
                    continue;
                }
                seen += 1;
                if texts()
                    .binary_search_by(|(entry, _, _)| entry.cmp(&key))
                    .is_err()
                {
                    missing.push(format!("{}: {key}", file.display()));
                }
            }
        }
        assert!(seen > 100, "the scan found only {seen} keys");
        assert!(missing.is_empty(), "untranslated keys: {missing:#?}");
        Ok(())
    }
}
