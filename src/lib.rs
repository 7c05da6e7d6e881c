//! Ketnoi (*kết nối việc làm*): job connection and vocational training for a province's
//! sustainable poverty-reduction programme.

pub mod accounts;
pub mod auth;
pub mod authz;
pub mod cli;
pub mod config;
pub mod connections;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod mail;
pub mod metrics;
pub mod models;
pub mod progress;
pub mod proxies;
pub mod registry;
pub mod routes;
pub mod run;
pub mod search;
pub mod soak;
pub mod startup;
pub mod state;
pub mod throttle;
