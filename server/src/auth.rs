//! Authentication of `/v1` requests: one seam, [`Authenticator`], and the
//! middleware that reads the body (bounded to 1 MiB), calls it, blocks
//! repeated failures with growing backoff, and hands the authenticated key to
//! the handlers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;

use crate::AppState;
use crate::db::ApiKeyRecord;
use crate::error::{AppError, ErrorType};
use crate::http::LogTag;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a request was not authenticated. `code` is the core's reason code
/// (`signature_invalid`, `window_invalid`, `digest_mismatch`, `replayed`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// Stable reason code, sent in the error envelope.
    pub code: &'static str,
    /// The key id the request claimed, when it could be read (for backoff).
    pub key_id: Option<String>,
    /// The signature base the verifier built, when it got that far (sent
    /// back only with `--debug-signature-base`, to diff with the signer's).
    pub signature_base: Option<String>,
}

/// The authentication seam: verify one request (head + raw body) and return
/// the API key it was signed with.
pub trait Authenticator: Send + Sync + 'static {
    /// Verifies the request.
    fn authenticate<'a>(
        &'a self,
        state: &'a AppState,
        parts: &'a Parts,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<ApiKeyRecord, AuthFailure>>;
}

/// Repeated authentication failures per key id and per client address:
/// after [`Backoff::FREE_FAILURES_PER_KEY`] consecutive failures of a key id
/// (or [`Backoff::FREE_FAILURES_PER_CLIENT`] of a client address), each
/// further failure blocks that source for twice as long as the previous one
/// (1 s, 2 s, 4 s ... 5 min). A success resets the source.
#[derive(Debug, Default)]
pub struct Backoff {
    inner: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Backoff {
    /// Consecutive failures of one key id allowed before blocking starts.
    pub const FREE_FAILURES_PER_KEY: u32 = 5;
    /// Consecutive failures of one client address allowed before blocking
    /// starts (higher: many keys may share an address).
    pub const FREE_FAILURES_PER_CLIENT: u32 = 20;
    const MAX_BLOCK: Duration = Duration::from_secs(300);

    fn blocked_for(&self, source: &str, now: Instant) -> Option<Duration> {
        let map = self.inner.lock().ok()?;
        let (_, until) = map.get(source)?;
        until.checked_duration_since(now).filter(|d| !d.is_zero())
    }

    fn fail(&self, source: &str, free: u32, now: Instant) {
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        if map.len() > 100_000 {
            map.retain(|_, (_, until)| *until > now);
        }
        let entry = map.entry(source.to_owned()).or_insert((0, now));
        entry.0 = entry.0.saturating_add(1);
        if entry.0 > free {
            let exp = (entry.0 - free - 1).min(16);
            let block = Duration::from_secs(1u64 << exp).min(Self::MAX_BLOCK);
            entry.1 = now + block;
        }
    }

    fn succeed(&self, source: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.remove(source);
        }
    }
}

fn auth_error(code: &'static str, message: &str) -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        ErrorType::Authentication,
        code,
        message,
    )
    .with_should_retry(false)
}

/// Middleware for `/v1`: bounded body read (413 over 1 MiB), signature
/// verification through the [`Authenticator`], failure backoff.
pub async fn require_signature(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorType::InvalidRequest,
                "body_too_large",
                format!("The request body exceeds {MAX_BODY_BYTES} bytes."),
            )
            .with_should_retry(false)
            .into_response();
        }
    };
    let client = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| format!("ip:{}", c.0.ip()));
    let now = Instant::now();
    if let Some(client) = &client
        && let Some(wait) = state.backoff.blocked_for(client, now)
    {
        return blocked(wait);
    }
    match state.auth.authenticate(&state, &parts, &body).await {
        Ok(key) => {
            if let Some(client) = &client {
                state.backoff.succeed(client);
            }
            state.backoff.succeed(&format!("key:{}", key.key_id));
            if let Some(tag) = parts.extensions.get::<LogTag>() {
                tag.set_merchant(&key.merchant_id);
            }
            parts.extensions.insert(key);
            parts.extensions.insert(RawBody(body.clone()));
            next.run(Request::from_parts(parts, Body::from(body))).await
        }
        Err(failure)
            if failure.code.ends_with("_unavailable") || failure.code == "nonce_store_full" =>
        {
            // The key or nonce store failed, not the client.
            AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorType::Api,
                "service_unavailable",
                "Authentication is temporarily unavailable; retry shortly.",
            )
            .with_retry_after(1)
            .with_should_retry(true)
            .into_response()
        }
        Err(failure) => {
            if let Some(key_id) = &failure.key_id {
                let source = format!("key:{key_id}");
                if let Some(wait) = state.backoff.blocked_for(&source, now) {
                    return blocked(wait);
                }
                state
                    .backoff
                    .fail(&source, Backoff::FREE_FAILURES_PER_KEY, now);
            }
            if let Some(client) = &client {
                state
                    .backoff
                    .fail(client, Backoff::FREE_FAILURES_PER_CLIENT, now);
            }
            let err = auth_error(
                failure.code,
                "The request signature could not be verified; see `code` for the reason.",
            );
            match failure.signature_base {
                Some(base) if state.config.debug_signature_base => {
                    let mut body = err.envelope();
                    if let Some(e) = body.get_mut("error").and_then(|e| e.as_object_mut()) {
                        e.insert("signature_base".into(), serde_json::Value::String(base));
                    }
                    let mut resp = (err.status, axum::Json(body)).into_response();
                    resp.headers_mut().insert(
                        crate::error::SHOULD_RETRY,
                        axum::http::HeaderValue::from_static("false"),
                    );
                    resp
                }
                _ => err.into_response(),
            }
        }
    }
}

fn blocked(wait: Duration) -> Response {
    let secs = wait.as_secs().max(1);
    AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorType::Authentication,
        "too_many_failed_attempts",
        "Too many failed authentication attempts; retry later.",
    )
    .with_retry_after(secs)
    .with_should_retry(true)
    .into_response()
}

/// The raw request body, as authenticated (available to handlers).
#[derive(Debug, Clone)]
pub struct RawBody(pub Bytes);
