//! Checking a worker input against the stored record (for PATCH) or nothing (for create).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::shape::{AVAILABILITIES, EDUCATION_LEVELS, GENDERS, MESSAGE_CHANNELS, WorkerInput};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::statuses::Availability;
use crate::domain::text::fold;
use crate::domain::values;
use crate::error::AppError;
use crate::models::workers::{NewWorker, Worker};
use crate::models::{self, admin_units as units};
use crate::registry::{Checks, ethnicity_exists, occupation_exists};

/// Checks a worker input against the stored record (for PATCH) or nothing (for create) and
/// returns the row to write with its desired occupations.
pub(super) fn validate(
    connection: &mut DbConn,
    principal: &Principal,
    input: WorkerInput,
    stored: Option<(&Worker, Vec<String>)>,
    today: NaiveDate,
) -> Result<(NewWorker, Vec<String>), AppError> {
    let mut checks = Checks::default();
    let base = stored.as_ref().map(|(worker, _)| *worker);

    let full_name = match &input.full_name {
        Some(raw) => checks.text("full_name", raw, 200, false),
        None => checks.required("full_name", base.map(|worker| worker.full_name.clone())),
    };
    let national_id = checks.nullable(
        "national_id",
        input.national_id.as_ref(),
        values::national_id,
        || base.and_then(|worker| worker.national_id.clone()),
    );
    let birth_date = birth_date(&input, base, &mut checks, today);
    let gender = match &input.gender {
        Some(raw) => checks.choice("gender", raw, GENDERS),
        None => checks.required("gender", base.map(|worker| worker.gender.clone())),
    };
    let ethnicity_code = ethnicity(connection, &input, base, &mut checks)?;
    let phone = checks.nullable("phone", input.phone.as_ref(), values::phone, || {
        base.and_then(|worker| worker.phone.clone())
    });
    let email = checks.nullable("email", input.email.as_ref(), values::email, || {
        base.and_then(|worker| worker.email.clone())
    });
    let commune_id = match &input.commune_code {
        Some(code) => commune_in_area(connection, principal, code, today, &mut checks)?,
        None => checks.required("commune_code", base.map(|worker| worker.commune_id.clone())),
    };
    let household_id = household(connection, principal, &input, base, &mut checks)?;
    let education_level = match &input.education_level {
        Some(raw) => checks.choice("education_level", raw, EDUCATION_LEVELS),
        None => Some(base.map_or_else(
            || "lower_secondary".to_owned(),
            |worker| worker.education_level.clone(),
        )),
    };
    let qualifications = match &input.qualifications {
        Some(raw) => checks.text("qualifications", raw, 1000, true),
        None => Some(
            base.map(|worker| worker.qualifications.clone())
                .unwrap_or_default(),
        ),
    };
    let skills = match &input.skills {
        Some(raw) => checks.text("skills", raw, 2000, true),
        None => Some(base.map(|worker| worker.skills.clone()).unwrap_or_default()),
    };
    let occupations = match &input.desired_occupations {
        Some(codes) => desired_occupations(connection, codes, &mut checks)?,
        None => stored
            .as_ref()
            .map(|(_, codes)| codes.clone())
            .unwrap_or_default(),
    };
    let expected_wage_vnd = match input.expected_wage_vnd {
        Some(Some(wage)) => checks.amount("expected_wage_vnd", wage),
        Some(None) => None,
        None => base.and_then(|worker| worker.expected_wage_vnd),
    };
    let (availability, message_channel) = standing(&input, base, &mut checks);
    let (consent, consent_given_on) = consent(&input, base, &mut checks, today);
    checks.finish()?;

    let now = accounts::now();
    let (Some(full_name), Some(birth_date), Some(gender), Some(ethnicity_code), Some(commune_id)) =
        (full_name, birth_date, gender, ethnicity_code, commune_id)
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "worker validation passed without required values"
        )));
    };
    let worker = NewWorker {
        id: base.map_or_else(new_id, |worker| worker.id.clone()),
        search_name: fold(&full_name),
        national_id,
        full_name,
        birth_date,
        gender,
        ethnicity_code,
        phone,
        email,
        commune_id,
        household_id,
        education_level: education_level.unwrap_or_default(),
        qualifications: qualifications.unwrap_or_default(),
        disability: input
            .disability
            .or(base.map(|worker| worker.disability))
            .unwrap_or(false),
        skills: skills.unwrap_or_default(),
        willing_to_relocate: input
            .willing_to_relocate
            .or(base.map(|worker| worker.willing_to_relocate))
            .unwrap_or(false),
        willing_overseas: input
            .willing_overseas
            .or(base.map(|worker| worker.willing_overseas))
            .unwrap_or(false),
        expected_wage_vnd,
        availability: availability.unwrap_or(Availability::Seeking),
        consent_to_share: consent,
        consent_given_on,
        message_channel: message_channel.unwrap_or_else(|| "both".to_owned()),
        registered_on: base.map_or(today, |worker| worker.registered_on),
        created_at: base.map_or(now, |worker| worker.created_at),
        updated_at: now,
    };
    Ok((worker, occupations))
}

