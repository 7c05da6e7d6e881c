//! What a worker looks like on the wire: the input of creates and PATCHes, the two views (staff
//! and employer) and the list filters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::poverty::HouseholdStatus;
use crate::domain::statuses::{Availability, EducationLevel};
use crate::domain::values;
use crate::models::workers::Worker;
use crate::registry::{nullable, unit_code};

pub const GENDERS: &[&str] = &["male", "female"];
pub const EDUCATION_LEVELS: &[&str] = EducationLevel::NAMES;
pub const AVAILABILITIES: &[&str] = Availability::NAMES;
/// How a worker is written to: a text when they have a phone and an e-mail when they have an
/// address (`both`), one of them, or nothing.
pub const MESSAGE_CHANNELS: &[&str] = &["both", "sms", "email", "none"];
pub const HOUSEHOLD_STATUSES: &[&str] = HouseholdStatus::NAMES;
/// Fields a trainee may change on their own record.
pub(super) const TRAINEE_FIELDS: &[&str] = &[
    "phone",
    "email",
    "skills",
    "desired_occupations",
    "willing_to_relocate",
    "willing_overseas",
    "expected_wage_vnd",
    "availability",
    "consent_to_share",
    "consent_given_on",
    "message_channel",
];

/// A worker as sent by a client: every field optional, so one shape serves create (where
/// the required ones are checked) and PATCH (where absent fields keep their values).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerInput {
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "014195000123")]
    pub national_id: Option<Option<String>>,
    #[schema(example = "1995-04-12")]
    pub birth_date: Option<String>,
    #[schema(example = "female")]
    pub gender: Option<String>,
    #[schema(example = "03")]
    pub ethnicity_code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "0912345678")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[schema(example = "03646")]
    pub commune_code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub household_id: Option<Option<String>>,
    pub education_level: Option<String>,
    pub qualifications: Option<String>,
    pub disability: Option<bool>,
    pub skills: Option<String>,
    pub desired_occupations: Option<Vec<String>>,
    pub willing_to_relocate: Option<bool>,
    pub willing_overseas: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub expected_wage_vnd: Option<Option<i64>>,
    pub availability: Option<String>,
    pub consent_to_share: Option<bool>,
    /// The day consent was given (YYYY-MM-DD, not in the future; default today when consent is
    /// first recorded).
    pub consent_given_on: Option<String>,
    /// How they are written to: `both` (the default), `sms`, `email` or `none`.
    pub message_channel: Option<String>,
}

impl WorkerInput {
    /// Names of the fields the client sent.
    pub(super) fn sent_fields(&self) -> Vec<&'static str> {
        let mut sent = Vec::new();
        let mut mark = |present: bool, name: &'static str| {
            if present {
                sent.push(name);
            }
        };
        mark(self.full_name.is_some(), "full_name");
        mark(self.national_id.is_some(), "national_id");
        mark(self.birth_date.is_some(), "birth_date");
        mark(self.gender.is_some(), "gender");
        mark(self.ethnicity_code.is_some(), "ethnicity_code");
        mark(self.phone.is_some(), "phone");
        mark(self.email.is_some(), "email");
        mark(self.commune_code.is_some(), "commune_code");
        mark(self.household_id.is_some(), "household_id");
        mark(self.education_level.is_some(), "education_level");
        mark(self.qualifications.is_some(), "qualifications");
        mark(self.disability.is_some(), "disability");
        mark(self.skills.is_some(), "skills");
        mark(self.desired_occupations.is_some(), "desired_occupations");
        mark(self.willing_to_relocate.is_some(), "willing_to_relocate");
        mark(self.willing_overseas.is_some(), "willing_overseas");
        mark(self.expected_wage_vnd.is_some(), "expected_wage_vnd");
        mark(self.availability.is_some(), "availability");
        mark(self.consent_to_share.is_some(), "consent_to_share");
        mark(self.consent_given_on.is_some(), "consent_given_on");
        mark(self.message_channel.is_some(), "message_channel");
        sent
    }
}

