//! The API's objects and parameters as uniffi records and enums (Kotlin data
//! classes and enum classes, Swift structs and enums), converted from and to
//! [`paycore_sdk::models`]. Conversion only: the SDK serialises, sends and
//! decodes.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use paycore_sdk::models as sdk;

use crate::error::PaycoreError;

/// Declares a uniffi enum mirroring an SDK enum (the SDK's `Unknown` for a
/// value this version does not know), with conversions both ways.
macro_rules! mirror_enum {
    ($(#[$m:meta])* $name:ident => $sdk:ty { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[$vm])* $v,)+
            /// A value this version does not know (from a newer server).
            Unknown,
        }

        impl From<$sdk> for $name {
            fn from(v: $sdk) -> Self {
                match v {
                    $(<$sdk>::$v => $name::$v,)+
                    _ => $name::Unknown,
                }
            }
        }

        impl From<$name> for $sdk {
            fn from(v: $name) -> Self {
                match v {
                    $($name::$v => <$sdk>::$v,)+
                    $name::Unknown => <$sdk>::Unknown,
                }
            }
        }
    };
}

mirror_enum!(
    /// A payment's status.
    PaymentStatus => sdk::PaymentStatus {
        /// Waiting for the customer to authenticate: `confirm` it.
        RequiresAction,
        /// Authorised: `capture` or `cancel` it.
        RequiresCapture,
        /// Captured.
        Succeeded,
        /// Declined.
        Failed,
        /// Canceled.
        Canceled,
    }
);

mirror_enum!(
    /// When a payment is captured.
    CaptureMethod => sdk::CaptureMethod {
        /// At creation.
        Automatic,
        /// By a later `capture`.
        Manual,
    }
);

mirror_enum!(
    /// Why a payment is canceled.
    CancellationReason => sdk::CancellationReason {
        /// A duplicate payment.
        Duplicate,
        /// Fraud.
        Fraudulent,
        /// The customer asked.
        RequestedByCustomer,
        /// The customer went away.
        Abandoned,
    }
);

mirror_enum!(
    /// Why a payment is refunded.
    RefundReason => sdk::RefundReason {
        /// A duplicate payment.
        Duplicate,
        /// Fraud.
        Fraudulent,
        /// The customer asked.
        RequestedByCustomer,
    }
);

mirror_enum!(
    /// How a webhook endpoint's deliveries are signed.
    SignatureAlgorithm => sdk::SignatureAlgorithm {
        /// `v1`: HMAC-SHA256 with a `whsec_` secret.
        V1,
        /// `v1a`: ed25519 (receivers verify with the `whpk_` public key).
        V1a,
    }
);

mirror_enum!(
    /// Whether an endpoint receives deliveries.
    EndpointStatus => sdk::EndpointStatus {
        /// Deliveries are made.
        Enabled,
        /// No deliveries; see `disabledReason`.
        Disabled,
    }
);

mirror_enum!(
    /// Why an endpoint was disabled.
    DisabledReason => sdk::DisabledReason {
        /// By the merchant.
        Manual,
        /// The receiver answered 410 Gone.
        Gone,
        /// Deliveries failed for too long.
        Failing,
    }
);

mirror_enum!(
    /// How a delivery attempt ended.
    AttemptResult => sdk::AttemptResult {
        /// The receiver answered 2xx.
        Succeeded,
        /// Anything else.
        Failed,
    }
);

/// What is known about the call that returned an object.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ResponseMeta {
    /// The server's `Request-Id`.
    pub request_id: Option<String>,
    /// Attempts made (1 without a retry).
    pub attempts: u32,
    /// The idempotency key sent (POSTs).
    pub idempotency_key: Option<String>,
    /// Whether the server replayed a stored response for the key.
    pub replayed: bool,
    /// The HTTP status.
    pub http_status: u16,
}

impl<T> From<&paycore_sdk::Response<T>> for ResponseMeta {
    fn from(r: &paycore_sdk::Response<T>) -> Self {
        ResponseMeta {
            request_id: r.request_id.clone(),
            attempts: r.attempts,
            idempotency_key: r.idempotency_key.clone(),
            replayed: r.replayed,
            http_status: r.http_status,
        }
    }
}

