//! Checking a household sent by a client: every field, the poverty standard of its review year, and the status it derives.

use super::*;

/// The standard in force for a review year, with its indicator keys.
pub(super) fn standard_for(
    connection: &mut DbConn,
    review_year: i32,
) -> QueryResult<Option<(String, PovertyStandard, Vec<String>)>> {
    let day = NaiveDate::from_ymd_opt(review_year, 7, 1).unwrap_or(NaiveDate::MIN);
    let Some((id, rural, urban, minimum, keys)) =
        models::poverty_indicators::standard_on(connection, day)?
    else {
        return Ok(None);
    };
    let standard = PovertyStandard {
        rural_income_line_vnd: rural,
        urban_income_line_vnd: urban,
        poor_min_deprivations: u32::try_from(minimum).unwrap_or(3),
    };
    Ok(Some((id, standard, keys)))
}

pub(super) fn validate(
    connection: &mut DbConn,
    principal: &Principal,
    input: HouseholdInput,
    stored: Option<(&Household, Vec<String>)>,
    today: NaiveDate,
) -> Result<(NewHousehold, Vec<String>), AppError> {
    let mut checks = Checks::default();
    let base = stored.as_ref().map(|(household, _)| *household);
    let code = match &input.code {
        Some(raw) => checks.text("code", raw, 40, false),
        None => checks.required("code", base.map(|household| household.code.clone())),
    };
    let head_name = match &input.head_name {
        Some(raw) => checks.text("head_name", raw, 200, false),
        None => checks.required(
            "head_name",
            base.map(|household| household.head_name.clone()),
        ),
    };
    let commune_id = commune(connection, principal, &input, base, &mut checks, today)?;
    let ethnicity_code = ethnicity(connection, &input, base, &mut checks)?;
    let members = members(&input, base, &mut checks);
    let income = match input.income_per_person_vnd {
        Some(income) => checks.amount("income_per_person_vnd", income),
        None => checks.required(
            "income_per_person_vnd",
            base.map(|household| household.income_per_person_vnd),
        ),
    };
    let urban = input
        .urban
        .or(base.map(|household| household.urban))
        .unwrap_or(false);
    let (review_year, standard, deprivations) =
        review(connection, &input, stored.as_ref(), &mut checks, today)?;
    let prior = match (base, review_year) {
        (Some(household), Some(year)) => reviews::status_before(connection, &household.id, year)?,
        _ => None,
    };
    let carried = base.filter(|household| Some(household.review_year) == review_year);
    let (previous_status, claims_escape) = previous_status(&input, carried, prior, &mut checks);
    checks.finish()?;

    let (
        Some(code),
        Some(head_name),
        Some(commune_id),
        Some(ethnicity_code),
        Some(members),
        Some(income),
        Some(review_year),
        Some((standard_id, standard, _)),
    ) = (
        code,
        head_name,
        commune_id,
        ethnicity_code,
        members,
        income,
        review_year,
        standard,
    )
    else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "household validation passed without required values"
        )));
    };
    let status = classify(
        HouseholdAssessment {
            income_per_person_vnd: income,
            urban,
            deprivation_count: u32::try_from(deprivations.len()).unwrap_or(u32::MAX),
            previous_status,
        },
        &standard,
    );
    if claims_escape && status != HouseholdStatus::NewlyEscaped {
        return Err(AppError::field("status", "not_escaped"));
    }
    let now = accounts::now();
    let household = NewHousehold {
        id: base.map_or_else(new_id, |household| household.id.clone()),
        search_name: fold(&head_name),
        code,
        commune_id,
        head_name,
        ethnicity_code,
        members,
        income_per_person_vnd: income,
        urban,
        status,
        previous_status,
        review_year,
        standard_id,
        created_at: base.map_or(now, |household| household.created_at),
        updated_at: now,
    };
    Ok((household, deprivations))
}

/// The ethnic group sent, refused when the reference data does not know it; the stored one
/// when none is sent.
fn ethnicity(
    connection: &mut DbConn,
    input: &HouseholdInput,
    base: Option<&Household>,
    checks: &mut Checks,
) -> QueryResult<Option<String>> {
    Ok(match &input.ethnicity_code {
        Some(raw) if ethnicity_exists(connection, raw)? => Some(raw.clone()),
        Some(_) => {
            checks.fail("ethnicity_code", "unknown_ethnicity");
            None
        }
        None => checks.required(
            "ethnicity_code",
            base.map(|household| household.ethnicity_code.clone()),
        ),
    })
}

