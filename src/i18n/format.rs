//! Numbers, money and dates as Vietnamese readers write them (1.234.567 ₫, 27/11/2026); the
//! English pages group thousands with commas.

use chrono::{NaiveDate, NaiveDateTime};

use crate::i18n::Lang;

/// `1234567` → `1.234.567` (vi) or `1,234,567` (en).
pub fn integer(value: i64, lang: Lang) -> String {
    let separator = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        grouped.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

/// A figure with one decimal: `45,3` (vi) or `45.3` (en); whole numbers without decimals.
pub fn decimal(value: f64, lang: Lang) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        return integer(rounded as i64, lang);
    }
    let whole = integer(rounded.trunc() as i64, lang);
    let tenth = ((rounded.abs().fract() * 10.0).round() as i64).min(9);
    let mark = match lang {
        Lang::Vi => ',',
        Lang::En => '.',
    };
    let sign = if rounded < 0.0 && rounded.trunc() == 0.0 {
        "-"
    } else {
        ""
    };
    format!("{sign}{whole}{mark}{tenth}")
}

/// `value` with `places` decimals, the decimal mark of the language: `0,85` (vi).
pub fn fixed(value: f64, places: usize, lang: Lang) -> String {
    let text = format!("{value:.places$}");
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

pub fn money(value: i64, lang: Lang) -> String {
    format!("{} ₫", integer(value, lang))
}

pub fn date(value: NaiveDate) -> String {
    value.format("%d/%m/%Y").to_string()
}

pub fn date_time(value: NaiveDateTime) -> String {
    value.format("%d/%m/%Y %H:%M").to_string()
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers_group_with_dots_and_decimals_with_commas() {
        assert_eq!(integer(1_234_567, Lang::Vi), "1.234.567");
        assert_eq!(integer(1_234_567, Lang::En), "1,234,567");
        assert_eq!(integer(999, Lang::Vi), "999");
        assert_eq!(integer(-1000, Lang::Vi), "-1.000");
        assert_eq!(money(1_500_000, Lang::Vi), "1.500.000 ₫");
        assert_eq!(fixed(0.853, 2, Lang::Vi), "0,85");
        assert_eq!(fixed(0.853, 2, Lang::En), "0.85");
        assert_eq!(decimal(45.26, Lang::Vi), "45,3");
        assert_eq!(decimal(45.26, Lang::En), "45.3");
        assert_eq!(decimal(12_000.0, Lang::Vi), "12.000");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()),
            "27/11/2026"
        );
        assert_eq!(
            url_encode("/workers?q=lò thị"),
            "%2Fworkers%3Fq%3Dl%C3%B2+th%E1%BB%8B"
        );
    }
}
