//! A converted row written in two steps: `plan` finds the existing record by its natural key,
//! reads it once and decides (create, update, unchanged, or refuse with the reason); `apply`
//! carries the plan out through the registry.

use super::records::{Existing, Record};
use super::*;

pub(super) enum Plan<R: Record> {
    Create(R::Input),
    Update {
        id: String,
        /// The record as it was read, to tell an update that changed nothing.
        before: serde_json::Value,
        input: R::Input,
    },
    /// The registry already holds the row as written.
    Unchanged,
    /// Refused by the registry's rules; nothing was written.
    Refuse(AppError),
}

/// What a row would do. Reads the existing record (if any) once.
pub(super) fn plan<R: Record>(
    connection: &mut DbConn,
    principal: &Principal,
    mut fields: Fields,
) -> QueryResult<Plan<R>> {
    let existing = match R::find(connection, &fields)? {
        Ok(existing) => existing,
        Err(error) => return Ok(Plan::Refuse(error)),
    };
    // The id finds the record; it is not a field the registry takes.
    fields.remove("id");
    let Some(Existing { id, person }) = existing else {
        return Ok(match parse(fields) {
            Ok(input) => Plan::Create(input),
            Err(error) => Plan::Refuse(error),
        });
    };
    if let Some(person) = person {
        let sent = |field: &str| fields.get(field).and_then(|value| value.as_str());
        let other_name =
            sent("full_name").is_some_and(|name| text::fold(name) != text::fold(&person.name));
        let other_birth = sent("birth_date")
            .is_some_and(|born| born != person.born.format("%Y-%m-%d").to_string());
        if other_name || other_birth {
            // The CCCD belongs to someone else: never overwrite a person with another.
            return Ok(Plan::Refuse(AppError::field(
                "national_id",
                "national_id_conflict",
            )));
        }
    }
    let before = match R::read(connection, principal, &id).and_then(|view| to_json(&view)) {
        Ok(before) => before,
        Err(error) => return Ok(Plan::Refuse(error)),
    };
    // A row the registry already holds as written is left alone without writing anything;
    // anything else goes through the update, which decides.
    if holds(&before, &fields) {
        return Ok(Plan::Unchanged);
    }
    Ok(match parse(fields) {
        Ok(input) => Plan::Update { id, before, input },
        Err(error) => Plan::Refuse(error),
    })
}

/// Why an update's savepoint was rolled back.
enum Undone {
    /// Nothing but the times moved.
    Unchanged,
    Refused(AppError),
}

impl From<diesel::result::Error> for Undone {
    fn from(error: diesel::result::Error) -> Undone {
        Undone::Refused(error.into())
    }
}

/// Carries out a plan. A create runs in a savepoint only when asked (the caller's chunk
/// savepoint covers it otherwise); an update always does, so that one changing nothing is
/// rolled back.
pub(super) fn apply<R: Record>(
    connection: &mut DbConn,
    principal: &Principal,
    plan: Plan<R>,
    savepoint: bool,
) -> Result<Outcome, AppError> {
    match plan {
        Plan::Create(input) if savepoint => connection
            .write_transaction(|connection| R::create(connection, principal, input))
            .map(Outcome::Created),
        Plan::Create(input) => R::create(connection, principal, input).map(Outcome::Created),
        Plan::Update { id, before, input } => {
            let updated = connection.write_transaction(|connection| {
                let after = R::update(connection, principal, &id, input)
                    .and_then(|view| to_json(&view))
                    .map_err(Undone::Refused)?;
                if same(before, after) {
                    Err(Undone::Unchanged)
                } else {
                    Ok(Outcome::Updated)
                }
            });
            match updated {
                Ok(outcome) => Ok(outcome),
                Err(Undone::Unchanged) => Ok(Outcome::Unchanged),
                Err(Undone::Refused(error)) => Err(error),
            }
        }
        Plan::Unchanged => Ok(Outcome::Unchanged),
        Plan::Refuse(error) => Err(error),
    }
}

/// Plans and applies one row of `kind`.
pub(super) fn upsert(
    connection: &mut DbConn,
    principal: &Principal,
    kind: Kind,
    fields: Fields,
    savepoint: bool,
) -> QueryResult<Result<Outcome, AppError>> {
    records::each_kind!(kind, R => {
        let plan = plan::<R>(connection, principal, fields)?;
        Ok(apply(connection, principal, plan, savepoint))
    })
}

/// The row as the registry's input type.
fn parse<T: serde::de::DeserializeOwned>(fields: Fields) -> Result<T, AppError> {
    serde_json::from_value(fields.into()).map_err(bad_input)
}

/// Whether every field of the row already has that value in the record's view (lists in any
/// order).
fn holds(view: &serde_json::Value, fields: &Fields) -> bool {
    let sorted = |value: &serde_json::Value| -> Option<Vec<String>> {
        value.as_array().map(|items| {
            let mut items: Vec<String> = items.iter().map(ToString::to_string).collect();
            items.sort();
            items
        })
    };
    fields.iter().all(|(field, value)| match view.get(field) {
        Some(held) if value.is_array() => sorted(held) == sorted(value),
        Some(held) => held == value,
        None => false,
    })
}

fn bad_input(error: serde_json::Error) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("import row: {error}"))
}

pub(super) fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|error| AppError::Unexpected(error.into()))
}

/// The same record when nothing but the times (`…_at`) differ.
fn same(before: serde_json::Value, after: serde_json::Value) -> bool {
    let strip = |mut value: serde_json::Value| {
        if let Some(object) = value.as_object_mut() {
            object.retain(|key, _| !key.ends_with("_at"));
        }
        value
    };
    strip(before) == strip(after)
}
