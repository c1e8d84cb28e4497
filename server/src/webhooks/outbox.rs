//! The delivery outbox: one `webhook_deliveries` row per (event, endpoint),
//! written in the transaction that writes the event, so an event is never
//! committed without its deliveries (nor a delivery without its event).

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::batch::Batch;
use crate::db::now_unix;
use crate::error::AppError;
use crate::ids;

/// The `webhook-id` of an event's deliveries: `msg_` + the event id's random
/// part. The same on every attempt and every redelivery, to every endpoint,
/// so receivers can de-duplicate.
pub fn webhook_id(event_id: &str) -> String {
    format!("msg_{}", event_id.strip_prefix("evt_").unwrap_or(event_id))
}

/// Current Unix time in milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The merchant's enabled endpoints, with their `enabled_events`.
pub async fn enabled_endpoints(
    tx: &mut AnyConnection,
    merchant_id: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let mut batch = Batch::new();
    push_enabled_endpoints(&mut batch, merchant_id);
    let rows = batch.run(tx).await?;
    endpoints_of(rows.first().map(Vec::as_slice).unwrap_or(&[]))
}

/// Adds to `batch` the read of the merchant's enabled endpoints; its rows
/// go to [`endpoints_of`].
pub fn push_enabled_endpoints(batch: &mut Batch, merchant_id: &str) {
    batch.push(
        "SELECT id, enabled_events FROM webhook_endpoints \
         WHERE merchant_id = $1 AND status = 'enabled' ORDER BY seq",
        vec![merchant_id.into()],
    );
}

/// The endpoints read by [`push_enabled_endpoints`].
pub fn endpoints_of(rows: &[AnyRow]) -> Result<Vec<(String, String)>, AppError> {
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("enabled_events")?)))
        .collect()
}

/// The merchant's enabled endpoints that receive `event_type`.
pub async fn matching_endpoints(
    tx: &mut AnyConnection,
    merchant_id: &str,
    event_type: &str,
) -> Result<Vec<String>, AppError> {
    Ok(enabled_endpoints(tx, merchant_id)
        .await?
        .into_iter()
        .filter(|(_, events)| super::matches(events, event_type))
        .map(|(id, _)| id)
        .collect())
}

/// Adds to `batch` a delivery of each event to every endpoint of
/// `endpoints` (from [`enabled_endpoints`], read in the same transaction)
/// that matches its type.
pub fn push_enqueue(
    batch: &mut Batch,
    merchant_id: &str,
    events: &[(String, &str)],
    endpoints: &[(String, String)],
) {
    for (event_id, event_type) in events {
        for (endpoint_id, enabled) in endpoints {
            if super::matches(enabled, event_type) {
                push_one(batch, merchant_id, event_id, endpoint_id);
            }
        }
    }
}

fn push_one(batch: &mut Batch, merchant_id: &str, event_id: &str, endpoint_id: &str) {
    batch.push(
        "INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, webhook_id, \
         status, attempts, next_attempt_at, lease_until, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, 0, $7)",
        vec![
            ids::new_id("wd").into(),
            merchant_id.into(),
            event_id.into(),
            endpoint_id.into(),
            webhook_id(event_id).into(),
            now_ms().into(),
            now_unix().into(),
        ],
    );
}

/// Writes one delivery, due now (the worker adds the schedule's first
/// delay to a delivery that has had no attempt).
pub async fn enqueue_one(
    tx: &mut AnyConnection,
    merchant_id: &str,
    event_id: &str,
    endpoint_id: &str,
) -> Result<(), AppError> {
    let mut batch = Batch::new();
    push_one(&mut batch, merchant_id, event_id, endpoint_id);
    batch.run(tx).await?;
    Ok(())
}

/// Cancels an endpoint's pending deliveries (it was disabled or deleted).
pub async fn cancel_pending(tx: &mut AnyConnection, endpoint_id: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'canceled', lease_token = NULL \
         WHERE endpoint_id = $1 AND status = 'pending'",
    )
    .bind(endpoint_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