/// Whether they are looking for work, and how they are written to: as sent, else as recorded
/// before, else seeking and by every channel they have.
fn standing(
    input: &WorkerInput,
    base: Option<&Worker>,
    checks: &mut Checks,
) -> (Option<Availability>, Option<String>) {
    let availability = match &input.availability {
        Some(raw) => checks.one_of("availability", raw, AVAILABILITIES),
        None => Some(base.map_or(Availability::Seeking, |worker| worker.availability)),
    };
    let message_channel = match &input.message_channel {
        Some(raw) => checks.choice("message_channel", raw, MESSAGE_CHANNELS),
        None => Some(base.map_or_else(
            || "both".to_owned(),
            |worker| worker.message_channel.clone(),
        )),
    };
    (availability, message_channel)
}

/// Consent and the day it was given: as sent, else as recorded before, else today; none
/// without consent.
fn consent(
    input: &WorkerInput,
    base: Option<&Worker>,
    checks: &mut Checks,
    today: NaiveDate,
) -> (bool, Option<NaiveDate>) {
    let consent = input
        .consent_to_share
        .or(base.map(|worker| worker.consent_to_share))
        .unwrap_or(false);
    let given_on = match input.consent_given_on.as_deref() {
        _ if !consent => None,
        Some(raw) => checks.past_day("consent_given_on", Some(raw), today),
        None => base
            .filter(|worker| worker.consent_to_share)
            .and_then(|worker| worker.consent_given_on)
            .or(Some(today)),
    };
    (consent, given_on)
}

/// The commune a code names, today's unit for an old code too; refused when unknown or outside
/// the officer's area.
fn commune_in_area(
    connection: &mut DbConn,
    principal: &Principal,
    code: &str,
    today: NaiveDate,
    checks: &mut Checks,
) -> QueryResult<Option<String>> {
    let Some(unit) = units::resolve_commune(connection, code.trim(), today)? else {
        checks.fail("commune_code", "unknown_commune");
        return Ok(None);
    };
    if principal
        .area_units
        .as_ref()
        .is_some_and(|area| !area.contains(&unit.id))
    {
        checks.fail("commune_code", "outside_area");
    }
    Ok(Some(unit.id))
}

/// Whether a live household is within the officer's reach. One outside it answers as one that
/// does not exist: the answer must not tell whether an id is in someone else's registry.
fn household_in_reach(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> QueryResult<bool> {
    models::households::is_live_within(connection, id, principal.area_units.as_deref())
}

/// Up to 10 known occupation codes, each once, in the order sent.
fn desired_occupations(
    connection: &mut DbConn,
    codes: &[String],
    checks: &mut Checks,
) -> QueryResult<Vec<String>> {
    let mut kept: Vec<String> = Vec::new();
    if codes.len() > 10 {
        checks.fail_with(
            crate::error::FieldError::new("desired_occupations", "too_long").with("max", "10"),
        );
    }
    for (index, code) in codes.iter().enumerate() {
        if occupation_exists(connection, code)? {
            if !kept.contains(code) {
                kept.push(code.clone());
            }
        } else {
            checks.fail(
                &format!("desired_occupations[{index}]"),
                "unknown_occupation",
            );
        }
    }
    Ok(kept)
}

/// A birth date that makes the person 15 to 100 years old today.
fn birth_date(
    input: &WorkerInput,
    base: Option<&Worker>,
    checks: &mut Checks,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match &input.birth_date {
        Some(raw) => match values::date(raw) {
            Ok(day) if values::age_on(day, today) < 15 || values::age_on(day, today) > 100 => {
                checks.fail("birth_date", "birth_date");
                None
            }
            Ok(day) => Some(day),
            Err(code) => {
                checks.fail("birth_date", code);
                None
            }
        },
        None => checks.required("birth_date", base.map(|worker| worker.birth_date)),
    }
}

/// An ethnic group on the official list.
fn ethnicity(
    connection: &mut DbConn,
    input: &WorkerInput,
    base: Option<&Worker>,
    checks: &mut Checks,
) -> QueryResult<Option<String>> {
    Ok(match &input.ethnicity_code {
        Some(raw) => {
            if ethnicity_exists(connection, raw)? {
                Some(raw.clone())
            } else {
                checks.fail("ethnicity_code", "unknown_ethnicity");
                None
            }
        }
        None => checks.required(
            "ethnicity_code",
            base.map(|worker| worker.ethnicity_code.clone()),
        ),
    })
}

/// The household the worker belongs to, if any: an open one within the officer's reach.
fn household(
    connection: &mut DbConn,
    principal: &Principal,
    input: &WorkerInput,
    base: Option<&Worker>,
    checks: &mut Checks,
) -> QueryResult<Option<String>> {
    Ok(match &input.household_id {
        Some(Some(id)) => {
            if !household_in_reach(connection, principal, id)? {
                checks.fail("household_id", "unknown_household");
            }
            Some(id.clone())
        }
        Some(None) => None,
        None => base.and_then(|worker| worker.household_id.clone()),
    })
}