/// A secret the API returned once (a webhook endpoint's `whsec_...`).
/// `toString()` / `description` print `[REDACTED]`; `reveal()` returns it.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SecretValue {
    value: String,
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue([REDACTED])")
    }
}

#[uniffi::export]
impl SecretValue {
    /// The secret itself: store it, never log it.
    pub fn reveal(&self) -> String {
        self.value.clone()
    }
}

/// The card of a payment (never the full number).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Card {
    /// `visa`, `mastercard`, ...
    pub brand: String,
    /// The last four digits.
    pub last4: String,
}

/// How a payment was paid.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentMethodDetails {
    /// `card`.
    pub kind: String,
    /// The card.
    pub card: Option<Card>,
}

/// The decline of a failed payment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentError {
    /// `card_error`.
    pub kind: String,
    /// `card_declined`, `expired_card`, ...
    pub code: String,
    /// The issuer's decline code.
    pub decline_code: Option<String>,
    /// A message.
    pub message: Option<String>,
}

/// A payment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Payment {
    /// `pay_...`.
    pub id: String,
    /// In minor units.
    pub amount: i64,
    /// ISO 4217 code (upper case).
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
    pub metadata: HashMap<String, String>,
    /// The decline, for a failed payment.
    pub last_payment_error: Option<PaymentError>,
    /// Unix seconds.
    pub created: i64,
    /// Whether this is a live payment.
    pub livemode: bool,
    /// The call that returned it (`null` inside a list or an event).
    pub meta: Option<ResponseMeta>,
}

impl From<sdk::Payment> for Payment {
    fn from(p: sdk::Payment) -> Self {
        Payment {
            id: p.id,
            amount: p.amount,
            currency: p.currency,
            currency_exponent: p.currency_exponent,
            status: p.status.into(),
            capture_method: p.capture_method.into(),
            amount_capturable: p.amount_capturable,
            amount_captured: p.amount_captured,
            amount_refunded: p.amount_refunded,
            refunded: p.refunded,
            payment_method: PaymentMethodDetails {
                kind: p.payment_method.kind,
                card: p.payment_method.card.map(|c| Card {
                    brand: c.brand,
                    last4: c.last4,
                }),
            },
            customer_email: p.customer_email,
            description: p.description,
            cancellation_reason: p.cancellation_reason.map(Into::into),
            metadata: p.metadata.into_iter().collect(),
            last_payment_error: p.last_payment_error.map(|e| PaymentError {
                kind: e.kind,
                code: e.code,
                decline_code: e.decline_code,
                message: e.message,
            }),
            created: p.created,
            livemode: p.livemode,
            meta: None,
        }
    }
}

/// A refund.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Refund {
    /// `re_...`.
    pub id: String,
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
    pub metadata: HashMap<String, String>,
    /// Unix seconds.
    pub created: i64,
    /// The call that returned it (`null` inside a list or an event).
    pub meta: Option<ResponseMeta>,
}

impl From<sdk::Refund> for Refund {
    fn from(r: sdk::Refund) -> Self {
        Refund {
            id: r.id,
            payment: r.payment,
            amount: r.amount,
            currency: r.currency,
            status: r.status,
            reason: r.reason.map(Into::into),
            metadata: r.metadata.into_iter().collect(),
            created: r.created,
            meta: None,
        }
    }
}

/// The month's usage against the plan's volume limit.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Usage {
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
    /// The threshold crossed, in a `usage.threshold_reached` event's object.
    pub threshold: Option<u32>,
    /// The call that returned it (`null` inside an event).
    pub meta: Option<ResponseMeta>,
}

impl From<sdk::Usage> for Usage {
    fn from(u: sdk::Usage) -> Self {
        Usage {
            month: u.month,
            volume: u.volume,
            limit: u.limit,
            percentage: u.percentage,
            thresholds_reached: u.thresholds_reached,
            projected_volume: u.projected_volume,
            overage_allowed: u.overage_allowed,
            plan: u.plan,
            threshold: None,
            meta: None,
        }
    }
}

/// A webhook endpoint. `secret` is set only in the responses of create and
/// rotate_secret, and prints redacted.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WebhookEndpoint {
    /// `we_...`.
    pub id: String,
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
    /// The signing secret (`whsec_...`), create and rotate_secret only.
    pub secret: Option<Arc<SecretValue>>,
    /// The verifying key (`whpk_...`) of a `v1a` endpoint.
    pub public_key: Option<String>,
    /// While a rotated-out secret still signs: until when (Unix seconds).
    pub previous_secret_expires: Option<i64>,
    /// Unix seconds.
    pub created: i64,
    /// The call that returned it (`null` inside a list or an event).
    pub meta: Option<ResponseMeta>,
}

