//! Verifying webhook deliveries and reading them as typed [`Event`]s.
//!
//! Deliveries are signed with Standard Webhooks (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature`); the body is an [`Event`], the
//! same object `GET /v1/events/{id}` returns. Verification is the core's
//! ([`paycore::webhook`]): raw body bytes, a list of secrets (rotation), a
//! ±300 s timestamp window.
//!
//! ```
//! use paycore::webhook::{Scheme, WebhookSigner};
//! use paycore_sdk::webhooks;
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let body = br#"{"id":"evt_1","object":"event","type":"refund.created","created":1700000000,
//!   "data":{"object":{"id":"re_1","object":"refund","payment":"pay_1","amount":500,
//!   "currency":"usd","status":"succeeded","reason":null,"metadata":{},"created":1700000000}}}"#;
//! let now = 1_700_000_000;
//! let headers = WebhookSigner::new(Scheme::StandardWebhooks, &[secret])?.sign("msg_1", now, body)?;
//!
//! let event = webhooks::construct_event_at(body, &headers, &[secret], now).unwrap();
//! assert_eq!(event.event_type, "refund.created");
//! assert!(matches!(event.object(), Ok(paycore_sdk::EventObject::Refund(r)) if r.amount == 500));
//!
//! let err = webhooks::construct_event_at(b"{}", &headers, &[secret], now).unwrap_err();
//! assert_eq!(err.code(), "no_matching_signature");
//! # Ok::<(), paycore::webhook::WebhookError>(())
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use paycore::Headers;
use paycore::webhook::{Options, Scheme, WebhookError, WebhookVerifier};

use crate::models::Event;

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookEventError {
    /// The signature, timestamp, headers or secrets were refused by the core.
    #[error(transparent)]
    Verification(#[from] WebhookError),
    /// The signature is valid but the body is not an event.
    #[error("the delivery's body is not an event: {0}")]
    InvalidPayload(String),
}

impl WebhookEventError {
    /// The core's reason code (`no_matching_signature`, `timestamp_too_old`,
    /// ...) or `invalid_payload`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Verification(e) => e.code(),
            Self::InvalidPayload(_) => "invalid_payload",
        }
    }
}

/// Verifies a delivery with any of `secrets` (`whsec_...`) against the
/// current time and parses its body.
pub fn construct_event<H: Headers + ?Sized, S: AsRef<str>>(
    body: &[u8],
    headers: &H,
    secrets: &[S],
) -> Result<Event, WebhookEventError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    construct_event_at(body, headers, secrets, now)
}

/// [`construct_event`] at `now` (Unix seconds).
pub fn construct_event_at<H: Headers + ?Sized, S: AsRef<str>>(
    body: &[u8],
    headers: &H,
    secrets: &[S],
    now: i64,
) -> Result<Event, WebhookEventError> {
    WebhookReceiver::new(secrets)?.construct_event_at(body, headers, now)
}

/// A verifier built once (secrets parsed, HMAC states precomputed) for a
/// receiver handling many deliveries.
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    verifier: WebhookVerifier,
}

impl WebhookReceiver {
    /// A receiver accepting a signature by any of `secrets`.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Result<Self, WebhookEventError> {
        Ok(Self {
            verifier: WebhookVerifier::new(Scheme::StandardWebhooks, secrets, Options::default())?,
        })
    }

    /// Verifies and parses a delivery at `now` (Unix seconds).
    pub fn construct_event_at<H: Headers + ?Sized>(
        &self,
        body: &[u8],
        headers: &H,
        now: i64,
    ) -> Result<Event, WebhookEventError> {
        self.verifier.verify(body, headers, now)?;
        serde_json::from_slice(body).map_err(|e| WebhookEventError::InvalidPayload(e.to_string()))
    }
}
