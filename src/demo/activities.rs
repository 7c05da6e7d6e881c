//! Work outside vacancies in the demo: poverty-reduction models with their participants, job
//! fairs with the vacancies brought and the workers who came, and self-employment, household
//! businesses, cooperative membership and public works. Drawn after the population from a
//! stream of its own (seeded from the demo's seed), so every other row is the same with or
//! without them.
//!
//! Proportions: a model for about every 20,000 registered workers (at least the plan's five,
//! one of each kind first), each with 10–40 poor or near-poor households of its commune; a fair
//! for about every 4,000 workers, a few still to come; and 4 % of workers with work of their
//! own, most of it farming and small trade.

use std::collections::HashSet;

use chrono::{Months, NaiveDate};
use diesel::prelude::*;

use super::context::{Commune, Context};
use super::supply::Supply;
use super::{AS_OF, DemoRng, DemoSummary, at_time, date, days_after};
use crate::db::DbConn;
use crate::db::reference::insert_chunks;
use crate::db::schema::{follow_ups, households, placements, referrals, service_records, workers};
use crate::domain::poverty::HouseholdStatus;
use crate::domain::statuses::{FollowUpOutcome, PlacementStatus, WorkKind};
use crate::domain::text::fold;
use crate::models::follow_ups::NewFollowUp;
use crate::models::job_fairs::JobFair;
use crate::models::livelihood_models::LivelihoodModel;
use crate::models::placements::NewPlacement;

/// The stream's seed is the demo's, mixed with this.
const STREAM: u64 = 0x6b65_746e_6f69_2d77;
/// Workers read per page when choosing who works on their own.
const PAGE: i64 = 20_000;
/// Share of workers with work of their own.
const OWN_WORK_SHARE: f64 = 0.04;

/// The five kinds of model: how the demo names one, and the occupation of its participants.
const MODEL_KINDS: &[(&str, &str, &str)] = &[
    ("livestock", "Mô hình chăn nuôi bò sinh sản", "6121"),
    ("crops", "Mô hình trồng cây ăn quả trên đất dốc", "6112"),
    ("handicrafts", "Mô hình dệt thổ cẩm", "7318"),
    ("community_tourism", "Mô hình du lịch cộng đồng", "5113"),
    ("start_up", "Mô hình khởi nghiệp chế biến nông sản", "7512"),
];

/// An occupation's code and an activity in it.
type Activity = (&'static str, &'static str);

/// Work of one's own: kind, weight, occupations and activities.
const OWN_WORK: &[(WorkKind, f64, &[Activity])] = &[
    (
        WorkKind::SelfEmployed,
        0.40,
        &[
            ("6121", "Nuôi bò, lợn thịt"),
            ("6122", "Nuôi gà, vịt"),
            ("6111", "Trồng ngô, rau màu"),
        ],
    ),
    (
        WorkKind::HouseholdBusiness,
        0.25,
        &[
            ("5221", "Cửa hàng tạp hóa"),
            ("7512", "Làm bánh, đồ ăn sáng"),
            ("5120", "Quán ăn gia đình"),
        ],
    ),
    (
        WorkKind::CooperativeMember,
        0.20,
        &[
            ("6112", "Trồng chè, cà phê trong hợp tác xã"),
            ("9211", "Thu hái nông sản cho hợp tác xã"),
        ],
    ),
    (
        WorkKind::PublicWorks,
        0.15,
        &[
            ("9312", "Làm đường giao thông nông thôn"),
            ("9313", "Xây dựng công trình công cộng"),
        ],
    ),
];

/// Work to be written: the placement and its follow-ups.
#[derive(Default)]
struct Written {
    placements: Vec<NewPlacement>,
    follow_ups: Vec<NewFollowUp>,
}

