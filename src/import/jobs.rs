//! Imports sent over HTTP run as jobs: the upload is answered at once with a job whose
//! progress is polled, while a thread of its own runs the import as `ketnoi import` does.
//!
//! Jobs live in the memory of the server that took the upload, for a day after they end; a
//! server that stops mid-import loses the job and keeps none of its rows, as the import's
//! transaction never committed.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use utoipa::ToSchema;

use super::sheet::Row;
use super::{ImportReport, Kind, Options};
use crate::accounts::{Principal, Role};
use crate::db::pool::DbPool;
use crate::error::AppError;

/// How long an ended job can still be polled.
const KEPT_FOR: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Running,
    Done,
    Failed,
}

/// A job as polled.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    pub id: String,
    pub kind: Kind,
    pub file_name: String,
    pub status: JobStatus,
    /// Data rows read so far, of `total` (0 until the file is read).
    pub done: usize,
    pub total: usize,
    /// When done: what was created, updated, unchanged and rejected, with every rejected row.
    pub report: Option<ImportReport>,
    /// When failed: why the file could not be imported at all.
    pub error: Option<String>,
    pub started_at: chrono::DateTime<chrono::Utc>,
}

struct Job {
    owner: String,
    view: JobView,
    /// The file's rows, kept when some were rejected, for the workbook of rejected rows.
    rows: Vec<Row>,
    ended: Option<Instant>,
}

#[derive(Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Arc<Mutex<Job>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Imports into an area or the whole province are staff work.
pub fn permitted(principal: &Principal) -> Result<(), AppError> {
    if matches!(principal.role, Role::Admin | Role::Staff) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Jobs {
    /// Starts importing `bytes` (a file called `file_name`, whose extension says its format).
    pub fn start(
        &self,
        pool: DbPool,
        principal: Principal,
        file_name: String,
        bytes: Vec<u8>,
        options: Options,
    ) -> Result<JobView, AppError> {
        permitted(&principal)?;
        let extension = std::path::Path::new(&file_name)
            .extension()
            .map(|extension| extension.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let mut file = tempfile::Builder::new()
            .prefix("ketnoi-import-")
            .suffix(&format!(".{extension}"))
            .tempfile()
            .map_err(|error| AppError::Unexpected(error.into()))?;
        file.write_all(&bytes)
            .map_err(|error| AppError::Unexpected(error.into()))?;
        let id = uuid::Uuid::now_v7().to_string();
        let view = JobView {
            id: id.clone(),
            kind: options.kind,
            file_name,
            status: JobStatus::Running,
            done: 0,
            total: 0,
            report: None,
            error: None,
            started_at: chrono::Utc::now(),
        };
        let job = Arc::new(Mutex::new(Job {
            owner: principal.user_id.clone(),
            view: view.clone(),
            rows: Vec::new(),
            ended: None,
        }));
        {
            let mut jobs = lock(&self.jobs);
            jobs.retain(|_, job| {
                lock(job)
                    .ended
                    .is_none_or(|ended| ended.elapsed() < KEPT_FOR)
            });
            jobs.insert(id, Arc::clone(&job));
        }
        std::thread::Builder::new()
            .name("import".to_owned())
            .spawn(move || {
                let outcome =
                    pool.get()
                        .map_err(|error| error.to_string())
                        .and_then(|mut connection| {
                            super::import_file(
                                &mut connection,
                                &principal,
                                file.path(),
                                &options,
                                &mut |done, total| {
                                    let mut job = lock(&job);
                                    job.view.done = done;
                                    job.view.total = total;
                                },
                            )
                            .map_err(|error| error.to_string())
                        });
                let mut job = lock(&job);
                match outcome {
                    Ok((report, rows)) => {
                        tracing::info!(
                            job = %job.view.id,
                            created = report.created,
                            updated = report.updated,
                            unchanged = report.unchanged,
                            rejected = report.rejected,
                            "import finished"
                        );
                        job.view.done = report.rows;
                        job.view.total = report.rows;
                        if report.rejected > 0 {
                            job.rows = rows;
                        }
                        job.view.report = Some(report);
                        job.view.status = JobStatus::Done;
                    }
                    Err(error) => {
                        job.view.error = Some(error);
                        job.view.status = JobStatus::Failed;
                    }
                }
                job.ended = Some(Instant::now());
                drop(file);
            })
            .map_err(|error| AppError::Unexpected(error.into()))?;
        Ok(view)
    }

    /// A job as it stands; only its owner and admins see it.
    pub fn view(&self, principal: &Principal, id: &str) -> Result<JobView, AppError> {
        self.with(principal, id, |job| Ok(job.view.clone()))
    }

    /// The rejected rows with their reasons, as .xlsx.
    pub fn errors_workbook(
        &self,
        principal: &Principal,
        id: &str,
        lang: crate::i18n::Lang,
    ) -> Result<Vec<u8>, AppError> {
        self.with(principal, id, |job| match &job.view.report {
            Some(report) if report.rejected > 0 => super::errors_workbook(&job.rows, report, lang)
                .map_err(|error| AppError::Unexpected(error.into())),
            Some(_) => Err(AppError::NotFound),
            None => Err(AppError::Conflict("import_running")),
        })
    }

    fn with<T>(
        &self,
        principal: &Principal,
        id: &str,
        read: impl FnOnce(&Job) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        permitted(principal)?;
        let job = lock(&self.jobs)
            .get(id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let job = lock(&job);
        if job.owner != principal.user_id && principal.role != Role::Admin {
            return Err(AppError::NotFound);
        }
        read(&job)
    }
}
