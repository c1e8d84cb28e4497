//! `paycore::signing`: sign outgoing requests (the paycore RFC 9421 profile).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use paycore::KeyError;
use paycore::digest::{DigestAlgorithm, DigestError};
use paycore::signing::{
    Algorithm, HttpMessage, MemoryNonceStore, Request, RequestUrl, SignError, SigningKey,
    VerificationKey, VerifyPolicy, parse_signature_input, sign_request, signature_base,
    verify_request,
};

use crate::{flat_pairs, invalid_arg, native_error};

fn key_error(e: &KeyError) -> Error<String> {
    native_error("key", e.code(), e.code(), e)
}

fn sign_error(e: &SignError) -> Error<String> {
    native_error("sign", e.code(), e.code(), e)
}

/// A request signer: a key id and a key (`hmac-sha256` secret bytes or an
/// `ed25519` 32-byte seed), built once.
#[napi]
#[derive(Debug)]
pub struct NativeRequestSigner {
    key_id: String,
    key: SigningKey,
}

/// The headers to add to a signed request, and the signature base.
#[napi(object)]
#[derive(Debug)]
pub struct SignedRequestParts {
    /// `Content-Digest` (absent without a body).
    pub content_digest: Option<String>,
    /// `Signature-Input`.
    pub signature_input: String,
    /// `Signature`.
    pub signature: String,
    /// The signature base that was signed (for diagnosing a rejection).
    pub signature_base: String,
}

#[napi]
impl NativeRequestSigner {
    /// `alg`: `hmac-sha256` or `ed25519`.
    #[napi(constructor)]
    pub fn new(
        key_id: String,
        alg: String,
        key: &[u8],
    ) -> std::result::Result<Self, Error<String>> {
        let key = match Algorithm::from_name(&alg) {
            Some(Algorithm::HmacSha256) => SigningKey::hmac(key),
            Some(Algorithm::Ed25519) => SigningKey::ed25519(key),
            _ => return Err(invalid_arg("alg must be \"hmac-sha256\" or \"ed25519\"")),
        }
        .map_err(|e| key_error(&e))?;
        Ok(NativeRequestSigner { key_id, key })
    }

    /// The key id.
    #[napi(getter)]
    pub fn key_id(&self) -> String {
        self.key_id.clone()
    }

    /// The algorithm name.
    #[napi(getter)]
    pub fn alg(&self) -> &'static str {
        self.key.algorithm().name()
    }

    /// The public half of an ed25519 key (32 bytes), `null` for HMAC.
    #[napi]
    pub fn public_key(&self) -> Option<Buffer> {
        match self.key.verification_key() {
            VerificationKey::Ed25519(k) => Some(k.to_bytes().to_vec().into()),
            _ => None,
        }
    }

    /// Signs a signature base as is (the raw signature bytes).
    #[napi]
    pub fn sign_base(&self, base: &[u8]) -> Buffer {
        self.key.sign(base).into()
    }

    /// Signs a request. `headers` is `[name, value, ...]`; `nonce` holds at
    /// least 16 random bytes from the caller; `now` is Unix seconds.
    #[napi]
    pub fn sign(
        &self,
        method: String,
        url: String,
        headers: Vec<String>,
        body: &[u8],
        now: i64,
        nonce: &[u8],
    ) -> std::result::Result<SignedRequestParts, Error<String>> {
        let pairs = flat_pairs(&headers);
        let req = Request::new(&method, &url, &pairs, body);
        let signed =
            sign_request(&req, &self.key_id, &self.key, now, nonce).map_err(|e| sign_error(&e))?;
        Ok(SignedRequestParts {
            content_digest: signed.content_digest().map(str::to_owned),
            signature_input: signed.signature_input().to_owned(),
            signature: signed.signature().to_owned(),
            signature_base: signed.signature_base().to_owned(),
        })
    }
}

/// One verification key: its key id, algorithm and bytes (the HMAC secret or
/// the 32-byte ed25519 public key).
#[napi(object)]
pub struct VerificationKeyInput {
    /// The key id (`keyid`).
    pub key_id: String,
    /// `hmac-sha256` or `ed25519`.
    pub alg: String,
    /// The key bytes.
    pub key: Buffer,
}

impl std::fmt::Debug for VerificationKeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationKeyInput")
            .field("key_id", &self.key_id)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// The outcome of a request verification: `ok` with what verified, or the
