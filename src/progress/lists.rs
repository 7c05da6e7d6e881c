//! The records behind each figure, and the outreach list of poor and near-poor households no
//! member of which is in sustainable employment yet.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::facts::{TARGET_STATUSES, key};
use super::figures::{Unit, Window, district_of};
use crate::db::DbConn;
use crate::db::schema::progress_facts;
use crate::error::AppError;
use crate::models;

/// What a target key (or a fact key) lists: the fact key, whether only target-household
/// statuses count, and whether it is a state at the window's end rather than an event in it.
pub fn fact_of(target_key: &str) -> Option<(&'static str, bool, bool)> {
    Some(match target_key {
        "connected_workers" | "connected" => (key::CONNECTED, false, false),
        "connected_target_share" => (key::CONNECTED, true, false),
        "connected_target_share_area" => (key::CONNECTED_AREA, true, false),
        "connected_area" => (key::CONNECTED_AREA, false, false),
        "area_workers_trained" | "area_trained" => (key::AREA_TRAINED, false, true),
        "area_workers_certified" | "area_certified" => (key::AREA_CERTIFIED, false, true),
        "area_worker" => (key::AREA_WORKER, false, true),
        "trained_poor_districts" | "trained" => (key::TRAINED, false, false),
        "overseas_contract" | "overseas" => (key::OVERSEAS, false, false),
        "sustained" => (key::SUSTAINED, false, true),
        "household_employment" | "covered_household" => (key::COVERED_HOUSEHOLD, false, true),
        "target_household" => (key::TARGET_HOUSEHOLD, false, true),
        "counselled" => (key::COUNSELLED, false, true),
        "target_worker" => (key::TARGET_WORKER, false, true),
        other => (
            key::connected_kind(other.strip_prefix("connected_")?)?,
            false,
            false,
        ),
    })
}

/// Every key the records list accepts.
pub const LIST_KEYS: &[&str] = &[
    "connected_workers",
    "connected_target_share",
    "connected_target_share_area",
    "trained_poor_districts",
    "overseas_contract",
    "household_employment",
    "counselled",
    "area_workers_trained",
    "area_workers_certified",
    "connected",
    "connected_area",
    "connected_self_employed",
    "connected_household_business",
    "connected_cooperative_member",
    "connected_livelihood_model",
    "connected_public_works",
    "area_worker",
    "area_trained",
    "area_certified",
    "trained",
    "overseas",
    "sustained",
    "covered_household",
    "target_household",
    "target_worker",
    "poor_household_rate",
    "poor_household_rate_minority",
    "poor_household_rate_poor_districts",
    "poor_household_rate_fall",
    "poor_household_rate_fall_minority",
    "poor_household_rate_fall_poor_districts",
];

