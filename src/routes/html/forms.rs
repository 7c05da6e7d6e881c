//! Posted forms: the body parsed (NFC, trimmed), the CSRF token checked before anything else,
//! and the state a form page needs to show each error beside its field.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt as _;
use unicode_normalization::UnicodeNormalization as _;

use super::{CSRF_COOKIE, CSRF_FIELD, PageError};
use crate::domain::text;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, field_message};
use crate::registry::occupations::Occupations;

/// Form bodies larger than this are refused.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// An `application/x-www-form-urlencoded` body whose CSRF token matched the visitor's cookie.
#[derive(Clone)]
pub struct Posted {
    pairs: Vec<(String, String)>,
}

impl Posted {
    /// The first value of `name`, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<String> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// Every non-blank value of `name` (checkbox groups, multiple selects).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(key, value)| key == name && !value.trim().is_empty())
            .map(|(_, value)| value.trim().to_owned())
            .collect()
    }

    /// Puts `values` in place of every value of `name`.
    pub fn replace(&mut self, name: &str, values: Vec<String>) {
        self.pairs.retain(|(key, _)| key != name);
        self.pairs
            .extend(values.into_iter().map(|value| (name.to_owned(), value)));
    }

    /// Each occupation field as typed (a code, a name or a part of it, a common spelling,
    /// accents optional, or `Name (code)` picked from the list) made its codes; a field with
    /// an entry that names none or several occupations keeps what was typed and gets the error
    /// naming that entry.
    pub fn pick_occupations(
        &mut self,
        occupations: &Occupations,
        fields: &[&str],
        lang: Lang,
    ) -> HashMap<String, String> {
        let mut errors = HashMap::new();
        for field in fields {
            match occupations.codes(&self.all(field), lang) {
                Ok(codes) => self.replace(field, codes),
                Err(message) => {
                    errors.insert((*field).to_owned(), message);
                }
            }
        }
        errors
    }

    /// A whole number as people write it (`2.500.000`, `2 500 000`): `Ok(None)` when blank,
    /// `Err` when it is not a number.
    pub fn amount(&self, name: &str) -> Result<Option<i64>, std::num::ParseIntError> {
        self.get(name)
            .map(|text| digits(&text).parse::<i64>())
            .transpose()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|value| value != "false")
    }

    /// The values as sent, for showing a form again.
    pub fn values(&self) -> HashMap<String, String> {
        let mut values = HashMap::new();
        for (key, value) in &self.pairs {
            if key != CSRF_FIELD {
                values
                    .entry(key.clone())
                    .and_modify(|joined: &mut String| {
                        joined.push(',');
                        joined.push_str(value);
                    })
                    .or_insert_with(|| value.clone());
            }
        }
        values
    }
}

impl FromRequest for Posted {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let lang = super::page_lang(request);
        let cookie = request
            .cookie(CSRF_COOKIE)
            .map(|cookie| cookie.value().to_owned());
        let mut payload = payload.take();
        let fail = move |error: AppError| PageError {
            error,
            lang,
            next: None,
        };
        Box::pin(async move {
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|error| fail(AppError::BadRequest(error.to_string())))?;
                if body.len() + chunk.len() > MAX_FORM_BYTES {
                    return Err(fail(AppError::PayloadTooLarge));
                }
                body.extend_from_slice(&chunk);
            }
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body)
                .map(|(key, value)| (key.into_owned(), value.nfc().collect::<String>()))
                .collect();
            let sent = pairs
                .iter()
                .find(|(key, _)| key == CSRF_FIELD)
                .map(|(_, value)| value.as_str());
            // Compared whole; both are random and a mismatch reveals nothing to time.
            match (cookie.as_deref(), sent) {
                (Some(expected), Some(sent)) if !expected.is_empty() && expected == sent => {}
                _ => return Err(fail(AppError::Forbidden)),
            }
            let forbidden: Vec<FieldError> = pairs
                .iter()
                .filter(|(key, value)| text::has_forbidden(key) || text::has_forbidden(value))
                .map(|(key, _)| FieldError::new(key.clone(), "control_character"))
                .collect();
            if !forbidden.is_empty() {
                return Err(fail(AppError::Validation(forbidden)));
            }
            Ok(Posted { pairs })
        })
    }
}

/// A form's values and the errors to show beside its fields.
#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
    /// An error that belongs to no field.
    pub general: Option<String>,
}

impl FormState {
    pub fn with_values(values: HashMap<String, String>) -> FormState {
        FormState {
            values,
            ..FormState::default()
        }
    }

