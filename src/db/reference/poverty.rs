//! The poverty standards, their indicators and the programme's periods and targets, read from the reference files.

use super::*;

#[derive(Deserialize)]
pub(super) struct ThresholdRow {
    pub(super) period: String,
    pub(super) legal_basis: String,
    pub(super) area: String,
    pub(super) poor_income_max_vnd_per_person_month: i64,
    pub(super) poor_rule: String,
}

#[derive(Insertable)]
#[diesel(table_name = poverty_standards)]
pub(super) struct NewPovertyStandard {
    pub(super) id: String,
    pub(super) legal_basis: String,
    pub(super) valid_from: NaiveDate,
    pub(super) valid_to: Option<NaiveDate>,
    pub(super) rural_income_line_vnd: i64,
    pub(super) urban_income_line_vnd: i64,
    pub(super) poor_min_deprivations: i32,
}

#[derive(Deserialize)]
pub(super) struct IndicatorRow {
    pub(super) dimension_vi: String,
    pub(super) dimension_en: String,
    pub(super) indicator_no: u32,
    pub(super) indicator_vi: String,
    pub(super) indicator_en: String,
    #[serde(rename = "status_in_2027_2030_standard_(draft, likely)")]
    pub(super) status_2027_2030: String,
}

#[derive(Deserialize)]
pub(super) struct IndicatorKeyRow {
    pub(super) indicator_no: u32,
    pub(super) key: String,
}

#[derive(Insertable)]
#[diesel(table_name = poverty_indicators)]
pub(super) struct NewIndicator {
    pub(super) key: String,
    pub(super) dimension_vi: String,
    pub(super) dimension_en: String,
    pub(super) name_vi: String,
    pub(super) name_en: String,
}

#[derive(Insertable)]
#[diesel(table_name = poverty_standard_indicators)]
pub(super) struct NewStandardIndicator {
    pub(super) standard_id: String,
    pub(super) indicator_key: String,
    pub(super) position: i32,
}

/// `2022-2025 (extended to 31/12/2026)` → (`2022-2025`, 2022-01-01, 2026-12-31).
pub(super) fn standard_period(
    period: &str,
) -> Result<(String, NaiveDate, NaiveDate), ReferenceError> {
    let file = "poverty_thresholds.csv";
    let bad = || ReferenceError::Content {
        file,
        message: format!("period `{period}`"),
    };
    let id: String = period
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    let (first, last) = id.split_once('-').ok_or_else(bad)?;
    let first: i32 = first.parse().map_err(|_| bad())?;
    let mut last: i32 = last.parse().map_err(|_| bad())?;
    if let Some(extended) = period.split("extended to ").nth(1) {
        // "31/12/2026)": the standard stays in force until the end of that year.
        let year: String = extended
            .chars()
            .filter(char::is_ascii_digit)
            .skip(4)
            .take(4)
            .collect();
        last = year.parse().map_err(|_| bad())?;
    }
    let from = NaiveDate::from_ymd_opt(first, 1, 1).ok_or_else(bad)?;
    let to = NaiveDate::from_ymd_opt(last, 12, 31).ok_or_else(bad)?;
    Ok((id, from, to))
}

