//! Reference data embedded from `src/db/reference/` (sources and confidence in its
//! `sources.md`) and loaded into both backends after migrations.
//!
//! Loading only inserts rows that are missing: what an administrator changed since (the
//! poor-area flags above all) is never overwritten.

use std::collections::HashSet;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::DbConn;
use super::schema::{
    admin_unit_successors, admin_units, ethnic_groups, occupation_groups, occupations,
    poverty_indicators, poverty_standard_indicators, poverty_standards, programme_periods,
    programme_targets,
};

mod poverty;

use poverty::*;

const PROVINCE: &str = include_str!("reference/province.csv");
const DISTRICTS: &str = include_str!("reference/son_la_districts_pre2025.csv");
const COMMUNES_PROGRAMME: &str = include_str!("reference/son_la_communes_2022_2024.csv");
const COMMUNES_2025: &str = include_str!("reference/son_la_communes_2025.csv");
const ETHNIC_GROUPS: &str = include_str!("reference/ethnic_groups_vn.csv");
pub const ETHNIC_SHARES: &str = include_str!("reference/son_la_ethnic_shares.csv");
const OCCUPATION_GROUPS: &str = include_str!("reference/vsco_major_submajor.csv");
const OCCUPATIONS: &str = include_str!("reference/occupations_isco08_4digit.csv");
const OCCUPATION_ALIASES: &str = include_str!("reference/occupation_aliases.csv");
const POVERTY_THRESHOLDS: &str = include_str!("reference/poverty_thresholds.csv");
const POVERTY_INDICATORS: &str = include_str!("reference/poverty_indicators_2022_2025.csv");
const POVERTY_INDICATOR_KEYS: &str = include_str!("reference/poverty_indicator_keys.csv");
const PROGRAMME_TARGETS: &str = include_str!("reference/programme_targets.csv");

/// The code list that `ethnic_groups.code` follows (QĐ 121-TCTK/PPCĐ, 1979).
pub const ETHNIC_CODE_SCHEME: &str = "QD121-TCTK-1979";

/// The two generations of administrative units: those in force through the 2021–2025
/// programme (the list is unchanged in every statistics-office snapshot from 2021 to January
/// 2025), and those of the two-tier reform in force from 1 July 2025. The short-lived
/// February–June 2025 arrangement is not loaded: no programme record needs it.
pub const PROGRAMME_UNITS_FROM: (i32, u32, u32) = (2021, 1, 1);
pub const PROGRAMME_UNITS_TO: (i32, u32, u32) = (2025, 6, 30);
pub const REFORM_UNITS_FROM: (i32, u32, u32) = (2025, 7, 1);

/// `code@year`: the id of a unit of the generation that starts in `year`.
pub fn unit_id(code: &str, generation_year: i32) -> String {
    format!("{code}@{generation_year}")
}

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("reference file {file}")]
    Csv {
        file: &'static str,
        source: csv::Error,
    },
    #[error("reference file {file}: {message}")]
    Content { file: &'static str, message: String },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

fn rows<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &str,
) -> Result<Vec<T>, ReferenceError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| ReferenceError::Csv { file, source })
}

fn date((year, month, day): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn parse_date(file: &'static str, text: &str) -> Result<NaiveDate, ReferenceError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|error| ReferenceError::Content {
        file,
        message: format!("date `{text}`: {error}"),
    })
}

/// The kind of a unit from its Vietnamese type.
pub fn unit_kind(unit_type: &str) -> Option<&'static str> {
    match unit_type {
        "Tỉnh" | "Thành phố trực thuộc trung ương" => Some("province"),
        "Huyện" | "Thị xã" | "Thành phố" => Some("district"),
        "Xã" => Some("commune"),
        "Phường" => Some("ward"),
        "Thị trấn" => Some("town"),
        _ => None,
    }
}

