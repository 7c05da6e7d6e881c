//! `GET /api/v1/admin-units`: administrative units for pickers, open to everyone.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::blocking;
use crate::domain::values;
use crate::error::{AppError, Problem};
use crate::models::admin_units;
use crate::registry::unit_code;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdminUnitQuery {
    /// province, district, commune, ward or town.
    pub kind: Option<String>,
    /// Code of the parent unit (a district's code lists its communes).
    pub parent: Option<String>,
    /// Only units in force on this date (YYYY-MM-DD).
    pub valid_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUnitView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_type: String,
    pub parent_code: Option<String>,
    pub poor_area: bool,
    /// A difficult area (vùng khó khăn, xã đặc biệt khó khăn).
    pub difficult_area: bool,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: Option<chrono::NaiveDate>,
}

#[utoipa::path(
    get,
    path = "/api/v1/admin-units",
    tag = "reference",
    params(AdminUnitQuery),
    responses(
        (status = 200, description = "Units, oldest generation first", body = Vec<AdminUnitView>),
        (status = 422, description = "An invalid filter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<AdminUnitQuery>,
) -> Result<HttpResponse, AppError> {
    let AdminUnitQuery {
        kind,
        parent,
        valid_on,
    } = query.into_inner();
    if let Some(kind) = &kind
        && !["province", "district", "commune", "ward", "town"].contains(&kind.as_str())
    {
        return Err(AppError::Validation(vec![
            crate::error::FieldError::new("kind", "invalid_choice")
                .with("choices", "province, district, commune, ward, town"),
        ]));
    }
    let valid_on = match valid_on {
        Some(raw) => Some(values::date(&raw).map_err(|code| AppError::field("valid_on", code))?),
        None => None,
    };
    let units = blocking(&state, move |connection| {
        Ok(admin_units::search(
            connection,
            kind.as_deref(),
            parent.as_deref(),
            valid_on,
        )?)
    })
    .await?;
    let views: Vec<AdminUnitView> = units
        .into_iter()
        .map(|unit| AdminUnitView {
            parent_code: unit
                .parent_id
                .as_deref()
                .map(|parent| unit_code(parent).to_owned()),
            code: unit.code,
            name: unit.name,
            kind: unit.kind,
            unit_type: unit.unit_type,
            poor_area: unit.poor_area,
            difficult_area: unit.difficult_area,
            valid_from: unit.valid_from,
            valid_to: unit.valid_to,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
