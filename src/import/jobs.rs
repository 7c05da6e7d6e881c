//! Imports sent over HTTP run as jobs: the upload is answered at once with a job whose
//! progress is polled, while a thread of its own runs the import as `ketnoi import` does.
//!
//! Jobs live in the database, so a job started on one server is polled on any other, and are
//! kept for a day after they end. The server running a job keeps its progress in memory and,
//! on PostgreSQL, writes it to the job's row as it goes (SQLite has one writer, the import
//! itself, until it commits). A server that stops mid-import keeps none of its rows, as the
//! import's transaction never committed; the job is then failed by the next poll once it has
//! given no sign of life for [`SILENT_FOR`].

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ImportReport, Kind, Options};
use crate::accounts::{self, Principal, Role};
use crate::db::Backend;
use crate::db::pool::DbPool;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::models::import_jobs::{self as rows, ImportJob};

/// How long an ended job can still be polled.
const KEPT_FOR: TimeDelta = TimeDelta::hours(24);
/// A running job silent this long lost its server.
const SILENT_FOR: TimeDelta = TimeDelta::minutes(15);
/// How often a running job's progress is written to its row.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Running,
    Done,
    Failed,
}

impl JobStatus {
    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    fn parse(raw: &str) -> JobStatus {
        match raw {
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            _ => JobStatus::Failed,
        }
    }
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
    /// When failed: why the file could not be imported at all, in the language of the upload.
    pub error: Option<String>,
    pub started_at: chrono::DateTime<chrono::Utc>,
}

