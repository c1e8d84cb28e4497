//! Standard Webhooks (spec 1.0.0): `webhook-id`, `webhook-timestamp`,
//! `webhook-signature` (or the Svix-branded `svix-*` names), signed content
//! `{id}.{timestamp}.{body}`, signatures `v1,<base64 HMAC-SHA256>` and
//! `v1a,<base64 ed25519>`, several separated by spaces.
//!
//! The `v1` path allocates nothing: the signed content is fed to the HMAC in
//! parts, each candidate signature is decoded into a stack buffer and
//! compared as raw bytes in constant time, the timestamp is parsed in place
//! and the returned id borrows from the headers. (`v1a` joins the signed
//! content into one buffer, as ed25519 needs the whole message.)

use super::secrets::StandardKey;
use super::{Options, Scheme, Verified, WebhookError, non_empty, parse_canonical_i64};
use crate::Headers;
use crate::crypto::{ED25519_SIGNATURE_LEN, HMAC_SHA256_LEN, b64_decode_into, b64_encode, ct_eq};

/// The three header names of one family.
struct Family {
    id: &'static str,
    timestamp: &'static str,
    signature: &'static str,
}

const STANDARD: Family = Family {
    id: "webhook-id",
    timestamp: "webhook-timestamp",
    signature: "webhook-signature",
};

const SVIX: Family = Family {
    id: "svix-id",
    timestamp: "svix-timestamp",
    signature: "svix-signature",
};

/// Every header the verifier may read, lower-case.
pub(super) const HEADER_NAMES: &[&str] = &[
    STANDARD.id,
    STANDARD.timestamp,
    STANDARD.signature,
    SVIX.id,
    SVIX.timestamp,
    SVIX.signature,
];

/// The header family and the `id` value: the `webhook-*` family if any of its
/// headers is present, else `svix-*` if any of those is, else `webhook-*`
/// (whose names the errors then report). The common case costs one lookup.
fn family<H: Headers + ?Sized>(headers: &H) -> (&'static Family, Option<&str>) {
    if let Some(id) = headers.get(STANDARD.id) {
        return (&STANDARD, Some(id));
    }
    let any = |f: &Family| {
        headers.get(f.id).is_some()
            || headers.get(f.timestamp).is_some()
            || headers.get(f.signature).is_some()
    };
    let names = if !any(&STANDARD) && any(&SVIX) {
        &SVIX
    } else {
        &STANDARD
    };
    (names, headers.get(names.id))
}

/// The values of the signature header: the usual single value is kept, so
/// the headers are scanned once.
enum SignatureValues<'h> {
    One(&'h str),
    Several,
}

