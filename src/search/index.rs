//! The index on disk and the one task that writes it.
//!
//! The index folder holds generations (`gen-…` folders, each a tantivy index) and a `CURRENT`
//! file naming the live one. The indexer thread owns the live generation's `IndexWriter`: it
//! applies `search_changes` in order (delete by id, then add the record as the database holds
//! it now), commits with the last applied change id as the commit payload and reloads the
//! reader. Replaying a change is harmless, so a crash between a database commit and an index
//! commit loses nothing and duplicates nothing: the next start catches up from the payload.
//! `ketnoi reindex` builds a new generation and points `CURRENT` at it; a running server
//! notices within a poll interval, switches and removes the old generation.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyError, Term};

use super::analysis;
use super::documents::{self, Kind, Reference, Selection};
use super::matching::{Snapshot, SnapshotCache};
use super::query::{Found, Remembered, SearchSpec};
use super::schema::{self, Fields, SCHEMA_VERSION};
use crate::db::DbConn;
use crate::db::pool::DbPool;
use crate::models::search_changes::{self, Change};

/// How often the indexer looks for new changes (and for a new generation).
const POLL: Duration = Duration::from_millis(250);
/// Changes applied per commit at most.
const BATCH: i64 = 1000;
/// Records read per database round trip when building.
const BUILD_CHUNK: i64 = 5000;
const CURRENT: &str = "CURRENT";

/// What a commit records.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    last_change: i64,
    schema: u32,
}

/// The live generation: what searches read.
#[derive(Clone)]
struct Live {
    generation: String,
    reader: IndexReader,
}

enum Control {
    /// Apply every pending change, commit, reload; answer with the last applied change id.
    Sync(mpsc::Sender<Result<i64, String>>),
    Shutdown,
}

/// The search index of one server.
pub struct SearchIndex {
    fields: Fields,
    reference: Arc<Reference>,
    live: Arc<RwLock<Live>>,
    control: Mutex<Option<mpsc::Sender<Control>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    snapshots: SnapshotCache,
    remembered: Remembered,
}

impl SearchIndex {
    /// Opens the live generation (building one when there is none, when it was built with
    /// another schema version, or when it has seen changes this database never had),
    /// catches up with the change log and starts the indexer thread.
    pub fn open(root: &Path, pool: DbPool, show_progress: bool) -> anyhow::Result<SearchIndex> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("creating the search index folder {}", root.display()))?;
        let (_, fields) = schema::build();
        let mut connection = pool.get().context("connecting to the database")?;
        let newest = search_changes::newest_id(&mut connection)?;
        let reference = Arc::new(Reference::load(&mut connection)?);
        let usable = match current_generation(root) {
            Some(generation) => match open_generation(root, &generation) {
                Ok((index, payload)) if payload.schema != SCHEMA_VERSION => {
                    tracing::info!(
                        found = payload.schema,
                        wanted = SCHEMA_VERSION,
                        "search index schema changed, rebuilding"
                    );
                    drop(index);
                    None
                }
                Ok((_, payload)) if payload.last_change > newest => {
                    tracing::warn!(
                        index = payload.last_change,
                        database = newest,
                        "search index has seen changes this database has not, rebuilding"
                    );
                    None
                }
                Ok((index, _)) => Some((generation, index)),
                Err(error) => {
                    tracing::warn!(error = %error, "search index unreadable, rebuilding");
                    None
                }
            },
            None => None,
        };
        let (generation, index) = match usable {
            Some(found) => found,
            None => {
                let generation = build(root, &mut connection, show_progress)?;
                let (index, _) = open_generation(root, &generation)?;
                (generation, index)
            }
        };
        drop(connection);
        let mut indexer = Indexer::start(
            root,
            pool,
            fields,
            Arc::clone(&reference),
            generation,
            index,
        )?;
        indexer.catch_up()?;
        let live = Arc::clone(&indexer.live);
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("ketnoi-indexer".to_owned())
            .spawn(move || indexer.run(receiver))
            .context("starting the indexer thread")?;
        Ok(SearchIndex {
            fields,
            reference,
            live,
            control: Mutex::new(Some(sender)),
            thread: Mutex::new(Some(thread)),
            snapshots: SnapshotCache::default(),
            remembered: Remembered::default(),
        })
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Administrative units and occupations as the index encodes them (loaded at start:
    /// reference data does not change while a server runs).
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// A searcher over the latest commit.
    pub fn searcher(&self) -> Searcher {
        match self.live.read() {
            Ok(live) => live.reader.searcher(),
            Err(poisoned) => poisoned.into_inner().reader.searcher(),
        }
    }

    /// The searcher with its segments' columns, opened once per set of segments.
    pub fn snapshot(&self) -> tantivy::Result<Snapshot> {
        self.snapshots.snapshot(self.searcher())
    }

    /// A search's ids, total and facets on this snapshot, computed once per state of the index.
    pub fn found(
        &self,
        snapshot: &Snapshot,
        kind: Kind,
        spec: &SearchSpec,
    ) -> tantivy::Result<Arc<Found>> {
        self.remembered.search(snapshot, &self.fields, kind, spec)
    }

    /// Applies every pending change now and makes it visible; returns the last applied change
    /// id. For tests, benchmarks and read-your-writes callers.
    pub fn sync(&self) -> anyhow::Result<i64> {
        let (reply, answer) = mpsc::channel();
        {
            let control = self
                .control
                .lock()
                .map_err(|_| anyhow::anyhow!("indexer control poisoned"))?;
            let sender = control.as_ref().context("the indexer has been stopped")?;
            sender
                .send(Control::Sync(reply))
                .map_err(|_| anyhow::anyhow!("the indexer has stopped"))?;
        }
        answer
            .recv()
            .map_err(|_| anyhow::anyhow!("the indexer has stopped"))?
            .map_err(|message| anyhow::anyhow!(message))
    }

    /// The last change of the log the searchable commit holds, for the index's lag.
    pub fn applied_change(&self) -> anyhow::Result<i64> {
        let searcher = self.searcher();
        Ok(read_payload(searcher.index())?.last_change)
    }

    /// Stops the indexer thread and releases the writer; searches keep reading the last
    /// commit.
    pub fn shutdown(&self) {
        if let Ok(mut control) = self.control.lock()
            && let Some(sender) = control.take()
        {
            let _ = sender.send(Control::Shutdown);
        }
        if let Ok(mut thread) = self.thread.lock()
            && let Some(handle) = thread.take()
        {
            let _ = handle.join();
        }
    }
}

