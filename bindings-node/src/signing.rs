//! `paycore::signing`: sign outgoing requests (the paycore RFC 9421 profile).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use paycore::KeyError;
use paycore::signing::{Algorithm, Request, SignError, SigningKey, sign_request};

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
            paycore::VerificationKey::Ed25519(k) => Some(k.to_bytes().to_vec().into()),
            _ => None,
        }
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
