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

/// Every occupation as `(code, name)` in the language asked for, by name: what a picker offers.
pub fn all(connection: &mut DbConn, english: bool) -> QueryResult<Vec<(String, String)>> {
    let rows: Vec<(String, String, String)> = occupations::table
        .select((
            occupations::code,
            occupations::name_vi,
            occupations::name_en,
        ))
        .load(connection)?;
    let mut named: Vec<(String, String)> = rows
        .into_iter()
        .map(|(code, vi, en)| {
            let name = if english { en } else { vi };
            let label = format!("{name} ({code})");
            (code, label)
        })
        .collect();
    named.sort_by_cached_key(|(_, label)| crate::domain::text::fold(label));
    Ok(named)
}

/// Every occupation as `(code, Vietnamese name, English name)`.
pub fn names(connection: &mut DbConn) -> QueryResult<Vec<(String, String, String)>> {
    occupations::table
        .order(occupations::code)
        .select((
            occupations::code,
            occupations::name_vi,
            occupations::name_en,
        ))
        .load(connection)
}
