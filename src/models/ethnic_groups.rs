//! The `ethnic_groups` reference table.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::ethnic_groups;

/// Every group as `(code, name)` by code (Kinh first, as the official list orders them).
pub fn all(connection: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    ethnic_groups::table
        .order(ethnic_groups::code)
        .select((ethnic_groups::code, ethnic_groups::name))
        .load(connection)
}

/// Whether a code is on the list.
pub fn exists(connection: &mut DbConn, code: &str) -> QueryResult<bool> {
    let count: i64 = ethnic_groups::table
        .filter(ethnic_groups::code.eq(code))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// Every group as `(code, name, aliases)`, the aliases `;`-separated.
pub fn with_aliases(connection: &mut DbConn) -> QueryResult<Vec<(String, String, String)>> {
    ethnic_groups::table
        .select((
            ethnic_groups::code,
            ethnic_groups::name,
            ethnic_groups::aliases,
        ))
        .load(connection)
}

/// Whether the group is an ethnic minority (every group but Kinh); `false` for an unknown code.
pub fn is_minority(connection: &mut DbConn, code: &str) -> QueryResult<bool> {
    Ok(ethnic_groups::table
        .find(code)
        .select(ethnic_groups::is_minority)
        .first::<bool>(connection)
        .optional()?
        .unwrap_or(false))
}
