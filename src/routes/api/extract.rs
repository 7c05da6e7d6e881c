//! Extractors shared by the API handlers: the JSON body (limited, strict, with field-level
//! errors), the signed-in caller, and the idempotency key.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

pub use crate::accounts::Principal;
use crate::accounts::{self, Role};
use crate::domain::text;
use crate::error::{AppError, FieldError};
use crate::models::{admin_units, api_tokens};
use crate::state::AppState;

/// Request bodies larger than this are refused with 413 before they are parsed.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body parsed into `T`. Malformed JSON is a 400; a wrong type, a missing or an unknown
/// field is a 422 naming the field.
pub struct JsonBody<T> {
    pub value: T,
    /// The raw bytes, for idempotency checks.
    pub bytes: web::Bytes,
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let document: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| match error.classify() {
            serde_json::error::Category::Data => {
                AppError::Validation(vec![FieldError::new("", "invalid_type")])
            }
            _ => AppError::BadRequest(error.to_string()),
        })?;
    // Every string of every request is checked here, so no field can let a NUL or a direction
    // override through by being forgotten.
    let mut forbidden = Vec::new();
    forbidden_strings(&document, "", &mut forbidden);
    if !forbidden.is_empty() {
        return Err(AppError::Validation(
            forbidden
                .into_iter()
                .map(|field| FieldError::new(field, "control_character"))
                .collect(),
        ));
    }
    match serde_path_to_error::deserialize::<_, T>(document) {
        Ok(value) => Ok(value),
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let message = inner.to_string();
                    let (field, code) = if let Some(rest) = message.strip_prefix("unknown field `")
                    {
                        // The path already ends with the unknown field's name.
                        let name = rest.split('`').next().unwrap_or_default();
                        (
                            if path.ends_with(name) {
                                path
                            } else {
                                join_path(&path, name)
                            },
                            "unknown_field",
                        )
                    } else if let Some(rest) = message.strip_prefix("missing field `") {
                        let name = rest.split('`').next().unwrap_or_default();
                        (join_path(&path, name), "required")
                    } else {
                        (path, "invalid_type")
                    };
                    Err(AppError::Validation(vec![FieldError::new(field, code)]))
                }
                _ => Err(AppError::BadRequest(inner.to_string())),
            }
        }
    }
}

/// What in a request's address holds a forbidden character: the path, or a named query
/// parameter.
#[derive(Debug, PartialEq, Eq)]
pub enum ForbiddenInUri {
    Path,
    Query(String),
}

/// Checks the decoded path and every decoded query parameter of `uri` (see
/// [`text::is_forbidden`]).
pub fn forbidden_in_uri(uri: &actix_web::http::Uri) -> Option<ForbiddenInUri> {
    let path_decoded = url::form_urlencoded::parse(uri.path().as_bytes())
        .any(|(key, value)| text::has_forbidden(&key) || text::has_forbidden(&value));
    if path_decoded {
        return Some(ForbiddenInUri::Path);
    }
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(key, value)| text::has_forbidden(key) || text::has_forbidden(value))
        .map(|(key, _)| {
            ForbiddenInUri::Query(key.chars().filter(|c| !text::is_forbidden(*c)).collect())
        })
}

/// The paths of the strings (and keys) in `value` that hold a forbidden character.
fn forbidden_strings(value: &serde_json::Value, path: &str, found: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) if text::has_forbidden(text) => found.push(path.to_owned()),
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                forbidden_strings(item, &format!("{path}[{index}]"), found);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                let child = join_path(path, key);
                if text::has_forbidden(key) {
                    found.push(child.clone());
                }
                forbidden_strings(item, &child, found);
            }
        }
        _ => {}
    }
}

fn join_path(parent: &str, name: &str) -> String {
    if parent.is_empty() || parent == "." {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = match request.mime_type() {
            Ok(Some(mime)) => mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON),
            Ok(None) => true,
            Err(_) => false,
        };
        let declared_length = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(AppError::UnsupportedMediaType);
            }
            if declared_length.is_some_and(|length| length > MAX_BODY_BYTES) {
                return Err(AppError::PayloadTooLarge);
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|error| AppError::BadRequest(error.to_string()))?;
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(AppError::PayloadTooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            let bytes = body.freeze();
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(AppError::BadRequest("empty body".to_owned()));
            }
            let value = parse_json(&bytes)?;
            Ok(JsonBody { value, bytes })
        })
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the one its
/// `X-Forwarded-For` names (see [`crate::proxies`]).
pub fn client_address(request: &HttpRequest) -> Option<String> {
    let peer = request.peer_addr()?.ip();
    let Some(state) = request.app_data::<web::Data<AppState>>() else {
        return Some(peer.to_string());
    };
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .collect();
    Some(state.trusted_proxies.client(peer, &forwarded).to_string())
}

pub fn bearer_token(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_owned())
}

impl FromRequest for Principal {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(request);
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let address = client_address(request);
        Box::pin(async move {
            let token = token.ok_or(AppError::Unauthorized)?;
            let state = state.ok_or_else(|| {
                AppError::Unexpected(anyhow::anyhow!("application state missing"))
            })?;
            let hash = accounts::token_hash(&token);
            let audit = state.audit.clone();
            if let Some(principal) = state.tokens.get(&hash, address.clone()) {
                return Ok(Principal { audit, ..principal });
            }
            let (pool, tokens) = (state.pool.clone(), state.tokens.clone());
            web::block(move || -> Result<Principal, AppError> {
                let generation = api_tokens::generation();
                let mut connection = pool.get()?;
                let principal = principal_for_token(&mut connection, &token, address)?
                    .ok_or(AppError::Unauthorized)?;
                tokens.put(hash, &principal, generation);
                Ok(Principal { audit, ..principal })
            })
            .await?
        })
    }
}

/// The signed-in user behind an API token or a page session (the same tokens), if it is
/// current.
pub fn principal_for_token(
    connection: &mut crate::db::DbConn,
    token: &str,
    address: Option<String>,
) -> Result<Option<Principal>, AppError> {
    let Some(user) =
        api_tokens::find_user(connection, &accounts::token_hash(token), accounts::now())?
    else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&user.role) else {
        return Ok(None);
    };
    let area_units = match &user.area_id {
        Some(area_id) => Some(admin_units::units_within(connection, area_id)?),
        None => None,
    };
    Ok(Some(Principal {
        user_id: user.id,
        role,
        employer_id: user.employer_id,
        worker_id: user.worker_id,
        area_units,
        client_address: address,
        audit: None,
    }))
}

/// A caller who may be anonymous: no `Authorization` header means anonymous; a header with
/// a bad token is still a 401.
pub struct Caller(pub Option<Principal>);

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if request.headers().get(header::AUTHORIZATION).is_none() {
            return Box::pin(async { Ok(Caller(None)) });
        }
        let principal = Principal::from_request(request, payload);
        Box::pin(async move { Ok(Caller(Some(principal.await?))) })
    }
}

/// The `Idempotency-Key` header of a create, if sent.
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let key = request
            .headers()
            .get("Idempotency-Key")
            .map(|value| value.to_str().map(|text| text.trim().to_owned()));
        std::future::ready(match key {
            None => Ok(IdempotencyKey(None)),
            Some(Ok(key)) if !key.is_empty() && key.len() <= 200 => Ok(IdempotencyKey(Some(key))),
            Some(_) => Err(AppError::Validation(vec![
                FieldError::new("Idempotency-Key", "too_long").with("max", "200"),
            ])),
        })
    }
}
