//! Workers: the people the job centre registers.

use diesel::prelude::*;

use super::{Checks, Page, PageRequest, permitted, units_for_codes};
use crate::accounts::{self, Principal, Role};
use crate::db::DbConn;
use crate::domain::access::{Action, Resource, Scope, allowed};
use crate::domain::text::fold;
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::models::audit;
use crate::models::workers::{self as rows, NewWorker, Worker, WorkerFilter};

mod personal_data;
mod shape;
pub mod texting;
mod validate;

pub use personal_data::{export as export_personal_data, withdraw_consent};

pub use shape::{
    AVAILABILITIES, EDUCATION_LEVELS, GENDERS, HOUSEHOLD_STATUSES, MESSAGE_CHANNELS,
    WorkerForEmployer, WorkerInput, WorkerQuery, WorkerView,
};
use shape::{EMPLOYER_VIEW_FIELDS, FULL_VIEW_FIELDS, TRAINEE_FIELDS, employer_view, full_view};
use validate::validate;

/// A scoped page of workers, in the caller's view; reads are audited.
pub fn list(
    connection: &mut DbConn,
    principal: &Principal,
    query: WorkerQuery,
) -> Result<Page<serde_json::Value>, AppError> {
    let scope = allowed(Some(principal.role), Resource::Workers, Action::List);
    let mut checks = Checks::default();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref());
    if let Some(status) = &query.household_status {
        checks.choice("household_status", status, HOUSEHOLD_STATUSES);
    }
    if let Some(availability) = &query.availability {
        checks.choice("availability", availability, AVAILABILITIES);
    }
    let units = units_for_codes(
        connection,
        query.commune.as_deref(),
        query.district.as_deref(),
        &mut checks,
    )?;
    checks.finish()?;
    let page = page?;
    let mut filter = WorkerFilter {
        units,
        household_status: query.household_status,
        availability: query.availability,
        occupation: query.occupation,
        name_prefix: query
            .q
            .as_deref()
            .map(fold)
            .filter(|prefix| !prefix.is_empty()),
        include_archived: query.archived.unwrap_or(false),
        ..WorkerFilter::default()
    };
    match scope {
        Scope::All => {}
        Scope::Area => filter.area_units = principal.area_units.clone(),
        Scope::ReferredToOwn => {
            filter.referred_to_employer =
                Some(principal.employer_id.clone().ok_or(AppError::Forbidden)?);
            // An employer never filters by poverty data.
            if filter.household_status.is_some() {
                return Err(AppError::Forbidden);
            }
        }
        _ => return Err(AppError::Forbidden),
    }
    let (rows, total) = rows::list(connection, &filter, page.after.as_deref(), page.limit)?;
    let next_cursor = page.next_cursor(rows.last().map(|worker| worker.id.as_str()), rows.len());
    let ids: Vec<String> = rows.iter().map(|worker| worker.id.clone()).collect();
    let mut occupations = rows::occupations_of(connection, &ids)?;
    let now = accounts::now();
    let items: Vec<serde_json::Value> = if scope == Scope::ReferredToOwn {
        let names = crate::models::admin_units::names(
            connection,
            rows.iter()
                .map(|worker| worker.commune_id.clone())
                .collect(),
        )?;
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            &ids,
            EMPLOYER_VIEW_FIELDS,
            now,
        )?;
        rows.into_iter()
            .map(|worker| {
                let name = names.get(&worker.commune_id).cloned().unwrap_or_default();
                let codes = occupations.remove(&worker.id).unwrap_or_default();
                serde_json::to_value(employer_view(worker, codes, name, now.date()))
            })
            .collect::<Result<_, _>>()
            .map_err(|error| AppError::Unexpected(error.into()))?
    } else {
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            &ids,
            FULL_VIEW_FIELDS,
            now,
        )?;
        rows.into_iter()
            .map(|worker| {
                let codes = occupations.remove(&worker.id).unwrap_or_default();
                serde_json::to_value(full_view(worker, codes))
            })
            .collect::<Result<_, _>>()
            .map_err(|error| AppError::Unexpected(error.into()))?
    };
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}

/// Whether a record in `commune_id` is within the caller's reach for `scope`.
fn in_scope(
    principal: &Principal,
    scope: Scope,
    worker: &Worker,
    connection: &mut DbConn,
) -> QueryResult<bool> {
    Ok(match scope {
        Scope::All => true,
        Scope::Area => principal
            .area_units
            .as_ref()
            .is_none_or(|units| units.contains(&worker.commune_id)),
        Scope::Own => principal.worker_id.as_deref() == Some(worker.id.as_str()),
        // A person who withdrew their consent is shared with no employer any more.
        Scope::ReferredToOwn => match &principal.employer_id {
            Some(employer_id) if worker.consent_withdrawn_at.is_none() => {
                rows::is_referred_to_employer(connection, &worker.id, employer_id)?
            }
            _ => false,
        },
        Scope::Public | Scope::None => false,
    })
}

/// The worker `id` if the caller may take `action` on them, with the scope it was allowed in;
/// 404 for one outside it, as for one that does not exist.
fn reachable(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    action: Action,
) -> Result<(Worker, Scope), AppError> {
    let scope = permitted(principal, Resource::Workers, action)?;
    let worker = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    if !in_scope(principal, scope, &worker, connection)? {
        return Err(AppError::NotFound);
    }
    Ok((worker, scope))
}

