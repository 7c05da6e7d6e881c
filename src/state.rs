//! What request handlers share.

use std::sync::Arc;

use crate::accounts::LoginThrottle;
use crate::db::Backend;
use crate::db::pool::DbPool;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub backend: Backend,
    pub login_throttle: Arc<LoginThrottle>,
}

impl AppState {
    pub fn new(pool: DbPool, backend: Backend) -> AppState {
        AppState {
            pool,
            backend,
            login_throttle: Arc::new(LoginThrottle::default()),
        }
    }
}
