//! The counting rules: which facts a worker and a household contribute to each period.

use super::*;

/// Household statuses a connected worker's share counts (the plan's three target groups).
pub const TARGET_STATUSES: &[&str] = &["poor", "near_poor", "newly_escaped"];
/// Household statuses the household-employment target covers.
pub const COVERAGE_STATUSES: &[&str] = &["poor", "near_poor"];

/// The kinds of fact, as stored in `progress_facts.key`.
pub mod key {
    /// A person with a confirmed placement that started in the period.
    pub const CONNECTED: &str = "connected";
    /// A person who completed a course in the period, living in a poor area at enrolment.
    pub const TRAINED: &str = "trained";
    /// A person who left on an overseas contract (departure) in the period.
    pub const OVERSEAS: &str = "overseas";
    /// A person confirmed still employed at a follow-up ≥ 6 months after a placement of the period.
    pub const SUSTAINED: &str = "sustained";
    /// A registered worker of a target household (poor, near-poor, newly escaped).
    pub const TARGET_WORKER: &str = "target_worker";
    /// A target-household worker with a recorded service in the period.
    pub const COUNSELLED: &str = "counselled";
    /// A poor or near-poor household.
    pub const TARGET_HOUSEHOLD: &str = "target_household";
    /// A poor or near-poor household with a member in sustainable employment.
    pub const COVERED_HOUSEHOLD: &str = "covered_household";
    /// A connected person whose counted placement was in a poor or difficult area when hired
    /// (the same placement as their `connected` fact).
    pub const CONNECTED_AREA: &str = "connected_area";
    /// A registered worker living in a poor or difficult area.
    pub const AREA_WORKER: &str = "area_worker";
    /// An area worker who has completed a course (by the period's end).
    pub const AREA_TRAINED: &str = "area_trained";
    /// An area worker who holds a course's certificate (by the period's end).
    pub const AREA_CERTIFIED: &str = "area_certified";
    /// A connected person whose counted work is not a wage job, under its kind (the same
    /// placement as their `connected` fact): the breakdown of "connected" by kind of work.
    pub const CONNECTED_BY_KIND: &[(&str, &str)] = &[
        ("self_employed", "connected_self_employed"),
        ("household_business", "connected_household_business"),
        ("cooperative_member", "connected_cooperative_member"),
        ("livelihood_model", "connected_livelihood_model"),
        ("public_works", "connected_public_works"),
    ];

    /// The fact key of a connected person's kind of work, for kinds other than wage jobs.
    pub fn connected_kind(kind: &str) -> Option<&'static str> {
        CONNECTED_BY_KIND
            .iter()
            .find(|(named, _)| *named == kind)
            .map(|(_, key)| *key)
    }
}

pub(super) fn status_or_none(status: Option<&str>) -> String {
    status.unwrap_or("none").to_owned()
}

/// The earliest of `items` by day, then by id, so ties are broken the same way every time.
pub(super) fn first<T, F>(items: impl Iterator<Item = T>, by: F) -> Option<T>
where
    F: Fn(&T) -> (NaiveDate, String),
{
    items.min_by_key(|item| by(item))
}

/// The facts one worker contributes to each period.
pub fn worker_facts(worker: &WorkerIn, periods: &[Period]) -> Vec<Fact> {
    // An archived record keeps what it achieved: a confirmed placement stays counted. It only
    // leaves the stocks of people to serve (target workers, counselled).
    let mut facts = Vec::new();
    let current_status = status_or_none(worker.household_status.as_deref());
    let active: Vec<&PlacementIn> = worker.placements.iter().filter(|p| p.active).collect();
    for period in periods {
        let counting = Counting { worker, period };
        facts.extend(counting.connected(&active));
        facts.extend(counting.area_trained(&current_status));
        facts.extend(counting.overseas(&active));
        facts.extend(counting.trained(&current_status));
        facts.extend(counting.sustained(&active, &current_status));
        facts.extend(counting.target(&current_status));
    }
    facts
}

/// One worker's facts in one period.
struct Counting<'a> {
    worker: &'a WorkerIn,
    period: &'a Period,
}

