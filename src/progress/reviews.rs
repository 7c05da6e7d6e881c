//! The poor-household rate of each review year, from `review_counts`: the households reviewed
//! in a year counted by commune, ethnic minority and the status the review found. A household's
//! reviews leave the counts before its row or reviews change and join them again after, so the
//! counts always equal a count of the live households' reviews.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::figures::{Unit, district_of};
use crate::db::DbConn;
use crate::db::schema::{ethnic_groups, household_reviews, households, review_counts};

/// One review as the counts see it: `(year, commune, minority, status)`.
type Counted = (i32, String, bool, String);

fn live_reviews(connection: &mut DbConn, household_ids: &[String]) -> QueryResult<Vec<Counted>> {
    let mut found = Vec::new();
    for chunk in household_ids.chunks(500) {
        found.extend(
            household_reviews::table
                .inner_join(households::table)
                .inner_join(
                    ethnic_groups::table.on(ethnic_groups::code.eq(households::ethnicity_code)),
                )
                .filter(household_reviews::household_id.eq_any(chunk))
                .filter(households::archived_at.is_null())
                .select((
                    household_reviews::year,
                    households::commune_id,
                    ethnic_groups::is_minority,
                    household_reviews::status,
                ))
                .load::<Counted>(connection)?,
        );
    }
    Ok(found)
}

fn shift(connection: &mut DbConn, counted: Vec<Counted>, by: i64) -> QueryResult<()> {
    let mut buckets: BTreeMap<Counted, i64> = BTreeMap::new();
    for review in counted {
        *buckets.entry(review).or_default() += by;
    }
    for ((year, commune_id, minority, status), n) in buckets {
        let bucket = review_counts::table
            .filter(review_counts::year.eq(year))
            .filter(review_counts::commune_id.eq(&commune_id))
            .filter(review_counts::minority.eq(minority))
            .filter(review_counts::status.eq(&status));
        let changed = diesel::update(bucket)
            .set(review_counts::n.eq(review_counts::n + n))
            .execute(connection)?;
        if changed == 0 {
            diesel::insert_into(review_counts::table)
                .values((
                    review_counts::year.eq(year),
                    review_counts::commune_id.eq(&commune_id),
                    review_counts::minority.eq(minority),
                    review_counts::status.eq(&status),
                    review_counts::n.eq(n),
                ))
                .execute(connection)?;
        }
    }
    Ok(())
}

/// Before households or their reviews change: their reviews leave the counts.
pub fn forget(connection: &mut DbConn, household_ids: &[String]) -> QueryResult<()> {
    let counted = live_reviews(connection, household_ids)?;
    shift(connection, counted, -1)
}

/// After households or their reviews changed: their reviews (of live households) join the counts.
pub fn count(connection: &mut DbConn, household_ids: &[String]) -> QueryResult<()> {
    let counted = live_reviews(connection, household_ids)?;
    shift(connection, counted, 1)
}

/// Counts every live household's reviews again from the rows.
pub fn rebuild(connection: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(review_counts::table).execute(connection)?;
    diesel::sql_query(
        "INSERT INTO review_counts (year, commune_id, minority, status, n) \
         SELECT r.year, h.commune_id, e.is_minority, r.status, count(*) \
         FROM household_reviews r \
         JOIN households h ON h.id = r.household_id \
         JOIN ethnic_groups e ON e.code = h.ethnicity_code \
         WHERE h.archived_at IS NULL \
         GROUP BY r.year, h.commune_id, e.is_minority, r.status",
    )
    .execute(connection)
}

/// The poor-household rate of one review year for one group of households.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct YearRate {
    pub year: i32,
    /// Households reviewed that year.
    pub reviewed: i64,
    /// Of them, found poor.
    pub poor: i64,
    /// `poor / reviewed × 100`, two decimals.
    pub rate: f64,
}

/// The rates of each review year, for the province's (or a selection's) households, its
/// ethnic-minority households and those of poor districts.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Rates {
    pub all: Vec<YearRate>,
    pub minority: Vec<YearRate>,
    pub poor_districts: Vec<YearRate>,
}

