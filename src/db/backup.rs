//! `ketnoi backup FILE` and `ketnoi restore FILE` for SQLite. A backup is `VACUUM INTO`: one
//! read transaction, so the copy is the database as of one moment however many writers run
//! meanwhile, written compactly to a new file. A restore copies a backup over the database the
//! same way, through a file beside it that is renamed into place, so a crash half-way leaves
//! the old database whole. PostgreSQL is backed up with `pg_dump` (see the README).

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use super::DatabaseUrl;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "DATABASE_URL names PostgreSQL: back it up with pg_dump --format=custom and restore it with pg_restore (see the README)"
    )]
    Postgres,
    #[error("{0} exists already: name a new file")]
    Exists(PathBuf),
    #[error("{0} is not a Ketnoi SQLite database: {1}")]
    NotKetnoi(PathBuf, String),
    #[error(
        "the database is in use: stop `ketnoi serve` (and any other command using it) before restoring"
    )]
    InUse,
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0}")]
    Database(String),
}

fn sqlite_path(url: &DatabaseUrl) -> Result<&Path, BackupError> {
    match url {
        DatabaseUrl::Sqlite { path } => Ok(path),
        DatabaseUrl::Postgres { .. } => Err(BackupError::Postgres),
    }
}

fn database(error: impl std::fmt::Display) -> BackupError {
    BackupError::Database(super::one_line(&error.to_string()))
}

/// SQLite's string literal for a path.
fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// Copies the database `url` names, as of one moment, into a new file at `target`, while
/// servers keep reading and writing it. Answers the schema version the copy holds.
pub fn backup(url: &DatabaseUrl, target: &Path) -> Result<Option<String>, BackupError> {
    let source = sqlite_path(url)?;
    if target.exists() {
        return Err(BackupError::Exists(target.to_owned()));
    }
    let mut connection = open(source)?;
    connection
        .batch_execute(&format!("VACUUM INTO {}", quoted(target)))
        .map_err(database)?;
    let mut copy = open(target)?;
    check(&mut copy, target)
}

/// Replaces the database `url` names with the backup at `backup`. Refused while anything else
/// has the database open. Answers the schema version restored; the caller migrates and
/// rebuilds the search index.
pub fn restore(url: &DatabaseUrl, backup: &Path) -> Result<Option<String>, BackupError> {
    let target = sqlite_path(url)?;
    let mut source = open(backup)?;
    let version = check(&mut source, backup)?;
    if target.exists() {
        ensure_unused(target)?;
    }
    let staging = target.with_extension("restoring");
    let _ = std::fs::remove_file(&staging);
    source
        .batch_execute(&format!("VACUUM INTO {}", quoted(&staging)))
        .map_err(database)?;
    drop(source);
    // The old database's write-ahead log belongs to the old file: it goes with it.
    for suffix in ["-wal", "-shm"] {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::rename(&staging, target).map_err(|error| BackupError::Io(target.to_owned(), error))?;
    Ok(version)
}

fn open(path: &Path) -> Result<SqliteConnection, BackupError> {
    let mut connection =
        SqliteConnection::establish(&path.display().to_string()).map_err(database)?;
    connection
        .batch_execute("PRAGMA busy_timeout = 10000;")
        .map_err(database)?;
    Ok(connection)
}

/// The copy is whole (SQLite's own check) and holds Ketnoi's tables; its schema version.
fn check(connection: &mut SqliteConnection, path: &Path) -> Result<Option<String>, BackupError> {
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        quick_check: String,
    }
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        version: Option<String>,
    }
    let not_ketnoi = |reason: String| BackupError::NotKetnoi(path.to_owned(), reason);
    let checked: Vec<Check> = diesel::sql_query("PRAGMA quick_check")
        .load(connection)
        .map_err(|error| not_ketnoi(error.to_string()))?;
    if checked.first().map(|row| row.quick_check.as_str()) != Some("ok") {
        return Err(not_ketnoi("the file is damaged".to_owned()));
    }
    let version: Version =
        diesel::sql_query("SELECT MAX(version) AS version FROM __diesel_schema_migrations")
            .get_result(connection)
            .map_err(|_| not_ketnoi("it has no migrations".to_owned()))?;
    match version.version {
        Some(version) => Ok(Some(version)),
        None => Err(not_ketnoi("it has no migrations".to_owned())),
    }
}

/// Nothing else has the database open: an exclusive lock on it is granted at once.
fn ensure_unused(path: &Path) -> Result<(), BackupError> {
    let mut connection =
        SqliteConnection::establish(&path.display().to_string()).map_err(database)?;
    connection
        .batch_execute(
            "PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;",
        )
        .map_err(|_| BackupError::InUse)
}