impl Counting<'_> {
    fn fact(
        &self,
        key: &str,
        day: NaiveDate,
        commune: &str,
        status: String,
        country: Option<&str>,
        record: &str,
    ) -> Fact {
        Fact {
            period_code: self.period.code.clone(),
            key: key.to_owned(),
            subject_id: self.worker.id.clone(),
            counted_on: day,
            commune_id: commune.to_owned(),
            household_status: status,
            minority: self.worker.minority,
            gender: self.worker.gender.clone(),
            country: country.unwrap_or_default().to_owned(),
            record_id: record.to_owned(),
        }
    }

    /// Connected: the first confirmed placement of the period of a kind the period counts
    /// (wage jobs, and whichever other kinds its rule names); its snapshot is the status. The
    /// same placement makes a `connected_area` fact when it was in a poor or difficult area.
    fn connected(&self, active: &[&PlacementIn]) -> Vec<Fact> {
        let Some(placement) = first(
            active.iter().filter(|p| {
                self.period.contains(p.start_date) && self.period.counts_connected(&p.kind)
            }),
            |p| (p.start_date, p.id.clone()),
        ) else {
            return Vec::new();
        };
        let fact = |key: &str| {
            self.fact(
                key,
                placement.start_date,
                &placement.commune_id_snapshot,
                status_or_none(placement.household_status_snapshot.as_deref()),
                placement.country.as_deref(),
                &placement.id,
            )
        };
        let mut facts = vec![fact(key::CONNECTED)];
        if placement.area_snapshot {
            facts.push(fact(key::CONNECTED_AREA));
        }
        if let Some(kind_key) = key::connected_kind(&placement.kind) {
            facts.push(fact(kind_key));
        }
        facts
    }

    /// Overseas: the first departure of the period on a confirmed overseas placement.
    fn overseas(&self, active: &[&PlacementIn]) -> Option<Fact> {
        let departures = self.worker.departures.iter().filter_map(|(referral, day)| {
            active
                .iter()
                .find(|p| p.country.is_some() && p.referral_id.as_deref() == Some(referral))
                .filter(|_| self.period.contains(*day))
                .map(|p| (*day, *p))
        });
        let (day, placement) = first(departures, |(day, p)| (*day, p.id.clone()))?;
        Some(self.fact(
            key::OVERSEAS,
            day,
            &placement.commune_id_snapshot,
            status_or_none(placement.household_status_snapshot.as_deref()),
            placement.country.as_deref(),
            &placement.id,
        ))
    }

    /// Trained: a course completed in the period by someone living in a poor area at enrolment.
    fn trained(&self, current_status: &str) -> Option<Fact> {
        let completion = first(
            self.worker
                .completions
                .iter()
                .filter(|c| c.poor_area && self.period.contains(c.day)),
            |c| (c.day, c.id.clone()),
        )?;
        Some(self.fact(
            key::TRAINED,
            completion.day,
            &completion.commune,
            current_status.to_owned(),
            None,
            &completion.id,
        ))
    }

    /// Workers living in a poor or difficult area registered by the period's end, and those of
    /// them trained (a course completed by then) and certified: stocks at the window's end,
    /// counted from the period's start at the earliest.
    fn area_trained(&self, current_status: &str) -> Vec<Fact> {
        let worker = self.worker;
        let period = self.period;
        if !worker.in_area || worker.archived || worker.registered_on > period.ends_on {
            return Vec::new();
        }
        let from = |day: NaiveDate| day.max(period.starts_on);
        let fact = |key: &str, day: NaiveDate, record: &str| {
            self.fact(
                key,
                from(day),
                &worker.commune_id,
                current_status.to_owned(),
                None,
                record,
            )
        };
        let mut facts = vec![fact(key::AREA_WORKER, worker.registered_on, &worker.id)];
        let by_end = |certified: bool| {
            first(
                worker
                    .completions
                    .iter()
                    .filter(|c| c.day <= period.ends_on && (c.certified || !certified)),
                |c| (c.day, c.id.clone()),
            )
        };
        if let Some(completion) = by_end(false) {
            facts.push(fact(key::AREA_TRAINED, completion.day, &completion.id));
        }
        if let Some(completion) = by_end(true) {
            facts.push(fact(key::AREA_CERTIFIED, completion.day, &completion.id));
        }
        facts
    }

    /// Sustained: still employed at a follow-up ≥ 6 months of a placement of the period, of
    /// any kind of work (the household-coverage target counts every kind).
    fn sustained(&self, active: &[&PlacementIn], current_status: &str) -> Option<Fact> {
        let confirmations = self
            .worker
            .confirmations
            .iter()
            .filter_map(|(id, placement, day)| {
                active
                    .iter()
                    .find(|p| &p.id == placement && self.period.contains(p.start_date))
                    .map(|p| (id, *day, *p))
            });
        let (id, day, placement) = first(confirmations, |(id, day, _)| (*day, (*id).clone()))?;
        Some(self.fact(
            key::SUSTAINED,
            day,
            &placement.commune_id_snapshot,
            current_status.to_owned(),
            placement.country.as_deref(),
            id,
        ))
    }

    /// Target-household workers registered by the period's end or served in it (anyone
    /// served was registered), and those of them served in the period.
    fn target(&self, current_status: &str) -> Vec<Fact> {
        let worker = self.worker;
        let period = self.period;
        let mut facts = Vec::new();
        let target = worker
            .household_status
            .as_deref()
            .is_some_and(|status| TARGET_STATUSES.contains(&status));
        if !target || worker.archived {
            return facts;
        }
        let served = first(
            worker
                .services
                .iter()
                .filter(|(_, day)| period.contains(*day)),
            |(id, day)| (*day, id.clone()),
        );
        let registered = (worker.registered_on <= period.ends_on)
            .then(|| worker.registered_on.max(period.starts_on));
        if let Some(day) = registered.or(served.map(|(_, day)| *day)) {
            facts.push(self.fact(
                key::TARGET_WORKER,
                day,
                &worker.commune_id,
                current_status.to_owned(),
                None,
                &worker.id,
            ));
        }
        if let Some((id, day)) = served {
            facts.push(self.fact(
                key::COUNSELLED,
                *day,
                &worker.commune_id,
                current_status.to_owned(),
                None,
                id,
            ));
        }
        facts
    }
}

