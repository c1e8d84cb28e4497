//! Rate limits per API key and route class, with the tier of the merchant's
//! plan. One seam, [`RateLimiter`]; the middleware adds the headers to every
//! `/v1` response and answers 429 with `Retry-After` when a request is refused.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;

use crate::AppState;
use crate::config::Plan;
use crate::db::ApiKeyRecord;
use crate::error::{AppError, ErrorType};

/// What a limiter decided for one request.
#[derive(Debug, Clone, Default)]
pub struct RateOutcome {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Seconds to wait before retrying (when refused).
    pub retry_after_secs: Option<u64>,
    /// Headers for the response (`RateLimit-Policy`, `RateLimit`, `X-RateLimit-*`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// The rate-limit seam: one check (and consumption) per request.
pub trait RateLimiter: Send + Sync + 'static {
    /// Checks and counts one request of `key` (API key and route class) under
    /// the plan's tier.
    fn check<'a>(
        &'a self,
        key: &'a str,
        plan: Plan,
    ) -> BoxFuture<'a, Result<RateOutcome, AppError>>;
}

/// The route class of a path: its resource (`payments`, `refunds`, `events`,
/// `webhook_endpoints`, `usage`) and whether it reads or writes.
pub fn route_class(method: &axum::http::Method, path: &str) -> String {
    let resource = path
        .trim_start_matches("/v1/")
        .split('/')
        .next()
        .unwrap_or("other");
    let kind = if method == axum::http::Method::GET {
        "read"
    } else {
        "write"
    };
    format!("{resource}:{kind}")
}

/// Middleware for `/v1` (after authentication).
pub async fn enforce(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(key) = req.extensions().get::<ApiKeyRecord>().cloned() else {
        return AppError::internal("rate limit before authentication").into_response();
    };
    let class = route_class(req.method(), req.uri().path());
    let limiter_key = format!("{}:{}", key.key_id, class);
    let outcome = match state.limiter.check(&limiter_key, key.plan).await {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    let mut resp = if outcome.allowed {
        next.run(req).await
    } else {
        state.metrics.rate_limited();
        let mut e = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorType::RateLimit,
            "rate_limited",
            "Too many requests for this API key and route; retry after the time in Retry-After.",
        )
        .with_should_retry(true);
        e.retry_after = Some(outcome.retry_after_secs.unwrap_or(1).max(1));
        e.into_response()
    };
    for (name, value) in outcome.headers {
        resp.headers_mut().insert(name, value);
    }
    resp
}
