//! RFC 9530 `Content-Digest`, over [`paycore::digest`]: compute one for a
//! body, check a received one (a client checking a response body).

use paycore::digest::{self as core, DigestAlgorithm};

use crate::error::PaycoreError;

fn algorithm(name: &str) -> Result<DigestAlgorithm, PaycoreError> {
    DigestAlgorithm::from_name(name).ok_or_else(|| {
        PaycoreError::invalid(
            "unknown_digest_algorithm",
            format!("unknown digest algorithm {name:?} (sha-256, sha-512)"),
        )
    })
}

/// The `Content-Digest` field value of `body` with `algorithm` (`sha-256` or
/// `sha-512`), e.g. `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
#[uniffi::export]
pub fn content_digest(body: Vec<u8>, algorithm_name: String) -> Result<String, PaycoreError> {
    Ok(core::content_digest(&body, algorithm(&algorithm_name)?))
}

/// Checks a received `Content-Digest` value against the raw `body`: every
/// supported algorithm present must match (unknown ones are ignored).
/// Returns the algorithms checked; a refusal is a `Digest` error
/// (`malformed_header`, `digest_unsupported`, `digest_mismatch`).
#[uniffi::export]
pub fn check_content_digest(value: String, body: Vec<u8>) -> Result<Vec<String>, PaycoreError> {
    let checked = core::check_content_digest(&value, &body)?;
    Ok(checked.into_iter().map(|a| a.name().to_owned()).collect())
}
