//! The benchmarks behind `ketnoi bench …`: each builds (or reuses) a demo database of the size
//! asked for, runs the real code paths and prints one JSON line of figures.

pub mod import;
pub mod progress;
pub mod search;
pub mod sms;
pub mod soak;
