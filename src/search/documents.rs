//! Records as index documents, read from the database in batches: by id (applying the change
//! log) or by id ranges (rebuilding).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use tantivy::TantivyDocument;

use super::schema::{Fields, code_number, flag, status_number};
use crate::db::DbConn;
use crate::db::schema::{
    admin_units, course_occupations, courses, employers, enrollments, ethnic_groups, households,
    occupations, referrals, vacancies, worker_occupations, workers,
};
use crate::domain::statuses::EnrollmentStatus;

mod worker;

use worker::worker_document;

/// What the index kinds are called in the change log and the `kind` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Worker,
    Vacancy,
    Course,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Worker, Kind::Vacancy, Kind::Course];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Worker => "worker",
            Kind::Vacancy => "vacancy",
            Kind::Course => "course",
        }
    }

    pub fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// Referral statuses that still wait for an answer: a worker with many is damped.
pub const OPEN_REFERRAL_STATUSES: [&str; 3] = ["shortlisted", "referred", "interview"];
/// Household statuses the programme targets.
pub const TARGET_STATUSES: [&str; 3] = ["poor", "near_poor", "newly_escaped"];

#[derive(Debug, Clone)]
struct Unit {
    code: String,
    district_id: Option<String>,
}

/// Reference data every document needs, loaded once.
pub struct Reference {
    units: HashMap<String, Unit>,
    /// District code → name, the newest generation's name for a code (search facets).
    district_names: HashMap<String, String>,
    occupation_names: HashMap<String, String>,
    minorities: HashSet<String>,
}

impl Reference {
    pub fn load(connection: &mut DbConn) -> QueryResult<Reference> {
        let rows: Vec<(String, String, String, Option<String>)> = admin_units::table
            .select((
                admin_units::id,
                admin_units::code,
                admin_units::kind,
                admin_units::parent_id,
            ))
            .load(connection)?;
        let kinds: HashMap<String, String> = rows
            .iter()
            .map(|(id, _, kind, _)| (id.clone(), kind.clone()))
            .collect();
        let units = rows
            .into_iter()
            .map(|(id, code, kind, parent)| {
                let district_id = match kind.as_str() {
                    "district" => Some(id.clone()),
                    _ => parent
                        .filter(|parent| kinds.get(parent).map(String::as_str) == Some("district")),
                };
                (id, Unit { code, district_id })
            })
            .collect();
        let district_names = crate::models::admin_units::list(connection, "district", false)?
            .into_iter()
            .map(|unit| (unit.code, unit.name))
            .collect();
        let occupation_names = occupations::table
            .select((occupations::code, occupations::name_vi))
            .load::<(String, String)>(connection)?
            .into_iter()
            .collect();
        let minorities = ethnic_groups::table
            .filter(ethnic_groups::is_minority.eq(true))
            .select(ethnic_groups::code)
            .load::<String>(connection)?
            .into_iter()
            .collect();
        Ok(Reference {
            units,
            district_names,
            occupation_names,
            minorities,
        })
    }

    /// District code → name.
    pub fn district_names(&self) -> &HashMap<String, String> {
        &self.district_names
    }

    fn place(&self, unit_id: Option<&str>, fields: &Fields, doc: &mut TantivyDocument) {
        let Some(unit_id) = unit_id else { return };
        let Some(unit) = self.units.get(unit_id) else {
            return;
        };
        doc.add_text(fields.tags, format!("commune:{}", unit.code));
        doc.add_text(fields.tags, format!("unit:{unit_id}"));
        doc.add_u64(fields.commune, code_number(&unit.code));
        if let Some(district) = unit.district_id.as_deref().and_then(|id| {
            self.units
                .get(id)
                .map(|district| (id, district.code.as_str()))
        }) {
            doc.add_text(fields.tags, format!("district:{}", district.1));
            doc.add_text(fields.tags, format!("unit:{}", district.0));
            doc.add_u64(fields.district, code_number(district.1));
        }
    }