impl From<sdk::WebhookEndpoint> for WebhookEndpoint {
    fn from(e: sdk::WebhookEndpoint) -> Self {
        WebhookEndpoint {
            id: e.id,
            url: e.url,
            enabled_events: e.enabled_events,
            description: e.description,
            status: e.status.into(),
            disabled_reason: e.disabled_reason.map(Into::into),
            signature_algorithm: e.signature_algorithm.into(),
            secret: e.secret.map(|value| Arc::new(SecretValue { value })),
            public_key: e.public_key,
            previous_secret_expires: e.previous_secret_expires,
            created: e.created,
            meta: None,
        }
    }
}

/// An event's object, typed by the event type's prefix.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum EventObject {
    /// `payment.*` events.
    Payment {
        /// The payment as it was.
        payment: Payment,
    },
    /// `refund.*` events.
    Refund {
        /// The refund as it was.
        refund: Refund,
    },
    /// `usage.*` events.
    Usage {
        /// The usage when the threshold was crossed.
        usage: Usage,
    },
    /// `webhook_endpoint.*` events.
    WebhookEndpoint {
        /// The endpoint.
        endpoint: WebhookEndpoint,
    },
    /// Types this version does not know, or an object of an unexpected
    /// shape: see the event's `dataJson`.
    Other,
}

/// An event (the audit trail; also the body of a webhook delivery).
#[derive(Debug, Clone, uniffi::Record)]
pub struct Event {
    /// `evt_...`.
    pub id: String,
    /// `payment.succeeded`, `refund.created`, ...
    pub event_type: String,
    /// Unix seconds.
    pub created: i64,
    /// The object, typed.
    pub data: EventObject,
    /// The object as JSON text.
    pub data_json: String,
    /// The call that returned it (`null` inside a list).
    pub meta: Option<ResponseMeta>,
}

impl From<sdk::Event> for Event {
    fn from(e: sdk::Event) -> Self {
        let data = match e.object() {
            Ok(sdk::EventObject::Payment(p)) => EventObject::Payment {
                payment: (*p).into(),
            },
            Ok(sdk::EventObject::Refund(r)) => EventObject::Refund {
                refund: (*r).into(),
            },
            Ok(sdk::EventObject::Usage(u)) => EventObject::Usage {
                usage: Usage {
                    threshold: Some(u.threshold),
                    ..u.usage.into()
                },
            },
            Ok(sdk::EventObject::WebhookEndpoint(w)) => EventObject::WebhookEndpoint {
                endpoint: (*w).into(),
            },
            _ => EventObject::Other,
        };
        Event {
            data_json: e.data.object.to_string(),
            id: e.id,
            event_type: e.event_type,
            created: e.created,
            data,
            meta: None,
        }
    }
}

/// One HTTP attempt to deliver one event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WebhookAttempt {
    /// `wa_...`.
    pub id: String,
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
    /// The receiver's status; `null` when there was no response.
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

impl From<sdk::WebhookAttempt> for WebhookAttempt {
    fn from(a: sdk::WebhookAttempt) -> Self {
        WebhookAttempt {
            id: a.id,
            event: a.event,
            endpoint: a.endpoint,
            webhook_id: a.webhook_id,
            attempt: a.attempt,
            created: a.created,
            url: a.url,
            status_code: a.status_code,
            duration_ms: a.duration_ms,
            response_body: a.response_body,
            error_kind: a.error_kind,
            result: a.result.into(),
        }
    }
}

/// What `redeliverEvent` scheduled.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Redelivery {
    /// The event's id.
    pub event: String,
    /// The endpoints a delivery was scheduled for.
    pub endpoints: Vec<String>,
    /// The call.
    pub meta: ResponseMeta,
}

/// A deleted object's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Deleted {
    /// The deleted object's id.
    pub id: String,
    /// Its type, e.g. `webhook_endpoint`.
    pub object: String,
    /// Always `true`.
    pub deleted: bool,
    /// The call.
    pub meta: ResponseMeta,
}