impl Written {
    fn flush(&mut self, connection: &mut DbConn, summary: &mut DemoSummary) -> QueryResult<()> {
        connection.write_transaction(|connection| {
            insert_chunks(connection, &self.placements, |c, rows| {
                crate::insert_rows!(c, placements::table, rows)
            })?;
            insert_chunks(connection, &self.follow_ups, |c, rows| {
                crate::insert_rows!(c, follow_ups::table, rows)
            })
        })?;
        summary.placements += self.placements.len() as u64;
        summary.follow_ups += self.follow_ups.len() as u64;
        *self = Written::default();
        Ok(())
    }
}

/// One worker's work to record.
struct Work<'a> {
    worker_id: &'a str,
    commune_id: &'a str,
    status: Option<HouseholdStatus>,
    kind: WorkKind,
    occupation: &'a str,
    activity: &'a str,
    place: &'a str,
    model_id: Option<&'a str>,
    start: NaiveDate,
}

pub(super) struct Activities<'a> {
    context: &'a Context,
    rng: DemoRng,
    staff_user_id: &'a str,
    /// Communes in poor areas, by id (before and after the reform).
    poor_area_ids: HashSet<String>,
}

impl<'a> Activities<'a> {
    pub(super) fn new(context: &'a Context, staff_user_id: &'a str, seed: u64) -> Self {
        let poor_area_ids = context
            .communes
            .iter()
            .filter(|commune| commune.poor_area)
            .flat_map(|commune| [Some(commune.id.clone()), commune.successor_id.clone()])
            .flatten()
            .collect();
        Activities {
            context,
            rng: DemoRng::new(seed ^ STREAM),
            staff_user_id,
            poor_area_ids,
        }
    }

    pub(super) fn generate(
        &mut self,
        connection: &mut DbConn,
        supply: &Supply,
        workers: u64,
        summary: &mut DemoSummary,
    ) -> QueryResult<()> {
        self.models(connection, workers, summary)?;
        self.fairs(connection, supply, workers)?;
        self.own_work(connection, summary)
    }

    /// A commune (poor areas preferred when `poor`) and its id as in force on `day`.
    fn commune(&mut self, poor: bool, day: NaiveDate) -> (&'a Commune, String) {
        let communes = &self.context.communes;
        let pool: Vec<&'a Commune> = communes
            .iter()
            .filter(|commune| !poor || commune.poor_area)
            .collect();
        let commune = if pool.is_empty() {
            &communes[self.rng.index(communes.len())]
        } else {
            pool[self.rng.index(pool.len())]
        };
        let id = match &commune.successor_id {
            Some(successor) if day >= super::REFORM_DATE => successor.clone(),
            _ => commune.id.clone(),
        };
        (commune, id)
    }

    /// The placement of a piece of work and its 3/6/12-month follow-ups, with the income found.
    fn work(&mut self, written: &mut Written, work: Work) {
        let rng = &mut self.rng;
        let confirmed_at = at_time(work.start, rng);
        let expected = rng.between(15, 45) * 100_000;
        let placement_id = rng.next_id();
        written.placements.push(NewPlacement {
            id: placement_id.clone().into(),
            referral_id: None,
            worker_id: work.worker_id.to_owned(),
            vacancy_id: None,
            employer_id: None,
            kind: work.kind,
            occupation_code: Some(work.occupation.to_owned()),
            activity: work.activity.to_owned(),
            expected_income_vnd: Some(expected),
            place: work.place.to_owned(),
            model_id: work.model_id.map(str::to_owned),
            start_date: work.start,
            wage_vnd: None,
            is_overseas: false,
            country: None,
            household_status_snapshot: work.status,
            poor_area_snapshot: self.poor_area_ids.contains(work.commune_id),
            commune_id_snapshot: work.commune_id.to_owned(),
            status: PlacementStatus::Active,
            withdrawn_reason: None,
            withdrawn_at: None,
            confirmed_by: Some(self.staff_user_id.to_owned()),
            confirmed_at,
            created_at: confirmed_at,
            updated_at: confirmed_at,
        });
        let mut going = true;
        for months in [3_u32, 6, 12] {
            let due_on = work
                .start
                .checked_add_months(Months::new(months))
                .unwrap_or(work.start);
            let recorded_on = days_after(due_on, rng.between(0, 20));
            let (outcome, income, recorded) = if recorded_on > AS_OF {
                (FollowUpOutcome::Pending, None, None)
            } else if going && rng.chance(0.9) {
                let income = expected * rng.between(80, 130) / 100 / 10_000 * 10_000;
                (
                    FollowUpOutcome::StillEmployed,
                    Some(income),
                    Some(recorded_on),
                )
            } else {
                going = false;
                (FollowUpOutcome::Left, None, Some(recorded_on))
            };
            written.follow_ups.push(NewFollowUp {
                id: rng.next_id().into(),
                placement_id: placement_id.clone().into(),
                months_after_start: months as i32,
                due_on,
                outcome,
                left_reason: (outcome == FollowUpOutcome::Left)
                    .then(|| "Chuyển sang công việc khác".to_owned()),
                note: String::new(),
                recorded_on: recorded,
                recorded_by: recorded.map(|_| self.staff_user_id.to_owned()),
                income_vnd: income,
                created_at: confirmed_at,
                updated_at: recorded
                    .map_or(confirmed_at, |day| at_time(day, rng).max(confirmed_at)),
            });
        }
    }