/// The worker a CCCD typed on a form names: checked as a CCCD, then looked up; an error on
/// `national_id` when it is not one or no one holds it. Reading the record stays the caller's.
pub fn id_by_national_id(connection: &mut DbConn, typed: &str) -> Result<String, AppError> {
    let national_id = crate::domain::values::national_id(typed)
        .map_err(|code| AppError::field("national_id", code))?;
    rows::find_id_by_national_id(connection, &national_id)?
        .ok_or_else(|| AppError::field("national_id", "unknown_worker"))
}

/// One worker in the caller's view; the read is audited.
pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<serde_json::Value, AppError> {
    let (worker, scope) = reachable(connection, principal, id, Action::Read)?;
    let occupations = rows::occupations_of(connection, std::slice::from_ref(&worker.id))?
        .remove(&worker.id)
        .unwrap_or_default();
    let now = accounts::now();
    let value = if scope == Scope::ReferredToOwn {
        let name = crate::models::admin_units::names(connection, vec![worker.commune_id.clone()])?
            .remove(&worker.commune_id)
            .unwrap_or_default();
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            std::slice::from_ref(&worker.id),
            EMPLOYER_VIEW_FIELDS,
            now,
        )?;
        serde_json::to_value(employer_view(worker, occupations, name, now.date()))
    } else {
        audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            std::slice::from_ref(&worker.id),
            FULL_VIEW_FIELDS,
            now,
        )?;
        serde_json::to_value(full_view(worker, occupations))
    };
    value.map_err(|error| AppError::Unexpected(error.into()))
}

fn duplicate_national_id(connection: &mut DbConn, worker: &NewWorker) -> Result<(), AppError> {
    if let Some(national_id) = &worker.national_id
        && let Some(existing) = rows::find_id_by_national_id(connection, national_id)?
        && existing != worker.id
    {
        return Err(AppError::Duplicate {
            field: "national_id",
            kind: "workers",
            id: existing,
        });
    }
    Ok(())
}

/// Registers a worker, in the caller's transaction.
/// Checks `input` as [`create`] would, writing nothing.
pub fn check_new(
    connection: &mut DbConn,
    principal: &Principal,
    input: &WorkerInput,
) -> Result<(), AppError> {
    validate(
        connection,
        principal,
        input.clone(),
        None,
        accounts::now().date(),
    )
    .map(drop)
}

pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: WorkerInput,
) -> Result<WorkerView, AppError> {
    permitted(principal, Resource::Workers, Action::Create)?;
    let sent = input.sent_fields();
    let today = accounts::now().date();
    let (worker, occupations) = validate(connection, principal, input, None, today)?;
    duplicate_national_id(connection, &worker)?;
    rows::insert(connection, &worker, &occupations)?;
    effects::worker(
        connection,
        &worker.id,
        None,
        false,
        Audit {
            actor: &principal.actor(),
            action: "create",
            fields: &sent,
            at: worker.updated_at,
        },
    )?;
    let stored = rows::find(connection, &worker.id)?.ok_or(AppError::NotFound)?;
    Ok(full_view(stored, occupations))
}

/// Changes the fields sent; the rest keep their values.
pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    input: WorkerInput,
) -> Result<serde_json::Value, AppError> {
    let scope = permitted(principal, Resource::Workers, Action::Update)?;
    let sent = input.sent_fields();
    if principal.role == Role::Trainee {
        let refused: Vec<_> = sent
            .iter()
            .filter(|field| !TRAINEE_FIELDS.contains(field))
            .collect();
        if !refused.is_empty() {
            return Err(AppError::Validation(
                refused
                    .into_iter()
                    .map(|field| crate::error::FieldError::new(*field, "read_only"))
                    .collect(),
            ));
        }
    }
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored, connection)? {
            return Err(AppError::NotFound);
        }
        let occupations = rows::occupations_of(connection, std::slice::from_ref(&stored.id))?
            .remove(&stored.id)
            .unwrap_or_default();
        let today = accounts::now().date();
        let (worker, occupations) = validate(
            connection,
            principal,
            input,
            Some((&stored, occupations)),
            today,
        )?;
        duplicate_national_id(connection, &worker)?;
        rows::update(connection, &worker)?;
        if worker.consent_to_share && stored.consent_withdrawn_at.is_some() {
            // The person consents again: their contact details may be used again too.
            rows::clear_consent_withdrawal(connection, &worker.id)?;
        }
        rows::replace_occupations(connection, &worker.id, &occupations)?;
        let left_household = stored
            .household_id
            .as_deref()
            .filter(|previous| worker.household_id.as_deref() != Some(previous));
        effects::worker(
            connection,
            &worker.id,
            left_household,
            stored.archived_at.is_some(),
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &sent,
                at: worker.updated_at,
            },
        )?;
        let updated = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        serde_json::to_value(full_view(updated, occupations))
            .map_err(|error| AppError::Unexpected(error.into()))
    })
}

/// Archives a worker: the record and its history stay; lists leave it out.
pub fn archive(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<serde_json::Value, AppError> {
    let scope = permitted(principal, Resource::Workers, Action::Archive)?;
    connection.write_transaction(|connection| {
        let stored = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        if !in_scope(principal, scope, &stored, connection)? {
            return Err(AppError::NotFound);
        }
        let now = accounts::now();
        rows::archive(connection, id, now)?;
        effects::worker_archived(
            connection,
            id,
            Audit {
                actor: &principal.actor(),
                action: "archive",
                fields: &["archived_at"],
                at: now,
            },
        )?;
        let archived = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
        let occupations = rows::occupations_of(connection, std::slice::from_ref(&archived.id))?
            .remove(&archived.id)
            .unwrap_or_default();
        serde_json::to_value(full_view(archived, occupations))
            .map_err(|error| AppError::Unexpected(error.into()))
    })
}