    /// (commune code number, district code number) of a unit.
    pub fn place_numbers(&self, unit_id: &str) -> (u64, u64) {
        let Some(unit) = self.units.get(unit_id) else {
            return (0, 0);
        };
        let district = unit
            .district_id
            .as_deref()
            .and_then(|id| self.units.get(id))
            .map_or(0, |district| code_number(&district.code));
        (code_number(&unit.code), district)
    }

    fn occupation_name(&self, code: &str) -> &str {
        self.occupation_names.get(code).map_or("", String::as_str)
    }
}

/// Which records a batch reads: these ids (applying changes), or every id from the first to
/// the last of them (rebuilding: range scans instead of one index probe per id).
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    Ids(&'a [String]),
    Range(&'a [String]),
}

impl<'a> Selection<'a> {
    pub fn ids(self) -> &'a [String] {
        match self {
            Selection::Ids(ids) | Selection::Range(ids) => ids,
        }
    }
}

/// Loads `$query` filtered to the selection on `$column`.
macro_rules! load_selected {
    ($query:expr, $column:expr, $selection:expr, $connection:expr) => {
        match $selection {
            Selection::Ids(ids) => $query.filter($column.eq_any(ids)).load($connection),
            Selection::Range(ids) => match (ids.first(), ids.last()) {
                (Some(first), Some(last)) => $query
                    .filter($column.between(first, last))
                    .load($connection),
                _ => Ok(Vec::new()),
            },
        }
    };
}

