//! The employers, vacancies and courses a demo province starts with, drawn in a fixed order
//! from the random stream, then written in one transaction.

use super::*;

/// Everything drawn so far, with the slots the population hands out.
#[derive(Default)]
pub(super) struct Drafts {
    employers: Vec<NewEmployer>,
    vacancies: Vec<NewVacancy>,
    slots: Vec<VacancySlot>,
    courses: Vec<NewCourse>,
    course_occupations: Vec<NewCourseOccupation>,
    course_slots: Vec<CourseSlot>,
}

/// A domestic employer as its vacancies need it.
struct Hirer<'c> {
    commune: &'c Commune,
    trades: &'static [&'static str],
    in_province: bool,
    created_on: NaiveDate,
}

/// Vacancies are posted up to a few days before the demo's "today".
fn latest_posting() -> NaiveDate {
    AS_OF - chrono::Days::new(5)
}

impl Drafts {
    /// A factory, FDI plant, cooperative or household business with up to 20 vacancies (no
    /// more than `left`); answers how many vacancies it posted.
    pub(super) fn domestic_employer(
        &mut self,
        context: &Context,
        rng: &mut DemoRng,
        serial: u32,
        left: u32,
    ) -> u32 {
        let created_on = rng.date_between(date(2020, 10, 1), date(2025, 6, 1));
        let created_at = at_time(created_on, rng);
        let roll = rng.unit();
        let commune = &context.communes[rng.index(context.communes.len())];
        let (kind, name, trades, in_province, address) = domestic_kind(context, commune, roll, rng);
        let employer_id = rng.next_id();
        let employer = with_search_name(NewEmployer {
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
            contact_phone: Some(crate::demo::people::phone(rng)),
            verified: rng.chance(0.9),
            created_at,
            updated_at: created_at,
            search_name: String::new(),
        });
        let hirer = Hirer {
            commune,
            trades,
            in_province,
            created_on,
        };
        let vacancies_here = (1 + rng.below(20) as u32).min(left);
        for _ in 0..vacancies_here {
            self.domestic_vacancy(context, rng, &employer, &hirer);
        }
        self.employers.push(employer);
        vacancies_here
    }

    fn domestic_vacancy(
        &mut self,
        context: &Context,
        rng: &mut DemoRng,
        employer: &NewEmployer,
        hirer: &Hirer,
    ) {
        let Hirer {
            commune,
            trades,
            in_province,
            created_on,
        } = *hirer;
        let employer_id = &employer.id;
        let latest_posting = latest_posting();
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
            work_place: (!in_province).then(|| employer.address.clone()),
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
        self.slots.push(VacancySlot {
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
            remaining: available_positions(positions, vacancy.deadline.unwrap_or(posted_on)),
        });
        self.vacancies.push(vacancy);
    }

    /// A licensed overseas-labour agency with up to 6 contracts abroad (no more than `left`);
    /// answers how many it posted.
    pub(super) fn overseas_agency(
        &mut self,
        context: &Context,
        rng: &mut DemoRng,
        serial: u32,
        left: u32,
    ) -> u32 {
        let created_on = rng.date_between(date(2020, 6, 1), date(2024, 6, 1));
        let created_at = at_time(created_on, rng);
        let employer_id = rng.next_id();
        let employer = with_search_name(NewEmployer {
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
            contact_phone: Some(crate::demo::people::phone(rng)),
            verified: true,
            created_at,
            updated_at: created_at,
            search_name: String::new(),
        });
        let vacancies_here = (1 + rng.below(6) as u32).min(left);
        for _ in 0..vacancies_here {
            self.overseas_vacancy(context, rng, &employer_id, created_on);
        }
        self.employers.push(employer);
        vacancies_here
    }

    fn overseas_vacancy(
        &mut self,
        context: &Context,
        rng: &mut DemoRng,
        employer_id: &str,
        created_on: NaiveDate,
    ) {
        let latest_posting = latest_posting();
        let (country, market, codes) = OVERSEAS_MARKETS[rng.index(OVERSEAS_MARKETS.len())];
        let code = pick_known(rng, context, codes);
        let posted_on = date_in_weighted_year(rng, latest_posting).max(created_on);
        let wage_min = round_to(rng.between(25_000_000, 35_000_000), 1_000_000);
        let positions = 3 + rng.below(10) as u32;
        let posted_at = at_time(posted_on, rng);
        let vacancy = NewVacancy {
            id: rng.next_id(),
            employer_id: employer_id.to_owned(),
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
        self.slots.push(VacancySlot {
            id: vacancy.id.clone(),
            employer_id: employer_id.to_owned(),
            occupation_code: code,
            posted_on,
            country: Some(country.to_owned()),
            min_age: 18,
            max_age: 39,
            wage_min_vnd: wage_min,
            wage_max_vnd: wage_min + 8_000_000,
            deadline: vacancy.deadline.unwrap_or(posted_on),
            remaining: available_positions(positions, vacancy.deadline.unwrap_or(posted_on)),
        });
        self.vacancies.push(vacancy);
    }

    /// A course of one of the province's training providers.
    pub(super) fn course(&mut self, context: &Context, rng: &mut DemoRng) {
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
        self.courses.push(NewCourse {
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
        self.course_occupations.push(NewCourseOccupation {
            course_id: id.clone(),
            occupation_code: code,
        });
        self.course_slots.push(CourseSlot {
            id,
            starts_on,
            ends_on,
            remaining: capacity,
        });
    }

    /// Writes every row in one transaction and answers the supply the population draws on.
    pub(super) fn write(self, connection: &mut DbConn) -> QueryResult<Supply> {
        connection.write_transaction(|connection| {
            insert_chunks(connection, &self.employers, |connection, chunk| {
                crate::insert_rows!(connection, employers::table, chunk)
            })?;
            insert_chunks(connection, &self.vacancies, |connection, chunk| {
                crate::insert_rows!(connection, vacancies::table, chunk)
            })?;
            insert_chunks(connection, &self.courses, |connection, chunk| {
                crate::insert_rows!(connection, courses::table, chunk)
            })?;
            insert_chunks(connection, &self.course_occupations, |connection, chunk| {
                crate::insert_rows!(connection, course_occupations::table, chunk)
            })
        })?;
        let slots = self.slots;
        let course_slots = self.course_slots;
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
            employers: self.employers.len(),
        })
    }
}

/// What kind of domestic employer, its name, trades, whether it is in the province, and its
/// address.
fn domestic_kind(
    context: &Context,
    commune: &Commune,
    roll: f64,
    rng: &mut DemoRng,
) -> (&'static str, String, &'static [&'static str], bool, String) {
    if roll < 0.60 {
        // A factory in an industrial zone: a Vietnamese company, or from 0.45 a foreign one.
        let foreign = roll >= 0.45;
        let (trade, codes) = FACTORY_TRADES[rng.index(FACTORY_TRADES.len())];
        let name = format!(
            "Công ty TNHH {} {}{}",
            trade,
            COMPANY_NAMES[rng.index(COMPANY_NAMES.len())],
            if foreign { " Vina" } else { "" }
        );
        (
            if foreign { "fdi" } else { "company" },
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
    }
}
