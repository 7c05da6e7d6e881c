//! Settings, built once from flags and environment and passed explicitly.

use std::path::PathBuf;

use crate::db::DatabaseUrl;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ketnoi.sqlite3";
pub const DEFAULT_INDEX_DIR: &str = "search_index";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// What every command needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub index_dir: PathBuf,
    /// Pooled connections. SQLite has one writer at a time whatever the size; PostgreSQL
    /// benefits up to about twice the cores.
    pub pool_size: u32,
}

impl Settings {
    pub fn new(database_url: DatabaseUrl, index_dir: PathBuf) -> Settings {
        Settings {
            database_url,
            index_dir,
            pool_size: 8,
        }
    }
}

/// What `serve` needs beyond [`Settings`].
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// `host:port`; port 0 picks a free one (tests).
    pub bind: String,
    /// Load a demo of this many workers into an empty database first.
    pub demo_workers: Option<u64>,
    pub workers: Option<usize>,
    pub match_weights: crate::search::matching::Weights,
    pub trusted_proxies: crate::proxies::TrustedProxies,
    pub metrics_token: Option<String>,
    pub mail: crate::mail::MailSettings,
}
