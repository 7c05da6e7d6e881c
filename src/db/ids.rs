//! Row ids: UUID v7 as text, so inserts stay in index order on both backends.

use chrono::NaiveDateTime;
use uuid::Uuid;

/// A fresh id for a row created now.
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// A reproducible UUID v7 for generated data: the time part from `created_at`, the rest from
/// the caller's seeded random bytes, so the same seed always yields the same ids.
pub fn id_at(created_at: NaiveDateTime, random_bytes: [u8; 10]) -> String {
    let millis = u64::try_from(created_at.and_utc().timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &random_bytes)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_version_7_and_reproducible() -> Result<(), Box<dyn std::error::Error>> {
        let at = NaiveDateTime::parse_from_str("2023-05-01 08:30:00", "%Y-%m-%d %H:%M:%S")?;
        let first = id_at(at, [7; 10]);
        assert_eq!(first, id_at(at, [7; 10]));
        assert_ne!(first, id_at(at, [8; 10]));
        assert_eq!(Uuid::parse_str(&first)?.get_version_num(), 7);
        Ok(())
    }
}
