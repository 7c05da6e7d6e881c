//! Text messages as phones and operators count them. A message goes by default in the GSM 7-bit
//! default alphabet (3GPP TS 23.038): 160 characters a part, what operators price and what
//! every phone shows; Vietnamese is folded into it (marks dropped, `đ` → `d`, case kept).
//! Sent with its marks it is UCS-2: 70 characters a part. A longer text is split into
//! concatenated parts of 153 (GSM) or 67 (UCS-2) characters, never inside an escape pair or a
//! surrogate pair.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How a text is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 03.38 default alphabet, diacritics folded away.
    Gsm7,
    /// UTF-16 (UCS-2), with diacritics.
    Ucs2,
}

impl Encoding {
    /// `gsm7` or `ucs2`, as configured and stored.
    pub fn parse(raw: &str) -> Option<Encoding> {
        match raw {
            "gsm7" => Some(Encoding::Gsm7),
            "ucs2" => Some(Encoding::Ucs2),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "gsm7",
            Encoding::Ucs2 => "ucs2",
        }
    }

    /// Characters in a single-part message.
    pub fn single(self) -> usize {
        match self {
            Encoding::Gsm7 => 160,
            Encoding::Ucs2 => 70,
        }
    }

    /// Characters in each part of a concatenated message (the rest carries the part header).
    pub fn concatenated(self) -> usize {
        match self {
            Encoding::Gsm7 => 153,
            Encoding::Ucs2 => 67,
        }
    }
}

/// The GSM 03.38 default alphabet's basic characters (one septet each).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table's characters (an escape and the character: two septets each).
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// Septets a character takes in the default alphabet, or none when it has no place in it.
pub fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The text in the default alphabet: Vietnamese without its marks (`Lò Thị Ỏn` → `Lo Thi On`,
/// `Đ` → `D`), typographic quotes and dashes plain, anything else with no place in it as `?`.
pub fn fold_gsm(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            '–' | '—' => '-',
            '…' => '.',
            '\u{a0}' | '\t' => ' ',
            '₫' => 'd',
            other => other,
        })
        .map(|c| if septets(c).is_some() { c } else { '?' })
        .collect()
}

/// The text as sent in `encoding`: folded for GSM, composed (NFC) for UCS-2.
pub fn prepare(text: &str, encoding: Encoding) -> String {
    match encoding {
        Encoding::Gsm7 => fold_gsm(text),
        Encoding::Ucs2 => text.nfc().collect(),
    }
}

/// The length of a prepared text in its encoding's units: septets, or UTF-16 code units.
pub fn units(text: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Gsm7 => text.chars().map(|c| septets(c).unwrap_or(1)).sum(),
        Encoding::Ucs2 => text.encode_utf16().count(),
    }
}

/// A prepared text split into the parts it is sent as: one when it fits a single part,
/// otherwise parts of the concatenated size, no character split across two.
pub fn split(text: &str, encoding: Encoding) -> Vec<String> {
    if units(text, encoding) <= encoding.single() {
        return vec![text.to_owned()];
    }
    let size = encoding.concatenated();
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut used = 0;
    for c in text.chars() {
        let width = match encoding {
            Encoding::Gsm7 => septets(c).unwrap_or(1),
            Encoding::Ucs2 => c.len_utf16(),
        };
        if used + width > size {
            parts.push(std::mem::take(&mut part));
            used = 0;
        }
        part.push(c);
        used += width;
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts
}

/// Whether a worker who chose `channel` (`both`, `sms`, `email`, `none`) is written to by text:
/// never after withdrawing consent or stopping texts.
pub fn takes_texts(channel: &str, consent_withdrawn: bool, texts_stopped: bool) -> bool {
    !consent_withdrawn && !texts_stopped && matches!(channel, "both" | "sms")
}

/// Whether a worker who chose `channel` is written to by e-mail: never after withdrawing consent.
pub fn takes_email(channel: &str, consent_withdrawn: bool) -> bool {
    !consent_withdrawn && matches!(channel, "both" | "email")
}

/// A stored phone number (`0912345678`) in international form without the plus
/// (`84912345678`), as SMPP addresses it.
pub fn international(phone: &str) -> String {
    match phone.strip_prefix('0') {
        Some(national) => format!("84{national}"),
        None => phone.trim_start_matches('+').to_owned(),
    }
}

/// A prepared part as it travels in SMPP's `short_message`: GSM as one octet per septet (the
/// default alphabet's code; an extension character as the escape and its code), UCS-2 as
/// UTF-16 big-endian.
pub fn encode(part: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Gsm7 => part
            .chars()
            .flat_map(|c| match gsm_code(c) {
                Some((None, code)) => vec![code],
                Some((Some(escape), code)) => vec![escape, code],
                None => vec![0x3f],
            })
            .collect(),
        Encoding::Ucs2 => part.encode_utf16().flat_map(u16::to_be_bytes).collect(),
    }
}

/// The code of a character in the default alphabet, after the escape for an extension one.
fn gsm_code(c: char) -> Option<(Option<u8>, u8)> {
    if let Some(code) = BASIC.chars().position(|basic| basic == c) {
        return u8::try_from(code).ok().map(|code| (None, code));
    }
    let code = match c {
        '\u{c}' => 0x0a,
        '^' => 0x14,
        '{' => 0x28,
        '}' => 0x29,
        '\\' => 0x2f,
        '[' => 0x3c,
        '~' => 0x3d,
        ']' => 0x3e,
        '|' => 0x40,
        '€' => 0x65,
        _ => return None,
    };
    Some((Some(0x1b), code))
}

