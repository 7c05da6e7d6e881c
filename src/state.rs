//! What request handlers share.

use crate::db::Backend;
use crate::db::pool::DbPool;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub backend: Backend,
}
