//! Idempotency keys: required on every POST, scoped per API key.
//!
//! 1. Claim: whoever claims a key owns the request; every other request with
//!    the same key sees the stored row: a different fingerprint (SHA-256 of
//!    method, path and body) is 422, a completed row is replayed, an
//!    in-flight claim is 409 with `Should-Retry: true`.
//!    - Postgres (several instances): one atomic `INSERT ... ON CONFLICT DO
//!      NOTHING` of the key in state `in_flight`, committed on its own; a
//!      row whose lock expired (its instance died) is taken over.
//!    - SQLite (one instance): the claim is held in the process's memory and
//!      the row is only read; no write and no commit of its own.
//! 2. The handler stores its response in the row inside the same transaction
//!    as its effect ([`Claim::complete_in`]: an `UPDATE` of the in-flight
//!    row, or on SQLite the row's `INSERT`).
//! 3. A 4xx without effect is stored after the fact; a 5xx stores nothing
//!    (deleting the in-flight row), so the request can be retried with the
//!    same key.
//!
//! Keys expire after the configured TTL (24 h) and are pruned periodically.

use std::future::Future;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::{Any, Row, Transaction};

use crate::AppState;
use crate::batch::{self, Batch, Value};
use crate::db::{ApiKeyRecord, MemoryClaimed, now_unix};
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
    /// How the response is stored: `None` updates the claim's in-flight row
    /// (Postgres); `Some(fingerprint)` writes the row then (SQLite, where the
    /// claim is held in memory), replacing an expired or abandoned one.
    insert: Option<String>,
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
        let (sql, values) = self.store_sql(status, body.to_string(), None);
        batch::query(sql, &values).execute(&mut **tx).await?;
        Ok(Stored { status, body })
    }

    /// Adds the storing of the response to `batch` (run in the transaction
    /// of the effect).
    pub fn push_complete(
        &self,
        batch: &mut Batch,
        status: StatusCode,
        body: serde_json::Value,
    ) -> Stored {
        let (sql, values) = self.store_sql(status, body.to_string(), None);
        batch.push(sql, values);
        Stored { status, body }
    }

    /// The statement that stores a response (and the headers its replay
    /// restores) under this claim.
    fn store_sql(
        &self,
        status: StatusCode,
        body: String,
        headers: Option<String>,
    ) -> (&'static str, Vec<Value>) {
        let mut values: Vec<Value> = vec![
            i64::from(status.as_u16()).into(),
            body.into(),
            headers.into(),
            self.api_key_id.clone().into(),
            self.key.clone().into(),
        ];
        match &self.insert {
            None => (
                "UPDATE idempotency_keys SET state = 'completed', status_code = $1, response_body = $2, \
                 response_headers = $3 WHERE api_key_id = $4 AND key = $5",
                values,
            ),
            Some(fp) => {
                values.extend([fp.clone().into(), now_unix().into()]);
                (
                    "INSERT INTO idempotency_keys (status_code, response_body, response_headers, api_key_id, \
                     key, fingerprint, state, locked_until, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'completed', 0, $7) \
                     ON CONFLICT (api_key_id, key) DO UPDATE SET status_code = excluded.status_code, \
                     response_body = excluded.response_body, response_headers = excluded.response_headers, \
                     fingerprint = excluded.fingerprint, state = 'completed', locked_until = 0, \
                     created_at = excluded.created_at",
                    values,
                )
            }
        }
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

/// What a stored row says about a new request with its key.
enum Found {
    /// No row: the key is free.
    Free,
    /// A row older than the TTL (created then): the key is free once it is
    /// replaced or deleted.
    Expired { created_at: i64 },
    /// A live row of a different request.
    Mismatch,
    /// A completed row: its response.
    Completed(Response),
    /// A live in-flight row, locked until then.
    InFlight { locked_until: i64 },
}

fn mismatch() -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorType::Idempotency,
        "idempotency_key_mismatch",
        "This Idempotency-Key was used with a different request (method, path or body).",
    )
    .with_param("Idempotency-Key")
    .with_should_retry(false)
}

fn in_use() -> AppError {
    AppError::new(
        StatusCode::CONFLICT,
        ErrorType::Idempotency,
        "idempotency_key_in_use",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
    )
    .with_param("Idempotency-Key")
    .with_should_retry(true)
}

/// Reads the key's row, if any, and judges it against the request's
/// fingerprint.
async fn look_up(
    state: &AppState,
    api_key_id: &str,
    key: &str,
    fp: &str,
    now: i64,
) -> Result<Found, AppError> {
    let ttl = i64::try_from(state.config.idempotency_ttl_secs).unwrap_or(i64::MAX);
    let Some(row) = sqlx::query(
        "SELECT fingerprint, state, status_code, response_body, response_headers, locked_until, created_at \
         FROM idempotency_keys WHERE api_key_id = $1 AND key = $2",
    )
    .bind(api_key_id)
    .bind(key)
    .fetch_optional(&state.db.pool)
    .await?
    else {
        return Ok(Found::Free);
    };
    let created_at: i64 = row.try_get("created_at")?;
    if created_at <= now.saturating_sub(ttl) {
        return Ok(Found::Expired { created_at });
    }
    let stored_fp: String = row.try_get("fingerprint")?;
    if stored_fp != fp {
        return Ok(Found::Mismatch);
    }
    let row_state: String = row.try_get("state")?;
    if row_state != "completed" {
        let locked_until: i64 = row.try_get("locked_until")?;
        return Ok(Found::InFlight { locked_until });
    }
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
    Ok(Found::Completed(resp))
}