    /// The models, one of each kind first, and their participants.
    fn models(
        &mut self,
        connection: &mut DbConn,
        workers: u64,
        summary: &mut DemoSummary,
    ) -> QueryResult<()> {
        let count = (workers / 20_000).clamp(5, 60) as usize;
        let mut written = Written::default();
        let mut taken: HashSet<String> = HashSet::new();
        for n in 0..count {
            let (model_type, title, occupation) = MODEL_KINDS[n % MODEL_KINDS.len()];
            let starts_on = self.rng.date_between(date(2021, 3, 1), date(2026, 6, 30));
            let (commune, commune_id) = self.commune(true, starts_on);
            let name = format!("{title} {}", commune.name);
            let created_at = at_time(
                days_after(starts_on, -self.rng.between(10, 40)),
                &mut self.rng,
            );
            let model = LivelihoodModel {
                id: self.rng.next_id(),
                search_name: fold(&name),
                name,
                model_type: model_type.to_owned(),
                starts_on,
                ends_on: (!self.rng.chance(0.2))
                    .then(|| days_after(starts_on, self.rng.between(700, 1100))),
                budget_vnd: Some(self.rng.between(3, 15) * 100_000_000),
                support_per_household_vnd: Some(self.rng.between(5, 20) * 1_000_000),
                description: String::new(),
                created_at,
                updated_at: created_at,
            };
            connection.write_transaction(|connection| {
                crate::models::livelihood_models::insert(
                    connection,
                    &model,
                    std::slice::from_ref(&commune_id),
                )
            })?;
            let ids = [commune.id.clone(), commune_id.clone()];
            let wanted = self.rng.between(10, 40);
            let members = poor_members(connection, &ids, wanted * 3)?;
            let mut households_in = HashSet::new();
            for (worker_id, worker_commune, household, status) in members {
                let household = household.unwrap_or_default();
                if households_in.len() as i64 >= wanted
                    || !households_in.insert(household)
                    || !taken.insert(worker_id.clone())
                {
                    continue;
                }
                let start = days_after(starts_on, self.rng.between(0, 60));
                if start > AS_OF {
                    continue;
                }
                self.work(
                    &mut written,
                    Work {
                        worker_id: &worker_id,
                        commune_id: &worker_commune,
                        status: status.parse().ok(),
                        kind: WorkKind::LivelihoodModel,
                        occupation,
                        activity: &model.name,
                        place: &commune.name,
                        model_id: Some(&model.id),
                        start,
                    },
                );
            }
        }
        written.flush(connection, summary)
    }

