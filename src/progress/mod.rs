//! Progress toward the programme's targets (DESIGN §2), counted exactly from `progress_facts`.

pub mod bench;
pub mod chart;
pub mod facts;
pub mod figures;
pub mod lists;
pub mod report;
pub mod service;
