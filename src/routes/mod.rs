//! HTTP routes.

pub mod api;
pub mod health;
pub mod html;

use actix_web::web;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(health::healthz))
        .route("/openapi.json", web::get().to(api::openapi::document))
        .configure(api::configure)
        .configure(html::configure);
}