/// SQLite: the claim is held in this process's memory (the guard), and the
/// row is written with the response, in the effect's transaction: no write
/// and no commit of its own. A row left in flight by an earlier process
/// (a crash while upgrading from rows kept in flight) is judged as on
/// Postgres.
async fn begin_in_memory(
    state: &AppState,
    api_key: &ApiKeyRecord,
    key: String,
    fp: &str,
) -> Result<Begin, AppError> {
    let now = now_unix();
    let claim = Claim {
        api_key_id: api_key.key_id.clone(),
        key,
        insert: Some(fp.to_owned()),
    };
    match look_up(state, &claim.api_key_id, &claim.key, fp, now).await? {
        // An expired row is replaced by the response's upsert.
        Found::Free | Found::Expired { .. } => Ok(Begin::Claimed(claim)),
        Found::Mismatch => Err(mismatch()),
        Found::Completed(resp) => Ok(Begin::Replay(resp)),
        Found::InFlight { locked_until } if locked_until <= now => Ok(Begin::Claimed(claim)),
        Found::InFlight { .. } => Err(in_use()),
    }
}

/// Postgres (several instances): the claim is a committed in-flight row.
async fn begin(
    state: &AppState,
    api_key: &ApiKeyRecord,
    key: String,
    fp: &str,
) -> Result<Begin, AppError> {
    let db = state.db.writes();
    let lock = i64::try_from(state.config.idempotency_lock_secs).unwrap_or(60);
    let claim = Claim {
        api_key_id: api_key.key_id.clone(),
        key,
        insert: None,
    };
    for _ in 0..3 {
        let now = now_unix();
        let mut conn = state.db.write_conn().await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (api_key_id, key, fingerprint, state, locked_until, created_at) \
             VALUES ($1, $2, $3, 'in_flight', $4, $5) ON CONFLICT (api_key_id, key) DO NOTHING",
        )
        .bind(&claim.api_key_id)
        .bind(&claim.key)
        .bind(fp)
        .bind(now.saturating_add(lock))
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        drop(conn);
        if inserted == 1 {
            return Ok(Begin::Claimed(claim));
        }
        match look_up(state, &claim.api_key_id, &claim.key, fp, now).await? {
            // Deleted in between (a 5xx or pruning): try to claim again.
            Found::Free => continue,
            Found::Expired { created_at } => {
                sqlx::query(
                    "DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND created_at = $3",
                )
                .bind(&claim.api_key_id)
                .bind(&claim.key)
                .bind(created_at)
                .execute(db)
                .await?;
                continue;
            }
            Found::Mismatch => return Err(mismatch()),
            Found::Completed(resp) => return Ok(Begin::Replay(resp)),
            Found::InFlight { locked_until } => {
                if locked_until <= now {
                    // The first request never finished (its instance died): take over.
                    let taken = sqlx::query(
                        "UPDATE idempotency_keys SET locked_until = $1 \
                         WHERE api_key_id = $2 AND key = $3 AND state = 'in_flight' AND locked_until = $4",
                    )
                    .bind(now.saturating_add(lock))
                    .bind(&claim.api_key_id)
                    .bind(&claim.key)
                    .bind(locked_until)
                    .execute(db)
                    .await?
                    .rows_affected();
                    if taken == 1 {
                        return Ok(Begin::Claimed(claim));
                    }
                }
                return Err(in_use());
            }
        }
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
    // SQLite: held until this function returns (or its future is dropped).
    let (_held, begun) = match state.db.claim_in_memory(&api_key.key_id, &key) {
        MemoryClaimed::InUse => return in_use().into_response(),
        MemoryClaimed::Claimed(held) => {
            (Some(held), begin_in_memory(state, api_key, key, &fp).await)
        }
        MemoryClaimed::NotKept => (None, begin(state, api_key, key, &fp).await),
    };
    let claim = match begun {
        Ok(Begin::Claimed(c)) => c,
        Ok(Begin::Replay(resp)) => {
            state.metrics.idempotent_replay();
            return resp;
        }
        Err(e) => return e.into_response(),
    };
    match effect(claim.clone()).await {
        Ok(stored) => (stored.status, axum::Json(stored.body)).into_response(),
        Err(err) if err.status.is_server_error() && claim.insert.is_some() => err.into_response(),
        Err(err) if err.status.is_server_error() => {
            let released = sqlx::query(
                "DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND state = 'in_flight'",
            )
            .bind(&claim.api_key_id)
            .bind(&claim.key)
            .execute(state.db.writes())
            .await;
            if let Err(e) = released {
                tracing::warn!(error = %e, "could not release an idempotency key after a 5xx");
            }
            err.into_response()
        }
        Err(err) => {
            let (sql, values) =
                claim.store_sql(err.status, err.envelope().to_string(), err.replay_headers());
            let stored = batch::query(sql, &values).execute(state.db.writes()).await;
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
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(cutoff)
        .execute(db.writes())
        .await?;
    Ok(done.rows_affected())
}
