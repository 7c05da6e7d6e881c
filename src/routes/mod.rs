//! HTTP routes.

pub mod api;
pub mod health;
pub mod html;

use actix_web::web;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(health::healthz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/api/v1/stats", web::get().to(health::stats))
        .route("/openapi.json", web::get().to(api::openapi::document))
        .configure(api::configure)
        .configure(html::configure);
}

/// An unknown address: a problem document for the API, a page for a browser.
pub async fn not_found(request: actix_web::HttpRequest) -> actix_web::HttpResponse {
    error_for(&request, crate::error::AppError::NotFound)
}

/// `error` answered as a problem document for the API and other clients, or as a page for a
/// browser outside `/api/`.
pub fn error_for(
    request: &actix_web::HttpRequest,
    error: crate::error::AppError,
) -> actix_web::HttpResponse {
    use actix_web::ResponseError as _;
    let wants_page = !request.path().starts_with("/api/")
        && request
            .headers()
            .get(actix_web::http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if wants_page {
        let lang = html::page_lang(request);
        html::PageError {
            error,
            lang,
            next: None,
        }
        .error_response()
    } else {
        error.error_response()
    }
}
