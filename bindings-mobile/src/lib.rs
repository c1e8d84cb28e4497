//! # paycore-mobile
//!
//! The uniffi bindings of [`paycore`] for Kotlin (Android and the JVM) and
//! Swift (iOS and macOS). Thin by rule: this crate converts plain records to
//! the core's inputs and back, maps the core's errors to one public error
//! enum ([`PaycoreError`], in [`error`]), and does nothing else; every
//! decision is the core's, so every language decides the same way.
//!
//! What is exposed:
//!
//! * [`Client`]: the API client, wrapping [`paycore_sdk::Client`] (payments,
//!   refunds, events, webhook endpoints, usage) with async methods (Kotlin
//!   `suspend`, Swift `async`), records for the objects, one page + cursor
//!   per `list*` call and an iterator object per `listAll*` call (the SDK's
//!   auto-pagination). Its errors are [`PaycoreError`] variants, one per
//!   SDK error kind.
//! * [`Webhook`]: built once from a scheme name, the active secrets and a
//!   tolerance; `verify(body, headers, now)` returns the body, `verify_details`
//!   what was established, `sign` the headers of a delivery.
//! * [`sign_request`] with a [`RequestSigningKey`] (HMAC-SHA256 or ed25519):
//!   the paycore RFC 9421 profile; [`content_digest`] and
//!   [`check_content_digest`]: RFC 9530 `Content-Digest`.
//! * [`verify_request`] with [`RequestVerificationKey`]s and a
//!   [`NonceStore`], [`signature_base_of`] and the `Signature` /
//!   `Signature-Input` parsers: the verifying side (what a server does).
//! * [`MemoryRateLimiter`] (GCRA) and [`render_rate_limit_headers`]: the
//!   server side of rate limiting.
//! * [`RetryPolicy`]: the retry decision ([`paycore::retry::decide`]) and the
//!   client-wide retry budget; [`parse_rate_limit`]: the rate-limit headers of
//!   a response.
//!
//! `now` is Unix seconds; when a binding passes `null` / `nil`, the system
//! clock is read here (the core itself reads no clock). Secrets never appear
//! in `toString()` / `description` / `Debug`, nor in error messages.
//!
//! Nothing here panics across the FFI boundary: every conversion that can
//! fail (an out-of-range status, an unknown code) returns a typed error.

// uniffi lowers an error by value into a foreign exception: the variants
// carry the call's metadata, and boxing them is not expressible across FFI.
#![allow(
    clippy::result_large_err,
    reason = "uniffi errors cross the FFI by value"
)]

mod client;
mod digest;
pub mod error;
mod models;
mod ratelimit;
mod retry;
mod signing;
mod verify;
mod webhook;

pub use client::{
    Client, EventIterator, PaymentIterator, RefundIterator, WebhookAttemptIterator,
    WebhookEndpointIterator,
};
pub use digest::{check_content_digest, content_digest};
pub use error::PaycoreError;
pub use models::{
    AttemptResult, CancellationReason, CaptureMethod, Card, CreatePaymentParams,
    CreateRefundParams, CreateWebhookEndpointParams, Deleted, DisabledReason, EndpointStatus,
    Event, EventObject, EventPage, ListParams, Payment, PaymentError, PaymentMethodDetails,
    PaymentPage, PaymentStatus, Redelivery, Refund, RefundPage, RefundReason, RequestOptions,
    ResponseMeta, SecretValue, SignatureAlgorithm, UpdateWebhookEndpointParams, Usage,
    WebhookAttempt, WebhookAttemptPage, WebhookEndpoint, WebhookEndpointPage,
};
pub use ratelimit::{
    MemoryRateLimiter, QuotaPolicy, RateLimitDecision, RateLimitInfo, ServiceLimit,
    parse_rate_limit, render_rate_limit_headers,
};
pub use retry::{
    BudgetSettings, HttpFailure, RetryDecision, RetryInput, RetryPolicy, RetrySettings,
    TransportFailure, backoff_ceiling_ms, retry_settings_standard, transport_failure_from_code,
};
pub use signing::{RequestSigningKey, SignedRequest, sign_request};
pub use verify::{
    NonceStore, RequestVerificationKey, SignatureMember, VerifiedRequest, parse_signature_header,
    parse_signature_input_labels, signature_base_of, verify_request,
};
pub use webhook::{VerifiedWebhook, Webhook};

uniffi::setup_scaffolding!("paycore");

/// One header field. A list of them keeps repeated fields and their order,
/// which a map cannot.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HeaderField {
    /// The field name (any case).
    pub name: String,
    /// The field value.
    pub value: String,
}

impl HeaderField {
    /// The fields as `(name, value)` pairs, which the core reads as headers.
    pub(crate) fn pairs(fields: &[HeaderField]) -> Vec<(&str, &str)> {
        fields
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_str()))
            .collect()
    }
}

/// `now` as given, or the system clock's Unix seconds when `None`. A clock
/// before 1970 reads as a negative number; one past `i64` seconds saturates.
pub(crate) fn now_or_clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(|| {
        use std::time::{SystemTime, UNIX_EPOCH};
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    })
}
