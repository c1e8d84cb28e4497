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
use sqlx::{AnyConnection, Row};

use crate::AppState;
use crate::batch::Batch;
use crate::db::{ApiKeyRecord, now_unix};
use crate::error::AppError;
use crate::ids;
use crate::pagination::{ListParams, Resource};
use crate::webhooks::outbox;

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
    tx: &mut AnyConnection,
    merchant_id: &str,
    event_type: &'static str,
    object_id: &str,
    object: &serde_json::Value,
) -> Result<String, AppError> {
    let mut ids = record_many(tx, merchant_id, &[event_type], object_id, object).await?;
    ids.pop()
        .ok_or_else(|| AppError::internal("no event id was minted"))
}

/// Writes several events about one object (same snapshot) in the caller's
/// transaction; returns their ids.
pub async fn record_many(
    tx: &mut AnyConnection,
    merchant_id: &str,
    event_types: &[&'static str],
    object_id: &str,
    object: &serde_json::Value,
) -> Result<Vec<String>, AppError> {
    let endpoints = outbox::enabled_endpoints(tx, merchant_id).await?;
    let mut batch = Batch::new();
    let events = push_many(&mut batch, merchant_id, event_types, object_id, object);
    outbox::push_enqueue(&mut batch, merchant_id, &events, &endpoints);
    batch.run(tx).await?;
    Ok(events.into_iter().map(|(id, _)| id).collect())
}

/// Adds to `batch` the events about one object (one multi-row `INSERT`);
/// returns their ids and types, for their deliveries
/// ([`outbox::push_enqueue`], in the same transaction).
pub fn push_many(
    batch: &mut Batch,
    merchant_id: &str,
    event_types: &[&'static str],
    object_id: &str,
    object: &serde_json::Value,
) -> Vec<(String, &'static str)> {
    let data = object.to_string();
    let now = now_unix();
    let mut sql = String::from(
        "INSERT INTO events (id, merchant_id, type, object_id, data, created_at) VALUES ",
    );
    let mut values = Vec::with_capacity(event_types.len() * 6);
    let ids: Vec<String> = event_types.iter().map(|_| ids::new_id("evt")).collect();
    for (i, (t, id)) in event_types.iter().zip(&ids).enumerate() {
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
        values.extend([
            id.into(),
            merchant_id.into(),
            (*t).into(),
            object_id.into(),
            data.clone().into(),
            now.into(),
        ]);
    }
    batch.push(sql, values);
    ids.into_iter().zip(event_types.iter().copied()).collect()
}

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
