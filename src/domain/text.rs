//! Vietnamese text as Ketnoi stores and searches it.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Trimmed, inner whitespace collapsed to single spaces, NFC. Keyboards and Macs send
/// decomposed Vietnamese (NFD); stored text is always composed.
pub fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

/// Lower case without accents, for accent-proof prefix search: `Lò Thị Ỏn` → `lo thi on`,
/// `Đinh` → `dinh`. Works the same on composed and decomposed input.
pub fn fold(text: &str) -> String {
    fold_marks(&normalize(text))
}

/// [`fold`] without the whitespace clean-up: for single words (the search analyzer).
pub fn fold_marks(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A character refused wherever text enters: a control character other than tab and line
/// breaks (NUL among them: PostgreSQL cannot store it and nothing a person types holds one), or
/// a bidirectional embedding, override or isolate, which makes a name show as something other
/// than what it is.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` holds a character [`is_forbidden`] refuses.
pub fn has_forbidden(text: &str) -> bool {
    text.chars().any(is_forbidden)
}

/// A text cell as spreadsheet programs should show it, never run it: one that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be read as a formula when a CSV file is
/// opened, so it is written after an apostrophe, which Excel and LibreOffice hide (OWASP's
/// advice for CSV injection). Numbers are written as numbers and never pass through here.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{text}")),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// A CSV cell as read back: the apostrophe [`csv_cell`] put before a formula sign is dropped.
pub fn from_csv_cell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_decomposed_input_to_nfc() {
        let decomposed: String = "Hà Văn Thắm".nfd().collect();
        assert_ne!(decomposed, "Hà Văn Thắm");
        assert_eq!(normalize(&format!("  {decomposed}\t ")), "Hà Văn Thắm");
        assert_eq!(normalize("Lò   Thị\nỎn"), "Lò Thị Ỏn");
    }

    #[test]
    fn folds_accents_case_and_d_stroke() {
        assert_eq!(fold("Lò Thị Ỏn"), "lo thi on");
        assert_eq!(fold("ĐINH Văn Thắm"), "dinh van tham");
        let decomposed: String = "công nhân may công nghiệp".nfd().collect();
        assert_eq!(fold(&decomposed), "cong nhan may cong nghiep");
    }

    #[test]
    fn formula_signs_are_written_as_text_and_read_back() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+84912345678",
            "-2+3",
            "@SUM(A1)",
        ] {
            let written = csv_cell(formula);
            assert!(written.starts_with('\''), "{written}");
            assert_eq!(from_csv_cell(&written), formula);
        }
        assert_eq!(csv_cell("Lò Thị Ỏn"), "Lò Thị Ỏn");
        assert_eq!(from_csv_cell("'ok"), "'ok");
    }

    #[test]
    fn nul_controls_and_direction_overrides_are_forbidden_line_breaks_are_not() {
        for bad in [
            "a\0b",
            "Lò\u{1}Thị",
            "\u{202E}nÔ ịhT òL",
            "x\u{2067}y",
            "\u{7f}",
        ] {
            assert!(has_forbidden(bad), "{bad:?}");
        }
        for good in ["Lò Thị Ỏn", "dòng 1\r\ndòng 2\tcột", "Hà Văn Thắm"] {
            assert!(!has_forbidden(good), "{good:?}");
        }
    }
}
