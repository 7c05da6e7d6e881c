//! Poor-area and difficult-area flags on administrative units, set by administrators. Training
//! counts by the poor-area flag of the commune at enrolment, and the rates of workers of poor
//! or difficult areas by either flag of where they live, so a change counts every record
//! again, in the same transaction. A placement keeps the area it was hired in.

use crate::accounts::Principal;
use crate::db::DbConn;
use crate::domain::access::{Action, Resource};
use crate::domain::checks::{Checks, FieldError};
use crate::error::AppError;
use crate::models::admin_units::{self, AdminUnit, AreaFlag, SetPoorError};

use super::permitted;

/// A change of one flag on units named by code.
#[derive(Debug, Clone, Default)]
pub struct FlagInput {
    /// Codes separated by spaces or commas (`118 03646`): every generation of a code.
    pub codes: Option<String>,
    /// `poor_area` or `difficult_area`.
    pub flag: Option<String>,
    /// Set (`true`) or clear (`false`).
    pub set: bool,
}

/// Sets or clears the flag, and counts every record again; nothing is written on an error.
pub fn set_flag(
    connection: &mut DbConn,
    principal: &Principal,
    input: FlagInput,
) -> Result<Vec<AdminUnit>, AppError> {
    permitted(principal, Resource::AdminUnits, Action::Update)?;
    let mut checks = Checks::default();
    let codes: Vec<String> = input
        .codes
        .as_deref()
        .unwrap_or_default()
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect();
    if codes.is_empty() {
        checks.fail("codes", "required");
    }
    let flag = match input.flag.as_deref() {
        Some(raw) => checks
            .choice("flag", raw, &["poor_area", "difficult_area"])
            .and_then(|raw| AreaFlag::parse(&raw)),
        None => checks.required("flag", None),
    };
    checks.finish()?;
    let Some(flag) = flag else {
        return Err(AppError::field("flag", "required"));
    };
    connection.write_transaction(|connection| {
        let changed = match admin_units::set_flag(connection, &codes, flag, input.set) {
            Ok(changed) => changed,
            Err(SetPoorError::UnknownCode(code)) => {
                return Err(AppError::Validation(vec![
                    FieldError::new("codes", "unknown_unit_code").with("code", code),
                ]));
            }
            Err(SetPoorError::Database(error)) => return Err(error.into()),
        };
        crate::progress::facts::rebuild(connection, &mut |_| {})?;
        tracing::info!(
            user = %principal.user_id,
            flag = flag.as_str(),
            set = input.set,
            units = changed.len(),
            "area flags changed"
        );
        Ok(changed)
    })
}
