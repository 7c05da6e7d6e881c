//! What the generator reads from the reference data before it writes anything.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use rand::distr::weighted::WeightedIndex;

use crate::db::DbConn;
use crate::db::reference::{self, ETHNIC_SHARES, PROGRAMME_UNITS_FROM, REFORM_UNITS_FROM};
use crate::db::schema::{
    admin_unit_successors, admin_units, occupations, poverty_standard_indicators, poverty_standards,
};
use crate::domain::poverty::PovertyStandard;

use super::DemoError;

/// The poverty standard the generated households are reviewed under.
pub const STANDARD_ID: &str = "2022-2025";

pub struct District {
    pub name: String,
}

pub struct Commune {
    pub id: String,
    pub name: String,
    pub district: usize,
    pub urban: bool,
    pub poor_area: bool,
    /// The unit that continues this one after the 1 July 2025 reform.
    pub successor_id: Option<String>,
}

pub struct Ethnicity {
    pub code: String,
    pub name: String,
    pub minority: bool,
}

pub struct Occupation {
    pub code: String,
    pub name_vi: String,
}

pub struct Context {
    pub province_code: String,
    pub province_name: String,
    pub districts: Vec<District>,
    pub communes: Vec<Commune>,
    pub ethnicities: Vec<Ethnicity>,
    /// Shares of the province's population, in the order of `ethnicities`.
    pub ethnic_weights: WeightedIndex<f64>,
    /// Shares for wards and towns, where Kinh families live in larger numbers.
    pub urban_ethnic_weights: WeightedIndex<f64>,
    pub occupations: Vec<Occupation>,
    pub standard: PovertyStandard,
    pub indicator_keys: Vec<String>,
}

#[derive(serde::Deserialize)]
struct ShareRow {
    ethnic_group: String,
    count_2015_07: u64,
}

