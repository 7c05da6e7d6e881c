//! Hires in the generated history: the referral, the placement with its snapshots, and the
//! follow-ups due after it.

use chrono::{Months, NaiveDate};

use super::{Batch, HouseholdFacts, LEFT_REASONS, Population};
use crate::demo::{AS_OF, at_time, days_after};
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus, ReferralStatus, WorkKind};
use crate::models::follow_ups::NewFollowUp;
use crate::models::overseas_stages::OverseasStage;
use crate::models::placements::NewPlacement;
use crate::models::referrals::NewReferral;

impl Population<'_> {
    /// Records a hire: the referral, the placement with its snapshots, and its follow-ups.
    /// Returns whether the worker is still in the job at the demo's "today", and the start
    /// date when the placement stands (was not withdrawn).
    pub(super) fn hire(
        &mut self,
        batch: &mut Batch,
        worker_id: &str,
        vacancy_index: usize,
        referral_on: NaiveDate,
        start: NaiveDate,
        (household, commune_id, target_household, ethnicity): (
            Option<&HouseholdFacts>,
            &str,
            bool,
            usize,
        ),
    ) -> (bool, Option<NaiveDate>) {
        let rng = &mut *self.rng;
        let slot = &self.supply.vacancies[vacancy_index];
        let withdrawn = rng.chance(0.012);
        let referral_at = at_time(referral_on, rng);
        let confirmed_on = days_after(start, -rng.between(1, 6)).max(referral_on);
        let confirmed_at = at_time(confirmed_on, rng).max(referral_at);
        let referral_id = rng.next_id();
        let minority = self.context.ethnicities[ethnicity].minority;
        batch.referrals.push(NewReferral {
            id: referral_id.clone().into(),
            vacancy_id: slot.id.clone(),
            worker_id: worker_id.to_owned(),
            status: if withdrawn {
                ReferralStatus::Withdrawn
            } else {
                ReferralStatus::Hired
            },
            match_score: Some((rng.between(550, 980) as f64) / 1000.0),
            match_explanation: explanation(target_household, minority, true),
            employer_explanation: explanation(false, false, true),
            match_rank: None,
            override_reason: None,
            rejection_reason: None,
            status_note: String::new(),
            created_by: Some(self.staff_user_id.clone()),
            status_changed_at: confirmed_at,
            created_at: referral_at,
            updated_at: confirmed_at,
            shared_at: Some(referral_at),
        });
        let placement_id = rng.next_id();
        let withdrawn_at = withdrawn
            .then(|| at_time(days_after(confirmed_on, rng.between(2, 20)), rng).max(confirmed_at));
        let commune_index = household.map(|facts| facts.commune);
        let poor_area = commune_index.map_or_else(
            || {
                self.context
                    .communes
                    .iter()
                    .find(|commune| {
                        commune.id == commune_id
                            || commune.successor_id.as_deref() == Some(commune_id)
                    })
                    .is_some_and(|commune| commune.poor_area)
            },
            |index| self.context.communes[index].poor_area,
        );
        batch.placements.push(NewPlacement {
            id: placement_id.clone().into(),
            referral_id: Some(referral_id.clone().into()),
            worker_id: worker_id.to_owned(),
            vacancy_id: Some(slot.id.clone()),
            employer_id: Some(slot.employer_id.clone()),
            kind: WorkKind::WageJob,
            occupation_code: None,
            activity: String::new(),
            expected_income_vnd: None,
            place: String::new(),
            model_id: None,
            start_date: start,
            wage_vnd: Some(
                rng.between(slot.wage_min_vnd / 100_000, slot.wage_max_vnd / 100_000) * 100_000,
            ),
            is_overseas: slot.country.is_some(),
            country: slot.country.clone(),
            household_status_snapshot: household.map(|facts| facts.status_on(start)),
            poor_area_snapshot: poor_area,
            commune_id_snapshot: commune_id.to_owned(),
            status: if withdrawn {
                PlacementStatus::Withdrawn
            } else {
                PlacementStatus::Active
            },
            withdrawn_reason: withdrawn.then(|| {
                rng.pick(&[
                    "Người lao động không đến nhận việc",
                    "Doanh nghiệp hủy đơn tuyển dụng",
                ])
                .to_owned()
            }),
            withdrawn_at,
            confirmed_by: Some(self.staff_user_id.clone()),
            confirmed_at,
            created_at: confirmed_at,
            updated_at: withdrawn_at.unwrap_or(confirmed_at),
        });
        if withdrawn {
            return (false, None);
        }
        if slot.country.is_some() {
            let dates = (referral_on, confirmed_on, start);
            self.overseas_stages(batch, &referral_id, dates, confirmed_at);
        }
        let still_employed = self.follow_ups(batch, &placement_id, start, confirmed_at);
        (still_employed && start <= AS_OF, Some(start))
    }
}

