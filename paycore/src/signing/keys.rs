//! Signing and verification keys of the profile's two algorithms.

use std::fmt;

use crate::crypto::{Ed25519PrivateKey, Ed25519PublicKey, HmacSha256Key, KeyError};

/// A signature algorithm of the profile, named as in the IANA "HTTP Signature
/// Algorithms" registry (RFC 9421 §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `hmac-sha256`: HMAC with SHA-256 over a shared secret (RFC 9421 §3.3.3).
    HmacSha256,
    /// `ed25519`: EdDSA over Curve25519 (RFC 9421 §3.3.6).
    Ed25519,
}

impl Algorithm {
    /// The registry name: `hmac-sha256` or `ed25519`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HmacSha256 => "hmac-sha256",
            Algorithm::Ed25519 => "ed25519",
        }
    }

    /// The algorithm with registry name `name`, if the profile supports it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "hmac-sha256" => Some(Algorithm::HmacSha256),
            "ed25519" => Some(Algorithm::Ed25519),
            _ => None,
        }
    }
}

/// A key that signs requests. `Debug` prints no key material.
#[derive(Clone)]
#[non_exhaustive]
pub enum SigningKey {
    /// A shared HMAC-SHA256 secret.
    Hmac(HmacSha256Key),
    /// An ed25519 private key.
    Ed25519(Ed25519PrivateKey),
}

impl SigningKey {
    /// An HMAC-SHA256 key from the raw secret bytes (not their base64 text).
    pub fn hmac(secret: &[u8]) -> Result<Self, KeyError> {
        HmacSha256Key::new(secret).map(SigningKey::Hmac)
    }

    /// An ed25519 key from its 32-byte seed.
    pub fn ed25519(seed: &[u8]) -> Result<Self, KeyError> {
        Ed25519PrivateKey::from_bytes(seed).map(SigningKey::Ed25519)
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SigningKey::Hmac(_) => Algorithm::HmacSha256,
            SigningKey::Ed25519(_) => Algorithm::Ed25519,
        }
    }

    /// The key that verifies this key's signatures (the same secret for
    /// HMAC, the public key for ed25519).
    pub fn verification_key(&self) -> VerificationKey {
        match self {
            SigningKey::Hmac(k) => VerificationKey::Hmac(k.clone()),
            SigningKey::Ed25519(k) => VerificationKey::Ed25519(k.public_key()),
        }
    }

    /// Signs a signature base (RFC 9421 §3.3), appending the signature bytes
    /// to `out`.
    pub fn sign_into(&self, signature_base: &[u8], out: &mut Vec<u8>) {
        match self {
            SigningKey::Hmac(k) => out.extend_from_slice(&k.mac(&[signature_base])),
            SigningKey::Ed25519(k) => out.extend_from_slice(&k.sign(signature_base)),
        }
    }

    /// Signs a signature base (RFC 9421 §3.3) and returns the signature bytes.
    pub fn sign(&self, signature_base: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        self.sign_into(signature_base, &mut out);
        out
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKey::{}([REDACTED])",
            variant_name(self.algorithm())
        )
    }
}

/// A key that verifies signatures. `Debug` prints no secret (an ed25519
/// public key is printed; an HMAC secret is not).
#[derive(Clone)]
#[non_exhaustive]
pub enum VerificationKey {
    /// A shared HMAC-SHA256 secret.
    Hmac(HmacSha256Key),
    /// An ed25519 public key.
    Ed25519(Ed25519PublicKey),
}

impl VerificationKey {
    /// An HMAC-SHA256 key from the raw secret bytes.
    pub fn hmac(secret: &[u8]) -> Result<Self, KeyError> {
        HmacSha256Key::new(secret).map(VerificationKey::Hmac)
    }

    /// An ed25519 public key from its 32-byte encoding.
    pub fn ed25519(public_key: &[u8]) -> Result<Self, KeyError> {
        Ed25519PublicKey::from_bytes(public_key).map(VerificationKey::Ed25519)
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            VerificationKey::Hmac(_) => Algorithm::HmacSha256,
            VerificationKey::Ed25519(_) => Algorithm::Ed25519,
        }
    }

    /// Whether `signature` is valid for `signature_base` under this key
    /// (HMAC tags compared in constant time).
    pub fn verify(&self, signature_base: &[u8], signature: &[u8]) -> bool {
        match self {
            VerificationKey::Hmac(k) => k.verify(&[signature_base], signature),
            VerificationKey::Ed25519(k) => k.verify(signature_base, signature),
        }
    }
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerificationKey::Hmac(_) => f.write_str("VerificationKey::Hmac([REDACTED])"),
            VerificationKey::Ed25519(k) => write!(f, "VerificationKey::Ed25519({k:?})"),
        }
    }
}

fn variant_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::HmacSha256 => "Hmac",
        Algorithm::Ed25519 => "Ed25519",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn debug_is_redacted_and_algorithms_fixed() {
        let k = SigningKey::hmac(b"top-secret-value").unwrap();
        assert_eq!(format!("{k:?}"), "SigningKey::Hmac([REDACTED])");
        assert_eq!(
            format!("{:?}", k.verification_key()),
            "VerificationKey::Hmac([REDACTED])"
        );
        let e = SigningKey::ed25519(&[1; 32]).unwrap();
        assert_eq!(format!("{e:?}"), "SigningKey::Ed25519([REDACTED])");
        assert!(format!("{:?}", e.verification_key()).starts_with("VerificationKey::Ed25519("));
        assert_eq!(e.algorithm().name(), "ed25519");
        assert_eq!(
            Algorithm::from_name("hmac-sha256"),
            Some(Algorithm::HmacSha256)
        );
        assert_eq!(Algorithm::from_name("rsa-pss-sha512"), None);
        let sig = e.sign(b"base");
        assert!(e.verification_key().verify(b"base", &sig));
        assert!(!k.verification_key().verify(b"base", &sig));
    }
}
