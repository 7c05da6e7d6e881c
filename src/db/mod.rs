//! The database: one connection type over SQLite and PostgreSQL, its pool, migrations and
//! reference data.

pub mod backup;
pub mod ids;
pub mod migrations;
pub mod pool;
pub mod reference;
pub mod schema;

use std::fmt;
use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

/// Multi-row INSERT, run on the concrete connection: `MultiConnection` cannot express
/// SQLite's batch insert, and bulk paths (reference data, demo, imports) need it.
#[macro_export]
macro_rules! insert_rows {
    ($connection:expr, $table:expr, $rows:expr) => {
        match $connection {
            $crate::db::DbConn::Sqlite(connection) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), connection)
            }
            #[cfg(feature = "postgres")]
            $crate::db::DbConn::Pg(connection) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), connection)
            }
        }
    };
}

/// A connection to either backend. Queries are written once against this type.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    #[cfg(feature = "postgres")]
    Pg(diesel::pg::PgConnection),
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A parsed `DATABASE_URL`. The backend is chosen from the scheme alone, never by trying to
/// connect with each driver in turn: SQLite would happily create a file named after a
/// PostgreSQL URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error("DATABASE_URL is empty")]
    Empty,
    #[error("DATABASE_URL `{0}` has no scheme: use sqlite://PATH or postgres://USER@HOST/DB")]
    NoScheme(String),
    #[error("DATABASE_URL scheme `{0}` is not supported: use sqlite:// or postgres://")]
    UnknownScheme(String),
    #[error("DATABASE_URL `sqlite://` names no file: use sqlite://PATH")]
    NoSqlitePath,
    #[error("DATABASE_URL `{0}` names no host or database")]
    MalformedPostgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(DatabaseUrlError::NoScheme(raw.to_owned()));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                // `sqlite://data/x.db` is relative, `sqlite:///var/lib/x.db` absolute.
                let path = rest.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(DatabaseUrlError::NoSqlitePath);
                }
                Ok(DatabaseUrl::Sqlite {
                    path: PathBuf::from(path),
                })
            }
            "postgres" | "postgresql" => {
                if rest.is_empty() || rest == "/" {
                    return Err(DatabaseUrlError::MalformedPostgres(redact_password(raw)));
                }
                Ok(DatabaseUrl::Postgres {
                    url: raw.to_owned(),
                })
            }
            other => Err(DatabaseUrlError::UnknownScheme(other.to_owned())),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite { .. } => Backend::Sqlite,
            DatabaseUrl::Postgres { .. } => Backend::Postgres,
        }
    }
}

/// Shows the URL with any password replaced, for logs and error messages.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite { path } => write!(formatter, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => formatter.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, formatter)
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot create the folder {path} for the SQLite database")]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {url}: {message}")]
    Connect { url: String, message: String },
    #[error("cannot prepare the SQLite connection to {url}")]
    Pragmas {
        url: String,
        source: diesel::result::Error,
    },
    #[error(
        "DATABASE_URL names PostgreSQL, but this build has no PostgreSQL support: rebuild with `--features postgres`"
    )]
    PostgresNotBuilt,
}

