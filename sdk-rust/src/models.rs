//! The API's objects and request parameters, matching the reference
//! server's JSON (see `docs/openapi.yaml`). Unknown enum values deserialize
//! to an `Unknown` variant so a newer server does not break an older client.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A payment's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PaymentStatus {
    /// Waiting for the customer to authenticate; `confirm` it.
    RequiresAction,
    /// Authorised; `capture` or `cancel` it.
    RequiresCapture,
    /// Captured.
    Succeeded,
    /// Declined.
    Failed,
    /// Canceled.
    Canceled,
    /// A status this SDK does not know.
    #[serde(other)]
    Unknown,
}

impl PaymentStatus {
    /// The wire name (`requires_action`, ...; `unknown` for an unknown one).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RequiresAction => "requires_action",
            Self::RequiresCapture => "requires_capture",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Canceled => "canceled",
            Self::Unknown => "unknown",
        }
    }
}

/// When a payment is captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaptureMethod {
    /// At creation.
    Automatic,
    /// By a later `capture`.
    Manual,
    /// A method this SDK does not know.
    #[serde(other)]
    Unknown,
}

/// Why a payment is canceled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CancellationReason {
    /// A duplicate payment.
    Duplicate,
    /// Fraud.
    Fraudulent,
    /// The customer asked.
    RequestedByCustomer,
    /// The customer went away.
    Abandoned,
    /// A reason this SDK does not know.
    #[serde(other)]
    Unknown,
}

/// Why a payment is refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefundReason {
    /// A duplicate payment.
    Duplicate,
    /// Fraud.
    Fraudulent,
    /// The customer asked.
    RequestedByCustomer,
    /// A reason this SDK does not know.
    #[serde(other)]
    Unknown,
}

/// The card of a payment (never the full number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Card {
    /// `visa`, `mastercard`, ...
    pub brand: String,
    /// The last four digits.
    pub last4: String,
}

/// How a payment was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentMethodDetails {
    /// `card`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The card.
    pub card: Option<Card>,
}

/// The decline of a failed payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentError {
    /// `card_error`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `card_declined`, `expired_card`, ...
    pub code: String,
    /// The issuer's decline code.
    pub decline_code: Option<String>,
    /// A message.
    pub message: Option<String>,
}

/// A payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payment {
    /// `pay_...`.
    pub id: String,
    /// `payment`.
    pub object: String,
    /// In minor units.
    pub amount: i64,
    /// ISO 4217 code (upper case, as the server stores it).
    pub currency: String,
    /// Decimal places of the currency.
    pub currency_exponent: Option<u32>,
    /// The state.
    pub status: PaymentStatus,
    /// `automatic` or `manual`.
    pub capture_method: CaptureMethod,
    /// What `capture` may still take.
    pub amount_capturable: i64,
    /// Captured so far.
    pub amount_captured: i64,
    /// Refunded so far.
    pub amount_refunded: i64,
    /// Fully refunded.
    pub refunded: bool,
    /// The card.
    pub payment_method: PaymentMethodDetails,
    /// The customer's e-mail.
    pub customer_email: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// Set when canceled.
    pub cancellation_reason: Option<CancellationReason>,
    /// Merchant data.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// The decline, for a failed payment.
    pub last_payment_error: Option<PaymentError>,
    /// Unix seconds.
    pub created: i64,
    /// Whether this is a live payment.
    pub livemode: bool,
}

/// A refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Refund {
    /// `re_...`.
    pub id: String,
    /// `refund`.
    pub object: String,
    /// The refunded payment's id.
    pub payment: String,
    /// In minor units.
    pub amount: i64,
    /// The payment's currency.
    pub currency: String,
    /// `succeeded`, ...
    pub status: String,
    /// Why.
    pub reason: Option<RefundReason>,
    /// Merchant data.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Unix seconds.
    pub created: i64,
}

/// An event's payload wrapper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventData {
    /// The object as it was when the event happened.
    pub object: serde_json::Value,
}

/// An event (the audit trail; also the body of a webhook delivery).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// `evt_...`.
    pub id: String,
    /// `event`.
    pub object: String,
    /// `payment.succeeded`, `refund.created`, ...
    #[serde(rename = "type")]
    pub event_type: String,
    /// Unix seconds.
    pub created: i64,
    /// The object.
    pub data: EventData,
}

/// An event's object, typed by the event's type prefix.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventObject {
    /// `payment.*` events.
    Payment(Box<Payment>),
    /// `refund.*` events.
    Refund(Box<Refund>),
    /// Event types this SDK does not type (usage, endpoint events when the
    /// server emits them): the raw JSON.
    Other(serde_json::Value),
}