fn date((year, month, day): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The province's ethnic groups with their shares in the 2015 survey, for rural and (with
/// more Kinh) urban communes.
#[allow(clippy::type_complexity)]
fn ethnicities() -> Result<(Vec<Ethnicity>, WeightedIndex<f64>, WeightedIndex<f64>), DemoError> {
    let groups =
        reference::ethnic_group_rows().map_err(|error| DemoError::Reference(error.to_string()))?;
    let shares: Vec<ShareRow> = csv::Reader::from_reader(ETHNIC_SHARES.as_bytes())
        .deserialize()
        .filter_map(Result::ok)
        .collect();
    let mut ethnicities = Vec::new();
    let mut weights = Vec::new();
    for share in shares {
        let matches = |candidate: &str| {
            candidate
                .trim()
                .eq_ignore_ascii_case(share.ethnic_group.trim())
        };
        let Some(group) = groups
            .iter()
            .find(|group| matches(&group.name) || group.alias_spellings.split(';').any(matches))
        else {
            continue; // the TOTAL row
        };
        ethnicities.push(Ethnicity {
            code: group.code.clone(),
            name: group.name.clone(),
            minority: group.name != "Kinh",
        });
        weights.push(share.count_2015_07 as f64);
    }
    let urban_weights: Vec<f64> = ethnicities
        .iter()
        .zip(&weights)
        .map(|(ethnicity, weight)| {
            if ethnicity.minority {
                *weight
            } else {
                weight * 4.0
            }
        })
        .collect();
    let ethnic_weights =
        WeightedIndex::new(&weights).map_err(|_| DemoError::MissingReference("ethnic shares"))?;
    let urban_ethnic_weights = WeightedIndex::new(&urban_weights)
        .map_err(|_| DemoError::MissingReference("ethnic shares"))?;
    Ok((ethnicities, ethnic_weights, urban_ethnic_weights))
}

/// The 2022–2025 poverty standard and its indicator keys in order.
fn standard(connection: &mut DbConn) -> Result<(PovertyStandard, Vec<String>), DemoError> {
    let (rural, urban, min_deprivations): (i64, i64, i32) = poverty_standards::table
        .find(STANDARD_ID)
        .select((
            poverty_standards::rural_income_line_vnd,
            poverty_standards::urban_income_line_vnd,
            poverty_standards::poor_min_deprivations,
        ))
        .first(connection)
        .optional()?
        .ok_or(DemoError::MissingReference("poverty standard 2022-2025"))?;
    let indicator_keys = poverty_standard_indicators::table
        .filter(poverty_standard_indicators::standard_id.eq(STANDARD_ID))
        .order(poverty_standard_indicators::position)
        .select(poverty_standard_indicators::indicator_key)
        .load(connection)?;
    let standard = PovertyStandard {
        rural_income_line_vnd: rural,
        urban_income_line_vnd: urban,
        poor_min_deprivations: u32::try_from(min_deprivations).unwrap_or(3),
    };
    Ok((standard, indicator_keys))
}

impl Context {
    pub fn load(connection: &mut DbConn) -> Result<Context, DemoError> {
        let programme_from = date(PROGRAMME_UNITS_FROM);
        let units: Vec<(String, String, String, String, Option<String>, bool)> = admin_units::table
            .filter(admin_units::valid_from.eq(programme_from))
            .select((
                admin_units::id,
                admin_units::code,
                admin_units::name,
                admin_units::kind,
                admin_units::parent_id,
                admin_units::poor_area,
            ))
            .order(admin_units::id)
            .load(connection)?;
        let successors: HashMap<String, String> = admin_unit_successors::table
            .select((
                admin_unit_successors::predecessor_id,
                admin_unit_successors::successor_id,
            ))
            .load::<(String, String)>(connection)?
            .into_iter()
            .collect();

        let Some((_, province_code, province_name, ..)) =
            units.iter().find(|unit| unit.3 == "province")
        else {
            return Err(DemoError::MissingReference("province"));
        };
        let mut districts = Vec::new();
        let mut district_index = HashMap::new();
        let mut district_poor = Vec::new();
        for (id, _, name, kind, _, poor_area) in &units {
            if kind == "district" {
                district_index.insert(id.clone(), districts.len());
                district_poor.push(*poor_area);
                districts.push(District { name: name.clone() });
            }
        }
        let mut communes = Vec::new();
        for (id, _, name, kind, parent_id, poor_area) in &units {
            if !matches!(kind.as_str(), "commune" | "ward" | "town") {
                continue;
            }
            let Some(&district) = parent_id
                .as_ref()
                .and_then(|parent| district_index.get(parent))
            else {
                continue;
            };
            communes.push(Commune {
                id: id.clone(),
                name: name.clone(),
                district,
                urban: kind != "commune",
                poor_area: *poor_area || district_poor[district],
                successor_id: successors.get(id).cloned(),
            });
        }
        if communes.is_empty() {
            return Err(DemoError::MissingReference(
                "communes of the programme period",
            ));
        }
        // Make sure the successor generation exists, so reform-era records can point at it.
        let reform_units: i64 = admin_units::table
            .filter(admin_units::valid_from.eq(date(REFORM_UNITS_FROM)))
            .count()
            .get_result(connection)?;
        if reform_units == 0 {
            for commune in &mut communes {
                commune.successor_id = None;
            }
        }

        let (ethnicities, ethnic_weights, urban_ethnic_weights) = ethnicities()?;

        // The work commune lists name most, not every unit group of the classification.
        let common = reference::common_occupation_codes()
            .map_err(|error| DemoError::Reference(error.to_string()))?;
        let occupations = occupations::table
            .filter(occupations::code.eq_any(&common))
            .select((occupations::code, occupations::name_vi))
            .order(occupations::code)
            .load::<(String, String)>(connection)?
            .into_iter()
            .map(|(code, name_vi)| Occupation { code, name_vi })
            .collect::<Vec<_>>();
        if occupations.is_empty() {
            return Err(DemoError::MissingReference("occupations"));
        }

        let (standard, indicator_keys) = standard(connection)?;

        Ok(Context {
            province_code: province_code.clone(),
            province_name: province_name.clone(),
            districts,
            communes,
            ethnicities,
            ethnic_weights,
            urban_ethnic_weights,
            occupations,
            standard,
            indicator_keys,
        })
    }

    pub fn occupation_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.occupations
            .iter()
            .find(|occupation| occupation.code == code)
            .map_or(code, |o| o.name_vi.as_str())
    }

    pub fn has_occupation(&self, code: &str) -> bool {
        self.occupations
            .iter()
            .any(|occupation| occupation.code == code)
    }
}
