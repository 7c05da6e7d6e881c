//! The `audit_log` table: who read or changed which personal record, and which fields.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{audit_log, audit_subjects};

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
    /// The server's group commit: a read outside a transaction hands its entry to it instead
    /// of committing it alone (the server's is [`super::audit_writer::AuditWriter`]).
    pub group: Option<std::sync::Arc<dyn GroupCommit>>,
}

/// Takes a read's entry into a transaction with other requests' and returns once it is
/// committed.
pub trait GroupCommit: Send + Sync + std::fmt::Debug {
    fn write(&self, entry: AuditEntry) -> QueryResult<()>;
}

/// One audit entry: its row, and the ids of the records it covers when there are many (the
/// row's `entity_id` is then empty; see `audit_subjects`).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub row: NewAuditEntry,
    pub subjects: Vec<String>,
}

/// Appends the entry of one action on one or many records, in the caller's transaction; a
/// read's entry, outside any transaction, goes with the other requests' through the group
/// commit when the server has one.
pub fn record(
    connection: &mut DbConn,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_ids: &[String],
    fields: &[&str],
    now: NaiveDateTime,
) -> QueryResult<()> {
    // One record's id goes on the row; many are listed apart.
    let (entity_id, subjects) = match entity_ids {
        [] => return Ok(()),
        [only] => (only.clone(), Vec::new()),
        many => {
            let mut subjects = many.to_vec();
            subjects.sort();
            subjects.dedup();
            (String::new(), subjects)
        }
    };
    let entry = AuditEntry {
        row: NewAuditEntry {
            occurred_at: now,
            actor_user_id: actor.user_id.clone(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id,
            fields: fields.join(","),
            client_address: actor.client_address.clone(),
        },
        subjects,
    };
    if action == "read"
        && let Some(group) = &actor.group
        && !connection.in_transaction()
    {
        return group.write(entry);
    }
    insert_entries(connection, std::slice::from_ref(&entry))
}

/// Inserts entries as they are, in the caller's transaction.
pub fn insert_entries(connection: &mut DbConn, entries: &[AuditEntry]) -> QueryResult<()> {
    let (single, listing): (Vec<&AuditEntry>, Vec<&AuditEntry>) =
        entries.iter().partition(|entry| entry.subjects.is_empty());
    // One record (nearly every write) goes in as a single row, a statement the connection keeps
    // prepared; a batch's statement differs with its length and is prepared each time.
    let rows: Vec<&NewAuditEntry> = single.iter().map(|entry| &entry.row).collect();
    match rows.as_slice() {
        [row] => crate::insert_rows!(connection, audit_log::table, *row)?,
        [] => 0,
        _ => crate::db::reference::insert_chunks(connection, &rows, |connection, chunk| {
            // diesel inserts a Vec of references, not a slice of them.
            let chunk: Vec<&NewAuditEntry> = chunk.to_vec();
            crate::insert_rows!(connection, audit_log::table, chunk)
        })?,
    };
    let mut subjects = Vec::new();
    for entry in listing {
        let entry_id = insert_returning_id(connection, &entry.row)?;
        subjects.extend(entry.subjects.iter().map(|entity_id| NewSubject {
            entity_id: entity_id.as_str(),
            entry_id,
        }));
    }
    crate::db::reference::insert_chunks(connection, &subjects, |connection, chunk| {
        crate::insert_rows!(connection, audit_subjects::table, chunk)
    })?;
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = audit_subjects)]
struct NewSubject<'a> {
    entity_id: &'a str,
    entry_id: i64,
}

fn insert_returning_id(connection: &mut DbConn, row: &NewAuditEntry) -> QueryResult<i64> {
    let insert = diesel::insert_into(audit_log::table)
        .values(row)
        .returning(audit_log::id);
    match connection {
        DbConn::Sqlite(connection) => insert.get_result(connection),
        #[cfg(feature = "postgres")]
        DbConn::Pg(connection) => insert.get_result(connection),
    }
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

/// Every entry about one record, oldest first: those of the record alone and those of reads
/// that listed it among others.
pub fn history_of(
    connection: &mut DbConn,
    entity: &str,
    entity_id: &str,
) -> QueryResult<Vec<HistoryEntry>> {
    let mut entries: Vec<(i64, HistoryEntry)> = audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .select((audit_log::id, HistoryEntry::as_select()))
        .load(connection)?;
    let listed: Vec<(i64, HistoryEntry)> = audit_subjects::table
        .inner_join(audit_log::table)
        .filter(audit_subjects::entity_id.eq(entity_id))
        .filter(audit_log::entity.eq(entity))
        .select((audit_log::id, HistoryEntry::as_select()))
        .load(connection)?;
    entries.extend(listed);
    entries.sort_by_key(|(id, _)| *id);
    Ok(entries.into_iter().map(|(_, entry)| entry).collect())
}

/// Entries about one record, oldest first: action, actor, fields.
pub fn for_record(
    connection: &mut DbConn,
    entity: &str,
    entity_id: &str,
) -> QueryResult<Vec<(String, Option<String>, String)>> {
    Ok(history_of(connection, entity, entity_id)?
        .into_iter()
        .map(|entry| (entry.action, entry.actor_user_id, entry.fields))
        .collect())
}