pub(super) fn verify<'h, H: Headers + ?Sized>(
    keys: &[StandardKey],
    options: &Options,
    body: &[u8],
    headers: &'h H,
    now: i64,
) -> Result<Verified<'h>, WebhookError> {
    let (names, id) = family(headers);
    let id = id
        .filter(|v| !is_blank(v))
        .ok_or(WebhookError::MissingHeader(names.id))?;
    let ts_text =
        non_empty(headers, names.timestamp).ok_or(WebhookError::MissingHeader(names.timestamp))?;
    let mut first = None;
    let mut count = 0usize;
    let mut any_non_blank = false;
    headers.for_each_value(names.signature, &mut |v| {
        first.get_or_insert(v);
        count = count.saturating_add(1);
        any_non_blank |= !is_blank(v);
    });
    let values = match (first, count) {
        _ if !any_non_blank => return Err(WebhookError::MissingHeader(names.signature)),
        (Some(v), 1) => SignatureValues::One(v),
        _ => SignatureValues::Several,
    };
    if id.bytes().any(|b| b == b'.') {
        return Err(WebhookError::InvalidMsgId);
    }
    let timestamp = parse_canonical_i64(ts_text).ok_or(WebhookError::InvalidTimestamp)?;
    options.check_timestamp(timestamp, now)?;

    let parts: [&[u8]; 5] = [id.as_bytes(), b".", ts_text.as_bytes(), b".", body];
    let mut ed25519_message: Option<Vec<u8>> = None;
    let mut matched = false;
    for key in keys {
        match key {
            StandardKey::Hmac(k) => {
                let tag = k.mac(&parts);
                for_each_signature(headers, names.signature, &values, "v1", &mut |sig| {
                    let mut buf = [0u8; HMAC_SHA256_LEN];
                    if b64_decode_into(sig, &mut buf) == Some(HMAC_SHA256_LEN) && ct_eq(&buf, &tag)
                    {
                        matched = true;
                    }
                    matched
                });
            }
            StandardKey::Ed25519 { public, .. } => {
                for_each_signature(headers, names.signature, &values, "v1a", &mut |sig| {
                    let mut buf = [0u8; ED25519_SIGNATURE_LEN];
                    if b64_decode_into(sig, &mut buf) == Some(ED25519_SIGNATURE_LEN) {
                        // ed25519 needs the message in one piece.
                        let message = ed25519_message.get_or_insert_with(|| parts.concat());
                        if public.verify(message, &buf) {
                            matched = true;
                        }
                    }
                    matched
                });
            }
        }
        if matched {
            return Ok(Verified {
                scheme: Scheme::StandardWebhooks,
                signature_header: names.signature,
                msg_id: Some(id),
                timestamp: Some(timestamp),
            });
        }
    }
    Err(WebhookError::NoMatchingSignature)
}

fn is_blank(v: &str) -> bool {
    v.trim_ascii().is_empty()
}

/// Calls `f` with the base64 part of every `<version>,<base64>` entry of the
/// signature header(s) whose version is exactly `version`, until `f` returns
/// `true`. Entries are separated by spaces (several in a row are allowed);
/// entries without a `,` and unknown versions are skipped.
fn for_each_signature<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &str,
    values: &SignatureValues<'h>,
    version: &str,
    f: &mut dyn FnMut(&'h str) -> bool,
) {
    let mut scan = |value: &'h str| {
        value.split(' ').any(|entry| {
            entry
                .strip_prefix(version)
                .and_then(|rest| rest.strip_prefix(','))
                .is_some_and(&mut *f)
        })
    };
    match values {
        SignatureValues::One(value) => {
            scan(value);
        }
        SignatureValues::Several => {
            let mut done = false;
            headers.for_each_value(name, &mut |value| {
                if !done {
                    done = scan(value);
                }
            });
        }
    }
}

pub(super) fn sign(
    keys: &[StandardKey],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<Vec<(String, String)>, WebhookError> {
    if msg_id.is_empty() || !msg_id.bytes().all(|b| b.is_ascii_graphic() && b != b'.') {
        return Err(WebhookError::InvalidMsgId);
    }
    let ts_text = timestamp.to_string();
    let parts: [&[u8]; 5] = [msg_id.as_bytes(), b".", ts_text.as_bytes(), b".", body];
    let mut signature = String::new();
    for key in keys {
        if !signature.is_empty() {
            signature.push(' ');
        }
        match key {
            StandardKey::Hmac(k) => {
                signature.push_str("v1,");
                signature.push_str(&b64_encode(&k.mac(&parts)));
            }
            StandardKey::Ed25519 {
                private: Some(sk), ..
            } => {
                signature.push_str("v1a,");
                signature.push_str(&b64_encode(&sk.sign(&parts.concat())));
            }
            // Refused when the signer was built.
            StandardKey::Ed25519 { private: None, .. } => {
                return Err(WebhookError::SecretCannotSign);
            }
        }
    }
    Ok(vec![
        (STANDARD.id.to_owned(), msg_id.to_owned()),
        (STANDARD.timestamp.to_owned(), ts_text),
        (STANDARD.signature.to_owned(), signature),
    ])
}
