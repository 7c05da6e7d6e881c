//! Parsing request values into what the registry stores. Each parser returns the stored form
//! or the code of the error to show beside the field.

use chrono::{Datelike, NaiveDate};

use super::text;

/// A CCCD / personal identification number: exactly 12 digits.
pub fn national_id(raw: &str) -> Result<String, &'static str> {
    let value: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if value.len() == 12 && value.chars().all(|c| c.is_ascii_digit()) {
        Ok(value)
    } else {
        Err("invalid_national_id")
    }
}

/// A Vietnamese phone number, stored as `0` and 9 digits: accepts `0xxxxxxxxx`, `+84xxxxxxxxx`
/// and `84xxxxxxxxx`, with spaces, dots or dashes between groups.
pub fn phone(raw: &str) -> Result<String, &'static str> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let national = if let Some(rest) = compact.strip_prefix("+84") {
        rest.to_owned()
    } else if let Some(rest) = compact.strip_prefix("84").filter(|rest| rest.len() == 9) {
        // 84912345678: the international form without its plus.
        rest.to_owned()
    } else if let Some(rest) = compact.strip_prefix('0') {
        rest.to_owned()
    } else {
        return Err("invalid_phone");
    };
    let national = national
        .strip_prefix('0')
        .map(str::to_owned)
        .unwrap_or(national);
    if national.len() == 9
        && national.chars().all(|c| c.is_ascii_digit())
        && !national.starts_with('0')
    {
        Ok(format!("0{national}"))
    } else {
        Err("invalid_phone")
    }
}

pub fn email(raw: &str) -> Result<String, &'static str> {
    normalize_email(raw).ok_or("invalid_email")
}

/// `YYYY-MM-DD`.
pub fn date(raw: &str) -> Result<NaiveDate, &'static str> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| "invalid_date")
}

/// Free text: trimmed, whitespace collapsed, NFC, at most `max` characters.
pub fn text_field(raw: &str, max: usize) -> Result<String, (&'static str, usize)> {
    if text::has_forbidden(raw) {
        return Err(("control_character", max));
    }
    let value = text::normalize(raw);
    if value.chars().count() > max {
        Err(("too_long", max))
    } else {
        Ok(value)
    }
}

/// A country as its ISO 3166-1 alpha-2 code (`KR`, `JP`, `TW`), upper case.
pub fn country(raw: &str) -> Result<String, &'static str> {
    let code = raw.trim().to_ascii_uppercase();
    match isocountry::CountryCode::for_alpha2(&code) {
        Ok(_) => Ok(code),
        Err(_) => Err("invalid_country"),
    }
}

/// An amount of money a month in đồng: a wage or an income, never negative, and under a
/// billion (no monthly wage in this programme comes near; a typing slip does).
pub fn monthly_vnd(value: i64) -> Result<i64, &'static str> {
    if (0..MAX_MONTHLY_VND).contains(&value) {
        Ok(value)
    } else {
        Err("out_of_range")
    }
}

pub const MAX_MONTHLY_VND: i64 = 1_000_000_000;

/// Age in whole years on `on`.
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        age -= 1;
    }
    age
}

/// An e-mail address in its one stored form (NFC, lower case), or `None` when it is not one.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = text::normalize(email).to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(' ')
        && email.len() <= 254;
    valid.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_are_exactly_twelve_digits() {
        assert_eq!(national_id("014195000123"), Ok("014195000123".into()));
        assert_eq!(national_id(" 0141 9500 0123 "), Ok("014195000123".into()));
        assert_eq!(national_id("01419500012"), Err("invalid_national_id"));
        assert_eq!(national_id("0141950001234"), Err("invalid_national_id"));
        assert_eq!(national_id("01419500012a"), Err("invalid_national_id"));
        assert_eq!(
            national_id("０１４１９５０００１２３"),
            Err("invalid_national_id"),
            "full-width digits"
        );
    }

    #[test]
    fn phones_are_stored_as_zero_and_nine_digits() {
        assert_eq!(phone("0912345678"), Ok("0912345678".into()));
        assert_eq!(phone("+84 912 345 678"), Ok("0912345678".into()));
        assert_eq!(phone("+840912345678"), Ok("0912345678".into()));
        assert_eq!(phone("091.234.5678"), Ok("0912345678".into()));
        assert_eq!(phone("84912345678"), Ok("0912345678".into()));
        assert_eq!(phone("0912 345 678"), Ok("0912345678".into()));
        assert_eq!(phone("912345678"), Err("invalid_phone"));
        assert_eq!(phone("09123456789"), Err("invalid_phone"));
        assert_eq!(phone("+1 555 0100"), Err("invalid_phone"));
    }

    #[test]
    fn ages_count_whole_years() -> Result<(), &'static str> {
        let born = date("2011-11-28")?;
        assert_eq!(age_on(born, date("2026-11-27")?), 14);
        assert_eq!(age_on(born, date("2026-11-28")?), 15);
        Ok(())
    }

    #[test]
    fn countries_are_iso_codes_that_exist() {
        assert_eq!(country("kr"), Ok("KR".into()));
        assert_eq!(country("JP"), Ok("JP".into()));
        assert_eq!(country("XX"), Err("invalid_country"));
        assert_eq!(country("KOR"), Err("invalid_country"));
    }
}