/// The facts one household contributes to each period: poor or near-poor now, and covered when
/// a member is in sustainable employment from a placement of the period.
pub fn household_facts(household: &HouseholdIn, periods: &[Period]) -> Vec<Fact> {
    let mut facts = Vec::new();
    if household.archived || !COVERAGE_STATUSES.contains(&household.status.as_str()) {
        return facts;
    }
    for period in periods {
        let fact = |key: &str, day: NaiveDate, record: &str| Fact {
            period_code: period.code.clone(),
            key: key.to_owned(),
            subject_id: household.id.clone(),
            counted_on: day,
            commune_id: household.commune_id.clone(),
            household_status: household.status.clone(),
            minority: household.minority,
            gender: String::new(),
            country: String::new(),
            record_id: record.to_owned(),
        };
        facts.push(fact(
            key::TARGET_HOUSEHOLD,
            household
                .registered_on
                .clamp(period.starts_on, period.ends_on),
            &household.id,
        ));
        if let Some((_, day, member)) = first(
            household
                .sustained
                .iter()
                .filter(|(code, _, _)| *code == period.code),
            |(_, day, member)| (*day, member.clone()),
        ) {
            facts.push(fact(key::COVERED_HOUSEHOLD, *day, member));
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn period() -> Vec<Period> {
        vec![Period {
            code: "2021-2025".into(),
            starts_on: day(2021, 1, 1),
            ends_on: day(2025, 12, 31),
            connected_kinds: "wage_job".into(),
        }]
    }

    fn placement(id: &str, start: NaiveDate, active: bool, status: &str) -> PlacementIn {
        PlacementIn {
            id: id.into(),
            referral_id: Some(format!("r-{id}")),
            start_date: start,
            active,
            country: None,
            household_status_snapshot: Some(status.into()),
            commune_id_snapshot: "c".into(),
            area_snapshot: false,
            kind: "wage_job".into(),
        }
    }

    fn completion(id: &str, day: NaiveDate, poor_area: bool, certified: bool) -> Completion {
        Completion {
            id: id.into(),
            day,
            commune: if poor_area { "poor" } else { "rich" }.into(),
            poor_area,
            certified,
        }
    }

    fn keys(facts: &[Fact]) -> Vec<(&str, NaiveDate, &str)> {
        let mut keys: Vec<_> = facts
            .iter()
            .map(|f| (f.key.as_str(), f.counted_on, f.record_id.as_str()))
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn a_person_placed_three_times_counts_once_at_the_first_placement_of_the_period() {
        let worker = WorkerIn {
            id: "w".into(),
            gender: "female".into(),
            registered_on: day(2020, 5, 1),
            placements: vec![
                placement("b", day(2024, 3, 1), true, "not_poor"),
                placement("a", day(2022, 7, 1), true, "poor"),
                placement("z", day(2020, 1, 1), true, "not_poor"),
                placement("w", day(2021, 2, 1), false, "poor"),
            ],
            ..WorkerIn::default()
        };
        let facts = worker_facts(&worker, &period());
        assert_eq!(keys(&facts), vec![("connected", day(2022, 7, 1), "a")]);
        assert_eq!(facts[0].household_status, "poor");
    }

    #[test]
    fn departure_counts_overseas_only_on_an_active_overseas_placement() {
        let mut abroad = placement("p", day(2023, 1, 1), true, "near_poor");
        abroad.country = Some("KR".into());
        let worker = WorkerIn {
            id: "w".into(),
            placements: vec![abroad.clone()],
            departures: vec![("r-p".into(), day(2023, 4, 2))],
            registered_on: day(2022, 1, 1),
            ..WorkerIn::default()
        };
        let facts = worker_facts(&worker, &period());
        assert!(keys(&facts).contains(&("overseas", day(2023, 4, 2), "p")));
        let mut withdrawn = worker.clone();
        withdrawn.placements[0].active = false;
        assert!(worker_facts(&withdrawn, &period()).is_empty());
        let mut not_left = worker;
        not_left.departures.clear();
        assert_eq!(
            keys(&worker_facts(&not_left, &period())),
            vec![("connected", day(2023, 1, 1), "p")]
        );
    }

    #[test]
    fn training_counts_only_from_a_poor_area_and_services_only_for_target_households() {
        let worker = WorkerIn {
            id: "w".into(),
            registered_on: day(2022, 1, 1),
            household_status: Some("not_poor".into()),
            completions: vec![
                completion("e1", day(2023, 5, 1), false, false),
                completion("e2", day(2024, 5, 1), true, false),
            ],
            services: vec![("s".into(), day(2023, 1, 1))],
            ..WorkerIn::default()
        };
        assert_eq!(
            keys(&worker_facts(&worker, &period())),
            vec![("trained", day(2024, 5, 1), "e2")]
        );
        let target = WorkerIn {
            household_status: Some("newly_escaped".into()),
            ..worker
        };
        let facts = worker_facts(&target, &period());
        assert!(keys(&facts).contains(&("counselled", day(2023, 1, 1), "s")));
        assert!(keys(&facts).contains(&("target_worker", day(2022, 1, 1), "w")));
    }

    #[test]
    fn the_area_share_counts_the_same_first_placement_only_when_it_was_in_an_area() {
        let mut in_area = placement("a", day(2022, 7, 1), true, "poor");
        in_area.area_snapshot = true;
        let mut later = placement("b", day(2024, 3, 1), true, "poor");
        later.area_snapshot = false;
        let worker = WorkerIn {
            id: "w".into(),
            registered_on: day(2020, 5, 1),
            placements: vec![later.clone(), in_area.clone()],
            ..WorkerIn::default()
        };
        assert_eq!(
            keys(&worker_facts(&worker, &period())),
            vec![
                ("connected", day(2022, 7, 1), "a"),
                ("connected_area", day(2022, 7, 1), "a"),
            ]
        );
        // The first placement of the period decides: a later one in an area does not count.
        let mut first_outside = worker;
        first_outside.placements[1].area_snapshot = false;
        first_outside.placements[0].area_snapshot = true;
        assert_eq!(
            keys(&worker_facts(&first_outside, &period())),
            vec![("connected", day(2022, 7, 1), "a")]
        );
    }

    #[test]
    fn an_area_worker_counts_trained_and_certified_by_the_period_end() {
        let worker = WorkerIn {
            id: "w".into(),
            in_area: true,
            registered_on: day(2019, 3, 1),
            completions: vec![
                completion("e1", day(2018, 5, 1), false, false),
                completion("e2", day(2026, 5, 1), false, true),
            ],
            ..WorkerIn::default()
        };
        // Trained before the period: a stock counted from its start; certified only in 2026.
        assert_eq!(
            keys(&worker_facts(&worker, &period())),
            vec![
                ("area_trained", day(2021, 1, 1), "e1"),
                ("area_worker", day(2021, 1, 1), "w"),
            ]
        );
        let outside = WorkerIn {
            in_area: false,
            ..worker.clone()
        };
        assert!(worker_facts(&outside, &period()).is_empty());
        let archived = WorkerIn {
            archived: true,
            ..worker
        };
        assert!(worker_facts(&archived, &period()).is_empty());
    }

    #[test]
    fn an_archived_record_keeps_its_placement_but_leaves_the_people_to_serve() {
        let worker = WorkerIn {
            id: "w".into(),
            archived: true,
            registered_on: day(2022, 1, 1),
            household_status: Some("poor".into()),
            placements: vec![placement("p", day(2023, 2, 1), true, "poor")],
            services: vec![("s".into(), day(2023, 1, 1))],
            ..WorkerIn::default()
        };
        assert_eq!(
            keys(&worker_facts(&worker, &period())),
            vec![("connected", day(2023, 2, 1), "p")]
        );
    }

    #[test]
    fn a_household_is_covered_by_a_member_sustained_in_the_period() {
        let household = HouseholdIn {
            id: "h".into(),
            status: "near_poor".into(),
            archived: false,
            commune_id: "c".into(),
            minority: true,
            registered_on: day(2019, 1, 1),
            sustained: vec![("2021-2025".into(), day(2024, 1, 9), "w".into())],
        };
        let facts = household_facts(&household, &period());
        assert_eq!(
            keys(&facts),
            vec![
                ("covered_household", day(2024, 1, 9), "w"),
                ("target_household", day(2021, 1, 1), "h"),
            ]
        );
        let escaped = HouseholdIn {
            status: "newly_escaped".into(),
            ..household
        };
        assert!(household_facts(&escaped, &period()).is_empty());
    }
}
