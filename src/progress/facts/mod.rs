//! What each target counts, person by person, kept as rows of `progress_facts`
//! and summed by every dimension in `progress_counts`.
//!
//! The rules live in two pure functions, [`worker_facts`] and [`household_facts`]. A write that
//! changes what is counted from a worker or a household calls [`refresh_worker`] or
//! [`refresh_household`] in its own transaction: the subject's inputs are read, its facts derived,
//! and the difference applied to both tables. [`rebuild`] derives every fact from scratch with the
//! same two functions, so the incremental tables and a rebuild cannot disagree on a rule.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    admin_units, enrollments, ethnic_groups, follow_ups, households, overseas_stages, placements,
    programme_periods, progress_counts, progress_facts, referrals, service_records, workers,
};
use crate::domain::statuses::EnrollmentStatus;
use crate::insert_rows;

mod inputs;
mod rebuild;
mod refresh;
mod rules;
mod shapes;

pub use inputs::{districts_by_commune, none_counted, periods, poor_area, poor_or_difficult_area};
pub use rebuild::{Rebuilt, rebuild};
pub use refresh::{lock_members, refresh_household, refresh_new_households, refresh_worker};
pub use rules::*;
pub use shapes::*;
use {inputs::*, rebuild::*};
