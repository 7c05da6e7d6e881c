//! One error type for HTTP handlers, answered as RFC 9457 problem details. Internal causes
//! are logged with their chain and never shown: a 500 body is generic.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The database cannot be reached or is overloaded; the client may retry.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: &'a str,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (title, detail) = match self {
            AppError::Unavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "service unavailable");
                (
                    "Dịch vụ tạm thời không khả dụng",
                    "Cơ sở dữ liệu không phản hồi. Vui lòng thử lại sau.",
                )
            }
            AppError::Unexpected(cause) => {
                tracing::error!(error = format!("{cause:#}"), "unexpected error");
                (
                    "Lỗi hệ thống",
                    "Đã xảy ra lỗi không mong muốn. Lỗi đã được ghi lại.",
                )
            }
        };
        let body = Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail,
        };
        HttpResponse::build(status)
            .insert_header(ContentType(mime_problem()))
            .body(serde_json::to_string(&body).unwrap_or_default())
    }
}

fn mime_problem() -> mime::Mime {
    "application/problem+json"
        .parse()
        .unwrap_or(mime::APPLICATION_JSON)
}
