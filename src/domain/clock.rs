//! The time every record is stamped with.
//!
//! `KETNOI_CLOCK=2026-12-02T08:00:00` (UTC) stops the clock at that instant for the whole
//! process: for a training copy that must show the same figures every day, and for the
//! snapshot of the API's answers, whose ages and "due" dates would otherwise move with the
//! calendar. Unset, it is the system clock.

use std::sync::OnceLock;

use chrono::{NaiveDateTime, Utc};

/// The variable that stops the clock.
pub const CLOCK_VARIABLE: &str = "KETNOI_CLOCK";

/// The current time in UTC, as stored.
pub fn now() -> NaiveDateTime {
    static FIXED: OnceLock<Option<NaiveDateTime>> = OnceLock::new();
    let fixed = FIXED.get_or_init(|| {
        std::env::var(CLOCK_VARIABLE)
            .ok()
            .and_then(|text| parse_fixed(&text))
    });
    fixed.unwrap_or_else(|| Utc::now().naive_utc())
}

/// `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD` (midnight).
fn parse_fixed(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_reads_both_forms() {
        assert_eq!(
            parse_fixed("2026-12-02T08:30:00").map(|at| at.to_string()),
            Some("2026-12-02 08:30:00".to_owned())
        );
        assert_eq!(
            parse_fixed(" 2026-12-02 ").map(|at| at.to_string()),
            Some("2026-12-02 00:00:00".to_owned())
        );
        assert_eq!(parse_fixed("02/12/2026"), None);
    }
}