    /// Fairs with the vacancies brought and the workers who came (their `job_fair` services
    /// near the day, moved to it); referrals of those workers to those vacancies were made
    /// there. A few fairs are still to come, with workers registered.
    fn fairs(&mut self, connection: &mut DbConn, supply: &Supply, workers: u64) -> QueryResult<()> {
        let count = (workers / 4_000).clamp(4, 300) as usize;
        let domestic: Vec<usize> = (0..supply.vacancies.len())
            .filter(|&index| supply.vacancies[index].country.is_none())
            .collect();
        let mut used: HashSet<String> = HashSet::new();
        for _ in 0..count {
            let day = self
                .rng
                .date_between(date(2021, 3, 1), days_after(AS_OF, 75));
            let (commune, commune_id) = self.commune(false, day);
            let name = format!(
                "Phiên giao dịch việc làm {} tháng {}",
                commune.name,
                day.format("%m/%Y")
            );
            let created_at = at_time(days_after(day.min(AS_OF), -20), &mut self.rng);
            let fair = JobFair {
                id: self.rng.next_id(),
                search_name: fold(&name),
                name,
                held_on: day,
                place: format!("Nhà văn hóa {}", commune.name),
                online: false,
                organiser: "Trung tâm Dịch vụ việc làm tỉnh Sơn La".to_owned(),
                description: String::new(),
                created_at,
                updated_at: created_at,
            };
            let mut brought = Vec::new();
            for _ in 0..self.rng.between(3, 8) {
                if domestic.is_empty() {
                    break;
                }
                let slot = &supply.vacancies[domestic[self.rng.index(domestic.len())]];
                if !brought.contains(&slot.id) {
                    brought.push(slot.id.clone());
                }
            }
            let ids = [commune.id.clone(), commune_id.clone()];
            let came = if day <= AS_OF {
                job_fair_services(connection, &ids, day)?
            } else {
                Vec::new()
            };
            let coming: Vec<String> = if day > AS_OF {
                let mut living = commune_workers(connection, &ids)?;
                living.truncate(self.rng.between(10, 40) as usize);
                living
            } else {
                Vec::new()
            };
            let registered_at = at_time(days_after(day.min(AS_OF), -5), &mut self.rng);
            connection.write_transaction(|connection| {
                crate::models::job_fairs::insert(
                    connection,
                    &fair,
                    std::slice::from_ref(&commune_id),
                )?;
                for vacancy in &brought {
                    crate::models::job_fairs::add_vacancy(connection, &fair.id, vacancy)?;
                }
                let mut attendees = Vec::new();
                for (record, worker) in &came {
                    if attendees.contains(worker) || !used.insert(record.clone()) {
                        continue;
                    }
                    diesel::update(service_records::table.find(record))
                        .set((
                            service_records::provided_on.eq(day),
                            service_records::note.eq(&fair.name),
                        ))
                        .execute(connection)?;
                    crate::models::job_fairs::register_worker(
                        connection,
                        &fair.id,
                        worker,
                        Some(record),
                        registered_at,
                    )?;
                    attendees.push(worker.clone());
                }
                for worker in &coming {
                    crate::models::job_fairs::register_worker(
                        connection,
                        &fair.id,
                        worker,
                        None,
                        registered_at,
                    )?;
                }
                diesel::update(
                    referrals::table
                        .filter(referrals::vacancy_id.eq_any(&brought))
                        .filter(referrals::worker_id.eq_any(&attendees))
                        .filter(referrals::job_fair_id.is_null()),
                )
                .set(referrals::job_fair_id.eq(&fair.id))
                .execute(connection)
                .map(drop)
            })?;
        }
        Ok(())
    }

