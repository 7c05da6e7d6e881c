//! Logins, managed by administrators: create staff (with an area), employer and trainee logins,
//! change a role or an area, deactivate (the login's sessions end at once), and give a person
//! who forgot their password a one-time code; every account changes its own password. Each
//! change is audited as `user`.

use chrono::{NaiveDateTime, TimeDelta};
use rand::Rng;

use super::unit_code;
use crate::accounts::password::{hash_password, verify_password};
use crate::accounts::{self, AccountError, CreateUser, MIN_PASSWORD_CHARS, Principal, Role};
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::models::audit;
use crate::models::password_resets::{self, NewReset};
use crate::models::{self, api_tokens, users};

/// How long a reset code may be used.
pub const CODE_LIFETIME: TimeDelta = TimeDelta::minutes(30);
/// The roles a login may have.
pub const ROLES: &[&str] = &["admin", "staff", "employer", "trainee"];

/// A login as administrators see it (never its password hash).
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub role: String,
    /// The staff member's area (a district or commune code).
    pub area_code: Option<String>,
    pub employer_id: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

/// A new login.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub email: Option<String>,
    pub role: Option<String>,
    pub area_code: Option<String>,
    /// An employer login's employer, by its tax code.
    pub employer_tax_code: Option<String>,
    pub password: Option<String>,
}

/// A change to a login.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub role: Option<String>,
    pub area_code: Option<String>,
    pub active: bool,
}

