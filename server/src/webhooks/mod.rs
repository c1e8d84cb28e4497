//! Webhooks: endpoints (`/v1/webhook_endpoints`), the delivery outbox
//! ([`outbox`], written by [`crate::events::record`] in the event's
//! transaction), the delivery worker ([`worker`]) and the URL policy
//! ([`policy`]). Event attempts and redelivery live under `/v1/events/{id}`.
//!
//! Secrets: a `v1` endpoint signs with HMAC-SHA256 under a `whsec_` secret,
//! a `v1a` endpoint with ed25519 under a `whsk_` key whose `whpk_` public key
//! is shown on the endpoint. The secret is returned by create and
//! `rotate_secret` only. After a rotation the previous secret signs beside
//! the new one until `previous_secret_expires`.

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::AppState;
use crate::db::{ApiKeyRecord, now_unix};
use crate::error::AppError;
use crate::events::{self, EVENT_TYPES};
use crate::http::parse_json;
use crate::idempotency::{Claim, IdempotentPost, Stored};
use crate::ids;
use crate::pagination::{ListParams, Resource};

pub mod outbox;
pub mod policy;
pub mod worker;

/// Longest endpoint description.
pub const MAX_DESCRIPTION_LEN: usize = 1000;
/// Most event types on one endpoint.
pub const MAX_ENABLED_EVENTS: usize = 64;
/// Longest accepted `rotate_secret` `expires_in` (7 days).
pub const MAX_ROTATION_OVERLAP_SECS: u64 = 7 * 86_400;

/// The `webhook_endpoint` objects: retrieve and list.
pub const ENDPOINTS: Resource = Resource {
    table: "webhook_endpoints",
    url: "/v1/webhook_endpoints",
    object: "webhook_endpoint",
    to_json: endpoint_json,
};

/// A new signing secret: `whsec_` + base64 of 32 random bytes (`v1`) or
/// `whsk_` + base64 of an ed25519 seed (`v1a`).
fn new_secret(algorithm: &str) -> String {
    let bytes = ids::random_bytes(32);
    let prefix = if algorithm == "v1a" {
        "whsk_"
    } else {
        "whsec_"
    };
    format!("{prefix}{}", paycore::crypto::b64_encode(&bytes))
}

/// The `whpk_` public key of a `whsk_` secret.
pub fn public_key_of(secret: &str) -> Option<String> {
    let seed = paycore::crypto::b64_decode(secret.strip_prefix("whsk_")?)?;
    let private = paycore::crypto::Ed25519PrivateKey::from_bytes(&seed).ok()?;
    Some(format!(
        "whpk_{}",
        paycore::crypto::b64_encode(&private.public_key().to_bytes())
    ))
}

/// The JSON object of an endpoint row, without its secret.
pub fn endpoint_json(row: &AnyRow) -> Result<serde_json::Value, AppError> {
    let events: String = row.try_get("enabled_events")?;
    let events: serde_json::Value = serde_json::from_str(&events)
        .map_err(|e| AppError::internal(format!("stored enabled_events: {e}")))?;
    let algorithm: String = row.try_get("signature_algorithm")?;
    let public_key = if algorithm == "v1a" {
        public_key_of(&row.try_get::<String, _>("secret")?)
    } else {
        None
    };
    let now = now_unix();
    let previous_expires = row
        .try_get::<Option<i64>, _>("previous_secret_expires")?
        .filter(|t| *t > now);
    Ok(serde_json::json!({
        "id": row.try_get::<String, _>("id")?,
        "object": "webhook_endpoint",
        "url": row.try_get::<String, _>("url")?,
        "enabled_events": events,
        "description": row.try_get::<Option<String>, _>("description")?,
        "status": row.try_get::<String, _>("status")?,
        "disabled_reason": row.try_get::<Option<String>, _>("disabled_reason")?,
        "signature_algorithm": algorithm,
        "public_key": public_key,
        "previous_secret_expires": previous_expires,
        "created": row.try_get::<i64, _>("created_at")?,
    }))
}

/// The endpoint object with its secret (create and rotate responses only;
/// a `v1a` endpoint shows its public key instead).
fn endpoint_json_with_secret(row: &AnyRow) -> Result<serde_json::Value, AppError> {
    let mut v = endpoint_json(row)?;
    let algorithm: String = row.try_get("signature_algorithm")?;
    if algorithm == "v1"
        && let Some(o) = v.as_object_mut()
    {
        o.insert(
            "secret".into(),
            serde_json::Value::String(row.try_get("secret")?),
        );
    }
    Ok(v)
}

/// Whether an endpoint's `enabled_events` (stored JSON) matches `event_type`.
pub fn matches(enabled_events: &str, event_type: &str) -> bool {
    serde_json::from_str::<Vec<String>>(enabled_events)
        .map(|v| v.iter().any(|e| e == "*" || e == event_type))
        .unwrap_or(false)
}

