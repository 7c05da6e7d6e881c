//! What the rules read: a worker's or a household's inputs, loaded from their rows.

use super::*;

/// The programme periods, earliest first.
pub fn periods(connection: &mut DbConn) -> QueryResult<Vec<Period>> {
    programme_periods::table
        .order(programme_periods::starts_on)
        .select((
            programme_periods::code,
            programme_periods::starts_on,
            programme_periods::ends_on,
            programme_periods::connected_kinds,
        ))
        .load(connection)
}

/// Whether nothing is counted yet (a new database, or a migration that changed the rules).
pub fn none_counted(connection: &mut DbConn) -> QueryResult<bool> {
    let any: Option<String> = progress_facts::table
        .select(progress_facts::key)
        .first(connection)
        .optional()?;
    Ok(any.is_none())
}

/// Whether a commune lies in a poor area: flagged itself, or its district is.
pub fn poor_area(connection: &mut DbConn, commune_id: &str) -> QueryResult<bool> {
    Ok(area_flags(connection, commune_id)?.0)
}

/// Whether a commune lies in a poor or a difficult area ("ở vùng nghèo, vùng khó khăn"):
/// either flag on the commune or on its district. A placement snapshots this.
pub fn poor_or_difficult_area(connection: &mut DbConn, commune_id: &str) -> QueryResult<bool> {
    let (poor, difficult) = area_flags(connection, commune_id)?;
    Ok(poor || difficult)
}

/// The poor-area and difficult-area flags of a commune, each set on it or on its district.
fn area_flags(connection: &mut DbConn, commune_id: &str) -> QueryResult<(bool, bool)> {
    let (_, poor, difficult) = crate::models::admin_units::kind_and_areas(connection, commune_id)?
        .ok_or(diesel::result::Error::NotFound)?;
    Ok((poor, difficult))
}

/// The district a commune belongs to, or `""` when its parent is not a district.
pub(super) fn district_id_of(connection: &mut DbConn, commune_id: &str) -> QueryResult<String> {
    let parent: Option<String> = admin_units::table
        .find(commune_id)
        .select(admin_units::parent_id)
        .first(connection)
        .optional()?
        .flatten();
    let Some(parent) = parent else {
        return Ok(String::new());
    };
    let kind: String = admin_units::table
        .find(&parent)
        .select(admin_units::kind)
        .first(connection)?;
    Ok(if kind == "district" {
        parent
    } else {
        String::new()
    })
}

/// Every commune's district (`""` for none).
pub fn districts_by_commune(connection: &mut DbConn) -> QueryResult<HashMap<String, String>> {
    let units: Vec<(String, String, Option<String>)> = admin_units::table
        .select((admin_units::id, admin_units::kind, admin_units::parent_id))
        .load(connection)?;
    let districts: HashSet<&str> = units
        .iter()
        .filter(|(_, kind, _)| kind == "district")
        .map(|(id, _, _)| id.as_str())
        .collect();
    Ok(units
        .iter()
        .map(|(id, _, parent)| {
            let district = parent
                .as_deref()
                .filter(|parent| districts.contains(parent))
                .unwrap_or_default();
            (id.clone(), district.to_owned())
        })
        .collect())
}

pub(super) fn is_minority(connection: &mut DbConn, ethnicity: &str) -> QueryResult<bool> {
    Ok(ethnic_groups::table
        .find(ethnicity)
        .select(ethnic_groups::is_minority)
        .first(connection)
        .optional()?
        .unwrap_or(false))
}

pub(super) type WorkerRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

pub(super) fn worker_columns() -> (
    workers::id,
    workers::gender,
    workers::ethnicity_code,
    workers::household_id,
    workers::commune_id,
    workers::created_at,
    workers::archived_at,
) {
    (
        workers::id,
        workers::gender,
        workers::ethnicity_code,
        workers::household_id,
        workers::commune_id,
        workers::created_at,
        workers::archived_at,
    )
}

/// The columns of a [`PlacementIn`], in its order.
pub(super) type PlacementColumns = (
    placements::id,
    placements::referral_id,
    placements::start_date,
    diesel::dsl::Eq<placements::status, &'static str>,
    placements::country,
    placements::household_status_snapshot,
    placements::commune_id_snapshot,
    placements::poor_area_snapshot,
    placements::kind,
);

pub(super) fn placement_columns() -> PlacementColumns {
    (
        placements::id,
        placements::referral_id,
        placements::start_date,
        placements::status.eq("active"),
        placements::country,
        placements::household_status_snapshot,
        placements::commune_id_snapshot,
        placements::poor_area_snapshot,
        placements::kind,
    )
}

/// Follow-ups ≥ 6 months that confirmed these placements still employed.
pub(super) fn confirmations_of(
    connection: &mut DbConn,
    placement_ids: &[&str],
) -> QueryResult<Vec<(String, String, NaiveDate)>> {
    if placement_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Only the placement filter in SQL: given an outcome, SQLite (without statistics) would
    // rather scan every confirmed follow-up of the province through the `(outcome, due_on)`
    // index than look up these placements' three follow-ups each.
    let rows: Vec<(String, String, i32, String, Option<NaiveDate>)> = follow_ups::table
        .filter(follow_ups::placement_id.eq_any(placement_ids))
        .select((
            follow_ups::id,
            follow_ups::placement_id,
            follow_ups::months_after_start,
            follow_ups::outcome,
            follow_ups::recorded_on,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, months, outcome, _)| *months >= 6 && outcome == "still_employed")
        .filter_map(|(id, placement, _, _, day)| Some((id, placement, day?)))
        .collect())
}