#[derive(Insertable)]
#[diesel(table_name = admin_units)]
struct NewAdminUnit {
    id: String,
    code: String,
    name: String,
    kind: &'static str,
    unit_type: String,
    parent_id: Option<String>,
    poor_area: bool,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

#[derive(Insertable)]
#[diesel(table_name = admin_unit_successors)]
struct NewSuccessor {
    predecessor_id: String,
    successor_id: String,
    confidence: String,
    note: Option<String>,
}

#[derive(Deserialize)]
struct ProvinceRow {
    code: String,
    name: String,
    unit_type: String,
}

#[derive(Deserialize)]
struct DistrictRow {
    code: String,
    name: String,
    #[serde(rename = "type")]
    unit_type: String,
}

#[derive(Deserialize)]
struct ProgrammeCommuneRow {
    code: String,
    name: String,
    #[serde(rename = "type")]
    unit_type: String,
    district_code: String,
    new_code_2025_07: String,
    note: String,
    mapping_confidence: String,
}

#[derive(Deserialize)]
struct ReformCommuneRow {
    code: String,
    name: String,
    #[serde(rename = "type")]
    unit_type: String,
}

fn admin_unit_rows() -> Result<(Vec<NewAdminUnit>, Vec<NewSuccessor>), ReferenceError> {
    let programme_year = PROGRAMME_UNITS_FROM.0;
    let reform_year = REFORM_UNITS_FROM.0;
    let kind_of = |file: &'static str, unit_type: &str| {
        unit_kind(unit_type).ok_or_else(|| ReferenceError::Content {
            file,
            message: format!("unknown unit type `{unit_type}`"),
        })
    };
    let mut units = Vec::new();
    let provinces: Vec<ProvinceRow> = rows("province.csv", PROVINCE)?;
    let Some(province) = provinces.first() else {
        return Err(ReferenceError::Content {
            file: "province.csv",
            message: "no province".into(),
        });
    };
    let province_id = unit_id(&province.code, programme_year);
    units.push(NewAdminUnit {
        id: province_id.clone(),
        code: province.code.clone(),
        name: province.name.clone(),
        kind: kind_of("province.csv", &province.unit_type)?,
        unit_type: province.unit_type.clone(),
        parent_id: None,
        poor_area: false,
        valid_from: date(PROGRAMME_UNITS_FROM),
        valid_to: None,
    });
    for district in rows::<DistrictRow>("son_la_districts_pre2025.csv", DISTRICTS)? {
        units.push(NewAdminUnit {
            id: unit_id(&district.code, programme_year),
            kind: kind_of("son_la_districts_pre2025.csv", &district.unit_type)?,
            code: district.code,
            name: district.name,
            unit_type: district.unit_type,
            parent_id: Some(province_id.clone()),
            poor_area: false,
            valid_from: date(PROGRAMME_UNITS_FROM),
            valid_to: Some(date(PROGRAMME_UNITS_TO)),
        });
    }
    let mut successors = Vec::new();
    for commune in rows::<ProgrammeCommuneRow>("son_la_communes_2022_2024.csv", COMMUNES_PROGRAMME)?
    {
        let id = unit_id(&commune.code, programme_year);
        if !commune.new_code_2025_07.is_empty() {
            successors.push(NewSuccessor {
                predecessor_id: id.clone(),
                successor_id: unit_id(&commune.new_code_2025_07, reform_year),
                confidence: commune.mapping_confidence,
                note: Some(commune.note).filter(|note| !note.is_empty()),
            });
        }
        units.push(NewAdminUnit {
            id,
            kind: kind_of("son_la_communes_2022_2024.csv", &commune.unit_type)?,
            code: commune.code,
            name: commune.name,
            unit_type: commune.unit_type,
            parent_id: Some(unit_id(&commune.district_code, programme_year)),
            poor_area: false,
            valid_from: date(PROGRAMME_UNITS_FROM),
            valid_to: Some(date(PROGRAMME_UNITS_TO)),
        });
    }
    for commune in rows::<ReformCommuneRow>("son_la_communes_2025.csv", COMMUNES_2025)? {
        units.push(NewAdminUnit {
            id: unit_id(&commune.code, reform_year),
            kind: kind_of("son_la_communes_2025.csv", &commune.unit_type)?,
            code: commune.code,
            name: commune.name,
            unit_type: commune.unit_type,
            parent_id: Some(province_id.clone()),
            poor_area: false,
            valid_from: date(REFORM_UNITS_FROM),
            valid_to: None,
        });
    }
    Ok((units, successors))
}

#[derive(Deserialize)]
pub struct EthnicGroupRow {
    #[serde(rename = "code_qd121_1979")]
    pub code: String,
    pub name: String,
    pub alias_spellings: String,
    #[serde(rename = "code_gso_census_list_if_known")]
    pub gso_census_code: String,
}

/// The ethnic groups of the embedded code list.
pub fn ethnic_group_rows() -> Result<Vec<EthnicGroupRow>, ReferenceError> {
    rows("ethnic_groups_vn.csv", ETHNIC_GROUPS)
}

#[derive(Insertable)]
#[diesel(table_name = ethnic_groups)]
struct NewEthnicGroup {
    code: String,
    code_scheme: &'static str,
    name: String,
    aliases: String,
    gso_census_code: Option<String>,
    is_minority: bool,
}

#[derive(Deserialize)]
struct OccupationGroupRow {
    level: i32,
    code: String,
    name_vi: String,
    name_en: String,
}

