//! A selection's count rows summed into the totals and the six breakdowns.

use super::*;

#[derive(Default)]
pub(super) struct Sums {
    /// key → count in the window (events) or to its end (stocks).
    pub(super) totals: HashMap<&'static str, i64>,
    pub(super) connected_target: i64,
    /// Connected from target households, hired in a poor or difficult area.
    pub(super) connected_target_area: i64,
    pub(super) by: [BTreeMap<String, BreakdownRow>; 6],
    /// Connected persons whose work is not a wage job, by kind: (all, from target households).
    pub(super) by_kind: BTreeMap<&'static str, (i64, i64)>,
    /// Poverty-reduction models started in the window that serve the selection.
    pub(super) models_started: i64,
}

fn status_label(status: &str, lang: Lang) -> &'static str {
    match (status, lang) {
        ("poor", Lang::Vi) => "Hộ nghèo",
        ("poor", Lang::En) => "Poor",
        ("near_poor", Lang::Vi) => "Hộ cận nghèo",
        ("near_poor", Lang::En) => "Near-poor",
        ("newly_escaped", Lang::Vi) => "Hộ mới thoát nghèo",
        ("newly_escaped", Lang::En) => "Newly escaped poverty",
        ("not_poor", Lang::Vi) => "Hộ không nghèo",
        ("not_poor", Lang::En) => "Not poor",
        (_, Lang::Vi) => "Không thuộc hộ đã đăng ký",
        (_, Lang::En) => "No registered household",
    }
}

/// A few communes' figures, from their facts: one row per fact.
pub(super) fn rows_from_facts(
    connection: &mut DbConn,
    period: &str,
    communes: &HashSet<String>,
    units: &HashMap<String, Unit>,
) -> QueryResult<Vec<CountRow>> {
    let communes: Vec<&String> = communes.iter().collect();
    let mut rows = Vec::new();
    for chunk in communes.chunks(500) {
        let facts: Vec<(String, NaiveDate, String, String, bool, String, String)> =
            progress_facts::table
                .filter(progress_facts::commune_id.eq_any(chunk))
                .filter(progress_facts::period_code.eq(period))
                .filter(progress_facts::key.ne(key::SUSTAINED))
                .select((
                    progress_facts::key,
                    progress_facts::counted_on,
                    progress_facts::commune_id,
                    progress_facts::household_status,
                    progress_facts::minority,
                    progress_facts::gender,
                    progress_facts::country,
                ))
                .load(connection)?;
        rows.extend(facts.into_iter().map(
            |(key, day, commune, household_status, minority, gender, country)| {
                CountRow {
                    period_code: period.to_owned(),
                    key,
                    half_year: half_year(day),
                    district_id: district_of(units, &commune)
                        .map(|unit| unit.id.clone())
                        .unwrap_or_default(),
                    household_status,
                    minority,
                    gender,
                    country,
                    n: 1,
                }
            },
        ));
    }
    Ok(rows)
}