// ---- pages ------------------------------------------------------------------

macro_rules! page {
    ($(#[$m:meta])* $name:ident of $item:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, uniffi::Record)]
        pub struct $name {
            /// The objects, newest first.
            pub data: Vec<$item>,
            /// Whether more objects follow this page.
            pub has_more: bool,
            /// The `startingAfter` of the next page (the last object's id),
            /// when `hasMore`.
            pub next_cursor: Option<String>,
            /// The call.
            pub meta: ResponseMeta,
        }

        impl From<paycore_sdk::Response<sdk::List<sdk::$item>>> for $name {
            fn from(r: paycore_sdk::Response<sdk::List<sdk::$item>>) -> Self {
                let meta = ResponseMeta::from(&r);
                let list = r.into_inner();
                let next_cursor = if list.has_more {
                    list.data.last().map(|o| o.id.clone())
                } else {
                    None
                };
                $name {
                    data: list.data.into_iter().map(Into::into).collect(),
                    has_more: list.has_more,
                    next_cursor,
                    meta,
                }
            }
        }
    };
}

page!(
    /// One page of payments.
    PaymentPage of Payment
);
page!(
    /// One page of refunds.
    RefundPage of Refund
);
page!(
    /// One page of events.
    EventPage of Event
);
page!(
    /// One page of webhook endpoints.
    WebhookEndpointPage of WebhookEndpoint
);
page!(
    /// One page of an event's delivery attempts.
    WebhookAttemptPage of WebhookAttempt
);

// ---- parameters -------------------------------------------------------------

/// Per-call options (the SDK's `RequestOptions`), for the calls that take
/// them (payment and refund creation).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RequestOptions {
    /// The idempotency key (1-255 visible ASCII characters); a fresh one per
    /// call when `null`. Reuse the key of a call whose outcome is unknown.
    #[uniffi(default = None)]
    pub idempotency_key: Option<String>,
    /// Overrides the client's per-attempt timeout.
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// Overrides the client's overall deadline (retries included).
    #[uniffi(default = None)]
    pub deadline_ms: Option<u64>,
    /// Extra headers sent on every attempt (e.g. the reference server's
    /// `Paycore-Test-Fault` triggers).
    #[uniffi(default = [])]
    pub headers: Vec<crate::HeaderField>,
}

impl From<RequestOptions> for paycore_sdk::RequestOptions {
    fn from(o: RequestOptions) -> Self {
        let mut r = paycore_sdk::RequestOptions::new();
        if let Some(k) = o.idempotency_key {
            r = r.idempotency_key(k);
        }
        if let Some(t) = o.timeout_ms {
            r = r.timeout(std::time::Duration::from_millis(t));
        }
        if let Some(d) = o.deadline_ms {
            r = r.deadline(Some(std::time::Duration::from_millis(d)));
        }
        for h in o.headers {
            r = r.header(h.name, h.value);
        }
        r
    }
}

/// Parameters of `createPayment`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CreatePaymentParams {
    /// In minor units, 1 to 99,999,999.
    pub amount: i64,
    /// ISO 4217 code, any case.
    pub currency: String,
    /// The card number (test cards in the sandbox).
    pub payment_method: String,
    /// `Manual` captures later (`RequiresCapture`).
    #[uniffi(default = None)]
    pub capture_method: Option<CaptureMethod>,
    /// The customer's e-mail.
    #[uniffi(default = None)]
    pub customer_email: Option<String>,
    /// Up to 1000 characters.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// Up to 20 keys.
    #[uniffi(default = None)]
    pub metadata: Option<HashMap<String, String>>,
}

impl From<CreatePaymentParams> for sdk::CreatePayment {
    fn from(p: CreatePaymentParams) -> Self {
        let mut c = sdk::CreatePayment::new(p.amount, p.currency, p.payment_method);
        c.capture_method = p.capture_method.map(Into::into);
        c.customer_email = p.customer_email;
        c.description = p.description;
        c.metadata = p.metadata.map(|m| m.into_iter().collect());
        c
    }
}

/// Parameters of `createRefund`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CreateRefundParams {
    /// The payment's id.
    pub payment: String,
    /// A partial refund; the rest of the captured amount when `null`.
    #[uniffi(default = None)]
    pub amount: Option<i64>,
    /// Why.
    #[uniffi(default = None)]
    pub reason: Option<RefundReason>,
    /// Merchant data.
    #[uniffi(default = None)]
    pub metadata: Option<HashMap<String, String>>,
}