fn validate_events(events: &[String]) -> Result<String, AppError> {
    if events.is_empty() || events.len() > MAX_ENABLED_EVENTS {
        return Err(AppError::invalid(
            "enabled_events_invalid",
            "enabled_events",
            format!("enabled_events lists 1 to {MAX_ENABLED_EVENTS} event types (or [\"*\"])."),
        ));
    }
    let mut out: Vec<&str> = Vec::new();
    for e in events {
        if e != "*" && !EVENT_TYPES.contains(&e.as_str()) {
            return Err(AppError::invalid(
                "enabled_events_invalid",
                "enabled_events",
                format!(
                    "Unknown event type '{e}'. Use \"*\" or any of: {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
        if !out.contains(&e.as_str()) {
            out.push(e);
        }
    }
    if out.contains(&"*") {
        out = vec!["*"];
    }
    serde_json::to_string(&out).map_err(|e| AppError::internal(format!("enabled_events: {e}")))
}

fn validate_description(d: &Option<String>) -> Result<(), AppError> {
    if let Some(d) = d
        && d.chars().count() > MAX_DESCRIPTION_LEN
    {
        return Err(AppError::invalid(
            "description_too_long",
            "description",
            format!("description is at most {MAX_DESCRIPTION_LEN} characters."),
        ));
    }
    Ok(())
}

/// Checks a URL's syntax and, for merchants that may not reach private
/// addresses, the creation-time address policy.
fn validate_url(st: &AppState, key: &ApiKeyRecord, url: &str) -> Result<(), AppError> {
    let parsed = policy::parse_url(url).map_err(|m| AppError::invalid("url_invalid", "url", m))?;
    if !may_use_private(st, key.sandbox) && policy::refused_at_creation(&parsed) {
        return Err(AppError::invalid(
            "url_not_allowed",
            "url",
            "url points at a loopback, private or otherwise non-public address, which only sandbox merchants may use.",
        ));
    }
    Ok(())
}

/// Whether a merchant's deliveries may go to non-public addresses.
pub fn may_use_private(st: &AppState, sandbox: bool) -> bool {
    sandbox || st.config.webhooks.webhook_allow_private
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateEndpoint {
    url: String,
    enabled_events: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    signature_algorithm: Option<Algorithm>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
enum Algorithm {
    #[serde(rename = "v1")]
    V1,
    #[serde(rename = "v1a")]
    V1a,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateEndpoint {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    enabled_events: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rotate {
    #[serde(default)]
    expires_in: Option<u64>,
}

/// `POST /v1/webhook_endpoints`
pub async fn create(post: IdempotentPost) -> Response {
    post.run(|claim| create_inner(&post.state, &post.key, &post.body, claim))
        .await
}

async fn create_inner(
    st: &AppState,
    key: &ApiKeyRecord,
    body: &[u8],
    claim: Claim,
) -> Result<Stored, AppError> {
    let req: CreateEndpoint = parse_json(body)?;
    validate_url(st, key, &req.url)?;
    let events = validate_events(&req.enabled_events)?;
    validate_description(&req.description)?;
    let algorithm = match req.signature_algorithm.unwrap_or(Algorithm::V1) {
        Algorithm::V1 => "v1",
        Algorithm::V1a => "v1a",
    };
    let enabled = req.enabled.unwrap_or(true);
    let mut tx = st.db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO webhook_endpoints (id, merchant_id, url, enabled_events, description, status, \
         disabled_reason, signature_algorithm, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
    )
    .bind(ids::new_id("we"))
    .bind(&key.merchant_id)
    .bind(&req.url)
    .bind(events)
    .bind(req.description)
    .bind(if enabled { "enabled" } else { "disabled" })
    .bind((!enabled).then_some("manual"))
    .bind(algorithm)
    .bind(new_secret(algorithm))
    .bind(now_unix())
    .fetch_one(&mut *tx)
    .await?;
    let object = endpoint_json_with_secret(&row)?;
    let stored = claim.complete_in(&mut tx, StatusCode::OK, object).await?;
    tx.commit().await?;
    Ok(stored)
}

/// `GET /v1/webhook_endpoints/{id}`
pub async fn get(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    ENDPOINTS.retrieve(&st.db.pool, &key.merchant_id, &id).await
}

/// `GET /v1/webhook_endpoints`
pub async fn list(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let params = ListParams::parse(q.as_deref(), &[])?;
    ENDPOINTS.list(&st.db.pool, &key.merchant_id, &params).await
}

/// `POST /v1/webhook_endpoints/{id}`
pub async fn update(Path(id): Path<String>, post: IdempotentPost) -> Response {
    post.run(|claim| update_inner(&post.state, &post.key, &id, &post.body, claim))
        .await
}

async fn update_inner(
    st: &AppState,
    key: &ApiKeyRecord,
    id: &str,
    body: &[u8],
    claim: Claim,
) -> Result<Stored, AppError> {
    let req: UpdateEndpoint = parse_json(body)?;
    if let Some(url) = &req.url {
        validate_url(st, key, url)?;
    }
    let events = req
        .enabled_events
        .as_deref()
        .map(validate_events)
        .transpose()?;
    validate_description(&req.description)?;
    let status = req.enabled.map(|e| if e { "enabled" } else { "disabled" });
    let mut tx = st.db.begin_write().await?;
    let row = sqlx::query(
        "UPDATE webhook_endpoints SET url = COALESCE($1, url), \
         enabled_events = COALESCE($2, enabled_events), description = COALESCE($3, description), \
         status = COALESCE($4, status), \
         disabled_reason = CASE WHEN $5 = 1 THEN NULL WHEN $5 = 2 THEN 'manual' ELSE disabled_reason END, \
         failing_since = CASE WHEN $5 = 1 THEN NULL ELSE failing_since END \
         WHERE id = $6 AND merchant_id = $7 RETURNING *",
    )
    .bind(req.url)
    .bind(events)
    .bind(req.description)
    .bind(status)
    .bind(match req.enabled {
        None => 0_i64,
        Some(true) => 1,
        Some(false) => 2,
    })
    .bind(id)
    .bind(&key.merchant_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("webhook_endpoint", id))?;
    if req.enabled == Some(false) {
        outbox::cancel_pending(&mut tx, id).await?;
    }
    let object = endpoint_json(&row)?;
    let stored = claim.complete_in(&mut tx, StatusCode::OK, object).await?;
    tx.commit().await?;
    Ok(stored)
}

/// `DELETE /v1/webhook_endpoints/{id}`: the endpoint and its pending
/// deliveries are removed (its attempts stay listed on their events).
pub async fn delete(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let mut tx = st.db.begin_write().await?;
    let deleted = sqlx::query(
        "DELETE FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 RETURNING id",
    )
    .bind(&id)
    .bind(&key.merchant_id)
    .fetch_optional(&mut *tx)
    .await?;
    if deleted.is_none() {
        return Err(AppError::not_found("webhook_endpoint", &id));
    }
    outbox::cancel_pending(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(axum::Json(serde_json::json!({
        "id": id,
        "object": "webhook_endpoint",
        "deleted": true,
    }))
    .into_response())
}

/// `POST /v1/webhook_endpoints/{id}/rotate_secret`
pub async fn rotate_secret(Path(id): Path<String>, post: IdempotentPost) -> Response {
    post.run(|claim| rotate_inner(&post.state, &post.key, &id, &post.body, claim))
        .await
}

async fn rotate_inner(
    st: &AppState,
    key: &ApiKeyRecord,
    id: &str,
    body: &[u8],
    claim: Claim,
) -> Result<Stored, AppError> {
    let req: Rotate = parse_json(body)?;
    let overlap = match req.expires_in {
        Some(s) if s > MAX_ROTATION_OVERLAP_SECS => {
            return Err(AppError::invalid(
                "parameter_invalid",
                "expires_in",
                format!("expires_in is 0 to {MAX_ROTATION_OVERLAP_SECS} seconds."),
            ));
        }
        Some(s) => s,
        None => st.config.webhooks.webhook_rotation_overlap.0.as_secs(),
    };
    let mut tx = st.db.begin_write().await?;
    let row = lock_endpoint(&mut tx, id, &key.merchant_id).await?;
    let algorithm: String = row.try_get("signature_algorithm")?;
    let old: String = row.try_get("secret")?;
    let now = now_unix();
    let (previous, expires) = if overlap == 0 {
        (None, None)
    } else {
        (
            Some(old),
            Some(now.saturating_add(i64::try_from(overlap).unwrap_or(i64::MAX))),
        )
    };
    let row = sqlx::query(
        "UPDATE webhook_endpoints SET secret = $1, previous_secret = $2, previous_secret_expires = $3 \
         WHERE id = $4 AND merchant_id = $5 RETURNING *",
    )
    .bind(new_secret(&algorithm))
    .bind(previous)
    .bind(expires)
    .bind(id)
    .bind(&key.merchant_id)
    .fetch_one(&mut *tx)
    .await?;
    let object = endpoint_json_with_secret(&row)?;
    let stored = claim.complete_in(&mut tx, StatusCode::OK, object).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Locks an endpoint row (a no-op write) and reads it; 404 if it is not the
/// merchant's.
async fn lock_endpoint(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    merchant: &str,
) -> Result<AnyRow, AppError> {
    sqlx::query(
        "UPDATE webhook_endpoints SET created_at = created_at WHERE id = $1 AND merchant_id = $2 RETURNING *",
    )
    .bind(id)
    .bind(merchant)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("webhook_endpoint", id))
}

/// The `webhook_attempt` objects of an event.
const ATTEMPTS: Resource = Resource {
    table: "webhook_attempts",
    url: "/v1/events/{id}/attempts",
    object: "webhook_attempt",
    to_json: attempt_json,
};

fn attempt_json(row: &AnyRow) -> Result<serde_json::Value, AppError> {
    Ok(serde_json::json!({
        "id": row.try_get::<String, _>("id")?,
        "object": "webhook_attempt",
        "event": row.try_get::<String, _>("event_id")?,
        "endpoint": row.try_get::<String, _>("endpoint_id")?,
        "webhook_id": row.try_get::<String, _>("webhook_id")?,
        "attempt": row.try_get::<i64, _>("attempt")?,
        "created": row.try_get::<i64, _>("created_at")?,
        "url": row.try_get::<String, _>("url")?,
        "status_code": row.try_get::<Option<i64>, _>("status_code")?,
        "duration_ms": row.try_get::<i64, _>("duration_ms")?,
        "response_body": row.try_get::<Option<String>, _>("response_body")?,
        "error_kind": row.try_get::<Option<String>, _>("error_kind")?,
        "result": row.try_get::<String, _>("result")?,
    }))
}

async fn require_event(st: &AppState, merchant: &str, id: &str) -> Result<AnyRow, AppError> {
    sqlx::query("SELECT * FROM events WHERE id = $1 AND merchant_id = $2")
        .bind(id)
        .bind(merchant)
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("event", id))
}

/// `GET /v1/events/{id}/attempts`: newest first.
pub async fn list_attempts(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let params = ListParams::parse(q.as_deref(), &[])?.with_filter("event_id", id.clone());
    require_event(&st, &key.merchant_id, &id).await?;
    let url = format!("/v1/events/{id}/attempts");
    ATTEMPTS
        .list_at(&st.db.pool, &key.merchant_id, &params, &url)
        .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RedeliverBody {
    #[serde(default)]
    endpoint: Option<String>,
}

/// `POST /v1/events/{id}/redeliver`
pub async fn redeliver(Path(id): Path<String>, post: IdempotentPost) -> Response {
    post.run(|claim| redeliver_inner(&post.state, &post.key, &id, &post.body, claim))
        .await
}

async fn redeliver_inner(
    st: &AppState,
    key: &ApiKeyRecord,
    id: &str,
    body: &[u8],
    claim: Claim,
) -> Result<Stored, AppError> {
    let req: RedeliverBody = parse_json(body)?;
    let event = require_event(st, &key.merchant_id, id).await?;
    let event_type: String = event.try_get("type")?;
    let mut tx = st.db.begin_write().await?;
    let endpoints: Vec<String> = match &req.endpoint {
        Some(endpoint) => {
            let row = lock_endpoint(&mut tx, endpoint, &key.merchant_id)
                .await
                .map_err(|e| e.with_param("endpoint"))?;
            let status: String = row.try_get("status")?;
            if status != "enabled" {
                return Err(AppError::invalid(
                    "webhook_endpoint_disabled",
                    "endpoint",
                    format!("Webhook endpoint '{endpoint}' is disabled; enable it first."),
                ));
            }
            vec![endpoint.clone()]
        }
        None => outbox::matching_endpoints(&mut tx, &key.merchant_id, &event_type).await?,
    };
    for endpoint in &endpoints {
        outbox::enqueue_one(&mut tx, &key.merchant_id, id, endpoint).await?;
    }
    let object = serde_json::json!({
        "object": "redelivery",
        "event": id,
        "endpoints": endpoints,
    });
    let stored = claim.complete_in(&mut tx, StatusCode::OK, object).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Writes the `webhook_endpoint.disabled` event and disables the endpoint
/// (when still enabled), cancelling its pending deliveries. Returns whether
/// it was enabled.
pub async fn disable_endpoint(
    tx: &mut Transaction<'static, Any>,
    endpoint_id: &str,
    reason: &'static str,
) -> Result<bool, AppError> {
    let row = sqlx::query(
        "UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $1 \
         WHERE id = $2 AND status = 'enabled' RETURNING *",
    )
    .bind(reason)
    .bind(endpoint_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(false) };
    outbox::cancel_pending(tx, endpoint_id).await?;
    let merchant: String = row.try_get("merchant_id")?;
    let object = endpoint_json(&row)?;
    events::record(
        tx,
        &merchant,
        "webhook_endpoint.disabled",
        endpoint_id,
        &object,
    )
    .await?;
    Ok(true)
}