/// failure's `code` and `message`; `signatureBase` when it was built.
#[napi(object)]
#[derive(Debug)]
pub struct RequestVerification {
    /// Whether the request verified.
    pub ok: bool,
    /// The failure code.
    pub code: Option<String>,
    /// The failure message.
    pub message: Option<String>,
    /// The signature base the verifier built.
    pub signature_base: Option<String>,
    /// The key id that verified.
    pub key_id: Option<String>,
    /// The index of the key that verified among the key id's keys.
    pub key_index: Option<u32>,
    /// The algorithm.
    pub alg: Option<String>,
    /// `created`, Unix seconds.
    pub created: Option<i64>,
    /// The nonce.
    pub nonce: Option<String>,
    /// Until when the nonce is remembered, Unix seconds.
    pub nonce_expires_at: Option<i64>,
    /// The covered components' identifiers.
    pub components: Option<Vec<String>>,
}

/// Verifies signed requests (the server side): keys by key id, a policy and
/// an in-memory nonce store (replays are refused).
#[napi]
#[derive(Debug)]
pub struct NativeRequestVerifier {
    keys: std::collections::HashMap<String, Vec<VerificationKey>>,
    policy: VerifyPolicy,
    nonces: MemoryNonceStore,
}

#[napi]
impl NativeRequestVerifier {
    /// `keys` in order of preference per key id; `window_seconds` (default
    /// 300); `label` selects a member by label instead of by tag;
    /// `nonce_capacity` bounds the nonce store (default 100 000).
    #[napi(constructor)]
    pub fn new(
        keys: Vec<VerificationKeyInput>,
        window_seconds: Option<u32>,
        label: Option<String>,
        nonce_capacity: Option<u32>,
    ) -> std::result::Result<Self, Error<String>> {
        let mut map: std::collections::HashMap<String, Vec<VerificationKey>> =
            std::collections::HashMap::new();
        for k in keys {
            let key = match Algorithm::from_name(&k.alg) {
                Some(Algorithm::HmacSha256) => VerificationKey::hmac(&k.key),
                Some(Algorithm::Ed25519) => VerificationKey::ed25519(&k.key),
                _ => return Err(invalid_arg("alg must be \"hmac-sha256\" or \"ed25519\"")),
            }
            .map_err(|e| key_error(&e))?;
            map.entry(k.key_id).or_default().push(key);
        }
        let mut policy = VerifyPolicy::default();
        if let Some(w) = window_seconds {
            policy = policy.with_window(std::time::Duration::from_secs(u64::from(w)));
        }
        if let Some(l) = label {
            policy = policy.with_label(l);
        }
        let capacity = nonce_capacity.map_or(100_000, |c| c as usize);
        Ok(NativeRequestVerifier {
            keys: map,
            policy,
            nonces: MemoryNonceStore::new(capacity),
        })
    }

    /// Verifies a received request at `now` (Unix seconds).
    #[napi]
    pub fn verify(
        &self,
        method: String,
        url: String,
        headers: Vec<String>,
        body: &[u8],
        now: i64,
    ) -> RequestVerification {
        let pairs = flat_pairs(&headers);
        let req = Request::new(&method, &url, &pairs, body);
        match verify_request(&req, &self.keys, now, &self.policy, &self.nonces) {
            Ok(v) => RequestVerification {
                ok: true,
                code: None,
                message: None,
                signature_base: Some(v.signature_base().to_owned()),
                key_id: Some(v.key_id().to_owned()),
                key_index: u32::try_from(v.key_index()).ok(),
                alg: Some(v.algorithm().name().to_owned()),
                created: Some(v.created()),
                nonce: Some(v.nonce().to_owned()),
                nonce_expires_at: Some(v.expires_at()),
                components: Some(
                    v.components()
                        .iter()
                        .map(|c| c.identifier().to_owned())
                        .collect(),
                ),
            },
            Err(f) => RequestVerification {
                ok: false,
                code: Some(f.code().to_owned()),
                message: Some(f.reason().to_string()),
                signature_base: f.signature_base().map(str::to_owned),
                key_id: None,
                key_index: None,
                alg: None,
                created: None,
                nonce: None,
                nonce_expires_at: None,
                components: None,
            },
        }
    }
}