/// "income <= 1,500,000 AND deprived in >= 3 of 12 indicators" → 3.
pub(super) fn poor_min_deprivations(rule: &str) -> Option<i32> {
    let after = rule.split("deprived in >= ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

/// The poverty standards with their indicators.
pub(super) struct PovertyRows {
    pub(super) standards: Vec<NewPovertyStandard>,
    pub(super) indicators: Vec<NewIndicator>,
    pub(super) links: Vec<NewStandardIndicator>,
}

pub(super) fn poverty_rows() -> Result<PovertyRows, ReferenceError> {
    let file = "poverty_thresholds.csv";
    let mut standards: Vec<NewPovertyStandard> = Vec::new();
    for row in rows::<ThresholdRow>(file, POVERTY_THRESHOLDS)? {
        let (id, valid_from, valid_to) = standard_period(&row.period)?;
        let min_deprivations =
            poor_min_deprivations(&row.poor_rule).ok_or_else(|| ReferenceError::Content {
                file,
                message: format!("rule `{}`", row.poor_rule),
            })?;
        let standard = match standards.iter_mut().find(|standard| standard.id == id) {
            Some(standard) => standard,
            None => {
                standards.push(NewPovertyStandard {
                    id,
                    legal_basis: row.legal_basis.clone(),
                    valid_from,
                    valid_to: Some(valid_to),
                    rural_income_line_vnd: 0,
                    urban_income_line_vnd: 0,
                    poor_min_deprivations: min_deprivations,
                });
                let last = standards.len() - 1;
                &mut standards[last]
            }
        };
        if row.area.starts_with("rural") {
            standard.rural_income_line_vnd = row.poor_income_max_vnd_per_person_month;
        } else if row.area.starts_with("urban") {
            standard.urban_income_line_vnd = row.poor_income_max_vnd_per_person_month;
        } else {
            return Err(ReferenceError::Content {
                file,
                message: format!("area `{}`", row.area),
            });
        }
    }
    let keys: Vec<IndicatorKeyRow> = rows("poverty_indicator_keys.csv", POVERTY_INDICATOR_KEYS)?;
    let key_of = |number: u32| {
        keys.iter()
            .find(|key| key.indicator_no == number)
            .map(|key| key.key.clone())
            .ok_or_else(|| ReferenceError::Content {
                file: "poverty_indicator_keys.csv",
                message: format!("no key for indicator {number}"),
            })
    };
    let mut indicators = Vec::new();
    let mut links = Vec::new();
    for row in rows::<IndicatorRow>("poverty_indicators_2022_2025.csv", POVERTY_INDICATORS)? {
        let key = key_of(row.indicator_no)?;
        let position = i32::try_from(row.indicator_no).unwrap_or(i32::MAX);
        // Indicators 1–12 are the 2022–2025 standard; the last column says which the
        // 2027–2030 draft keeps ("kept…"), drops ("NOT in…") or adds ("NEW…").
        let in_2022_2025 = !row.status_2027_2030.starts_with("NEW");
        let in_2027_2030 = !row.status_2027_2030.starts_with("NOT");
        for (standard_id, member) in [("2022-2025", in_2022_2025), ("2027-2030", in_2027_2030)] {
            if member && standards.iter().any(|standard| standard.id == standard_id) {
                links.push(NewStandardIndicator {
                    standard_id: standard_id.to_owned(),
                    indicator_key: key.clone(),
                    position,
                });
            }
        }
        indicators.push(NewIndicator {
            key,
            dimension_vi: row.dimension_vi,
            dimension_en: row.dimension_en,
            name_vi: row.indicator_vi,
            name_en: row.indicator_en,
        });
    }
    Ok(PovertyRows {
        standards,
        indicators,
        links,
    })
}

#[derive(Deserialize)]
pub(super) struct TargetRow {
    pub(super) period_code: String,
    pub(super) starts_on: String,
    pub(super) ends_on: String,
    pub(super) plan_reference: String,
    pub(super) period_name_vi: String,
    pub(super) period_name_en: String,
    pub(super) key: String,
    pub(super) target_value: f64,
    pub(super) unit: String,
    pub(super) comparison: String,
    pub(super) description_vi: String,
    pub(super) description_en: String,
    pub(super) source: String,
}

#[derive(Insertable)]
#[diesel(table_name = programme_periods)]
pub(super) struct NewPeriod {
    pub(super) code: String,
    pub(super) starts_on: NaiveDate,
    pub(super) ends_on: NaiveDate,
    pub(super) plan_reference: String,
    pub(super) name_vi: String,
    pub(super) name_en: String,
}

#[derive(Insertable)]
#[diesel(table_name = programme_targets)]
pub(super) struct NewTarget {
    pub(super) period_code: String,
    pub(super) key: String,
    pub(super) unit_code: String,
    pub(super) target_value: f64,
    pub(super) unit: String,
    pub(super) comparison: String,
    pub(super) description_vi: String,
    pub(super) description_en: String,
    pub(super) source: String,
}
