//! Test-only fault triggers, honoured only for sandbox merchants, so SDK
//! retry logic can be tested against this real server.
//!
//! | request header                     | effect |
//! |------------------------------------|--------|
//! | `Paycore-Test-Fault: 500`          | 500 `internal_error` (nothing is done or stored) |
//! | `Paycore-Test-Fault: 503`          | 503 `service_unavailable` with `Retry-After: 1` |
//! | `Paycore-Test-Fault: 429`          | 429 `rate_limited` with `Retry-After: 1` |
//! | `Paycore-Test-Delay-Ms: N`         | waits N ms (0-10000), then handles the request normally |
//! | `Paycore-Test-Fault-Times: N`      | with a fault: only the first N (1-10) requests carrying the same `Idempotency-Key` (or, without one, the same method and path) get the fault; later ones are handled normally |
//!
//! `Paycore-Test-Fault-Times` lets a client send the same headers on every
//! attempt and still see a retry succeed ("fail twice, then work"). Its
//! counters live in the server process (per instance), keyed by API key id.
//!
//! A live merchant sending either header gets 400 `test_trigger_not_allowed`.
//! Faults answer before idempotency, so they store nothing: a retry with the
//! same key and without the header performs the request.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
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
/// Header limiting a fault to the first N requests of one operation.
pub const TIMES_HEADER: &str = "paycore-test-fault-times";
/// Longest delay.
pub const MAX_DELAY_MS: u64 = 10_000;
/// Largest `Paycore-Test-Fault-Times`.
pub const MAX_TIMES: u32 = 10;
/// Operations remembered for `Paycore-Test-Fault-Times` before the map is reset.
const MAX_TRACKED: usize = 10_000;

fn fault_counts() -> &'static Mutex<HashMap<String, u32>> {
    static COUNTS: OnceLock<Mutex<HashMap<String, u32>>> = OnceLock::new();
    COUNTS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Counts one faulted request of `op`; whether it is still within `times`.
fn within_times(op: String, times: u32) -> bool {
    let mut map = fault_counts()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if map.len() >= MAX_TRACKED && !map.contains_key(&op) {
        map.clear();
    }
    let n = map.entry(op).or_insert(0);
    *n = n.saturating_add(1);
    *n <= times
}

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
        if let Some(t) = req.headers().get(TIMES_HEADER) {
            let Some(times) = t
                .to_str()
                .ok()
                .and_then(|s| s.trim().parse::<u32>().ok())
                .filter(|n| (1..=MAX_TIMES).contains(n))
            else {
                return AppError::invalid(
                    "parameter_invalid",
                    "Paycore-Test-Fault-Times",
                    format!("Paycore-Test-Fault-Times must be an integer from 1 to {MAX_TIMES}."),
                )
                .into_response();
            };
            let key_id = req
                .extensions()
                .get::<ApiKeyRecord>()
                .map(|k| k.key_id.as_str())
                .unwrap_or_default();
            let op = match req
                .headers()
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
            {
                Some(k) => format!("{key_id}\nkey\n{k}"),
                None => format!("{key_id}\n{}\n{}", req.method(), req.uri()),
            };
            if !within_times(op, times) {
                return next.run(req).await;
            }
        }
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
