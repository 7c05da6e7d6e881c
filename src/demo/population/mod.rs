//! Generated households and workers, and each worker's history: services, training,
//! referrals, hires and follow-ups. Written in batches, so memory stays flat at any size.

mod hires;
mod household;
mod worker;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use indicatif::ProgressBar;
use rand::distr::weighted::WeightedIndex;

use crate::db::DbConn;
use crate::db::reference::insert_chunks;
use crate::db::schema::{
    enrollments, follow_ups, household_deprivations, household_reviews, households, placements,
    referrals, service_records, worker_occupations, workers,
};
use crate::domain::poverty::{HouseholdAssessment, HouseholdStatus, classify};
use crate::domain::statuses::{Availability, EnrollmentStatus, ReferralStatus, RejectionReason};
use crate::domain::text::fold;
use crate::models::enrollments::NewEnrollment;
use crate::models::follow_ups::NewFollowUp;
use crate::models::household_reviews::Review;
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

const REJECTION_REASONS: &[(RejectionReason, f64)] = &[
    (RejectionReason::NoShow, 0.25),
    (RejectionReason::Skills, 0.25),
    (RejectionReason::Wage, 0.15),
    (RejectionReason::Distance, 0.15),
    (RejectionReason::PositionFilled, 0.12),
    (RejectionReason::Other, 0.08),
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
    reviews: Vec<Review>,
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
            insert_chunks(connection, &self.reviews, |c, rows| {
                crate::insert_rows!(c, household_reviews::table, rows)
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
}
