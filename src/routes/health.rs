//! What load balancers and operators read: `GET /healthz` (does the service and its database
//! answer: no table is counted, so it stays cheap under any load), `GET /metrics` (Prometheus
//! text, for admins or the configured scrape token) and `GET /api/v1/stats` (row counts, for
//! admins).

use actix_web::{HttpRequest, HttpResponse, web};
use anyhow::Context as _;
use serde::Serialize;

use crate::accounts::Role;
use crate::db::migrations;
use crate::error::AppError;
use crate::models::stats::{RegistryCounts, registry_counts};
use crate::routes::api::extract::{Principal, bearer_token, principal_for_token};
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub backend: &'static str,
    pub schema_version: Option<String>,
}

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "service",
    responses(
        (status = 200, description = "The service and its database answer", body = Health),
        (status = 503, description = "The database does not answer", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let backend = state.backend;
    let health = web::block(move || -> Result<Health, AppError> {
        // A checkout tests the connection; the schema version is one indexed row.
        let mut connection = pool
            .get()
            .map_err(|error| AppError::Unavailable(error.into()))?;
        let schema_version = migrations::schema_version(&mut connection)
            .map_err(|error| AppError::Unavailable(error.into()))?;
        Ok(Health {
            status: "ok",
            backend: backend.name(),
            schema_version,
        })
    })
    .await
    .context("health check task")??;
    Ok(HttpResponse::Ok().json(health))
}

#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "service",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rows in each registry table", body = RegistryCounts),
        (status = 401, description = "Not signed in", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn stats(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, AppError> {
    if principal.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let pool = state.pool.clone();
    let counts = web::block(move || -> Result<RegistryCounts, AppError> {
        let mut connection = pool.get()?;
        Ok(registry_counts(&mut connection)?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(counts))
}

/// `GET /metrics`: for an admin's token or session-less bearer, or the scrape token.
pub async fn metrics(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let token = bearer_token(&request).ok_or(AppError::Unauthorized)?;
    let scrape = state
        .metrics_token_hash
        .as_deref()
        .is_some_and(|expected| expected == crate::accounts::token_hash(&token));
    let pool = state.pool.clone();
    let search = state.search.clone();
    let snapshot = web::block(move || -> Result<crate::metrics::Snapshot, AppError> {
        let mut connection = pool.get()?;
        if !scrape {
            let principal = principal_for_token(&mut connection, &token, None)?
                .ok_or(AppError::Unauthorized)?;
            if principal.role != Role::Admin {
                return Err(AppError::Forbidden);
            }
        }
        let applied = search.applied_change()?;
        Ok(crate::metrics::snapshot(&mut connection, applied)?)
    })
    .await??;
    let text = state
        .metrics
        .render(&snapshot)
        .map_err(|error| AppError::Unexpected(error.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text))
}
