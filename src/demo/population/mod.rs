//! Generated households and workers, and each worker's history: services, training,
//! referrals, hires and follow-ups. Written in batches, so memory stays flat at any size.

mod hires;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use indicatif::ProgressBar;
use rand::distr::weighted::WeightedIndex;

use crate::db::DbConn;
use crate::db::reference::insert_chunks;
use crate::db::schema::{
    enrollments, follow_ups, household_deprivations, households, placements, referrals,
    service_records, worker_occupations, workers,
};
use crate::domain::poverty::{HouseholdAssessment, HouseholdStatus, classify};
use crate::domain::text::fold;
use crate::models::enrollments::NewEnrollment;
use crate::models::follow_ups::NewFollowUp;
use crate::models::households::{NewHousehold, NewHouseholdDeprivation};
use crate::models::placements::NewPlacement;
use crate::models::referrals::NewReferral;
use crate::models::service_records::NewServiceRecord;
use crate::models::workers::{NewWorker, NewWorkerOccupation};

use super::catalog::skill_phrases;
use super::context::{Context, STANDARD_ID};
use super::people::{self, NationalIds};
use super::supply::{POPULAR_OCCUPATIONS, Supply, pick_known};
use super::{AS_OF, DemoRng, DemoSummary, PERIOD_START, REFORM_DATE, at_time, days_after};
use hires::explanation;

/// Workers per write transaction.
pub const BATCH_WORKERS: usize = 2_000;

/// Share of workers placed abroad: about 0.13 %, which puts the default demo near the
/// plan's 150 overseas contracts.
pub const OVERSEAS_HIRE_SHARE: f64 = 0.0013;
const WILLING_OVERSEAS_SHARE: f64 = 0.09;

const EDUCATION_LEVELS: &[(&str, f64)] = &[
    ("none", 0.06),
    ("primary", 0.18),
    ("lower_secondary", 0.36),
    ("upper_secondary", 0.26),
    ("vocational_elementary", 0.07),
    ("vocational_intermediate", 0.04),
    ("college", 0.02),
    ("university", 0.01),
];

const REJECTION_REASONS: &[(&str, f64)] = &[
    ("no_show", 0.25),
    ("skills", 0.25),
    ("wage", 0.15),
    ("distance", 0.15),
    ("position_filled", 0.12),
    ("other", 0.08),
];

const LEFT_REASONS: &[&str] = &[
    "Về quê chăm sóc gia đình",
    "Thu nhập không như mong đợi",
    "Không quen khí hậu, môi trường làm việc",
    "Chuyển sang công việc khác",
    "Hết hợp đồng",
];

const SERVICE_KINDS: &[(&str, f64)] = &[
    ("counselling", 0.45),
    ("job_search_support", 0.25),
    ("career_guidance", 0.15),
    ("job_fair", 0.15),
];

#[derive(Default)]
struct Batch {
    households: Vec<NewHousehold>,
    deprivations: Vec<NewHouseholdDeprivation>,
    workers: Vec<NewWorker>,
    worker_occupations: Vec<NewWorkerOccupation>,
    enrollments: Vec<NewEnrollment>,
    service_records: Vec<NewServiceRecord>,
    referrals: Vec<NewReferral>,
    placements: Vec<NewPlacement>,
    follow_ups: Vec<NewFollowUp>,
    overseas_stages: Vec<crate::models::overseas_stages::OverseasStage>,
}

