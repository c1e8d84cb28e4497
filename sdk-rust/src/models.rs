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
    /// `usage.*` events.
    Usage(Box<UsageThreshold>),
    /// `webhook_endpoint.*` events.
    WebhookEndpoint(Box<WebhookEndpoint>),
    /// Event types this SDK does not know: the raw JSON.
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
            "usage" => {
                EventObject::Usage(Box::new(serde_json::from_value(self.data.object.clone())?))
            }
            "webhook_endpoint" => EventObject::WebhookEndpoint(Box::new(serde_json::from_value(
                self.data.object.clone(),
            )?)),
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
impl HasId for WebhookEndpoint {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for WebhookAttempt {
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

/// How a webhook endpoint's deliveries are signed (Standard Webhooks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// `v1`: HMAC-SHA256 with a `whsec_` secret (the default).
    #[serde(rename = "v1")]
    V1,
    /// `v1a`: ed25519; receivers verify with the endpoint's `whpk_` public key.
    #[serde(rename = "v1a")]
    V1a,
    /// A value this SDK does not know.
    #[serde(other)]
    Unknown,
}

/// Whether an endpoint receives deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EndpointStatus {
    /// Deliveries are made.
    Enabled,
    /// No deliveries; see `disabled_reason`.
    Disabled,
    /// A value this SDK does not know.
    #[serde(other)]
    Unknown,
}

/// Why an endpoint was disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DisabledReason {
    /// Disabled by the merchant.
    Manual,
    /// The receiver answered 410 Gone.
    Gone,
    /// Deliveries failed for longer than the server's limit.
    Failing,
    /// A value this SDK does not know.
    #[serde(other)]
    Unknown,
}

/// A webhook endpoint: where and which events are delivered.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookEndpoint {
    /// `we_...`.
    pub id: String,
    /// `webhook_endpoint`.
    pub object: String,
    /// The receiver's URL.
    pub url: String,
    /// Event types delivered; `["*"]` is every type.
    pub enabled_events: Vec<String>,
    /// A description.
    pub description: Option<String>,
    /// Enabled or disabled.
    pub status: EndpointStatus,
    /// Why it is disabled.
    pub disabled_reason: Option<DisabledReason>,
    /// `v1` (HMAC) or `v1a` (ed25519).
    pub signature_algorithm: SignatureAlgorithm,
    /// The signing secret (`whsec_...`): only in the responses of create and
    /// rotate_secret, for `v1` endpoints. Redacted in `Debug`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The verifying key (`whpk_...`) of a `v1a` endpoint.
    #[serde(default)]
    pub public_key: Option<String>,
    /// While a rotated-out secret still signs deliveries: until when (Unix seconds).
    #[serde(default)]
    pub previous_secret_expires: Option<i64>,
    /// Unix seconds.
    pub created: i64,
}

impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("enabled_events", &self.enabled_events)
            .field("description", &self.description)
            .field("status", &self.status)
            .field("disabled_reason", &self.disabled_reason)
            .field("signature_algorithm", &self.signature_algorithm)
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .field("public_key", &self.public_key)
            .field("previous_secret_expires", &self.previous_secret_expires)
            .field("created", &self.created)
            .finish()
    }
}

/// A deleted object's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Deleted {
    /// The deleted object's id.
    pub id: String,
    /// Its type, e.g. `webhook_endpoint`.
    pub object: String,
    /// Always `true`.
    pub deleted: bool,
}