impl Drop for SearchIndex {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The thread that owns the writer.
struct Indexer {
    root: PathBuf,
    pool: DbPool,
    fields: Fields,
    reference: Arc<Reference>,
    writer: IndexWriter,
    live: Arc<RwLock<Live>>,
    last_change: i64,
}

impl Indexer {
    fn start(
        root: &Path,
        pool: DbPool,
        fields: Fields,
        reference: Arc<Reference>,
        generation: String,
        index: Index,
    ) -> anyhow::Result<Indexer> {
        let (writer, reader, last_change) = writer_for(&index)?;
        Ok(Indexer {
            root: root.to_owned(),
            pool,
            fields,
            reference,
            writer,
            live: Arc::new(RwLock::new(Live { generation, reader })),
            last_change,
        })
    }

    fn run(mut self, control: mpsc::Receiver<Control>) {
        loop {
            let request = match control.recv_timeout(POLL) {
                Ok(Control::Shutdown) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Control::Sync(reply)) => Some(reply),
                Err(RecvTimeoutError::Timeout) => None,
            };
            if let Err(error) = self.follow_generation() {
                tracing::error!(error = %format!("{error:#}"), "switching search index generation");
            }
            let outcome = self.catch_up();
            if let Err(error) = &outcome {
                tracing::error!(error = %format!("{error:#}"), "applying search changes");
            }
            if let Some(reply) = request {
                let _ = reply.send(outcome.map_err(|error| format!("{error:#}")));
            }
        }
        if let Err(error) = self.writer.wait_merging_threads() {
            tracing::warn!(error = %error, "finishing index merges");
        }
    }

    /// Applies every change after the last applied one, a batch per commit.
    fn catch_up(&mut self) -> anyhow::Result<i64> {
        loop {
            let mut connection = self.pool.get().context("connecting to the database")?;
            let changes = search_changes::after(&mut connection, self.last_change, BATCH)?;
            let Some(last) = changes.last().map(|change| change.id) else {
                return Ok(self.last_change);
            };
            let started = Instant::now();
            apply(
                &mut connection,
                &self.fields,
                &self.reference,
                &self.writer,
                &changes,
            )?;
            drop(connection);
            commit(&mut self.writer, last)?;
            self.reader()?.reload()?;
            self.last_change = last;
            tracing::debug!(
                changes = changes.len(),
                last_change = last,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "search index caught up"
            );
            if (changes.len() as i64) < BATCH {
                return Ok(last);
            }
        }
    }