/// Opens one connection, choosing the driver from the URL.
pub fn establish(url: &DatabaseUrl) -> Result<DbConn, ConnectError> {
    match url {
        DatabaseUrl::Sqlite { path } => {
            if let Some(parent) = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).map_err(|source| ConnectError::CreateFolder {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            let path_text = path.to_string_lossy();
            let mut connection =
                SqliteConnection::establish(&path_text).map_err(|error| ConnectError::Connect {
                    url: url.to_string(),
                    message: one_line(&error.to_string()),
                })?;
            prepare_sqlite(&mut connection).map_err(|source| ConnectError::Pragmas {
                url: url.to_string(),
                source,
            })?;
            Ok(DbConn::Sqlite(connection))
        }
        #[cfg(feature = "postgres")]
        DatabaseUrl::Postgres { url: raw } => {
            let connection = diesel::pg::PgConnection::establish(raw).map_err(|error| {
                ConnectError::Connect {
                    url: url.to_string(),
                    message: one_line(&error.to_string()),
                }
            })?;
            Ok(DbConn::Pg(connection))
        }
        #[cfg(not(feature = "postgres"))]
        DatabaseUrl::Postgres { .. } => Err(ConnectError::PostgresNotBuilt),
    }
}

/// SQLite hygiene on every connection. `synchronous = FULL`: a hire confirmed to staff must
/// survive a power cut, and the cost is one fsync per commit, which the bulk paths (demo,
/// imports) amortise over large transactions.
fn prepare_sqlite(connection: &mut SqliteConnection) -> QueryResult<()> {
    connection.batch_execute(
        "PRAGMA busy_timeout = 10000;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -65536;",
    )
}

/// libpq's messages span several lines; a configuration error is reported on one.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl DbConn {
    /// Runs `work` in a transaction that writes. On SQLite it begins `IMMEDIATE`: a deferred
    /// transaction that reads before it writes cannot take the write lock once another writer
    /// has committed past its snapshot, and SQLite then answers "database is locked" at once,
    /// without waiting out the busy timeout. Taking the lock first makes concurrent writers wait
    /// their turn. Inside an open transaction it is a savepoint, as `transaction` is.
    pub fn write_transaction<T, E, F>(&mut self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        let began_immediate = match self {
            DbConn::Sqlite(sqlite) => {
                let outermost = AnsiTransactionManager::transaction_manager_status_mut(sqlite)
                    .transaction_depth()?
                    .is_none();
                if outermost {
                    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
                }
                outermost
            }
            #[cfg(feature = "postgres")]
            DbConn::Pg(_) => false,
        };
        if !began_immediate {
            return self.transaction(work);
        }
        // From here on the multi-connection's manager sees the open transaction: it delegates
        // commit and rollback to the SQLite connection's own manager.
        match work(self) {
            Ok(value) => {
                <DbConn as Connection>::TransactionManager::commit_transaction(self)?;
                Ok(value)
            }
            Err(error) => {
                match <DbConn as Connection>::TransactionManager::rollback_transaction(self) {
                    Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                    Err(rollback_error) => Err(rollback_error.into()),
                }
            }
        }
    }

    /// Whether a transaction is open on this connection.
    pub fn in_transaction(&mut self) -> bool {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        match self {
            DbConn::Sqlite(sqlite) => {
                AnsiTransactionManager::transaction_manager_status_mut(sqlite)
                    .transaction_depth()
                    .map_or(true, |depth| depth.is_some())
            }
            #[cfg(feature = "postgres")]
            DbConn::Pg(pg) => AnsiTransactionManager::transaction_manager_status_mut(pg)
                .transaction_depth()
                .map_or(true, |depth| depth.is_some()),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            #[cfg(feature = "postgres")]
            DbConn::Pg(_) => Backend::Postgres,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_paths() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/ketnoi.sqlite3"),
            Ok(DatabaseUrl::Sqlite {
                path: PathBuf::from("data/ketnoi.sqlite3")
            })
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/ketnoi.db"),
            Ok(DatabaseUrl::Sqlite {
                path: PathBuf::from("/var/lib/ketnoi.db")
            })
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::NoSqlitePath)
        );
    }

    #[test]
    fn chooses_postgres_by_scheme_and_rejects_others() {
        for raw in [
            "postgres://u@localhost/k",
            "postgresql://u@localhost/k",
            "POSTGRES://h/k",
        ] {
            assert_eq!(
                DatabaseUrl::parse(raw).map(|url| url.backend()),
                Ok(Backend::Postgres)
            );
        }
        assert_eq!(
            DatabaseUrl::parse("mysql://localhost/k"),
            Err(DatabaseUrlError::UnknownScheme("mysql".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("data/ketnoi.sqlite3"),
            Err(DatabaseUrlError::NoScheme("data/ketnoi.sqlite3".into()))
        );
        assert_eq!(DatabaseUrl::parse("  "), Err(DatabaseUrlError::Empty));
    }

    #[test]
    fn hides_passwords_when_shown() -> Result<(), DatabaseUrlError> {
        let url = DatabaseUrl::parse("postgres://ketnoi:s3cret@db.example:5432/ketnoi")?;
        assert_eq!(
            url.to_string(),
            "postgres://ketnoi:***@db.example:5432/ketnoi"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        Ok(())
    }
}
