//! Request signing and verification: the paycore profile of RFC 9421 (HTTP
//! Message Signatures), with RFC 9530 `Content-Digest` ([`crate::digest`]).
//!
//! # The profile (`paycore-v1`)
//!
//! A signed request carries three headers:
//!
//! ```text
//! Content-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
//! Signature-Input: sig1=("@method" "@authority" "@path" "@query" "content-digest" "content-type");created=1700000000;nonce="AAECAwQFBgcICQoLDA0ODw";alg="hmac-sha256";keyid="key_1";tag="paycore-v1"
//! Signature: sig1=:<base64 of the HMAC-SHA256 or ed25519 signature>:
//! ```
//!
//! * Label [`SIGNATURE_LABEL`] (`sig1`), tag [`PROFILE_TAG`] (`paycore-v1`).
//!   A verifier picks the `Signature-Input` member tagged `paycore-v1` (other
//!   signatures may sit beside it), or a configured label.
//! * Covered components: `"@method" "@authority" "@path" "@query"`, then
//!   `"content-digest" "content-type"` when the body is not empty, then
//!   `"idempotency-key"` when that header is sent.
//! * Parameters, in this order: `created` (Unix seconds), `nonce` (at least
//!   16 random bytes from the caller, base64url without padding), `alg`
//!   (`hmac-sha256` or `ed25519`), `keyid`, `tag`. The verifier accepts any
//!   order (RFC 9421 signs the parameters as received); signing in this one
//!   lets verifiers that re-serialize parameters in a fixed order (the
//!   `httpsig` crate) accept paycore's signatures.
//! * `Content-Digest` is `sha-256` over the raw body bytes.
//!
//! The verifier ([`verify_request`]) allows `created` within ±300 s of `now`
//! (configurable in [`VerifyPolicy`]), requires the profile's components,
//! recomputes the digest over the raw body, tries every active key of the key
//! id (rotation), refuses an `alg` that differs from the key's algorithm (no
//! downgrade; an absent `alg` means the key's), compares in constant time,
//! and records the nonce in a [`NonceStore`] until the signature leaves its
//! window. [`verify_signature`] does all but the nonce check, for servers
//! whose store is asynchronous; servers that fetch keys asynchronously call
//! [`select_signature`] (read its key id), then [`verify_selected`], which
//! parses the signature headers once. Every refusal has a stable code
//! ([`VerifyError::code`]) and carries the verifier's signature base when it
//! got that far, so a signer can diff it with the base it signed.
//!
//! The building blocks are general RFC 9421: [`SignatureParams`],
//! [`Component`] and [`signature_base`] reproduce the RFC's Appendix B bases
//! for every derived component paycore supports (`@method`, `@target-uri`,
//! `@authority`, `@scheme`, `@request-target`, `@path`, `@query`,
//! `@query-param`, `@status`) and for header fields.
//!
//! Nothing here reads a clock or draws random bytes: `now` and the nonce are
//! arguments.
//!
//! # Example
//!
//! ```
//! use paycore::signing::*;
//!
//! let key = SigningKey::hmac(b"a shared secret of the merchant").unwrap();
//! let headers = [("Content-Type", "application/json"), ("Idempotency-Key", "k-1")];
//! let body = br#"{"amount":1000}"#;
//! let req = Request::new("POST", "https://api.example.com/v1/payments", &headers, body);
//! let signed = sign_request(&req, "key_1", &key, 1_700_000_000, &[7u8; 16]).unwrap();
//! assert!(signed.signature_input().starts_with(
//!     r#"sig1=("@method" "@authority" "@path" "@query" "content-digest" "content-type" "idempotency-key");created=1700000000;nonce="BwcHBwcHBwcHBwcHBwcHBw";alg="hmac-sha256";keyid="key_1";tag="paycore-v1""#
//! ));
//!
//! // The server receives the request with the added headers.
//! let mut received: Vec<(&str, &str)> = headers.to_vec();
//! received.extend(signed.headers());
//! let req = Request::new("POST", "https://api.example.com/v1/payments", &received, body);
//! let keys = std::collections::HashMap::from([("key_1".to_string(), vec![key.verification_key()])]);
//! let store = MemoryNonceStore::new(10_000);
//! let policy = VerifyPolicy::default();
//! let ok = verify_request(&req, &keys, 1_700_000_010, &policy, &store).unwrap();
//! assert_eq!(ok.key_id(), "key_1");
//! assert_eq!(ok.signature_base(), signed.signature_base());
//!
//! // The same request again is a replay.
//! let err = verify_request(&req, &keys, 1_700_000_011, &policy, &store).unwrap_err();
//! assert_eq!(err.code(), "replayed");
//! ```

mod base;
mod input;
mod keys;
mod message;
mod nonce;
mod sign;
mod verify;

pub use base::{
    BaseError, Component, ParamValues, SignatureParams, signature_base, write_signature_base,
};
pub use keys::{Algorithm, SigningKey, VerificationKey};
pub use message::{HttpMessage, RequestUrl, UrlError};
pub use nonce::{MemoryNonceStore, NonceStore, NonceStoreError};
pub use sign::{Request, SignError, SignedRequest, encode_nonce, profile_components, sign_request};
pub use verify::{
    KeyLookup, SelectedSignature, Verified, VerifyError, VerifyFailure, VerifyPolicy, peek_key_id,
    select_signature, verify_request, verify_selected, verify_signature,
};

/// The `tag` parameter naming the profile: `paycore-v1`.
pub const PROFILE_TAG: &str = "paycore-v1";

/// The label of the signature paycore adds: `sig1`.
pub const SIGNATURE_LABEL: &str = "sig1";

/// The fewest random nonce bytes a signer accepts: 16 (128 bits).
pub const MIN_NONCE_BYTES: usize = 16;

/// The fewest nonce characters a verifier accepts: 22 (128 bits in base64url).
pub const MIN_NONCE_CHARS: usize = 22;

/// Parses a `Signature-Input` field value (a Dictionary of Inner Lists) into
/// `(label, parameters)` pairs, in order. For diagnosis and fuzzing; the
/// verifier does this itself.
pub fn parse_signature_input(value: &str) -> Result<Vec<(String, SignatureParams)>, VerifyError> {
    let members = input::parse(value).map_err(|_| VerifyError::MalformedHeader)?;
    members
        .iter()
        .map(|(k, entry)| match entry {
            input::RawEntry::List(list) => SignatureParams::from_raw(list)
                .map(|p| (k.as_str().to_owned(), p))
                .map_err(|_| VerifyError::MalformedHeader),
            input::RawEntry::Item => Err(VerifyError::MalformedHeader),
        })
        .collect()
}

/// Parses a `Signature` field value (a Dictionary of Byte Sequences) into
/// `(label, signature bytes)` pairs, in order.
pub fn parse_signature(value: &str) -> Result<Vec<(String, Vec<u8>)>, VerifyError> {
    let dict: sfv::Dictionary = sfv::Parser::new(value)
        .parse()
        .map_err(|_| VerifyError::MalformedHeader)?;
    dict.iter()
        .map(|(k, entry)| match entry {
            sfv::ListEntry::Item(item) => item
                .bare_item
                .as_byte_sequence()
                .map(|b| (k.as_str().to_owned(), b.to_vec()))
                .ok_or(VerifyError::MalformedHeader),
            sfv::ListEntry::InnerList(_) => Err(VerifyError::MalformedHeader),
        })
        .collect()
}
