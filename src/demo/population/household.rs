//! One generated household: its commune, ethnicity, poverty review and deprivations.

use super::*;

impl Population<'_> {
    pub(super) fn household(&mut self, batch: &mut Batch) -> HouseholdFacts {
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
        let (income, deprivation_count, previous_status) =
            self.review_draw(aim, income_line, min_deprivations, indicator_count);
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
            .date_between(PERIOD_START, crate::demo::date(2025, 6, 30));
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
        batch.reviews.push(Review {
            household_id: id.clone(),
            year: review_year,
            standard_id: STANDARD_ID.to_owned(),
            income_per_person_vnd: income,
            urban,
            deprivations: lacking
                .iter()
                .map(|key| key.as_str())
                .collect::<Vec<_>>()
                .join(","),
            status,
            previous_status,
            recorded_at: created_at,
        });
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
            status,
            previous_status,
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

    /// The income, number of deprivations and previous status a review would find for a
    /// household of the status aimed at.
    fn review_draw(
        &mut self,
        aim: HouseholdStatus,
        income_line: i64,
        min_deprivations: i64,
        indicator_count: i64,
    ) -> (i64, i64, Option<HouseholdStatus>) {
        match aim {
            HouseholdStatus::Poor => {
                let previous = self.rng.pick(&[
                    Some(HouseholdStatus::Poor),
                    Some(HouseholdStatus::Poor),
                    None,
                    Some(HouseholdStatus::NearPoor),
                ]);
                (
                    under_line_income(self.rng, income_line),
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
                    under_line_income(self.rng, income_line),
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
        }
    }
}

/// An income under the poverty line (or exactly at it, which still counts as under).
fn under_line_income(rng: &mut DemoRng, income_line: i64) -> i64 {
    if rng.chance(0.02) {
        income_line
    } else {
        (income_line as f64 * (0.35 + 0.63 * rng.unit())) as i64 / 10_000 * 10_000
    }
}
