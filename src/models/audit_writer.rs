//! Group commit of the audit entries of reads. A read of personal records (a search, a list,
//! a record opened) must leave its entries durable before it is answered; written one
//! transaction each, every read waits for a commit (an fsync on SQLite) of its own, and reads
//! queue behind one another. The writer takes the entries of every read waiting while it
//! commits the last batch into one transaction, then answers each of them: under load one
//! commit serves dozens of requests, and no entry is answered before it is durable.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use diesel::QueryResult;

use super::audit::{AuditEntry, GroupCommit};
use crate::db::DbConn;
use crate::db::pool::DbPool;

/// Records listed by the entries taken into one transaction, at most.
const BATCH: usize = 1000;

struct Job {
    entry: AuditEntry,
    done: Sender<Result<(), String>>,
}

/// The handle the requests of one server share; its thread ends when the last is dropped.
pub struct AuditWriter {
    jobs: Sender<Job>,
}

impl std::fmt::Debug for AuditWriter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("AuditWriter")
    }
}

impl AuditWriter {
    pub fn start(pool: DbPool) -> std::io::Result<Arc<AuditWriter>> {
        let (jobs, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || run(&pool, &receiver))?;
        Ok(Arc::new(AuditWriter { jobs }))
    }
}

impl GroupCommit for AuditWriter {
    /// Writes the entry with those of other requests; returns once it is committed.
    fn write(&self, entry: AuditEntry) -> QueryResult<()> {
        let (done, answer) = mpsc::channel();
        let failed = |message: String| {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::Unknown,
                Box::new(message),
            )
        };
        self.jobs
            .send(Job { entry, done })
            .map_err(|_| failed("the audit writer has stopped".to_owned()))?;
        answer
            .recv()
            .map_err(|_| failed("the audit writer has stopped".to_owned()))?
            .map_err(failed)
    }
}

/// The writer keeps a connection of its own, taken before any request waits on it: taking one
/// from the pool per batch could wait on requests that hold the pool's connections while they
/// wait for the writer.
fn run(pool: &DbPool, receiver: &Receiver<Job>) {
    let mut held = pool.get().ok();
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        let mut count = batch[0].entry.subjects.len().max(1);
        while count < BATCH {
            match receiver.try_recv() {
                Ok(job) => {
                    count += job.entry.subjects.len().max(1);
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let result = match held.as_mut() {
            Some(connection) => commit(connection, &batch).map_err(|error| error.to_string()),
            None => Err("no connection for the audit writer".to_owned()),
        };
        if let Err(error) = &result {
            tracing::warn!(%error, "audit entries not written");
            // A broken connection is replaced for the next batch.
            held = pool.get().ok();
        }
        for job in batch {
            let _ = job.done.send(result.clone());
        }
    }
}

fn commit(connection: &mut DbConn, batch: &[Job]) -> QueryResult<()> {
    let entries: Vec<AuditEntry> = batch.iter().map(|job| job.entry.clone()).collect();
    connection.write_transaction(|connection| super::audit::insert_entries(connection, &entries))
}