/// A worker as staff, administrators and the worker themself see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerView {
    pub id: String,
    pub full_name: String,
    pub national_id: Option<String>,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub ethnicity_code: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub commune_code: String,
    pub household_id: Option<String>,
    pub education_level: String,
    pub qualifications: String,
    pub disability: bool,
    pub skills: String,
    pub desired_occupations: Vec<String>,
    pub willing_to_relocate: bool,
    pub willing_overseas: bool,
    pub expected_wage_vnd: Option<i64>,
    #[schema(value_type = String)]
    pub availability: Availability,
    pub consent_to_share: bool,
    /// The day consent to share was given; none without consent.
    pub consent_given_on: Option<NaiveDate>,
    /// How they are written to: `both`, `sms`, `email` or `none`.
    pub message_channel: String,
    pub registered_on: NaiveDate,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the person withdrew their consent (Decree 13/2023): since then the profile is not
    /// shared or matched and nothing is sent to them. Read-only; a PATCH setting
    /// `consent_to_share` to true records consent given again.
    pub consent_withdrawn_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A worker as an employer sees one referred to its vacancies: never the CCCD, the household
/// or anything of its poverty status; contact details only with the worker's consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerForEmployer {
    pub id: String,
    pub full_name: String,
    pub age: i32,
    pub skills: String,
    pub desired_occupations: Vec<String>,
    pub commune_code: String,
    pub commune_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub(super) const FULL_VIEW_FIELDS: &[&str] = &[
    "full_name",
    "national_id",
    "birth_date",
    "gender",
    "ethnicity_code",
    "phone",
    "email",
    "commune_code",
    "household_id",
    "education_level",
    "qualifications",
    "disability",
    "skills",
    "desired_occupations",
    "willing_to_relocate",
    "willing_overseas",
    "expected_wage_vnd",
    "availability",
    "consent_to_share",
    "consent_given_on",
];
pub(super) const EMPLOYER_VIEW_FIELDS: &[&str] = &[
    "full_name",
    "birth_date",
    "skills",
    "desired_occupations",
    "commune_code",
    "phone",
    "email",
];

pub(super) fn full_view(worker: Worker, occupations: Vec<String>) -> WorkerView {
    WorkerView {
        commune_code: unit_code(&worker.commune_id).to_owned(),
        id: worker.id,
        full_name: worker.full_name,
        national_id: worker.national_id,
        birth_date: worker.birth_date,
        gender: worker.gender,
        ethnicity_code: worker.ethnicity_code,
        phone: worker.phone,
        email: worker.email,
        household_id: worker.household_id,
        education_level: worker.education_level,
        qualifications: worker.qualifications,
        disability: worker.disability,
        skills: worker.skills,
        desired_occupations: occupations,
        willing_to_relocate: worker.willing_to_relocate,
        willing_overseas: worker.willing_overseas,
        expected_wage_vnd: worker.expected_wage_vnd,
        availability: worker.availability,
        consent_to_share: worker.consent_to_share,
        consent_given_on: worker.consent_given_on,
        message_channel: worker.message_channel,
        registered_on: worker.registered_on,
        created_at: worker.created_at.and_utc(),
        updated_at: worker.updated_at.and_utc(),
        archived_at: worker.archived_at.map(|at| at.and_utc()),
        consent_withdrawn_at: worker.consent_withdrawn_at.map(|at| at.and_utc()),
    }
}

pub(super) fn employer_view(
    worker: Worker,
    occupations: Vec<String>,
    commune_name: String,
    today: NaiveDate,
) -> WorkerForEmployer {
    let consented = worker.consent_to_share;
    WorkerForEmployer {
        age: values::age_on(worker.birth_date, today),
        commune_code: unit_code(&worker.commune_id).to_owned(),
        id: worker.id,
        full_name: worker.full_name,
        skills: worker.skills,
        desired_occupations: occupations,
        commune_name,
        phone: if consented { worker.phone } else { None },
        email: if consented { worker.email } else { None },
    }
}

/// How a list may be narrowed, from the query string.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkerQuery {
    /// Commune code (either generation of units).
    pub commune: Option<String>,
    /// District code: its communes and the units that succeeded them.
    pub district: Option<String>,
    pub household_status: Option<String>,
    pub availability: Option<String>,
    /// A desired 4-digit occupation code.
    pub occupation: Option<String>,
    /// A name prefix; accents and case are ignored.
    pub q: Option<String>,
    /// Include archived records.
    pub archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}
