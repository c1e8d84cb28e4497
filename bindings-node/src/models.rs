//! The API's objects as plain JS objects (camelCase fields, TypeScript
//! interfaces in `index.d.ts`), converted from `paycore_sdk::models`, and
//! the request parameters converted the other way. Enum values cross as their
//! wire strings; an unknown one is a `TypeError` before anything is sent.

use std::collections::HashMap;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use paycore_sdk::models as m;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::invalid_arg;

/// The wire string of a serde enum value (`requires_action`, `v1a`, ...).
pub(crate) fn wire<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unknown".to_owned(),
    }
}

/// A wire string as a serde enum value; `allowed` lists the accepted values
/// (the SDK's enums take unknown values as `Unknown`, which must not be sent).
pub(crate) fn parse_wire<T: DeserializeOwned>(
    what: &str,
    value: &str,
    allowed: &[&str],
) -> std::result::Result<T, Error<String>> {
    if !allowed.contains(&value) {
        return Err(invalid_arg(format!(
            "{what} must be one of {}, got {value:?}",
            allowed.join(", ")
        )));
    }
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|e| invalid_arg(format!("{what}: {e}")))
}

fn metadata(map: std::collections::BTreeMap<String, String>) -> HashMap<String, String> {
    map.into_iter().collect()
}

/// The card of a payment (never the full number).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Card {
    /// `visa`, `mastercard`, ...
    pub brand: String,
    /// The last four digits.
    pub last4: String,
}

/// How a payment was paid.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PaymentMethodDetails {
    /// `card`.
    #[napi(js_name = "type")]
    pub kind: String,
    /// The card.
    pub card: Option<Card>,
}

/// The decline of a failed payment.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PaymentError {
    /// `card_error`.
    #[napi(js_name = "type")]
    pub kind: String,
    /// `card_declined`, `expired_card`, ...
    pub code: String,
    /// The issuer's decline code.
    pub decline_code: Option<String>,
    /// A message.
    pub message: Option<String>,
}

/// A payment.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Payment {
    /// `pay_...`.
    pub id: String,
    /// `payment`.
    pub object: String,
    /// In minor units.
    pub amount: i64,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// Decimal places of the currency.
    pub currency_exponent: Option<u32>,
    /// The state (`unknown` for a state this SDK does not know).
    #[napi(
        ts_type = "'requires_action' | 'requires_capture' | 'succeeded' | 'failed' | 'canceled' | 'unknown'"
    )]
    pub status: String,
    /// When the payment is captured.
    #[napi(ts_type = "'automatic' | 'manual' | 'unknown'")]
    pub capture_method: String,
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
    #[napi(
        ts_type = "'duplicate' | 'fraudulent' | 'requested_by_customer' | 'abandoned' | 'unknown'"
    )]
    pub cancellation_reason: Option<String>,
    /// Merchant data.
    pub metadata: HashMap<String, String>,
    /// The decline, for a failed payment.
    pub last_payment_error: Option<PaymentError>,
    /// Unix seconds.
    pub created: i64,
    /// Whether this is a live payment.
    pub livemode: bool,
}

impl From<m::Payment> for Payment {
    fn from(p: m::Payment) -> Self {
        Self {
            status: p.status.as_str().to_owned(),
            capture_method: wire(&p.capture_method),
            cancellation_reason: p.cancellation_reason.as_ref().map(wire),
            payment_method: PaymentMethodDetails {
                kind: p.payment_method.kind,
                card: p.payment_method.card.map(|c| Card {
                    brand: c.brand,
                    last4: c.last4,
                }),
            },
            last_payment_error: p.last_payment_error.map(|e| PaymentError {
                kind: e.kind,
                code: e.code,
                decline_code: e.decline_code,
                message: e.message,
            }),
            metadata: metadata(p.metadata),
            id: p.id,
            object: p.object,
            amount: p.amount,
            currency: p.currency,
            currency_exponent: p.currency_exponent,
            amount_capturable: p.amount_capturable,
            amount_captured: p.amount_captured,
            amount_refunded: p.amount_refunded,
            refunded: p.refunded,
            customer_email: p.customer_email,
            description: p.description,
            created: p.created,
            livemode: p.livemode,
        }
    }
}

/// A refund.
#[napi(object)]
#[derive(Debug, Clone)]
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
    #[napi(ts_type = "'duplicate' | 'fraudulent' | 'requested_by_customer' | 'unknown'")]
    pub reason: Option<String>,
    /// Merchant data.
    pub metadata: HashMap<String, String>,
    /// Unix seconds.
    pub created: i64,
}

impl From<m::Refund> for Refund {
    fn from(r: m::Refund) -> Self {
        Self {
            reason: r.reason.as_ref().map(wire),
            metadata: metadata(r.metadata),
            id: r.id,
            object: r.object,
            payment: r.payment,
            amount: r.amount,
            currency: r.currency,
            status: r.status,
            created: r.created,
        }
    }
}

