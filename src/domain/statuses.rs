//! The states a record moves through, as enums serialised to exactly the strings the API and
//! the database use (`"near_poor"`, `"interview"`, …). Each has `ALL`, `NAMES` (the strings,
//! for choice checks and form options) and `as_str`, and parses with `FromStr` or
//! `TryFrom<String>`. Each is also a SQL text value, so a row's column reads and writes it
//! directly (`referrals::status.eq(ReferralStatus::Hired)`), on either database.

use std::fmt;

/// A string that names none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;

            fn from_str(text: &str) -> Result<Self, UnknownValue> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue { kind: $kind, value: text.to_owned() }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownValue;

            fn try_from(text: String) -> Result<Self, UnknownValue> {
                text.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        sql_text!($name, to: |value| value.as_str(), from: |text| Ok(text.parse::<$name>()?));

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

status_enum! {
    /// The status of a household at a poverty review. The first three are the programme's
    /// *target* statuses.
    HouseholdStatus, "household status" {
        Poor = "poor",
        NearPoor = "near_poor",
        NewlyEscaped = "newly_escaped",
        NotPoor = "not_poor",
    }
}

status_enum! {
    /// Whether a worker is looking for work now.
    Availability, "availability" {
        Seeking = "seeking",
        InTraining = "in_training",
        Employed = "employed",
        NotSeeking = "not_seeking",
    }
}

status_enum! {
    /// The highest schooling or training a worker finished; also what a vacancy requires.
    EducationLevel, "education level" {
        None = "none",
        Primary = "primary",
        LowerSecondary = "lower_secondary",
        UpperSecondary = "upper_secondary",
        VocationalElementary = "vocational_elementary",
        VocationalIntermediate = "vocational_intermediate",
        College = "college",
        University = "university",
    }
}

status_enum! {
    /// Where a referral of a worker to a vacancy stands.
    ReferralStatus, "referral status" {
        Shortlisted = "shortlisted",
        Referred = "referred",
        Interview = "interview",
        Hired = "hired",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

impl ReferralStatus {
    /// The statuses of a referral still in play (it holds a place on the vacancy's shortlist).
    pub const OPEN: &'static [ReferralStatus] = &[
        ReferralStatus::Shortlisted,
        ReferralStatus::Referred,
        ReferralStatus::Interview,
    ];

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// Where a referral may go next, and who may move it there (`true`: an employer may too).
    pub fn next(self) -> &'static [(ReferralStatus, bool)] {
        use ReferralStatus::*;
        match self {
            Shortlisted => &[(Referred, false), (Withdrawn, false)],
            Referred => &[
                (Interview, true),
                (Hired, true),
                (Rejected, true),
                (Withdrawn, false),
            ],
            Interview => &[(Hired, true), (Rejected, true), (Withdrawn, false)],
            Hired => &[(Withdrawn, false)],
            Rejected | Withdrawn => &[],
        }
    }
}

status_enum! {
    /// Why an employer turned a referred worker down.
    RejectionReason, "rejection reason" {
        NoShow = "no_show",
        Skills = "skills",
        Wage = "wage",
        Distance = "distance",
        PositionFilled = "position_filled",
        Other = "other",
    }
}

status_enum! {
    /// A placement (a recorded hire) is active until the hire is withdrawn.
    PlacementStatus, "placement status" {
        Active = "active",
        Withdrawn = "withdrawn",
    }
}

status_enum! {
    /// The kind of work a placement records: a wage job through a vacancy, or work outside one
    /// that staff record on the worker.
    WorkKind, "kind of work" {
        WageJob = "wage_job",
        SelfEmployed = "self_employed",
        HouseholdBusiness = "household_business",
        CooperativeMember = "cooperative_member",
        LivelihoodModel = "livelihood_model",
        PublicWorks = "public_works",
    }
}

impl WorkKind {
    /// The kinds staff record on a worker, without a vacancy.
    pub const OUTSIDE_VACANCIES: &'static [&'static str] = &[
        "self_employed",
        "household_business",
        "cooperative_member",
        "livelihood_model",
        "public_works",
    ];
}

status_enum! {
    /// What a follow-up found.
    FollowUpOutcome, "follow-up outcome" {
        /// Not recorded yet.
        Pending = "pending",
        StillEmployed = "still_employed",
        Left = "left",
    }
}

impl FollowUpOutcome {
    /// The outcomes staff record.
    pub const RECORDED: &'static [&'static str] = &["still_employed", "left"];
}

status_enum! {
    /// Where a trainee's enrolment in a course stands.
    EnrollmentStatus, "enrolment status" {
        Applied = "applied",
        Enrolled = "enrolled",
        Attending = "attending",
        Completed = "completed",
        Certified = "certified",
        Dropped = "dropped",
    }
}

impl EnrollmentStatus {
    /// Statuses that hold a place on the course: confirmed and not dropped.
    pub const HOLDS_PLACE: [EnrollmentStatus; 4] = [
        EnrollmentStatus::Enrolled,
        EnrollmentStatus::Attending,
        EnrollmentStatus::Completed,
        EnrollmentStatus::Certified,
    ];
    /// Statuses of a course finished: what training counts and matching learns from.
    pub const FINISHED: [EnrollmentStatus; 2] =
        [EnrollmentStatus::Completed, EnrollmentStatus::Certified];

    /// The statuses an enrolment may move to from this one.
    pub fn next(self) -> &'static [EnrollmentStatus] {
        match self {
            EnrollmentStatus::Applied => &[EnrollmentStatus::Enrolled, EnrollmentStatus::Dropped],
            EnrollmentStatus::Enrolled => &[EnrollmentStatus::Attending, EnrollmentStatus::Dropped],
            EnrollmentStatus::Attending => {
                &[EnrollmentStatus::Completed, EnrollmentStatus::Dropped]
            }
            EnrollmentStatus::Completed => &[EnrollmentStatus::Certified],
            EnrollmentStatus::Certified | EnrollmentStatus::Dropped => &[],
        }
    }
}

status_enum! {
    /// The stages of a placement abroad on contract.
    OverseasStage, "overseas stage" {
        Training = "training",
        Contract = "contract",
        Departure = "departure",
        Working = "working",
        Returned = "returned",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_string_and_json() {
        for status in ReferralStatus::ALL {
            assert_eq!(status.as_str().parse::<ReferralStatus>(), Ok(*status));
            let json = serde_json::to_string(status).unwrap_or_default();
            assert_eq!(json, format!("\"{status}\""));
            let back: Result<ReferralStatus, _> = serde_json::from_str(&json);
            assert_eq!(back.ok(), Some(*status));
        }
        assert_eq!(Availability::NAMES.len(), Availability::ALL.len());
        assert_eq!(
            "hired_later".parse::<ReferralStatus>(),
            Err(UnknownValue {
                kind: "referral status",
                value: "hired_later".into()
            })
        );
        assert!(serde_json::from_str::<Availability>("\"busy\"").is_err());
    }

    #[test]
    fn a_referral_moves_only_forward_and_closed_ones_stay_closed() {
        assert!(ReferralStatus::Referred.is_open());
        assert!(!ReferralStatus::Hired.is_open());
        assert!(ReferralStatus::Rejected.next().is_empty());
        assert!(
            ReferralStatus::Interview
                .next()
                .iter()
                .all(|(next, _)| *next != ReferralStatus::Referred)
        );
    }
}
