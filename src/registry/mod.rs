//! The registry's use cases: validated creates and updates, scoped lists and reads, each in
//! one transaction with its audit entries and search changes. Handlers call these from a
//! blocking thread.

pub mod areas;
pub mod course_application;
pub mod courses;
pub mod employers;
pub mod households;
pub mod occupations;
pub mod programme;
pub mod service_records;
pub mod trainee_signup;
pub mod users;
pub mod vacancies;
pub mod workers;

use serde::{Deserialize, Deserializer, Serialize};

use crate::db::ids::to_hex;
use crate::domain::access::{Action, Resource, Scope, allowed};
pub use crate::domain::checks::Checks;
use crate::error::AppError;
pub use crate::models::admin_units::units_for_codes;
pub use crate::models::ethnic_groups::exists as ethnicity_exists;
pub use crate::models::occupations::exists as occupation_exists;

/// The caller's scope for an action on a resource, or 403 when the role table has none.
pub fn permitted(
    principal: &crate::accounts::Principal,
    resource: Resource,
    action: Action,
) -> Result<Scope, AppError> {
    match allowed(Some(principal.role), resource, action) {
        Scope::None => Err(AppError::Forbidden),
        scope => Ok(scope),
    }
}

/// Records per page unless the client asks otherwise, and the most it may ask for.
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

/// A page of a list: the records, the cursor of the next page (absent on the last) and how
/// many records match in all.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// `limit` and `cursor` of a list request, checked.
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl PageRequest {
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, AppError> {
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(AppError::field("limit", "invalid_limit"));
        }
        let after = match cursor {
            Some(cursor) => Some(
                decode_cursor(cursor).ok_or_else(|| AppError::field("cursor", "invalid_cursor"))?,
            ),
            None => None,
        };
        Ok(PageRequest { limit, after })
    }

    /// The cursor after the last item, when the page is full (there may be more).
    pub fn next_cursor(&self, last_id: Option<&str>, page_len: usize) -> Option<String> {
        (page_len as i64 == self.limit)
            .then_some(last_id)
            .flatten()
            .map(encode_cursor)
    }
}

/// Cursors are opaque to clients: the hex of the last id seen.
pub fn encode_cursor(id: &str) -> String {
    to_hex(id.as_bytes())
}

pub fn decode_cursor(cursor: &str) -> Option<String> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 200 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(cursor.get(index..index + 2)?, 16).ok())
        .collect();
    let id = String::from_utf8(bytes?).ok()?;
    uuid::Uuid::parse_str(&id).ok().map(|_| id)
}

/// For PATCH bodies: an absent field stays `None`, an explicit `null` is `Some(None)`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The commune a record is at: the code sent (resolved to the unit in force `today`, an old code
/// to its successor), none when `null` was sent, the stored one when nothing was.
pub(crate) fn optional_commune(
    connection: &mut crate::db::DbConn,
    sent: &Option<Option<String>>,
    stored: Option<String>,
    today: chrono::NaiveDate,
    checks: &mut Checks,
) -> diesel::QueryResult<Option<String>> {
    Ok(match sent {
        Some(Some(code)) => {
            let unit = crate::models::admin_units::resolve_commune(connection, code.trim(), today)?;
            if unit.is_none() {
                checks.fail("commune_code", "unknown_commune");
            }
            unit.map(|unit| unit.id)
        }
        Some(None) => None,
        None => stored,
    })
}

/// The statistics-office code of a unit id (`03646@2021` → `03646`).
pub fn unit_code(unit_id: &str) -> &str {
    unit_id.split('@').next().unwrap_or(unit_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let id = "019a8b2c-0000-7000-8000-000000000001";
        assert_eq!(decode_cursor(&encode_cursor(id)).as_deref(), Some(id));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor("abc"), None);
        assert_eq!(decode_cursor(&encode_cursor("not an id")), None);
    }
}
