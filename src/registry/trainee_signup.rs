//! A trainee's own login, made from the course catalogue with the CCCD, birth date and phone
//! the job centre holds for them, and an e-mail and password to sign in with.
//!
//! The answer is the same whatever the registry holds, so the form cannot be used to learn
//! who is registered: when the CCCD is registered and the birth date and phone agree with the
//! record, the login is linked to that person; when the CCCD is not registered, the login is
//! made unlinked and the person's first course application links it (as for a login an
//! administrator made); when the record disagrees, the CCCD already has a login, or the e-mail
//! is taken, nothing is made. Like the course application, the form is throttled by address
//! and by CCCD.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::accounts::{self, CreateUser, MIN_PASSWORD_CHARS, Principal, throttle};
use crate::db::DbConn;
use crate::domain::roles::Role;
use crate::domain::values;
use crate::error::{AppError, FieldError};
use crate::models::{self, audit};

/// What the sign-up form sends.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TraineeSignUp {
    pub national_id: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
}

/// The checked form.
struct Checked {
    national_id: String,
    birth_date: NaiveDate,
    phone: String,
    email: String,
    password: String,
}

/// Makes the login if the details allow it (see the module's words); `address` is where the
/// form came from. Refuses only what the form itself gets wrong, and the throttle.
pub fn sign_up(
    connection: &mut DbConn,
    address: &str,
    form: TraineeSignUp,
) -> Result<(), AppError> {
    let checked = check(form)?;
    let now = accounts::now();
    if let Some(retry_after_seconds) =
        throttle::public_form::retry_after(connection, address, &checked.national_id, now)?
    {
        return Err(AppError::TooManyRequests {
            retry_after_seconds,
        });
    }
    // Counted in a transaction of its own: a sign-up that makes nothing counts too.
    connection.write_transaction(|connection| {
        throttle::public_form::record(connection, address, &checked.national_id, now)
    })?;
    connection.write_transaction(|connection| {
        let worker_id =
            match models::workers::find_id_by_national_id(connection, &checked.national_id)? {
                None => None,
                Some(id) => {
                    let Some(worker) = models::workers::find(connection, &id)? else {
                        return Ok(());
                    };
                    let agrees = worker.birth_date == checked.birth_date
                        && worker.phone.as_deref() == Some(checked.phone.as_str());
                    if !agrees || models::users::worker_has_login(connection, &id)? {
                        return Ok(());
                    }
                    Some(id)
                }
            };
        if models::users::find_by_email(connection, &checked.email)?.is_some() {
            return Ok(());
        }
        let request = CreateUser {
            email: checked.email.clone(),
            role: Role::Trainee,
            employer_id: None,
            worker_id,
            area_code: None,
            password: checked.password.clone(),
        };
        let user = accounts::create_user(connection, request)
            .map_err(|error| AppError::Unexpected(anyhow::anyhow!("{error}")))?;
        audit::record(
            connection,
            &Principal::operator().actor(),
            "create",
            "user",
            &[user.id],
            &["email", "role", "worker_id"],
            accounts::now(),
        )?;
        Ok(())
    })
}

/// Every field the form needs, each refused beside itself.
fn check(form: TraineeSignUp) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let mut field = |name: &str, raw: Option<&str>| -> Option<String> {
        let value = raw.map(str::trim).filter(|raw| !raw.is_empty());
        if value.is_none() {
            errors.push(FieldError::new(name, "required"));
        }
        value.map(str::to_owned)
    };
    let national_id = field("national_id", form.national_id.as_deref());
    let birth_date = field("birth_date", form.birth_date.as_deref());
    let phone = field("phone", form.phone.as_deref());
    let email = field("email", form.email.as_deref());
    let password = field("password", form.password.as_deref());
    let mut parsed = |name: &str, result: Result<String, &'static str>| match result {
        Ok(value) => Some(value),
        Err(code) => {
            errors.push(FieldError::new(name, code));
            None
        }
    };
    let national_id = national_id.and_then(|raw| parsed("national_id", values::national_id(&raw)));
    let phone = phone.and_then(|raw| parsed("phone", values::phone(&raw)));
    let email = email.and_then(|raw| parsed("email", values::email(&raw)));
    let birth_date = match birth_date.map(|raw| values::date(&raw)) {
        None => None,
        Some(Ok(day)) if day > accounts::now().date() => {
            errors.push(FieldError::new("birth_date", "future_date"));
            None
        }
        Some(Ok(day)) => Some(day),
        Some(Err(code)) => {
            errors.push(FieldError::new("birth_date", code));
            None
        }
    };
    let password = password.filter(|password| {
        let long_enough = password.chars().count() >= MIN_PASSWORD_CHARS;
        if !long_enough {
            errors.push(
                FieldError::new("password", "too_short")
                    .with("min", MIN_PASSWORD_CHARS.to_string()),
            );
        }
        long_enough
    });
    match (national_id, birth_date, phone, email, password) {
        (Some(national_id), Some(birth_date), Some(phone), Some(email), Some(password))
            if errors.is_empty() =>
        {
            Ok(Checked {
                national_id,
                birth_date,
                phone,
                email,
                password,
            })
        }
        _ => Err(AppError::Validation(errors)),
    }
}