    fn reader(&self) -> anyhow::Result<IndexReader> {
        self.live
            .read()
            .map(|live| live.reader.clone())
            .map_err(|_| anyhow::anyhow!("search index state poisoned"))
    }

    /// Switches to the generation `CURRENT` names when `ketnoi reindex` has built a new one.
    fn follow_generation(&mut self) -> anyhow::Result<()> {
        let Some(wanted) = current_generation(&self.root) else {
            return Ok(());
        };
        let old = self
            .live
            .read()
            .map(|live| live.generation.clone())
            .map_err(|_| anyhow::anyhow!("search index state poisoned"))?;
        if wanted == old {
            return Ok(());
        }
        let (index, payload) = open_generation(&self.root, &wanted)?;
        if payload.schema != SCHEMA_VERSION {
            anyhow::bail!("generation {wanted} has schema {}", payload.schema);
        }
        let (writer, reader, last_change) = writer_for(&index)?;
        let previous = std::mem::replace(&mut self.writer, writer);
        drop(previous);
        if let Ok(mut live) = self.live.write() {
            *live = Live {
                generation: wanted.clone(),
                reader,
            };
        }
        self.last_change = last_change;
        tracing::info!(generation = %wanted, "switched to a rebuilt search index");
        remove_generation(&self.root, &old);
        Ok(())
    }
}

/// Applies a batch of changes: each touched record is deleted and, if it still lives, added
/// back as the database holds it now.
fn apply(
    connection: &mut DbConn,
    fields: &Fields,
    reference: &Reference,
    writer: &IndexWriter,
    changes: &[Change],
) -> anyhow::Result<()> {
    for kind in Kind::ALL {
        let mut ids: Vec<String> = changes
            .iter()
            .filter(|change| change.entity == kind.as_str())
            .map(|change| change.entity_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        for chunk in ids.chunks(BUILD_CHUNK as usize) {
            for (id, doc) in
                documents::load(connection, reference, fields, kind, Selection::Ids(chunk))?
            {
                writer.delete_term(Term::from_field_text(fields.id, &id));
                if let Some(doc) = doc {
                    writer.add_document(doc)?;
                }
            }
        }
    }
    Ok(())
}

fn commit(writer: &mut IndexWriter, last_change: i64) -> anyhow::Result<()> {
    let payload = serde_json::to_string(&Payload {
        last_change,
        schema: SCHEMA_VERSION,
    })?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}

/// How long a busy writer lock is waited for before another server is taken to hold it.
const LOCK_PATIENCE: Duration = Duration::from_secs(5);

fn writer_for(index: &Index) -> anyhow::Result<(IndexWriter, IndexReader, i64)> {
    // The lock is an advisory file lock. The writer that built a generation has just released
    // it, but a process started by this one at that moment may share the lock's descriptor until
    // it runs its program, so a busy lock is tried again for a while before it means another
    // server.
    let began = Instant::now();
    let writer = loop {
        match index.writer_with_num_threads(1, 64 * 1024 * 1024) {
            Ok(writer) => break writer,
            Err(TantivyError::LockFailure(LockError::LockBusy, _))
                if began.elapsed() < LOCK_PATIENCE =>
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => anyhow::bail!(
                "the search index is in use by another running Ketnoi server (each server needs its own KETNOI_INDEX_DIR)"
            ),
            Err(other) => {
                return Err(anyhow::Error::new(other).context("opening the search index writer"));
            }
        }
    };
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let payload = read_payload(index)?;
    Ok((writer, reader, payload.last_change))
}

fn read_payload(index: &Index) -> anyhow::Result<Payload> {
    let metas = index.load_metas()?;
    let raw = metas
        .payload
        .context("the search index has no commit payload")?;
    serde_json::from_str(&raw).context("reading the search index commit payload")
}

fn current_generation(root: &Path) -> Option<String> {
    let name = std::fs::read_to_string(root.join(CURRENT)).ok()?;
    let name = name.trim();
    (name.starts_with("gen-") && !name.contains(['/', '\\'])).then(|| name.to_owned())
}

fn open_generation(root: &Path, generation: &str) -> anyhow::Result<(Index, Payload)> {
    let index = Index::open_in_dir(root.join(generation))
        .with_context(|| format!("opening search index generation {generation}"))?;
    analysis::register(&index);
    let payload = read_payload(&index)?;
    Ok((index, payload))
}

fn remove_generation(root: &Path, generation: &str) {
    if let Err(error) = std::fs::remove_dir_all(root.join(generation)) {
        tracing::warn!(generation = %generation, error = %error, "removing an old search index generation");
    }
}

/// Forgets the live generation so the next start rebuilds (after a bulk load that bypassed
/// the change log, such as the demo).
pub fn invalidate(root: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(root.join(CURRENT)) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("resetting {}", root.display())),
    }
}