impl YearRate {
    fn add(&mut self, status: &str, n: i64) {
        self.reviewed += n;
        if status == "poor" {
            self.poor += n;
        }
    }
}

/// The yearly rates of the households of `communes` (every commune when `None`), for the
/// review years `first..=last`.
pub fn rates(
    connection: &mut DbConn,
    communes: Option<&HashSet<String>>,
    units: &HashMap<String, Unit>,
    (first, last): (i32, i32),
) -> QueryResult<Rates> {
    let rows: Vec<(i32, String, bool, String, i64)> = review_counts::table
        .filter(review_counts::year.between(first, last))
        .filter(review_counts::n.gt(0))
        .select((
            review_counts::year,
            review_counts::commune_id,
            review_counts::minority,
            review_counts::status,
            review_counts::n,
        ))
        .load(connection)?;
    let mut groups: [BTreeMap<i32, YearRate>; 3] = Default::default();
    for (year, commune, minority, status, n) in rows {
        if communes.is_some_and(|communes| !communes.contains(&commune)) {
            continue;
        }
        let poor_district = units.get(&commune).is_some_and(|unit| unit.poor_area)
            || district_of(units, &commune).is_some_and(|district| district.poor_area);
        for (index, member) in [true, minority, poor_district].into_iter().enumerate() {
            if member {
                groups[index]
                    .entry(year)
                    .or_insert_with(|| YearRate {
                        year,
                        ..YearRate::default()
                    })
                    .add(&status, n);
            }
        }
    }
    let [all, minority, poor_districts] = groups.map(|years| {
        years
            .into_values()
            .map(|mut rate| {
                rate.rate = if rate.reviewed > 0 {
                    (rate.poor as f64 * 10_000.0 / rate.reviewed as f64).round() / 100.0
                } else {
                    0.0
                };
                rate
            })
            .collect()
    });
    Ok(Rates {
        all,
        minority,
        poor_districts,
    })
}

/// The average yearly fall of a rate, in points, from the last year before the window (its
/// baseline) to the window's last reviewed year; `None` without two years to compare.
pub fn yearly_fall(rates: &[YearRate], first_year: i32) -> Option<(f64, i32, i32)> {
    let baseline = rates
        .iter()
        .filter(|rate| rate.year < first_year)
        .max_by_key(|rate| rate.year)
        .or_else(|| rates.first())?;
    let latest = rates.last()?;
    if latest.year <= baseline.year {
        return None;
    }
    let years = f64::from(latest.year - baseline.year);
    let fall = ((baseline.rate - latest.rate) / years * 100.0).round() / 100.0;
    Some((fall, baseline.year, latest.year))
}

/// A household behind a rate: id, head's name, commune id, ethnic minority.
pub type PoorHousehold = (String, String, String, bool);

/// The households behind a poor-household rate's numerator: those of `communes` (every commune
/// when `None`) found poor at their review of `year`, ethnic-minority ones only when `minority`;
/// `(total, one page of (household id, head's name, commune id, minority))`.
pub fn poor_in(
    connection: &mut DbConn,
    year: i32,
    communes: Option<Vec<String>>,
    minority: bool,
    (limit, offset): (i64, i64),
) -> QueryResult<(i64, Vec<PoorHousehold>)> {
    let filtered = || {
        let mut query = household_reviews::table
            .inner_join(households::table)
            .inner_join(ethnic_groups::table.on(ethnic_groups::code.eq(households::ethnicity_code)))
            .filter(household_reviews::year.eq(year))
            .filter(household_reviews::status.eq("poor"))
            .filter(households::archived_at.is_null())
            .into_boxed();
        if let Some(communes) = &communes {
            query = query.filter(households::commune_id.eq_any(communes.clone()));
        }
        if minority {
            query = query.filter(ethnic_groups::is_minority.eq(true));
        }
        query
    };
    let total = filtered().count().get_result(connection)?;
    let page = filtered()
        .order(households::id)
        .limit(limit)
        .offset(offset)
        .select((
            households::id,
            households::head_name,
            households::commune_id,
            ethnic_groups::is_minority,
        ))
        .load(connection)?;
    Ok((total, page))
}
