//! Refunds: full or partial, of a `succeeded` payment. The sum of a payment's
//! refunds never exceeds its captured amount, also under concurrent requests:
//! each refund locks the payment row first (the first statement of its
//! transaction is a write), then checks and increments `amount_refunded`.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::AppState;
use crate::db::{ApiKeyRecord, now_unix};
use crate::error::AppError;
use crate::events;
use crate::http::parse_json;
use crate::idempotency::{Claim, IdempotentPost, Stored};
use crate::ids;
use crate::pagination::{ListParams, Resource};
use crate::payments::{lock_and_load, payment_json, validate_metadata};

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reason {
    Duplicate,
    Fraudulent,
    RequestedByCustomer,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Duplicate => "duplicate",
            Reason::Fraudulent => "fraudulent",
            Reason::RequestedByCustomer => "requested_by_customer",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRefund {
    payment: String,
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    reason: Option<Reason>,
    #[serde(default)]
    metadata: Option<BTreeMap<String, String>>,
}

/// The `refund` objects: retrieve and list.
const REFUNDS: Resource = Resource {
    table: "refunds",
    url: "/v1/refunds",
    object: "refund",
    to_json: refund_json,
};

fn refund_json(row: &AnyRow) -> Result<serde_json::Value, AppError> {
    let metadata: String = row.try_get("metadata")?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata)
        .map_err(|e| AppError::internal(format!("stored metadata: {e}")))?;
    Ok(serde_json::json!({
        "id": row.try_get::<String, _>("id")?,
        "object": "refund",
        "payment": row.try_get::<String, _>("payment_id")?,
        "amount": row.try_get::<i64, _>("amount")?,
        "currency": row.try_get::<String, _>("currency")?,
        "status": row.try_get::<String, _>("status")?,
        "reason": row.try_get::<Option<String>, _>("reason")?,
        "metadata": metadata,
        "created": row.try_get::<i64, _>("created_at")?,
    }))
}

/// `POST /v1/refunds`
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
    let req: CreateRefund = parse_json(body)?;
    if let Some(a) = req.amount
        && a < 1
    {
        return Err(AppError::invalid(
            "amount_too_small",
            "amount",
            "amount must be a positive integer.",
        ));
    }
    let metadata = req.metadata.unwrap_or_default();
    validate_metadata(&metadata)?;
    let mut tx = st.db.begin_write().await?;
    let payment = lock_and_load(&mut tx, &req.payment, &key.merchant_id)
        .await
        .map_err(|e| {
            if e.status == StatusCode::NOT_FOUND {
                AppError::not_found("payment", &req.payment).with_param("payment")
            } else {
                e
            }
        })?;
    let status: String = payment.try_get("status")?;
    if status != "succeeded" {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            crate::error::ErrorType::InvalidRequest,
            "payment_not_refundable",
            format!("Only succeeded payments can be refunded; this one is {status}."),
        )
        .with_param("payment")
        .with_should_retry(false));
    }
    let captured: i64 = payment.try_get("amount_captured")?;
    let refunded: i64 = payment.try_get("amount_refunded")?;
    let remaining = captured.saturating_sub(refunded);
    let amount = req.amount.unwrap_or(remaining);
    if remaining <= 0 {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            crate::error::ErrorType::InvalidRequest,
            "charge_already_refunded",
            "This payment has already been fully refunded.",
        )
        .with_param("payment")
        .with_should_retry(false));
    }
    if amount > remaining {
        return Err(AppError::invalid(
            "amount_too_large",
            "amount",
            format!("amount exceeds what is left to refund ({remaining})."),
        ));
    }
    let Some(payment) = sqlx::query(
        "UPDATE payments SET amount_refunded = amount_refunded + $1, updated_at = $2 \
         WHERE id = $3 AND merchant_id = $4 AND amount_refunded + $1 <= amount_captured \
         RETURNING *",
    )
    .bind(amount)
    .bind(now_unix())
    .bind(&req.payment)
    .bind(&key.merchant_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(AppError::internal("refund bound changed under a held lock"));
    };
    let currency: String = payment.try_get("currency")?;
    let id = ids::new_id("re");
    let metadata_text = serde_json::to_string(&metadata)
        .map_err(|e| AppError::internal(format!("metadata: {e}")))?;
    let row = sqlx::query(
        "INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, status, reason, metadata, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'succeeded', $6, $7, $8) RETURNING *",
    )
    .bind(&id)
    .bind(&key.merchant_id)
    .bind(&req.payment)
    .bind(amount)
    .bind(currency)
    .bind(req.reason.map(Reason::as_str))
    .bind(metadata_text)
    .bind(now_unix())
    .fetch_one(&mut *tx)
    .await?;
    let object = refund_json(&row)?;
    events::record(&mut tx, &key.merchant_id, "refund.created", &id, &object).await?;
    let payment_object = payment_json(&payment)?;
    events::record(
        &mut tx,
        &key.merchant_id,
        "payment.refunded",
        &req.payment,
        &payment_object,
    )
    .await?;
    let stored = claim.complete_in(&mut tx, StatusCode::OK, object).await?;
    tx.commit().await?;
    Ok(stored)
}

/// `GET /v1/refunds/{id}`
pub async fn get(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    REFUNDS.retrieve(&st.db.pool, &key.merchant_id, &id).await
}

/// `GET /v1/refunds`
pub async fn list(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let params = ListParams::parse(q.as_deref(), &[("payment", "payment_id", &[])])?;
    REFUNDS.list(&st.db.pool, &key.merchant_id, &params).await
}
