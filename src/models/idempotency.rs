//! The `idempotency_keys` table: the first answer to a create, replayed on retry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::idempotency_keys;

#[derive(Debug, Clone, PartialEq, Insertable, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredResponse {
    pub user_id: String,
    pub idempotency_key: String,
    pub request_path: String,
    pub request_hash: String,
    pub response_status: i32,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

pub fn find(
    connection: &mut DbConn,
    user_id: &str,
    key: &str,
) -> QueryResult<Option<StoredResponse>> {
    idempotency_keys::table
        .find((user_id, key))
        .select(StoredResponse::as_select())
        .first(connection)
        .optional()
}

pub fn insert(connection: &mut DbConn, stored: &StoredResponse) -> QueryResult<usize> {
    diesel::insert_into(idempotency_keys::table)
        .values(stored)
        .execute(connection)
}
