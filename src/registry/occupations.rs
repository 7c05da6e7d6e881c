//! An occupation as a list or a form writes it — a 4-digit code, its name in either language, a part of
//! the name or a common spelling (`công nhân may`), accents optional — looked up to its code;
//! a spelling that fits several occupations is refused with their names.

use std::collections::{BTreeSet, HashMap};

use diesel::QueryResult;

use crate::db::DbConn;
use crate::domain::text;
use crate::i18n::{Lang, field_message};
use crate::models;

/// What the lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Code(String),
    Unknown,
    /// The codes it could be.
    Ambiguous(Vec<String>),
}

/// The occupations' names and spellings, loaded once per import.
pub struct Occupations {
    /// Phrase (lower case, accents kept) → codes.
    exact: HashMap<String, BTreeSet<String>>,
    /// Phrase without accents → codes.
    folded: HashMap<String, BTreeSet<String>>,
    /// Each code's words, accents kept and folded.
    words: Vec<(String, BTreeSet<String>, BTreeSet<String>)>,
    /// Code → `Name (code)`, for naming candidates.
    labels: HashMap<String, String>,
}

/// Lower case, NFC, every run of non-letters one space.
fn phrase(raw: &str) -> String {
    text::normalize(raw)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Occupations {
    pub fn load(connection: &mut DbConn) -> QueryResult<Occupations> {
        let names = models::occupations::names(connection)?;
        let aliases = crate::db::reference::occupation_aliases().unwrap_or_default();
        Ok(Occupations::new(
            &names,
            aliases
                .iter()
                .map(|row| (row.alias.as_str(), row.code.as_str())),
        ))
    }

    fn new<'a>(
        names: &[(String, String, String)],
        aliases: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Occupations {
        let mut found = Occupations {
            exact: HashMap::new(),
            folded: HashMap::new(),
            words: Vec::new(),
            labels: HashMap::new(),
        };
        let add = |found: &mut Occupations, written: &str, code: &str| {
            let key = phrase(written);
            if key.is_empty() {
                return;
            }
            found
                .folded
                .entry(text::fold(&key))
                .or_default()
                .insert(code.to_owned());
            found.exact.entry(key).or_default().insert(code.to_owned());
        };
        for (code, vi, en) in names {
            // The whole name, and each part a bracket, slash or comma sets off.
            for name in [vi, en] {
                add(&mut found, name, code);
                for part in name.split(['(', ')', '/', ',', ';']) {
                    add(&mut found, part, code);
                }
            }
            let words: BTreeSet<String> = phrase(&format!("{vi} {en}"))
                .split(' ')
                .map(str::to_owned)
                .collect();
            let folded = words.iter().map(|word| text::fold(word)).collect();
            found.words.push((code.clone(), words, folded));
            found.labels.insert(code.clone(), format!("{vi} ({code})"));
        }
        for (alias, code) in aliases {
            add(&mut found, alias, code);
        }
        found
    }

    /// The code `written` names.
    pub fn find(&self, written: &str) -> Found {
        let written = written.trim();
        let is_code = |code: &str| code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit());
        if is_code(written) {
            return Found::Code(written.to_owned());
        }
        // A name picked from a form's list: `Thợ may (7531)`.
        if let Some((_, code)) = written
            .strip_suffix(')')
            .and_then(|rest| rest.rsplit_once('('))
            .filter(|(_, code)| is_code(code.trim()))
        {
            return Found::Code(code.trim().to_owned());
        }
        let key = phrase(written);
        let one = |codes: &BTreeSet<String>| match codes.len() {
            1 => codes.iter().next().map(|code| Found::Code(code.clone())),
            0 => None,
            _ => Some(Found::Ambiguous(codes.iter().cloned().collect())),
        };
        if let Some(found) = self.exact.get(&key).and_then(one) {
            return found;
        }
        if let Some(found) = self.folded.get(&text::fold(&key)).and_then(one) {
            return found;
        }
        // Every word written within one name: accents as written first, then without.
        let asked: BTreeSet<String> = key.split(' ').map(str::to_owned).collect();
        let containing: BTreeSet<String> = self
            .words
            .iter()
            .filter(|(_, words, _)| asked.is_subset(words))
            .map(|(code, _, _)| code.clone())
            .collect();
        if let Some(found) = one(&containing) {
            return found;
        }
        let asked: BTreeSet<String> = asked.iter().map(|word| text::fold(word)).collect();
        let containing: BTreeSet<String> = self
            .words
            .iter()
            .filter(|(_, _, folded)| asked.is_subset(folded))
            .map(|(code, _, _)| code.clone())
            .collect();
        one(&containing).unwrap_or(Found::Unknown)
    }

    /// The code of each occupation a form names, in order and once each; the first entry that
    /// names none or several is refused with a message in `lang` that names it.
    pub fn codes(&self, written: &[String], lang: Lang) -> Result<Vec<String>, String> {
        let mut codes: Vec<String> = Vec::new();
        for item in written
            .iter()
            .map(|item| item.trim())
            .filter(|item| !item.is_empty())
        {
            let message = match self.find(item) {
                Found::Code(code) => {
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                    continue;
                }
                Found::Unknown => field_message("unknown_occupation_name", lang, &[]),
                Found::Ambiguous(candidates) => field_message(
                    "ambiguous_occupation",
                    lang,
                    &[("candidates", self.label(&candidates))],
                ),
            };
            return Err(format!("{message} ({item})"));
        }
        Ok(codes)
    }

    /// `Name (code)` of each code, for a message.
    pub fn label(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|code| {
                self.labels
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| code.clone())
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Occupations {
        let names = [
            (
                "8153",
                "Công nhân vận hành máy may (may công nghiệp)",
                "Sewing machine operators",
            ),
            (
                "8160",
                "Công nhân vận hành máy chế biến thực phẩm",
                "Food and related products machine operators",
            ),
            (
                "7531",
                "Thợ may, thợ may đo",
                "Tailors, dressmakers, furriers and hatters",
            ),
            (
                "9313",
                "Lao động phổ thông xây dựng",
                "Building construction labourers",
            ),
            ("9333", "Công nhân bốc xếp", "Freight handlers"),
        ]
        .map(|(code, vi, en)| (code.to_owned(), vi.to_owned(), en.to_owned()));
        Occupations::new(
            &names,
            [
                ("công nhân may", "8153"),
                ("phụ hồ", "9313"),
                ("bốc vác", "9333"),
            ]
            .into_iter(),
        )
    }

    #[test]
    fn codes_names_spellings_and_parts_of_names_with_or_without_accents() {
        let list = list();
        let code = |code: &str| Found::Code(code.to_owned());
        assert_eq!(list.find("8153"), code("8153"));
        assert_eq!(list.find("Công nhân may"), code("8153"));
        assert_eq!(list.find("cong nhan may"), code("8153"));
        // Decomposed input reads as composed.
        assert_eq!(list.find("Phu\u{323} ho\u{302}\u{300}"), code("9313"));
        assert_eq!(list.find("Sewing machine operators"), code("8153"));
        assert_eq!(list.find("may công nghiệp"), code("8153"));
        assert_eq!(list.find("bốc xếp"), code("9333"));
        assert_eq!(list.find("BOC VAC"), code("9333"));
        assert_eq!(list.find("Thợ may"), code("7531"));
        assert_eq!(list.find("thợ lặn"), Found::Unknown);
        // As a form's list offers it.
        assert_eq!(list.find("Công nhân bốc xếp (9333)"), code("9333"));
        assert_eq!(
            list.codes(
                &["phu ho".to_owned(), "9313".to_owned(), " ".to_owned()],
                Lang::Vi
            ),
            Ok(vec!["9313".to_owned()])
        );
        let refused = list.codes(&["thợ lặn".to_owned()], Lang::En);
        assert!(refused.is_err_and(|message| message.contains("(thợ lặn)")));
    }

    #[test]
    fn a_spelling_of_several_occupations_names_them() {
        let list = list();
        // Both operators run a machine ("máy"): without accents "may" cannot tell them apart.
        let codes = vec!["8153".to_owned(), "8160".to_owned()];
        assert_eq!(
            list.find("cong nhan van hanh may"),
            Found::Ambiguous(codes.clone())
        );
        let named = list.label(&codes);
        assert!(named.contains("Công nhân vận hành máy may") && named.contains("(8153)"));
    }
}
