//! Household poverty status under a multidimensional poverty standard (for 2022–2025,
//! Decree 07/2021/NĐ-CP). The thresholds are data ([`PovertyStandard`] comes from the
//! `poverty_standards` table); this module only holds the rule.

pub use super::statuses::HouseholdStatus;

impl HouseholdStatus {
    /// Poor, near-poor and newly-escaped households are what the programme's targets count.
    pub fn is_target(self) -> bool {
        self != HouseholdStatus::NotPoor
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            HouseholdStatus::Poor => "Hộ nghèo",
            HouseholdStatus::NearPoor => "Hộ cận nghèo",
            HouseholdStatus::NewlyEscaped => "Hộ mới thoát nghèo",
            HouseholdStatus::NotPoor => "Hộ không nghèo",
        }
    }
}

/// The numbers of one standard, as stored in `poverty_standards`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PovertyStandard {
    pub rural_income_line_vnd: i64,
    pub urban_income_line_vnd: i64,
    /// At or under the income line, lacking at least this many indicators makes a household
    /// poor; lacking fewer, near-poor.
    pub poor_min_deprivations: u32,
}

/// What a poverty review records about a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdAssessment {
    pub income_per_person_vnd: i64,
    pub urban: bool,
    /// How many of the standard's indicators the household lacks.
    pub deprivation_count: u32,
    /// The status set at the previous review, if there was one.
    pub previous_status: Option<HouseholdStatus>,
}

/// Derives a household's status.
///
/// At or under the income line of its area (urban or rural) a household is poor when it
/// lacks at least `poor_min_deprivations` indicators and near-poor otherwise. Above the line
/// it is not poor, however many indicators it lacks — unless it was poor or near-poor at the
/// previous review, which makes it *newly escaped*. A household already newly escaped at the
/// previous review and still above the line is not poor: the status marks the review at which
/// it left poverty, not every review after.
pub fn classify(assessment: HouseholdAssessment, standard: &PovertyStandard) -> HouseholdStatus {
    let income_line = if assessment.urban {
        standard.urban_income_line_vnd
    } else {
        standard.rural_income_line_vnd
    };
    if assessment.income_per_person_vnd <= income_line {
        if assessment.deprivation_count >= standard.poor_min_deprivations {
            return HouseholdStatus::Poor;
        }
        return HouseholdStatus::NearPoor;
    }
    match assessment.previous_status {
        Some(HouseholdStatus::Poor | HouseholdStatus::NearPoor) => HouseholdStatus::NewlyEscaped,
        _ => HouseholdStatus::NotPoor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decree 07/2021/NĐ-CP, as the reference data loads it.
    const STANDARD_2022_2025: PovertyStandard = PovertyStandard {
        rural_income_line_vnd: 1_500_000,
        urban_income_line_vnd: 2_000_000,
        poor_min_deprivations: 3,
    };

    fn status(
        income: i64,
        urban: bool,
        deprivations: u32,
        previous: Option<HouseholdStatus>,
    ) -> HouseholdStatus {
        classify(
            HouseholdAssessment {
                income_per_person_vnd: income,
                urban,
                deprivation_count: deprivations,
                previous_status: previous,
            },
            &STANDARD_2022_2025,
        )
    }

    #[test]
    fn exactly_at_the_rural_line_is_still_under_it() {
        assert_eq!(status(1_500_000, false, 3, None), HouseholdStatus::Poor);
        assert_eq!(status(1_500_000, false, 0, None), HouseholdStatus::NearPoor);
        assert_eq!(status(1_500_001, false, 3, None), HouseholdStatus::NotPoor);
    }

    #[test]
    fn exactly_at_the_urban_line_is_still_under_it() {
        assert_eq!(status(2_000_000, true, 3, None), HouseholdStatus::Poor);
        assert_eq!(status(2_000_000, true, 2, None), HouseholdStatus::NearPoor);
        assert_eq!(status(2_000_001, true, 12, None), HouseholdStatus::NotPoor);
    }

    #[test]
    fn three_deprivations_make_poor_two_make_near_poor() {
        assert_eq!(status(900_000, false, 2, None), HouseholdStatus::NearPoor);
        assert_eq!(status(900_000, false, 3, None), HouseholdStatus::Poor);
        assert_eq!(status(900_000, false, 12, None), HouseholdStatus::Poor);
        assert_eq!(status(0, true, 2, None), HouseholdStatus::NearPoor);
    }

    #[test]
    fn the_same_income_is_judged_by_the_line_of_its_area() {
        // 1.8 million is above the rural line and under the urban one.
        assert_eq!(status(1_800_000, false, 4, None), HouseholdStatus::NotPoor);
        assert_eq!(status(1_800_000, true, 4, None), HouseholdStatus::Poor);
        assert_eq!(status(1_800_000, true, 1, None), HouseholdStatus::NearPoor);
    }

    #[test]
    fn newly_escaped_only_from_a_previous_poor_or_near_poor_status() {
        assert_eq!(
            status(1_600_000, false, 5, Some(HouseholdStatus::Poor)),
            HouseholdStatus::NewlyEscaped
        );
        assert_eq!(
            status(1_600_000, false, 0, Some(HouseholdStatus::NearPoor)),
            HouseholdStatus::NewlyEscaped
        );
        assert_eq!(
            status(1_600_000, false, 0, Some(HouseholdStatus::NotPoor)),
            HouseholdStatus::NotPoor
        );
        assert_eq!(status(1_600_000, false, 0, None), HouseholdStatus::NotPoor);
        assert_eq!(
            status(1_600_000, false, 0, Some(HouseholdStatus::NewlyEscaped)),
            HouseholdStatus::NotPoor
        );
    }

    #[test]
    fn a_household_back_under_the_line_is_classified_afresh() {
        assert_eq!(
            status(1_000_000, false, 3, Some(HouseholdStatus::NewlyEscaped)),
            HouseholdStatus::Poor
        );
        assert_eq!(
            status(1_000_000, false, 1, Some(HouseholdStatus::NotPoor)),
            HouseholdStatus::NearPoor
        );
    }

    #[test]
    fn a_stricter_standard_moves_the_line() {
        let standard_2027 = PovertyStandard {
            rural_income_line_vnd: 2_200_000,
            urban_income_line_vnd: 2_800_000,
            poor_min_deprivations: 3,
        };
        let assessment = HouseholdAssessment {
            income_per_person_vnd: 2_100_000,
            urban: false,
            deprivation_count: 3,
            previous_status: None,
        };
        assert_eq!(
            classify(assessment, &STANDARD_2022_2025),
            HouseholdStatus::NotPoor
        );
        assert_eq!(classify(assessment, &standard_2027), HouseholdStatus::Poor);
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for &status in HouseholdStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert!("nghèo".parse::<HouseholdStatus>().is_err());
    }
}
