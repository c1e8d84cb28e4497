//! Idempotency keys: required on every POST, scoped per API key.
//!
//! 1. `claim`: one atomic `INSERT ... ON CONFLICT DO NOTHING` of the key in
//!    state `in_flight` with the request's fingerprint (SHA-256 of method,
//!    path and body). Whoever inserts the row owns the request; every other
//!    request with the same key sees the row: a different fingerprint is 422,
//!    a completed row is replayed, an in-flight row is 409 with
//!    `Should-Retry: true` (or taken over once its lock expired, after a crash).
//! 2. The handler stores its response in the row inside the same transaction
//!    as its effect ([`Claim::complete_in`]).
//! 3. A 4xx without effect is stored after the fact; a 5xx deletes the row, so
//!    the request can be retried with the same key.
//!
//! Keys expire after the configured TTL (24 h) and are pruned periodically.

use std::future::Future;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::{Any, Row, Transaction};

use crate::AppState;
use crate::db::{ApiKeyRecord, now_unix};
use crate::error::{AppError, ErrorType};

/// `Idempotent-Replayed: true` marks a stored response.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Longest accepted key.
pub const MAX_KEY_LEN: usize = 255;

/// A mutating `POST`, to run under its `Idempotency-Key` (an extractor:
/// it takes the body, so it comes last among a handler's arguments).
///
/// It holds what every such handler needs: the server state, the caller's
/// API key, and the parts of the request its fingerprint covers.
#[derive(Debug)]
pub struct IdempotentPost {
    /// The server.
    pub state: AppState,
    /// The authenticated API key.
    pub key: ApiKeyRecord,
    /// The raw request body (its JSON is the handler's to parse).
    pub body: Bytes,
    headers: HeaderMap,
    path_and_query: String,
}

impl FromRequest<AppState> for IdempotentPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let key = req
            .extensions()
            .get::<ApiKeyRecord>()
            .cloned()
            .ok_or_else(|| AppError::internal("no authenticated API key").into_response())?;
        let uri = req.uri();
        let path_and_query = uri
            .path_and_query()
            .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            state: state.clone(),
            key,
            body,
            headers,
            path_and_query,
        })
    }
}

impl IdempotentPost {
    /// Runs `effect` under the request's idempotency key (see [`run`]).
    pub async fn run<F, Fut>(&self, effect: F) -> Response
    where
        F: FnOnce(Claim) -> Fut,
        Fut: Future<Output = Result<Stored, AppError>>,
    {
        run(
            &self.state,
            &self.key,
            &self.headers,
            "POST",
            &self.path_and_query,
            &self.body,
            effect,
        )
        .await
    }
}

/// The right to perform one request under its idempotency key.
#[derive(Debug, Clone)]
pub struct Claim {
    api_key_id: String,
    key: String,
}

/// A response produced by a handler and stored under its key.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Status code.
    pub status: StatusCode,
    /// JSON body.
    pub body: serde_json::Value,
}

impl Claim {
    /// Stores the response in the transaction of the effect.
    pub async fn complete_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        status: StatusCode,
        body: serde_json::Value,
    ) -> Result<Stored, AppError> {
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'completed', status_code = $1, response_body = $2 \
             WHERE api_key_id = $3 AND key = $4",
        )
        .bind(i64::from(status.as_u16()))
        .bind(body.to_string())
        .bind(&self.api_key_id)
        .bind(&self.key)
        .execute(&mut **tx)
        .await?;
        Ok(Stored { status, body })
    }
}

fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    paycore::crypto::hex_encode(&paycore::crypto::sha256(&[
        method.as_bytes(),
        b"\n",
        path.as_bytes(),
        b"\n",
        body,
    ]))
}

fn read_key(headers: &HeaderMap) -> Result<String, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Err(AppError::invalid(
            "idempotency_key_missing",
            "Idempotency-Key",
            "Every POST needs an Idempotency-Key header (a unique value per logical operation).",
        ));
    };
    match value.to_str() {
        Ok(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(k.to_owned())
        }
        _ => Err(AppError::invalid(
            "idempotency_key_invalid",
            "Idempotency-Key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters."),
        )),
    }
}

/// Headers a stored response may carry into its replay (anything else in the
/// stored text is ignored).
const REPLAYED_HEADERS: [HeaderName; 2] = [crate::error::SHOULD_RETRY, header::RETRY_AFTER];

/// Puts the stored headers (a JSON object, see [`AppError::replay_headers`])
/// back on a replayed response.
fn restore_headers(h: &mut HeaderMap, text: &str) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        tracing::warn!("unreadable stored idempotent response headers");
        return;
    };
    for name in REPLAYED_HEADERS {
        if let Some(value) = map.get(name.as_str()).and_then(|v| v.as_str())
            && let Ok(value) = HeaderValue::from_str(value)
        {
            h.insert(name, value);
        }
    }
}

enum Begin {
    Claimed(Claim),
    Replay(Response),
}