fn admin_only(principal: &Principal) -> Result<(), AppError> {
    match principal.role {
        Role::Admin => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

fn view(row: users::UserRow) -> UserView {
    let (id, email, role, area_id, employer_id, active, created_at) = row;
    UserView {
        id,
        email,
        role,
        area_code: area_id.map(|area| unit_code(&area).to_owned()),
        employer_id,
        active,
        created_at,
    }
}

fn record(
    connection: &mut DbConn,
    principal: &Principal,
    action: &str,
    id: &str,
    fields: &[&str],
) -> Result<(), AppError> {
    audit::record(
        connection,
        &principal.actor(),
        action,
        "user",
        &[id.to_owned()],
        fields,
        accounts::now(),
    )?;
    Ok(())
}

/// Every login, by e-mail.
pub fn list(connection: &mut DbConn, principal: &Principal) -> Result<Vec<UserView>, AppError> {
    admin_only(principal)?;
    Ok(users::list(connection)?.into_iter().map(view).collect())
}

/// One login.
pub fn read(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<UserView, AppError> {
    admin_only(principal)?;
    users::list(connection)?
        .into_iter()
        .find(|row| row.0 == id)
        .map(view)
        .ok_or(AppError::NotFound)
}

/// Creates a login; each bad field is named.
pub fn create(
    connection: &mut DbConn,
    principal: &Principal,
    input: UserInput,
) -> Result<UserView, AppError> {
    admin_only(principal)?;
    let mut errors = Vec::new();
    let role = match input.role.as_deref().and_then(Role::parse) {
        Some(role) => Some(role),
        None => {
            errors
                .push(FieldError::new("role", "invalid_choice").with("choices", ROLES.join(", ")));
            None
        }
    };
    let employer_id = match input.employer_tax_code.as_deref() {
        Some(tax_code) => match models::employers::find_id_by_tax_code(connection, tax_code)? {
            Some(id) => Some(id),
            None => {
                errors.push(FieldError::new("employer_tax_code", "unknown_employer"));
                None
            }
        },
        None if role == Some(Role::Employer) => {
            errors.push(FieldError::new("employer_tax_code", "required"));
            None
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let Some(role) = role else {
        return Err(AppError::field("role", "required"));
    };
    let request = CreateUser {
        email: input.email.unwrap_or_default(),
        role,
        employer_id: employer_id.filter(|_| role == Role::Employer),
        worker_id: None,
        area_code: input.area_code.filter(|_| role == Role::Staff),
        password: input.password.unwrap_or_default(),
    };
    let user = accounts::create_user(connection, request).map_err(refusal)?;
    record(
        connection,
        principal,
        "create",
        &user.id,
        &["email", "role", "area"],
    )?;
    read(connection, principal, &user.id)
}

/// What a refused login says, by field.
fn refusal(error: AccountError) -> AppError {
    match error {
        AccountError::InvalidEmail(_) => AppError::field("email", "invalid_email"),
        AccountError::WeakPassword => AppError::Validation(vec![
            FieldError::new("password", "too_short").with("min", MIN_PASSWORD_CHARS.to_string()),
        ]),
        AccountError::EmployerLink | AccountError::UnknownEmployer(_) => {
            AppError::field("employer_tax_code", "unknown_employer")
        }
        AccountError::AreaForNonStaff | AccountError::UnknownArea(_) => {
            AppError::field("area_code", "unknown_area")
        }
        AccountError::UnknownWorker(_) => AppError::field("worker_id", "unknown_worker"),
        AccountError::DuplicateEmail(_) => AppError::field("email", "duplicate"),
        AccountError::Hash(error) => AppError::Unexpected(anyhow::anyhow!("{error}")),
        AccountError::Database(error) => error.into(),
    }
}

/// Changes a login's role, area and whether it may sign in. A deactivated login, or one whose
/// role or area changed, is signed out everywhere at once.
pub fn update(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
    change: UserChange,
) -> Result<UserView, AppError> {
    admin_only(principal)?;
    let user = users::find(connection, id)?.ok_or(AppError::NotFound)?;
    let role = match change.role.as_deref() {
        Some(raw) => Role::parse(raw).ok_or_else(|| {
            AppError::Validation(vec![
                FieldError::new("role", "invalid_choice").with("choices", ROLES.join(", ")),
            ])
        })?,
        None => Role::parse(&user.role).ok_or(AppError::NotFound)?,
    };
    if user.id == principal.user_id && (!change.active || role != Role::Admin) {
        return Err(AppError::Conflict("own_admin_login"));
    }
    let area_id = match change.area_code.as_deref().filter(|_| role == Role::Staff) {
        Some(code) => Some(
            accounts::find_area(connection, code)?
                .ok_or_else(|| AppError::field("area_code", "unknown_area"))?,
        ),
        None => None,
    };
    let now = accounts::now();
    connection.write_transaction(|connection| {
        users::set_account(
            connection,
            id,
            (role.as_str(), area_id.as_deref(), change.active),
            now,
        )?;
        let changed = !change.active
            || role.as_str() != user.role
            || area_id.as_deref() != user.area_id.as_deref();
        if changed {
            api_tokens::revoke_all(connection, id, now)?;
        }
        record(
            connection,
            principal,
            "update",
            id,
            &["role", "area", "active"],
        )
    })?;
    read(connection, principal, id)
}

/// A new one-time code for a login, valid [`CODE_LIFETIME`]: the administrator reads it to the
/// person once; only its hash is kept, and earlier unused codes end.
pub fn issue_code(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<String, AppError> {
    admin_only(principal)?;
    users::find(connection, id)?.ok_or(AppError::NotFound)?;
    // Ten characters a person can read aloud: no 0/O or 1/I/L.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut code = String::new();
    let mut bytes = [0_u8; 32];
    while code.len() < 10 {
        rand::rng().fill_bytes(&mut bytes);
        // Only bytes below a multiple of the alphabet's size, so every character is as likely.
        let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
        for byte in bytes
            .iter()
            .filter(|byte| **byte < limit)
            .take(10 - code.len())
        {
            code.push(char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]));
        }
    }
    let now = accounts::now();
    connection.write_transaction(|connection| {
        password_resets::retire(connection, id, now)?;
        password_resets::insert(
            connection,
            &NewReset {
                token_hash: accounts::token_hash(&code),
                user_id: id.to_owned(),
                kind: "code".to_owned(),
                expires_at: now + CODE_LIFETIME,
                used_at: None,
                created_at: now,
            },
        )?;
        record(
            connection,
            principal,
            "update",
            id,
            &["password_reset_code"],
        )
    })?;
    Ok(code)
}

fn strong(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Validation(vec![
            FieldError::new("new_password", "too_short")
                .with("min", MIN_PASSWORD_CHARS.to_string()),
        ]));
    }
    hash_password(password).map_err(|error| AppError::Unexpected(anyhow::anyhow!("{error}")))
}

/// Sets a new password with a one-time code given for the login with `email`. A wrong,
/// used or expired code, or an unknown address, answer alike, and count against the form's
/// `address` and the login: past the throttle, no code is tried.
pub fn reset_with_code(
    connection: &mut DbConn,
    address: &str,
    email: &str,
    code: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let hash = strong(new_password)?;
    let email = accounts::normalize_email(email).unwrap_or_default();
    let code = code.trim().to_uppercase().replace([' ', '-'], "");
    let now = accounts::now();
    if let Some(retry_after_seconds) =
        accounts::throttle::reset_code::retry_after(connection, address, &email, now)?
    {
        return Err(AppError::TooManyRequests {
            retry_after_seconds,
        });
    }
    let taken = connection.write_transaction(|connection| {
        let user = users::find_by_email(connection, &email)?;
        let taken = password_resets::take(connection, &accounts::token_hash(&code), now)?;
        match (user, taken) {
            (Some(user), Some(owner)) if owner == user.id && user.active => {
                users::set_password(connection, &user.id, &hash, now)?;
                api_tokens::revoke_all(connection, &user.id, now)?;
                audit::record(
                    connection,
                    &audit::Actor {
                        user_id: Some(user.id.clone()),
                        ..audit::Actor::default()
                    },
                    "update",
                    "user",
                    std::slice::from_ref(&user.id),
                    &["password"],
                    now,
                )?;
                Ok(())
            }
            _ => Err(AppError::field("code", "invalid_reset_code")),
        }
    });
    if taken.is_err() {
        // Counted in a transaction of its own: the refused one was rolled back.
        connection.write_transaction(|connection| {
            accounts::throttle::reset_code::record_failure(connection, address, &email, now)
        })?;
    }
    taken
}

/// Sends a link to set a new password to the login with `email`, in its language, if there is
/// an active one and fewer than three went there this hour; the caller answers alike either way,
/// so the page tells nobody which addresses have logins. The link's token is kept as its hash,
/// works once, for [`CODE_LIFETIME`].
pub fn request_link(connection: &mut DbConn, email: &str) -> Result<(), AppError> {
    let Some(email) = accounts::normalize_email(email) else {
        return Err(AppError::field("email", "invalid_email"));
    };
    let Some(user) = users::find_by_email(connection, &email)?.filter(|user| user.active) else {
        return Ok(());
    };
    if !accounts::throttle::reset_link::allow(connection, &email, accounts::now())? {
        return Ok(());
    }
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = crate::db::ids::to_hex(&bytes);
    let now = accounts::now();
    let lang = match user.language.as_str() {
        "en" => crate::i18n::Lang::En,
        _ => crate::i18n::Lang::Vi,
    };
    connection.write_transaction(|connection| {
        password_resets::insert(
            connection,
            &NewReset {
                token_hash: accounts::token_hash(&token),
                user_id: user.id.clone(),
                kind: "link".to_owned(),
                expires_at: now + CODE_LIFETIME,
                used_at: None,
                created_at: now,
            },
        )?;
        let message =
            crate::mail::messages::Message::PasswordReset(crate::mail::messages::PasswordReset {
                path: format!("/password/reset?token={token}"),
                minutes: CODE_LIFETIME.num_minutes(),
            });
        crate::mail::outbox::enqueue(
            connection,
            &message,
            &user.email,
            lang,
            crate::mail::outbox::Extras::default(),
            now,
        )?;
        Ok(())
    })
}

/// Sets a new password with the token of an e-mailed link; a wrong, used or expired link is
/// refused alike.
pub fn reset_with_link(
    connection: &mut DbConn,
    token: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let hash = strong(new_password)?;
    let now = accounts::now();
    connection.write_transaction(|connection| {
        let Some(user_id) =
            password_resets::take(connection, &accounts::token_hash(token.trim()), now)?
        else {
            return Err(AppError::field("token", "invalid_reset_link"));
        };
        users::set_password(connection, &user_id, &hash, now)?;
        api_tokens::revoke_all(connection, &user_id, now)?;
        audit::record(
            connection,
            &audit::Actor {
                user_id: Some(user_id.clone()),
                ..audit::Actor::default()
            },
            "update",
            "user",
            &[user_id],
            &["password"],
            now,
        )?;
        Ok(())
    })
}

/// The signed-in person changes their own password, giving the current one.
pub fn change_password(
    connection: &mut DbConn,
    principal: &Principal,
    current: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let user = users::find(connection, &principal.user_id)?.ok_or(AppError::Unauthorized)?;
    if !verify_password(current, &user.password_hash) {
        return Err(AppError::field("current_password", "wrong_password"));
    }
    let hash = strong(new_password)?;
    let now = accounts::now();
    connection.write_transaction(|connection| {
        users::set_password(connection, &user.id, &hash, now)?;
        record(connection, principal, "update", &user.id, &["password"])
    })
}
