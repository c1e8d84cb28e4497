//! The verifying side of the paycore RFC 9421 profile, over
//! [`paycore::signing`]: [`verify_request`] with [`RequestVerificationKey`]s
//! and a [`NonceStore`], and the RFC's building blocks
//! ([`signature_base_of`], [`parse_signature_header`],
//! [`parse_signature_input_labels`]). A server verifies requests; Kotlin and
//! Swift apps rarely do, but these make every signing vector run through the
//! bindings (and serve a JVM service receiving signed requests).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use paycore::signing::{
    self as core, HttpMessage, MemoryNonceStore, Request, RequestUrl, VerificationKey, VerifyError,
    VerifyFailure, VerifyPolicy,
};

use crate::error::PaycoreError;
use crate::{HeaderField, now_or_clock};

impl From<VerifyFailure> for PaycoreError {
    fn from(f: VerifyFailure) -> Self {
        PaycoreError::Verification {
            code: f.code().to_owned(),
            signature_base: f.signature_base().map(str::to_owned),
            detail: f.to_string(),
        }
    }
}

impl From<VerifyError> for PaycoreError {
    fn from(e: VerifyError) -> Self {
        PaycoreError::Verification {
            code: e.code().to_owned(),
            signature_base: None,
            detail: e.to_string(),
        }
    }
}

/// A key that verifies signed requests: an HMAC-SHA256 shared secret or an
/// ed25519 public key. `toString()` prints the algorithm only.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RequestVerificationKey {
    key: VerificationKey,
}

impl fmt::Debug for RequestVerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // VerificationKey's Debug redacts an HMAC secret.
        write!(f, "RequestVerificationKey({:?})", self.key)
    }
}

#[uniffi::export]
impl RequestVerificationKey {
    /// An HMAC-SHA256 key from the raw secret bytes.
    #[uniffi::constructor]
    pub fn hmac(secret: Vec<u8>) -> Result<Self, PaycoreError> {
        Ok(RequestVerificationKey {
            key: VerificationKey::hmac(&secret)?,
        })
    }

    /// An ed25519 key from its 32-byte public key.
    #[uniffi::constructor]
    pub fn ed25519(public_key: Vec<u8>) -> Result<Self, PaycoreError> {
        Ok(RequestVerificationKey {
            key: VerificationKey::ed25519(&public_key)?,
        })
    }

    /// The algorithm name (`hmac-sha256`, `ed25519`).
    pub fn algorithm(&self) -> String {
        self.key.algorithm().name().to_owned()
    }

    /// Whether `signature` is this key's signature of `signature_base` (in
    /// constant time for HMAC).
    pub fn verify(&self, signature_base: Vec<u8>, signature: Vec<u8>) -> bool {
        self.key.verify(&signature_base, &signature)
    }
}

/// A bounded in-memory store of the nonces seen (replay protection for one
/// process): a nonce is refused while its signature is within the window.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct NonceStore {
    store: MemoryNonceStore,
}

impl fmt::Debug for NonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NonceStore({:?})", self.store)
    }
}

#[uniffi::export]
impl NonceStore {
    /// A store holding at most `capacity` unexpired nonces (when full, new
    /// nonces are refused rather than live ones forgotten).
    #[uniffi::constructor]
    pub fn new(capacity: u32) -> Arc<Self> {
        Arc::new(NonceStore {
            store: MemoryNonceStore::new(capacity as usize),
        })
    }

    /// Unexpired nonces held.
    pub fn len(&self) -> u32 {
        u32::try_from(self.store.len()).unwrap_or(u32::MAX)
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }
}

/// What a verified request established.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedRequest {
    /// The `keyid` that signed.
    pub key_id: String,
    /// Which of that key id's keys verified (rotation: 0 is the first).
    pub key_index: u32,
    /// `hmac-sha256` or `ed25519`.
    pub algorithm: String,
    /// The signature's label.
    pub label: String,
    /// `created`, Unix seconds.
    pub created: i64,
    /// The nonce.
    pub nonce: String,
    /// Until when the nonce is remembered (Unix seconds).
    pub nonce_expires_at: i64,
    /// The covered components' identifiers (`"@method"`, ...).
    pub components: Vec<String>,
    /// The signature base that verified.
    pub signature_base: String,
}

/// Verifies a signed request under the paycore profile: picks the
/// signature (`label`, or the profile's), checks the covered components,
/// `Content-Digest`, the window (`window_seconds`, default 300), the key
/// (`keys`: key id -> its keys, in rotation order), the signature, then
/// records the nonce in `nonces`. A refusal is a `Verification` error with
/// the core's code and, when it got that far, the signature base.
#[uniffi::export(default(now = None, window_seconds = None, label = None))]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per part of the request, as sign_request"
)]
pub fn verify_request(
    method: String,
    url: String,
    headers: Vec<HeaderField>,
    body: Vec<u8>,
    keys: HashMap<String, Vec<Arc<RequestVerificationKey>>>,
    nonces: Arc<NonceStore>,
    now: Option<i64>,
    window_seconds: Option<u64>,
    label: Option<String>,
) -> Result<VerifiedRequest, PaycoreError> {
    let pairs = HeaderField::pairs(&headers);
    let req = Request::new(&method, &url, &pairs, &body);
    let lookup: HashMap<String, Vec<VerificationKey>> = keys
        .into_iter()
        .map(|(id, ks)| (id, ks.iter().map(|k| k.key.clone()).collect()))
        .collect();
    let mut policy = VerifyPolicy::default();
    if let Some(w) = window_seconds {
        policy = policy.with_window(Duration::from_secs(w));
    }
    if let Some(l) = label {
        policy = policy.with_label(l);
    }
    let now = now_or_clock(now);
    let v = core::verify_request(&req, &lookup, now, &policy, &nonces.store)?;
    Ok(VerifiedRequest {
        key_id: v.key_id().to_owned(),
        key_index: u32::try_from(v.key_index()).unwrap_or(u32::MAX),
        algorithm: v.algorithm().name().to_owned(),
        label: v.label().to_owned(),
        created: v.created(),
        nonce: v.nonce().to_owned(),
        nonce_expires_at: v.expires_at(),
        components: v
            .components()
            .iter()
            .map(|c| c.identifier().to_owned())
            .collect(),
        signature_base: v.signature_base().to_owned(),
    })
}

