//! Accounts: creating logins, signing in with throttling, and bearer tokens.

pub mod password;
pub mod throttle;
pub mod token_cache;

use std::sync::OnceLock;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::accounts::password::{hash_password, verify_password};
use crate::db::DbConn;
use crate::db::ids::{new_id, to_hex};
pub use crate::domain::roles::Role;
pub use crate::domain::values::normalize_email;
use crate::models;
use crate::models::api_tokens::{self, NewApiToken};
use crate::models::audit::Actor;
use crate::models::users::{self, NewUser, User};

/// How long a bearer token lives.
pub const TOKEN_LIFETIME: TimeDelta = TimeDelta::hours(12);
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("`{0}` is not an e-mail address")]
    InvalidEmail(String),
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("an employer login needs --employer-id, and only an employer login takes one")]
    EmployerLink,
    #[error("--area is only for staff logins")]
    AreaForNonStaff,
    #[error("no employer has the id `{0}`")]
    UnknownEmployer(String),
    #[error("no worker has the id `{0}`")]
    UnknownWorker(String),
    #[error("no district, commune, ward or town has the code `{0}`")]
    UnknownArea(String),
    #[error("a login with the e-mail {0} exists already")]
    DuplicateEmail(String),
    #[error(transparent)]
    Hash(#[from] crate::accounts::password::HashError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// What `ketnoi user create` asks for.
pub struct CreateUser {
    pub email: String,
    pub role: Role,
    pub employer_id: Option<String>,
    pub worker_id: Option<String>,
    pub area_code: Option<String>,
    pub password: String,
}

/// The unit a staff login's area names: the newest unit with that code.
pub fn find_area(connection: &mut DbConn, code: &str) -> QueryResult<Option<String>> {
    models::admin_units::newest_below_province(connection, code)
}

pub fn create_user(connection: &mut DbConn, request: CreateUser) -> Result<User, AccountError> {
    let email = normalize_email(&request.email)
        .ok_or_else(|| AccountError::InvalidEmail(request.email.clone()))?;
    if request.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    if (request.role == Role::Employer) != request.employer_id.is_some() {
        return Err(AccountError::EmployerLink);
    }
    if request.area_code.is_some() && request.role != Role::Staff {
        return Err(AccountError::AreaForNonStaff);
    }
    let password_hash = hash_password(&request.password)?;
    connection.write_transaction(|connection| {
        if let Some(employer_id) = &request.employer_id
            && models::employers::find(connection, employer_id)?.is_none()
        {
            return Err(AccountError::UnknownEmployer(employer_id.clone()));
        }
        if let Some(worker_id) = &request.worker_id
            && models::workers::find(connection, worker_id)?.is_none()
        {
            return Err(AccountError::UnknownWorker(worker_id.clone()));
        }
        let area_id = match &request.area_code {
            Some(code) => Some(
                find_area(connection, code)?
                    .ok_or_else(|| AccountError::UnknownArea(code.clone()))?,
            ),
            None => None,
        };
        if users::find_by_email(connection, &email)?.is_some() {
            return Err(AccountError::DuplicateEmail(email.clone()));
        }
        let now = now();
        let new_user = NewUser {
            id: new_id(),
            email: email.clone(),
            password_hash,
            role: request.role.as_str().to_owned(),
            employer_id: request.employer_id.clone(),
            worker_id: request.worker_id.clone(),
            area_id,
            language: "vi".to_owned(),
            active: true,
            created_at: now,
            updated_at: now,
        };
        users::insert(connection, &new_user)?;
        users::find_by_email(connection, &email)?
            .ok_or(AccountError::Database(diesel::result::Error::NotFound))
    })
}

/// The current time in UTC, as stored (see [`crate::domain::clock`]).
pub fn now() -> NaiveDateTime {
    crate::domain::clock::now()
}

/// SHA-256 of a bearer token, hex: what the database keeps.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    to_hex(&digest)
}