impl Sums {
    /// Adds one count row to the totals and breakdowns, if it falls in the window's half-years
    /// `(first, last)`.
    pub(super) fn add(
        &mut self,
        row: CountRow,
        (first, last): (i32, i32),
        units: &HashMap<String, Unit>,
        lang: Lang,
    ) {
        let CountRow {
            key: fact_key,
            half_year: half,
            district_id,
            household_status: status,
            minority,
            gender,
            country,
            n,
            ..
        } = row;
        let stock_or_state = matches!(
            fact_key.as_str(),
            key::TARGET_WORKER
                | key::COUNSELLED
                | key::TARGET_HOUSEHOLD
                | key::COVERED_HOUSEHOLD
                | key::AREA_WORKER
                | key::AREA_TRAINED
                | key::AREA_CERTIFIED
        );
        let inside = if stock_or_state {
            half <= last
        } else {
            first <= half && half <= last
        };
        if !inside {
            return;
        }
        if let Some((kind, _)) = key::CONNECTED_BY_KIND
            .iter()
            .find(|(_, kind_key)| *kind_key == fact_key)
        {
            let entry = self.by_kind.entry(kind).or_default();
            entry.0 += n;
            if TARGET_STATUSES.contains(&status.as_str()) {
                entry.1 += n;
            }
            return;
        }
        let Some(counted) = [
            key::CONNECTED,
            key::TRAINED,
            key::OVERSEAS,
            key::SUSTAINED,
            key::TARGET_WORKER,
            key::COUNSELLED,
            key::TARGET_HOUSEHOLD,
            key::COVERED_HOUSEHOLD,
            key::CONNECTED_AREA,
            key::AREA_WORKER,
            key::AREA_TRAINED,
            key::AREA_CERTIFIED,
        ]
        .into_iter()
        .find(|known| *known == fact_key) else {
            return;
        };
        *self.totals.entry(counted).or_default() += n;
        let target = TARGET_STATUSES.contains(&status.as_str());
        if counted == key::CONNECTED && target {
            self.connected_target += n;
        }
        if counted == key::CONNECTED_AREA && target {
            self.connected_target_area += n;
        }
        // The area facts feed their rates only, not the breakdowns of the persons targets.
        if matches!(
            counted,
            key::CONNECTED_AREA | key::AREA_WORKER | key::AREA_TRAINED | key::AREA_CERTIFIED
        ) {
            return;
        }
        let dimensions = dimensions(
            half,
            units.get(&district_id),
            &status,
            minority,
            &gender,
            &country,
            lang,
        );
        for (index, (value, label)) in dimensions.into_iter().enumerate() {
            // Stocks have no year of their own: the year breakdown shows events only.
            if index == 0 && stock_or_state {
                continue;
            }
            let row = self.by[index]
                .entry(value.clone())
                .or_insert_with(|| BreakdownRow {
                    value,
                    label,
                    ..BreakdownRow::default()
                });
            match counted {
                key::CONNECTED => {
                    row.connected_workers += n;
                    if target {
                        row.connected_target += n;
                    }
                }
                key::TRAINED => row.trained_poor_districts += n,
                key::OVERSEAS => row.overseas_contract += n,
                key::TARGET_HOUSEHOLD => row.target_households += n,
                key::COVERED_HOUSEHOLD => row.covered_households += n,
                _ => {}
            }
        }
    }
}

/// The six breakdowns a count row falls in, as `(value, label)`: year, district, household
/// status, ethnicity, gender, country.
fn dimensions(
    half: i32,
    district: Option<&Unit>,
    status: &str,
    minority: bool,
    gender: &str,
    country: &str,
    lang: Lang,
) -> [(String, String); 6] {
    [
        ((half / 10).to_string(), (half / 10).to_string()),
        match district {
            Some(unit) => (unit.code.clone(), unit.name.clone()),
            None => (
                String::new(),
                match lang {
                    Lang::Vi => "Xã, phường từ 01/7/2025 (không cấp huyện)".to_owned(),
                    Lang::En => "Communes from 1 July 2025 (no district level)".to_owned(),
                },
            ),
        },
        (status.to_owned(), status_label(status, lang).to_owned()),
        match (minority, lang) {
            (true, Lang::Vi) => ("minority".to_owned(), "Dân tộc thiểu số".to_owned()),
            (true, Lang::En) => ("minority".to_owned(), "Ethnic minority".to_owned()),
            (false, Lang::Vi) => ("kinh".to_owned(), "Kinh".to_owned()),
            (false, Lang::En) => ("kinh".to_owned(), "Kinh".to_owned()),
        },
        (
            gender.to_owned(),
            match (gender, lang) {
                ("male", Lang::Vi) => "Nam",
                ("female", Lang::Vi) => "Nữ",
                ("male", Lang::En) => "Male",
                ("female", Lang::En) => "Female",
                (_, Lang::Vi) => "Hộ gia đình",
                (_, Lang::En) => "Households",
            }
            .to_owned(),
        ),
        if country.is_empty() {
            (
                String::new(),
                match lang {
                    Lang::Vi => "Trong nước",
                    Lang::En => "In Vietnam",
                }
                .to_owned(),
            )
        } else {
            (country.to_owned(), country.to_owned())
        },
    ]
}
