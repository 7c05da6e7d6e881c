//! One module per table: insert forms and the queries that own it.

pub mod admin_units;
pub mod api_tokens;
pub mod audit;
pub mod courses;
pub mod employers;
pub mod enrollments;
pub mod ethnic_groups;
pub mod follow_ups;
pub mod household_reviews;
pub mod households;
pub mod idempotency;
pub mod import_jobs;
pub mod occupations;
pub mod overseas_stages;
pub mod personal_data;
pub mod placements;
pub mod poverty_indicators;
pub mod programme;
pub mod referrals;
pub mod search_changes;
pub mod service_records;
pub mod stats;
pub mod throttle_events;
pub mod users;
pub mod vacancies;
pub mod workers;
