//! Embedded migrations, one folder per backend with the same names.

#[cfg(feature = "postgres")]
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationVersion;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConn;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Key of the PostgreSQL advisory lock that serialises migrators: several app servers may
/// start at once against one database.
#[cfg(feature = "postgres")]
const MIGRATION_LOCK_KEY: i64 = 0x6b65_746e_6f69; // "ketnoi"

/// A migration failed; the message carries diesel's cause.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MigrationError(String);

impl From<Box<dyn std::error::Error + Send + Sync>> for MigrationError {
    fn from(error: Box<dyn std::error::Error + Send + Sync>) -> Self {
        MigrationError(error.to_string())
    }
}

impl From<diesel::result::Error> for MigrationError {
    fn from(error: diesel::result::Error) -> Self {
        MigrationError(error.to_string())
    }
}

/// Applies every pending migration; returns the versions applied now.
pub fn run_pending(connection: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    match connection {
        DbConn::Sqlite(sqlite) => versions(sqlite.run_pending_migrations(SQLITE_MIGRATIONS)?),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = pg
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|applied| applied.iter().map(ToString::to_string).collect::<Vec<_>>());
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result.map_err(MigrationError::from)
        }
    }
}

/// Reverts every applied migration, newest first (each `down.sql`).
pub fn revert_all(connection: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    match connection {
        DbConn::Sqlite(sqlite) => versions(sqlite.revert_all_migrations(SQLITE_MIGRATIONS)?),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => versions(pg.revert_all_migrations(POSTGRES_MIGRATIONS)?),
    }
}

/// The newest applied migration, e.g. `20261127000004`; `None` on an empty database.
pub fn schema_version(connection: &mut DbConn) -> Result<Option<String>, MigrationError> {
    let applied = match connection {
        DbConn::Sqlite(sqlite) => sqlite.applied_migrations()?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => pg.applied_migrations()?,
    };
    Ok(applied.iter().map(ToString::to_string).max())
}

/// Whether migrations exist that this database has not applied.
pub fn has_pending(connection: &mut DbConn) -> Result<bool, MigrationError> {
    Ok(match connection {
        DbConn::Sqlite(sqlite) => sqlite.has_pending_migration(SQLITE_MIGRATIONS)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => pg.has_pending_migration(POSTGRES_MIGRATIONS)?,
    })
}

fn versions(applied: Vec<MigrationVersion<'_>>) -> Result<Vec<String>, MigrationError> {
    Ok(applied.iter().map(ToString::to_string).collect())
}
