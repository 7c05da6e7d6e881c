//! The `admin_units` table: provinces, districts, communes, wards and towns of each
//! generation, and their poor-area and difficult-area flags.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{admin_unit_successors, admin_units};
use crate::domain::checks::Checks;

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
    /// A difficult area (vùng khó khăn, xã đặc biệt khó khăn).
    pub difficult_area: bool,
}

/// The two flags an administrator sets on a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaFlag {
    /// Vùng nghèo, huyện nghèo: training counts from here.
    Poor,
    /// Vùng khó khăn, xã đặc biệt khó khăn.
    Difficult,
}

impl AreaFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            AreaFlag::Poor => "poor_area",
            AreaFlag::Difficult => "difficult_area",
        }
    }

    pub fn parse(raw: &str) -> Option<AreaFlag> {
        [AreaFlag::Poor, AreaFlag::Difficult]
            .into_iter()
            .find(|flag| flag.as_str() == raw)
    }
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
    set_flag(connection, codes, AreaFlag::Poor, poor_area)
}

/// Sets or clears `flag` on every unit with one of `codes` (every generation of a code), in
/// one transaction. Returns the units changed; a code that matches nothing is an error and
/// changes nothing.
pub fn set_flag(
    connection: &mut DbConn,
    codes: &[String],
    flag: AreaFlag,
    value: bool,
) -> Result<Vec<AdminUnit>, SetPoorError> {
    connection.write_transaction(|connection| {
        let mut changed = Vec::new();
        for code in codes {
            let units: Vec<AdminUnit> = admin_units::table
                .filter(admin_units::code.eq(code))
                .select(AdminUnit::as_select())
                .load(connection)?;
            if units.is_empty() {
                return Err(SetPoorError::UnknownCode(code.clone()));
            }
            let target = admin_units::table.filter(admin_units::code.eq(code));
            match flag {
                AreaFlag::Poor => diesel::update(target)
                    .set(admin_units::poor_area.eq(value))
                    .execute(connection)?,
                AreaFlag::Difficult => diesel::update(target)
                    .set(admin_units::difficult_area.eq(value))
                    .execute(connection)?,
            };
            changed.extend(units.into_iter().map(|unit| match flag {
                AreaFlag::Poor => AdminUnit {
                    poor_area: value,
                    ..unit
                },
                AreaFlag::Difficult => AdminUnit {
                    difficult_area: value,
                    ..unit
                },
            }));
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

/// Every unit an area covers, across the reform: the unit, its communes when it is a
/// district, and the predecessors and successors of all of those.
pub fn units_within(connection: &mut DbConn, area_id: &str) -> QueryResult<Vec<String>> {
    let mut ids: Vec<String> = vec![area_id.to_owned()];
    let children: Vec<String> = admin_units::table
        .filter(admin_units::parent_id.eq(area_id))
        .select(admin_units::id)
        .load(connection)?;
    ids.extend(children);
    let successors: Vec<String> = admin_unit_successors::table
        .filter(admin_unit_successors::predecessor_id.eq_any(&ids))
        .select(admin_unit_successors::successor_id)
        .load(connection)?;
    let predecessors: Vec<String> = admin_unit_successors::table
        .filter(admin_unit_successors::successor_id.eq_any(&ids))
        .select(admin_unit_successors::predecessor_id)
        .load(connection)?;
    ids.extend(successors);
    ids.extend(predecessors);
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The unit a commune code names for a record entered on `on`: the unit with that code in
/// force that day, else the newest one with it. Only communes, wards and towns.
pub fn resolve_commune(
    connection: &mut DbConn,
    code: &str,
    on: NaiveDate,
) -> QueryResult<Option<AdminUnit>> {
    let units: Vec<AdminUnit> = admin_units::table
        .filter(admin_units::code.eq(code))
        // Not `eq_any`: a statement with an IN list is prepared again on every call.
        .filter(
            admin_units::kind
                .eq("commune")
                .or(admin_units::kind.eq("ward"))
                .or(admin_units::kind.eq("town")),
        )
        .order(admin_units::valid_from.desc())
        .select(AdminUnit::as_select())
        .load(connection)?;
    let in_force = units
        .iter()
        .find(|unit| unit.valid_from <= on && unit.valid_to.is_none_or(|valid_to| on <= valid_to))
        .cloned();
    Ok(in_force.or_else(|| units.into_iter().next()))
}

/// Units by kind, parent code and validity date, for pickers.
pub fn search(
    connection: &mut DbConn,
    kind: Option<&str>,
    parent_code: Option<&str>,
    valid_on: Option<NaiveDate>,
) -> QueryResult<Vec<AdminUnit>> {
    let mut query = admin_units::table.into_boxed();
    if let Some(kind) = kind {
        query = query.filter(admin_units::kind.eq(kind.to_owned()));
    }
    if let Some(parent_code) = parent_code {
        let parents: Vec<Option<String>> = admin_units::table
            .filter(admin_units::code.eq(parent_code))
            .select(admin_units::id.nullable())
            .load(connection)?;
        query = query.filter(admin_units::parent_id.eq_any(parents));
    }
    if let Some(day) = valid_on {
        query = query.filter(admin_units::valid_from.le(day)).filter(
            admin_units::valid_to
                .is_null()
                .or(admin_units::valid_to.ge(day)),
        );
    }
    query
        .order((admin_units::valid_from, admin_units::code))
        .select(AdminUnit::as_select())
        .load(connection)
}

/// A unit's kind (`commune`, `ward`, `town` …) and whether it lies in a poor area and in a
/// difficult area: each flag set on the unit or on its parent (a commune's district); `None` for
/// an unknown id.
pub fn kind_and_areas(
    connection: &mut DbConn,
    id: &str,
) -> QueryResult<Option<(String, bool, bool)>> {
    let Some((kind, poor, difficult, parent)) = admin_units::table
        .find(id)
        .select((
            admin_units::kind,
            admin_units::poor_area,
            admin_units::difficult_area,
            admin_units::parent_id,
        ))
        .first::<(String, bool, bool, Option<String>)>(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let (parent_poor, parent_difficult) = match parent {
        Some(parent) => admin_units::table
            .find(parent)
            .select((admin_units::poor_area, admin_units::difficult_area))
            .first::<(bool, bool)>(connection)?,
        None => (false, false),
    };
    Ok(Some((
        kind,
        poor || parent_poor,
        difficult || parent_difficult,
    )))
}

/// The province's name as its newest generation writes it (`Tỉnh Sơn La`), or `""` without one.
pub fn province_name(connection: &mut DbConn) -> QueryResult<String> {
    Ok(admin_units::table
        .filter(admin_units::kind.eq("province"))
        .order(admin_units::valid_from.desc())
        .select(admin_units::name)
        .first::<String>(connection)
        .optional()?
        .unwrap_or_default())
}

/// Names of units by id; unknown ids are left out.
pub fn names(
    connection: &mut DbConn,
    ids: Vec<String>,
) -> QueryResult<std::collections::HashMap<String, String>> {
    Ok(admin_units::table
        .filter(admin_units::id.eq_any(ids))
        .select((admin_units::id, admin_units::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// The communes and wards in force today, as `(code, name)` by name: what a commune picker
/// offers.
pub fn current_communes(connection: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    admin_units::table
        .filter(admin_units::kind.eq_any(["commune", "ward", "town"]))
        .filter(admin_units::valid_to.is_null())
        .order((admin_units::name, admin_units::code))
        .select((admin_units::code, admin_units::name))
        .load(connection)
}

/// Unit ids a commune or district code covers.
pub fn units_for_codes(
    connection: &mut DbConn,
    commune: Option<&str>,
    district: Option<&str>,
    checks: &mut Checks,
) -> QueryResult<Option<Vec<String>>> {
    let mut units: Option<Vec<String>> = None;
    if let Some(code) = commune {
        let ids: Vec<String> = admin_units::table
            .filter(admin_units::code.eq(code))
            .filter(admin_units::kind.eq_any(["commune", "ward", "town"]))
            .select(admin_units::id)
            .load(connection)?;
        if ids.is_empty() {
            checks.fail("commune", "unknown_commune");
        }
        units = Some(ids);
    }
    if let Some(code) = district {
        let district_id: Option<String> = admin_units::table
            .filter(admin_units::code.eq(code))
            .filter(admin_units::kind.eq("district"))
            .select(admin_units::id)
            .first(connection)
            .optional()?;
        match district_id {
            Some(id) => {
                let within = units_within(connection, &id)?;
                units = Some(match units {
                    Some(existing) => existing
                        .into_iter()
                        .filter(|unit| within.contains(unit))
                        .collect(),
                    None => within,
                });
            }
            None => checks.fail("district", "unknown_area"),
        }
    }
    Ok(units)
}

/// Every commune, ward and town, past and present, as `(id, code, name, valid to)`.
#[allow(clippy::type_complexity)]
pub fn communes_ever(
    connection: &mut DbConn,
) -> QueryResult<Vec<(String, String, String, Option<NaiveDate>)>> {
    admin_units::table
        .filter(admin_units::kind.eq_any(["commune", "ward", "town"]))
        .select((
            admin_units::id,
            admin_units::code,
            admin_units::name,
            admin_units::valid_to,
        ))
        .load(connection)
}

/// The reform's `(predecessor id, successor id)` pairs.
pub fn successions(connection: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    admin_unit_successors::table
        .select((
            admin_unit_successors::predecessor_id,
            admin_unit_successors::successor_id,
        ))
        .load(connection)
}

/// The newest unit below the province with that code: what a staff login's area names.
pub fn newest_below_province(connection: &mut DbConn, code: &str) -> QueryResult<Option<String>> {
    admin_units::table
        .filter(admin_units::code.eq(code))
        .filter(admin_units::kind.ne("province"))
        .order(admin_units::valid_from.desc())
        .select(admin_units::id)
        .first(connection)
        .optional()
}

/// The code and name of each unit among `ids`, by id.
pub fn codes_and_names(
    connection: &mut DbConn,
    ids: Vec<String>,
) -> QueryResult<std::collections::HashMap<String, (String, String)>> {
    Ok(admin_units::table
        .filter(admin_units::id.eq_any(ids))
        .select((admin_units::id, (admin_units::code, admin_units::name)))
        .load::<(String, (String, String))>(connection)?
        .into_iter()
        .collect())
}
