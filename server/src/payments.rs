//! Payments and their state machine.
//!
//! ```text
//! create ─┬─> succeeded                      (capture_method automatic)
//!         ├─> requires_capture ─capture─> succeeded
//!         ├─> requires_action ─confirm─> succeeded | requires_capture
//!         └─> failed                          (a declined card: 402)
//! requires_action | requires_capture ─cancel─> canceled
//! ```
//! Any other transition is a 409 `payment_invalid_state` with
//! `Should-Retry: false`. Each transition is a write that starts its
//! transaction (locking the row), then the event, then the idempotent response.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::AppState;
use crate::batch::{Batch, WriteTx};
use crate::cards::{self, Outcome};
use crate::db::{ApiKeyRecord, now_unix};
use crate::error::{AppError, ErrorType};
use crate::events;
use crate::http::parse_json;
use crate::idempotency::{Claim, IdempotentPost, Stored};
use crate::ids;
use crate::pagination::{ListParams, Resource};
use crate::usage;
use crate::webhooks::outbox;

/// Payment statuses.
pub const STATUSES: &[&str] = &[
    "requires_action",
    "requires_capture",
    "succeeded",
    "failed",
    "canceled",
];

/// Most metadata keys.
pub const MAX_METADATA_KEYS: usize = 20;
/// Longest metadata key.
pub const MAX_METADATA_KEY_LEN: usize = 40;
/// Longest metadata value.
pub const MAX_METADATA_VALUE_LEN: usize = 500;
/// Longest description.
pub const MAX_DESCRIPTION_LEN: usize = 1000;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum CaptureMethod {
    Automatic,
    Manual,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreatePayment {
    amount: i64,
    currency: String,
    payment_method: String,
    #[serde(default)]
    capture_method: Option<CaptureMethod>,
    #[serde(default)]
    customer_email: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    metadata: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Confirm {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Capture {
    #[serde(default)]
    amount_to_capture: Option<i64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum CancellationReason {
    Duplicate,
    Fraudulent,
    RequestedByCustomer,
    Abandoned,
}

impl CancellationReason {
    fn as_str(self) -> &'static str {
        match self {
            CancellationReason::Duplicate => "duplicate",
            CancellationReason::Fraudulent => "fraudulent",
            CancellationReason::RequestedByCustomer => "requested_by_customer",
            CancellationReason::Abandoned => "abandoned",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cancel {
    #[serde(default)]
    cancellation_reason: Option<CancellationReason>,
}

/// Validates metadata: at most 20 keys, keys 1-40 chars, values up to 500.
pub fn validate_metadata(m: &BTreeMap<String, String>) -> Result<(), AppError> {
    if m.len() > MAX_METADATA_KEYS {
        return Err(AppError::invalid(
            "metadata_invalid",
            "metadata",
            format!("metadata has at most {MAX_METADATA_KEYS} keys."),
        ));
    }
    for (k, v) in m {
        if k.is_empty() || k.chars().count() > MAX_METADATA_KEY_LEN {
            return Err(AppError::invalid(
                "metadata_invalid",
                format!("metadata.{k}"),
                format!("metadata keys are 1 to {MAX_METADATA_KEY_LEN} characters."),
            ));
        }
        if v.chars().count() > MAX_METADATA_VALUE_LEN {
            return Err(AppError::invalid(
                "metadata_invalid",
                format!("metadata.{k}"),
                format!("metadata values are at most {MAX_METADATA_VALUE_LEN} characters."),
            ));
        }
    }
    Ok(())
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && e.chars().all(|c| c.is_ascii_graphic())
}

/// The JSON object of a payment row.
/// The `payment` objects: retrieve and list.
const PAYMENTS: Resource = Resource {
    table: "payments",
    url: "/v1/payments",
    object: "payment",
    to_json: payment_json,
};

pub fn payment_json(row: &AnyRow) -> Result<serde_json::Value, AppError> {
    PaymentRow::from_row(row)?.to_json()
}

/// The columns of a payment that its JSON shows.
#[derive(Debug, Clone)]
pub struct PaymentRow {
    id: String,
    amount: i64,
    currency: String,
    status: String,
    capture_method: String,
    amount_captured: i64,
    amount_refunded: i64,
    card_brand: String,
    card_last4: String,
    customer_email: Option<String>,
    description: Option<String>,
    cancellation_reason: Option<String>,
    metadata: String,
    error_code: Option<String>,
    error_decline_code: Option<String>,
    error_message: Option<String>,
    created_at: i64,
}

impl PaymentRow {
    fn from_row(row: &AnyRow) -> Result<Self, AppError> {
        Ok(Self {
            id: row.try_get("id")?,
            amount: row.try_get("amount")?,
            currency: row.try_get("currency")?,
            status: row.try_get("status")?,
            capture_method: row.try_get("capture_method")?,
            amount_captured: row.try_get("amount_captured")?,
            amount_refunded: row.try_get("amount_refunded")?,
            card_brand: row.try_get("card_brand")?,
            card_last4: row.try_get("card_last4")?,
            customer_email: row.try_get("customer_email")?,
            description: row.try_get("description")?,
            cancellation_reason: row.try_get("cancellation_reason")?,
            metadata: row.try_get("metadata")?,
            error_code: row.try_get("error_code")?,
            error_decline_code: row.try_get("error_decline_code")?,
            error_message: row.try_get("error_message")?,
            created_at: row.try_get("created_at")?,
        })
    }

    fn to_json(&self) -> Result<serde_json::Value, AppError> {
        let metadata: serde_json::Value = serde_json::from_str(&self.metadata)
            .map_err(|e| AppError::internal(format!("stored metadata: {e}")))?;
        let last_error = match &self.error_code {
            Some(code) => serde_json::json!({
                "type": "card_error",
                "code": code,
                "decline_code": self.error_decline_code,
                "message": self.error_message,
            }),
            None => serde_json::Value::Null,
        };
        Ok(serde_json::json!({
            "id": self.id,
            "object": "payment",
            "amount": self.amount,
            "currency": self.currency,
            "currency_exponent": cards::currency(&self.currency).map(|(_, e)| e),
            "status": self.status,
            "capture_method": self.capture_method,
            "amount_capturable": if self.status == "requires_capture" { self.amount } else { 0 },
            "amount_captured": self.amount_captured,
            "amount_refunded": self.amount_refunded,
            "refunded": self.amount_captured > 0 && self.amount_refunded >= self.amount_captured,
            "payment_method": {
                "type": "card",
                "card": {
                    "brand": self.card_brand,
                    "last4": self.card_last4,
                },
            },
            "customer_email": self.customer_email,
            "description": self.description,
            "cancellation_reason": self.cancellation_reason,
            "metadata": metadata,
            "last_payment_error": last_error,
            "created": self.created_at,
            "livemode": false,
        }))
    }
}

/// Locks the payment row for this transaction (a no-op write: a row lock on
/// Postgres, the write lock on SQLite) and reads it. 404 if it is not the
/// merchant's.
pub async fn lock_and_load(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    merchant: &str,
) -> Result<AnyRow, AppError> {
    sqlx::query(
        "UPDATE payments SET updated_at = $1 WHERE id = $2 AND merchant_id = $3 RETURNING *",
    )
    .bind(now_unix())
    .bind(id)
    .bind(merchant)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("payment", id))
}

/// A payment create's writes, prepared before its write turn.
struct Prepared {
    batch: Batch,
    /// The statement that reads the merchant's webhook endpoints.
    endpoints_at: usize,
    /// The usage upsert (its `RETURNING volume`).
    usage_at: usize,
    /// The month whose volume grows (none without a capture).
    month: Option<usage::Month>,
    /// The events written, with their types.
    events: Vec<(String, &'static str)>,
    /// The response stored under the idempotency key.
    stored: Stored,
}

/// `POST /v1/payments`
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
    let req: CreatePayment = parse_json(body)?;
    if req.amount < 1 {
        return Err(AppError::invalid(
            "amount_too_small",
            "amount",
            "amount must be a positive integer in the currency's minor unit.",
        ));
    }
    if req.amount > cards::MAX_AMOUNT {
        return Err(AppError::invalid(
            "amount_too_large",
            "amount",
            format!("amount must be at most {}.", cards::MAX_AMOUNT),
        ));
    }
    let Some((currency, _exp)) = cards::currency(&req.currency) else {
        return Err(AppError::invalid(
            "currency_unsupported",
            "currency",
            "currency must be a supported ISO 4217 code (see the API reference).",
        ));
    };
    let Some(card) = cards::parse_card(&req.payment_method) else {
        return Err(AppError::invalid(
            "card_number_invalid",
            "payment_method",
            "payment_method must be a valid card number (use a test card).",
        ));
    };
    if let Some(e) = &req.customer_email
        && !valid_email(e)
    {
        return Err(AppError::invalid(
            "email_invalid",
            "customer_email",
            "customer_email is not a valid email address.",
        ));
    }
    if let Some(d) = &req.description
        && d.chars().count() > MAX_DESCRIPTION_LEN
    {
        return Err(AppError::invalid(
            "description_too_long",
            "description",
            format!("description is at most {MAX_DESCRIPTION_LEN} characters."),
        ));
    }
    let metadata = req.metadata.unwrap_or_default();
    validate_metadata(&metadata)?;
    usage::check_open(st, key).await?;
    let capture = req.capture_method.unwrap_or(CaptureMethod::Automatic);
    let (status, captured, decline) = match card.outcome {
        Outcome::Succeed if capture == CaptureMethod::Automatic => ("succeeded", req.amount, None),
        Outcome::Succeed => ("requires_capture", 0, None),
        Outcome::RequiresAction => ("requires_action", 0, None),
        Outcome::Decline(d) => ("failed", 0, Some(d)),
    };
    let id = ids::new_id("pay");
    let metadata_text = serde_json::to_string(&metadata)
        .map_err(|e| AppError::internal(format!("metadata: {e}")))?;
    // Everything of the create's writes is prepared before its write turn,
    // which then only runs them: `created` is the clock read now, raised to
    // the latest `created` written before it in the turn's order, so that it
    // never goes backwards along `seq` (lists are newest first by `seq`); in
    // the rare case it is raised, the writes are prepared again.
    let prepare = |now: i64| -> Result<Prepared, AppError> {
        let payment = PaymentRow {
            id: id.clone(),
            amount: req.amount,
            currency: currency.to_owned(),
            status: status.to_owned(),
            capture_method: match capture {
                CaptureMethod::Automatic => "automatic",
                CaptureMethod::Manual => "manual",
            }
            .to_owned(),
            amount_captured: captured,
            amount_refunded: 0,
            card_brand: card.brand.to_owned(),
            card_last4: card.last4.clone(),
            customer_email: req.customer_email.clone(),
            description: req.description.clone(),
            cancellation_reason: None,
            metadata: metadata_text.clone(),
            error_code: decline.map(|d| d.code.to_owned()),
            error_decline_code: decline.map(|d| d.decline_code.to_owned()),
            error_message: decline.map(|d| d.message.to_owned()),
            created_at: now,
        };
        let object = payment.to_json()?;
        let event_type = match status {
            "succeeded" => "payment.succeeded",
            "requires_capture" => "payment.requires_capture",
            "requires_action" => "payment.requires_action",
            _ => "payment.failed",
        };
        // Two batches: the first reads the webhook endpoints and writes the
        // payment, its events, its usage and its idempotent response; then the
        // usage check (and a crossed threshold, rarely); the second writes the
        // deliveries (they need the endpoints) and commits. On SQLite each batch
        // is one trip to the write connection's thread, an empty one none (see
        // `WriteTx` for the grouped commit).
        let mut batch = Batch::new();
        let endpoints_at = batch.len();
        outbox::push_enabled_endpoints(&mut batch, &key.merchant_id);
        batch.push(
            "INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, \
             amount_captured, amount_refunded, card_brand, card_last4, card_outcome, customer_email, \
             description, metadata, error_code, error_decline_code, error_message, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)",
            vec![
                payment.id.clone().into(),
                key.merchant_id.clone().into(),
                payment.amount.into(),
                payment.currency.clone().into(),
                payment.status.clone().into(),
                payment.capture_method.clone().into(),
                payment.amount_captured.into(),
                payment.card_brand.clone().into(),
                payment.card_last4.clone().into(),
                card.outcome.name().into(),
                payment.customer_email.clone().into(),
                payment.description.clone().into(),
                payment.metadata.clone().into(),
                payment.error_code.clone().into(),
                payment.error_decline_code.clone().into(),
                payment.error_message.clone().into(),
                now.into(),
            ],
        );
        let events = events::push_many(
            &mut batch,
            &key.merchant_id,
            &["payment.created", event_type],
            &id,
            &object,
        );
        let usage_at = batch.len();
        let month = usage::push_add_volume(&mut batch, key, captured);
        let stored = match decline {
            None => claim.push_complete(&mut batch, StatusCode::OK, object),
            Some(d) => {
                let err = AppError::new(
                    StatusCode::PAYMENT_REQUIRED,
                    ErrorType::Card,
                    d.code,
                    d.message,
                )
                .with_decline_code(d.decline_code)
                .with_param("payment_method");
                let mut body = err.envelope();
                if let Some(e) = body.get_mut("error").and_then(|e| e.as_object_mut()) {
                    e.insert("payment_id".into(), serde_json::Value::String(id.clone()));
                }
                claim.push_complete(&mut batch, StatusCode::PAYMENT_REQUIRED, body)
            }
        };
        Ok(Prepared {
            batch,
            endpoints_at,
            usage_at,
            month,
            events,
            stored,
        })
    };
    let first = now_unix();
    let mut prepared = prepare(first)?;
    let mut w = WriteTx::begin(&st.db).await?;
    let now = w.created_at(first);
    if now != first {
        prepared = prepare(now)?;
    }
    let rows = w.run(prepared.batch).await?;
    let endpoints =
        outbox::endpoints_of(rows.get(prepared.endpoints_at).map_or(&[], Vec::as_slice))?;
    if let Some(month) = prepared.month {
        let volume = rows.get(prepared.usage_at).and_then(|r| r.first());
        let checked = match w.conn().await {
            Ok(conn) => usage::volume_added(conn, st, key, captured, month, volume).await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = checked {
            w.rollback().await;
            return Err(e);
        }
    }
    let mut deliveries = Batch::new();
    outbox::push_enqueue(
        &mut deliveries,
        &key.merchant_id,
        &prepared.events,
        &endpoints,
    );
    w.commit(deliveries).await?;
    st.metrics.payment(status);
    Ok(prepared.stored)
}

/// `GET /v1/payments/{id}`
pub async fn get(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    PAYMENTS.retrieve(&st.db.pool, &key.merchant_id, &id).await
}

/// `GET /v1/payments`
pub async fn list(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let params = ListParams::parse(q.as_deref(), &[("status", "status", STATUSES)])?;
    PAYMENTS.list(&st.db.pool, &key.merchant_id, &params).await
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Confirm,
    Capture,
    Cancel,
}

async fn transition_inner(
    st: &AppState,
    key: &ApiKeyRecord,
    id: &str,
    body: &[u8],
    action: Action,
    claim: Claim,
) -> Result<Stored, AppError> {
    let mut capture_amount = None;
    let mut cancellation_reason = None;
    match action {
        Action::Confirm => {
            let _: Confirm = parse_json(body)?;
        }
        Action::Capture => {
            let c: Capture = parse_json(body)?;
            if let Some(a) = c.amount_to_capture
                && a < 1
            {
                return Err(AppError::invalid(
                    "amount_too_small",
                    "amount_to_capture",
                    "amount_to_capture must be a positive integer.",
                ));
            }
            capture_amount = c.amount_to_capture;
        }
        Action::Cancel => {
            let c: Cancel = parse_json(body)?;
            cancellation_reason = c.cancellation_reason.map(CancellationReason::as_str);
        }
    }
    let mut tx = st.db.begin_write().await?;
    let row = lock_and_load(&mut tx, id, &key.merchant_id).await?;
    let status: String = row.try_get("status")?;
    let amount: i64 = row.try_get("amount")?;
    let capture_method: String = row.try_get("capture_method")?;
    let (new_status, captured, event_type) = match (action, status.as_str()) {
        (Action::Confirm, "requires_action") if capture_method == "automatic" => {
            ("succeeded", amount, "payment.succeeded")
        }
        (Action::Confirm, "requires_action") => ("requires_capture", 0, "payment.requires_capture"),
        (Action::Capture, "requires_capture") => {
            let a = capture_amount.unwrap_or(amount);
            if a > amount {
                return Err(AppError::invalid(
                    "amount_too_large",
                    "amount_to_capture",
                    format!("amount_to_capture must be at most the payment's amount ({amount})."),
                ));
            }
            ("succeeded", a, "payment.succeeded")
        }
        (Action::Cancel, "requires_action" | "requires_capture") => {
            ("canceled", 0, "payment.canceled")
        }
        (action, status) => {
            let verb = match action {
                Action::Confirm => "confirm",
                Action::Capture => "capture",
                Action::Cancel => "cancel",
            };
            return Err(AppError::invalid_state(format!(
                "You cannot {verb} this payment because it has a status of {status}."
            )));
        }
    };
    let row = sqlx::query(
        "UPDATE payments SET status = $1, amount_captured = $2, updated_at = $3, \
         cancellation_reason = COALESCE($7, cancellation_reason) \
         WHERE id = $4 AND merchant_id = $5 AND status = $6 RETURNING *",
    )
    .bind(new_status)
    .bind(captured)
    .bind(now_unix())
    .bind(id)
    .bind(&key.merchant_id)
    .bind(&status)
    .bind(cancellation_reason)
    .fetch_one(&mut *tx)
    .await?;
    let object = payment_json(&row)?;
    events::record(&mut tx, &key.merchant_id, event_type, id, &object).await?;
    if new_status == "succeeded" {
        usage::add_volume(&mut tx, st, key, captured).await?;
    }
    let stored = claim.complete_in(&mut tx, StatusCode::OK, object).await?;
    tx.commit().await?;
    st.metrics.payment(new_status);
    Ok(stored)
}

/// `POST /v1/payments/{id}/confirm`
pub async fn confirm(Path(id): Path<String>, post: IdempotentPost) -> Response {
    post.run(|claim| {
        transition_inner(
            &post.state,
            &post.key,
            &id,
            &post.body,
            Action::Confirm,
            claim,
        )
    })
    .await
}

/// `POST /v1/payments/{id}/capture`
pub async fn capture(Path(id): Path<String>, post: IdempotentPost) -> Response {
    post.run(|claim| {
        transition_inner(
            &post.state,
            &post.key,
            &id,
            &post.body,
            Action::Capture,
            claim,
        )
    })
    .await
}

/// `POST /v1/payments/{id}/cancel`
pub async fn cancel(Path(id): Path<String>, post: IdempotentPost) -> Response {
    post.run(|claim| {
        transition_inner(
            &post.state,
            &post.key,
            &id,
            &post.body,
            Action::Cancel,
            claim,
        )
    })
    .await
}
