//! `paycore::webhook`: the verifier and the signer.

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use paycore::webhook::{Options, Scheme, WebhookError, WebhookSigner, WebhookVerifier};

use crate::{flat_pairs, invalid_arg, native_error};

fn webhook_error(e: &WebhookError) -> Error<String> {
    native_error("webhook", e.code(), &e.reason(), e)
}

fn parse_scheme(name: &str) -> std::result::Result<Scheme, Error<String>> {
    name.parse::<Scheme>().map_err(|e| webhook_error(&e))
}

/// The most header values `verifyWebhookJoined` takes.
pub const MAX_POSITIONAL: usize = 6;

/// A webhook verifier, built once (secrets parsed, HMAC states precomputed).
#[napi]
#[derive(Debug)]
pub struct NativeWebhook {
    verifier: WebhookVerifier,
}

#[napi]
impl NativeWebhook {
    /// `tolerance_seconds`: the timestamp window either way (default 300);
    /// `ignore_timestamp`: skip the window (replays of stored deliveries).
    #[napi(constructor)]
    pub fn new(
        scheme: String,
        secrets: Vec<String>,
        tolerance_seconds: Option<f64>,
        ignore_timestamp: Option<bool>,
    ) -> std::result::Result<Self, Error<String>> {
        let scheme = parse_scheme(&scheme)?;
        let mut options = Options::default();
        if let Some(t) = tolerance_seconds {
            if !(t.is_finite() && t >= 0.0) {
                return Err(invalid_arg(
                    "tolerance must be a finite, non-negative number of seconds",
                ));
            }
            options = options.with_tolerance(Duration::from_secs_f64(t));
        }
        if let Some(ignore) = ignore_timestamp {
            options = options.with_ignore_timestamp(ignore);
        }
        let verifier =
            WebhookVerifier::new(scheme, &secrets, options).map_err(|e| webhook_error(&e))?;
        Ok(NativeWebhook { verifier })
    }

    /// The scheme's stable name (`standard`, `stripe`, ...).
    #[napi(getter)]
    pub fn scheme(&self) -> &'static str {
        self.verifier.scheme().as_str()
    }

    /// The tolerance in whole seconds.
    #[napi(getter)]
    pub fn tolerance_seconds(&self) -> f64 {
        // Whole seconds of a Duration built from an f64 fit an f64.
        #[allow(clippy::cast_precision_loss, reason = "seconds from an f64 input")]
        let secs = self.verifier.options().tolerance.as_secs() as f64;
        secs
    }

    /// Whether the timestamp window is off.
    #[napi(getter)]
    pub fn ignore_timestamp(&self) -> bool {
        self.verifier.options().ignore_timestamp
    }

    /// The lower-case names of the headers this scheme reads.
    #[napi(getter)]
    pub fn header_names(&self) -> Vec<&'static str> {
        self.verifier.scheme().header_names().to_vec()
    }

    /// Verifies `body` (borrowed) against `headers` (`[name, value, ...]`)
    /// at `now` (Unix seconds). Returns nothing; throws on rejection.
    #[napi]
    pub fn verify(
        &self,
        body: &[u8],
        headers: Vec<String>,
        now: i64,
    ) -> std::result::Result<(), Error<String>> {
        let pairs = flat_pairs(&headers);
        self.verifier
            .verify(body, &pairs, now)
            .map(|_| ())
            .map_err(|e| webhook_error(&e))
    }

    /// The verifier as an external handle, for [`verify_webhook_joined`]
    /// (a free function is called with a fraction of a method's overhead).
    #[napi(ts_return_type = "ExternalObject<'WebhookVerifier'>")]
    pub fn handle(&self) -> External<WebhookVerifier> {
        External::new(self.verifier.clone())
    }

    /// Whether `verifyWebhookJoined` covers every header name of the scheme.
    #[napi(getter)]
    pub fn positional(&self) -> bool {
        self.verifier.scheme().header_names().len() <= MAX_POSITIONAL
    }

    /// Like `verify`, and returns what the verification established.
    #[napi]
    pub fn verify_details(
        &self,
        body: &[u8],
        headers: Vec<String>,
        now: i64,
    ) -> std::result::Result<VerifiedDelivery, Error<String>> {
        let pairs = flat_pairs(&headers);
        let v = self
            .verifier
            .verify(body, &pairs, now)
            .map_err(|e| webhook_error(&e))?;
        Ok(VerifiedDelivery {
            scheme: v.scheme.as_str().to_owned(),
            signature_header: v.signature_header.to_owned(),
            msg_id: v.msg_id.map(str::to_owned),
            timestamp: v.timestamp,
        })
    }
}

