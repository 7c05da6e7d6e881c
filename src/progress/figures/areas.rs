//! Where a figure is counted: the units, and the districts and communes a selection covers.

use super::*;

/// An administrative unit as the breakdowns name it.
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    /// Flagged a poor area (huyện nghèo, xã nghèo).
    pub poor_area: bool,
}

pub fn units(connection: &mut DbConn) -> QueryResult<HashMap<String, Unit>> {
    let rows: Vec<(String, String, String, String, Option<String>, bool)> = admin_units::table
        .select((
            admin_units::id,
            admin_units::code,
            admin_units::name,
            admin_units::kind,
            admin_units::parent_id,
            admin_units::poor_area,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, kind, parent_id, poor_area)| {
            (
                id.clone(),
                Unit {
                    id,
                    code,
                    name,
                    kind,
                    parent_id,
                    poor_area,
                },
            )
        })
        .collect())
}

/// The district a commune belonged to, if it had one (communes after the 2025 reform have none).
pub fn district_of<'a>(units: &'a HashMap<String, Unit>, commune_id: &str) -> Option<&'a Unit> {
    units
        .get(commune_id)
        .and_then(|unit| unit.parent_id.as_ref())
        .and_then(|parent| units.get(parent))
        .filter(|parent| parent.kind == "district")
}

/// The ids of the districts a code names (every generation that used it).
pub fn districts_for(
    units: &HashMap<String, Unit>,
    code: &str,
) -> Result<HashSet<String>, AppError> {
    let districts: HashSet<String> = units
        .values()
        .filter(|unit| unit.kind == "district" && unit.code == code)
        .map(|unit| unit.id.clone())
        .collect();
    if districts.is_empty() {
        return Err(AppError::field("district", "unknown_area"));
    }
    Ok(districts)
}

/// The communes a `district` or `commune` code names (every generation that used the code),
/// intersected with an officer's area. `None`: no restriction.
pub fn communes_for(
    units: &HashMap<String, Unit>,
    district: Option<&str>,
    commune: Option<&str>,
    area: Option<&[String]>,
) -> Result<Option<HashSet<String>>, AppError> {
    let mut selected: Option<HashSet<String>> = None;
    if let Some(code) = district {
        let districts: HashSet<&str> = units
            .values()
            .filter(|unit| unit.kind == "district" && unit.code == code)
            .map(|unit| unit.id.as_str())
            .collect();
        if districts.is_empty() {
            return Err(AppError::field("district", "unknown_area"));
        }
        selected = Some(
            units
                .values()
                .filter(|unit| {
                    unit.parent_id
                        .as_deref()
                        .is_some_and(|parent| districts.contains(parent))
                })
                .map(|unit| unit.id.clone())
                .collect(),
        );
    }
    if let Some(code) = commune {
        let communes: HashSet<String> = units
            .values()
            .filter(|unit| {
                matches!(unit.kind.as_str(), "commune" | "ward" | "town") && unit.code == code
            })
            .map(|unit| unit.id.clone())
            .collect();
        if communes.is_empty() {
            return Err(AppError::field("commune", "unknown_area"));
        }
        selected = Some(match selected {
            Some(within) => within.intersection(&communes).cloned().collect(),
            None => communes,
        });
    }
    if let Some(area) = area {
        let area: HashSet<String> = area.iter().cloned().collect();
        selected = Some(match selected {
            Some(within) => within.intersection(&area).cloned().collect(),
            None => area,
        });
    }
    Ok(selected)
}