/// Days since 1970-01-01, the index's date encoding.
pub fn day_number(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

fn occupation_number(code: &str) -> u64 {
    code.parse().unwrap_or(0)
}

fn group_of(code: &str) -> &str {
    code.get(..2).unwrap_or(code)
}

/// Documents for these ids of one kind: `None` for a record that is gone or archived.
pub fn load(
    connection: &mut DbConn,
    reference: &Reference,
    fields: &Fields,
    kind: Kind,
    selection: Selection<'_>,
) -> QueryResult<Vec<(String, Option<TantivyDocument>)>> {
    let mut built = match kind {
        Kind::Worker => worker_documents(connection, reference, fields, selection)?,
        Kind::Vacancy => vacancy_documents(connection, reference, fields, selection)?,
        Kind::Course => course_documents(connection, reference, fields, selection)?,
    };
    Ok(selection
        .ids()
        .iter()
        .map(|id| (id.clone(), built.remove(id)))
        .collect())
}

/// The next `limit` live ids of a kind after `after`, in id order (for rebuilding).
pub fn next_ids(
    connection: &mut DbConn,
    kind: Kind,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    match kind {
        Kind::Worker => workers::table
            .filter(workers::archived_at.is_null())
            .filter(workers::id.gt(after))
            .order(workers::id)
            .limit(limit)
            .select(workers::id)
            .load(connection),
        Kind::Vacancy => vacancies::table
            .filter(vacancies::archived_at.is_null())
            .filter(vacancies::id.gt(after))
            .order(vacancies::id)
            .limit(limit)
            .select(vacancies::id)
            .load(connection),
        Kind::Course => courses::table
            .filter(courses::archived_at.is_null())
            .filter(courses::id.gt(after))
            .order(courses::id)
            .limit(limit)
            .select(courses::id)
            .load(connection),
    }
}

/// How many live records of a kind there are (for progress bars).
pub fn count(connection: &mut DbConn, kind: Kind) -> QueryResult<i64> {
    match kind {
        Kind::Worker => workers::table
            .filter(workers::archived_at.is_null())
            .count()
            .get_result(connection),
        Kind::Vacancy => vacancies::table
            .filter(vacancies::archived_at.is_null())
            .count()
            .get_result(connection),
        Kind::Course => courses::table
            .filter(courses::archived_at.is_null())
            .count()
            .get_result(connection),
    }
}

fn pairs_by_first(pairs: Vec<(String, String)>) -> HashMap<String, Vec<String>> {
    let mut grouped: HashMap<String, Vec<String>> = HashMap::new();
    for (key, value) in pairs {
        grouped.entry(key).or_default().push(value);
    }
    grouped
}

type WorkerRow = (
    (String, String, NaiveDate, String, String),
    (String, bool, String, bool, bool),
    (String, bool, Option<String>),
);

fn worker_documents(
    connection: &mut DbConn,
    reference: &Reference,
    fields: &Fields,
    selection: Selection<'_>,
) -> QueryResult<HashMap<String, TantivyDocument>> {
    let workers_query = workers::table
        .left_join(households::table)
        .filter(workers::archived_at.is_null())
        .select((
            (
                workers::id,
                workers::full_name,
                workers::birth_date,
                workers::ethnicity_code,
                workers::commune_id,
            ),
            (
                workers::qualifications,
                workers::disability,
                workers::skills,
                workers::willing_to_relocate,
                workers::willing_overseas,
            ),
            (
                workers::availability,
                workers::consent_to_share,
                households::status.nullable(),
            ),
        ));
    let rows: Vec<WorkerRow> = load_selected!(workers_query, workers::id, selection, connection)?;
    let desired_query = worker_occupations::table.select((
        worker_occupations::worker_id,
        worker_occupations::occupation_code,
    ));
    let mut desired = pairs_by_first(load_selected!(
        desired_query,
        worker_occupations::worker_id,
        selection,
        connection
    )?);
    let trained_query = enrollments::table
        .inner_join(
            course_occupations::table.on(course_occupations::course_id.eq(enrollments::course_id)),
        )
        .filter(enrollments::status.eq_any(EnrollmentStatus::FINISHED))
        .select((enrollments::worker_id, course_occupations::occupation_code));
    let mut trained = pairs_by_first(load_selected!(
        trained_query,
        enrollments::worker_id,
        selection,
        connection
    )?);
    let referrals_query = referrals::table
        .filter(referrals::status.eq_any(OPEN_REFERRAL_STATUSES))
        .select(referrals::worker_id);
    let open: Vec<String> =
        load_selected!(referrals_query, referrals::worker_id, selection, connection)?;
    let mut open_referrals: HashMap<String, u64> = HashMap::new();
    for worker_id in open {
        *open_referrals.entry(worker_id).or_default() += 1;
    }

    let mut built = HashMap::with_capacity(rows.len());
    for row in rows {
        let id = row.0.0.clone();
        let doc = worker_document(
            reference,
            fields,
            row,
            desired.remove(&id).unwrap_or_default(),
            trained.remove(&id).unwrap_or_default(),
            open_referrals.get(&id).copied().unwrap_or(0),
        );
        built.insert(id, doc);
    }
    Ok(built)
}

type VacancyRow = (
    (String, String, String, String, Option<String>),
    (bool, Option<String>, Option<i32>, Option<i32>, String),
    (String, Option<NaiveDate>, String, String),
);

fn vacancy_documents(
    connection: &mut DbConn,
    reference: &Reference,
    fields: &Fields,
    selection: Selection<'_>,
) -> QueryResult<HashMap<String, TantivyDocument>> {
    let vacancies_query = vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::archived_at.is_null())
        .select((
            (
                vacancies::id,
                vacancies::title,
                vacancies::description,
                vacancies::occupation_code,
                vacancies::commune_id,
            ),
            (
                vacancies::is_overseas,
                vacancies::country,
                vacancies::min_age,
                vacancies::max_age,
                vacancies::skills_required,
            ),
            (
                vacancies::status,
                vacancies::deadline,
                vacancies::employer_id,
                employers::name,
            ),
        ));
    let rows: Vec<VacancyRow> =
        load_selected!(vacancies_query, vacancies::id, selection, connection)?;
    let mut built = HashMap::with_capacity(rows.len());
    for (
        (id, title, description, occupation, commune_id),
        (overseas, country, min_age, max_age, skills),
        (status, deadline, employer_id, employer_name),
    ) in rows
    {
        let mut doc = TantivyDocument::new();
        doc.add_text(fields.kind, Kind::Vacancy.as_str());
        doc.add_text(fields.id, &id);
        doc.add_text(fields.name, &title);
        doc.add_text(fields.name_folded, &title);
        doc.add_text(fields.pairs, &title);
        let text = [
            skills.as_str(),
            reference.occupation_name(&occupation),
            description.as_str(),
            employer_name.as_str(),
            country.as_deref().unwrap_or(""),
        ]
        .join(" · ");
        doc.add_text(fields.text, &text);
        doc.add_text(fields.text_folded, &text);
        doc.add_text(fields.pairs, &text);
        reference.place(commune_id.as_deref(), fields, &mut doc);
        doc.add_text(fields.tags, format!("vstatus:{status}"));
        doc.add_text(fields.tags, format!("occ:{occupation}"));
        doc.add_text(fields.tags, format!("employer:{employer_id}"));
        doc.add_text(
            fields.tags,
            if overseas {
                "overseas:yes"
            } else {
                "overseas:no"
            },
        );
        if status == "open" {
            doc.add_text(fields.tags, "match:vacancy");
            let wanted = [
                title.as_str(),
                skills.as_str(),
                reference.occupation_name(&occupation),
            ]
            .join(" · ");
            doc.add_text(fields.match_text, wanted);
        }
        doc.add_u64(fields.occupations, occupation_number(&occupation));
        doc.add_u64(fields.flags, if overseas { flag::OVERSEAS } else { 0 });
        doc.add_u64(fields.min_age, min_age.map_or(0, |age| age.max(0) as u64));
        doc.add_u64(fields.max_age, max_age.map_or(0, |age| age.max(0) as u64));
        doc.add_i64(fields.deadline_day, deadline.map_or(i64::MAX, day_number));
        built.insert(id, doc);
    }
    Ok(built)
}

