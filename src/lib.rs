//! Ketnoi (*kết nối việc làm*): job connection and vocational training for a province's
//! sustainable poverty-reduction programme.

//!
//! The modules are grouped by layer below; `ARCHITECTURE.md` gives the order within each layer.
//! A module names only modules below it in that order, which a test (`architecture.rs`) checks.

// Foundation: pure rules and the shapes every layer speaks.
pub mod domain;
pub mod error;
pub mod i18n;

// Storage: connections, migrations, reference data; one module per table.
pub mod db;
pub mod models;

// Use cases.
pub mod accounts;
pub mod demo;
pub mod effects;
pub mod hiring;
pub mod import;
pub mod mail;
pub mod progress;
pub mod registry;
pub mod search;

// Delivery: settings, HTTP, the command line, benchmarks.
pub mod bench;
pub mod cli;
pub mod config;
pub mod metrics;
pub mod proxies;
pub mod routes;
pub mod run;
pub mod startup;
pub mod state;

#[cfg(test)]
mod architecture;
