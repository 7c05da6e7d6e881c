//! One generated worker and their history: services, training, referrals, hires and follow-ups.
//! The parts draw from the random stream in a fixed order (person, profile, services,
//! training, referrals, hires, availability), so a seed gives the same province every time.

use super::*;

/// Who the worker is and the dates their record hangs on.
struct Person {
    ethnicity: usize,
    target_household: bool,
    female: bool,
    willing_overseas: bool,
    /// Vacancies this worker was already put forward for.
    taken: Vec<usize>,
    first_vacancy: Option<usize>,
    first_referral_on: Option<NaiveDate>,
    registered_on: NaiveDate,
    course: Option<usize>,
    birth_date: NaiveDate,
    commune_id: String,
    full_name: String,
    created_at: chrono::NaiveDateTime,
    worker_id: String,
}

/// What the worker's registration records beside who they are.
struct Profile {
    desired: Vec<String>,
    skills: String,
    education: &'static str,
    qualifications: String,
    national_id: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    expected_wage: Option<i64>,
    consent: bool,
}

impl Population<'_> {
    pub(super) fn worker(&mut self, household: Option<&HouseholdFacts>, batch: &mut Batch) {
        let mut person = self.person(household);
        let profile = self.profile(&person);
        self.services(&person, batch);
        let currently_training = self.training(&person, batch);
        self.unsuccessful_referral(&mut person, batch);
        let employed = self.hires(&mut person, household, batch);
        self.write_worker(
            person,
            profile,
            household,
            employed,
            currently_training,
            batch,
        );
    }

    /// Place, people, the first hire and course (which fix the dates), name and birth.
    fn person(&mut self, household: Option<&HouseholdFacts>) -> Person {
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

        Person {
            ethnicity,
            target_household,
            female,
            willing_overseas,
            taken,
            first_vacancy,
            first_referral_on,
            registered_on,
            course,
            birth_date,
            commune_id,
            full_name,
            created_at,
            worker_id,
        }
    }

    /// Desired occupations, skills, education, identity papers and contacts.
    fn profile(&mut self, person: &Person) -> Profile {
        let rng = &mut *self.rng;
        let Person {
            ethnicity,
            female,
            willing_overseas,
            first_vacancy,
            birth_date,
            ref full_name,
            ..
        } = *person;
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
                people::ascii_fold(full_name),
                rng.below(1000)
            )
        });
        let expected_wage = rng.chance(0.8).then(|| rng.between(8, 18) * 500_000);
        let consent = rng.chance(0.88);

        Profile {
            skills: skills.join(", "),
            desired,
            education,
            qualifications,
            national_id,
            phone,
            email,
            expected_wage,
            consent,
        }
    }

    fn services(&mut self, person: &Person, batch: &mut Batch) {
        let rng = &mut *self.rng;
        let Person {
            target_household,
            registered_on,
            ref worker_id,
            ..
        } = *person;
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
    }

    /// The worker's course, if any; answers whether they are in it now.
    fn training(&mut self, person: &Person, batch: &mut Batch) -> bool {
        let rng = &mut *self.rng;
        let Person {
            course,
            registered_on,
            ref commune_id,
            ref worker_id,
            ..
        } = *person;
        let mut currently_training = false;
        if let Some(course_index) = course {
            let slot = &self.supply.courses[course_index];
            let applied_on = days_after(slot.starts_on, -rng.between(3, 25)).max(registered_on);
            let (status, progress, completed_on) = if slot.ends_on < AS_OF {
                let roll = rng.unit();
                if roll < 0.5 {
                    (EnrollmentStatus::Completed, 100, Some(slot.ends_on))
                } else if roll < 0.85 {
                    (EnrollmentStatus::Certified, 100, Some(slot.ends_on))
                } else {
                    (EnrollmentStatus::Dropped, rng.between(10, 60) as i32, None)
                }
            } else if slot.starts_on <= AS_OF {
                currently_training = true;
                let total = (slot.ends_on - slot.starts_on).num_days().max(1);
                let done = (AS_OF - slot.starts_on).num_days();
                (
                    if rng.chance(0.8) {
                        EnrollmentStatus::Attending
                    } else {
                        EnrollmentStatus::Enrolled
                    },
                    (done * 100 / total) as i32,
                    None,
                )
            } else {
                (
                    if rng.chance(0.6) {
                        EnrollmentStatus::Applied
                    } else {
                        EnrollmentStatus::Enrolled
                    },
                    0,
                    None,
                )
            };
            let certificate_no = (status == EnrollmentStatus::Certified).then(|| {
                self.certificate_serial += 1;
                format!("SC-{}-{:06}", slot.ends_on.year(), self.certificate_serial)
            });
            let at = at_time(applied_on, rng);
            batch.enrollments.push(NewEnrollment {
                id: rng.next_id(),
                course_id: slot.id.clone(),
                worker_id: worker_id.clone(),
                status,
                progress_percent: progress.clamp(0, 100),
                commune_id_at_enrolment: commune_id.clone(),
                applied_on,
                completed_on,
                certificate_no,
                created_at: at,
                updated_at: at,
            });
        }
        currently_training
    }

    /// Referrals that did not end in a hire.
    fn unsuccessful_referral(&mut self, person: &mut Person, batch: &mut Batch) {
        let rng = &mut *self.rng;
        let Person {
            ethnicity,
            target_household,
            willing_overseas,
            ref mut taken,
            first_vacancy,
            registered_on,
            ref worker_id,
            ..
        } = *person;
        let unsuccessful = if first_vacancy.is_some() {
            rng.chance(0.25)
        } else {
            rng.chance(0.45)
        };
        if unsuccessful && let Some(index) = self.supply.any_vacancy(taken, rng) {
            let slot = &self.supply.vacancies[index];
            let created_on = slot
                .posted_on
                .max(days_after(registered_on, rng.between(3, 60)));
            if created_on < AS_OF && (slot.country.is_none() || willing_overseas) {
                taken.push(index);
                let roll = rng.unit();
                let status = if first_vacancy.is_some() || roll < 0.55 {
                    ReferralStatus::Rejected
                } else if roll < 0.65 {
                    ReferralStatus::Withdrawn
                } else if roll < 0.80 {
                    ReferralStatus::Referred
                } else if roll < 0.88 {
                    ReferralStatus::Interview
                } else {
                    ReferralStatus::Shortlisted
                };
                let reason = (status == ReferralStatus::Rejected).then(|| {
                    REJECTION_REASONS[rng.weighted(
                        &REJECTION_REASONS
                            .iter()
                            .map(|(_, w)| *w)
                            .collect::<Vec<_>>(),
                    )]
                    .0
                });
                let created_at = at_time(created_on, rng);
                let changed_at =
                    at_time(days_after(created_on, rng.between(0, 20)).min(AS_OF), rng)
                        .max(created_at);
                batch.referrals.push(NewReferral {
                    id: rng.next_id().into(),
                    vacancy_id: slot.id.clone(),
                    worker_id: worker_id.clone(),
                    status,
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
    }

    /// Hires: the first, and for some a second one later. Answers whether the worker is
    /// employed now.
    fn hires(
        &mut self,
        person: &mut Person,
        household: Option<&HouseholdFacts>,
        batch: &mut Batch,
    ) -> bool {
        let rng = &mut *self.rng;
        let Person {
            ethnicity,
            target_household,
            ref mut taken,
            first_vacancy,
            first_referral_on,
            ref commune_id,
            ref worker_id,
            ..
        } = *person;
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
                    id: rng.next_id().into(),
                    vacancy_id: slot.id.clone(),
                    worker_id: worker_id.clone(),
                    status: rng.pick(&[ReferralStatus::Referred, ReferralStatus::Interview]),
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
                    self.hire(batch, worker_id, index, referral_on, start, context);
                employed = still_employed;
                if first_start.is_some() && self.rng.chance(0.09) {
                    let later = days_after(start, self.rng.between(150, 500));
                    if let Some(second) = self.supply.take_vacancy(false, taken, self.rng) {
                        taken.push(second);
                        let referral_on =
                            later.max(days_after(self.supply.vacancies[second].posted_on, 2));
                        let second_start = days_after(referral_on, self.rng.between(7, 35));
                        if second_start < AS_OF {
                            let (still, _) = self.hire(
                                batch,
                                worker_id,
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
        employed
    }

    /// The worker's row and desired occupations, with their availability now.
    fn write_worker(
        &mut self,
        person: Person,
        profile: Profile,
        household: Option<&HouseholdFacts>,
        employed: bool,
        currently_training: bool,
        batch: &mut Batch,
    ) {
        let Person {
            ethnicity,
            female,
            willing_overseas,
            registered_on,
            birth_date,
            commune_id,
            full_name,
            created_at,
            worker_id,
            ..
        } = person;
        let Profile {
            desired,
            skills,
            education,
            qualifications,
            national_id,
            phone,
            email,
            expected_wage,
            consent,
        } = profile;
        let rng = &mut *self.rng;
        let availability = if employed {
            Availability::Employed
        } else if currently_training {
            Availability::InTraining
        } else if rng.chance(0.8) {
            Availability::Seeking
        } else {
            Availability::NotSeeking
        };
        for code in &desired {
            batch.worker_occupations.push(NewWorkerOccupation {
                worker_id: worker_id.clone(),
                occupation_code: code.clone(),
            });
        }
        batch.workers.push(NewWorker {
            message_channel: "both".to_owned(),
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
            skills,
            willing_to_relocate: rng.chance(0.5),
            willing_overseas,
            expected_wage_vnd: expected_wage,
            availability,
            consent_to_share: consent,
            consent_given_on: consent.then_some(registered_on),
            registered_on,
            created_at,
            updated_at: created_at,
        });
    }
}
