//! The plain body-HMAC schemes: an HMAC-SHA256 of the raw body, keyed with the
//! secret string as UTF-8, in one header. None of them signs a timestamp or
//! an id.
//!
//! * GitHub: `X-Hub-Signature-256: sha256=<hex>` (the legacy SHA-1
//!   `X-Hub-Signature` is not supported).
//! * Shopify: `X-Shopify-Hmac-Sha256: <base64>`.
//! * Razorpay: `X-Razorpay-Signature: <hex>`.
//!
//! A value that does not decode is reported as a signature that does not
//! match (as Razorpay's own libraries do), not as a malformed header.

use super::{Scheme, Verified, WebhookError, hex_32, non_empty};
use crate::Headers;
use crate::crypto::{
    HMAC_SHA256_LEN, HmacSha256Key, b64_decode_into, b64_encode, ct_eq, hex_encode,
};

/// GitHub's header name, lower-case.
pub(super) const GITHUB: &str = "x-hub-signature-256";
/// Shopify's header name, lower-case.
pub(super) const SHOPIFY: &str = "x-shopify-hmac-sha256";
/// Razorpay's header name, lower-case.
pub(super) const RAZORPAY: &str = "x-razorpay-signature";

/// The header name (lower-case) of a simple scheme.
pub(super) fn header(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Shopify => SHOPIFY,
        Scheme::Razorpay => RAZORPAY,
        _ => GITHUB,
    }
}

/// The signature bytes carried by `value`, if it decodes.
fn decode(scheme: Scheme, value: &str) -> Option<[u8; HMAC_SHA256_LEN]> {
    let value = value.trim_ascii();
    match scheme {
        Scheme::Shopify => {
            let mut buf = [0u8; HMAC_SHA256_LEN];
            (b64_decode_into(value, &mut buf) == Some(HMAC_SHA256_LEN)).then_some(buf)
        }
        Scheme::Razorpay => hex_32(value),
        _ => value.strip_prefix("sha256=").and_then(hex_32),
    }
}

pub(super) fn verify<'h, H: Headers + ?Sized>(
    scheme: Scheme,
    keys: &[HmacSha256Key],
    body: &[u8],
    headers: &'h H,
) -> Result<Verified<'h>, WebhookError> {
    let name = header(scheme);
    let value = non_empty(headers, name).ok_or(WebhookError::MissingHeader(name))?;
    let sig = decode(scheme, value).ok_or(WebhookError::NoMatchingSignature)?;
    if keys.iter().any(|k| ct_eq(&k.mac(&[body]), &sig)) {
        Ok(Verified {
            scheme,
            signature_header: name,
            msg_id: None,
            timestamp: None,
        })
    } else {
        Err(WebhookError::NoMatchingSignature)
    }
}

pub(super) fn sign(scheme: Scheme, keys: &[HmacSha256Key], body: &[u8]) -> Vec<(String, String)> {
    keys.iter()
        .map(|k| {
            let tag = k.mac(&[body]);
            match scheme {
                Scheme::Shopify => ("X-Shopify-Hmac-Sha256".to_owned(), b64_encode(&tag)),
                Scheme::Razorpay => ("X-Razorpay-Signature".to_owned(), hex_encode(&tag)),
                _ => (
                    "X-Hub-Signature-256".to_owned(),
                    format!("sha256={}", hex_encode(&tag)),
                ),
            }
        })
        .collect()
}
