//! What one search reads: a searcher and the fast-field columns of each of its segments.
//! Opening a segment's columns parses their headers (a dozen columns, a dictionary lookup
//! each), work that cost more than a whole small search when every request did it; a segment
//! never changes once written, so its columns are opened once and kept until the index moves
//! to other segments.

use std::sync::{Arc, Mutex};

use tantivy::Searcher;
use tantivy::index::SegmentId;

use super::Columns;

/// A searcher with its segments' columns, in the order of `searcher.segment_readers()`.
#[derive(Clone)]
pub struct Snapshot {
    searcher: Searcher,
    columns: Arc<Vec<Columns>>,
}

impl Snapshot {
    /// Opens every segment's columns (for one-off use; a server takes them from its cache).
    pub fn open(searcher: Searcher) -> tantivy::Result<Snapshot> {
        let columns = searcher
            .segment_readers()
            .iter()
            .map(Columns::open)
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Snapshot {
            searcher,
            columns: Arc::new(columns),
        })
    }

    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// The columns of every segment, by segment ordinal.
    pub fn columns(&self) -> &[Columns] {
        &self.columns
    }

    fn segments(searcher: &Searcher) -> Vec<SegmentId> {
        searcher
            .segment_readers()
            .iter()
            .map(|reader| reader.segment_id())
            .collect()
    }
}

/// The last snapshot; a searcher over the same segments (only deletions differ) reuses its
/// columns.
#[derive(Default)]
pub(in crate::search) struct SnapshotCache {
    last: Mutex<Option<Opened>>,
}

/// The segments whose columns were opened, and the columns.
type Opened = (Vec<SegmentId>, Arc<Vec<Columns>>);

impl SnapshotCache {
    pub(in crate::search) fn snapshot(&self, searcher: Searcher) -> tantivy::Result<Snapshot> {
        let segments = Snapshot::segments(&searcher);
        if let Ok(last) = self.last.lock()
            && let Some((known, columns)) = last.as_ref()
            && *known == segments
        {
            return Ok(Snapshot {
                searcher,
                columns: Arc::clone(columns),
            });
        }
        let snapshot = Snapshot::open(searcher)?;
        if let Ok(mut last) = self.last.lock() {
            *last = Some((segments, Arc::clone(&snapshot.columns)));
        }
        Ok(snapshot)
    }
}
