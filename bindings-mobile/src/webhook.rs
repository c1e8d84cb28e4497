//! [`Webhook`]: verification and signing of webhook deliveries, over
//! [`paycore::webhook`].

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use paycore::webhook::{Options, Scheme, WebhookError, WebhookSigner, WebhookVerifier};

use crate::error::PaycoreError;
use crate::now_or_clock;

/// Verifies (and signs) webhook deliveries of one scheme.
///
/// Built once, then shared across threads: the secrets are parsed and the
/// HMAC states precomputed by the constructor. `toString()` / `Debug` print
/// the scheme only, never a secret.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Webhook {
    verifier: WebhookVerifier,
    /// `Err` when these secrets cannot sign (a `whpk_` public key, several
    /// secrets for a one-signature scheme): `sign` returns that error.
    signer: Result<WebhookSigner, WebhookError>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("scheme", &self.verifier.scheme().as_str())
            .field(
                "tolerance_seconds",
                &self.verifier.options().tolerance.as_secs(),
            )
            .field(
                "ignore_timestamp",
                &self.verifier.options().ignore_timestamp,
            )
            .field("secrets", &"[REDACTED]")
            .finish()
    }
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedWebhook {
    /// The scheme's name (`standard`, `stripe`, `github`, `shopify`, `razorpay`).
    pub scheme: String,
    /// The lower-case name of the header that carried the matching signature
    /// (`webhook-signature`, `svix-signature`, `stripe-signature`, ...).
    pub signature_header: String,
    /// The signed message id (Standard Webhooks only): drop duplicates by it.
    pub msg_id: Option<String>,
    /// The signed timestamp, Unix seconds (Standard Webhooks and Stripe).
    pub timestamp: Option<i64>,
}

#[uniffi::export]
impl Webhook {
    /// A verifier of `scheme` (`standard`, `svix`, `stripe`, `github`,
    /// `shopify`, `razorpay`) accepting a signature by any of `secrets`
    /// (several during a rotation). Timestamps must lie within
    /// `now ± tolerance_seconds`, unless `ignore_timestamp`.
    #[uniffi::constructor]
    pub fn new(
        scheme: String,
        secrets: Vec<String>,
        tolerance_seconds: u64,
        ignore_timestamp: bool,
    ) -> Result<Self, PaycoreError> {
        let scheme: Scheme = scheme.parse::<Scheme>()?;
        let options = Options::default()
            .with_tolerance(Duration::from_secs(tolerance_seconds))
            .with_ignore_timestamp(ignore_timestamp);
        Ok(Webhook {
            verifier: WebhookVerifier::new(scheme, &secrets, options)?,
            signer: WebhookSigner::new(scheme, &secrets),
        })
    }

    /// The scheme's name.
    pub fn scheme(&self) -> String {
        self.verifier.scheme().as_str().to_owned()
    }

    /// Verifies a delivery and returns its body. `body` is the raw request
    /// body as received; header names match case-insensitively; `now` is
    /// Unix seconds (`null` / `nil`: the system clock).
    pub fn verify(
        &self,
        body: Vec<u8>,
        headers: HashMap<String, String>,
        now: Option<i64>,
    ) -> Result<Vec<u8>, PaycoreError> {
        self.verifier.verify(&body, &headers, now_or_clock(now))?;
        Ok(body)
    }

    /// Verifies a delivery and says what was established (scheme, signature
    /// header, message id, timestamp).
    pub fn verify_details(
        &self,
        body: Vec<u8>,
        headers: HashMap<String, String>,
        now: Option<i64>,
    ) -> Result<VerifiedWebhook, PaycoreError> {
        let v = self.verifier.verify(&body, &headers, now_or_clock(now))?;
        Ok(VerifiedWebhook {
            scheme: v.scheme.as_str().to_owned(),
            signature_header: v.signature_header.to_owned(),
            msg_id: v.msg_id.map(str::to_owned),
            timestamp: v.timestamp,
        })
    }

    /// The headers to send with `body`, by lower-case name. `msg_id` is used
    /// by Standard Webhooks only, `timestamp` (Unix seconds; `null` / `nil`:
    /// the system clock) by Standard Webhooks and Stripe.
    pub fn sign(
        &self,
        msg_id: String,
        timestamp: Option<i64>,
        body: Vec<u8>,
    ) -> Result<HashMap<String, String>, PaycoreError> {
        let signer = self.signer.as_ref().map_err(|e| e.clone())?;
        let pairs = signer.sign(&msg_id, now_or_clock(timestamp), &body)?;
        Ok(pairs
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn round_trip_and_redaction() {
        let w = Webhook::new("standard".into(), vec![SECRET.into()], 300, false).unwrap();
        let headers = w
            .sign("msg_1".into(), Some(1_700_000_000), b"{}".to_vec())
            .unwrap();
        let body = w
            .verify(b"{}".to_vec(), headers.clone(), Some(1_700_000_010))
            .unwrap();
        assert_eq!(body, b"{}");
        let e = w
            .verify(b"{ }".to_vec(), headers, Some(1_700_000_010))
            .unwrap_err();
        assert!(
            matches!(e, PaycoreError::Webhook { ref code, .. } if code == "no_matching_signature")
        );
        let debug = format!("{w:?}");
        assert!(!debug.contains("MfKQ9r8"), "{debug}");
    }

    #[test]
    fn extreme_times_do_not_panic() {
        for (tolerance, ignore) in [(u64::MAX, false), (0, false), (0, true)] {
            let w = Webhook::new("stripe".into(), vec!["sk".into()], tolerance, ignore).unwrap();
            for t in [i64::MIN, -1, 0, i64::MAX] {
                let headers = w.sign(String::new(), Some(t), Vec::new()).unwrap();
                for now in [i64::MIN, 0, i64::MAX] {
                    let _ = w.verify(Vec::new(), headers.clone(), Some(now));
                }
            }
        }
    }

    #[test]
    fn unknown_scheme_is_typed() {
        let e = Webhook::new("nope".into(), vec![SECRET.into()], 300, false).unwrap_err();
        assert!(matches!(e, PaycoreError::Webhook { ref code, .. } if code == "unknown_scheme"));
    }
}
