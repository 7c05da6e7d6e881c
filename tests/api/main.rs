//! One integration-test binary: every module runs against SQLite, and against PostgreSQL too
//! when `TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod demo;
mod health;
mod helpers;
mod migrations;
mod schema_rules;