/// The number of members, 1 to 50; the stored number when none is sent.
fn members(input: &HouseholdInput, base: Option<&Household>, checks: &mut Checks) -> Option<i32> {
    match input.members {
        Some(count) if !(1..=50).contains(&count) => {
            checks.fail_with(
                FieldError::new("members", "out_of_range")
                    .with("min", "1")
                    .with("max", "50"),
            );
            None
        }
        Some(count) => Some(count),
        None => checks.required("members", base.map(|household| household.members)),
    }
}

/// The commune code sent, resolved to the unit in force and checked against the officer's area;
/// the stored one when none is sent.
fn commune(
    connection: &mut DbConn,
    principal: &Principal,
    input: &HouseholdInput,
    base: Option<&Household>,
    checks: &mut Checks,
    today: NaiveDate,
) -> QueryResult<Option<String>> {
    Ok(match &input.commune_code {
        Some(code) => match units::resolve_commune(connection, code.trim(), today)? {
            Some(unit) => {
                if principal
                    .area_units
                    .as_ref()
                    .is_some_and(|area| !area.contains(&unit.id))
                {
                    checks.fail("commune_code", "outside_area");
                }
                Some(unit.id)
            }
            None => {
                checks.fail("commune_code", "unknown_commune");
                None
            }
        },
        None => checks.required(
            "commune_code",
            base.map(|household| household.commune_id.clone()),
        ),
    })
}

/// The review year, the poverty standard in force that year, and the deprivations (known to
/// that standard), sorted and each once.
#[allow(clippy::type_complexity)]
fn review(
    connection: &mut DbConn,
    input: &HouseholdInput,
    stored: Option<&(&Household, Vec<String>)>,
    checks: &mut Checks,
    today: NaiveDate,
) -> QueryResult<(
    Option<i32>,
    Option<(String, PovertyStandard, Vec<String>)>,
    Vec<String>,
)> {
    let base = stored.map(|(household, _)| *household);
    let review_year = match input.review_year {
        Some(year) if !(2000..=today.year() + 1).contains(&year) => {
            checks.fail_with(
                FieldError::new("review_year", "out_of_range")
                    .with("min", "2000")
                    .with("max", (today.year() + 1).to_string()),
            );
            None
        }
        Some(year) => Some(year),
        None => Some(base.map_or(today.year(), |household| household.review_year)),
    };
    let standard = match review_year {
        Some(year) => standard_for(connection, year)?,
        None => None,
    };
    if review_year.is_some() && standard.is_none() {
        checks.fail("review_year", "no_standard");
    }
    let mut deprivations: Vec<String> = match &input.deprivations {
        Some(keys) => keys.clone(),
        None => stored
            .as_ref()
            .map(|(_, keys)| keys.clone())
            .unwrap_or_default(),
    };
    deprivations.sort();
    deprivations.dedup();
    if let Some((_, _, known)) = &standard {
        for (index, key) in deprivations.iter().enumerate() {
            if !known.contains(key) {
                checks.fail_with(
                    FieldError::new(format!("deprivations[{index}]"), "invalid_choice")
                        .with("choices", known.join(", ")),
                );
            }
        }
    }
    Ok((review_year, standard, deprivations))
}

/// The status of the previous review, and whether the client claims the household newly
/// escaped poverty (which the rule, not the client, decides: only a claim that agrees is taken).
/// A household's own earlier review gives the previous status; a client states it only for a
/// household whose earlier reviews Ketnoi does not hold (`carried` is the stored household
/// when the same year's review is corrected: its stated previous status stays).
fn previous_status(
    input: &HouseholdInput,
    carried: Option<&Household>,
    prior: Option<HouseholdStatus>,
    checks: &mut Checks,
) -> (Option<HouseholdStatus>, bool) {
    let sent = match &input.previous_status {
        Some(Some(raw)) => checks
            .choice("previous_status", raw, &["poor", "near_poor", "not_poor"])
            .and_then(|value| value.parse::<HouseholdStatus>().ok())
            .map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let previous_status = match (prior, sent) {
        (Some(prior), Some(Some(stated))) if stated != prior => {
            checks.fail("previous_status", "previous_status_reviewed");
            Some(prior)
        }
        (Some(prior), _) => Some(prior),
        (None, Some(stated)) => stated,
        (None, None) => carried.and_then(|household| household.previous_status),
    };
    let claims_escape = match &input.status {
        Some(value) if value == "newly_escaped" => true,
        Some(_) => {
            checks.fail("status", "read_only");
            false
        }
        None => false,
    };
    if claims_escape
        && !matches!(
            previous_status,
            Some(HouseholdStatus::Poor | HouseholdStatus::NearPoor)
        )
    {
        checks.fail("previous_status", "previous_status_required");
    }
    (previous_status, claims_escape)
}