/// One member of a `Signature` field.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureMember {
    /// The label (`sig1`).
    pub label: String,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Parses a `Signature` field value (RFC 9421 §4.2), members in order. A
/// malformed value is a `Verification` error (`malformed_header`).
#[uniffi::export]
pub fn parse_signature_header(value: String) -> Result<Vec<SignatureMember>, PaycoreError> {
    Ok(core::parse_signature(&value)?
        .into_iter()
        .map(|(label, signature)| SignatureMember { label, signature })
        .collect())
}

/// The labels of a `Signature-Input` field value (RFC 9421 §4.1), in order.
#[uniffi::export]
pub fn parse_signature_input_labels(value: String) -> Result<Vec<String>, PaycoreError> {
    Ok(core::parse_signature_input(&value)?
        .into_iter()
        .map(|(label, _)| label)
        .collect())
}

/// The RFC 9421 signature base of a message under a `Signature-Input`
/// value with exactly one member: of a request (`method` and absolute `url`
/// given, `status` null) or of a response (`status` given, `method` and
/// `url` null). Any RFC 9421 component list and parameters, not only the
/// profile's. Errors: `Verification` (`malformed_header`) for the input,
/// `Signing` for a component the message cannot supply, `InvalidArgument`
/// for a bad combination.
#[uniffi::export]
pub fn signature_base_of(
    signature_input: String,
    method: Option<String>,
    url: Option<String>,
    status: Option<u16>,
    headers: Vec<HeaderField>,
) -> Result<String, PaycoreError> {
    let inputs = core::parse_signature_input(&signature_input)?;
    let [(_, params)] = inputs.as_slice() else {
        return Err(PaycoreError::invalid(
            "one_signature_expected",
            format!(
                "the Signature-Input has {} members, expected one",
                inputs.len()
            ),
        ));
    };
    let pairs = HeaderField::pairs(&headers);
    let base = match (method, url, status) {
        (Some(m), Some(u), None) => {
            let url = RequestUrl::parse(&u).map_err(|e| PaycoreError::Signing {
                code: e.code().to_owned(),
                detail: e.to_string(),
            })?;
            core::signature_base(&HttpMessage::request(&m, &url, &pairs), params)
        }
        (None, None, Some(s)) => core::signature_base(&HttpMessage::response(s, &pairs), params),
        _ => {
            return Err(PaycoreError::invalid(
                "invalid_message",
                "give method and url (a request) or status (a response)",
            ));
        }
    };
    base.map_err(|e| PaycoreError::Signing {
        code: e.code().to_owned(),
        detail: e.to_string(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn signed_request_verifies_once() {
        let sk =
            crate::RequestSigningKey::hmac(b"0123456789abcdef0123456789abcdef".to_vec()).unwrap();
        let headers = vec![HeaderField {
            name: "Content-Type".into(),
            value: "application/json".into(),
        }];
        let url = "https://api.paycore.test/v1/payments";
        let body = b"{\"amount\":1}".to_vec();
        let s = crate::sign_request(
            "POST".into(),
            url.into(),
            headers.clone(),
            body.clone(),
            "k1".into(),
            &sk,
            Some(1_700_000_000),
            vec![7; 16],
        )
        .unwrap();
        let mut received = headers;
        for (name, value) in [
            ("Content-Digest", s.content_digest.clone().unwrap()),
            ("Signature-Input", s.signature_input.clone()),
            ("Signature", s.signature.clone()),
        ] {
            received.push(HeaderField {
                name: name.into(),
                value,
            });
        }
        let vk = Arc::new(
            RequestVerificationKey::hmac(b"0123456789abcdef0123456789abcdef".to_vec()).unwrap(),
        );
        let keys = HashMap::from([("k1".to_owned(), vec![vk])]);
        let store = NonceStore::new(10);
        let verify = || {
            verify_request(
                "POST".into(),
                url.into(),
                received.clone(),
                body.clone(),
                keys.clone(),
                store.clone(),
                Some(1_700_000_010),
                None,
                None,
            )
        };
        let v = verify().unwrap();
        assert_eq!(v.key_id, "k1");
        assert_eq!(v.signature_base, s.signature_base);
        match verify() {
            Err(PaycoreError::Verification { code, .. }) => assert_eq!(code, "replayed"),
            other => panic!("{other:?}"),
        }
    }
}
