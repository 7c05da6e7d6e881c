//! A connection pool over [`DbConn`]. Checkouts block, so callers on the async executor go
//! through `web::block` (or `spawn_blocking`), never call [`DbPool::get`] directly.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};

use super::{ConnectError, DatabaseUrl, DbConn, establish};

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Opens connections for the pool with the driver chosen from the URL, and the SQLite pragmas
/// every connection needs.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        establish(&self.url)
    }

    fn is_valid(&self, connection: &mut DbConn) -> Result<(), ConnectError> {
        connection
            .batch_execute("SELECT 1")
            .map_err(|error| ConnectError::Connect {
                url: self.url.to_string(),
                message: error.to_string(),
            })
    }

    fn has_broken(&self, _connection: &mut DbConn) -> bool {
        false
    }
}

/// Builds the pool. The caller has already opened one connection (to migrate), so a bad URL
/// has been reported by then and this does not wait out the pool's timeout.
pub fn build(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, r2d2::PoolError> {
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(15))
        .test_on_check_out(true)
        .build(Manager { url: url.clone() })
}