#[derive(Insertable)]
#[diesel(table_name = occupation_groups)]
struct NewOccupationGroup {
    code: String,
    level: i32,
    parent_code: Option<String>,
    name_vi: String,
    name_en: String,
}

#[derive(Deserialize)]
pub struct OccupationRow {
    #[serde(rename = "code_isco08")]
    pub code: String,
    #[serde(rename = "name_en_isco08")]
    pub name_en: String,
    #[serde(rename = "name_vi_unofficial")]
    pub name_vi: String,
    /// `yes` for the occupations commune lists name most (see `sources.md`).
    pub common: String,
}

/// The 4-digit occupations of the embedded list: every ISCO-08 unit group of major groups
/// 2–9 and 0.
pub fn occupation_rows() -> Result<Vec<OccupationRow>, ReferenceError> {
    rows("occupations_isco08_4digit.csv", OCCUPATIONS)
}

#[derive(Deserialize)]
pub struct AliasRow {
    pub alias: String,
    pub code: String,
}

/// The codes of the occupations commune lists name most, the ones the demo draws from.
pub fn common_occupation_codes() -> Result<Vec<String>, ReferenceError> {
    Ok(occupation_rows()?
        .into_iter()
        .filter(|row| row.common == "yes")
        .map(|row| row.code)
        .collect())
}

/// The spellings people write for an occupation (`công nhân may` → 8153); see `sources.md`.
pub fn occupation_aliases() -> Result<Vec<AliasRow>, ReferenceError> {
    rows("occupation_aliases.csv", OCCUPATION_ALIASES)
}

#[derive(Insertable)]
#[diesel(table_name = occupations)]
struct NewOccupation {
    code: String,
    group_code: String,
    name_vi: String,
    name_en: String,
}

/// How many reference rows a load inserted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    pub inserted: usize,
    /// Programme periods among them: every record's progress facts must be derived for them.
    pub periods: usize,
}

/// Inserts the rows whose key the table lacks: `$key_columns => Type` selects the key, `|row| key`
/// computes it from a row to insert. Evaluates to the number inserted.
macro_rules! insert_missing {
    ($connection:expr, $table:expr, $key_columns:expr => $key_type:ty, $rows:expr, |$row:ident| $key:expr) => {{
        let known: HashSet<$key_type> = $table
            .select($key_columns)
            .load($connection)?
            .into_iter()
            .collect();
        let missing: Vec<_> = $rows
            .into_iter()
            .filter(|$row| !known.contains(&$key))
            .collect();
        insert_chunks($connection, &missing, |connection, chunk| {
            crate::insert_rows!(connection, $table, chunk)
        })?
    }};
}

