//! One integration-test binary: every module runs against SQLite, and against PostgreSQL too
//! when `TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod answers;
mod areas;
mod backup;
mod browser;
mod catalogue;
mod cli;
mod dashboard;
mod demo;
mod guessing;
mod hardening;
mod health;
mod helpers;
mod households;
mod import_occupations;
mod imports;
mod mail;
mod migrations;
mod officer_day;
mod pages;
mod periods;
mod progress;
mod record_forms;
mod referral_pages;
mod referrals;
mod roles;
mod schema_rules;
mod search;
mod trainee_signup;
mod uploads;
mod user_pages;
mod walls;
mod worker_work;
mod workers;
