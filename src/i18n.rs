//! Vietnamese first, English on request: the language of a request, the texts of errors, the
//! words of pages and files ([`texts`]) and how numbers, money and dates are written ([`format`]).

pub mod format;
mod text_table;
pub mod texts;

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// English only when the client prefers it; anything else, or nothing, is Vietnamese.
    pub fn from_request(request: &HttpRequest) -> Lang {
        let header = request
            .headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        Lang::from_accept_language(header)
    }

    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|piece| piece.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "vi" || tag.starts_with("vi-") {
                Lang::Vi
            } else {
                continue;
            };
            if best.is_none_or(|(best_quality, _)| quality > best_quality) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::Vi, |(_, lang)| lang)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

tokio::task_local! {
    /// The language of the request being handled, set by middleware around every handler so
    /// errors render in it.
    pub static REQUEST_LANG: Lang;
}

/// The current request's language (Vietnamese outside a request).
pub fn current() -> Lang {
    REQUEST_LANG.try_with(|lang| *lang).unwrap_or_default()
}

/// The messages of validation error codes, kept as data in `i18n/field_messages.tsv`: one line
/// per code, `code<TAB>Vietnamese<TAB>English`, `{name}` marking a parameter.
fn field_messages() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static PARSED: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        include_str!("i18n/field_messages.tsv")
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(3, '\t');
                Some((parts.next()?, (parts.next()?, parts.next()?)))
            })
            .collect()
    })
}

/// The text of a validation error code, with `{name}` placeholders filled from `params`.
pub fn field_message(code: &str, lang: Lang, params: &[(&'static str, String)]) -> String {
    let (vi, en) = field_messages()
        .get(code)
        .copied()
        .unwrap_or(("Giá trị không hợp lệ.", "Invalid value."));
    let mut text = match lang {
        Lang::Vi => vi.to_owned(),
        Lang::En => en.to_owned(),
    };
    for (name, value) in params {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// `1234567` as `1.234.567` (Vietnamese) or `1,234,567`.
pub fn group_thousands(value: i64, lang: Lang) -> String {
    let separator = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    if value < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// An amount of đồng: `1.234.567 ₫`, or `1,234,567 VND` in English.
pub fn money(value: i64, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{} ₫", group_thousands(value, lang)),
        Lang::En => format!("{} VND", group_thousands(value, lang)),
    }
}

/// A day as Vietnamese write it, `27/11/2026`, in both languages: the dates on a Vietnamese
/// form or letter.
pub fn day(value: chrono::NaiveDate) -> String {
    value.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_the_vietnamese_way_by_default() {
        assert_eq!(group_thousands(1_234_567, Lang::Vi), "1.234.567");
        assert_eq!(group_thousands(100_000, Lang::En), "100,000");
        assert_eq!(group_thousands(999, Lang::Vi), "999");
        assert_eq!(money(-1_500_000, Lang::Vi), "-1.500.000 ₫");
        assert_eq!(money(2_000_000, Lang::En), "2,000,000 VND");
    }

    #[test]
    fn vietnamese_unless_english_is_preferred() {
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.5"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Vi);
    }

    #[test]
    fn fills_placeholders() {
        let text = field_message("too_long", Lang::En, &[("max", "200".into())]);
        assert_eq!(text, "Too long: at most 200 characters.");
        assert!(field_message("invalid_national_id", Lang::Vi, &[]).contains("12 chữ số"));
        assert_eq!(
            field_message("no_such_code", Lang::En, &[]),
            "Invalid value."
        );
    }

    #[test]
    fn every_field_message_has_both_languages_and_one_line() {
        let lines = include_str!("i18n/field_messages.tsv").lines().count();
        assert_eq!(
            field_messages().len(),
            lines,
            "a code is listed twice or a line is malformed"
        );
        for (code, (vi, en)) in field_messages() {
            assert!(!vi.is_empty() && !en.is_empty(), "{code} lacks a language");
        }
    }
}
