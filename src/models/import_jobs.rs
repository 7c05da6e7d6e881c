//! The `import_jobs` table: imports sent over HTTP, polled from any server.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::import_jobs;

#[derive(Debug, Clone, PartialEq, Insertable, Queryable, Selectable)]
#[diesel(table_name = import_jobs, treat_none_as_default_value = false)]
pub struct ImportJob {
    pub id: String,
    pub owner_id: String,
    pub kind: String,
    pub file_name: String,
    pub status: String,
    pub done: i32,
    pub total: i32,
    pub report: Option<String>,
    pub error: Option<String>,
    pub errors_workbook: Option<Vec<u8>>,
    pub started_at: NaiveDateTime,
    pub heartbeat_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

pub fn insert(connection: &mut DbConn, job: &ImportJob) -> QueryResult<()> {
    diesel::insert_into(import_jobs::table)
        .values(job)
        .execute(connection)
        .map(drop)
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<ImportJob>> {
    import_jobs::table
        .find(id)
        .select(ImportJob::as_select())
        .first(connection)
        .optional()
}

/// Rows read so far, and a sign of life.
pub fn progress(
    connection: &mut DbConn,
    id: &str,
    done: i32,
    total: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(import_jobs::table.find(id))
        .set((
            import_jobs::done.eq(done),
            import_jobs::total.eq(total),
            import_jobs::heartbeat_at.eq(at),
        ))
        .execute(connection)
        .map(drop)
}

/// The job's end: `done` with its report (and the rejected rows' workbook), or `failed` with
/// why.
pub fn finish(connection: &mut DbConn, job: &ImportJob) -> QueryResult<()> {
    diesel::update(import_jobs::table.find(&job.id))
        .set((
            import_jobs::status.eq(&job.status),
            import_jobs::done.eq(job.done),
            import_jobs::total.eq(job.total),
            import_jobs::report.eq(&job.report),
            import_jobs::error.eq(&job.error),
            import_jobs::errors_workbook.eq(&job.errors_workbook),
            import_jobs::heartbeat_at.eq(job.heartbeat_at),
            import_jobs::ended_at.eq(job.ended_at),
        ))
        .execute(connection)
        .map(drop)
}

/// Drops jobs that ended before `before`.
pub fn forget_ended_before(connection: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(import_jobs::table.filter(import_jobs::ended_at.lt(before))).execute(connection)
}

/// How many jobs stand in each status.
pub fn count_by_status(connection: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    import_jobs::table
        .group_by(import_jobs::status)
        .select((import_jobs::status, diesel::dsl::count_star()))
        .load(connection)
}