/// Inserts every reference row the database lacks, in one transaction.
pub fn load(connection: &mut DbConn) -> Result<Loaded, ReferenceError> {
    let (units, successors) = admin_unit_rows()?;
    let PovertyRows {
        standards,
        indicators,
        links,
    } = poverty_rows()?;
    let ethnic: Vec<NewEthnicGroup> = ethnic_group_rows()?
        .into_iter()
        .map(|group| NewEthnicGroup {
            is_minority: group.name != "Kinh",
            code: group.code,
            code_scheme: ETHNIC_CODE_SCHEME,
            name: group.name,
            aliases: group.alias_spellings,
            gso_census_code: Some(group.gso_census_code).filter(|code| !code.is_empty()),
        })
        .collect();
    // Level 1 before level 2; rows whose code is not numeric are notes, not groups.
    let mut groups: Vec<NewOccupationGroup> =
        rows::<OccupationGroupRow>("vsco_major_submajor.csv", OCCUPATION_GROUPS)?
            .into_iter()
            .filter(|group| group.code.chars().all(|c| c.is_ascii_digit()))
            .map(|group| NewOccupationGroup {
                parent_code: (group.level == 2).then(|| group.code[..1].to_owned()),
                code: group.code,
                level: group.level,
                name_vi: group.name_vi,
                name_en: group.name_en,
            })
            .collect();
    groups.sort_by_key(|group| group.level);
    let common: Vec<NewOccupation> = occupation_rows()?
        .into_iter()
        .map(|occupation| NewOccupation {
            group_code: occupation.code.chars().take(2).collect(),
            code: occupation.code,
            name_vi: occupation.name_vi,
            name_en: occupation.name_en,
        })
        .collect();
    let targets: Vec<TargetRow> = rows("programme_targets.csv", PROGRAMME_TARGETS)?;
    let mut periods: Vec<NewPeriod> = Vec::new();
    for target in &targets {
        if !periods
            .iter()
            .any(|period| period.code == target.period_code)
        {
            periods.push(NewPeriod {
                code: target.period_code.clone(),
                starts_on: parse_date("programme_targets.csv", &target.starts_on)?,
                ends_on: parse_date("programme_targets.csv", &target.ends_on)?,
                plan_reference: target.plan_reference.clone(),
                name_vi: target.period_name_vi.clone(),
                name_en: target.period_name_en.clone(),
            });
        }
    }
    let targets: Vec<NewTarget> = targets
        .into_iter()
        .map(|target| NewTarget {
            period_code: target.period_code,
            key: target.key,
            unit_code: String::new(),
            target_value: target.target_value,
            unit: target.unit,
            comparison: target.comparison,
            description_vi: target.description_vi,
            description_en: target.description_en,
            source: target.source,
        })
        .collect();

    connection.write_transaction(|connection| {
        // Parents before children: each list is already in that order.
        let inserted = insert_missing!(connection, admin_units::table, admin_units::id => String, units, |unit| unit.id)
            + insert_missing!(
                connection,
                admin_unit_successors::table,
                (admin_unit_successors::predecessor_id, admin_unit_successors::successor_id) => (String, String),
                successors,
                |link| (link.predecessor_id.clone(), link.successor_id.clone())
            )
            + insert_missing!(connection, ethnic_groups::table, ethnic_groups::code => String, ethnic, |group| group.code)
            + insert_missing!(connection, occupation_groups::table, occupation_groups::code => String, groups, |group| group.code)
            + insert_missing!(connection, occupations::table, occupations::code => String, common, |occupation| occupation.code)
            + insert_missing!(connection, poverty_standards::table, poverty_standards::id => String, standards, |standard| standard.id)
            + insert_missing!(connection, poverty_indicators::table, poverty_indicators::key => String, indicators, |indicator| indicator.key)
            + insert_missing!(
                connection,
                poverty_standard_indicators::table,
                (poverty_standard_indicators::standard_id, poverty_standard_indicators::indicator_key) => (String, String),
                links,
                |link| (link.standard_id.clone(), link.indicator_key.clone())
            );
        // A period's targets come with it: the ones an administrator removed later stay removed.
        let known: Vec<String> = programme_periods::table
            .select(programme_periods::code)
            .load(connection)?;
        let targets: Vec<NewTarget> = targets
            .into_iter()
            .filter(|target| !known.contains(&target.period_code))
            .collect();
        let periods = insert_missing!(connection, programme_periods::table, programme_periods::code => String, periods, |period| period.code);
        let inserted = inserted
            + insert_chunks(connection, &targets, |connection, chunk| {
                crate::insert_rows!(connection, programme_targets::table, chunk)
            })?;
        Ok(Loaded {
            inserted: inserted + periods,
            periods,
        })
    })
}

/// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters for the widest table.
pub const INSERT_CHUNK_ROWS: usize = 1_000;

/// Inserts `rows` in multi-row statements of at most [`INSERT_CHUNK_ROWS`].
pub fn insert_chunks<T>(
    connection: &mut DbConn,
    rows: &[T],
    mut insert: impl FnMut(&mut DbConn, &[T]) -> QueryResult<usize>,
) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in rows.chunks(INSERT_CHUNK_ROWS) {
        inserted += insert(connection, chunk)?;
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_standard_periods_and_rules() -> Result<(), ReferenceError> {
        let PovertyRows {
            standards,
            indicators,
            links,
        } = poverty_rows()?;
        let current = standards.iter().find(|standard| standard.id == "2022-2025");
        let Some(current) = current else {
            panic!("the 2022-2025 standard is missing")
        };
        assert_eq!(current.rural_income_line_vnd, 1_500_000);
        assert_eq!(current.urban_income_line_vnd, 2_000_000);
        assert_eq!(current.poor_min_deprivations, 3);
        assert_eq!(current.valid_to, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(
            links
                .iter()
                .filter(|link| link.standard_id == "2022-2025")
                .count(),
            12
        );
        assert!(
            indicators
                .iter()
                .any(|indicator| indicator.key == "information_access")
        );
        Ok(())
    }

    #[test]
    fn lays_out_both_generations_of_units() -> Result<(), ReferenceError> {
        let (units, successors) = admin_unit_rows()?;
        let count = |kind: &str, year: &str| {
            units
                .iter()
                .filter(|unit| unit.kind == kind && unit.id.ends_with(year))
                .count()
        };
        assert_eq!(count("district", "@2021"), 12);
        assert_eq!(
            count("commune", "@2021") + count("ward", "@2021") + count("town", "@2021"),
            204
        );
        assert_eq!(count("commune", "@2025") + count("ward", "@2025"), 75);
        // Three communes abolished in early 2025 have no known successor.
        assert_eq!(successors.len(), 204 - 3);
        Ok(())
    }
}
