//! The incremental refresh: one subject's facts derived again and the counts moved by the
//! difference, in the writer's transaction.

use super::*;

/// Replaces a subject's facts with `new` and moves the counts by the difference.
pub(super) fn apply(
    connection: &mut DbConn,
    subject_id: &str,
    mut new: Vec<Fact>,
) -> QueryResult<()> {
    let mut old: Vec<Fact> = progress_facts::table
        .filter(progress_facts::subject_id.eq(subject_id))
        .select(Fact::as_select())
        .load(connection)?;
    old.sort();
    new.sort();
    if old == new {
        return Ok(());
    }
    diesel::delete(progress_facts::table.filter(progress_facts::subject_id.eq(subject_id)))
        .execute(connection)?;
    match connection {
        // One row at a time on SQLite: a subject has a few facts, and a single row's statement
        // stays prepared where a batch of varying length is prepared each time.
        DbConn::Sqlite(_) => {
            for fact in &new {
                insert_rows!(connection, progress_facts::table, fact)?;
            }
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) if !new.is_empty() => {
            insert_rows!(connection, progress_facts::table, &new)?;
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {}
    }
    let mut districts: HashMap<String, String> = HashMap::new();
    for fact in old.iter().chain(&new) {
        if !districts.contains_key(&fact.commune_id) {
            let district = district_id_of(connection, &fact.commune_id)?;
            districts.insert(fact.commune_id.clone(), district);
        }
    }
    let district = |fact: &Fact| districts.get(&fact.commune_id).cloned().unwrap_or_default();
    let mut deltas: BTreeMap<Bucket, i64> = BTreeMap::new();
    for fact in &old {
        *deltas.entry(Bucket::of(fact, &district(fact))).or_default() -= 1;
    }
    for fact in &new {
        *deltas.entry(Bucket::of(fact, &district(fact))).or_default() += 1;
    }
    // In key order, so two transactions never take bucket locks in opposite orders.
    for (bucket, delta) in deltas {
        if delta != 0 {
            bump(connection, bucket, delta)?;
        }
    }
    Ok(())
}

/// Adds `delta` to one bucket, creating it when a fact first lands in it.
pub(super) fn bump(connection: &mut DbConn, bucket: Bucket, delta: i64) -> QueryResult<()> {
    use progress_counts::dsl as c;
    if delta < 0 {
        diesel::update(
            c::progress_counts
                .filter(c::period_code.eq(&bucket.period_code))
                .filter(c::key.eq(&bucket.key))
                .filter(c::half_year.eq(bucket.half_year))
                .filter(c::district_id.eq(&bucket.district_id))
                .filter(c::household_status.eq(&bucket.household_status))
                .filter(c::minority.eq(bucket.minority))
                .filter(c::gender.eq(&bucket.gender))
                .filter(c::country.eq(&bucket.country)),
        )
        .set(c::n.eq(c::n + delta))
        .execute(connection)?;
        return Ok(());
    }
    let row = CountRow::new(bucket, delta);
    let target = (
        c::period_code,
        c::key,
        c::half_year,
        c::district_id,
        c::household_status,
        c::minority,
        c::gender,
        c::country,
    );
    // A concurrent transaction may create the same bucket: the upsert adds to it instead.
    match connection {
        DbConn::Sqlite(connection) => diesel::insert_into(c::progress_counts)
            .values(&row)
            .on_conflict(target)
            .do_update()
            .set(c::n.eq(c::n + delta))
            .execute(connection)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(connection) => diesel::insert_into(c::progress_counts)
            .values(&row)
            .on_conflict(target)
            .do_update()
            .set(c::n.eq(c::n + delta))
            .execute(connection)?,
    };
    Ok(())
}

/// Takes the row lock that serialises every refresh of one subject on PostgreSQL, so a refresh
/// reads what earlier transactions committed (SQLite has a single writer anyway).
pub(super) fn lock_worker(connection: &mut DbConn, worker_id: &str) -> QueryResult<()> {
    diesel::update(workers::table.find(worker_id))
        .set(workers::updated_at.eq(workers::updated_at))
        .execute(connection)
        .map(drop)
}

pub(super) fn lock_household(connection: &mut DbConn, household_id: &str) -> QueryResult<()> {
    diesel::update(households::table.find(household_id))
        .set(households::updated_at.eq(households::updated_at))
        .execute(connection)
        .map(drop)
}

/// Re-derives one worker's facts, then those of their household and of `previous_household`
/// (the one they just left, if any). Call inside the transaction that changed them.
pub fn refresh_worker(
    connection: &mut DbConn,
    worker_id: &str,
    previous_household: Option<&str>,
) -> QueryResult<()> {
    lock_worker(connection, worker_id)?;
    let periods = periods(connection)?;
    let worker = load_worker(connection, worker_id)?;
    let facts = worker
        .as_ref()
        .map(|worker| worker_facts(worker, &periods))
        .unwrap_or_default();
    apply(connection, worker_id, facts)?;
    let household: Option<String> = workers::table
        .find(worker_id)
        .select(workers::household_id)
        .first(connection)
        .optional()?
        .flatten();
    let mut touched: Vec<&str> = household.iter().map(String::as_str).collect();
    touched.extend(previous_household);
    touched.sort_unstable();
    touched.dedup();
    for household in touched {
        refresh_household_only(connection, household, &periods)?;
    }
    Ok(())
}

pub(super) fn refresh_household_only(
    connection: &mut DbConn,
    household_id: &str,
    periods: &[Period],
) -> QueryResult<()> {
    lock_household(connection, household_id)?;
    let facts = load_household(connection, household_id)?
        .map(|household| household_facts(&household, periods))
        .unwrap_or_default();
    apply(connection, household_id, facts)
}

/// Locks a household's members: call before writing the household, so locks are always taken
/// worker first, household second, as [`refresh_worker`] takes them.
pub fn lock_members(connection: &mut DbConn, household_id: &str) -> QueryResult<Vec<String>> {
    let members: Vec<String> = workers::table
        .filter(workers::household_id.eq(household_id))
        .order(workers::id)
        .select(workers::id)
        .load(connection)?;
    for member in &members {
        lock_worker(connection, member)?;
    }
    Ok(members)
}

/// Re-derives a household's facts and its members' (whose target status follows the household).
pub fn refresh_household(connection: &mut DbConn, household_id: &str) -> QueryResult<()> {
    let members = lock_members(connection, household_id)?;
    let periods = periods(connection)?;
    for member in &members {
        let facts = load_worker(connection, member)?
            .map(|worker| worker_facts(&worker, &periods))
            .unwrap_or_default();
        apply(connection, member, facts)?;
    }
    refresh_household_only(connection, household_id, &periods)
}

/// Derives the facts of households this transaction has just created, many at once: the
/// import's way, where one refresh per row was most of a row's statements. A new household has
/// no members and no facts yet, so there is nothing to lock, read back or take away; its
/// counts are added in bucket order like [`apply`]'s.
pub fn refresh_new_households(connection: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let periods = periods(connection)?;
    let minorities = minorities(connection)?;
    let districts = districts_by_commune(connection)?;
    let mut deltas: BTreeMap<Bucket, i64> = BTreeMap::new();
    for chunk in ids.chunks(1_000) {
        let rows: Vec<HouseholdRow> = households::table
            .filter(households::id.eq_any(chunk))
            .select(household_columns())
            .load(connection)?;
        let facts: Vec<Fact> = rows
            .into_iter()
            .flat_map(|row| {
                let minority = minorities.contains(&row.4);
                household_facts(&household_in(row, minority, Vec::new()), &periods)
            })
            .collect();
        for fact in &facts {
            let district = districts.get(&fact.commune_id).map_or("", String::as_str);
            *deltas.entry(Bucket::of(fact, district)).or_default() += 1;
        }
        for facts in facts.chunks(2_000) {
            insert_rows!(connection, progress_facts::table, facts)?;
        }
    }
    for (bucket, delta) in deltas {
        bump(connection, bucket, delta)?;
    }
    Ok(())
}
