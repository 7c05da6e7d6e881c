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

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Change {
    pub id: i64,
    pub entity: String,
    pub entity_id: String,
    pub operation: String,
}

/// Up to `limit` changes after `after`, oldest first.
pub fn after(connection: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<Change>> {
    search_changes::table
        .filter(search_changes::id.gt(after))
        .order(search_changes::id)
        .limit(limit)
        .select((
            search_changes::id,
            search_changes::entity,
            search_changes::entity_id,
            search_changes::operation,
        ))
        .load(connection)
}

/// The newest change id, 0 for an empty log.
pub fn newest_id(connection: &mut DbConn) -> QueryResult<i64> {
    use diesel::dsl::max;
    Ok(search_changes::table
        .select(max(search_changes::id))
        .first::<Option<i64>>(connection)?
        .unwrap_or(0))
}

/// Re-indexes every member of a household (their documents carry its status).
pub fn append_household_members(
    connection: &mut DbConn,
    household_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use crate::db::schema::workers;
    let members: Vec<String> = workers::table
        .filter(workers::household_id.eq(household_id))
        .select(workers::id)
        .load(connection)?;
    for member in members {
        append(connection, "worker", &member, false, now)?;
    }
    Ok(())
}