/// An event's payload.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct EventData {
    /// The object as it was when the event happened (a payment, refund,
    /// usage or webhook endpoint, by the event type's prefix).
    #[napi(ts_type = "Record<string, unknown>")]
    pub object: serde_json::Value,
}

/// An event (also the body of a webhook delivery).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Event {
    /// `evt_...`.
    pub id: String,
    /// `event`.
    pub object: String,
    /// `payment.succeeded`, `refund.created`, ...
    #[napi(js_name = "type")]
    pub event_type: String,
    /// Unix seconds.
    pub created: i64,
    /// The object.
    pub data: EventData,
}

impl From<m::Event> for Event {
    fn from(e: m::Event) -> Self {
        Self {
            id: e.id,
            object: e.object,
            event_type: e.event_type,
            created: e.created,
            data: EventData {
                object: e.data.object,
            },
        }
    }
}

/// A webhook endpoint.
#[napi(object)]
#[derive(Clone)]
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
    #[napi(ts_type = "'enabled' | 'disabled' | 'unknown'")]
    pub status: String,
    /// Why it is disabled.
    #[napi(ts_type = "'manual' | 'gone' | 'failing' | 'unknown'")]
    pub disabled_reason: Option<String>,
    /// `v1` (HMAC) or `v1a` (ed25519).
    #[napi(ts_type = "'v1' | 'v1a' | 'unknown'")]
    pub signature_algorithm: String,
    /// The signing secret (`whsec_...`): only in the responses of create and
    /// rotateSecret, for `v1` endpoints.
    pub secret: Option<String>,
    /// The verifying key (`whpk_...`) of a `v1a` endpoint.
    pub public_key: Option<String>,
    /// While a rotated-out secret still signs deliveries: until when (Unix seconds).
    pub previous_secret_expires: Option<i64>,
    /// Unix seconds.
    pub created: i64,
}

impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl From<m::WebhookEndpoint> for WebhookEndpoint {
    fn from(w: m::WebhookEndpoint) -> Self {
        Self {
            status: wire(&w.status),
            disabled_reason: w.disabled_reason.as_ref().map(wire),
            signature_algorithm: wire(&w.signature_algorithm),
            id: w.id,
            object: w.object,
            url: w.url,
            enabled_events: w.enabled_events,
            description: w.description,
            secret: w.secret,
            public_key: w.public_key,
            previous_secret_expires: w.previous_secret_expires,
            created: w.created,
        }
    }
}

/// A deleted object's acknowledgement.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Deleted {
    /// The deleted object's id.
    pub id: String,
    /// Its type, e.g. `webhook_endpoint`.
    pub object: String,
    /// Always `true`.
    pub deleted: bool,
}

impl From<m::Deleted> for Deleted {
    fn from(d: m::Deleted) -> Self {
        Self {
            id: d.id,
            object: d.object,
            deleted: d.deleted,
        }
    }
}

/// One HTTP attempt to deliver one event to one endpoint.
#[napi(object)]
#[derive(Debug, Clone)]
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
    /// The receiver's status; `null` when there was no response.
    pub status_code: Option<u32>,
    /// How long it took.
    pub duration_ms: i64,
    /// The start of the receiver's body.
    pub response_body: Option<String>,
    /// `timeout`, `connect`, `http_status`, `refused_address`.
    pub error_kind: Option<String>,
    /// Succeeded or failed.
    #[napi(ts_type = "'succeeded' | 'failed' | 'unknown'")]
    pub result: String,
}

impl From<m::WebhookAttempt> for WebhookAttempt {
    fn from(a: m::WebhookAttempt) -> Self {
        Self {
            result: wire(&a.result),
            status_code: a.status_code.map(u32::from),
            duration_ms: i64::try_from(a.duration_ms).unwrap_or(i64::MAX),
            id: a.id,
            object: a.object,
            event: a.event,
            endpoint: a.endpoint,
            webhook_id: a.webhook_id,
            attempt: a.attempt,
            created: a.created,
            url: a.url,
            response_body: a.response_body,
            error_kind: a.error_kind,
        }
    }
}

/// What `events.redeliver` scheduled.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Redelivery {
    /// `redelivery`.
    pub object: String,
    /// The event's id.
    pub event: String,
    /// The endpoints a delivery was scheduled for.
    pub endpoints: Vec<String>,
}

impl From<m::Redelivery> for Redelivery {
    fn from(r: m::Redelivery) -> Self {
        Self {
            object: r.object,
            event: r.event,
            endpoints: r.endpoints,
        }
    }
}

/// The month's usage against the plan's volume limit.
#[napi(object)]
#[derive(Debug, Clone)]
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

