//! A converted row written: the existing record found by its natural key, created or updated.

use super::*;

/// Creates the record, or updates the one with the same key; an update that changes nothing
/// is undone and counted unchanged. A create runs in a savepoint only when asked: the caller's
/// chunk savepoint covers it otherwise.
pub(super) fn upsert(
    connection: &mut DbConn,
    principal: &Principal,
    kind: Kind,
    mut fields: Fields,
    savepoint: bool,
) -> QueryResult<Result<Outcome, AppError>> {
    let existing = match find(connection, kind, &fields)? {
        Ok(existing) => existing,
        Err(error) => return Ok(Err(error)),
    };
    // The id finds the record; it is not a field the registry takes.
    fields.remove("id");
    let Some((id, person)) = existing else {
        return Ok(if savepoint {
            connection.write_transaction(|connection| kind.create(connection, principal, fields))
        } else {
            kind.create(connection, principal, fields)
        });
    };
    if let Some((name, born)) = &person {
        let other_name = fields
            .get("full_name")
            .and_then(|value| value.as_str())
            .is_some_and(|sent| text::fold(sent) != text::fold(name));
        let other_birth = fields
            .get("birth_date")
            .and_then(|value| value.as_str())
            .is_some_and(|sent| sent != born.format("%Y-%m-%d").to_string());
        if other_name || other_birth {
            // The CCCD belongs to someone else: never overwrite a person with another.
            return Ok(Err(AppError::field("national_id", "national_id_conflict")));
        }
    }
    // A row the registry already holds as written is left alone without writing anything;
    // anything else goes through the update, which decides.
    match kind.read(connection, principal, &id) {
        Ok(view) if holds(&view, &fields) => return Ok(Ok(Outcome::Unchanged)),
        Ok(_) => {}
        Err(error) => return Ok(Err(error)),
    }
    // Always in a savepoint: an update that changes nothing is rolled back.
    let result = connection.write_transaction(|connection| -> Result<Outcome, AppError> {
        let before = kind.read(connection, principal, &id)?;
        let after = kind.update(connection, principal, &id, fields)?;
        same_or_updated(before, after)
    });
    match result {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(AppError::Conflict("import_unchanged")) => Ok(Ok(Outcome::Unchanged)),
        Err(error) => Ok(Err(error)),
    }
}

/// A worker's name and birth date, to tell the same person from another with that CCCD.
pub(super) type Person = Option<(String, NaiveDate)>;

/// The record the row's natural key names, if any. Two open vacancies (or courses) under one
/// key cannot be told apart: the row is refused rather than written to either.
pub(super) fn find(
    connection: &mut DbConn,
    kind: Kind,
    fields: &Fields,
) -> QueryResult<Result<Option<(String, Person)>, AppError>> {
    let text = |field: &str| {
        fields
            .get(field)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let id = text("id");
    let ids: Vec<String> = match kind {
        Kind::Workers if !id.is_empty() => workers::table
            .filter(workers::id.eq(&id))
            .filter(workers::archived_at.is_null())
            .select(workers::id)
            .load(connection)?,
        Kind::Vacancies if !id.is_empty() => vacancies::table
            .filter(vacancies::id.eq(&id))
            .filter(vacancies::archived_at.is_null())
            .select(vacancies::id)
            .load(connection)?,
        Kind::Courses if !id.is_empty() => courses::table
            .filter(courses::id.eq(&id))
            .filter(courses::archived_at.is_null())
            .select(courses::id)
            .load(connection)?,
        Kind::Households => {
            return Ok(Ok(
                household_id(connection, &text("code"))?.map(|id| (id, None))
            ));
        }
        Kind::Workers => {
            return Ok(Ok(workers::table
                .filter(workers::national_id.eq(text("national_id")))
                .select((workers::id, workers::full_name, workers::birth_date))
                .first::<(String, String, NaiveDate)>(connection)
                .optional()?
                .map(|(id, name, born)| (id, Some((name, born))))));
        }
        Kind::Employers => employers::table
            .filter(employers::tax_code.eq(text("tax_code")))
            .filter(employers::archived_at.is_null())
            .select(employers::id)
            .load(connection)?,
        Kind::Vacancies => vacancies::table
            .filter(vacancies::employer_id.eq(text("employer_id")))
            .filter(vacancies::title.eq(text::normalize(&text("title"))))
            .filter(vacancies::archived_at.is_null())
            .select(vacancies::id)
            .load(connection)?,
        Kind::Courses => {
            let Ok(starts_on) = NaiveDate::parse_from_str(&text("starts_on"), "%Y-%m-%d") else {
                return Ok(Ok(None));
            };
            courses::table
                .filter(courses::provider.eq(text::normalize(&text("provider"))))
                .filter(courses::title.eq(text::normalize(&text("title"))))
                .filter(courses::starts_on.eq(starts_on))
                .filter(courses::archived_at.is_null())
                .select(courses::id)
                .load(connection)?
        }
    };
    Ok(match ids.as_slice() {
        [] if !id.is_empty() => Err(AppError::field("id", "unknown_record")),
        [] => Ok(None),
        [id] => Ok(Some((id.clone(), None))),
        _ => Err(AppError::field(kind.keys()[0], "import_ambiguous")),
    })
}

/// The row as the registry's input type.
pub(super) fn parse<T: serde::de::DeserializeOwned>(fields: Fields) -> Result<T, AppError> {
    serde_json::from_value(fields.into()).map_err(bad_input)
}

/// Whether every field of the row already has that value in the record's view (lists in any
/// order).
pub(super) fn holds(view: &serde_json::Value, fields: &Fields) -> bool {
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

pub(super) fn bad_input(error: serde_json::Error) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("import row: {error}"))
}

pub(super) fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|error| AppError::Unexpected(error.into()))
}

/// Unchanged when nothing but the times moved: then the update is rolled back.
pub(super) fn same_or_updated(
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<Outcome, AppError> {
    let strip = |mut value: serde_json::Value| {
        if let Some(object) = value.as_object_mut() {
            object.retain(|key, _| !key.ends_with("_at"));
        }
        value
    };
    if strip(before) == strip(after) {
        Err(AppError::Conflict("import_unchanged"))
    } else {
        Ok(Outcome::Updated)
    }
}