/// What a rebuild did.
#[derive(Debug, Clone, Serialize)]
pub struct BuildSummary {
    pub generation: String,
    pub documents: u64,
    pub last_change: i64,
}

/// Builds a new generation from the database, makes it current and removes older generations
/// no running server holds. Returns the new generation's name.
pub fn build(root: &Path, connection: &mut DbConn, show_progress: bool) -> anyhow::Result<String> {
    Ok(rebuild(root, connection, show_progress)?.generation)
}

/// [`build`], with counts.
pub fn rebuild(
    root: &Path,
    connection: &mut DbConn,
    show_progress: bool,
) -> anyhow::Result<BuildSummary> {
    std::fs::create_dir_all(root)
        .with_context(|| format!("creating the search index folder {}", root.display()))?;
    // Read the log position before the records: a change made while building is applied
    // again afterwards, which is harmless.
    let last_change = search_changes::newest_id(connection)?;
    let generation = format!(
        "gen-{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%3f"),
        crate::db::ids::to_hex(&rand::random::<[u8; 4]>())
    );
    let path = root.join(&generation);
    std::fs::create_dir_all(&path)?;
    let (schema, fields): (Schema, Fields) = schema::build();
    let index = Index::create_in_dir(&path, schema)?;
    analysis::register(&index);
    let threads = build_threads();
    let mut writer: IndexWriter =
        index.writer_with_num_threads(threads, threads * 128 * 1024 * 1024)?;
    let reference = Reference::load(connection)?;
    let mut total: u64 = 0;
    for kind in Kind::ALL {
        total += documents::count(connection, kind)?.max(0) as u64;
    }
    let bar = if show_progress {
        ProgressBar::new(total).with_style(
            ProgressStyle::with_template(
                "indexing {bar:40} {pos}/{len} records ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let mut documents_added: u64 = 0;
    for kind in Kind::ALL {
        let mut after = String::new();
        loop {
            let ids = documents::next_ids(connection, kind, &after, BUILD_CHUNK)?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            let selection = Selection::Range(&ids);
            for (_, doc) in documents::load(connection, &reference, &fields, kind, selection)? {
                if let Some(doc) = doc {
                    writer.add_document(doc)?;
                    documents_added += 1;
                }
            }
            bar.inc(ids.len() as u64);
            after = last;
        }
    }
    commit(&mut writer, last_change)?;
    writer.wait_merging_threads()?;
    bar.finish_and_clear();
    // Point CURRENT at the new generation atomically.
    let pointer = root.join(format!("{CURRENT}.tmp"));
    std::fs::write(&pointer, &generation)?;
    std::fs::File::open(&pointer)?.sync_all()?;
    std::fs::rename(&pointer, root.join(CURRENT))?;
    prune(root, &generation);
    tracing::info!(generation = %generation, documents = documents_added, last_change, "search index built");
    Ok(BuildSummary {
        generation,
        documents: documents_added,
        last_change,
    })
}

/// Removes generations other than `keep` whose writer lock is free (a running server holds
/// the lock of the one it uses and removes it itself when it switches).
fn prune(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("gen-") || name == keep {
            continue;
        }
        let free = match Index::open_in_dir(entry.path()) {
            Ok(index) => index
                .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
                .is_ok(),
            // Not an index at all (an interrupted build): safe to remove.
            Err(_) => true,
        };
        if free {
            remove_generation(root, &name);
        }
    }
}

/// Threads a full build indexes with: `KETNOI_INDEX_THREADS` (1–16) when set, else the cores,
/// at most 4. With one thread the documents land in the same segments in the same order on
/// every build, so results with equal scores come back alike (the API's snapshot relies on it).
fn build_threads() -> usize {
    std::env::var("KETNOI_INDEX_THREADS")
        .ok()
        .and_then(|raw| raw.trim().parse::<usize>().ok())
        .filter(|threads| (1..=16).contains(threads))
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(1)
                .clamp(1, 4)
        })
}