/// Parameters of `webhook_endpoints().create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateWebhookEndpoint {
    /// An `http(s)` URL.
    pub url: String,
    /// Event types, or `["*"]`.
    pub enabled_events: Vec<String>,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Created disabled when `Some(false)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `v1` (default) or `v1a`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<SignatureAlgorithm>,
}

impl CreateWebhookEndpoint {
    /// An endpoint at `url` receiving `enabled_events`.
    pub fn new<I, S>(url: impl Into<String>, enabled_events: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            url: url.into(),
            enabled_events: enabled_events.into_iter().map(Into::into).collect(),
            description: None,
            enabled: None,
            signature_algorithm: None,
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Creates the endpoint enabled or disabled.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// Signs deliveries with ed25519 (`v1a`) or HMAC (`v1`).
    #[must_use]
    pub fn signature_algorithm(mut self, alg: SignatureAlgorithm) -> Self {
        self.signature_algorithm = Some(alg);
        self
    }
}

/// Parameters of `webhook_endpoints().update`: only the fields set change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UpdateWebhookEndpoint {
    /// A new URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// New event types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled_events: Option<Vec<String>>,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `true` re-enables (clearing the disabled reason), `false` disables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

impl UpdateWebhookEndpoint {
    /// Changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the URL.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets the event types.
    #[must_use]
    pub fn enabled_events<I, S>(mut self, events: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.enabled_events = Some(events.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Enables or disables the endpoint.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }
}

/// Parameters of `webhook_endpoints().rotate_secret`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RotateSecret {
    /// How long the old secret keeps signing, in seconds (server default 86,400; at most 7 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
}

impl RotateSecret {
    /// The server's default overlap.
    pub fn new() -> Self {
        Self::default()
    }

    /// The old secret keeps signing for `seconds`.
    #[must_use]
    pub fn expires_in(mut self, seconds: u64) -> Self {
        self.expires_in = Some(seconds);
        self
    }
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttemptResult {
    /// The receiver answered 2xx.
    Succeeded,
    /// Anything else.
    Failed,
    /// A value this SDK does not know.
    #[serde(other)]
    Unknown,
}

/// One HTTP attempt to deliver one event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookAttempt {
    /// `wa_...`.
    pub id: String,
    /// `webhook_attempt`.
    pub object: String,
    /// The event's id.
    pub event: String,
    /// The endpoint's id.
    pub endpoint: String,
    /// The `webhook-id` sent (the same on every attempt of one delivery).
    pub webhook_id: String,
    /// 1-based within its delivery.
    pub attempt: u32,
    /// Unix seconds.
    pub created: i64,
    /// Where it was sent.
    pub url: String,
    /// The receiver's status; `None` when there was no response.
    pub status_code: Option<u16>,
    /// How long it took.
    pub duration_ms: u64,
    /// The start of the receiver's body.
    pub response_body: Option<String>,
    /// `timeout`, `connect`, `http_status`, `refused_address`.
    pub error_kind: Option<String>,
    /// Succeeded or failed.
    pub result: AttemptResult,
}

/// Parameters of `events().redeliver`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Redeliver {
    /// Only this endpoint (default: every enabled endpoint the event matches).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

impl Redeliver {
    /// Every matching endpoint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only `endpoint_id`.
    #[must_use]
    pub fn endpoint(mut self, endpoint_id: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint_id.into());
        self
    }
}

/// What `events().redeliver` scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Redelivery {
    /// `redelivery`.
    pub object: String,
    /// The event's id.
    pub event: String,
    /// The endpoints a delivery was scheduled for.
    pub endpoints: Vec<String>,
}

/// The month's usage against the plan's volume limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// `usage`.
    pub object: String,
    /// UTC calendar month, `YYYY-MM`.
    pub month: String,
    /// Succeeded volume this month, minor units.
    pub volume: i64,
    /// The plan's monthly limit, minor units.
    pub limit: i64,
    /// `volume / limit * 100`.
    pub percentage: f64,
    /// Thresholds crossed this month, of 80, 90, 95, 100.
    pub thresholds_reached: Vec<u32>,
    /// Linear month-end projection.
    pub projected_volume: i64,
    /// Whether payments go on above the limit.
    pub overage_allowed: bool,
    /// The plan's name.
    pub plan: String,
}

/// The object of a `usage.threshold_reached` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UsageThreshold {
    /// The usage when the threshold was crossed.
    #[serde(flatten)]
    pub usage: Usage,
    /// The threshold crossed (80, 90, 95 or 100).
    pub threshold: u32,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn endpoint_secret_is_redacted_in_debug_and_absent_when_not_sent() {
        let with: WebhookEndpoint = serde_json::from_value(serde_json::json!({
            "id": "we_1", "object": "webhook_endpoint", "url": "https://example.com/h",
            "enabled_events": ["*"], "description": null, "status": "enabled",
            "disabled_reason": null, "signature_algorithm": "v1",
            "secret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "public_key": null,
            "previous_secret_expires": null, "created": 1
        }))
        .unwrap();
        let dbg = format!("{with:?}");
        assert!(!dbg.contains("whsec_"), "{dbg}");
        assert!(dbg.contains("[REDACTED]"));
        let without: WebhookEndpoint = serde_json::from_value(serde_json::json!({
            "id": "we_1", "object": "webhook_endpoint", "url": "https://example.com/h",
            "enabled_events": ["payment.succeeded"], "description": "d", "status": "disabled",
            "disabled_reason": "gone", "signature_algorithm": "v1a",
            "public_key": "whpk_abc", "created": 1
        }))
        .unwrap();
        assert_eq!(without.secret, None);
        assert_eq!(without.disabled_reason, Some(DisabledReason::Gone));
        assert_eq!(without.signature_algorithm, SignatureAlgorithm::V1a);
    }

    #[test]
    fn usage_threshold_event_is_typed() {
        let ev: Event = serde_json::from_value(serde_json::json!({
            "id": "evt_1", "object": "event", "type": "usage.threshold_reached", "created": 1,
            "data": {"object": {
                "object": "usage", "month": "2026-12", "volume": 800, "limit": 1000,
                "percentage": 80.0, "thresholds_reached": [80], "projected_volume": 1600,
                "overage_allowed": false, "plan": "sandbox", "threshold": 80
            }}
        }))
        .unwrap();
        match ev.object().unwrap() {
            EventObject::Usage(u) => {
                assert_eq!(u.threshold, 80);
                assert_eq!(u.usage.volume, 800);
            }
            other => panic!("not a usage object: {other:?}"),
        }
    }
}