impl From<m::Usage> for Usage {
    fn from(u: m::Usage) -> Self {
        Self {
            object: u.object,
            month: u.month,
            volume: u.volume,
            limit: u.limit,
            percentage: u.percentage,
            thresholds_reached: u.thresholds_reached,
            projected_volume: u.projected_volume,
            overage_allowed: u.overage_allowed,
            plan: u.plan,
        }
    }
}

/// One page of a list: a page of one object type (`PaymentPage`, ...).
macro_rules! page {
    ($name:ident, $item:ident, $doc:literal) => {
        #[doc = $doc]
        #[napi(object)]
        #[derive(Clone)]
        pub struct $name {
            /// `list`.
            pub object: String,
            /// The list's path.
            pub url: String,
            /// Whether more objects follow this page.
            pub has_more: bool,
            /// The objects, newest first.
            pub data: Vec<$item>,
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("url", &self.url)
                    .field("has_more", &self.has_more)
                    .field("len", &self.data.len())
                    .finish()
            }
        }

        impl From<m::List<m::$item>> for $name {
            fn from(l: m::List<m::$item>) -> Self {
                Self {
                    object: l.object,
                    url: l.url,
                    has_more: l.has_more,
                    data: l.data.into_iter().map($item::from).collect(),
                }
            }
        }
    };
}

page!(PaymentPage, Payment, "One page of payments.");
page!(RefundPage, Refund, "One page of refunds.");
page!(EventPage, Event, "One page of events.");
page!(
    WebhookEndpointPage,
    WebhookEndpoint,
    "One page of webhook endpoints."
);
page!(
    WebhookAttemptPage,
    WebhookAttempt,
    "One page of delivery attempts."
);

// ---- parameters ----

/// Parameters of `payments.create`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct CreatePaymentParams {
    /// In minor units, 1 to 99,999,999.
    pub amount: i64,
    /// ISO 4217 code, any case.
    pub currency: String,
    /// The card number (test cards in the sandbox).
    pub payment_method: String,
    /// `automatic` (default) or `manual`.
    #[napi(ts_type = "'automatic' | 'manual'")]
    pub capture_method: Option<String>,
    /// The customer's e-mail.
    pub customer_email: Option<String>,
    /// Up to 1000 characters.
    pub description: Option<String>,
    /// Up to 20 keys.
    pub metadata: Option<HashMap<String, String>>,
}

impl CreatePaymentParams {
    pub(crate) fn into_sdk(self) -> std::result::Result<m::CreatePayment, Error<String>> {
        let mut p = m::CreatePayment::new(self.amount, self.currency, self.payment_method);
        if let Some(c) = self.capture_method {
            p.capture_method = Some(parse_wire("captureMethod", &c, &["automatic", "manual"])?);
        }
        p.customer_email = self.customer_email;
        p.description = self.description;
        p.metadata = self.metadata.map(|m| m.into_iter().collect());
        Ok(p)
    }
}

/// Parameters of `payments.capture`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CapturePaymentParams {
    /// A partial capture; the whole amount when omitted.
    pub amount_to_capture: Option<i64>,
}

impl CapturePaymentParams {
    pub(crate) fn into_sdk(self) -> m::CapturePayment {
        match self.amount_to_capture {
            Some(a) => m::CapturePayment::partial(a),
            None => m::CapturePayment::full(),
        }
    }
}

/// Parameters of `payments.cancel`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CancelPaymentParams {
    /// Why.
    #[napi(ts_type = "'duplicate' | 'fraudulent' | 'requested_by_customer' | 'abandoned'")]
    pub cancellation_reason: Option<String>,
}

impl CancelPaymentParams {
    pub(crate) fn into_sdk(self) -> std::result::Result<m::CancelPayment, Error<String>> {
        Ok(match self.cancellation_reason {
            Some(r) => m::CancelPayment::reason(parse_wire(
                "cancellationReason",
                &r,
                &[
                    "duplicate",
                    "fraudulent",
                    "requested_by_customer",
                    "abandoned",
                ],
            )?),
            None => m::CancelPayment::default(),
        })
    }
}

/// Parameters of `refunds.create`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct CreateRefundParams {
    /// The payment's id.
    pub payment: String,
    /// A partial refund; the rest of the captured amount when omitted.
    pub amount: Option<i64>,
    /// Why.
    #[napi(ts_type = "'duplicate' | 'fraudulent' | 'requested_by_customer'")]
    pub reason: Option<String>,
    /// Merchant data.
    pub metadata: Option<HashMap<String, String>>,
}

impl CreateRefundParams {
    pub(crate) fn into_sdk(self) -> std::result::Result<m::CreateRefund, Error<String>> {
        let mut r = match self.amount {
            Some(a) => m::CreateRefund::partial(self.payment, a),
            None => m::CreateRefund::full(self.payment),
        };
        if let Some(reason) = self.reason {
            r = r.reason(parse_wire(
                "reason",
                &reason,
                &["duplicate", "fraudulent", "requested_by_customer"],
            )?);
        }
        r.metadata = self.metadata.map(|m| m.into_iter().collect());
        Ok(r)
    }
}

