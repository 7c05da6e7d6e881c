//! Bearer tokens recently found current, so a request does not look its token up in the
//! database every time. An entry lives one second at most, and none outlives a revocation in
//! this process: revoking a token, or every token of a login (deactivated, role, area or
//! password changed), moves [`crate::models::api_tokens::generation`] on and every entry taken
//! before it is forgotten. Another process sharing the database sees a revocation within the
//! second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Principal;
use crate::models::api_tokens;

/// The longest an entry is trusted.
pub const TTL: Duration = Duration::from_secs(1);
/// Entries kept at most; past it the cache starts afresh.
const CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Debug)]
struct Entry {
    principal: Principal,
    taken: Instant,
    generation: u64,
}

impl TokenCache {
    /// The principal of a token (by its hash) found current within the last second and not
    /// revoked since, with this request's client address.
    pub fn get(&self, token_hash: &str, client_address: Option<String>) -> Option<Principal> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(token_hash)?;
        let fresh = entry.taken.elapsed() < TTL && entry.generation == api_tokens::generation();
        fresh.then(|| Principal {
            client_address,
            ..entry.principal.clone()
        })
    }

    /// Remembers a principal read from the database; `generation` is the one read before the
    /// lookup, so a revocation during it leaves the entry already stale.
    pub fn put(&self, token_hash: String, principal: &Principal, generation: u64) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            token_hash,
            Entry {
                principal: principal.clone(),
                taken: Instant::now(),
                generation,
            },
        );
    }
}