async fn begin(
    state: &AppState,
    api_key: &ApiKeyRecord,
    key: String,
    fp: &str,
) -> Result<Begin, AppError> {
    let db = &state.db.pool;
    let ttl = i64::try_from(state.config.idempotency_ttl_secs).unwrap_or(i64::MAX);
    let lock = i64::try_from(state.config.idempotency_lock_secs).unwrap_or(60);
    for _ in 0..3 {
        let now = now_unix();
        let (turn, mut conn) = state.db.write_conn().await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (api_key_id, key, fingerprint, state, locked_until, created_at) \
             VALUES ($1, $2, $3, 'in_flight', $4, $5) ON CONFLICT (api_key_id, key) DO NOTHING",
        )
        .bind(&api_key.key_id)
        .bind(&key)
        .bind(fp)
        .bind(now.saturating_add(lock))
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        drop(turn);
        drop(conn);
        let claim = Claim {
            api_key_id: api_key.key_id.clone(),
            key: key.clone(),
        };
        if inserted == 1 {
            return Ok(Begin::Claimed(claim));
        }
        let Some(row) = sqlx::query(
            "SELECT fingerprint, state, status_code, response_body, response_headers, locked_until, created_at \
             FROM idempotency_keys WHERE api_key_id = $1 AND key = $2",
        )
        .bind(&api_key.key_id)
        .bind(&key)
        .fetch_optional(db)
        .await?
        else {
            continue; // deleted in between (a 5xx or pruning): try to claim again
        };
        let created_at: i64 = row.try_get("created_at")?;
        if created_at <= now.saturating_sub(ttl) {
            let _turn = state.db.write_turn().await;
            sqlx::query(
                "DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND created_at = $3",
            )
            .bind(&api_key.key_id)
            .bind(&key)
            .bind(created_at)
            .execute(db)
            .await?;
            continue;
        }
        let stored_fp: String = row.try_get("fingerprint")?;
        if stored_fp != fp {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorType::Idempotency,
                "idempotency_key_mismatch",
                "This Idempotency-Key was used with a different request (method, path or body).",
            )
            .with_param("Idempotency-Key")
            .with_should_retry(false));
        }
        let row_state: String = row.try_get("state")?;
        if row_state == "completed" {
            let status: Option<i64> = row.try_get("status_code")?;
            let body: Option<String> = row.try_get("response_body")?;
            let status = status
                .and_then(|s| u16::try_from(s).ok())
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::OK);
            let mut resp = (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body.unwrap_or_default(),
            )
                .into_response();
            let stored_headers: Option<String> = row.try_get("response_headers")?;
            let h = resp.headers_mut();
            if let Some(text) = stored_headers {
                restore_headers(h, &text);
            }
            h.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
            return Ok(Begin::Replay(resp));
        }
        let locked_until: i64 = row.try_get("locked_until")?;
        if locked_until <= now {
            // The first request never finished (its instance died): take over.
            let turn = state.db.write_turn().await;
            let taken = sqlx::query(
                "UPDATE idempotency_keys SET locked_until = $1 \
                 WHERE api_key_id = $2 AND key = $3 AND state = 'in_flight' AND locked_until = $4",
            )
            .bind(now.saturating_add(lock))
            .bind(&api_key.key_id)
            .bind(&key)
            .bind(locked_until)
            .execute(db)
            .await?
            .rows_affected();
            drop(turn);
            if taken == 1 {
                return Ok(Begin::Claimed(claim));
            }
        }
        return Err(AppError::new(
            StatusCode::CONFLICT,
            ErrorType::Idempotency,
            "idempotency_key_in_use",
            "A request with this Idempotency-Key is still being processed; retry shortly.",
        )
        .with_param("Idempotency-Key")
        .with_should_retry(true));
    }
    Err(AppError::internal("idempotency key kept changing under us"))
}

/// Runs a mutating handler under the request's idempotency key.
///
/// `effect` must store its response with [`Claim::complete_in`] in the
/// transaction of its effect and return it; on `Err`, a 4xx is stored here
/// (there was no effect), a 5xx releases the key.
pub async fn run<F, Fut>(
    state: &AppState,
    api_key: &ApiKeyRecord,
    headers: &HeaderMap,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    effect: F,
) -> Response
where
    F: FnOnce(Claim) -> Fut,
    Fut: Future<Output = Result<Stored, AppError>>,
{
    let key = match read_key(headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let fp = fingerprint(method, path_and_query, body);
    let claim = match begin(state, api_key, key, &fp).await {
        Ok(Begin::Claimed(c)) => c,
        Ok(Begin::Replay(resp)) => {
            state.metrics.idempotent_replay();
            return resp;
        }
        Err(e) => return e.into_response(),
    };
    match effect(claim.clone()).await {
        Ok(stored) => (stored.status, axum::Json(stored.body)).into_response(),
        Err(err) if err.status.is_server_error() => {
            let _turn = state.db.write_turn().await;
            let released = sqlx::query(
                "DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND state = 'in_flight'",
            )
            .bind(&claim.api_key_id)
            .bind(&claim.key)
            .execute(&state.db.pool)
            .await;
            if let Err(e) = released {
                tracing::warn!(error = %e, "could not release an idempotency key after a 5xx");
            }
            err.into_response()
        }
        Err(err) => {
            let _turn = state.db.write_turn().await;
            let stored = sqlx::query(
                "UPDATE idempotency_keys SET state = 'completed', status_code = $1, response_body = $2, \
                 response_headers = $5 WHERE api_key_id = $3 AND key = $4",
            )
            .bind(i64::from(err.status.as_u16()))
            .bind(err.envelope().to_string())
            .bind(&claim.api_key_id)
            .bind(&claim.key)
            .bind(err.replay_headers())
            .execute(&state.db.pool)
            .await;
            match stored {
                Ok(_) => err.into_response(),
                Err(e) => {
                    AppError::internal(format!("storing an idempotent 4xx: {e}")).into_response()
                }
            }
        }
    }
}

/// Deletes keys older than the TTL; returns how many.
pub async fn prune(state: &AppState) -> Result<u64, sqlx::Error> {
    prune_older_than(&state.db, state.config.idempotency_ttl_secs).await
}

/// Deletes keys created `ttl_secs` or more ago; returns how many.
pub async fn prune_older_than(db: &crate::Db, ttl_secs: u64) -> Result<u64, sqlx::Error> {
    let ttl = i64::try_from(ttl_secs).unwrap_or(i64::MAX);
    let cutoff = now_unix().saturating_sub(ttl);
    let _turn = db.write_turn().await;
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(cutoff)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}
