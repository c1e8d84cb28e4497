//! Parsing of webhook secrets, once, when a verifier or signer is built.
//!
//! * Standard Webhooks: `whsec_` + base64 (the HMAC key is the decoded bytes;
//!   the prefix may be omitted; missing `=` padding is tolerated, as the
//!   Python reference library does), `whsk_` + base64 of an ed25519 secret key
//!   (the 32-byte seed, or the 64-byte seed followed by its public key), and
//!   `whpk_` + base64 of a 32-byte ed25519 public key.
//! * Stripe, GitHub, Shopify, Razorpay: the secret string itself, as UTF-8
//!   bytes, is the HMAC key (for Stripe including its `whsec_` prefix).

use zeroize::Zeroizing;

use super::WebhookError;
use crate::crypto::{
    ED25519_KEY_LEN, Ed25519PrivateKey, Ed25519PublicKey, HmacSha256Key, KeyError,
};

/// Prefix of a Standard Webhooks symmetric secret.
pub(crate) const WHSEC: &str = "whsec_";
/// Prefix of a Standard Webhooks ed25519 secret key.
pub(crate) const WHSK: &str = "whsk_";
/// Prefix of a Standard Webhooks ed25519 public key.
pub(crate) const WHPK: &str = "whpk_";

/// A parsed Standard Webhooks key.
#[derive(Clone, Debug)]
pub(crate) enum StandardKey {
    /// `v1`: HMAC-SHA256.
    Hmac(HmacSha256Key),
    /// `v1a`: ed25519; `private` is present for a `whsk_` secret.
    Ed25519 {
        public: Ed25519PublicKey,
        private: Option<Box<Ed25519PrivateKey>>,
    },
}

/// Parses a Standard Webhooks secret or key.
pub(crate) fn parse_standard(secret: &str) -> Result<StandardKey, WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    if let Some(rest) = secret.strip_prefix(WHSEC) {
        return hmac_from_b64(rest);
    }
    if let Some(rest) = secret.strip_prefix(WHSK) {
        let bytes = decode_b64_lenient(rest)?;
        let seed = bytes.get(..ED25519_KEY_LEN);
        let private = match (bytes.len(), seed) {
            (32, Some(seed)) => Ed25519PrivateKey::from_bytes(seed).map_err(key_error)?,
            (64, Some(seed)) => {
                let private = Ed25519PrivateKey::from_bytes(seed).map_err(key_error)?;
                // The libsodium layout: seed || public key. The halves must agree.
                let public = bytes.get(ED25519_KEY_LEN..).unwrap_or_default();
                if private.public_key().to_bytes().as_slice() != public {
                    return Err(WebhookError::InvalidSecret);
                }
                private
            }
            (got, _) => {
                return Err(WebhookError::InvalidSecretLength {
                    expected: ED25519_KEY_LEN,
                    got,
                });
            }
        };
        return Ok(StandardKey::Ed25519 {
            public: private.public_key(),
            private: Some(Box::new(private)),
        });
    }
    if let Some(rest) = secret.strip_prefix(WHPK) {
        let bytes = decode_b64_lenient(rest)?;
        let public = Ed25519PublicKey::from_bytes(&bytes).map_err(key_error)?;
        return Ok(StandardKey::Ed25519 {
            public,
            private: None,
        });
    }
    if has_unknown_prefix(secret) {
        return Err(WebhookError::InvalidSecretPrefix);
    }
    // A bare base64 secret, as the reference libraries accept.
    hmac_from_b64(secret)
}

/// Parses an opaque shared secret (Stripe, GitHub, Shopify, Razorpay): its
/// UTF-8 bytes are the HMAC key.
pub(crate) fn parse_opaque(secret: &str) -> Result<HmacSha256Key, WebhookError> {
    HmacSha256Key::new(secret.as_bytes()).map_err(key_error)
}

fn hmac_from_b64(b64: &str) -> Result<StandardKey, WebhookError> {
    let bytes = decode_b64_lenient(b64)?;
    HmacSha256Key::new(&bytes)
        .map(StandardKey::Hmac)
        .map_err(key_error)
}

