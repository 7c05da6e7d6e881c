//! The `admin_units` table: provinces, districts, communes, wards and towns of each
//! generation, and their poor-area flags.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::admin_units;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = admin_units)]
pub struct AdminUnit {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_type: String,
    pub parent_id: Option<String>,
    pub poor_area: bool,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

pub fn list(connection: &mut DbConn, kind: &str, only_poor: bool) -> QueryResult<Vec<AdminUnit>> {
    let mut query = admin_units::table
        .filter(admin_units::kind.eq(kind.to_owned()))
        .into_boxed();
    if only_poor {
        query = query.filter(admin_units::poor_area.eq(true));
    }
    query
        .order((admin_units::valid_from, admin_units::code))
        .select(AdminUnit::as_select())
        .load(connection)
}

/// Sets or clears the poor-area flag of every unit with one of `codes`, in one transaction.
/// Returns the units changed; a code that matches nothing is an error and changes nothing.
pub fn set_poor_area(
    connection: &mut DbConn,
    codes: &[String],
    poor_area: bool,
) -> Result<Vec<AdminUnit>, SetPoorError> {
    connection.transaction(|connection| {
        let mut changed = Vec::new();
        for code in codes {
            let units: Vec<AdminUnit> = admin_units::table
                .filter(admin_units::code.eq(code))
                .select(AdminUnit::as_select())
                .load(connection)?;
            if units.is_empty() {
                return Err(SetPoorError::UnknownCode(code.clone()));
            }
            diesel::update(admin_units::table.filter(admin_units::code.eq(code)))
                .set(admin_units::poor_area.eq(poor_area))
                .execute(connection)?;
            changed.extend(
                units
                    .into_iter()
                    .map(|unit| AdminUnit { poor_area, ..unit }),
            );
        }
        Ok(changed)
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SetPoorError {
    #[error("no administrative unit has the code `{0}`")]
    UnknownCode(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}