/// The households behind a poor-household rate (or its fall): those found poor at the latest
/// review year of the window that has reviews.
pub fn poor_households(
    connection: &mut DbConn,
    target_key: &str,
    window: &Window,
    communes: Option<&HashSet<String>>,
    units: &HashMap<String, Unit>,
    (limit, offset): (i64, i64),
) -> Result<RecordPage, AppError> {
    use chrono::Datelike;
    let group = target_key
        .trim_start_matches("poor_household_rate")
        .trim_start_matches("_fall");
    let years = (window.from.year() - 1, window.to.year());
    let rates = super::reviews::rates(connection, communes, units, years)?;
    let in_group = match group {
        "_minority" => &rates.minority,
        "_poor_districts" => &rates.poor_districts,
        _ => &rates.all,
    };
    let fall = target_key.starts_with("poor_household_rate_fall");
    let year = in_group
        .iter()
        .filter(|rate| fall || rate.year >= window.from.year())
        .map(|rate| rate.year)
        .max();
    let Some(year) = year else {
        return Ok(RecordPage {
            key: target_key.to_owned(),
            total: 0,
            limit,
            offset,
            records: Vec::new(),
        });
    };
    let poor_district = |commune: &String| {
        units.get(commune).is_some_and(|unit| unit.poor_area)
            || district_of(units, commune).is_some_and(|district| district.poor_area)
    };
    let selected: Option<Vec<String>> = match (communes, group) {
        (Some(communes), "_poor_districts") => Some(
            communes
                .iter()
                .filter(|id| poor_district(id))
                .cloned()
                .collect(),
        ),
        (None, "_poor_districts") => Some(
            units
                .keys()
                .filter(|id| poor_district(id))
                .cloned()
                .collect(),
        ),
        (Some(communes), _) => Some(communes.iter().cloned().collect()),
        (None, _) => None,
    };
    let (total, rows) = super::reviews::poor_in(
        connection,
        year,
        selected,
        group == "_minority",
        (limit, offset),
    )?;
    let counted_on = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(window.to);
    let records = rows
        .into_iter()
        .map(|(id, name, commune_id, minority)| {
            let commune = units.get(&commune_id);
            Record {
                kind: "household".to_owned(),
                record_id: id.clone(),
                id,
                name,
                commune_code: commune.map(|unit| unit.code.clone()).unwrap_or_default(),
                commune: commune.map(|unit| unit.name.clone()).unwrap_or_default(),
                district: district_of(units, &commune_id).map(|unit| unit.name.clone()),
                counted_on,
                household_status: "poor".to_owned(),
                minority,
                gender: String::new(),
                country: String::new(),
            }
        })
        .collect();
    Ok(RecordPage {
        key: target_key.to_owned(),
        total,
        limit,
        offset,
        records,
    })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Record {
    /// `worker` or `household`.
    pub kind: String,
    pub id: String,
    /// The worker's name, or the household head's.
    pub name: String,
    pub commune_code: String,
    pub commune: String,
    pub district: Option<String>,
    pub counted_on: NaiveDate,
    pub household_status: String,
    pub minority: bool,
    pub gender: String,
    pub country: String,
    /// The placement, enrolment, follow-up or service record it counts by.
    pub record_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordPage {
    pub key: String,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub records: Vec<Record>,
}

type FactRow = (
    String,
    NaiveDate,
    String,
    String,
    bool,
    String,
    String,
    String,
);

/// Narrows a list to one row of a breakdown.
#[derive(Debug, Clone, Default)]
pub struct Dimensions {
    pub household_status: Option<String>,
    pub minority: Option<bool>,
    pub gender: Option<String>,
    pub country: Option<String>,
}

/// One page of the records behind a figure, in counting order.
#[allow(clippy::too_many_arguments)]
pub fn records(
    connection: &mut DbConn,
    period: &str,
    target_key: &str,
    window: &Window,
    communes: Option<&HashSet<String>>,
    dimensions: &Dimensions,
    units: &HashMap<String, Unit>,
    limit: i64,
    offset: i64,
) -> Result<RecordPage, AppError> {
    let (fact_key, target_only, state) =
        fact_of(target_key).ok_or_else(|| AppError::field("key", "invalid_choice"))?;
    let filtered = || {
        let mut query = progress_facts::table
            .filter(progress_facts::period_code.eq(period.to_owned()))
            .filter(progress_facts::key.eq(fact_key))
            .filter(progress_facts::counted_on.le(window.to))
            .into_boxed();
        if !state {
            query = query.filter(progress_facts::counted_on.ge(window.from));
        }
        if target_only {
            query = query.filter(progress_facts::household_status.eq_any(TARGET_STATUSES));
        }
        if let Some(status) = &dimensions.household_status {
            query = query.filter(progress_facts::household_status.eq(status.clone()));
        }
        if let Some(minority) = dimensions.minority {
            query = query.filter(progress_facts::minority.eq(minority));
        }
        if let Some(gender) = &dimensions.gender {
            query = query.filter(progress_facts::gender.eq(gender.clone()));
        }
        if let Some(country) = &dimensions.country {
            query = query.filter(progress_facts::country.eq(country.clone()));
        }
        if let Some(communes) = communes {
            query = query.filter(
                progress_facts::commune_id.eq_any(communes.iter().cloned().collect::<Vec<_>>()),
            );
        }
        query
    };
    let total: i64 = filtered().count().get_result(connection)?;
    let rows: Vec<FactRow> = filtered()
        .order((progress_facts::counted_on, progress_facts::subject_id))
        .limit(limit)
        .offset(offset)
        .select((
            progress_facts::subject_id,
            progress_facts::counted_on,
            progress_facts::commune_id,
            progress_facts::household_status,
            progress_facts::minority,
            progress_facts::gender,
            progress_facts::country,
            progress_facts::record_id,
        ))
        .load(connection)?;
    let household_kind = matches!(fact_key, key::TARGET_HOUSEHOLD | key::COVERED_HOUSEHOLD);
    let ids: Vec<&String> = rows.iter().map(|row| &row.0).collect();
    let names: HashMap<String, String> = if household_kind {
        models::households::head_names(connection, &ids)?
    } else {
        models::workers::full_names(connection, &ids)?
    };
    let records = rows
        .into_iter()
        .map(
            |(
                id,
                counted_on,
                commune_id,
                household_status,
                minority,
                gender,
                country,
                record_id,
            )| {
                let commune = units.get(&commune_id);
                Record {
                    kind: if household_kind {
                        "household"
                    } else {
                        "worker"
                    }
                    .to_owned(),
                    name: names.get(&id).cloned().unwrap_or_default(),
                    id,
                    commune_code: commune.map(|unit| unit.code.clone()).unwrap_or_default(),
                    commune: commune.map(|unit| unit.name.clone()).unwrap_or_default(),
                    district: district_of(units, &commune_id).map(|unit| unit.name.clone()),
                    counted_on,
                    household_status,
                    minority,
                    gender,
                    country,
                    record_id,
                }
            },
        )
        .collect();
    Ok(RecordPage {
        key: target_key.to_owned(),
        total,
        limit,
        offset,
        records,
    })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutreachHousehold {
    pub household_id: String,
    pub code: String,
    pub head_name: String,
    pub status: String,
    pub commune_code: String,
    pub commune: String,
    pub members: i32,
    /// Members registered as workers.
    pub registered: i64,
    /// Registered members with a confirmed placement in the period.
    pub placed: i64,
    /// Why the household is not covered yet: `not_registered` (no member registered),
    /// `not_placed` (registered, none placed) or `not_confirmed` (placed, not yet confirmed at
    /// a follow-up ≥ 6 months).
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutreachPage {
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub households: Vec<OutreachHousehold>,
}

diesel::alias!(progress_facts as covered: CoveredFacts);

/// Poor and near-poor households with no member in sustainable employment from a placement of
/// the period, by commune then household code.
pub fn outreach(
    connection: &mut DbConn,
    period: &str,
    communes: Option<&HashSet<String>>,
    units: &HashMap<String, Unit>,
    limit: i64,
    offset: i64,
) -> Result<OutreachPage, AppError> {
    let filtered = || {
        let mut query = progress_facts::table
            .left_join(
                covered.on(covered
                    .field(progress_facts::subject_id)
                    .eq(progress_facts::subject_id)
                    .and(
                        covered
                            .field(progress_facts::period_code)
                            .eq(progress_facts::period_code),
                    )
                    .and(
                        covered
                            .field(progress_facts::key)
                            .eq(key::COVERED_HOUSEHOLD),
                    )),
            )
            .filter(progress_facts::period_code.eq(period.to_owned()))
            .filter(progress_facts::key.eq(key::TARGET_HOUSEHOLD))
            .filter(covered.field(progress_facts::subject_id).is_null())
            .into_boxed();
        if let Some(communes) = communes {
            query = query.filter(
                progress_facts::commune_id.eq_any(communes.iter().cloned().collect::<Vec<_>>()),
            );
        }
        query
    };
    let total: i64 = filtered().count().get_result(connection)?;
    let ids: Vec<String> = filtered()
        .order((progress_facts::commune_id, progress_facts::subject_id))
        .limit(limit)
        .offset(offset)
        .select(progress_facts::subject_id)
        .load(connection)?;
    let found = models::households::outreach_rows(connection, &ids)?;
    let by_household = member_counts(connection, period, &ids)?;
    let mut rows: HashMap<String, (String, String, String, String, i32)> = found
        .into_iter()
        .map(|(id, code, head, status, commune, members)| {
            (id, (code, head, status, commune, members))
        })
        .collect();
    let households = ids
        .into_iter()
        .filter_map(|id| {
            let (code, head_name, status, commune_id, members) = rows.remove(&id)?;
            let (registered, placed) = by_household.get(&id).copied().unwrap_or_default();
            let reason = if registered == 0 {
                "not_registered"
            } else if placed == 0 {
                "not_placed"
            } else {
                "not_confirmed"
            };
            let commune = units.get(&commune_id);
            Some(OutreachHousehold {
                household_id: id,
                code,
                head_name,
                status,
                commune_code: commune.map(|unit| unit.code.clone()).unwrap_or_default(),
                commune: commune.map(|unit| unit.name.clone()).unwrap_or_default(),
                members,
                registered,
                placed,
                reason: reason.to_owned(),
            })
        })
        .collect();
    Ok(OutreachPage {
        total,
        limit,
        offset,
        households,
    })
}

/// For each household: its members registered as workers, and those of them with an active
/// placement that started in the period.
fn member_counts(
    connection: &mut DbConn,
    period: &str,
    household_ids: &[String],
) -> Result<HashMap<String, (i64, i64)>, AppError> {
    let members = models::workers::members_of(connection, household_ids)?;
    let member_ids: Vec<&String> = members.iter().map(|(_, id)| id).collect();
    let (starts_on, ends_on) = super::facts::periods(connection)?
        .into_iter()
        .find(|p| p.code == period)
        .map(|p| (p.starts_on, p.ends_on))
        .unwrap_or_default();
    let placed: HashSet<String> =
        models::placements::active_started_between(connection, &member_ids, starts_on, ends_on)?
            .into_iter()
            .collect();
    let mut by_household: HashMap<String, (i64, i64)> = HashMap::new();
    for (household, worker) in &members {
        if let Some(household) = household {
            let entry = by_household.entry(household.clone()).or_default();
            entry.0 += 1;
            if placed.contains(worker) {
                entry.1 += 1;
            }
        }
    }
    Ok(by_household)
}