/// `created` bounds of a list, Unix seconds.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CreatedRange {
    /// After.
    pub gt: Option<i64>,
    /// At or after.
    pub gte: Option<i64>,
    /// Before.
    pub lt: Option<i64>,
    /// At or before.
    pub lte: Option<i64>,
}

/// Parameters of the list methods: page size, cursors, `created` bounds and
/// the list's filter (`status` for payments, `payment` for refunds, `type`
/// for events).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// The page size, 1 to 100 (the server's default is 10).
    pub limit: Option<u32>,
    /// Objects older than this id.
    pub starting_after: Option<String>,
    /// Objects newer than this id.
    pub ending_before: Option<String>,
    /// `created` bounds.
    pub created: Option<CreatedRange>,
    /// Payments only: only this status.
    #[napi(
        ts_type = "'requires_action' | 'requires_capture' | 'succeeded' | 'failed' | 'canceled'"
    )]
    pub status: Option<String>,
    /// Refunds only: only refunds of this payment.
    pub payment: Option<String>,
    /// Events only: only this type.
    #[napi(js_name = "type")]
    pub event_type: Option<String>,
}

impl ListParams {
    pub(crate) fn into_sdk(self) -> std::result::Result<m::ListParams, Error<String>> {
        let mut p = m::ListParams::new();
        p.limit = self.limit;
        p.starting_after = self.starting_after;
        p.ending_before = self.ending_before;
        if let Some(c) = self.created {
            for (name, v) in [
                ("created[gt]", c.gt),
                ("created[gte]", c.gte),
                ("created[lt]", c.lt),
                ("created[lte]", c.lte),
            ] {
                if let Some(v) = v {
                    p.created.push((name, v));
                }
            }
        }
        let filters = usize::from(self.status.is_some())
            + usize::from(self.payment.is_some())
            + usize::from(self.event_type.is_some());
        if filters > 1 {
            return Err(invalid_arg(
                "list params: give at most one of status, payment, type",
            ));
        }
        if let Some(s) = self.status {
            p = p.status(parse_wire(
                "status",
                &s,
                &[
                    "requires_action",
                    "requires_capture",
                    "succeeded",
                    "failed",
                    "canceled",
                ],
            )?);
        }
        if let Some(pay) = self.payment {
            p = p.payment(pay);
        }
        if let Some(t) = self.event_type {
            p = p.event_type(t);
        }
        Ok(p)
    }
}

/// Parameters of `webhookEndpoints.create`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct CreateWebhookEndpointParams {
    /// An `http(s)` URL.
    pub url: String,
    /// Event types, or `["*"]`.
    pub enabled_events: Vec<String>,
    /// A description.
    pub description: Option<String>,
    /// Created disabled when `false`.
    pub enabled: Option<bool>,
    /// `v1` (HMAC, default) or `v1a` (ed25519).
    #[napi(ts_type = "'v1' | 'v1a'")]
    pub signature_algorithm: Option<String>,
}

impl CreateWebhookEndpointParams {
    pub(crate) fn into_sdk(self) -> std::result::Result<m::CreateWebhookEndpoint, Error<String>> {
        let mut p = m::CreateWebhookEndpoint::new(self.url, self.enabled_events);
        p.description = self.description;
        p.enabled = self.enabled;
        if let Some(a) = self.signature_algorithm {
            p.signature_algorithm = Some(parse_wire("signatureAlgorithm", &a, &["v1", "v1a"])?);
        }
        Ok(p)
    }
}

/// Parameters of `webhookEndpoints.update`: only the fields given change.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct UpdateWebhookEndpointParams {
    /// A new URL.
    pub url: Option<String>,
    /// New event types.
    pub enabled_events: Option<Vec<String>>,
    /// A new description.
    pub description: Option<String>,
    /// `true` re-enables, `false` disables.
    pub enabled: Option<bool>,
}

impl UpdateWebhookEndpointParams {
    pub(crate) fn into_sdk(self) -> m::UpdateWebhookEndpoint {
        let mut p = m::UpdateWebhookEndpoint::new();
        p.url = self.url;
        p.enabled_events = self.enabled_events;
        p.description = self.description;
        p.enabled = self.enabled;
        p
    }
}

/// Parameters of `webhookEndpoints.rotateSecret`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RotateSecretParams {
    /// How long the old secret keeps signing, seconds (server default 86,400).
    pub expires_in: Option<u32>,
}

/// Parameters of `events.redeliver`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RedeliverParams {
    /// Only this endpoint (default: every enabled endpoint the event matches).
    pub endpoint: Option<String>,
}
