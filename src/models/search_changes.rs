//! The `search_changes` table: the change log the search indexer applies, written in the same
//! transaction as the change.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::search_changes;

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = search_changes)]
struct NewSearchChange<'a> {
    entity: &'a str,
    entity_id: &'a str,
    operation: &'a str,
    created_at: NaiveDateTime,
}

/// `entity` is `worker`, `vacancy` or `course`; archived records are deleted from the index.
pub fn append(
    connection: &mut DbConn,
    entity: &str,
    entity_id: &str,
    deleted: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let change = NewSearchChange {
        entity,
        entity_id,
        operation: if deleted { "delete" } else { "upsert" },
        created_at: now,
    };
    diesel::insert_into(search_changes::table)
        .values(&change)
        .execute(connection)?;
    Ok(())
}

/// The newest changes, for tests and diagnostics: (entity, entity_id, operation).
pub fn latest(connection: &mut DbConn, limit: i64) -> QueryResult<Vec<(String, String, String)>> {
    search_changes::table
        .order(search_changes::id.desc())
        .limit(limit)
        .select((
            search_changes::entity,
            search_changes::entity_id,
            search_changes::operation,
        ))
        .load(connection)
}