    /// Work of one's own for a share of all workers, page by page in id order.
    fn own_work(&mut self, connection: &mut DbConn, summary: &mut DemoSummary) -> QueryResult<()> {
        let weights: Vec<f64> = OWN_WORK.iter().map(|(_, weight, _)| *weight).collect();
        let mut after = String::new();
        loop {
            let page: Vec<(String, String, Option<String>)> = workers::table
                .left_join(households::table)
                .filter(workers::id.gt(&after))
                .filter(workers::archived_at.is_null())
                .order(workers::id)
                .select((
                    workers::id,
                    workers::commune_id,
                    households::status.nullable(),
                ))
                .limit(PAGE)
                .load(connection)?;
            let Some((last, _, _)) = page.last() else {
                return Ok(());
            };
            after = last.clone();
            let mut written = Written::default();
            for (worker_id, commune_id, status) in &page {
                if !self.rng.chance(OWN_WORK_SHARE) {
                    continue;
                }
                let (kind, _, activities) = OWN_WORK[self.rng.weighted(&weights)];
                let (occupation, activity) = activities[self.rng.index(activities.len())];
                let start = self.rng.date_between(date(2021, 2, 1), AS_OF);
                let place = self
                    .context
                    .communes
                    .iter()
                    .find(|commune| {
                        &commune.id == commune_id
                            || commune.successor_id.as_ref() == Some(commune_id)
                    })
                    .map(|commune| commune.name.clone())
                    .unwrap_or_default();
                self.work(
                    &mut written,
                    Work {
                        worker_id,
                        commune_id,
                        status: status.as_deref().and_then(|status| status.parse().ok()),
                        kind,
                        occupation,
                        activity,
                        place: &place,
                        model_id: None,
                        start,
                    },
                );
            }
            written.flush(connection, summary)?;
        }
    }
}

/// The ids of the workers living in the communes, in id order. Read through the commune index
/// and sorted here, so the query never walks the whole table in key order.
fn commune_workers(connection: &mut DbConn, communes: &[String]) -> QueryResult<Vec<String>> {
    let mut ids: Vec<String> = workers::table
        .filter(workers::commune_id.eq_any(communes))
        .filter(workers::archived_at.is_null())
        .select(workers::id)
        .load(connection)?;
    ids.sort();
    Ok(ids)
}

/// A household member: worker id, commune id, household id, household status.
type Member = (String, String, Option<String>, String);

/// Members of poor and near-poor households of the communes, in worker id order, at most
/// `limit`: `(worker id, commune id, household id, household status)`.
fn poor_members(
    connection: &mut DbConn,
    communes: &[String],
    limit: i64,
) -> QueryResult<Vec<Member>> {
    let poor: Vec<(String, String)> = households::table
        .filter(households::commune_id.eq_any(communes))
        .filter(households::status.eq_any(["poor", "near_poor"]))
        .select((households::id, households::status))
        .load(connection)?;
    let mut members = Vec::new();
    for chunk in poor.chunks(500) {
        let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
        let found: Vec<(String, String, Option<String>)> = workers::table
            .filter(workers::household_id.eq_any(ids))
            .filter(workers::archived_at.is_null())
            .select((workers::id, workers::commune_id, workers::household_id))
            .load(connection)?;
        for (worker, commune, household) in found {
            let status = chunk
                .iter()
                .find(|(id, _)| Some(id) == household.as_ref())
                .map(|(_, status)| status.clone())
                .unwrap_or_default();
            members.push((worker, commune, household, status));
        }
    }
    members.sort();
    members.truncate(limit as usize);
    Ok(members)
}

/// The `job_fair` services of the communes' workers within 45 days of `day`, in id order, at
/// most 80: `(service record id, worker id)`.
fn job_fair_services(
    connection: &mut DbConn,
    communes: &[String],
    day: NaiveDate,
) -> QueryResult<Vec<(String, String)>> {
    let living = commune_workers(connection, communes)?;
    let mut services = Vec::new();
    for chunk in living.chunks(500) {
        let found: Vec<(String, String)> = service_records::table
            .filter(service_records::worker_id.eq_any(chunk))
            .filter(service_records::kind.eq("job_fair"))
            .filter(service_records::provided_on.between(days_after(day, -45), days_after(day, 45)))
            .select((service_records::id, service_records::worker_id))
            .load(connection)?;
        services.extend(found);
    }
    services.sort();
    services.truncate(80);
    Ok(services)
}