impl Batch {
    /// Writes the batch in one transaction, parents before children.
    fn flush(&mut self, connection: &mut DbConn, summary: &mut DemoSummary) -> QueryResult<()> {
        connection.write_transaction(|connection| {
            insert_chunks(connection, &self.households, |c, rows| {
                crate::insert_rows!(c, households::table, rows)
            })?;
            insert_chunks(connection, &self.deprivations, |c, rows| {
                crate::insert_rows!(c, household_deprivations::table, rows)
            })?;
            insert_chunks(connection, &self.workers, |c, rows| {
                crate::insert_rows!(c, workers::table, rows)
            })?;
            insert_chunks(connection, &self.worker_occupations, |c, rows| {
                crate::insert_rows!(c, worker_occupations::table, rows)
            })?;
            insert_chunks(connection, &self.enrollments, |c, rows| {
                crate::insert_rows!(c, enrollments::table, rows)
            })?;
            insert_chunks(connection, &self.service_records, |c, rows| {
                crate::insert_rows!(c, service_records::table, rows)
            })?;
            insert_chunks(connection, &self.referrals, |c, rows| {
                crate::insert_rows!(c, referrals::table, rows)
            })?;
            insert_chunks(connection, &self.placements, |c, rows| {
                crate::insert_rows!(c, placements::table, rows)
            })?;
            insert_chunks(connection, &self.follow_ups, |c, rows| {
                crate::insert_rows!(c, follow_ups::table, rows)
            })?;
            insert_chunks(connection, &self.overseas_stages, |c, rows| {
                crate::insert_rows!(c, crate::db::schema::overseas_stages::table, rows)
            })
        })?;
        summary.households += self.households.len() as u64;
        summary.workers += self.workers.len() as u64;
        summary.enrollments += self.enrollments.len() as u64;
        summary.service_records += self.service_records.len() as u64;
        summary.referrals += self.referrals.len() as u64;
        summary.placements += self.placements.len() as u64;
        summary.follow_ups += self.follow_ups.len() as u64;
        *self = Batch::default();
        Ok(())
    }
}

/// A household as its members' records need it.
struct HouseholdFacts {
    id: String,
    commune: usize,
    ethnicity: usize,
    family_name: &'static str,
    status: HouseholdStatus,
    previous_status: Option<HouseholdStatus>,
    review_year: i32,
    members: u32,
}

impl HouseholdFacts {
    /// The status a hire on `day` records: the previous review's, if the latest review came later.
    fn status_on(&self, day: NaiveDate) -> HouseholdStatus {
        match self.previous_status {
            Some(previous) if day.year() < self.review_year => previous,
            _ => self.status,
        }
    }
}

pub struct Population<'a> {
    context: &'a Context,
    supply: &'a mut Supply,
    rng: &'a mut DemoRng,
    staff_user_id: String,
    national_ids: NationalIds,
    commune_weights: Option<WeightedIndex<f64>>,
    household_serials: HashMap<usize, u32>,
    certificate_serial: u64,
}

impl<'a> Population<'a> {
    pub fn new(
        context: &'a Context,
        supply: &'a mut Supply,
        rng: &'a mut DemoRng,
        staff_user_id: String,
        seed: u64,
    ) -> Self {
        // Wards and towns are denser than rural communes.
        let weights: Vec<f64> = context
            .communes
            .iter()
            .map(|commune| if commune.urban { 1.5 } else { 1.0 })
            .collect();
        Population {
            context,
            supply,
            rng,
            staff_user_id,
            national_ids: NationalIds::new(
                &context.province_code,
                (seed.wrapping_mul(104_729).wrapping_add(271_828) % 1_000_000) as u32,
            ),
            commune_weights: WeightedIndex::new(weights).ok(),
            household_serials: HashMap::new(),
            certificate_serial: 0,
        }
    }

    pub fn generate(
        &mut self,
        connection: &mut DbConn,
        total_workers: u64,
        summary: &mut DemoSummary,
        progress: &ProgressBar,
    ) -> QueryResult<()> {
        let mut batch = Batch::default();
        let mut made = 0_u64;
        while made < total_workers {
            // One in eight workers registers on their own, outside any household of the list.
            let household = if self.rng.chance(0.125) {
                None
            } else {
                Some(self.household(&mut batch))
            };
            let members = match &household {
                Some(facts) => {
                    let wanted = 1 + self.rng.weighted(&[0.5, 0.35, 0.15]) as u32;
                    u64::from(wanted.min(facts.members))
                }
                None => 1,
            };
            for _ in 0..members.min(total_workers - made) {
                self.worker(household.as_ref(), &mut batch);
                made += 1;
            }
            if batch.workers.len() >= BATCH_WORKERS {
                progress.inc(batch.workers.len() as u64);
                batch.flush(connection, summary)?;
            }
        }
        progress.inc(batch.workers.len() as u64);
        batch.flush(connection, summary)
    }

