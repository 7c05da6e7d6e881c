//! One error type for HTTP handlers, answered as RFC 9457 problem details in the request's
//! language. Internal causes are logged with their chain and never shown: a 500 body is generic.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::i18n::{self, Lang};

pub use crate::domain::checks::FieldError;
use crate::domain::checks::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not JSON (or not the JSON object expected).
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("not authenticated")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A unique value already belongs to another record: the record `id` of the collection
    /// `kind` (`workers`, `households` …), which the answer links to.
    #[error("duplicate {field}")]
    Duplicate {
        field: &'static str,
        kind: &'static str,
        id: String,
    },
    /// The request conflicts with the record's state.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many attempts")]
    TooManyRequests { retry_after_seconds: u64 },
    /// The database cannot be reached or is overloaded; the client may retry.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    pub fn field(field: impl Into<String>, code: &'static str) -> AppError {
        AppError::Validation(vec![FieldError::new(field, code)])
    }

    /// The error as one line for the command line, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            AppError::Validation(fields) => fields
                .iter()
                .map(|error| {
                    format!(
                        "{}: {}",
                        error.field,
                        i18n::field_message(error.code, lang, &error.params)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            AppError::Conflict(code) => i18n::field_message(code, lang, &[]),
            other => format!("{other:#}"),
        }
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        AppError::Validation(invalid.0)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            // Two requests writing the same unique value at once: the check each made before
            // writing passed (on PostgreSQL neither sees the other's uncommitted row), and the
            // database refused the second. A conflict to retry, not a fault.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("concurrent_duplicate")
            }
            other => AppError::Unexpected(other.into()),
        }
    }
}

impl From<tantivy::TantivyError> for AppError {
    fn from(error: tantivy::TantivyError) -> Self {
        AppError::Unexpected(error.into())
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(error.into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        AppError::Unexpected(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

/// One field's error in a problem document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The field, as named in the request (`desired_occupations[1]` for a list item).
    pub field: String,
    /// A stable code, e.g. `required`, `invalid_national_id`, `unknown_commune`.
    pub code: &'static str,
    /// The error in the request's language.
    pub message: String,
}

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Where the record holding a duplicate value is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<String>,
}

fn text(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Duplicate { .. } | AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let lang = i18n::current();
        let status = self.status_code();
        let (title, detail) = self.title_and_detail(lang);
        let existing = self.existing_link();
        let body = Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail,
            errors: self.problem_fields(lang),
            existing: existing.clone(),
        };
        let mut response = HttpResponse::build(status);
        response
            .insert_header(ContentType(problem_json()))
            .insert_header((header::CONTENT_LANGUAGE, lang.code()));
        if let AppError::TooManyRequests {
            retry_after_seconds,
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        if let AppError::Unauthorized = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(link) = existing {
            response.insert_header((header::LINK, format!("<{link}>; rel=\"duplicate\"")));
        }
        response.body(serde_json::to_string(&body).unwrap_or_default())
    }
}

impl AppError {
    /// The problem's title and detail in `lang`; an unexpected error is logged here.
    fn title_and_detail(&self, lang: Lang) -> (&'static str, String) {
        match self {
            AppError::BadRequest(cause) => (
                text(lang, "Yêu cầu không đúng định dạng", "Malformed request"),
                format!(
                    "{} {cause}",
                    text(
                        lang,
                        "Nội dung gửi lên không phải JSON hợp lệ:",
                        "The body is not valid JSON:"
                    )
                ),
            ),
            AppError::Unauthorized => (
                text(lang, "Chưa đăng nhập", "Not signed in"),
                text(
                    lang,
                    "Cần mã đăng nhập hợp lệ (Authorization: Bearer …).",
                    "A valid token is needed (Authorization: Bearer …).",
                )
                .to_owned(),
            ),
            AppError::Forbidden => (
                text(lang, "Không có quyền", "Forbidden"),
                text(
                    lang,
                    "Tài khoản của bạn không được phép làm việc này.",
                    "Your account may not do this.",
                )
                .to_owned(),
            ),
            AppError::NotFound => (
                text(lang, "Không tìm thấy", "Not found"),
                text(
                    lang,
                    "Không có bản ghi hoặc địa chỉ này.",
                    "There is no such record or address.",
                )
                .to_owned(),
            ),
            AppError::Duplicate { .. } => (
                text(lang, "Đã có trong hệ thống", "Already registered"),
                format!(
                    "{} {}",
                    text(lang, "Bản ghi đã có:", "The existing record:"),
                    self.existing_link().unwrap_or_default()
                ),
            ),
            AppError::Conflict(code) => (
                text(lang, "Xung đột", "Conflict"),
                i18n::field_message(code, lang, &[]),
            ),
            AppError::Validation(_) => (
                text(lang, "Dữ liệu không hợp lệ", "Invalid data"),
                text(
                    lang,
                    "Vui lòng sửa các trường được nêu.",
                    "Please correct the fields listed.",
                )
                .to_owned(),
            ),
            AppError::PayloadTooLarge => (
                text(lang, "Nội dung quá lớn", "Payload too large"),
                text(
                    lang,
                    "Nội dung gửi lên vượt quá 1 MiB.",
                    "The body is larger than 1 MiB.",
                )
                .to_owned(),
            ),
            AppError::UnsupportedMediaType => (
                text(lang, "Sai kiểu nội dung", "Unsupported media type"),
                text(
                    lang,
                    "Gửi nội dung dạng application/json.",
                    "Send application/json.",
                )
                .to_owned(),
            ),
            AppError::TooManyRequests { .. } => (
                text(lang, "Quá nhiều lần thử", "Too many attempts"),
                text(
                    lang,
                    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau.",
                    "Too many failed sign-ins. Try again later.",
                )
                .to_owned(),
            ),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "service unavailable");
                (
                    text(
                        lang,
                        "Dịch vụ tạm thời không khả dụng",
                        "Service unavailable",
                    ),
                    text(
                        lang,
                        "Cơ sở dữ liệu không phản hồi. Vui lòng thử lại sau.",
                        "The database does not answer. Try again later.",
                    )
                    .to_owned(),
                )
            }
            AppError::Unexpected(cause) => {
                tracing::error!(error = format!("{cause:#}"), "unexpected error");
                (
                    text(lang, "Lỗi hệ thống", "Internal error"),
                    text(
                        lang,
                        "Đã xảy ra lỗi không mong muốn. Lỗi đã được ghi lại.",
                        "Something unexpected went wrong. It has been logged.",
                    )
                    .to_owned(),
                )
            }
        }
    }

    /// The fields at fault, each with its translated message.
    fn problem_fields(&self, lang: Lang) -> Vec<ProblemField> {
        match self {
            AppError::Duplicate { field, .. } => vec![ProblemField {
                field: (*field).to_owned(),
                code: "duplicate",
                message: i18n::field_message("duplicate", lang, &[]),
            }],
            AppError::Validation(fields) => fields
                .iter()
                .map(|error| ProblemField {
                    field: error.field.clone(),
                    code: error.code,
                    message: i18n::field_message(error.code, lang, &error.params),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The record a duplicate repeats, as its API address.
    fn existing_link(&self) -> Option<String> {
        match self {
            AppError::Duplicate { kind, id, .. } => Some(format!("/api/v1/{kind}/{id}")),
            _ => None,
        }
    }
}

pub fn problem_json() -> mime::Mime {
    "application/problem+json"
        .parse()
        .unwrap_or(mime::APPLICATION_JSON)
}
