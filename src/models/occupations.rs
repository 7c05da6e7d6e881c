//! The `occupations` reference table (4-digit occupation codes).

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::occupations;

/// Whether a code is on the list.
pub fn exists(connection: &mut DbConn, code: &str) -> QueryResult<bool> {
    let count: i64 = occupations::table
        .filter(occupations::code.eq(code))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// An occupation's Vietnamese name.
pub fn name_vi(connection: &mut DbConn, code: &str) -> QueryResult<Option<String>> {
    occupations::table
        .find(code)
        .select(occupations::name_vi)
        .first(connection)
        .optional()
}