/// What a successful verification established.
#[napi(object)]
#[derive(Debug)]
pub struct VerifiedDelivery {
    /// The scheme's stable name.
    pub scheme: String,
    /// The lower-case name of the header that carried the matching signature.
    pub signature_header: String,
    /// The signed message id (Standard Webhooks).
    pub msg_id: Option<String>,
    /// The signed timestamp, Unix seconds (Standard Webhooks, Stripe).
    pub timestamp: Option<i64>,
}

/// Signs webhook deliveries (for senders and tests).
#[napi]
#[derive(Debug)]
pub struct NativeWebhookSigner {
    signer: WebhookSigner,
}

#[napi]
impl NativeWebhookSigner {
    /// A signer for `scheme` with `secrets`.
    #[napi(constructor)]
    pub fn new(scheme: String, secrets: Vec<String>) -> std::result::Result<Self, Error<String>> {
        let scheme = parse_scheme(&scheme)?;
        let signer = WebhookSigner::new(scheme, &secrets).map_err(|e| webhook_error(&e))?;
        Ok(NativeWebhookSigner { signer })
    }

    /// The headers to send, as `[name, value, ...]`.
    #[napi]
    pub fn sign(
        &self,
        msg_id: String,
        timestamp: i64,
        body: &[u8],
    ) -> std::result::Result<Vec<String>, Error<String>> {
        let pairs = self
            .signer
            .sign(&msg_id, timestamp, body)
            .map_err(|e| webhook_error(&e))?;
        Ok(pairs.into_iter().flat_map(|(n, v)| [n, v]).collect())
    }
}

/// The stable names of every scheme.
#[napi]
pub fn webhook_schemes() -> Vec<&'static str> {
    Scheme::ALL.iter().map(|s| s.as_str()).collect()
}

/// The hot path of `Webhook.verify`: the verifier's [`NativeWebhook::handle`]
/// and the values of its scheme's `headerNames`, in order, joined by NUL
/// characters into one string (bit `i` of `present` set when the `i`th has a
/// value; an absent one is an empty part). A free function with one string
/// argument: a class method costs ~0.4 us more per call in napi-rs, and each
/// string argument a conversion. Values holding a NUL, several values for
/// one name, or more than [`MAX_POSITIONAL`] names take `verify`.
#[napi(
    ts_args_type = "handle: ExternalObject<'WebhookVerifier'>, body: Uint8Array, now: number, present: number, joined: string"
)]
pub fn verify_webhook_joined(
    handle: &External<WebhookVerifier>,
    body: &[u8],
    now: i64,
    present: u32,
    joined: String,
) -> std::result::Result<(), Error<String>> {
    let names = handle.scheme().header_names();
    let mut pairs: [(&str, &str); MAX_POSITIONAL] = [("", ""); MAX_POSITIONAL];
    let mut n = 0;
    let mut parts = joined.split('\0');
    for (i, name) in names.iter().enumerate() {
        let part = parts.next().unwrap_or("");
        if present & (1 << i) != 0
            && let Some(slot) = pairs.get_mut(n)
        {
            *slot = (name, part);
            n += 1;
        }
    }
    let pairs = pairs.get(..n).unwrap_or(&[]);
    handle
        .verify(body, pairs, now)
        .map(|_| ())
        .map_err(|e| webhook_error(&e))
}
