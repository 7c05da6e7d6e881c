//! What request handlers share.

use std::sync::Arc;

use crate::db::Backend;
use crate::db::pool::DbPool;
use crate::metrics::Metrics;
use crate::proxies::TrustedProxies;
use crate::search::SearchIndex;
use crate::search::matching::Weights;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub backend: Backend,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// This server's request figures, for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// A token a scraper may send instead of an admin's (`KETNOI_METRICS_TOKEN`), kept as its
    /// SHA-256.
    pub metrics_token_hash: Option<String>,
    pub search: Arc<SearchIndex>,
    pub match_weights: Weights,
    pub imports: Arc<crate::import::jobs::Jobs>,
    /// Bearer tokens found current in the last second.
    pub tokens: Arc<crate::accounts::token_cache::TokenCache>,
    /// The group commit of the audit entries of reads (none if its thread could not start:
    /// each read then commits its own).
    pub audit: Option<Arc<crate::models::audit_writer::AuditWriter>>,
}

impl AppState {
    pub fn new(
        pool: DbPool,
        backend: Backend,
        search: Arc<SearchIndex>,
        match_weights: Weights,
    ) -> AppState {
        AppState {
            pool: pool.clone(),
            backend,
            trusted_proxies: Arc::default(),
            metrics: Arc::default(),
            metrics_token_hash: None,
            search,
            match_weights,
            imports: Arc::default(),
            tokens: Arc::default(),
            audit: crate::models::audit_writer::AuditWriter::start(pool.clone())
                .inspect_err(|error| tracing::warn!(%error, "no group commit for audits"))
                .ok(),
        }
    }
}

impl AppState {
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    pub fn with_metrics_token(mut self, token: Option<&str>) -> AppState {
        self.metrics_token_hash = token
            .filter(|token| !token.is_empty())
            .map(crate::accounts::token_hash);
        self
    }
}