impl Population<'_> {
    /// Overseas: language training before the contract, departure on the start date.
    fn overseas_stages(
        &mut self,
        batch: &mut Batch,
        referral_id: &str,
        (referral_on, confirmed_on, start): (NaiveDate, NaiveDate, NaiveDate),
        confirmed_at: chrono::NaiveDateTime,
    ) {
        let rng = &mut *self.rng;
        let stages = [
            (
                "training",
                days_after(referral_on, rng.between(1, 20)).min(confirmed_on),
            ),
            ("contract", confirmed_on),
            ("departure", start),
            ("working", days_after(start, rng.between(3, 14))),
        ];
        for (stage, day) in stages.into_iter().filter(|(_, day)| *day <= AS_OF) {
            batch.overseas_stages.push(OverseasStage {
                id: rng.next_id(),
                referral_id: referral_id.to_owned(),
                stage: stage.to_owned(),
                reached_on: day,
                note: String::new(),
                recorded_by: Some(self.staff_user_id.clone()),
                created_at: at_time(day, rng).max(confirmed_at),
            });
        }
    }

    /// Follow-ups at 3, 6 and 12 months; those due before "today" have been recorded. Answers
    /// whether the worker was still employed at the last one recorded.
    fn follow_ups(
        &mut self,
        batch: &mut Batch,
        placement_id: &str,
        start: NaiveDate,
        confirmed_at: chrono::NaiveDateTime,
    ) -> bool {
        let rng = &mut *self.rng;
        let mut still_employed = true;
        for (months, keep_probability) in [(3_u32, 0.88), (6, 0.90), (12, 0.88)] {
            let due_on = start
                .checked_add_months(Months::new(months))
                .unwrap_or(start);
            let recorded_on = days_after(due_on, rng.between(0, 20));
            let created_at = confirmed_at;
            let (outcome, left_reason, recorded) = if recorded_on <= AS_OF {
                if still_employed && !rng.chance(keep_probability) {
                    still_employed = false;
                    (
                        FollowUpOutcome::Left,
                        Some(rng.pick(LEFT_REASONS).to_owned()),
                        Some(recorded_on),
                    )
                } else if still_employed {
                    (FollowUpOutcome::StillEmployed, None, Some(recorded_on))
                } else {
                    (
                        FollowUpOutcome::Left,
                        Some("Đã nghỉ việc từ lần theo dõi trước".to_owned()),
                        Some(recorded_on),
                    )
                }
            } else {
                (FollowUpOutcome::Pending, None, None)
            };
            let updated_at = recorded.map_or(created_at, |day| at_time(day, rng).max(created_at));
            batch.follow_ups.push(NewFollowUp {
                id: rng.next_id().into(),
                placement_id: placement_id.to_owned().into(),
                months_after_start: months as i32,
                due_on,
                outcome,
                left_reason,
                note: String::new(),
                recorded_on: recorded,
                recorded_by: recorded.map(|_| self.staff_user_id.clone()),
                income_vnd: None,
                created_at,
                updated_at,
            });
        }
        still_employed
    }
}

/// The sentence staff saw beside the match when they referred the worker.
pub(super) fn explanation(target_household: bool, minority: bool, strong: bool) -> String {
    let mut parts = vec![if strong {
        "Đúng nghề mong muốn"
    } else {
        "Gần với nghề mong muốn"
    }];
    if target_household {
        parts.push("thuộc hộ nghèo/cận nghèo/mới thoát nghèo (ưu tiên chính sách)");
    }
    if minority {
        parts.push("người dân tộc thiểu số (ưu tiên chính sách)");
    }
    format!("{}.", parts.join("; "))
}
