//! `GET /healthz`: whether the service and its database answer, for load balancers and people.

use actix_web::{HttpResponse, web};
use anyhow::Context as _;
use serde::Serialize;

use crate::db::migrations;
use crate::error::AppError;
use crate::models::stats::{RegistryCounts, registry_counts};
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub backend: &'static str,
    pub schema_version: Option<String>,
    pub counts: RegistryCounts,
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
        let mut connection = pool
            .get()
            .map_err(|error| AppError::Unavailable(error.into()))?;
        let schema_version = migrations::schema_version(&mut connection)
            .map_err(|error| AppError::Unavailable(error.into()))?;
        let counts = registry_counts(&mut connection).context("counting registry rows")?;
        Ok(Health {
            status: "ok",
            backend: backend.name(),
            schema_version,
            counts,
        })
    })
    .await
    .context("health check task")??;
    Ok(HttpResponse::Ok().json(health))
}
