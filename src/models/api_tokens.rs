//! The `api_tokens` table: bearer sessions, stored as hashes.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{api_tokens, users};
use crate::models::users::User;

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = api_tokens, treat_none_as_default_value = false)]
pub struct NewApiToken {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Moves on with every revocation in this process: what was read of tokens before it is stale.
static GENERATION: AtomicU64 = AtomicU64::new(0);

pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

fn revoked() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

pub fn insert(connection: &mut DbConn, token: &NewApiToken) -> QueryResult<usize> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(connection)
}

/// The active user holding a token that is neither expired nor revoked at `now`.
pub fn find_user(
    connection: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<User>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(connection)
        .optional()
}

/// Revokes a token; returns whether one was active.
pub fn revoke(connection: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(connection)?;
    revoked();
    Ok(changed > 0)
}

/// Revokes every live token of a login: a deactivated account, or one whose password or role
/// changed, signs in again.
pub fn revoke_all(
    connection: &mut DbConn,
    user_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(connection)
    .inspect(|_| revoked())
}
