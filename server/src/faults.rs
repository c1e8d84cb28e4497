//! Test-only fault triggers, honoured only for sandbox merchants, so SDK
//! retry logic can be tested against this real server.
//!
//! | request header                     | effect |
//! |------------------------------------|--------|
//! | `Paycore-Test-Fault: 500`          | 500 `internal_error` (nothing is done or stored) |
//! | `Paycore-Test-Fault: 503`          | 503 `service_unavailable` with `Retry-After: 1` |
//! | `Paycore-Test-Fault: 429`          | 429 `rate_limited` with `Retry-After: 1` |
//! | `Paycore-Test-Delay-Ms: N`         | waits N ms (0-10000), then handles the request normally |
//!
//! A live merchant sending either header gets 400 `test_trigger_not_allowed`.
//! Faults answer before idempotency, so they store nothing: a retry with the
//! same key and without the header performs the request.

use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::db::ApiKeyRecord;
use crate::error::{AppError, ErrorType};

/// Header naming a fault to answer with.
pub const FAULT_HEADER: &str = "paycore-test-fault";
/// Header asking for a delay before handling.
pub const DELAY_HEADER: &str = "paycore-test-delay-ms";
/// Longest delay.
pub const MAX_DELAY_MS: u64 = 10_000;

/// Middleware for `/v1` (after authentication, before rate limits).
pub async fn triggers(req: Request, next: Next) -> Response {
    let fault = req.headers().get(FAULT_HEADER).cloned();
    let delay = req.headers().get(DELAY_HEADER).cloned();
    if fault.is_none() && delay.is_none() {
        return next.run(req).await;
    }
    let sandbox = req
        .extensions()
        .get::<ApiKeyRecord>()
        .is_some_and(|k| k.sandbox);
    if !sandbox {
        return AppError::invalid(
            "test_trigger_not_allowed",
            if fault.is_some() {
                "Paycore-Test-Fault"
            } else {
                "Paycore-Test-Delay-Ms"
            },
            "Test triggers are only honoured for sandbox merchants.",
        )
        .into_response();
    }
    if let Some(d) = delay {
        let Some(ms) = d
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|ms| *ms <= MAX_DELAY_MS)
        else {
            return AppError::invalid(
                "parameter_invalid",
                "Paycore-Test-Delay-Ms",
                format!("Paycore-Test-Delay-Ms must be an integer from 0 to {MAX_DELAY_MS}."),
            )
            .into_response();
        };
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if let Some(f) = fault {
        return match f.to_str().map(str::trim) {
            Ok("500") => {
                let mut e = AppError::internal("test fault 500 requested");
                e.detail = None;
                e.with_should_retry(true).into_response()
            }
            Ok("503") => AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorType::Api,
                "service_unavailable",
                "The service is temporarily unavailable (test fault).",
            )
            .with_retry_after(1)
            .with_should_retry(true)
            .into_response(),
            Ok("429") => AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorType::RateLimit,
                "rate_limited",
                "Too many requests (test fault).",
            )
            .with_retry_after(1)
            .with_should_retry(true)
            .into_response(),
            _ => AppError::invalid(
                "parameter_invalid",
                "Paycore-Test-Fault",
                "Paycore-Test-Fault must be 500, 503 or 429.",
            )
            .into_response(),
        };
    }
    next.run(req).await
}
