//! Search and matching: a tantivy index kept in step with the database through the
//! `search_changes` log, accent-proof Vietnamese analysis, full-text search with facets, and
//! explained two-sided matching.

pub mod analysis;
pub mod documents;
pub mod index;
pub mod matching;
pub mod query;
pub mod schema;
pub mod service;

pub use index::SearchIndex;
pub use matching::Snapshot;