impl From<CreateRefundParams> for sdk::CreateRefund {
    fn from(p: CreateRefundParams) -> Self {
        let mut c = sdk::CreateRefund::full(p.payment);
        c.amount = p.amount;
        c.reason = p.reason.map(Into::into);
        c.metadata = p.metadata.map(|m| m.into_iter().collect());
        c
    }
}

/// Parameters of the list calls. The filters apply to one resource each
/// (`status`: payments, `payment`: refunds, `eventType`: events); a filter
/// given to another resource's list is an `InvalidConfiguration` error.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ListParams {
    /// The page size, 1 to 100 (the server's default is 10).
    #[uniffi(default = None)]
    pub limit: Option<u32>,
    /// Objects older than this id (the previous page's `nextCursor`).
    #[uniffi(default = None)]
    pub starting_after: Option<String>,
    /// Objects newer than this id.
    #[uniffi(default = None)]
    pub ending_before: Option<String>,
    /// Only objects created at or after (Unix seconds).
    #[uniffi(default = None)]
    pub created_gte: Option<i64>,
    /// Only objects created before (Unix seconds).
    #[uniffi(default = None)]
    pub created_lt: Option<i64>,
    /// Payments only: this status.
    #[uniffi(default = None)]
    pub status: Option<PaymentStatus>,
    /// Refunds only: refunds of this payment.
    #[uniffi(default = None)]
    pub payment: Option<String>,
    /// Events only: this type.
    #[uniffi(default = None)]
    pub event_type: Option<String>,
}

/// Which list a [`ListParams`] is for (which filter it may carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListOf {
    Payments,
    Refunds,
    Events,
    Other,
}

impl ListParams {
    /// The SDK's parameters, refusing a filter that is not `of`'s.
    pub(crate) fn to_sdk(&self, of: ListOf) -> Result<sdk::ListParams, PaycoreError> {
        let refuse = |name: &str| {
            Err(PaycoreError::InvalidConfiguration {
                detail: format!("the `{name}` filter does not apply to this list"),
            })
        };
        let mut p = sdk::ListParams::new();
        p.limit = self.limit;
        p.starting_after = self.starting_after.clone();
        p.ending_before = self.ending_before.clone();
        if let Some(t) = self.created_gte {
            p = p.created_gte(t);
        }
        if let Some(t) = self.created_lt {
            p = p.created_lt(t);
        }
        if let Some(s) = self.status {
            if of != ListOf::Payments {
                return refuse("status");
            }
            p = p.status(s.into());
        }
        if let Some(id) = &self.payment {
            if of != ListOf::Refunds {
                return refuse("payment");
            }
            p = p.payment(id.clone());
        }
        if let Some(t) = &self.event_type {
            if of != ListOf::Events {
                return refuse("eventType");
            }
            p = p.event_type(t.clone());
        }
        Ok(p)
    }
}

/// Parameters of `createWebhookEndpoint`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CreateWebhookEndpointParams {
    /// An `http(s)` URL.
    pub url: String,
    /// Event types, or `["*"]`.
    pub enabled_events: Vec<String>,
    /// A description.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// Created disabled when `false`.
    #[uniffi(default = None)]
    pub enabled: Option<bool>,
    /// `V1` (default) or `V1a`.
    #[uniffi(default = None)]
    pub signature_algorithm: Option<SignatureAlgorithm>,
}

impl From<CreateWebhookEndpointParams> for sdk::CreateWebhookEndpoint {
    fn from(p: CreateWebhookEndpointParams) -> Self {
        let mut c = sdk::CreateWebhookEndpoint::new(p.url, p.enabled_events);
        c.description = p.description;
        c.enabled = p.enabled;
        c.signature_algorithm = p.signature_algorithm.map(Into::into);
        c
    }
}

/// Parameters of `updateWebhookEndpoint`: only the fields set change.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct UpdateWebhookEndpointParams {
    /// A new URL.
    #[uniffi(default = None)]
    pub url: Option<String>,
    /// New event types.
    #[uniffi(default = None)]
    pub enabled_events: Option<Vec<String>>,
    /// A new description.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// `true` re-enables, `false` disables.
    #[uniffi(default = None)]
    pub enabled: Option<bool>,
}