/// Reads one worker's inputs.
pub(super) fn load_worker(
    connection: &mut DbConn,
    worker_id: &str,
) -> QueryResult<Option<WorkerIn>> {
    let Some(row): Option<WorkerRow> = workers::table
        .find(worker_id)
        .select(worker_columns())
        .first(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let (id, gender, ethnicity, household_id, commune_id, created_at, archived_at) = row;
    let household_status = match &household_id {
        Some(household) => households::table
            .find(household)
            .filter(households::archived_at.is_null())
            .select(households::status)
            .first(connection)
            .optional()?,
        None => None,
    };
    let placements = placements::table
        .filter(placements::worker_id.eq(&id))
        .select(placement_columns())
        .load(connection)?;
    let departures = overseas_stages::table
        .inner_join(referrals::table)
        .filter(referrals::worker_id.eq(&id))
        .filter(overseas_stages::stage.eq("departure"))
        .select((overseas_stages::referral_id, overseas_stages::reached_on))
        .load(connection)?;
    // By placement id, so the (placement, months) index is used whatever the planner knows.
    let placement_ids: Vec<&str> = placements
        .iter()
        .map(|p: &PlacementIn| p.id.as_str())
        .collect();
    let confirmations = confirmations_of(connection, &placement_ids)?;
    let completed: Vec<(String, Option<NaiveDate>, String, String)> = enrollments::table
        .filter(enrollments::worker_id.eq(&id))
        .filter(enrollments::completed_on.is_not_null())
        .select((
            enrollments::id,
            enrollments::completed_on,
            enrollments::commune_id_at_enrolment,
            enrollments::status,
        ))
        .load(connection)?;
    let mut completions = Vec::with_capacity(completed.len());
    for (enrollment, day, commune, status) in completed {
        let poor = poor_area(connection, &commune)?;
        if let Some(day) = day {
            completions.push(Completion {
                id: enrollment,
                day,
                commune,
                poor_area: poor,
                certified: status == EnrollmentStatus::Certified.as_str(),
            });
        }
    }
    let mut services: Vec<(String, NaiveDate)> = service_records::table
        .filter(service_records::worker_id.eq(&id))
        .select((service_records::id, service_records::provided_on))
        .load(connection)?;
    let referred: Vec<(String, NaiveDateTime)> = referrals::table
        .filter(referrals::worker_id.eq(&id))
        .select((referrals::id, referrals::created_at))
        .load(connection)?;
    services.extend(referred.into_iter().map(|(id, at)| (id, at.date())));
    Ok(Some(WorkerIn {
        minority: is_minority(connection, &ethnicity)?,
        in_area: poor_or_difficult_area(connection, &commune_id)?,
        id,
        gender,
        commune_id,
        registered_on: created_at.date(),
        archived: archived_at.is_some(),
        household_status,
        placements,
        departures,
        confirmations,
        completions,
        services,
    }))
}

pub(super) type HouseholdRow = (
    String,
    String,
    Option<NaiveDateTime>,
    String,
    String,
    NaiveDateTime,
);

pub(super) fn household_columns() -> (
    households::id,
    households::status,
    households::archived_at,
    households::commune_id,
    households::ethnicity_code,
    households::created_at,
) {
    (
        households::id,
        households::status,
        households::archived_at,
        households::commune_id,
        households::ethnicity_code,
        households::created_at,
    )
}

pub(super) fn household_in(
    row: HouseholdRow,
    minority: bool,
    sustained: Vec<(String, NaiveDate, String)>,
) -> HouseholdIn {
    let (id, status, archived_at, commune_id, _, created_at) = row;
    HouseholdIn {
        id,
        status,
        archived: archived_at.is_some(),
        commune_id,
        minority,
        registered_on: created_at.date(),
        sustained,
    }
}

pub(super) fn load_household(
    connection: &mut DbConn,
    household_id: &str,
) -> QueryResult<Option<HouseholdIn>> {
    let Some(row): Option<HouseholdRow> = households::table
        .find(household_id)
        .select(household_columns())
        .first(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let members: Vec<String> = workers::table
        .filter(workers::household_id.eq(household_id))
        .filter(workers::archived_at.is_null())
        .select(workers::id)
        .load(connection)?;
    let sustained = if members.is_empty() {
        Vec::new()
    } else {
        progress_facts::table
            .filter(progress_facts::key.eq(key::SUSTAINED))
            .filter(progress_facts::subject_id.eq_any(&members))
            .select((
                progress_facts::period_code,
                progress_facts::counted_on,
                progress_facts::subject_id,
            ))
            .load(connection)?
    };
    let minority = is_minority(connection, &row.4)?;
    Ok(Some(household_in(row, minority, sustained)))
}
