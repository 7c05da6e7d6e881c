//! What request handlers share.

use std::sync::Arc;

use crate::accounts::LoginThrottle;
use crate::db::Backend;
use crate::db::pool::DbPool;
use crate::search::SearchIndex;
use crate::search::matching::Weights;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub backend: Backend,
    pub login_throttle: Arc<LoginThrottle>,
    pub search: Arc<SearchIndex>,
    pub match_weights: Weights,
    pub imports: Arc<crate::import::jobs::Jobs>,
}

impl AppState {
    pub fn new(
        pool: DbPool,
        backend: Backend,
        search: Arc<SearchIndex>,
        match_weights: Weights,
    ) -> AppState {
        AppState {
            pool,
            backend,
            login_throttle: Arc::new(LoginThrottle::default()),
            search,
            match_weights,
            imports: Arc::default(),
        }
    }
}
