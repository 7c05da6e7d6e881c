//! The `poverty_indicators` reference table, through the standard in force.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{poverty_indicators, poverty_standard_indicators, poverty_standards};

/// The indicators of the poverty standard in force on `day`, in the standard's order, as
/// `(key, Vietnamese name, English name)`; the latest standard's when none covers the day.
pub fn in_force(
    connection: &mut DbConn,
    day: NaiveDate,
) -> QueryResult<Vec<(String, String, String)>> {
    let covering = covering(connection, day)?.map(|(id, ..)| id);
    let standard = match covering {
        Some(id) => id,
        None => poverty_standards::table
            .order(poverty_standards::valid_from.desc())
            .select(poverty_standards::id)
            .first(connection)?,
    };
    poverty_standard_indicators::table
        .inner_join(
            poverty_indicators::table
                .on(poverty_indicators::key.eq(poverty_standard_indicators::indicator_key)),
        )
        .filter(poverty_standard_indicators::standard_id.eq(standard))
        .order(poverty_standard_indicators::position)
        .select((
            poverty_indicators::key,
            poverty_indicators::name_vi,
            poverty_indicators::name_en,
        ))
        .load(connection)
}

/// The standard covering `day` (the latest that began by then and had not ended) as `(id,
/// rural income line, urban income line, deprivations that make a household poor)`.
fn covering(
    connection: &mut DbConn,
    day: NaiveDate,
) -> QueryResult<Option<(String, i64, i64, i32)>> {
    poverty_standards::table
        .filter(poverty_standards::valid_from.le(day))
        .filter(
            poverty_standards::valid_to
                .is_null()
                .or(poverty_standards::valid_to.ge(day)),
        )
        .order(poverty_standards::valid_from.desc())
        .select((
            poverty_standards::id,
            poverty_standards::rural_income_line_vnd,
            poverty_standards::urban_income_line_vnd,
            poverty_standards::poor_min_deprivations,
        ))
        .first(connection)
        .optional()
}

/// Every indicator of every standard as `(key, Vietnamese name, English name)`.
pub fn names(connection: &mut DbConn) -> QueryResult<Vec<(String, String, String)>> {
    poverty_indicators::table
        .select((
            poverty_indicators::key,
            poverty_indicators::name_vi,
            poverty_indicators::name_en,
        ))
        .load(connection)
}

/// The standard in force on `day` (the latest that began by then) as `(id, rural income line,
/// urban income line, deprivations that make a household poor, its indicator keys in order)`.
#[allow(clippy::type_complexity)]
pub fn standard_on(
    connection: &mut DbConn,
    day: NaiveDate,
) -> QueryResult<Option<(String, i64, i64, i32, Vec<String>)>> {
    let Some((id, rural, urban, minimum)) = covering(connection, day)? else {
        return Ok(None);
    };
    let keys = poverty_standard_indicators::table
        .filter(poverty_standard_indicators::standard_id.eq(&id))
        .order(poverty_standard_indicators::position)
        .select(poverty_standard_indicators::indicator_key)
        .load(connection)?;
    Ok(Some((id, rural, urban, minimum, keys)))
}
