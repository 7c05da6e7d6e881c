//! Progress toward the programme's targets, counted exactly from `progress_facts`.

pub mod activities;
pub mod chart;
pub mod facts;
pub mod figures;
pub mod lists;
pub mod report;
pub mod reviews;
pub mod service;
