//! The five handlers every registry resource has — list, create, read, PATCH, archive —
//! generated once per resource, OpenAPI annotations included.

/// `crud_handlers!(module, "/api/v1/things", "/api/v1/things/{id}", "tag", Input, View, ListView, Query)`
/// defines `list`, `create`, `read`, `update` and `archive` in the calling module, each a thin
/// call into `registry::module` on a blocking thread.
macro_rules! crud_handlers {
    ($module:ident, $path:literal, $item_path:literal, $tag:literal, $input:ty, $view:ty, $list_view:ty, $query:ty) => {
        use actix_web::{HttpResponse, web};

        use super::extract::{IdempotencyKey, JsonBody, Principal};
        use super::idempotency::{Created, idempotent_create};
        use super::{blocking, created};
        use crate::error::{AppError, Problem};
        use crate::registry::{self, Page};
        use crate::state::AppState;

        #[utoipa::path(
            get,
            path = $path,
            tag = $tag,
            params($query),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "A page of records, in the caller's view", body = Page<$list_view>),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "The role may not list these", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "A filter is invalid", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn list(state: web::Data<AppState>, principal: Principal, query: web::Query<$query>) -> Result<HttpResponse, AppError> {
            let query = query.into_inner();
            let page = blocking(&state, move |connection| registry::$module::list(connection, &principal, query)).await?;
            Ok(HttpResponse::Ok().json(page))
        }

        #[utoipa::path(
            post,
            path = $path,
            tag = $tag,
            request_body = $input,
            params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer")),
            security(("bearer" = [])),
            responses(
                (status = 201, description = "Created", body = $view),
                (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "The role may not create these", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "A unique value is registered already; `existing` links to that record", body = Problem, content_type = "application/problem+json"),
                (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn create(
            state: web::Data<AppState>,
            principal: Principal,
            key: IdempotencyKey,
            body: JsonBody<$input>,
        ) -> Result<HttpResponse, AppError> {
            let JsonBody { value, bytes } = body;
            let result = blocking(&state, move |connection| {
                let user_id = principal.user_id.clone();
                idempotent_create(connection, &user_id, key.0.as_deref(), $path, &bytes, |connection| {
                    Created::within(&registry::$module::create(connection, &principal, value)?, $path)
                })
            })
            .await?;
            Ok(created(result))
        }

        #[utoipa::path(
            get,
            path = $item_path,
            tag = $tag,
            params(("id" = String, Path)),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "The record, in the caller's view", body = $view),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "The role may not read these", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such record within the caller's reach", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn read(state: web::Data<AppState>, principal: Principal, id: web::Path<String>) -> Result<HttpResponse, AppError> {
            let id = id.into_inner();
            let record = blocking(&state, move |connection| registry::$module::read(connection, &principal, &id)).await?;
            Ok(HttpResponse::Ok().json(record))
        }

        #[utoipa::path(
            patch,
            path = $item_path,
            tag = $tag,
            params(("id" = String, Path)),
            request_body = $input,
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Updated; fields not sent keep their values", body = $view),
                (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "The role may not change these", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such record within the caller's reach", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "A unique value belongs to another record", body = Problem, content_type = "application/problem+json"),
                (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn update(
            state: web::Data<AppState>,
            principal: Principal,
            id: web::Path<String>,
            body: JsonBody<$input>,
        ) -> Result<HttpResponse, AppError> {
            let id = id.into_inner();
            let input = body.value;
            let record = blocking(&state, move |connection| registry::$module::update(connection, &principal, &id, input)).await?;
            Ok(HttpResponse::Ok().json(record))
        }

        #[utoipa::path(
            delete,
            path = $item_path,
            tag = $tag,
            params(("id" = String, Path)),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Archived: the record and its history are kept", body = $view),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "The role may not archive these", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such record within the caller's reach", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn archive(state: web::Data<AppState>, principal: Principal, id: web::Path<String>) -> Result<HttpResponse, AppError> {
            let id = id.into_inner();
            let record = blocking(&state, move |connection| registry::$module::archive(connection, &principal, &id)).await?;
            Ok(HttpResponse::Ok().json(record))
        }
    };
}

pub(crate) use crud_handlers;