/// A new random token (256 bits, hex) and its row.
pub fn issue_token(connection: &mut DbConn, user_id: &str) -> QueryResult<(String, NaiveDateTime)> {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = to_hex(&bytes);
    let created_at = now();
    let expires_at = created_at + TOKEN_LIFETIME;
    api_tokens::insert(
        connection,
        &NewApiToken {
            id: new_id(),
            user_id: user_id.to_owned(),
            token_hash: token_hash(&token),
            created_at,
            expires_at,
            revoked_at: None,
        },
    )?;
    Ok((token, expires_at))
}

/// Checks a password against a login. Hashes even when the e-mail is unknown, so the answer
/// takes as long either way and does not tell which e-mails exist.
pub fn check_password(user: Option<&User>, password: &str) -> bool {
    static UNKNOWN_USER_HASH: OnceLock<String> = OnceLock::new();
    match user {
        Some(user) if user.active => verify_password(password, &user.password_hash),
        _ => {
            let stand_in = UNKNOWN_USER_HASH
                .get_or_init(|| hash_password("no such login").unwrap_or_default());
            verify_password(password, stand_in);
            false
        }
    }
}

/// What a sign-in came to.
pub enum SignIn {
    Issued {
        token: String,
        expires_at: NaiveDateTime,
        role: Role,
    },
    /// Wrong e-mail or password (which, the answer does not say).
    Refused,
    /// Too many failures: try again after this long.
    Throttled { retry_after_seconds: u64 },
}

/// Signs in with an e-mail as typed and a password, from `address`: throttled (see
/// [`crate::accounts::throttle::sign_in`]), the failure counted and the success recorded in the database.
pub fn sign_in(
    connection: &mut DbConn,
    email: &str,
    password: &str,
    address: &str,
) -> QueryResult<SignIn> {
    use crate::accounts::throttle::sign_in as throttle;
    let email = normalize_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    let at = now();
    if let Some(retry_after_seconds) = throttle::retry_after(connection, &email, address, at)? {
        return Ok(SignIn::Throttled {
            retry_after_seconds,
        });
    }
    let user = users::find_by_email(connection, &email)?;
    let role = user.as_ref().and_then(|user| Role::parse(&user.role));
    match (check_password(user.as_ref(), password), user, role) {
        (true, Some(user), Some(role)) => {
            throttle::record_success(connection, &email, address, at)?;
            let (token, expires_at) = issue_token(connection, &user.id)?;
            Ok(SignIn::Issued {
                token,
                expires_at,
                role,
            })
        }
        _ => {
            throttle::record_failure(connection, &email, address, at)?;
            Ok(SignIn::Refused)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_e_mail_addresses() {
        assert_eq!(
            normalize_email(" CanBo@SoLDTBXH.SonLa.gov.vn "),
            Some("canbo@soldtbxh.sonla.gov.vn".into())
        );
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("a@localhost"), None);
    }

    #[test]
    fn token_hashes_are_hex_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

/// The signed-in caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub role: Role,
    pub employer_id: Option<String>,
    pub worker_id: Option<String>,
    /// For an officer with an area: the ids of every unit in it (both generations).
    pub area_units: Option<Vec<String>>,
    pub client_address: Option<String>,
    /// The server's group commit of read audits, for a request it serves.
    pub audit: Option<std::sync::Arc<crate::models::audit_writer::AuditWriter>>,
}

impl Principal {
    /// The operator at the server's command line: an admin with no login of its own.
    pub fn operator() -> Principal {
        Principal {
            user_id: String::new(),
            role: Role::Admin,
            employer_id: None,
            worker_id: None,
            area_units: None,
            client_address: None,
            audit: None,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            // The command-line operator is recorded without a login.
            user_id: (!self.user_id.is_empty()).then(|| self.user_id.clone()),
            client_address: self.client_address.clone(),
            group: self
                .audit
                .clone()
                .map(|writer| writer as std::sync::Arc<dyn crate::models::audit::GroupCommit>),
        }
    }
}
