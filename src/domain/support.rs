//! The training-cost support a worker is entitled to for an elementary (sơ cấp) or
//! under-3-month course: QĐ 46/2015/QĐ-TTg, Art. 4 (rates in `db/reference/support_rates.csv`,
//! sources in `db/reference/sources.md` §6). Each person is supported once; where a learner falls
//! into several groups the highest rate applies.

use super::statuses::HouseholdStatus;

/// The legal basis shown beside every amount.
pub const BASIS: &str = "QĐ 46/2015/QĐ-TTg, Điều 4";
/// The meal allowance per actual study day (Art. 5).
pub const MEAL_VND_PER_DAY: i64 = 30_000;

/// What the rules read about a worker.
#[derive(Debug, Clone, Copy, Default)]
pub struct Learner {
    pub disability: bool,
    pub minority: bool,
    pub female: bool,
    /// The household's current status, if the worker belongs to one.
    pub household: Option<HouseholdStatus>,
    /// Lives in a difficult (ĐBKK) commune or village.
    pub difficult_area: bool,
    /// Lives in a rural commune (xã), not a ward or town.
    pub rural: bool,
}

/// The group a learner is supported as, and its maximum per course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// A text key naming the group (`support.disability` …).
    pub group: &'static str,
    pub max_vnd: i64,
}

/// The highest training-cost support the learner's groups give, if any group applies.
pub fn training_support(learner: &Learner) -> Option<Support> {
    let poor = learner.household == Some(HouseholdStatus::Poor);
    let near_poor = learner.household == Some(HouseholdStatus::NearPoor);
    let (group, max_vnd) = if learner.disability {
        ("support.disability", 6_000_000)
    } else if poor && (learner.minority || learner.difficult_area) {
        ("support.poor_minority_or_difficult", 4_000_000)
    } else if learner.minority || poor {
        ("support.minority_or_poor", 3_000_000)
    } else if near_poor {
        ("support.near_poor", 2_500_000)
    } else if learner.female || learner.rural {
        ("support.women_rural", 2_000_000)
    } else {
        return None;
    };
    Some(Support { group, max_vnd })
}

/// Whether a course level falls under the decision (elementary or under three months).
pub fn covers_level(level: &str) -> bool {
    matches!(level, "elementary" | "under_3_months")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_group_applies() {
        let poor_minority = Learner {
            minority: true,
            household: Some(HouseholdStatus::Poor),
            female: true,
            ..Learner::default()
        };
        assert_eq!(
            training_support(&poor_minority).map(|s| s.max_vnd),
            Some(4_000_000)
        );
        let disabled = Learner {
            disability: true,
            ..poor_minority
        };
        assert_eq!(
            training_support(&disabled).map(|s| s.max_vnd),
            Some(6_000_000)
        );
        let poor_kinh_difficult = Learner {
            household: Some(HouseholdStatus::Poor),
            difficult_area: true,
            ..Learner::default()
        };
        assert_eq!(
            training_support(&poor_kinh_difficult).map(|s| s.max_vnd),
            Some(4_000_000)
        );
        let poor_kinh = Learner {
            household: Some(HouseholdStatus::Poor),
            ..Learner::default()
        };
        assert_eq!(
            training_support(&poor_kinh).map(|s| s.max_vnd),
            Some(3_000_000)
        );
        let near_poor = Learner {
            household: Some(HouseholdStatus::NearPoor),
            ..Learner::default()
        };
        assert_eq!(
            training_support(&near_poor).map(|s| s.max_vnd),
            Some(2_500_000)
        );
        let rural_man = Learner {
            rural: true,
            ..Learner::default()
        };
        assert_eq!(
            training_support(&rural_man).map(|s| s.max_vnd),
            Some(2_000_000)
        );
        assert_eq!(training_support(&Learner::default()), None);
    }

    /// The amounts are the reference data's, row for row.
    #[test]
    fn the_rates_are_those_of_the_reference_data() {
        let csv = include_str!("../db/reference/support_rates.csv");
        let amounts: Vec<i64> = csv
            .lines()
            .filter(|line| line.contains("QĐ 46/2015/QĐ-TTg Art.4"))
            .filter_map(|line| {
                line.split(',')
                    .find(|cell| cell.len() >= 7 && cell.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|cell| cell.parse().ok())
            })
            .collect();
        assert_eq!(
            amounts,
            [6_000_000, 4_000_000, 3_000_000, 2_500_000, 2_000_000]
        );
        assert!(csv.contains("meal allowance,30000,"));
        assert_eq!(MEAL_VND_PER_DAY, 30_000);
    }
}