/// The jobs this server is running: their progress, ahead of what their rows say.
#[derive(Default)]
pub struct Jobs {
    running: Mutex<HashMap<String, (usize, usize)>>,
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

fn count(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl Jobs {
    /// Starts importing `bytes` (a file called `file_name`, whose extension says its format).
    /// A file that unpacks past the spreadsheet limits is refused now, naming the limit.
    pub fn start(
        self: &Arc<Self>,
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
        super::sheet::check(file.path()).map_err(|error| match error.limit() {
            Some(limit) => AppError::Validation(vec![
                FieldError::new("file", super::limits::limit_code(limit))
                    .with("max", limit.max(&super::limits::LIMITS).to_string()),
            ]),
            None => AppError::field("file", "unreadable_sheet"),
        })?;
        let now = accounts::now();
        let job = ImportJob {
            id: uuid::Uuid::now_v7().to_string(),
            owner_id: principal.user_id.clone(),
            kind: options.kind.name().to_owned(),
            file_name,
            status: JobStatus::Running.as_str().to_owned(),
            done: 0,
            total: 0,
            report: None,
            error: None,
            errors_workbook: None,
            started_at: now,
            heartbeat_at: now,
            ended_at: None,
        };
        {
            let mut connection = pool.get()?;
            rows::forget_ended_before(&mut connection, now - KEPT_FOR)?;
            rows::insert(&mut connection, &job)?;
        }
        lock(&self.running).insert(job.id.clone(), (0, 0));
        let view = self.view_of(job.clone())?;
        let jobs = Arc::clone(self);
        std::thread::Builder::new()
            .name("import".to_owned())
            .spawn(move || {
                jobs.run(&pool, job, &principal, file, &options);
            })
            .map_err(|error| AppError::Unexpected(error.into()))?;
        Ok(view)
    }

    /// Runs the import and writes how it ended to the job's row.
    fn run(
        &self,
        pool: &DbPool,
        mut job: ImportJob,
        principal: &Principal,
        file: tempfile::NamedTempFile,
        options: &Options,
    ) {
        let backend = pool
            .get()
            .map(|connection| connection.backend())
            .unwrap_or(Backend::Sqlite);
        let mut written = Instant::now();
        let outcome = pool
            .get()
            .map_err(|error| {
                tracing::error!(job = %job.id, error = %error, "import without a connection");
                failure_message(options.lang)
            })
            .and_then(|mut connection| {
                super::import_file(
                    &mut connection,
                    principal,
                    file.path(),
                    options,
                    &mut |done, total| {
                        lock(&self.running).insert(job.id.clone(), (done, total));
                        if backend == Backend::Postgres && written.elapsed() >= PROGRESS_EVERY {
                            written = Instant::now();
                            if let Ok(mut other) = pool.get() {
                                let _ = rows::progress(
                                    &mut other,
                                    &job.id,
                                    count(done),
                                    count(total),
                                    accounts::now(),
                                );
                            }
                        }
                    },
                )
                .map_err(|error| error.message(options.lang))
            });
        drop(file);
        let now = accounts::now();
        match outcome {
            Ok((report, sheet_rows)) => {
                tracing::info!(
                    job = %job.id,
                    created = report.created,
                    updated = report.updated,
                    unchanged = report.unchanged,
                    rejected = report.rejected,
                    "import finished"
                );
                job.done = count(report.rows);
                job.total = count(report.rows);
                job.errors_workbook = if report.rejected > 0 {
                    super::errors_workbook(&sheet_rows, &report, options.lang).ok()
                } else {
                    None
                };
                job.report = serde_json::to_string(&report).ok();
                job.status = JobStatus::Done.as_str().to_owned();
            }
            Err(message) => {
                job.error = Some(message);
                job.status = JobStatus::Failed.as_str().to_owned();
            }
        }
        job.heartbeat_at = now;
        job.ended_at = Some(now);
        let saved = pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut connection| Ok(rows::finish(&mut connection, &job)?));
        if let Err(error) = saved {
            tracing::error!(job = %job.id, error = %error, "the import's end was not recorded");
        }
        lock(&self.running).remove(&job.id);
    }

    /// A job as it stands; only its owner and admins see it.
    pub fn view(
        &self,
        pool: &DbPool,
        principal: &Principal,
        id: &str,
    ) -> Result<JobView, AppError> {
        let job = self.owned(pool, principal, id)?;
        self.view_of(job)
    }

    /// The rejected rows with their reasons, as .xlsx, in the language of the upload.
    pub fn errors_workbook(
        &self,
        pool: &DbPool,
        principal: &Principal,
        id: &str,
    ) -> Result<Vec<u8>, AppError> {
        let job = self.owned(pool, principal, id)?;
        match (JobStatus::parse(&job.status), job.errors_workbook) {
            (JobStatus::Done, Some(bytes)) => Ok(bytes),
            (JobStatus::Running, _) => Err(AppError::Conflict("import_running")),
            _ => Err(AppError::NotFound),
        }
    }

    fn owned(&self, pool: &DbPool, principal: &Principal, id: &str) -> Result<ImportJob, AppError> {
        permitted(principal)?;
        let mut connection = pool.get()?;
        let job = rows::find(&mut connection, id)?.ok_or(AppError::NotFound)?;
        if job.owner_id != principal.user_id && principal.role != Role::Admin {
            return Err(AppError::NotFound);
        }
        Ok(job)
    }

    fn view_of(&self, job: ImportJob) -> Result<JobView, AppError> {
        let kind = Kind::parse(&job.kind)
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("job of kind {}", job.kind)))?;
        let mut status = JobStatus::parse(&job.status);
        let (mut done, mut total) = (
            usize::try_from(job.done).unwrap_or(0),
            usize::try_from(job.total).unwrap_or(0),
        );
        let mut error = job.error;
        if status == JobStatus::Running {
            match lock(&self.running).get(&job.id) {
                Some(progress) => (done, total) = *progress,
                None if accounts::now() - job.heartbeat_at > SILENT_FOR => {
                    status = JobStatus::Failed;
                    error = Some(stopped_message(crate::i18n::current()));
                }
                None => {}
            }
        }
        let report = match &job.report {
            Some(raw) => Some(
                serde_json::from_str(raw).map_err(|error| AppError::Unexpected(error.into()))?,
            ),
            None => None,
        };
        Ok(JobView {
            id: job.id,
            kind,
            file_name: job.file_name,
            status,
            done,
            total,
            report,
            error,
            started_at: job.started_at.and_utc(),
        })
    }
}

pub(super) fn failure_message(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Lỗi hệ thống khi nhập danh sách; không dòng nào được lưu.".to_owned(),
        Lang::En => "The import failed on the server; no row was kept.".to_owned(),
    }
}

fn stopped_message(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Máy chủ chạy việc nhập này đã dừng giữa chừng; không dòng nào được lưu. Hãy tải tệp lên lại.".to_owned(),
        Lang::En => "The server running this import stopped part-way; no row was kept. Upload the file again.".to_owned(),
    }
}
