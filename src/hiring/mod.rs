//! Hiring: a worker referred to a vacancy, the hire that makes a placement, its follow-ups
//! and, for work abroad, the overseas stages. (What the programme calls a *connection* is a
//! hire recorded here.)

pub mod follow_ups;
pub mod job_fairs;
pub mod livelihood;
pub mod pipeline;
pub mod referrals;
pub mod sms_replies;
pub mod work;

use chrono::NaiveDate;
use diesel::QueryResult;

use crate::accounts::Principal;
use crate::db::DbConn;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::checks::Checks;
use crate::error::AppError;
use crate::models;

/// Staff and administrators work with fairs and models; everyone else is refused.
pub(crate) fn staff_only(principal: &Principal) -> Result<(), AppError> {
    match allowed(Some(principal.role), Resource::Workers, Action::Update) {
        Scope::All | Scope::Area => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// The units in force on `day` of the commune codes sent, each once; an unknown code is refused
/// beside `commune_codes`.
pub(crate) fn commune_ids(
    connection: &mut DbConn,
    codes: &[String],
    day: NaiveDate,
    checks: &mut Checks,
) -> QueryResult<Vec<String>> {
    let mut ids = Vec::new();
    for code in codes {
        match models::admin_units::resolve_commune(connection, code.trim(), day)? {
            Some(unit) if !ids.contains(&unit.id) => ids.push(unit.id),
            Some(_) => {}
            None => checks.fail("commune_codes", "unknown_commune"),
        }
    }
    Ok(ids)
}
