//! Employers: companies, FDI plants, cooperatives, household businesses and overseas-labour
//! agencies.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Checks, Page, PageRequest, nullable, optional_commune, permitted, unit_code, units_for_codes,
};
use crate::accounts::{self, AccountError, CreateUser, Principal, Role};
use crate::db::DbConn;
use crate::db::ids::new_id;
use crate::domain::access::{Action, Resource, Scope};
use crate::domain::text::fold;
use crate::domain::values;
use crate::error::{AppError, FieldError};
use crate::models::employers::{self as rows, Employer, EmployerFilter, NewEmployer};

pub const KINDS: &[&str] = &[
    "company",
    "fdi",
    "cooperative",
    "household_business",
    "overseas_agency",
];

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployerInput {
    pub name: Option<String>,
    /// Mã số thuế: 10 digits, or 10 digits, `-` and 3 digits for a branch.
    #[schema(example = "0101234567")]
    pub tax_code: Option<String>,
    pub kind: Option<String>,
    pub sector: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub commune_code: Option<Option<String>>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub contact_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub contact_phone: Option<Option<String>>,
    /// Set by staff once the employer is checked; an employer cannot set it.
    pub verified: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmployerView {
    pub id: String,
    pub name: String,
    pub tax_code: String,
    pub kind: String,
    pub sector: String,
    pub commune_code: Option<String>,
    pub address: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub verified: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn view(employer: Employer) -> EmployerView {
    EmployerView {
        commune_code: employer
            .commune_id
            .as_deref()
            .map(|id| unit_code(id).to_owned()),
        id: employer.id,
        name: employer.name,
        tax_code: employer.tax_code,
        kind: employer.kind,
        sector: employer.sector,
        address: employer.address,
        contact_name: employer.contact_name,
        contact_email: employer.contact_email,
        contact_phone: employer.contact_phone,
        verified: employer.verified,
        created_at: employer.created_at.and_utc(),
        updated_at: employer.updated_at.and_utc(),
        archived_at: employer.archived_at.map(|at| at.and_utc()),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployerQuery {
    pub kind: Option<String>,
    pub commune: Option<String>,
    pub district: Option<String>,
    /// A name prefix; accents and case are ignored.
    pub q: Option<String>,
    pub archived: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub fn tax_code(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim();
    let digits = |text: &str| !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
    let valid = match value.split_once('-') {
        None => value.len() == 10 && digits(value),
        Some((main, branch)) => {
            main.len() == 10 && digits(main) && branch.len() == 3 && digits(branch)
        }
    };
    if valid {
        Ok(value.to_owned())
    } else {
        Err("invalid_tax_code")
    }
}

fn in_scope(principal: &Principal, scope: Scope, employer: &Employer) -> bool {
    match scope {
        Scope::All | Scope::Area => true,
        Scope::Own => principal.employer_id.as_deref() == Some(employer.id.as_str()),
        _ => false,
    }
}

pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: EmployerQuery,
) -> Result<Page<EmployerView>, AppError> {
    let scope = permitted(principal, Resource::Employers, Action::List)?;
    let mut checks = Checks::default();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref());
    if let Some(kind) = &query.kind {
        checks.choice("kind", kind, KINDS);
    }
    let units = units_for_codes(
        connection,
        query.commune.as_deref(),
        query.district.as_deref(),
        &mut checks,
    )?;
    checks.finish()?;
    let page = page?;
    let filter = EmployerFilter {
        kind: query.kind,
        units,
        name_prefix: query
            .q
            .as_deref()
            .map(fold)
            .filter(|prefix| !prefix.is_empty()),
        include_archived: query.archived.unwrap_or(false),
        only_id: if scope == Scope::Own {
            Some(principal.employer_id.clone().unwrap_or_default())
        } else {
            None
        },
    };
    let (rows, total) = rows::list(connection, &filter, page.after.as_deref(), page.limit)?;
    let next_cursor =
        page.next_cursor(rows.last().map(|employer| employer.id.as_str()), rows.len());
    Ok(Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
        total,
    })
}

pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<EmployerView, AppError> {
    let scope = permitted(principal, Resource::Employers, Action::Read)?;
    let employer = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    if !in_scope(principal, scope, &employer) {
        return Err(AppError::NotFound);
    }
    Ok(view(employer))
}

fn validate(
    connection: &mut DbConn,
    principal: &Principal,
    input: EmployerInput,
    base: Option<&Employer>,
) -> Result<NewEmployer, AppError> {
    let mut checks = Checks::default();
    let name = match &input.name {
        Some(raw) => checks.text("name", raw, 300, false),
        None => checks.required("name", base.map(|employer| employer.name.clone())),
    };
    let tax = match &input.tax_code {
        Some(raw) => match tax_code(raw) {
            Ok(value) => Some(value),
            Err(code) => {
                checks.fail("tax_code", code);
                None
            }
        },
        None => checks.required("tax_code", base.map(|employer| employer.tax_code.clone())),
    };
    let kind = match &input.kind {
        Some(raw) => checks.choice("kind", raw, KINDS),
        None => checks.required("kind", base.map(|employer| employer.kind.clone())),
    };
    let sector = match &input.sector {
        Some(raw) => checks.text("sector", raw, 200, true),
        None => Some(
            base.map(|employer| employer.sector.clone())
                .unwrap_or_default(),
        ),
    };
    let commune_id = optional_commune(
        connection,
        &input.commune_code,
        base.and_then(|employer| employer.commune_id.clone()),
        accounts::now().date(),
        &mut checks,
    )?;
    let address = match &input.address {
        Some(raw) => checks.text("address", raw, 500, true),
        None => Some(
            base.map(|employer| employer.address.clone())
                .unwrap_or_default(),
        ),
    };
    let contact_name = match &input.contact_name {
        Some(raw) => checks.text("contact_name", raw, 200, true),
        None => Some(
            base.map(|employer| employer.contact_name.clone())
                .unwrap_or_default(),
        ),
    };
    let contact_email = match &input.contact_email {
        Some(Some(raw)) => values::email(raw)
            .map_err(|code| checks.fail("contact_email", code))
            .ok(),
        Some(None) => None,
        None => base.and_then(|employer| employer.contact_email.clone()),
    };
    let contact_phone = match &input.contact_phone {
        Some(Some(raw)) => values::phone(raw)
            .map_err(|code| checks.fail("contact_phone", code))
            .ok(),
        Some(None) => None,
        None => base.and_then(|employer| employer.contact_phone.clone()),
    };
    if input.verified.is_some() && principal.role == Role::Employer {
        checks.fail_with(FieldError::new("verified", "read_only"));
    }
    checks.finish()?;
    let (Some(name), Some(tax), Some(kind)) = (name, tax, kind) else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "employer validation passed without required values"
        )));
    };
    let now = accounts::now();
    // What staff verified is a business by its name and tax code: an employer that changes
    // either waits for staff again.
    let identity_changed =
        base.is_some_and(|employer| employer.name != name || employer.tax_code != tax);
    let verified = match input.verified {
        Some(set_by_staff) => set_by_staff,
        None if identity_changed && principal.role == Role::Employer => false,
        None => base.is_some_and(|employer| employer.verified),
    };
    Ok(NewEmployer {
        id: base.map_or_else(new_id, |employer| employer.id.clone()),
        search_name: fold(&name),
        name,
        tax_code: tax,
        kind,
        sector: sector.unwrap_or_default(),
        commune_id,
        address: address.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        contact_email,
        contact_phone,
        verified,
        created_at: base.map_or(now, |employer| employer.created_at),
        updated_at: now,
    })
}