impl From<UpdateWebhookEndpointParams> for sdk::UpdateWebhookEndpoint {
    fn from(p: UpdateWebhookEndpointParams) -> Self {
        let mut u = sdk::UpdateWebhookEndpoint::new();
        u.url = p.url;
        u.enabled_events = p.enabled_events;
        u.description = p.description;
        u.enabled = p.enabled;
        u
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn endpoint_secret_is_wrapped_and_redacted() {
        let e: sdk::WebhookEndpoint = serde_json::from_value(serde_json::json!({
            "id": "we_1", "object": "webhook_endpoint", "url": "https://example.com/h",
            "enabled_events": ["*"], "description": null, "status": "disabled",
            "disabled_reason": "gone", "signature_algorithm": "v1",
            "secret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "public_key": null,
            "previous_secret_expires": 7, "created": 1
        }))
        .unwrap();
        let e = WebhookEndpoint::from(e);
        let dbg = format!("{e:?}");
        assert!(!dbg.contains("whsec_"), "{dbg}");
        assert!(dbg.contains("[REDACTED]"), "{dbg}");
        assert_eq!(
            e.secret.as_ref().unwrap().reveal(),
            "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="
        );
        assert_eq!(e.status, EndpointStatus::Disabled);
        assert_eq!(e.disabled_reason, Some(DisabledReason::Gone));
        assert_eq!(e.previous_secret_expires, Some(7));
    }

    #[test]
    fn unknown_enum_values_map_to_unknown() {
        let p: sdk::PaymentStatus =
            serde_json::from_value(serde_json::json!("teleported")).unwrap();
        assert_eq!(PaymentStatus::from(p), PaymentStatus::Unknown);
        assert_eq!(
            sdk::SignatureAlgorithm::from(SignatureAlgorithm::V1a),
            sdk::SignatureAlgorithm::V1a
        );
    }

    #[test]
    fn events_are_typed_by_prefix_and_keep_their_json() {
        let ev: sdk::Event = serde_json::from_value(serde_json::json!({
            "id": "evt_1", "object": "event", "type": "usage.threshold_reached", "created": 1,
            "data": {"object": {
                "object": "usage", "month": "2026-12", "volume": 800, "limit": 1000,
                "percentage": 80.0, "thresholds_reached": [80], "projected_volume": 1600,
                "overage_allowed": false, "plan": "sandbox", "threshold": 80
            }}
        }))
        .unwrap();
        let ev = Event::from(ev);
        match &ev.data {
            EventObject::Usage { usage } => {
                assert_eq!(usage.threshold, Some(80));
                assert_eq!(usage.volume, 800);
            }
            other => panic!("not usage: {other:?}"),
        }
        assert!(ev.data_json.contains("\"plan\":\"sandbox\""));
        let other: sdk::Event = serde_json::from_value(serde_json::json!({
            "id": "evt_2", "object": "event", "type": "payment.succeeded", "created": 1,
            "data": {"object": {"unexpected": true}}
        }))
        .unwrap();
        assert!(matches!(Event::from(other).data, EventObject::Other));
    }

    #[test]
    fn list_filters_belong_to_one_list() {
        let p = ListParams {
            limit: Some(5),
            event_type: Some("payment.succeeded".into()),
            ..ListParams::default()
        };
        assert!(p.to_sdk(ListOf::Events).is_ok());
        assert!(matches!(
            p.to_sdk(ListOf::Payments),
            Err(PaycoreError::InvalidConfiguration { .. })
        ));
    }

    #[test]
    fn attempt_and_usage_convert() {
        let a: sdk::WebhookAttempt = serde_json::from_value(serde_json::json!({
            "id": "wa_1", "object": "webhook_attempt", "event": "evt_1", "endpoint": "we_1",
            "webhook_id": "msg_1", "attempt": 2, "created": 3, "url": "https://example.com/h",
            "status_code": null, "duration_ms": 5000, "response_body": null,
            "error_kind": "timeout", "result": "failed"
        }))
        .unwrap();
        let a = WebhookAttempt::from(a);
        assert_eq!(a.result, AttemptResult::Failed);
        assert_eq!(a.error_kind.as_deref(), Some("timeout"));
        assert_eq!(a.status_code, None);
    }
}