impl Event {
    /// The event's object, typed. Fails if a `payment.*` or `refund.*`
    /// object does not have the expected shape.
    pub fn object(&self) -> Result<EventObject, serde_json::Error> {
        let prefix = self.event_type.split('.').next().unwrap_or("");
        Ok(match prefix {
            "payment" => {
                EventObject::Payment(Box::new(serde_json::from_value(self.data.object.clone())?))
            }
            "refund" => {
                EventObject::Refund(Box::new(serde_json::from_value(self.data.object.clone())?))
            }
            _ => EventObject::Other(self.data.object.clone()),
        })
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct List<T> {
    /// `list`.
    pub object: String,
    /// The list's path.
    pub url: String,
    /// Whether more objects follow this page.
    pub has_more: bool,
    /// The objects, newest first.
    pub data: Vec<T>,
}

/// Objects with an id (what pagination cursors are made of).
pub trait HasId {
    /// The object's id.
    fn id(&self) -> &str;
}

impl HasId for Payment {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Refund {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Event {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Parameters of `payments().create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreatePayment {
    /// In minor units, 1 to 99,999,999.
    pub amount: i64,
    /// ISO 4217 code, any case.
    pub currency: String,
    /// The card number (test cards in the sandbox).
    pub payment_method: String,
    /// `automatic` (default) or `manual`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<CaptureMethod>,
    /// The customer's e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// Up to 1000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Up to 20 keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}

impl CreatePayment {
    /// A payment of `amount` minor units of `currency` with `card`.
    pub fn new(amount: i64, currency: impl Into<String>, card: impl Into<String>) -> Self {
        Self {
            amount,
            currency: currency.into(),
            payment_method: card.into(),
            capture_method: None,
            customer_email: None,
            description: None,
            metadata: None,
        }
    }

    /// Captures later (`requires_capture`).
    #[must_use]
    pub fn manual_capture(mut self) -> Self {
        self.capture_method = Some(CaptureMethod::Manual);
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets the customer's e-mail.
    #[must_use]
    pub fn customer_email(mut self, e: impl Into<String>) -> Self {
        self.customer_email = Some(e.into());
        self
    }

    /// Adds a metadata entry.
    #[must_use]
    pub fn metadata(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.metadata
            .get_or_insert_with(BTreeMap::new)
            .insert(k.into(), v.into());
        self
    }
}

/// Parameters of `payments().capture`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CapturePayment {
    /// A partial capture; the whole amount when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_to_capture: Option<i64>,
}

impl CapturePayment {
    /// Captures the whole amount.
    pub fn full() -> Self {
        Self::default()
    }

    /// Captures `amount`.
    pub fn partial(amount: i64) -> Self {
        Self {
            amount_to_capture: Some(amount),
        }
    }
}

/// Parameters of `payments().cancel`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CancelPayment {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<CancellationReason>,
}

impl CancelPayment {
    /// Cancels for `reason`.
    pub fn reason(reason: CancellationReason) -> Self {
        Self {
            cancellation_reason: Some(reason),
        }
    }
}

/// Parameters of `refunds().create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateRefund {
    /// The payment's id.
    pub payment: String,
    /// A partial refund; the rest of the captured amount when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<RefundReason>,
    /// Merchant data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}

impl CreateRefund {
    /// A full refund of `payment`.
    pub fn full(payment: impl Into<String>) -> Self {
        Self {
            payment: payment.into(),
            amount: None,
            reason: None,
            metadata: None,
        }
    }

    /// A partial refund of `amount` of `payment`.
    pub fn partial(payment: impl Into<String>, amount: i64) -> Self {
        Self {
            amount: Some(amount),
            ..Self::full(payment)
        }
    }

    /// Sets the reason.
    #[must_use]
    pub fn reason(mut self, reason: RefundReason) -> Self {
        self.reason = Some(reason);
        self
    }
}

/// Parameters of the list endpoints: page size, cursors, `created` bounds
/// and the endpoint's filter (`status` for payments, `payment` for refunds,
/// `type` for events).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListParams {
    /// 1 to 100 (the server's default is 10).
    pub limit: Option<u32>,
    /// Objects older than this id.
    pub starting_after: Option<String>,
    /// Objects newer than this id.
    pub ending_before: Option<String>,
    /// `created[gt|gte|lt|lte]` bounds, Unix seconds.
    pub created: Vec<(&'static str, i64)>,
    /// The endpoint's filter, `(name, value)`.
    pub filter: Option<(&'static str, String)>,
}

impl ListParams {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page size (1 to 100).
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts after this object id.
    #[must_use]
    pub fn starting_after(mut self, id: impl Into<String>) -> Self {
        self.starting_after = Some(id.into());
        self
    }

    /// Ends before this object id.
    #[must_use]
    pub fn ending_before(mut self, id: impl Into<String>) -> Self {
        self.ending_before = Some(id.into());
        self
    }

    /// Only objects created at or after `unix`.
    #[must_use]
    pub fn created_gte(mut self, unix: i64) -> Self {
        self.created.push(("created[gte]", unix));
        self
    }

    /// Only objects created before `unix`.
    #[must_use]
    pub fn created_lt(mut self, unix: i64) -> Self {
        self.created.push(("created[lt]", unix));
        self
    }

    /// Payments only: only this status.
    #[must_use]
    pub fn status(mut self, status: PaymentStatus) -> Self {
        self.filter = Some(("status", status.as_str().to_owned()));
        self
    }

    /// Refunds only: only refunds of this payment.
    #[must_use]
    pub fn payment(mut self, payment_id: impl Into<String>) -> Self {
        self.filter = Some(("payment", payment_id.into()));
        self
    }

    /// Events only: only this type.
    #[must_use]
    pub fn event_type(mut self, t: impl Into<String>) -> Self {
        self.filter = Some(("type", t.into()));
        self
    }

    pub(crate) fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(l) = self.limit {
            s.append_pair("limit", &l.to_string());
        }
        if let Some(v) = &self.starting_after {
            s.append_pair("starting_after", v);
        }
        if let Some(v) = &self.ending_before {
            s.append_pair("ending_before", v);
        }
        for (k, v) in &self.created {
            s.append_pair(k, &v.to_string());
        }
        if let Some((k, v)) = &self.filter {
            s.append_pair(k, v);
        }
        s.finish()
    }
}
