//! Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, the
//! signature a lower-case hex HMAC-SHA256 over `{t}.{body}` keyed with the
//! whole endpoint secret string (`whsec_...` included, no base64 decoding).
//!
//! Items are `key=value` separated by `,`; other schemes (`v0=`) are ignored;
//! several `v1=` appear while Stripe rolls a secret, and any may match. A
//! header without `t`, with a repeated or non-numeric `t`, or with an item
//! lacking `=` is malformed. Unlike Stripe's libraries, the timestamp window
//! is two-sided.

use super::{Options, Scheme, Verified, WebhookError, hex_32, non_empty, parse_canonical_i64};
use crate::Headers;
use crate::crypto::{HmacSha256Key, ct_eq, hex_encode};

/// The header name, lower-case.
pub(super) const HEADER: &str = "stripe-signature";

/// The items of a header, trimmed, skipping empty ones.
fn items(header: &str) -> impl Iterator<Item = &str> {
    header
        .split(',')
        .map(str::trim_ascii)
        .filter(|i| !i.is_empty())
}

/// The `t` value (text and number) and whether any `v1` is present.
fn parse(header: &str) -> Result<(&str, i64, bool), WebhookError> {
    let mut t: Option<(&str, i64)> = None;
    let mut any_v1 = false;
    for item in items(header) {
        let (key, value) = item.split_once('=').ok_or(WebhookError::MalformedHeader)?;
        match key {
            "t" => {
                if t.is_some() {
                    return Err(WebhookError::MalformedHeader);
                }
                let n = parse_canonical_i64(value).ok_or(WebhookError::MalformedHeader)?;
                t = Some((value, n));
            }
            "v1" => any_v1 = true,
            _ => {}
        }
    }
    let (text, n) = t.ok_or(WebhookError::MalformedHeader)?;
    Ok((text, n, any_v1))
}

pub(super) fn verify<'h, H: Headers + ?Sized>(
    keys: &[HmacSha256Key],
    options: &Options,
    body: &[u8],
    headers: &'h H,
    now: i64,
) -> Result<Verified<'h>, WebhookError> {
    let header = non_empty(headers, HEADER).ok_or(WebhookError::MissingHeader(HEADER))?;
    let (t_text, timestamp, any_v1) = parse(header)?;
    options.check_timestamp(timestamp, now)?;
    if !any_v1 {
        return Err(WebhookError::NoMatchingSignature);
    }
    let parts: [&[u8]; 3] = [t_text.as_bytes(), b".", body];
    for key in keys {
        let tag = key.mac(&parts);
        let matched = items(header).any(|item| {
            item.strip_prefix("v1=")
                .and_then(hex_32)
                .is_some_and(|sig| ct_eq(&sig, &tag))
        });
        if matched {
            return Ok(Verified {
                scheme: Scheme::Stripe,
                signature_header: HEADER,
                msg_id: None,
                timestamp: Some(timestamp),
            });
        }
    }
    Err(WebhookError::NoMatchingSignature)
}

pub(super) fn sign(keys: &[HmacSha256Key], timestamp: i64, body: &[u8]) -> Vec<(String, String)> {
    let t = timestamp.to_string();
    let mut value = format!("t={t}");
    for key in keys {
        value.push_str(",v1=");
        value.push_str(&hex_encode(&key.mac(&[t.as_bytes(), b".", body])));
    }
    vec![("Stripe-Signature".to_owned(), value)]
}
