//! Domain rules that do not depend on storage.

pub mod clock;
pub mod poverty;
pub mod text;
pub mod values;
