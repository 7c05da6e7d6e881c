//! HTTP routes.

pub mod api;
pub mod html;
pub mod health;

use actix_web::web;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(health::healthz))
        .route("/openapi.json", web::get().to(api::openapi::document))
        .configure(api::configure)
        .configure(html::configure);
}