fn duplicate_tax_code(connection: &mut DbConn, employer: &NewEmployer) -> Result<(), AppError> {
    if let Some(existing) = rows::find_id_by_tax_code(connection, &employer.tax_code)?
        && existing != employer.id
    {
        return Err(AppError::Duplicate {
            field: "tax_code",
            kind: "employers",
            id: existing,
        });
    }
    Ok(())
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: EmployerInput,
) -> Result<EmployerView, AppError> {
    permitted(principal, Resource::Employers, Action::Create)?;
    let employer = validate(connection, principal, input, None)?;
    duplicate_tax_code(connection, &employer)?;
    rows::insert(connection, &employer)?;
    let stored = rows::find(connection, &employer.id)?.ok_or(AppError::NotFound)?;
    Ok(view(stored))
}

pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: EmployerInput,
) -> Result<EmployerView, AppError> {
    let scope = permitted(principal, Resource::Employers, Action::Update)?;
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored) {
            return Err(AppError::NotFound);
        }
        let employer = validate(connection, principal, input, Some(&stored))?;
        duplicate_tax_code(connection, &employer)?;
        rows::update(connection, &employer)?;
        Ok(view(rows::find(connection, id)?.ok_or(AppError::NotFound)?))
    })
}

pub fn archive(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<EmployerView, AppError> {
    let scope = permitted(principal, Resource::Employers, Action::Archive)?;
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored) {
            return Err(AppError::NotFound);
        }
        rows::archive(connection, id, accounts::now())?;
        Ok(view(rows::find(connection, id)?.ok_or(AppError::NotFound)?))
    })
}

/// The conflict a sign-up with an e-mail that has a login already ends in: the caller answers
/// it as a sign-up received, so the form never tells who has a login.
pub const EMAIL_TAKEN: &str = "email_taken";

/// An employer signs up on the public page: the employer, unverified until staff check it,
/// and its login, in one transaction. The public may not create employers, so the sign-up
/// acts for the service.
pub fn sign_up(
    connection: &mut DbConn,
    mut input: EmployerInput,
    email: &str,
    password: &str,
) -> Result<(), AppError> {
    input.verified = Some(false);
    connection.write_transaction(|connection| {
        let employer = create(connection, &Principal::operator(), input)?;
        let user = accounts::create_user(
            connection,
            CreateUser {
                email: email.to_owned(),
                role: Role::Employer,
                employer_id: Some(employer.id),
                worker_id: None,
                area_code: None,
                password: password.to_owned(),
            },
        )
        .map_err(|error| match error {
            AccountError::InvalidEmail(_) => AppError::field("contact_email", "invalid_email"),
            AccountError::DuplicateEmail(_) => AppError::Conflict(EMAIL_TAKEN),
            AccountError::WeakPassword => AppError::Validation(vec![
                crate::error::FieldError::new("password", "too_short")
                    .with("min", accounts::MIN_PASSWORD_CHARS.to_string()),
            ]),
            AccountError::Database(error) => AppError::from(error),
            other => AppError::Unexpected(other.into()),
        })?;
        tracing::info!(user = %user.id, "employer signed up");
        Ok(())
    })
}
