//! Events: the audit trail. Every state change writes one event in the same
//! transaction as the change ([`record`]); `GET /v1/events[/{id}]` reads them.
//!
//! [`record`] is the one place events are written; it also writes the
//! webhook outbox rows (one per matching enabled endpoint) in the same
//! transaction, beside the event.

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::AppState;
use crate::db::{ApiKeyRecord, now_unix};
use crate::error::AppError;
use crate::ids;
use crate::pagination::{ListParams, Resource};

/// Event types written by the server.
pub const EVENT_TYPES: &[&str] = &[
    "payment.created",
    "payment.requires_action",
    "payment.requires_capture",
    "payment.succeeded",
    "payment.failed",
    "payment.canceled",
    "payment.refunded",
    "refund.created",
    "webhook_endpoint.disabled",
    "usage.threshold_reached",
];

/// Writes an event in the caller's transaction; `object` is a snapshot of
/// the object after the change.
pub async fn record(
    tx: &mut Transaction<'static, Any>,
    merchant_id: &str,
    event_type: &'static str,
    object_id: &str,
    object: &serde_json::Value,
) -> Result<String, AppError> {
    let id = ids::new_id("evt");
    sqlx::query(
        "INSERT INTO events (id, merchant_id, type, object_id, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(merchant_id)
    .bind(event_type)
    .bind(object_id)
    .bind(object.to_string())
    .bind(now_unix())
    .execute(&mut **tx)
    .await?;
    crate::webhooks::outbox::enqueue(tx, merchant_id, &[(id.clone(), event_type)]).await?;
    Ok(id)
}

/// Writes several events about one object (one statement).
pub async fn record_many(
    tx: &mut Transaction<'static, Any>,
    merchant_id: &str,
    event_types: &[&'static str],
    object_id: &str,
    object: &serde_json::Value,
) -> Result<(), AppError> {
    let data = object.to_string();
    let now = now_unix();
    let mut sql = String::from(
        "INSERT INTO events (id, merchant_id, type, object_id, data, created_at) VALUES ",
    );
    for i in 0..event_types.len() {
        let b = i * 6;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6
        ));
    }
    let ids: Vec<String> = event_types.iter().map(|_| ids::new_id("evt")).collect();
    let mut q = sqlx::query(&sql);
    for (t, id) in event_types.iter().zip(&ids) {
        q = q
            .bind(id.clone())
            .bind(merchant_id)
            .bind(*t)
            .bind(object_id)
            .bind(data.clone())
            .bind(now);
    }
    q.execute(&mut **tx).await?;
    let events: Vec<(String, &str)> = ids.into_iter().zip(event_types.iter().copied()).collect();
    crate::webhooks::outbox::enqueue(tx, merchant_id, &events).await?;
    Ok(())
}

/// The `event` objects: retrieve and list.
const EVENTS: Resource = Resource {
    table: "events",
    url: "/v1/events",
    object: "event",
    to_json: event_json,
};

pub fn event_json(row: &AnyRow) -> Result<serde_json::Value, AppError> {
    let data: String = row.try_get("data")?;
    let object: serde_json::Value = serde_json::from_str(&data)
        .map_err(|e| AppError::internal(format!("stored event data: {e}")))?;
    Ok(serde_json::json!({
        "id": row.try_get::<String, _>("id")?,
        "object": "event",
        "type": row.try_get::<String, _>("type")?,
        "created": row.try_get::<i64, _>("created_at")?,
        "data": { "object": object },
    }))
}

/// `GET /v1/events/{id}`
pub async fn get_event(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    EVENTS.retrieve(&st.db.pool, &key.merchant_id, &id).await
}

/// `GET /v1/events`
pub async fn list_events(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let params = ListParams::parse(q.as_deref(), &[("type", "type", EVENT_TYPES)])?;
    EVENTS.list(&st.db.pool, &key.merchant_id, &params).await
}
