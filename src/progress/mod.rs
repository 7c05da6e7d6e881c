//! Progress toward the programme's targets (DESIGN §2), counted exactly from `progress_facts`.

pub mod facts;
pub mod figures;
pub mod lists;
pub mod service;
pub mod report;
pub mod chart;
pub mod bench;
