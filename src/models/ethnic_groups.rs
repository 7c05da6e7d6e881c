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