    fn commune(&mut self) -> usize {
        match &self.commune_weights {
            Some(weights) => self.rng.sample(weights),
            None => 0,
        }
    }

    fn ethnicity_for(&mut self, commune: usize) -> usize {
        if self.context.communes[commune].urban {
            self.rng.sample(&self.context.urban_ethnic_weights)
        } else {
            self.rng.sample(&self.context.ethnic_weights)
        }
    }

    fn household(&mut self, batch: &mut Batch) -> HouseholdFacts {
        let commune = self.commune();
        let ethnicity = self.ethnicity_for(commune);
        let urban = self.context.communes[commune].urban;
        let minority = self.context.ethnicities[ethnicity].minority;
        let standard = self.context.standard;
        let income_line = if urban {
            standard.urban_income_line_vnd
        } else {
            standard.rural_income_line_vnd
        };
        let min_deprivations = standard.poor_min_deprivations as i64;
        let indicator_count = self.context.indicator_keys.len() as i64;

        // Aim at a status, then draw the income and deprivations a review would find for it;
        // the recorded status is what the standard derives from them.
        let aims: [f64; 4] = if minority {
            [0.34, 0.20, 0.14, 0.32]
        } else {
            [0.10, 0.12, 0.10, 0.68]
        };
        let aim = HouseholdStatus::ALL[self.rng.weighted(&aims)];
        let under_line_income = |rng: &mut DemoRng| {
            if rng.chance(0.02) {
                income_line // exactly at the line still counts as under it
            } else {
                (income_line as f64 * (0.35 + 0.63 * rng.unit())) as i64 / 10_000 * 10_000
            }
        };
        let (income, deprivation_count, previous_status) = match aim {
            HouseholdStatus::Poor => {
                let previous = self.rng.pick(&[
                    Some(HouseholdStatus::Poor),
                    Some(HouseholdStatus::Poor),
                    None,
                    Some(HouseholdStatus::NearPoor),
                ]);
                (
                    under_line_income(self.rng),
                    self.rng.between(
                        min_deprivations,
                        (min_deprivations + 4).min(indicator_count),
                    ),
                    previous,
                )
            }
            HouseholdStatus::NearPoor => {
                let previous = self.rng.pick(&[
                    Some(HouseholdStatus::NearPoor),
                    Some(HouseholdStatus::Poor),
                    None,
                    Some(HouseholdStatus::NotPoor),
                ]);
                (
                    under_line_income(self.rng),
                    self.rng.between(0, min_deprivations - 1),
                    previous,
                )
            }
            HouseholdStatus::NewlyEscaped => {
                let previous = self.rng.pick(&[
                    HouseholdStatus::Poor,
                    HouseholdStatus::Poor,
                    HouseholdStatus::NearPoor,
                ]);
                (
                    income_line + self.rng.between(2, 70) * 10_000,
                    self.rng.between(0, 4.min(indicator_count)),
                    Some(previous),
                )
            }
            HouseholdStatus::NotPoor => {
                let previous = self
                    .rng
                    .pick(&[None, None, None, Some(HouseholdStatus::NotPoor)]);
                (
                    (income_line as f64 * (1.05 + 2.0 * self.rng.unit())) as i64 / 10_000 * 10_000,
                    self.rng.between(0, 2),
                    previous,
                )
            }
        };
        let deprivation_count = deprivation_count.clamp(0, indicator_count) as usize;
        let status = classify(
            HouseholdAssessment {
                income_per_person_vnd: income,
                urban,
                deprivation_count: deprivation_count as u32,
                previous_status,
            },
            &standard,
        );
        let review_year = if self.rng.chance(0.7) { 2025 } else { 2024 };
        let registered_on = self
            .rng
            .date_between(PERIOD_START, super::date(2025, 6, 30));
        let created_at = at_time(registered_on, self.rng);
        let id = self.rng.next_id();
        let family_name = people::family_name(self.rng, &self.context.ethnicities[ethnicity].name);
        let female_head = self.rng.chance(0.2);
        let head_name = people::full_name(
            self.rng,
            &self.context.ethnicities[ethnicity].name,
            female_head,
            family_name,
        );
        let members = if urban {
            2 + self.rng.below(4)
        } else {
            2 + self.rng.below(7)
        } as u32;
        let serial = self.household_serials.entry(commune).or_insert(0);
        *serial += 1;
        let commune_id = &self.context.communes[commune].id;
        let commune_code = commune_id.split('@').next().unwrap_or(commune_id);
        let code = format!("{commune_code}{serial:06}");

        // Which indicators it lacks: a partial shuffle of the standard's list.
        let mut keys: Vec<usize> = (0..self.context.indicator_keys.len()).collect();
        for position in 0..deprivation_count {
            let other = position + self.rng.index(keys.len() - position);
            keys.swap(position, other);
        }
        let mut lacking: Vec<&String> = keys[..deprivation_count]
            .iter()
            .map(|&key| &self.context.indicator_keys[key])
            .collect();
        lacking.sort();
        for key in lacking {
            batch.deprivations.push(NewHouseholdDeprivation {
                household_id: id.clone(),
                indicator_key: key.clone(),
            });
        }
        batch.households.push(NewHousehold {
            id: id.clone(),
            search_name: fold(&head_name),
            code,
            commune_id: commune_id.clone(),
            head_name,
            ethnicity_code: self.context.ethnicities[ethnicity].code.clone(),
            members: members as i32,
            income_per_person_vnd: income,
            urban,
            status: status.as_str().to_owned(),
            previous_status: previous_status.map(|previous| previous.as_str().to_owned()),
            review_year,
            standard_id: STANDARD_ID.to_owned(),
            created_at,
            updated_at: created_at,
        });
        HouseholdFacts {
            id,
            commune,
            ethnicity,
            family_name,
            status,
            previous_status,
            review_year,
            members,
        }
    }

