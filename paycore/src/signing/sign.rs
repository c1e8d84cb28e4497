//! Signing a request with the paycore profile.

use std::fmt;

use base64::Engine as _;

use super::base::{BaseError, Component, ParamValues, SignatureParams, write_signature_base};
use super::keys::SigningKey;
use super::message::{HttpMessage, RequestUrl, UrlError};
use super::{MIN_NONCE_BYTES, PROFILE_TAG, SIGNATURE_LABEL};
use crate::Headers;
use crate::digest::{DigestAlgorithm, write_content_digest};

/// A request as plain data: method, absolute URL, headers and the raw body.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// The method, exactly as sent (`POST`).
    pub method: &'a str,
    /// The absolute URL (`https://api.example.com/v1/payments?x=1`).
    pub url: &'a str,
    /// The header fields that will be sent (or were received).
    pub headers: &'a dyn Headers,
    /// The raw body bytes (empty when there is none).
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// Bundles the parts of a request.
    pub fn new(method: &'a str, url: &'a str, headers: &'a dyn Headers, body: &'a [u8]) -> Self {
        Request {
            method,
            url,
            headers,
            body,
        }
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The URL is not an absolute URL.
    #[error("the URL is not an absolute http(s) URL")]
    InvalidUrl,
    /// The nonce has fewer than 16 bytes (128 bits).
    #[error("the nonce must have at least {min} bytes, got {got}")]
    NonceTooShort {
        /// Bytes required.
        min: usize,
        /// Bytes given.
        got: usize,
    },
    /// The key id cannot be carried in a Structured Field String (visible
    /// ASCII and space only).
    #[error("the key id is not a valid structured-field string")]
    InvalidKeyId,
    /// A covered component could not be produced, e.g. a body without a
    /// `Content-Type` header (`component_missing`).
    #[error(transparent)]
    Component(#[from] BaseError),
}

impl SignError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::InvalidUrl => "invalid_url",
            SignError::NonceTooShort { .. } => "nonce_too_short",
            SignError::InvalidKeyId => "invalid_key_id",
            SignError::Component(e) => e.code(),
        }
    }
}

impl From<UrlError> for SignError {
    fn from(_: UrlError) -> Self {
        SignError::InvalidUrl
    }
}

/// What [`sign_request`] produces: the headers to add to the request and the
/// signature base that was signed (keep it to diagnose a rejection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    content_digest: Option<String>,
    signature_input: String,
    signature: String,
    signature_base: String,
}

impl SignedRequest {
    /// The `Content-Digest` value, when the request has a body.
    pub fn content_digest(&self) -> Option<&str> {
        self.content_digest.as_deref()
    }

    /// The `Signature-Input` value.
    pub fn signature_input(&self) -> &str {
        &self.signature_input
    }

    /// The `Signature` value.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The signature base that was signed (no secret in it).
    pub fn signature_base(&self) -> &str {
        &self.signature_base
    }

    /// The headers to add, as `(name, value)` pairs: `Content-Digest` (when
    /// there is a body), `Signature-Input`, `Signature`. A `Content-Digest`
    /// the caller set is replaced by this one.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.content_digest
            .as_deref()
            .map(|d| ("Content-Digest", d))
            .into_iter()
            .chain([
                ("Signature-Input", self.signature_input.as_str()),
                ("Signature", self.signature.as_str()),
            ])
    }
}

/// Headers with `Content-Digest` replaced by the one being signed.
pub(crate) struct WithDigest<'a> {
    pub(crate) inner: &'a dyn Headers,
    pub(crate) digest: Option<&'a str>,
}

impl Headers for WithDigest<'_> {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        match self.digest {
            Some(d) if name.eq_ignore_ascii_case("content-digest") => f(d),
            _ => self.inner.for_each_value(name, f),
        }
    }
}

/// The components the profile covers for a request: `@method`, `@authority`,
/// `@path`, `@query`, then `content-digest` and `content-type` when there is
/// a body, then `idempotency-key` when that header is present.
pub fn profile_components(has_body: bool, has_idempotency_key: bool) -> Vec<Component> {
    const ALWAYS: &[&str] = &["@method", "@authority", "@path", "@query"];
    const BODY: &[&str] = &["content-digest", "content-type"];
    const IDEMPOTENCY: &[&str] = &["idempotency-key"];
    let names = ALWAYS
        .iter()
        .chain(BODY.iter().filter(|_| has_body))
        .chain(IDEMPOTENCY.iter().filter(|_| has_idempotency_key));
    let mut out = Vec::with_capacity(7);
    out.extend(names.filter_map(|n| Component::new(n).ok()));
    out
}

/// Encodes nonce bytes as the profile does: base64url without padding.
pub fn encode_nonce(nonce: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(nonce)
}

/// Signs `req` with the paycore profile (see the [module docs](super)).
///
/// `now_unix` becomes `created`; `nonce` (at least 16 random bytes from the
/// caller) is sent base64url-encoded without padding. The signature is
/// labelled [`SIGNATURE_LABEL`] and tagged [`PROFILE_TAG`]; `alg` names the
/// key's algorithm.
pub fn sign_request(
    req: &Request<'_>,
    key_id: &str,
    key: &SigningKey,
    now_unix: i64,
    nonce: &[u8],
) -> Result<SignedRequest, SignError> {
    let url = RequestUrl::parse(req.url)?;
    if nonce.len() < MIN_NONCE_BYTES {
        return Err(SignError::NonceTooShort {
            min: MIN_NONCE_BYTES,
            got: nonce.len(),
        });
    }
    let nonce = encode_nonce(nonce);
    let has_body = !req.body.is_empty();
    let content_digest = has_body.then(|| {
        let mut d = String::with_capacity(56);
        write_content_digest(req.body, DigestAlgorithm::Sha256, &mut d);
        d
    });
    let has_idem = req.headers.get("idempotency-key").is_some();
    let params = SignatureParams::new(
        profile_components(has_body, has_idem),
        ParamValues {
            created: Some(now_unix),
            key_id: Some(key_id),
            nonce: Some(&nonce),
            alg: Some(key.algorithm().name()),
            tag: Some(PROFILE_TAG),
            ..ParamValues::default()
        },
    )
    .map_err(|e| match e {
        BaseError::InvalidParameter("keyid") => SignError::InvalidKeyId,
        e => SignError::Component(e),
    })?;
    let headers = WithDigest {
        inner: req.headers,
        digest: content_digest.as_deref(),
    };
    let msg = HttpMessage::request(req.method, &url, &headers);
    let mut signature_base = String::with_capacity(512);
    write_signature_base(&msg, &params, &mut signature_base)?;
    let mut sig = Vec::with_capacity(64);
    key.sign_into(signature_base.as_bytes(), &mut sig);

    let mut signature = String::with_capacity(SIGNATURE_LABEL.len() + 92);
    signature.push_str(SIGNATURE_LABEL);
    signature.push_str("=:");
    base64::engine::general_purpose::STANDARD.encode_string(&sig, &mut signature);
    signature.push(':');
    let mut signature_input =
        String::with_capacity(SIGNATURE_LABEL.len() + 1 + params.serialized().len());
    signature_input.push_str(SIGNATURE_LABEL);
    signature_input.push('=');
    signature_input.push_str(params.serialized());
    Ok(SignedRequest {
        content_digest,
        signature_input,
        signature,
        signature_base,
    })
}
