//! Row ids: UUID v7 as text, so inserts stay in index order on both backends.

use uuid::Uuid;

/// A fresh id for a row created now.
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// A reproducible UUID v7 for generated data: the time part given, the rest from the
/// caller's seeded random bytes, so the same seed always yields the same ids.
pub fn id_from_millis(unix_millis: u64, random_bytes: [u8; 10]) -> String {
    uuid::Builder::from_unix_timestamp_millis(unix_millis, &random_bytes)
        .into_uuid()
        .to_string()
}

/// Lower-case hex of bytes: token digests, request hashes, page cursors.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_version_7_reproducible_and_ordered() -> Result<(), uuid::Error> {
        let first = id_from_millis(1_700_000_000_000, [7; 10]);
        assert_eq!(first, id_from_millis(1_700_000_000_000, [7; 10]));
        assert_ne!(first, id_from_millis(1_700_000_000_000, [8; 10]));
        assert!(first < id_from_millis(1_700_000_000_001, [0; 10]));
        assert_eq!(Uuid::parse_str(&first)?.get_version_num(), 7);
        assert_eq!(Uuid::parse_str(&new_id())?.get_version_num(), 7);
        Ok(())
    }
}
