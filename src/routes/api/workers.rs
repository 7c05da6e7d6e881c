//! `/api/v1/workers`, and the services recorded on a worker. An employer receives
//! `WorkerForEmployer` instead of `WorkerView` (see the role table).

use crate::registry::service_records::{ServiceRecordInput, ServiceRecordView};
use crate::registry::workers::texting::{TextInput, TextQueued};
use crate::registry::workers::{WorkerInput, WorkerQuery, WorkerView};

super::crud::crud_handlers!(
    workers,
    "/api/v1/workers",
    "/api/v1/workers/{id}",
    "workers",
    WorkerInput,
    WorkerView,
    WorkerView,
    WorkerQuery
);

#[utoipa::path(
    get,
    path = "/api/v1/workers/{id}/service-records",
    tag = "workers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Services given to the worker, oldest first", body = Vec<ServiceRecordView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see services", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn service_records(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let records = blocking(&state, move |connection| {
        registry::service_records::list(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(records))
}

#[utoipa::path(
    post,
    path = "/api/v1/workers/{id}/service-records",
    tag = "workers",
    params(("id" = String, Path)),
    request_body = ServiceRecordInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = ServiceRecordView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not record services", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_service(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<ServiceRecordInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let result = blocking(&state, move |connection| {
        connection.write_transaction(|connection| {
            Created::new(
                &registry::service_records::create(connection, &principal, &id, input)?,
                None,
            )
        })
    })
    .await?;
    Ok(created(result))
}

#[utoipa::path(
    get,
    path = "/api/v1/workers/{id}/personal-data",
    tag = "workers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Everything held about the person, as one JSON file (Decree 13/2023); the export is audited"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff and admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn personal_data(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let file_name = format!("ketnoi-du-lieu-ca-nhan-{id}.json");
    let document = blocking(&state, move |connection| {
        registry::workers::export_personal_data(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .json(document))
}

#[utoipa::path(
    post,
    path = "/api/v1/workers/{id}/consent-withdrawal",
    tag = "workers",
    params(("id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded: the profile is no longer shared or matched, and no message goes to the person", body = WorkerView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff and admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw_consent(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = blocking(&state, move |connection| {
        registry::workers::withdraw_consent(connection, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(
    post,
    path = "/api/v1/workers/{id}/messages",
    tag = "workers",
    params(("id" = String, Path)),
    request_body = TextInput,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued as a text to the worker's phone (sent by the outbox, audited on the record)", body = TextQueued),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff and admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such worker within the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No text, over 300 characters, or the person takes no texts (`text`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn send_text(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    body: JsonBody<TextInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.value;
    let queued = blocking(&state, move |connection| {
        registry::workers::texting::send(connection, &principal, &id, input)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(queued))
}