/// The text of a `short_message` from a handset, by its `data_coding`: UCS-2 (8) as UTF-16
/// big-endian, Latin-1 (3) as such, anything else as the GSM default alphabet, one octet a
/// septet (ASCII letters, digits and spaces read the same in both).
pub fn decode(data_coding: u8, bytes: &[u8]) -> String {
    match data_coding {
        8 => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        3 => bytes.iter().map(|&byte| char::from(byte)).collect(),
        _ => {
            let basic: Vec<char> = BASIC.chars().collect();
            let mut text = String::new();
            let mut escaped = false;
            for &byte in bytes {
                let code = usize::from(byte & 0x7f);
                if escaped {
                    escaped = false;
                    let extended = EXTENDED
                        .chars()
                        .find(|&c| gsm_code(c) == Some((Some(0x1b), byte)));
                    text.push(extended.unwrap_or(' '));
                } else if byte == 0x1b {
                    escaped = true;
                } else {
                    text.push(basic.get(code).copied().unwrap_or('?'));
                }
            }
            text
        }
    }
}

/// What a worker's text back means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// `1`: still working there.
    StillEmployed,
    /// `2`: has left.
    Left,
    /// `TU CHOI` or `HUY` (with or without marks, any case): no more texts.
    Stop,
    /// Anything else.
    Other,
}

impl Reply {
    pub fn parse(text: &str) -> Reply {
        let folded = fold_gsm(text).to_uppercase();
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        match words.as_slice() {
            ["1"] => Reply::StillEmployed,
            ["2"] => Reply::Left,
            ["TU", "CHOI"] | ["TUCHOI"] | ["HUY"] | ["STOP"] => Reply::Stop,
            _ => Reply::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_folds_into_the_gsm_alphabet_with_its_case() {
        assert_eq!(fold_gsm("Lò Thị Ỏn, Hà Văn Thắm"), "Lo Thi On, Ha Van Tham");
        assert_eq!(fold_gsm("ĐIỆN BIÊN – Đường số 5"), "DIEN BIEN - Duong so 5");
        // Decomposed input folds the same.
        let decomposed: String = "Lò Thị Ỏn".nfd().collect();
        assert_eq!(fold_gsm(&decomposed), "Lo Thi On");
        assert_eq!(fold_gsm("2.000.000₫ 😀"), "2.000.000d ?");
        assert!(fold_gsm("Chào bạn").chars().all(|c| septets(c) == Some(1)));
    }

    #[test]
    fn parts_hold_160_or_153_septets_and_70_or_67_ucs2_units() {
        let one = "a".repeat(160);
        assert_eq!(split(&one, Encoding::Gsm7), vec![one.clone()]);
        let two = "a".repeat(161);
        let parts = split(&two, Encoding::Gsm7);
        assert_eq!(parts.iter().map(String::len).collect::<Vec<_>>(), [153, 8]);
        // An escaped character counts two septets and is never split from its escape.
        let braces = "{".repeat(80);
        assert_eq!(split(&braces, Encoding::Gsm7).len(), 1);
        let braces = "{".repeat(81);
        let parts = split(&braces, Encoding::Gsm7);
        assert_eq!(
            parts
                .iter()
                .map(|part| part.chars().count())
                .collect::<Vec<_>>(),
            [76, 5]
        );
        let vietnamese = "Ơ".repeat(70);
        assert_eq!(split(&vietnamese, Encoding::Ucs2).len(), 1);
        let longer = "Ơ".repeat(71);
        let parts = split(&longer, Encoding::Ucs2);
        assert_eq!(
            parts
                .iter()
                .map(|part| part.chars().count())
                .collect::<Vec<_>>(),
            [67, 4]
        );
        // A character outside the basic plane is two UTF-16 units and stays whole.
        let emoji = "😀".repeat(36);
        let parts = split(&emoji, Encoding::Ucs2);
        assert_eq!(
            parts
                .iter()
                .map(|part| units(part, Encoding::Ucs2))
                .collect::<Vec<_>>(),
            [66, 6]
        );
    }

    #[test]
    fn stored_numbers_are_addressed_internationally() {
        assert_eq!(international("0912345678"), "84912345678");
        assert_eq!(international("+84912345678"), "84912345678");
    }

    #[test]
    fn parts_travel_as_septet_codes_or_utf16_and_come_back() {
        let folded = prepare("Lò Thị Ỏn: 5€ {ca 2}, @", Encoding::Gsm7);
        let bytes = encode(&folded, Encoding::Gsm7);
        assert_eq!(&bytes[..10], b"Lo Thi On:");
        // `€`, `{` and `}` take an escape each; `@` is code 0.
        assert_eq!(bytes.len(), folded.chars().count() + 3);
        assert_eq!(bytes.last(), Some(&0));
        assert_eq!(decode(0, &bytes), folded);
        let marked = prepare("Hà Văn Thắm", Encoding::Ucs2);
        let bytes = encode(&marked, Encoding::Ucs2);
        assert_eq!(bytes.len(), 22);
        assert_eq!(decode(8, &bytes), "Hà Văn Thắm");
    }

    #[test]
    fn replies_read_with_or_without_marks() {
        assert_eq!(Reply::parse(" 1 "), Reply::StillEmployed);
        assert_eq!(Reply::parse("2."), Reply::Left);
        assert_eq!(Reply::parse("Từ chối"), Reply::Stop);
        assert_eq!(Reply::parse("tu choi"), Reply::Stop);
        assert_eq!(Reply::parse("HUỶ"), Reply::Stop);
        assert_eq!(Reply::parse("abc"), Reply::Other);
        assert_eq!(Reply::parse("1 2"), Reply::Other);
    }
}