/// The `Content-Digest` value for `body` (`sha-256` or `sha-512`).
#[napi]
pub fn content_digest(body: &[u8], alg: String) -> std::result::Result<String, Error<String>> {
    let alg = DigestAlgorithm::from_name(&alg)
        .ok_or_else(|| invalid_arg("alg must be \"sha-256\" or \"sha-512\""))?;
    Ok(paycore::digest::content_digest(body, alg))
}

/// The outcome of a `Content-Digest` check.
#[napi(object)]
#[derive(Debug)]
pub struct DigestCheck {
    /// Whether every supported member matched.
    pub ok: bool,
    /// The algorithms that matched.
    pub algorithms: Vec<String>,
    /// The failure code.
    pub code: Option<String>,
    /// The failure message.
    pub message: Option<String>,
    /// The algorithm that did not match (`digest_mismatch`).
    pub algorithm: Option<String>,
}

/// Checks a received `Content-Digest` value against `body`.
#[napi]
pub fn check_content_digest(value: String, body: &[u8]) -> DigestCheck {
    match paycore::digest::check_content_digest(&value, body) {
        Ok(algs) => DigestCheck {
            ok: true,
            algorithms: algs.iter().map(|a| a.name().to_owned()).collect(),
            code: None,
            message: None,
            algorithm: None,
        },
        Err(e) => DigestCheck {
            ok: false,
            algorithms: Vec::new(),
            code: Some(e.code().to_owned()),
            message: Some(e.to_string()),
            algorithm: match e {
                DigestError::Mismatch { algorithm } => Some(algorithm.to_owned()),
                _ => None,
            },
        },
    }
}

fn base_error(e: &paycore::signing::BaseError) -> Error<String> {
    native_error("base", e.code(), e.code(), e)
}

/// The parameters of the `Signature-Input` member `label`, or of its only
/// member when no label is given.
fn select_params(
    signature_input: &str,
    label: Option<&str>,
) -> std::result::Result<paycore::signing::SignatureParams, Error<String>> {
    let members = parse_signature_input(signature_input)
        .map_err(|e| native_error("verify", e.code(), e.code(), &e))?;
    let found = match label {
        Some(l) => members.into_iter().find(|(k, _)| k == l),
        None if members.len() == 1 => members.into_iter().next(),
        None => {
            return Err(invalid_arg(
                "the Signature-Input has several members: name one with `label`",
            ));
        }
    };
    found
        .map(|(_, p)| p)
        .ok_or_else(|| invalid_arg("no Signature-Input member has that label"))
}

/// The RFC 9421 signature base of a request under a `Signature-Input` value
/// (any components, not only the paycore profile's): for diagnosis and
/// interoperability.
#[napi]
pub fn request_signature_base(
    method: String,
    url: String,
    headers: Vec<String>,
    signature_input: String,
    label: Option<String>,
) -> std::result::Result<String, Error<String>> {
    let params = select_params(&signature_input, label.as_deref())?;
    let pairs = flat_pairs(&headers);
    let url = RequestUrl::parse(&url).map_err(|e| native_error("sign", e.code(), e.code(), &e))?;
    let msg = HttpMessage::request(&method, &url, &pairs);
    signature_base(&msg, &params).map_err(|e| base_error(&e))
}

/// The RFC 9421 signature base of a response.
#[napi]
pub fn response_signature_base(
    status: u16,
    headers: Vec<String>,
    signature_input: String,
    label: Option<String>,
) -> std::result::Result<String, Error<String>> {
    let params = select_params(&signature_input, label.as_deref())?;
    let pairs = flat_pairs(&headers);
    let msg = HttpMessage::response(status, &pairs);
    signature_base(&msg, &params).map_err(|e| base_error(&e))
}

/// Whether `signature` is valid over `base` under a key (`hmac-sha256`
/// secret or `ed25519` public key).
#[napi]
pub fn verify_signature_base(
    alg: String,
    key: &[u8],
    base: &[u8],
    signature: &[u8],
) -> std::result::Result<bool, Error<String>> {
    let key = match Algorithm::from_name(&alg) {
        Some(Algorithm::HmacSha256) => VerificationKey::hmac(key),
        Some(Algorithm::Ed25519) => VerificationKey::ed25519(key),
        _ => return Err(invalid_arg("alg must be \"hmac-sha256\" or \"ed25519\"")),
    }
    .map_err(|e| key_error(&e))?;
    Ok(key.verify(base, signature))
}