    /// A form filled from a record's JSON view: text and numbers as they are, a ticked box
    /// for `true`, lists comma-joined.
    pub fn from_record(record: &serde_json::Value, keys: &[&str]) -> FormState {
        let mut form = FormState::default();
        for key in keys {
            let value = match &record[*key] {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Bool(true) => "true".to_owned(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|item| item.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                _ => continue,
            };
            form.values.insert((*key).to_owned(), value);
        }
        form
    }

    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// What the inputs of a list field show, at least `slots` of them and one empty beyond
    /// the filled ones when `slots` > 1: each code as its `Name (code)` from `options`,
    /// anything else as typed.
    pub fn shown(&self, name: &str, options: &[(String, String)], slots: &usize) -> Vec<String> {
        let slots = *slots;
        let mut shown: Vec<String> = self
            .v(name)
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                options
                    .iter()
                    .find(|(code, _)| code == item)
                    .map_or_else(|| item.to_owned(), |(_, title)| title.clone())
            })
            .collect();
        let wanted = if slots > 1 {
            slots.max(shown.len() + 1)
        } else {
            slots.max(shown.len())
        };
        shown.resize(wanted, String::new());
        shown
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.values
            .get(name)
            .is_some_and(|values| values.split(',').any(|one| one == value))
    }

    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }

    /// Spreads a registry error over the form: field errors beside their fields (a field the
    /// form does not show, or a nested one, goes to the top), anything else on top.
    pub fn absorb(&mut self, error: AppError, lang: Lang, shown: &[&str]) -> Result<(), AppError> {
        match error {
            AppError::Validation(fields) => {
                for FieldError {
                    field,
                    code,
                    params,
                } in fields
                {
                    let message = field_message(code, lang, &params);
                    let name = field
                        .split(['.', '['])
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    if shown.contains(&name.as_str()) {
                        self.errors.entry(name).or_insert(message);
                    } else {
                        self.general = Some(message);
                    }
                }
                Ok(())
            }
            AppError::Duplicate { field, .. } => {
                let message = field_message("duplicate", lang, &[]);
                if shown.contains(&field) {
                    self.errors.insert(field.to_owned(), message);
                } else {
                    self.general = Some(message);
                }
                Ok(())
            }
            AppError::Conflict(code) => {
                self.general = Some(field_message(code, lang, &[]));
                Ok(())
            }
            other => Err(other),
        }
    }
}

/// How a form's fields become the JSON body a registry function takes.
pub struct Shape<'a> {
    /// Text sent when filled in.
    pub text: &'a [&'a str],
    /// Text that may be cleared: null on an edit when blank.
    pub nullable: &'a [&'a str],
    /// Whole numbers, typed with or without thousands separators; null on an edit when blank.
    pub integers: &'a [&'a str],
    /// Checkboxes: always sent, `false` when unticked.
    pub flags: &'a [&'a str],
    /// Groups of checkboxes: the ticked values as a list.
    pub lists: &'a [&'a str],
}

/// A number without the separators people group its digits with.
fn digits(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect()
}

/// [`parse_into`] after the occupation `fields` are made codes ([`Posted::pick_occupations`]);
/// an entry that names none or several occupations is an error beside its field, shown with
/// any other errors of the form.
pub fn parse_with_occupations<T: serde::de::DeserializeOwned>(
    form: &mut Posted,
    occupations: &Occupations,
    fields: &[&str],
    shape: &Shape<'_>,
    editing: bool,
    lang: Lang,
) -> Result<T, FormState> {
    let picked = form.pick_occupations(occupations, fields, lang);
    let parsed = parse_into::<T>(form, shape, editing, lang);
    if picked.is_empty() {
        return parsed;
    }
    let mut state = match parsed {
        Err(state) => state,
        Ok(_) => FormState::with_values(form.values()),
    };
    state.errors.extend(picked);
    Err(state)
}

/// The form as JSON, then parsed into `T` like an API body, so a field of the wrong type is
/// named as the API would name it.
pub fn parse_into<T: serde::de::DeserializeOwned>(
    form: &Posted,
    shape: &Shape<'_>,
    editing: bool,
    lang: Lang,
) -> Result<T, FormState> {
    let mut body = serde_json::Map::new();
    let mut state = FormState::with_values(form.values());
    for key in shape.text {
        if let Some(value) = form.get(key) {
            body.insert((*key).to_owned(), value.into());
        }
    }
    for key in shape.nullable {
        match form.get(key) {
            Some(value) => {
                body.insert((*key).to_owned(), value.into());
            }
            None if editing => {
                body.insert((*key).to_owned(), serde_json::Value::Null);
            }
            None => {}
        }
    }
    for key in shape.integers {
        match form.get(key) {
            Some(text) => match digits(&text).parse::<i64>() {
                Ok(number) => {
                    body.insert((*key).to_owned(), number.into());
                }
                Err(_) => {
                    state
                        .errors
                        .insert((*key).to_owned(), field_message("invalid_type", lang, &[]));
                }
            },
            None if editing => {
                body.insert((*key).to_owned(), serde_json::Value::Null);
            }
            None => {}
        }
    }
    for key in shape.flags {
        body.insert((*key).to_owned(), form.checked(key).into());
    }
    for key in shape.lists {
        body.insert((*key).to_owned(), form.all(key).into());
    }
    if !state.errors.is_empty() {
        return Err(state);
    }
    let bytes = serde_json::Value::Object(body).to_string();
    crate::routes::api::extract::parse_json::<T>(bytes.as_bytes()).map_err(|error| {
        let shown: Vec<&str> = shape
            .text
            .iter()
            .chain(shape.nullable)
            .chain(shape.integers)
            .chain(shape.flags)
            .chain(shape.lists)
            .copied()
            .collect();
        if let Err(other) = state.absorb(error, lang, &shown) {
            state.general = Some(other.describe(lang));
        }
        state
    })
}