    fn worker(&mut self, household: Option<&HouseholdFacts>, batch: &mut Batch) {
        let rng = &mut *self.rng;
        let (commune, ethnicity) = match household {
            Some(facts) => (facts.commune, facts.ethnicity),
            None => {
                let commune = match &self.commune_weights {
                    Some(weights) => rng.sample(weights),
                    None => 0,
                };
                let ethnicity = if self.context.communes[commune].urban {
                    rng.sample(&self.context.urban_ethnic_weights)
                } else {
                    rng.sample(&self.context.ethnic_weights)
                };
                (commune, ethnicity)
            }
        };
        let ethnic_name = self.context.ethnicities[ethnicity].name.clone();
        let target_household = household.is_some_and(|facts| facts.status.is_target());
        let female = rng.chance(0.49);
        let willing_overseas = rng.chance(if female {
            WILLING_OVERSEAS_SHARE * 0.6
        } else {
            WILLING_OVERSEAS_SHARE * 1.4
        });

        // The first hire, if any, fixes the dates the rest of the record hangs on.
        let placed = rng.chance(if target_household { 0.74 } else { 0.66 });
        let overseas = placed
            && willing_overseas
            && rng.chance(OVERSEAS_HIRE_SHARE / (0.7 * WILLING_OVERSEAS_SHARE));
        let mut taken: Vec<usize> = Vec::new();
        let first_vacancy = if placed {
            self.supply.take_vacancy(overseas, &taken, rng).or_else(|| {
                if overseas {
                    self.supply.take_vacancy(false, &taken, rng)
                } else {
                    None
                }
            })
        } else {
            None
        };
        let (mut registered_on, first_referral_on) = match first_vacancy {
            Some(index) => {
                taken.push(index);
                let referral_on =
                    days_after(self.supply.vacancies[index].posted_on, rng.between(2, 20))
                        .min(AS_OF);
                (
                    days_after(referral_on, -rng.between(0, 300))
                        .max(PERIOD_START)
                        .min(referral_on),
                    Some(referral_on),
                )
            }
            None => (rng.date_between(PERIOD_START, days_after(AS_OF, -1)), None),
        };

        // Training, before the rest: an enrolment may move registration earlier.
        let in_training = rng.chance(if target_household { 0.26 } else { 0.2 });
        let course = if in_training {
            self.supply.take_course(rng)
        } else {
            None
        };
        if let Some(course_index) = course {
            let applied_on = days_after(
                self.supply.courses[course_index].starts_on,
                -rng.between(3, 25),
            );
            registered_on = registered_on.min(applied_on).max(PERIOD_START);
        }

        let age_range = first_vacancy.map_or((18, 52), |index| {
            let slot = &self.supply.vacancies[index];
            (slot.min_age.max(18), slot.max_age.min(52))
        });
        let age = rng.between(
            i64::from(age_range.0),
            i64::from(age_range.1.max(age_range.0)),
        );
        let birth_date = days_after(registered_on, -(age * 365 + rng.between(0, 364)));
        let commune_facts = &self.context.communes[commune];
        let commune_id = if registered_on >= REFORM_DATE {
            commune_facts.successor_id.clone()
        } else {
            None
        }
        .unwrap_or_else(|| commune_facts.id.clone());
        let family_name = match household {
            Some(facts) if rng.chance(0.85) => facts.family_name,
            _ => people::family_name(rng, &ethnic_name),
        };
        let full_name = people::full_name(rng, &ethnic_name, female, family_name);
        let created_at = at_time(registered_on, rng);
        let worker_id = rng.next_id();

        let mut desired: Vec<String> = Vec::new();
        let first_code = match first_vacancy {
            Some(index) if rng.chance(0.7) => self.supply.vacancies[index].occupation_code.clone(),
            _ => pick_known(rng, self.context, POPULAR_OCCUPATIONS),
        };
        desired.push(first_code);
        if rng.chance(0.4) {
            let second = self.context.occupations[rng.index(self.context.occupations.len())]
                .code
                .clone();
            if !desired.contains(&second) {
                desired.push(second);
            }
        }
        let mut skills: Vec<&str> = Vec::new();
        for code in &desired {
            let phrases = skill_phrases(code);
            if phrases.is_empty() {
                skills.push(self.context.occupation_name(code));
            } else {
                skills.push(phrases[rng.index(phrases.len())]);
            }
        }
        if willing_overseas && rng.chance(0.4) {
            skills.push(rng.pick(&[
                "biết tiếng Hàn cơ bản",
                "biết tiếng Nhật cơ bản",
                "biết tiếng Trung cơ bản",
            ]));
        }
        if self.context.ethnicities[ethnicity].minority && rng.chance(0.3) {
            skills.push("nói được tiếng dân tộc và tiếng phổ thông");
        }
        let education = EDUCATION_LEVELS
            [rng.weighted(&EDUCATION_LEVELS.iter().map(|(_, w)| *w).collect::<Vec<_>>())]
        .0;
        let qualifications = match education {
            "vocational_elementary" => "Chứng chỉ sơ cấp nghề".to_owned(),
            "vocational_intermediate" => "Bằng trung cấp nghề".to_owned(),
            "college" => "Bằng cao đẳng".to_owned(),
            "university" => "Bằng đại học".to_owned(),
            _ => String::new(),
        };
        let national_id = if rng.chance(0.95) {
            self.national_ids.next(birth_date, female)
        } else {
            None
        };
        let phone = rng.chance(0.85).then(|| people::phone(rng));
        let email = rng.chance(0.07).then(|| {
            format!(
                "{}{}@gmail.com",
                people::ascii_fold(&full_name),
                rng.below(1000)
            )
        });
        let expected_wage = rng.chance(0.8).then(|| rng.between(8, 18) * 500_000);
        let consent = rng.chance(0.88);

        // Services staff gave: most target-household workers ask for counselling.
        let service_count = if rng.chance(if target_household { 0.78 } else { 0.35 }) {
            1 + rng.below(3)
        } else {
            0
        };
        for _ in 0..service_count {
            let provided_on =
                rng.date_between(registered_on, days_after(registered_on, 400).min(AS_OF));
            let kind = SERVICE_KINDS
                [rng.weighted(&SERVICE_KINDS.iter().map(|(_, w)| *w).collect::<Vec<_>>())]
            .0;
            let at = at_time(provided_on, rng);
            batch.service_records.push(NewServiceRecord {
                id: rng.next_id(),
                worker_id: worker_id.clone(),
                kind: kind.to_owned(),
                provided_on,
                note: String::new(),
                recorded_by: Some(self.staff_user_id.clone()),
                created_at: at,
            });
        }

        let mut currently_training = false;
        if let Some(course_index) = course {
            let slot = &self.supply.courses[course_index];
            let applied_on = days_after(slot.starts_on, -rng.between(3, 25)).max(registered_on);
            let (status, progress, completed_on) = if slot.ends_on < AS_OF {
                let roll = rng.unit();
                if roll < 0.5 {
                    ("completed", 100, Some(slot.ends_on))
                } else if roll < 0.85 {
                    ("certified", 100, Some(slot.ends_on))
                } else {
                    ("dropped", rng.between(10, 60) as i32, None)
                }
            } else if slot.starts_on <= AS_OF {
                currently_training = true;
                let total = (slot.ends_on - slot.starts_on).num_days().max(1);
                let done = (AS_OF - slot.starts_on).num_days();
                (
                    if rng.chance(0.8) {
                        "attending"
                    } else {
                        "enrolled"
                    },
                    (done * 100 / total) as i32,
                    None,
                )
            } else {
                (
                    if rng.chance(0.6) {
                        "applied"
                    } else {
                        "enrolled"
                    },
                    0,
                    None,
                )
            };
            let certificate_no = (status == "certified").then(|| {
                self.certificate_serial += 1;
                format!("SC-{}-{:06}", slot.ends_on.year(), self.certificate_serial)
            });
            let at = at_time(applied_on, rng);
            batch.enrollments.push(NewEnrollment {
                id: rng.next_id(),
                course_id: slot.id.clone(),
                worker_id: worker_id.clone(),
                status: status.to_owned(),
                progress_percent: progress.clamp(0, 100),
                commune_id_at_enrolment: commune_id.clone(),
                applied_on,
                completed_on,
                certificate_no,
                created_at: at,
                updated_at: at,
            });
        }

        // Referrals that did not end in a hire.
        let unsuccessful = if first_vacancy.is_some() {
            rng.chance(0.25)
        } else {
            rng.chance(0.45)
        };
        if unsuccessful && let Some(index) = self.supply.any_vacancy(&taken, rng) {
            let slot = &self.supply.vacancies[index];
            let created_on = slot
                .posted_on
                .max(days_after(registered_on, rng.between(3, 60)));
            if created_on < AS_OF && (slot.country.is_none() || willing_overseas) {
                taken.push(index);
                let roll = rng.unit();
                let status = if first_vacancy.is_some() || roll < 0.55 {
                    "rejected"
                } else if roll < 0.65 {
                    "withdrawn"
                } else if roll < 0.80 {
                    "referred"
                } else if roll < 0.88 {
                    "interview"
                } else {
                    "shortlisted"
                };
                let reason = (status == "rejected").then(|| {
                    REJECTION_REASONS[rng.weighted(
                        &REJECTION_REASONS
                            .iter()
                            .map(|(_, w)| *w)
                            .collect::<Vec<_>>(),
                    )]
                    .0
                    .to_owned()
                });
                let created_at = at_time(created_on, rng);
                let changed_at =
                    at_time(days_after(created_on, rng.between(0, 20)).min(AS_OF), rng)
                        .max(created_at);
                batch.referrals.push(NewReferral {
                    id: rng.next_id(),
                    vacancy_id: slot.id.clone(),
                    worker_id: worker_id.clone(),
                    status: status.to_owned(),
                    match_score: Some((rng.between(300, 900) as f64) / 1000.0),
                    match_explanation: explanation(
                        target_household,
                        self.context.ethnicities[ethnicity].minority,
                        false,
                    ),
                    employer_explanation: explanation(false, false, false),
                    match_rank: None,
                    override_reason: None,
                    rejection_reason: reason,
                    status_note: String::new(),
                    created_by: Some(self.staff_user_id.clone()),
                    status_changed_at: changed_at,
                    created_at,
                    updated_at: changed_at,
                    shared_at: (status != "shortlisted").then_some(created_at),
                });
            }
        }

        // Hires: the first, and for some a second one later.
        let mut employed = false;
        if let (Some(index), Some(referral_on)) = (first_vacancy, first_referral_on) {
            let abroad = self.supply.vacancies[index].country.is_some();
            let start = days_after(
                referral_on,
                if abroad {
                    rng.between(90, 240)
                } else {
                    rng.between(7, 35)
                },
            );
            let context = (household, commune_id.as_str(), target_household, ethnicity);
            if start > AS_OF {
                // Hired only after the demo's "today": still in the employer's hands.
                let slot = &self.supply.vacancies[index];
                let created_at = at_time(referral_on, rng);
                batch.referrals.push(NewReferral {
                    id: rng.next_id(),
                    vacancy_id: slot.id.clone(),
                    worker_id: worker_id.clone(),
                    status: rng.pick(&["referred", "interview"]).to_owned(),
                    match_score: Some((rng.between(550, 980) as f64) / 1000.0),
                    match_explanation: explanation(
                        target_household,
                        self.context.ethnicities[ethnicity].minority,
                        true,
                    ),
                    employer_explanation: explanation(false, false, true),
                    match_rank: None,
                    override_reason: None,
                    rejection_reason: None,
                    status_note: String::new(),
                    created_by: Some(self.staff_user_id.clone()),
                    status_changed_at: created_at,
                    created_at,
                    updated_at: created_at,
                    shared_at: Some(created_at),
                });
            } else {
                let (still_employed, first_start) =
                    self.hire(batch, &worker_id, index, referral_on, start, context);
                employed = still_employed;
                if first_start.is_some() && self.rng.chance(0.09) {
                    let later = days_after(start, self.rng.between(150, 500));
                    if let Some(second) = self.supply.take_vacancy(false, &taken, self.rng) {
                        taken.push(second);
                        let referral_on =
                            later.max(days_after(self.supply.vacancies[second].posted_on, 2));
                        let second_start = days_after(referral_on, self.rng.between(7, 35));
                        if second_start < AS_OF {
                            let (still, _) = self.hire(
                                batch,
                                &worker_id,
                                second,
                                referral_on,
                                second_start,
                                context,
                            );
                            employed = still;
                        }
                    }
                }
            }
        }

        let rng = &mut *self.rng;
        let availability = if employed {
            "employed"
        } else if currently_training {
            "in_training"
        } else if rng.chance(0.8) {
            "seeking"
        } else {
            "not_seeking"
        };
        for code in &desired {
            batch.worker_occupations.push(NewWorkerOccupation {
                worker_id: worker_id.clone(),
                occupation_code: code.clone(),
            });
        }
        batch.workers.push(NewWorker {
            id: worker_id,
            national_id,
            search_name: fold(&full_name),
            full_name,
            birth_date,
            gender: if female { "female" } else { "male" }.to_owned(),
            ethnicity_code: self.context.ethnicities[ethnicity].code.clone(),
            phone,
            email,
            commune_id,
            household_id: household.map(|facts| facts.id.clone()),
            education_level: education.to_owned(),
            qualifications,
            disability: rng.chance(0.02),
            skills: skills.join(", "),
            willing_to_relocate: rng.chance(0.5),
            willing_overseas,
            expected_wage_vnd: expected_wage,
            availability: availability.to_owned(),
            consent_to_share: consent,
            registered_on,
            created_at,
            updated_at: created_at,
        });
    }
}
