//! Creates that a client may retry: `Idempotency-Key` answers a retry with the first answer.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::accounts;
use crate::db::DbConn;
use crate::db::ids::to_hex;
use crate::error::AppError;
use crate::models::idempotency::{self, StoredResponse};

/// The answer to a create: status, JSON body and where the record lives, replayable.
pub struct Created {
    pub status: u16,
    pub body: serde_json::Value,
    /// Where the created record lives.
    pub location: Option<String>,
}

impl Created {
    /// A 201 with `view` as its body, at `location`.
    pub fn new(view: &impl Serialize, location: Option<String>) -> Result<Created, AppError> {
        Ok(Created {
            status: 201,
            body: serde_json::to_value(view).map_err(|error| AppError::Unexpected(error.into()))?,
            location,
        })
    }

    /// A 201 with `view` as its body, at `collection/{its id}`.
    pub fn within(view: &impl Serialize, collection: &str) -> Result<Created, AppError> {
        let mut created = Created::new(view, None)?;
        created.location = created
            .body
            .get("id")
            .and_then(|id| id.as_str())
            .map(|id| format!("{collection}/{id}"));
        Ok(created)
    }
}

fn body_hash(body: &[u8]) -> String {
    to_hex(&Sha256::digest(body))
}

/// Runs a create at most once per `(user, Idempotency-Key)`: a retry with the same key and
/// body gets the first answer back; the same key with another body is refused. The stored
/// answer is written in the create's own transaction, so a dropped connection never leaves a
/// record without it.
pub fn idempotent_create(
    connection: &mut DbConn,
    user_id: &str,
    key: Option<&str>,
    path: &str,
    body: &[u8],
    create: impl FnOnce(&mut DbConn) -> Result<Created, AppError>,
) -> Result<Created, AppError> {
    let Some(key) = key else {
        return connection.write_transaction(create);
    };
    let request_hash = body_hash(body);
    let replay = |stored: StoredResponse| -> Result<Created, AppError> {
        if stored.request_hash != request_hash || stored.request_path != path {
            return Err(AppError::field("Idempotency-Key", "idempotency_mismatch"));
        }
        let body: serde_json::Value = serde_json::from_str(&stored.response_body)
            .map_err(|error| AppError::Unexpected(error.into()))?;
        let location = body
            .get("id")
            .and_then(|id| id.as_str())
            .map(|id| format!("{path}/{id}"));
        Ok(Created {
            status: u16::try_from(stored.response_status).unwrap_or(201),
            body,
            location,
        })
    };
    if let Some(stored) = idempotency::find(connection, user_id, key)? {
        return replay(stored);
    }
    let result = connection.write_transaction(|connection| {
        let created = create(connection)?;
        idempotency::insert(
            connection,
            &StoredResponse {
                user_id: user_id.to_owned(),
                idempotency_key: key.to_owned(),
                request_path: path.to_owned(),
                request_hash: request_hash.clone(),
                response_status: i32::from(created.status),
                response_body: created.body.to_string(),
                created_at: accounts::now(),
            },
        )?;
        Ok::<_, AppError>(created)
    });
    match result {
        // Two retries raced: the other committed first, so answer as it did.
        Err(AppError::Unexpected(_)) | Err(AppError::Duplicate { .. }) => {
            match idempotency::find(connection, user_id, key)? {
                Some(stored) => replay(stored),
                None => result,
            }
        }
        other => other,
    }
}
