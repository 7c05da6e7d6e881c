//! The `throttle_events` table: attempts the throttles count, shared by every server on the
//! database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::db::schema::throttle_events;

/// How many events `bucket` holds since `since`, and the oldest of them.
pub fn count_since(
    connection: &mut DbConn,
    bucket: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    throttle_events::table
        .filter(throttle_events::bucket.eq(bucket))
        .filter(throttle_events::happened_at.gt(since))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(throttle_events::happened_at),
        ))
        .first(connection)
}

pub fn record(connection: &mut DbConn, bucket: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(throttle_events::table)
        .values((
            throttle_events::id.eq(new_id()),
            throttle_events::bucket.eq(bucket),
            throttle_events::happened_at.eq(at),
        ))
        .execute(connection)
        .map(drop)
}

pub fn clear(connection: &mut DbConn, bucket: &str) -> QueryResult<()> {
    diesel::delete(throttle_events::table.filter(throttle_events::bucket.eq(bucket)))
        .execute(connection)
        .map(drop)
}

/// Drops every event older than `before`: no throttle looks back that far.
pub fn forget_before(connection: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(throttle_events::table.filter(throttle_events::happened_at.lt(before)))
        .execute(connection)
}
