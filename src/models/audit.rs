//! The `audit_log` table: who read or changed which personal record, and which fields.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::audit_log;

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct NewAuditEntry {
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub fields: String,
    pub client_address: Option<String>,
}

/// Who is acting, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<String>,
    pub client_address: Option<String>,
    /// The server's group commit: a read outside a transaction hands its entries to it
    /// instead of committing them alone (see [`super::audit_writer`]).
    pub group: Option<std::sync::Arc<super::audit_writer::AuditWriter>>,
}

/// Appends one entry per record, in the caller's transaction; a read's entries, outside any
/// transaction, go with the other requests' through the group commit when the server has one.
pub fn record(
    connection: &mut DbConn,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_ids: &[String],
    fields: &[&str],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let entries: Vec<NewAuditEntry> = entity_ids
        .iter()
        .map(|entity_id| NewAuditEntry {
            occurred_at: now,
            actor_user_id: actor.user_id.clone(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.clone(),
            fields: fields.join(","),
            client_address: actor.client_address.clone(),
        })
        .collect();
    if action == "read"
        && let Some(group) = &actor.group
        && !connection.in_transaction()
    {
        return group.write(entries);
    }
    insert_entries(connection, &entries)
}

/// Inserts entries as they are, in the caller's transaction.
pub fn insert_entries(connection: &mut DbConn, entries: &[NewAuditEntry]) -> QueryResult<()> {
    // One record (nearly every write) goes in as a single row, a statement the connection keeps
    // prepared; a batch's statement differs with its length and is prepared each time.
    match entries {
        [entry] => crate::insert_rows!(connection, audit_log::table, entry)?,
        [] => 0,
        _ => crate::db::reference::insert_chunks(connection, entries, |connection, chunk| {
            crate::insert_rows!(connection, audit_log::table, chunk)
        })?,
    };
    Ok(())
}

/// One entry of a record's history, as a person's data export shows it.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = audit_log)]
pub struct HistoryEntry {
    pub occurred_at: NaiveDateTime,
    pub action: String,
    #[serde(rename = "by_user_id")]
    pub actor_user_id: Option<String>,
    pub fields: String,
}

/// Every entry about one record, oldest first.
pub fn history_of(
    connection: &mut DbConn,
    entity: &str,
    entity_id: &str,
) -> QueryResult<Vec<HistoryEntry>> {
    audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::id)
        .select(HistoryEntry::as_select())
        .load(connection)
}

/// Entries about one record, oldest first.
pub fn for_record(
    connection: &mut DbConn,
    entity: &str,
    entity_id: &str,
) -> QueryResult<Vec<(String, Option<String>, String)>> {
    audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::id)
        .select((
            audit_log::action,
            audit_log::actor_user_id,
            audit_log::fields,
        ))
        .load(connection)
}
