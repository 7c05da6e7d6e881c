//! Domain rules that do not depend on storage.

pub mod access;
pub mod checks;
pub mod clock;
pub mod ids;
pub mod poverty;
pub mod roles;
pub mod statuses;
pub mod text;
pub mod values;