fn course_documents(
    connection: &mut DbConn,
    reference: &Reference,
    fields: &Fields,
    selection: Selection<'_>,
) -> QueryResult<HashMap<String, TantivyDocument>> {
    type CourseRow = (
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
    );
    let courses_query = courses::table
        .filter(courses::archived_at.is_null())
        .select((
            courses::id,
            courses::provider,
            courses::title,
            courses::description,
            courses::commune_id,
            courses::level,
            courses::status,
        ));
    let rows: Vec<CourseRow> = load_selected!(courses_query, courses::id, selection, connection)?;
    let leads_query = course_occupations::table.select((
        course_occupations::course_id,
        course_occupations::occupation_code,
    ));
    let mut leads_to = pairs_by_first(load_selected!(
        leads_query,
        course_occupations::course_id,
        selection,
        connection
    )?);
    let mut built = HashMap::with_capacity(rows.len());
    for (id, provider, title, description, commune_id, level, status) in rows {
        let codes = leads_to.remove(&id).unwrap_or_default();
        let mut doc = TantivyDocument::new();
        doc.add_text(fields.kind, Kind::Course.as_str());
        doc.add_text(fields.id, &id);
        doc.add_text(fields.name, &title);
        doc.add_text(fields.name_folded, &title);
        doc.add_text(fields.pairs, &title);
        let mut text = vec![provider.as_str(), description.as_str()];
        text.extend(codes.iter().map(|code| reference.occupation_name(code)));
        let text = text.join(" · ");
        doc.add_text(fields.text, &text);
        doc.add_text(fields.text_folded, &text);
        doc.add_text(fields.pairs, &text);
        reference.place(commune_id.as_deref(), fields, &mut doc);
        doc.add_text(fields.tags, format!("cstatus:{status}"));
        doc.add_text(fields.tags, format!("level:{level}"));
        for code in &codes {
            doc.add_text(fields.tags, format!("occ:{code}"));
            doc.add_u64(fields.occupations, occupation_number(code));
        }
        built.insert(id, doc);
    }
    Ok(built)
}
