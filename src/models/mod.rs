//! One module per table: insert forms and the queries that own it.

pub mod admin_units;
pub mod courses;
pub mod employers;
pub mod enrollments;
pub mod follow_ups;
pub mod households;
pub mod placements;
pub mod referrals;
pub mod service_records;
pub mod stats;
pub mod users;
pub mod vacancies;
pub mod workers;
