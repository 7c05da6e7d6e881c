//! The rebuild: every fact derived from scratch, both tables replaced in one transaction.

use super::*;

/// How many workers and households a rebuild read, and the facts it wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rebuilt {
    pub workers: u64,
    pub households: u64,
    pub facts: u64,
}

pub(super) const CHUNK: i64 = 5_000;

/// Derives every fact from scratch, replacing both tables in one transaction. `progress` is
/// told how many subjects are done.
pub fn rebuild(connection: &mut DbConn, progress: &mut dyn FnMut(u64)) -> QueryResult<Rebuilt> {
    // The chunks read rows by worker through indexes, all over the file: map it rather than
    // copy every page through read calls.
    match connection {
        DbConn::Sqlite(sqlite) => diesel::connection::SimpleConnection::batch_execute(
            sqlite,
            "PRAGMA mmap_size = 2147418112;",
        )?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {}
    }
    connection.write_transaction(|connection| {
        diesel::delete(progress_counts::table).execute(connection)?;
        diesel::delete(progress_facts::table).execute(connection)?;
        crate::progress::reviews::rebuild(connection)?;
        let periods = periods(connection)?;
        let minorities = minorities(connection)?;
        let areas = area_communes(connection)?;
        let districts = districts_by_commune(connection)?;
        let mut counts: HashMap<Bucket, i64> = HashMap::new();
        let mut done = Rebuilt::default();
        let mut after = String::new();
        loop {
            let rows: Vec<WorkerRow> = workers::table
                .filter(workers::id.gt(&after))
                .order(workers::id)
                .limit(CHUNK)
                .select(worker_columns())
                .load(connection)?;
            let Some(last) = rows.last() else { break };
            let last = last.0.clone();
            let facts = worker_chunk(
                connection,
                rows,
                &after,
                &last,
                &minorities,
                &areas,
                &periods,
            )?;
            done.workers += facts.0;
            write_facts(connection, facts.1, &districts, &mut counts, &mut done)?;
            progress(done.workers);
            after = last;
        }
        let mut after = String::new();
        loop {
            let rows: Vec<HouseholdRow> = households::table
                .filter(households::id.gt(&after))
                .order(households::id)
                .limit(CHUNK)
                .select(household_columns())
                .load(connection)?;
            let Some(last) = rows.last() else { break };
            let last = last.0.clone();
            let facts = household_chunk(connection, rows, &after, &last, &minorities, &periods)?;
            done.households += facts.0;
            write_facts(connection, facts.1, &districts, &mut counts, &mut done)?;
            progress(done.workers + done.households);
            after = last;
        }
        let mut rows: Vec<CountRow> = counts
            .into_iter()
            .map(|(bucket, n)| CountRow::new(bucket, n))
            .collect();
        rows.sort_by(|a, b| {
            (&a.period_code, &a.key, a.half_year).cmp(&(&b.period_code, &b.key, b.half_year))
        });
        for chunk in rows.chunks(1_000) {
            insert_rows!(connection, progress_counts::table, chunk)?;
        }
        Ok(done)
    })
}

pub(super) fn write_facts(
    connection: &mut DbConn,
    facts: Vec<Fact>,
    districts: &HashMap<String, String>,
    counts: &mut HashMap<Bucket, i64>,
    done: &mut Rebuilt,
) -> QueryResult<()> {
    for fact in &facts {
        let district = districts.get(&fact.commune_id).map_or("", String::as_str);
        *counts.entry(Bucket::of(fact, district)).or_default() += 1;
    }
    done.facts += facts.len() as u64;
    // Ten columns a row: well under SQLite's limit of bound parameters per statement.
    for chunk in facts.chunks(2_000) {
        insert_rows!(connection, progress_facts::table, chunk)?;
    }
    Ok(())
}

/// The codes of the ethnic minorities.
pub(super) fn minorities(connection: &mut DbConn) -> QueryResult<HashSet<String>> {
    Ok(ethnic_groups::table
        .filter(ethnic_groups::is_minority.eq(true))
        .select(ethnic_groups::code)
        .load::<String>(connection)?
        .into_iter()
        .collect())
}

/// Communes in a poor area, and those in a poor or a difficult one (flagged themselves or by
/// their district).
pub(super) struct AreaCommunes {
    pub(super) poor: HashSet<String>,
    pub(super) poor_or_difficult: HashSet<String>,
}

