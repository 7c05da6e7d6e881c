//! A person's own data (Decree 13/2023/NĐ-CP on personal data protection): everything Ketnoi
//! holds about one worker in one file, and the record of a withdrawal of consent, after which
//! the profile is no longer shared with employers or matched, and the person's contact details
//! are sent nowhere. The records the programme's counts rest on (placements, enrolments,
//! follow-ups) stay: they are the province's records of public support, not shared profiles.

use serde_json::{Value, json};

use super::reachable;
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::domain::access::Action;
use crate::effects::{self, Audit};
use crate::error::AppError;
use crate::models::workers as rows;
use crate::models::{self, audit};

/// Everything held about the worker `id`, as one JSON document; the export is audited.
pub fn export(connection: &mut DbConn, principal: &Principal, id: &str) -> Result<Value, AppError> {
    let (worker, _) = reachable(connection, principal, id, Action::Update)?;
    let occupations = rows::occupations_of(connection, std::slice::from_ref(&worker.id))?
        .remove(&worker.id)
        .unwrap_or_default();
    let household = match &worker.household_id {
        Some(household_id) => {
            match crate::registry::households::read(connection, principal, household_id) {
                Ok(view) => Some(serde_json::to_value(view).map_err(unexpected)?),
                Err(AppError::NotFound) => None,
                Err(other) => return Err(other),
            }
        }
        None => None,
    };
    let consent_withdrawn_at = worker.consent_withdrawn_at;
    let person = serde_json::to_value(super::full_view(worker, occupations)).map_err(unexpected)?;

    let held = models::personal_data::held_about(connection, id)?;
    let history = audit::history_of(connection, "worker", id)?;
    let now = accounts::now();
    audit::record(
        connection,
        &principal.actor(),
        "export",
        "worker",
        &[id.to_owned()],
        &["personal_data"],
        now,
    )?;
    Ok(json!({
        "exported_at": now,
        "person": person,
        "consent_withdrawn_at": consent_withdrawn_at,
        "household": household,
        "enrollments": held.enrollments,
        "referrals": held.referrals,
        "placements": held.placements,
        "follow_ups": held.follow_ups,
        "service_records": held.service_records,
        "logins": held.logins,
        "record_history": history,
    }))
}

/// Records that the person withdrew their consent: the profile is no longer shared or matched,
/// messages to them waiting in the outbox are dropped, and none is queued for them again.
/// Answers the worker as staff now read it.
pub fn withdraw_consent(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<Value, AppError> {
    connection.write_transaction(|connection| {
        let (worker, _) = reachable(connection, principal, id, Action::Update)?;
        let now = accounts::now();
        let since = worker.consent_withdrawn_at.unwrap_or(now);
        rows::withdraw_consent(connection, id, since, now)?;
        effects::consent_withdrawn(
            connection,
            id,
            [worker.email.as_deref(), worker.phone.as_deref()],
            Audit {
                actor: &principal.actor(),
                action: "update",
                fields: &["consent_to_share", "consent_withdrawn_at"],
                at: now,
            },
        )?;
        super::read(connection, principal, id)
    })
}

fn unexpected(error: serde_json::Error) -> AppError {
    AppError::Unexpected(error.into())
}
