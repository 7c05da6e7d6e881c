//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::blocking;
use super::extract::{JsonBody, Principal, bearer_token, client_address};
use crate::accounts::{self, SignIn};
use crate::error::{AppError, Problem};
use crate::models::api_tokens;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong e-mail or password", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or of the wrong type", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let LoginRequest { email, password } = body.value;
    let address = client_address(&request).unwrap_or_default();
    let client = address.clone();
    let issued = blocking(&state, move |connection| {
        Ok(accounts::sign_in(connection, &email, &password, &client)?)
    })
    .await?;
    match issued {
        SignIn::Issued {
            token, expires_at, ..
        } => Ok(HttpResponse::Ok().json(LoginResponse {
            token,
            expires_at: expires_at.and_utc(),
        })),
        SignIn::Throttled {
            retry_after_seconds,
        } => Err(AppError::TooManyRequests {
            retry_after_seconds,
        }),
        SignIn::Refused => {
            tracing::info!(client = %address, "failed sign-in");
            Err(AppError::Unauthorized)
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The token is revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn logout(
    state: web::Data<AppState>,
    request: HttpRequest,
    _principal: Principal,
) -> Result<HttpResponse, AppError> {
    let token = bearer_token(&request).ok_or(AppError::Unauthorized)?;
    blocking(&state, move |connection| {
        api_tokens::revoke(connection, &accounts::token_hash(&token), accounts::now())?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
