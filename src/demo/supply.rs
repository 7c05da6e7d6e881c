//! Generated employers, their vacancies and the province's courses: the demand side that
//! generated workers are then connected to.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::reference::insert_chunks;
use crate::db::schema::{course_occupations, courses, employers, vacancies};
use crate::domain::text::fold;
use crate::models::courses::{NewCourse, NewCourseOccupation};
use crate::models::employers::NewEmployer;
use crate::models::vacancies::NewVacancy;

use super::catalog::{
    COMPANY_NAMES, COOPERATIVE_TRADES, COURSE_PROVIDERS, FACTORY_TRADES, HOUSEHOLD_TRADES,
    INDUSTRIAL_ZONES, OVERSEAS_MARKETS, course_title, skill_phrases,
};
use super::context::{Commune, Context};

mod drafts;

use super::{AS_OF, DemoRng, Plan, REFORM_DATE, at_time, date};
use drafts::Drafts;

/// A vacancy while hires are handed out.
pub struct VacancySlot {
    pub id: String,
    pub employer_id: String,
    pub occupation_code: String,
    pub posted_on: NaiveDate,
    pub country: Option<String>,
    pub min_age: u32,
    pub max_age: u32,
    pub wage_min_vnd: i64,
    pub wage_max_vnd: i64,
    pub deadline: NaiveDate,
    /// Positions that may still be handed out. Vacancies still open at the demo's "today"
    /// hand out under half of theirs, so the demo has open positions to match against.
    pub remaining: u32,
}

/// A course while seats are handed out.
pub struct CourseSlot {
    pub id: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub remaining: u32,
}

pub struct Supply {
    pub vacancies: Vec<VacancySlot>,
    open_domestic: Vec<usize>,
    open_overseas: Vec<usize>,
    pub courses: Vec<CourseSlot>,
    open_courses: Vec<usize>,
    pub employers: usize,
}

/// The year a vacancy was posted or a course started: few in 2021 (the pandemic year), most
/// in 2022–2025, fewer in 2026 up to the demo's "today".
const YEAR_WEIGHTS: &[(i32, f64)] = &[
    (2021, 0.13),
    (2022, 0.19),
    (2023, 0.21),
    (2024, 0.21),
    (2025, 0.19),
    (2026, 0.07),
];

fn date_in_weighted_year(rng: &mut DemoRng, latest: NaiveDate) -> NaiveDate {
    // A few postings are recent, so some vacancies are still open at the demo's "today".
    if rng.chance(0.03) {
        return rng.date_between(AS_OF - chrono::Days::new(45), latest.min(AS_OF));
    }
    let weights: Vec<f64> = YEAR_WEIGHTS.iter().map(|(_, weight)| *weight).collect();
    let year = YEAR_WEIGHTS[rng.weighted(&weights)].0;
    let first = date(year, 1, 4);
    let last = date(year, 12, 20).min(latest);
    rng.date_between(first, last.max(first))
}

/// Positions to hand out: all of them, or under half for a vacancy whose deadline is after
/// the demo's "today".
fn available_positions(positions: u32, deadline: NaiveDate) -> u32 {
    if deadline >= AS_OF {
        (positions * 2 / 5).max(1)
    } else {
        positions
    }
}

fn round_to(value: i64, step: i64) -> i64 {
    (value / step) * step
}

impl Supply {
    pub fn generate(
        connection: &mut DbConn,
        context: &Context,
        plan: &Plan,
        rng: &mut DemoRng,
    ) -> QueryResult<Supply> {
        let mut drafts = Drafts::default();
        // Domestic employers: factories in industrial zones elsewhere, FDI plants,
        // cooperatives and household businesses in the province's communes.
        let mut serial = 0_u32;
        let mut left = plan.domestic_vacancies;
        while left > 0 {
            serial += 1;
            left -= drafts.domestic_employer(context, rng, serial, left);
        }
        // Licensed overseas-labour agencies and their contracts abroad.
        let mut left = plan.overseas_vacancies;
        while left > 0 {
            serial += 1;
            left -= drafts.overseas_agency(context, rng, serial, left);
        }
        for _ in 0..plan.courses {
            drafts.course(context, rng);
        }
        drafts.write(connection)
    }

