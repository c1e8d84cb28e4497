//! The one error type of the API and its one JSON envelope:
//! `{"error": {"type", "code", "decline_code", "message", "param", "request_id"}}`.
//!
//! 4xx errors carry a message meant for the developer calling the API. 5xx
//! errors carry a generic message; the detail is logged with the request id
//! and never sent.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::http::current_request_id;

/// `Should-Retry`: whether the server knows a retry of the same request can succeed.
pub const SHOULD_RETRY: HeaderName = HeaderName::from_static("should-retry");

/// The error families of the envelope's `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// The request was malformed or not allowed (4xx).
    InvalidRequest,
    /// Authentication failed (401).
    Authentication,
    /// The card was declined (402).
    Card,
    /// Idempotency-key conflicts (409/422).
    Idempotency,
    /// Too many requests (429).
    RateLimit,
    /// Something went wrong on the server (5xx).
    Api,
}

impl ErrorType {
    /// The stable name used in the envelope.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidRequest => "invalid_request_error",
            ErrorType::Authentication => "authentication_error",
            ErrorType::Card => "card_error",
            ErrorType::Idempotency => "idempotency_error",
            ErrorType::RateLimit => "rate_limit_error",
            ErrorType::Api => "api_error",
        }
    }
}

/// An API error: status, envelope fields and optional headers.
#[derive(Debug, Clone)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Envelope `type`.
    pub kind: ErrorType,
    /// Envelope `code`.
    pub code: &'static str,
    /// Envelope `decline_code` (card errors only).
    pub decline_code: Option<&'static str>,
    /// Envelope `message` (generic for 5xx).
    pub message: String,
    /// Envelope `param`: the request field at fault.
    pub param: Option<Box<str>>,
    /// `Should-Retry` header, when the server knows.
    pub should_retry: Option<bool>,
    /// `Retry-After` header in seconds.
    pub retry_after: Option<u64>,
    /// Logged, never sent: the cause of a 5xx.
    pub detail: Option<Box<str>>,
}

impl AppError {
    /// A new error of the given status, type and code.
    pub fn new(
        status: StatusCode,
        kind: ErrorType,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        AppError {
            status,
            kind,
            code,
            decline_code: None,
            message: message.into(),
            param: None,
            should_retry: None,
            retry_after: None,
            detail: None,
        }
    }

    /// 400 `invalid_request_error` naming the parameter at fault.
    pub fn invalid(
        code: &'static str,
        param: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        AppError::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequest,
            code,
            message,
        )
        .with_param(param)
    }

    /// 404 for a missing object (or one owned by another merchant).
    pub fn not_found(what: &str, id: &str) -> Self {
        AppError::new(
            StatusCode::NOT_FOUND,
            ErrorType::InvalidRequest,
            "resource_missing",
            format!("No such {what}: '{id}'"),
        )
        .with_param("id")
    }

    /// 409 for a state-machine transition that is not allowed.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        AppError::new(
            StatusCode::CONFLICT,
            ErrorType::InvalidRequest,
            "payment_invalid_state",
            message,
        )
        .with_should_retry(false)
    }

    /// 500 with a generic body; `detail` is only logged.
    pub fn internal(detail: impl Into<String>) -> Self {
        let mut e = AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorType::Api,
            "internal_error",
            "An internal error occurred. The request may be retried with the same Idempotency-Key.",
        );
        e.detail = Some(detail.into().into_boxed_str());
        e
    }

    /// Sets `param`.
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into().into_boxed_str());
        self
    }

    /// Sets `Should-Retry`.
    pub fn with_should_retry(mut self, retry: bool) -> Self {
        self.should_retry = Some(retry);
        self
    }

    /// Sets `Retry-After` (seconds).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// Sets `decline_code`.
    pub fn with_decline_code(mut self, code: &'static str) -> Self {
        self.decline_code = Some(code);
        self
    }

    /// The headers of this error's response that a replay of its stored
    /// result must carry too (`Should-Retry`, `Retry-After`), as a JSON
    /// object of lower-case name to value; `None` when there are none.
    pub fn replay_headers(&self) -> Option<String> {
        if self.should_retry.is_none() && self.retry_after.is_none() {
            return None;
        }
        let mut map = serde_json::Map::new();
        if let Some(retry) = self.should_retry {
            map.insert(
                SHOULD_RETRY.as_str().to_owned(),
                serde_json::Value::String(if retry { "true" } else { "false" }.to_owned()),
            );
        }
        if let Some(secs) = self.retry_after {
            map.insert(
                axum::http::header::RETRY_AFTER.as_str().to_owned(),
                serde_json::Value::String(secs.to_string()),
            );
        }
        Some(serde_json::Value::Object(map).to_string())
    }

    /// The JSON envelope of this error (with the current request id).
    pub fn envelope(&self) -> serde_json::Value {
        #[derive(Serialize)]
        struct Body<'a> {
            r#type: &'a str,
            code: &'a str,
            decline_code: Option<&'a str>,
            message: &'a str,
            param: Option<&'a str>,
            request_id: String,
        }
        serde_json::json!({
            "error": Body {
                r#type: self.kind.as_str(),
                code: self.code,
                decline_code: self.decline_code,
                message: &self.message,
                param: self.param.as_deref(),
                request_id: current_request_id(),
            }
        })
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::internal(format!("database: {e}"))
    }
}

/// Logged cause of a 5xx, carried to the request logger in response extensions.
#[derive(Debug, Clone)]
pub(crate) struct ErrorDetail(pub(crate) String);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = self.envelope();
        let mut resp = (self.status, axum::Json(body)).into_response();
        let h = resp.headers_mut();
        if let Some(retry) = self.should_retry {
            h.insert(
                SHOULD_RETRY,
                HeaderValue::from_static(if retry { "true" } else { "false" }),
            );
        }
        if let Some(secs) = self.retry_after {
            h.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(detail) = self.detail {
            resp.extensions_mut().insert(ErrorDetail(detail.into()));
        }
        resp
    }
}
