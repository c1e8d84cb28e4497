//! Request plumbing shared by every route: the request id, the one log line
//! per request, and strict JSON bodies.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorDetail};
use crate::ids;

/// `Request-Id`, on every response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being handled on this task (empty outside a request).
pub fn current_request_id() -> String {
    CURRENT_REQUEST_ID
        .try_with(|id| id.clone())
        .unwrap_or_default()
}

/// Filled by authentication so the request log line can name the merchant.
#[derive(Debug, Clone, Default)]
pub struct LogTag(pub Arc<Mutex<Option<String>>>);

impl LogTag {
    /// Records the merchant id of the request.
    pub fn set_merchant(&self, merchant: &str) {
        if let Ok(mut m) = self.0.lock() {
            *m = Some(merchant.to_owned());
        }
    }

    fn merchant(&self) -> String {
        self.0
            .lock()
            .ok()
            .and_then(|m| m.clone())
            .unwrap_or_default()
    }
}

/// Outermost middleware: mints the request id, runs the request inside its
/// scope, stamps `Request-Id` on the response and writes one log line.
pub async fn request_context(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = ids::new_id("req");
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let tag = LogTag::default();
    req.extensions_mut().insert(tag.clone());
    let mut resp = CURRENT_REQUEST_ID
        .scope(request_id.clone(), next.run(req))
        .await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert(REQUEST_ID, v);
    }
    let status = resp.status().as_u16();
    let latency_ms = format!("{:.3}", started.elapsed().as_secs_f64() * 1000.0);
    let merchant = tag.merchant();
    if let Some(ErrorDetail(detail)) = resp.extensions().get::<ErrorDetail>() {
        tracing::error!(
            request_id = %request_id, method = %method, route = %route, status,
            latency_ms = %latency_ms, merchant = %merchant, detail = %detail, "request failed"
        );
    } else {
        tracing::info!(
            request_id = %request_id, method = %method, route = %route, status,
            latency_ms = %latency_ms, merchant = %merchant, "request"
        );
    }
    resp
}

/// Parses a JSON body strictly: malformed JSON, unknown fields and wrong types
/// are 400s naming the parameter (`param`) at fault.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        // Also stops serde from reading a struct out of a JSON array.
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Ok(_) => AppError::invalid(
                    "parameter_invalid",
                    "body",
                    "The request body must be a JSON object.",
                ),
                Err(e) => AppError::invalid(
                    "body_malformed",
                    "body",
                    format!("The request body is not valid JSON: {e}"),
                ),
            },
        );
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::invalid(
                "body_malformed",
                "body",
                format!("The request body is not valid JSON: {msg}"),
            );
        }
        let mut param = if path == "." { String::new() } else { path };
        if let Some(field) = unknown_field(&msg) {
            if param == field || param.ends_with(&format!(".{field}")) {
                param.clear();
            }
            if !param.is_empty() {
                param.push('.');
            }
            param.push_str(field);
            return AppError::invalid(
                "parameter_unknown",
                param,
                format!("Received unknown parameter: {field}"),
            );
        }
        if let Some(field) = missing_field(&msg) {
            if !param.is_empty() {
                param.push('.');
            }
            param.push_str(field);
            return AppError::invalid(
                "parameter_missing",
                param,
                format!("Missing required parameter: {field}"),
            );
        }
        if param.is_empty() {
            param.push_str("body");
        }
        AppError::invalid(
            "parameter_invalid",
            param.clone(),
            format!("Invalid value for {param}: {msg}"),
        )
    })
}

fn between_backticks<'a>(msg: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = msg.strip_prefix(prefix)?;
    let end = rest.find('`')?;
    rest.get(..end)
}

fn unknown_field(msg: &str) -> Option<&str> {
    between_backticks(msg, "unknown field `")
}

fn missing_field(msg: &str) -> Option<&str> {
    between_backticks(msg, "missing field `")
}