    /// Takes one position of a random vacancy that still has one, other than `excluded`.
    pub fn take_vacancy(
        &mut self,
        overseas: bool,
        excluded: &[usize],
        rng: &mut DemoRng,
    ) -> Option<usize> {
        let pool = if overseas {
            &mut self.open_overseas
        } else {
            &mut self.open_domestic
        };
        for _ in 0..4 {
            if pool.is_empty() {
                return None;
            }
            let position = rng.index(pool.len());
            let vacancy_index = pool[position];
            if excluded.contains(&vacancy_index) {
                continue;
            }
            let slot = &mut self.vacancies[vacancy_index];
            slot.remaining -= 1;
            if slot.remaining == 0 {
                pool.swap_remove(position);
            }
            return Some(vacancy_index);
        }
        None
    }

    /// Any vacancy, for referrals that did not end in a hire.
    pub fn any_vacancy(&self, excluded: &[usize], rng: &mut DemoRng) -> Option<usize> {
        let index = rng.index(self.vacancies.len());
        (!excluded.contains(&index)).then_some(index)
    }

    /// Takes one seat on a random course that still has one.
    pub fn take_course(&mut self, rng: &mut DemoRng) -> Option<usize> {
        if self.open_courses.is_empty() {
            return None;
        }
        let position = rng.index(self.open_courses.len());
        let course_index = self.open_courses[position];
        let slot = &mut self.courses[course_index];
        slot.remaining -= 1;
        if slot.remaining == 0 {
            self.open_courses.swap_remove(position);
        }
        Some(course_index)
    }

    /// Vacancies whose every position was taken (those still open hand out only some).
    pub fn filled_vacancy_ids(&self) -> Vec<String> {
        self.vacancies
            .iter()
            .filter(|slot| slot.remaining == 0 && slot.deadline < AS_OF)
            .map(|slot| slot.id.clone())
            .collect()
    }
}

/// Occupations most of the province's workers ask for and train in.
pub const POPULAR_OCCUPATIONS: &[&str] = &[
    "8153", "9329", "8212", "6112", "6121", "6111", "7112", "9313", "5120", "8322", "5223", "7533",
    "7411",
];

/// One of `codes` that the reference data knows (falls back to any known occupation).
pub fn pick_known(rng: &mut DemoRng, context: &Context, codes: &[&str]) -> String {
    let known: Vec<&&str> = codes
        .iter()
        .filter(|code| context.has_occupation(code))
        .collect();
    match known.len() {
        0 => context.occupations[rng.index(context.occupations.len())]
            .code
            .clone(),
        count => (*known[rng.index(count)]).to_owned(),
    }
}

fn commune_address(context: &Context, district: usize, commune_name: &str) -> String {
    format!(
        "{commune_name}, {}, {}",
        context.districts[district].name, context.province_name
    )
}

fn vacancy_title(context: &Context, code: &str, market: Option<&str>) -> String {
    let name = context.occupation_name(code);
    let name = name.split(" (").next().unwrap_or(name);
    match market {
        Some(market) => format!("{name} — làm việc tại {market}"),
        None => name.to_owned(),
    }
}

fn vacancy_description(code: &str, place: &str) -> String {
    let skills = skill_phrases(code).join(", ");
    format!(
        "Làm việc tại {place}. Yêu cầu: {skills}. Có chỗ ở, ăn ca và xe đưa đón. Ưu tiên lao động thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo."
    )
}

fn with_search_name(employer: NewEmployer) -> NewEmployer {
    NewEmployer {
        search_name: fold(&employer.name),
        ..employer
    }
}
