//! The `password_resets` table: one-time codes, kept as their SHA-256.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::password_resets;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = password_resets)]
pub struct NewReset {
    pub token_hash: String,
    pub user_id: String,
    pub kind: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert(connection: &mut DbConn, reset: &NewReset) -> QueryResult<usize> {
    diesel::insert_into(password_resets::table)
        .values(reset)
        .execute(connection)
}

/// Uses the code with this hash, if it is unused and unexpired: its login's id. A second use
/// finds nothing.
pub fn take(
    connection: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    let used = diesel::update(
        password_resets::table
            .filter(password_resets::token_hash.eq(token_hash))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(now)),
    )
    .set(password_resets::used_at.eq(Some(now)))
    .execute(connection)?;
    if used == 0 {
        return Ok(None);
    }
    password_resets::table
        .find(token_hash)
        .select(password_resets::user_id)
        .first(connection)
        .optional()
}

/// Ends every unused code of a login (a new one replaces them).
pub fn retire(connection: &mut DbConn, user_id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(now)))
    .execute(connection)
}
