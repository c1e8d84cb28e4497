//! [`sign_request`]: the paycore RFC 9421 profile, over
//! [`paycore::signing::sign_request`].

use std::fmt;

use paycore::signing::{Request, SigningKey};

use crate::error::PaycoreError;
use crate::{HeaderField, now_or_clock};

/// A key that signs API requests: an HMAC-SHA256 shared secret or an ed25519
/// private key. `toString()` / `Debug` print the algorithm only.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RequestSigningKey {
    key: SigningKey,
}

impl fmt::Debug for RequestSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SigningKey's own Debug prints the algorithm and `[REDACTED]`.
        write!(f, "RequestSigningKey({:?})", self.key)
    }
}

#[uniffi::export]
impl RequestSigningKey {
    /// An HMAC-SHA256 key from the raw secret bytes (not their base64 text).
    #[uniffi::constructor]
    pub fn hmac(secret: Vec<u8>) -> Result<Self, PaycoreError> {
        Ok(RequestSigningKey {
            key: SigningKey::hmac(&secret)?,
        })
    }

    /// An ed25519 key from its 32-byte seed.
    #[uniffi::constructor]
    pub fn ed25519(seed: Vec<u8>) -> Result<Self, PaycoreError> {
        Ok(RequestSigningKey {
            key: SigningKey::ed25519(&seed)?,
        })
    }

    /// The algorithm name as it appears in `alg=` (`hmac-sha256`, `ed25519`).
    pub fn algorithm(&self) -> String {
        self.key.algorithm().name().to_owned()
    }

    /// The raw signature of a signature base built elsewhere (e.g. with
    /// `signatureBaseOf`, for RFC 9421 component lists other than the
    /// profile's). `signRequest` is the call for API requests.
    pub fn sign_base(&self, signature_base: Vec<u8>) -> Vec<u8> {
        self.key.sign(&signature_base)
    }
}

/// The headers a signed request carries, and the signature base that was
/// signed (keep it to diagnose a rejection: no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedRequest {
    /// The `Content-Digest` value, when the request has a body.
    pub content_digest: Option<String>,
    /// The `Signature-Input` value.
    pub signature_input: String,
    /// The `Signature` value.
    pub signature: String,
    /// The signature base that was signed.
    pub signature_base: String,
}

/// Signs a request with the paycore profile. `url` is absolute; `headers`
/// are the fields that will be sent, repeated fields included (names
/// case-insensitive); `now` is Unix
/// seconds (`null` / `nil`: the system clock); `nonce` is at least 16 random
/// bytes drawn by the caller (`SecureRandom`, `SecRandomCopyBytes`).
#[uniffi::export]
#[allow(
    clippy::too_many_arguments,
    reason = "mirrors the core's sign_request plus the request parts, flat for Kotlin and Swift callers"
)]
pub fn sign_request(
    method: String,
    url: String,
    headers: Vec<HeaderField>,
    body: Vec<u8>,
    key_id: String,
    key: &RequestSigningKey,
    now: Option<i64>,
    nonce: Vec<u8>,
) -> Result<SignedRequest, PaycoreError> {
    let pairs = HeaderField::pairs(&headers);
    let req = Request::new(&method, &url, &pairs, &body);
    let signed =
        paycore::signing::sign_request(&req, &key_id, &key.key, now_or_clock(now), &nonce)?;
    Ok(SignedRequest {
        content_digest: signed.content_digest().map(str::to_owned),
        signature_input: signed.signature_input().to_owned(),
        signature: signed.signature().to_owned(),
        signature_base: signed.signature_base().to_owned(),
    })
}