pub(super) fn area_communes(connection: &mut DbConn) -> QueryResult<AreaCommunes> {
    let units: Vec<(String, bool, bool, Option<String>)> = admin_units::table
        .select((
            admin_units::id,
            admin_units::poor_area,
            admin_units::difficult_area,
            admin_units::parent_id,
        ))
        .load(connection)?;
    let within = |flagged: &dyn Fn(bool, bool) -> bool| -> HashSet<String> {
        let marked: HashSet<&str> = units
            .iter()
            .filter(|(_, poor, difficult, _)| flagged(*poor, *difficult))
            .map(|(id, _, _, _)| id.as_str())
            .collect();
        units
            .iter()
            .filter(|(id, _, _, parent)| {
                marked.contains(id.as_str())
                    || parent.as_deref().is_some_and(|p| marked.contains(p))
            })
            .map(|(id, _, _, _)| id.clone())
            .collect()
    };
    Ok(AreaCommunes {
        poor: within(&|poor, _| poor),
        poor_or_difficult: within(&|poor, difficult| poor || difficult),
    })
}

/// The facts of workers with ids in `(after, last]`, read with one query per table.
pub(super) fn worker_chunk(
    connection: &mut DbConn,
    rows: Vec<WorkerRow>,
    after: &str,
    last: &str,
    minorities: &HashSet<String>,
    areas: &AreaCommunes,
    periods: &[Period],
) -> QueryResult<(u64, Vec<Fact>)> {
    let household_ids: Vec<&String> = rows.iter().filter_map(|row| row.3.as_ref()).collect();
    let mut statuses: HashMap<String, String> = HashMap::new();
    for chunk in household_ids.chunks(10_000) {
        let found: Vec<(String, String)> = households::table
            .filter(households::id.eq_any(chunk))
            .filter(households::archived_at.is_null())
            .select((households::id, households::status))
            .load(connection)?;
        statuses.extend(found);
    }
    let mut by_worker: HashMap<String, WorkerIn> = HashMap::with_capacity(rows.len());
    let count = rows.len() as u64;
    for (id, gender, ethnicity, household_id, commune_id, created_at, archived_at) in rows {
        let household_status = household_id.and_then(|h| statuses.get(&h).cloned());
        by_worker.insert(
            id.clone(),
            WorkerIn {
                id,
                gender,
                minority: minorities.contains(&ethnicity),
                in_area: areas.poor_or_difficult.contains(&commune_id),
                commune_id,
                registered_on: created_at.date(),
                archived: archived_at.is_some(),
                household_status,
                ..WorkerIn::default()
            },
        );
    }
    add_placements(connection, &mut by_worker, after, last)?;
    add_training_and_services(connection, &mut by_worker, after, last, &areas.poor)?;
    let facts = by_worker
        .values()
        .flat_map(|worker| worker_facts(worker, periods))
        .collect();
    Ok((count, facts))
}

/// The placements of the workers with ids in `(after, last]`, their departures abroad and
/// their follow-ups confirming employment.
fn add_placements(
    connection: &mut DbConn,
    by_worker: &mut HashMap<String, WorkerIn>,
    after: &str,
    last: &str,
) -> QueryResult<()> {
    let placed: Vec<(String, PlacementIn)> = placements::table
        .filter(placements::worker_id.gt(after))
        .filter(placements::worker_id.le(last))
        .select((placements::worker_id, placement_columns()))
        .load(connection)?;
    let departures: Vec<(String, String, NaiveDate)> = overseas_stages::table
        .inner_join(referrals::table)
        .filter(referrals::worker_id.gt(after))
        .filter(referrals::worker_id.le(last))
        .filter(overseas_stages::stage.eq("departure"))
        .select((
            referrals::worker_id,
            overseas_stages::referral_id,
            overseas_stages::reached_on,
        ))
        .load(connection)?;
    for (worker, referral, day) in departures {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.departures.push((referral, day));
        }
    }
    let owner: HashMap<&str, &str> = placed
        .iter()
        .map(|(worker, placement)| (placement.id.as_str(), worker.as_str()))
        .collect();
    let placement_ids: Vec<&str> = owner.keys().copied().collect();
    let mut confirmations = Vec::new();
    for chunk in placement_ids.chunks(10_000) {
        confirmations.extend(confirmations_of(connection, chunk)?);
    }
    let mut confirmed_by_worker: Vec<(String, (String, String, NaiveDate))> = confirmations
        .into_iter()
        .filter_map(|(id, placement, day)| {
            let worker = owner.get(placement.as_str())?.to_string();
            Some((worker, (id, placement, day)))
        })
        .collect();
    for (worker, placement) in placed {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.placements.push(placement);
        }
    }
    for (worker, confirmation) in confirmed_by_worker.drain(..) {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.confirmations.push(confirmation);
        }
    }
    Ok(())
}

