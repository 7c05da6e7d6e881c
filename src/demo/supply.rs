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
use super::context::Context;
use super::{AS_OF, DemoRng, Plan, REFORM_DATE, at_time, date};

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
        let mut new_employers = Vec::new();
        let mut new_vacancies = Vec::new();
        let mut slots = Vec::new();
        let latest_posting = AS_OF - chrono::Days::new(5);

        // Domestic employers: factories in industrial zones elsewhere, FDI plants,
        // cooperatives and household businesses in the province's communes.
        let mut serial = 0_u32;
        let mut domestic_vacancies_left = plan.domestic_vacancies;
        while domestic_vacancies_left > 0 {
            serial += 1;
            let created_on = rng.date_between(date(2020, 10, 1), date(2025, 6, 1));
            let created_at = at_time(created_on, rng);
            let roll = rng.unit();
            let commune = &context.communes[rng.index(context.communes.len())];
            let (kind, name, trades, in_province, address): (&str, String, &[&str], bool, String) =
                if roll < 0.45 {
                    let (trade, codes) = FACTORY_TRADES[rng.index(FACTORY_TRADES.len())];
                    let name = format!(
                        "Công ty TNHH {} {}",
                        trade,
                        COMPANY_NAMES[rng.index(COMPANY_NAMES.len())]
                    );
                    (
                        "company",
                        name,
                        codes,
                        false,
                        INDUSTRIAL_ZONES[rng.index(INDUSTRIAL_ZONES.len())].to_owned(),
                    )
                } else if roll < 0.60 {
                    let (trade, codes) = FACTORY_TRADES[rng.index(FACTORY_TRADES.len())];
                    let name = format!(
                        "Công ty TNHH {} {} Vina",
                        trade,
                        COMPANY_NAMES[rng.index(COMPANY_NAMES.len())]
                    );
                    (
                        "fdi",
                        name,
                        codes,
                        false,
                        INDUSTRIAL_ZONES[rng.index(INDUSTRIAL_ZONES.len())].to_owned(),
                    )
                } else if roll < 0.85 {
                    let (trade, codes) = COOPERATIVE_TRADES[rng.index(COOPERATIVE_TRADES.len())];
                    let place = commune
                        .name
                        .trim_start_matches("Xã ")
                        .trim_start_matches("Phường ")
                        .trim_start_matches("Thị trấn ");
                    let name = format!("Hợp tác xã {trade} {place}");
                    (
                        "cooperative",
                        name,
                        codes,
                        true,
                        commune_address(context, commune.district, &commune.name),
                    )
                } else {
                    let (trade, codes) = HOUSEHOLD_TRADES[rng.index(HOUSEHOLD_TRADES.len())];
                    let name = format!("{trade} {}", COMPANY_NAMES[rng.index(COMPANY_NAMES.len())]);
                    (
                        "household_business",
                        name,
                        codes,
                        true,
                        commune_address(context, commune.district, &commune.name),
                    )
                };
            let employer_id = rng.next_id();
            new_employers.push(with_search_name(NewEmployer {
                id: employer_id.clone(),
                name,
                // Demo tax codes: ten digits, unique, not those of real businesses.
                tax_code: format!("{}{:08}", if in_province { "55" } else { "01" }, serial),
                kind: kind.to_owned(),
                sector: if in_province {
                    "Nông, lâm nghiệp và dịch vụ".into()
                } else {
                    "Công nghiệp chế biến, chế tạo".into()
                },
                commune_id: in_province.then(|| commune.id.clone()),
                address,
                contact_name: "Phòng Nhân sự".to_owned(),
                contact_email: Some(format!("tuyendung{serial}@example.vn")),
                contact_phone: Some(super::people::phone(rng)),
                verified: rng.chance(0.9),
                created_at,
                updated_at: created_at,
                search_name: String::new(),
            }));
            let vacancies_here = (1 + rng.below(20) as u32).min(domestic_vacancies_left);
            domestic_vacancies_left -= vacancies_here;
            for _ in 0..vacancies_here {
                let code = pick_known(rng, context, trades);
                let posted_on = date_in_weighted_year(rng, latest_posting).max(created_on);
                let (wage_low, wage_high) = if in_province {
                    (3_500_000, 6_500_000)
                } else {
                    (5_500_000, 9_500_000)
                };
                let wage_min = round_to(rng.between(wage_low, wage_high), 500_000);
                let wage_max = wage_min + round_to(rng.between(0, 2_000_000), 500_000);
                let max_age = if in_province {
                    55
                } else {
                    35 + rng.below(11) as u32
                };
                let positions = if in_province {
                    3 + rng.below(18) as u32
                } else {
                    10 + rng.below(51) as u32
                };
                let place_commune = if posted_on >= REFORM_DATE {
                    commune.successor_id.clone()
                } else {
                    None
                }
                .unwrap_or_else(|| commune.id.clone());
                let posted_at = at_time(posted_on, rng);
                let vacancy = NewVacancy {
                    id: rng.next_id(),
                    employer_id: employer_id.clone(),
                    title: vacancy_title(context, &code, None),
                    description: vacancy_description(
                        &code,
                        if in_province {
                            &commune.name
                        } else {
                            "khu công nghiệp"
                        },
                    ),
                    occupation_code: code.clone(),
                    positions: positions as i32,
                    commune_id: in_province.then_some(place_commune),
                    work_place: (!in_province)
                        .then(|| new_employers[new_employers.len() - 1].address.clone()),
                    is_overseas: false,
                    country: None,
                    wage_min_vnd: Some(wage_min),
                    wage_max_vnd: Some(wage_max),
                    min_age: Some(18),
                    max_age: Some(max_age as i32),
                    education_required: (!in_province && rng.chance(0.5))
                        .then(|| "lower_secondary".to_owned()),
                    skills_required: skill_phrases(&code)
                        .first()
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    certificates_required: String::new(),
                    deadline: Some(posted_on + chrono::Days::new(30 + rng.below(31))),
                    status: "open".to_owned(),
                    posted_on,
                    created_at: posted_at,
                    updated_at: posted_at,
                    search_name: String::new(),
                };
                let vacancy = NewVacancy {
                    search_name: fold(&vacancy.title),
                    ..vacancy
                };
                slots.push(VacancySlot {
                    id: vacancy.id.clone(),
                    employer_id: employer_id.clone(),
                    occupation_code: code,
                    posted_on,
                    country: None,
                    min_age: 18,
                    max_age,
                    wage_min_vnd: wage_min,
                    wage_max_vnd: wage_max,
                    deadline: vacancy.deadline.unwrap_or(posted_on),
                    remaining: available_positions(
                        positions,
                        vacancy.deadline.unwrap_or(posted_on),
                    ),
                });
                new_vacancies.push(vacancy);
            }
        }

        // Licensed overseas-labour agencies and their contracts abroad.
        let mut overseas_vacancies_left = plan.overseas_vacancies;
        while overseas_vacancies_left > 0 {
            serial += 1;
            let created_on = rng.date_between(date(2020, 6, 1), date(2024, 6, 1));
            let created_at = at_time(created_on, rng);
            let employer_id = rng.next_id();
            new_employers.push(with_search_name(NewEmployer {
                id: employer_id.clone(),
                name: format!(
                    "Công ty Cổ phần Cung ứng nhân lực quốc tế {}",
                    COMPANY_NAMES[rng.index(COMPANY_NAMES.len())]
                ),
                tax_code: format!("01{serial:08}"),
                kind: "overseas_agency".to_owned(),
                sector: "Đưa người lao động đi làm việc ở nước ngoài theo hợp đồng".to_owned(),
                commune_id: None,
                address: "Thành phố Hà Nội".to_owned(),
                contact_name: "Phòng Tuyển dụng".to_owned(),
                contact_email: Some(format!("xkld{serial}@example.vn")),
                contact_phone: Some(super::people::phone(rng)),
                verified: true,
                created_at,
                updated_at: created_at,
                search_name: String::new(),
            }));
            let vacancies_here = (1 + rng.below(6) as u32).min(overseas_vacancies_left);
            overseas_vacancies_left -= vacancies_here;
            for _ in 0..vacancies_here {
                let (country, market, codes) = OVERSEAS_MARKETS[rng.index(OVERSEAS_MARKETS.len())];
                let code = pick_known(rng, context, codes);
                let posted_on = date_in_weighted_year(rng, latest_posting).max(created_on);
                let wage_min = round_to(rng.between(25_000_000, 35_000_000), 1_000_000);
                let positions = 3 + rng.below(10) as u32;
                let posted_at = at_time(posted_on, rng);
                let vacancy = NewVacancy {
                    id: rng.next_id(),
                    employer_id: employer_id.clone(),
                    title: vacancy_title(context, &code, Some(market)),
                    description: format!(
                        "Hợp đồng 3 năm tại {market}. Người lao động thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo được hỗ trợ học ngoại ngữ, bồi dưỡng kiến thức cần thiết trước khi đi."
                    ),
                    occupation_code: code.clone(),
                    positions: positions as i32,
                    commune_id: None,
                    work_place: Some(market.to_owned()),
                    is_overseas: true,
                    country: Some(country.to_owned()),
                    wage_min_vnd: Some(wage_min),
                    wage_max_vnd: Some(wage_min + 8_000_000),
                    min_age: Some(18),
                    max_age: Some(39),
                    education_required: Some("lower_secondary".to_owned()),
                    skills_required: skill_phrases(&code)
                        .first()
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    certificates_required: "Chứng chỉ tiếng đạt yêu cầu của thị trường".to_owned(),
                    deadline: Some(posted_on + chrono::Days::new(45 + rng.below(46))),
                    status: "open".to_owned(),
                    posted_on,
                    created_at: posted_at,
                    updated_at: posted_at,
                    search_name: String::new(),
                };
                let vacancy = NewVacancy {
                    search_name: fold(&vacancy.title),
                    ..vacancy
                };
                slots.push(VacancySlot {
                    id: vacancy.id.clone(),
                    employer_id: employer_id.clone(),
                    occupation_code: code,
                    posted_on,
                    country: Some(country.to_owned()),
                    min_age: 18,
                    max_age: 39,
                    wage_min_vnd: wage_min,
                    wage_max_vnd: wage_min + 8_000_000,
                    deadline: vacancy.deadline.unwrap_or(posted_on),
                    remaining: available_positions(
                        positions,
                        vacancy.deadline.unwrap_or(posted_on),
                    ),
                });
                new_vacancies.push(vacancy);
            }
        }

        // Courses of the province's training providers.
        let mut new_courses = Vec::new();
        let mut new_course_occupations = Vec::new();
        let mut course_slots = Vec::new();
        for _ in 0..plan.courses {
            let code = pick_known(rng, context, POPULAR_OCCUPATIONS);
            let commune = &context.communes[rng.index(context.communes.len())];
            let district_name = &context.districts[commune.district].name;
            let provider_kind = COURSE_PROVIDERS[rng.index(COURSE_PROVIDERS.len())];
            let provider = if provider_kind.starts_with("Trường") {
                format!(
                    "{provider_kind} {}",
                    context.province_name.trim_start_matches("Tỉnh ")
                )
            } else {
                format!("{provider_kind} {district_name}")
            };
            let level_roll = rng.unit();
            let (level, days) = if level_roll < 0.60 {
                ("under_3_months", 30 + rng.below(56))
            } else if level_roll < 0.95 {
                ("elementary", 90 + rng.below(91))
            } else {
                ("intermediate", 365 + rng.below(366))
            };
            let starts_on = date_in_weighted_year(rng, date(2026, 12, 1));
            let ends_on = starts_on + chrono::Days::new(days);
            let status = if ends_on < AS_OF {
                "finished"
            } else if starts_on <= AS_OF {
                "running"
            } else {
                "open"
            };
            let fee = round_to(rng.between(0, 3_000_000), 100_000);
            let capacity = 20 + rng.below(16) as u32;
            let created_at = at_time(starts_on - chrono::Days::new(45), rng);
            let id = rng.next_id();
            let place_commune = if starts_on >= REFORM_DATE {
                commune.successor_id.clone()
            } else {
                None
            }
            .unwrap_or_else(|| commune.id.clone());
            let title = course_title(&code, context.occupation_name(&code));
            new_courses.push(NewCourse {
                search_name: fold(&title),
                id: id.clone(),
                provider,
                title,
                description: format!(
                    "Khóa học {} ngày tại {}, {}. Học viên thuộc hộ nghèo, hộ cận nghèo, người dân tộc thiểu số được hỗ trợ chi phí đào tạo, tiền ăn và tiền đi lại theo quy định.",
                    days,
                    commune.name,
                    district_name
                ),
                level: level.to_owned(),
                commune_id: Some(place_commune),
                starts_on,
                ends_on,
                capacity: capacity as i32,
                fee_vnd: fee,
                support_vnd: fee.min(3_000_000),
                status: status.to_owned(),
                created_at,
                updated_at: created_at,
            });
            new_course_occupations.push(NewCourseOccupation {
                course_id: id.clone(),
                occupation_code: code,
            });
            course_slots.push(CourseSlot {
                id,
                starts_on,
                ends_on,
                remaining: capacity,
            });
        }

        connection.write_transaction(|connection| {
            insert_chunks(connection, &new_employers, |connection, chunk| {
                crate::insert_rows!(connection, employers::table, chunk)
            })?;
            insert_chunks(connection, &new_vacancies, |connection, chunk| {
                crate::insert_rows!(connection, vacancies::table, chunk)
            })?;
            insert_chunks(connection, &new_courses, |connection, chunk| {
                crate::insert_rows!(connection, courses::table, chunk)
            })?;
            insert_chunks(connection, &new_course_occupations, |connection, chunk| {
                crate::insert_rows!(connection, course_occupations::table, chunk)
            })
        })?;

        let open_domestic = (0..slots.len())
            .filter(|&index| slots[index].country.is_none())
            .collect();
        let open_overseas = (0..slots.len())
            .filter(|&index| slots[index].country.is_some())
            .collect();
        let open_courses = (0..course_slots.len()).collect();
        Ok(Supply {
            vacancies: slots,
            open_domestic,
            open_overseas,
            courses: course_slots,
            open_courses,
            employers: new_employers.len(),
        })
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