fn key_error(e: KeyError) -> WebhookError {
    match e {
        KeyError::Empty => WebhookError::EmptySecret,
        KeyError::InvalidLength { expected, got } => {
            WebhookError::InvalidSecretLength { expected, got }
        }
        _ => WebhookError::InvalidSecret,
    }
}

/// `name_` at the start, where `name` is ASCII alphanumeric: a prefix, since
/// standard base64 never contains `_`.
fn has_unknown_prefix(secret: &str) -> bool {
    match secret.split_once('_') {
        Some((name, _)) => !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()),
        None => false,
    }
}

/// Standard base64, with the `=` padding optional and non-zero trailing bits
/// ignored: what the Python reference library (which appends `==` and decodes
/// leniently) accepts, so a secret that works there works here. The decoded
/// bytes are zeroed when dropped.
fn decode_b64_lenient(s: &str) -> Result<Zeroizing<Vec<u8>>, WebhookError> {
    use base64::Engine as _;
    use base64::alphabet::STANDARD;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    if s.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    LENIENT
        .decode(s)
        .map(Zeroizing::new)
        .map_err(|_| WebhookError::InvalidSecret)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::crypto::b64_encode;

    fn err(s: &str) -> WebhookError {
        parse_standard(s).unwrap_err()
    }

    #[test]
    fn symmetric_forms() {
        for s in [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_bXlzZWNyZXRrZXkxMjM0NQ==",
            "whsec_bXlzZWNyZXRrZXkxMjM0NQ",
        ] {
            assert!(matches!(parse_standard(s).unwrap(), StandardKey::Hmac(_)));
        }
    }

    #[test]
    fn bad_secrets_are_typed_errors() {
        assert_eq!(err(""), WebhookError::EmptySecret);
        assert_eq!(err("whsec_"), WebhookError::EmptySecret);
        assert_eq!(err("whsk_"), WebhookError::EmptySecret);
        assert_eq!(err("whpk_"), WebhookError::EmptySecret);
        assert_eq!(err("whsec_!!!!"), WebhookError::InvalidSecret);
        assert_eq!(err("whsec_abcde"), WebhookError::InvalidSecret);
        assert_eq!(err("not base64 at all"), WebhookError::InvalidSecret);
        assert_eq!(err("sk_live_abc"), WebhookError::InvalidSecretPrefix);
        assert_eq!(err("whsex_abcd"), WebhookError::InvalidSecretPrefix);
        assert_eq!(
            err(&format!("whpk_{}", b64_encode(&[1; 31]))),
            WebhookError::InvalidSecretLength {
                expected: 32,
                got: 31
            }
        );
        assert_eq!(
            err(&format!("whsk_{}", b64_encode(&[1; 33]))),
            WebhookError::InvalidSecretLength {
                expected: 32,
                got: 33
            }
        );
    }

    #[test]
    fn ed25519_forms() {
        let seed = [7u8; 32];
        let sk = Ed25519PrivateKey::from_random(seed);
        let pk = sk.public_key().to_bytes();
        let short = parse_standard(&format!("whsk_{}", b64_encode(&seed))).unwrap();
        let mut long = seed.to_vec();
        long.extend_from_slice(&pk);
        let long = parse_standard(&format!("whsk_{}", b64_encode(&long))).unwrap();
        for k in [short, long] {
            match k {
                StandardKey::Ed25519 { public, private } => {
                    assert_eq!(public.to_bytes(), pk);
                    assert!(private.is_some());
                }
                StandardKey::Hmac(_) => panic!("expected ed25519"),
            }
        }
        // seed || wrong public key
        let mut bad = seed.to_vec();
        bad.extend_from_slice(&[0u8; 32]);
        assert_eq!(
            err(&format!("whsk_{}", b64_encode(&bad))),
            WebhookError::InvalidSecret
        );
        let public = parse_standard(&format!("whpk_{}", b64_encode(&pk))).unwrap();
        assert!(matches!(public, StandardKey::Ed25519 { private: None, .. }));
    }

    #[test]
    fn opaque() {
        assert!(parse_opaque("whsec_test_secret").is_ok());
        assert_eq!(parse_opaque("").unwrap_err(), WebhookError::EmptySecret);
    }
}