/// The completed courses (poor area or not at enrolment), services and referrals of the
/// workers with ids in `(after, last]`; a referral is a service too.
fn add_training_and_services(
    connection: &mut DbConn,
    by_worker: &mut HashMap<String, WorkerIn>,
    after: &str,
    last: &str,
    poor_communes: &HashSet<String>,
) -> QueryResult<()> {
    let completed: Vec<(String, String, NaiveDate, String, String)> = enrollments::table
        .filter(enrollments::worker_id.gt(after))
        .filter(enrollments::worker_id.le(last))
        .filter(enrollments::completed_on.is_not_null())
        .select((
            enrollments::worker_id,
            enrollments::id,
            enrollments::completed_on.assume_not_null(),
            enrollments::commune_id_at_enrolment,
            enrollments::status,
        ))
        .load(connection)?;
    for (worker, id, day, commune, status) in completed {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.completions.push(Completion {
                id,
                day,
                poor_area: poor_communes.contains(&commune),
                commune,
                certified: status == EnrollmentStatus::Certified.as_str(),
            });
        }
    }
    let services: Vec<(String, String, NaiveDate)> = service_records::table
        .filter(service_records::worker_id.gt(after))
        .filter(service_records::worker_id.le(last))
        .select((
            service_records::worker_id,
            service_records::id,
            service_records::provided_on,
        ))
        .load(connection)?;
    for (worker, id, day) in services {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.services.push((id, day));
        }
    }
    let referred: Vec<(String, String, NaiveDateTime)> = referrals::table
        .filter(referrals::worker_id.gt(after))
        .filter(referrals::worker_id.le(last))
        .select((referrals::worker_id, referrals::id, referrals::created_at))
        .load(connection)?;
    for (worker, id, at) in referred {
        if let Some(entry) = by_worker.get_mut(&worker) {
            entry.services.push((id, at.date()));
        }
    }
    Ok(())
}

/// The facts of households with ids in `(after, last]`; members' facts are already written.
pub(super) fn household_chunk(
    connection: &mut DbConn,
    rows: Vec<HouseholdRow>,
    after: &str,
    last: &str,
    minorities: &HashSet<String>,
    periods: &[Period],
) -> QueryResult<(u64, Vec<Fact>)> {
    let members: Vec<(String, Option<String>)> = workers::table
        .filter(workers::household_id.gt(after))
        .filter(workers::household_id.le(last))
        .filter(workers::archived_at.is_null())
        .select((workers::id, workers::household_id))
        .load(connection)?;
    let household_of: HashMap<&str, &str> = members
        .iter()
        .filter_map(|(worker, household)| Some((worker.as_str(), household.as_deref()?)))
        .collect();
    let member_ids: Vec<&str> = household_of.keys().copied().collect();
    let mut by_household: HashMap<String, Vec<(String, NaiveDate, String)>> = HashMap::new();
    for chunk in member_ids.chunks(10_000) {
        let sustained: Vec<(String, NaiveDate, String)> = progress_facts::table
            .filter(progress_facts::subject_id.eq_any(chunk))
            .filter(progress_facts::key.eq(key::SUSTAINED))
            .select((
                progress_facts::period_code,
                progress_facts::counted_on,
                progress_facts::subject_id,
            ))
            .load(connection)?;
        for (period, day, member) in sustained {
            if let Some(household) = household_of.get(member.as_str()) {
                by_household
                    .entry((*household).to_owned())
                    .or_default()
                    .push((period, day, member));
            }
        }
    }
    let count = rows.len() as u64;
    let mut facts = Vec::new();
    for row in rows {
        let minority = minorities.contains(&row.4);
        let members = by_household.remove(&row.0).unwrap_or_default();
        facts.extend(household_facts(
            &household_in(row, minority, members),
            periods,
        ));
    }
    Ok((count, facts))
}
