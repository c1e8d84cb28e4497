//! The few cryptographic primitives paycore uses, behind small types of its own
//! so no foreign type leaks into the public API.
//!
//! * [`HmacSha256Key`]: an HMAC-SHA256 key whose inner and outer pad states
//!   are computed once, when the key is built, so each MAC costs only the hash
//!   of the message.
//! * [`Ed25519PrivateKey`] / [`Ed25519PublicKey`]: ed25519 (RFC 8032), strict
//!   verification.
//! * [`SecretBytes`]: key material that is zeroed on drop and redacted in `Debug`.
//! * [`ct_eq`], [`sha256`], [`sha512`] and the base64 / hex helpers.
//!
//! Every key type prints as `[REDACTED]`: no secret byte ever reaches a log
//! through `Debug`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Why a key could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key material is empty.
    #[error("the key is empty")]
    Empty,
    /// The key has the wrong number of bytes for its algorithm.
    #[error("the key must be {expected} bytes, got {got}")]
    InvalidLength {
        /// Bytes the algorithm needs.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// The bytes are not a valid key (for instance not a point on the curve).
    #[error("the key bytes are not a valid key")]
    Invalid,
}

impl KeyError {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Empty => "empty_key",
            KeyError::InvalidLength { .. } => "invalid_key_length",
            KeyError::Invalid => "invalid_key",
        }
    }
}

/// Secret bytes: zeroed when dropped, printed as `[REDACTED]`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        SecretBytes(Zeroizing::new(bytes.into()))
    }

    /// The secret bytes. Handle with care: never log them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Length of an HMAC-SHA256 tag.
pub const HMAC_SHA256_LEN: usize = 32;

/// An HMAC-SHA256 key with its pad states precomputed.
#[derive(Clone)]
pub struct HmacSha256Key {
    state: Hmac<Sha256>,
}

impl HmacSha256Key {
    /// Builds a key from raw bytes. Empty keys are refused: HMAC accepts them,
    /// but an empty shared secret is always a configuration mistake.
    pub fn new(key: &[u8]) -> Result<Self, KeyError> {
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        let state = Hmac::<Sha256>::new_from_slice(key).map_err(|_| KeyError::Invalid)?;
        Ok(HmacSha256Key { state })
    }

    /// The tag over the concatenation of `parts`.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; HMAC_SHA256_LEN] {
        let mut m = self.state.clone();
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    /// Whether `tag` is the tag over the concatenation of `parts`, compared in
    /// constant time.
    pub fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        ct_eq(&self.mac(parts), tag)
    }
}

impl fmt::Debug for HmacSha256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSha256Key([REDACTED])")
    }
}

/// Length of an ed25519 key (private seed or public key).
pub const ED25519_KEY_LEN: usize = 32;
/// Length of an ed25519 signature.
pub const ED25519_SIGNATURE_LEN: usize = 64;

/// An ed25519 private key (the 32-byte seed of RFC 8032).
#[derive(Clone)]
pub struct Ed25519PrivateKey(ed25519_dalek::SigningKey);

impl Ed25519PrivateKey {
    /// From the 32-byte seed.
    pub fn from_bytes(seed: &[u8]) -> Result<Self, KeyError> {
        let seed: [u8; ED25519_KEY_LEN] = fixed(seed)?;
        Ok(Ed25519PrivateKey(ed25519_dalek::SigningKey::from_bytes(
            &seed,
        )))
    }

    /// From caller-supplied random bytes (paycore draws no randomness itself).
    pub fn from_random(seed: [u8; ED25519_KEY_LEN]) -> Self {
        Ed25519PrivateKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// The 32-byte seed. Handle with care: never log it.
    pub fn to_bytes(&self) -> SecretBytes {
        SecretBytes::new(self.0.to_bytes().to_vec())
    }

    /// The matching public key.
    pub fn public_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; ED25519_SIGNATURE_LEN] {
        use ed25519_dalek::Signer as _;
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for Ed25519PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ed25519PrivateKey([REDACTED])")
    }
}

/// An ed25519 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct Ed25519PublicKey(ed25519_dalek::VerifyingKey);

impl Ed25519PublicKey {
    /// From the 32-byte encoded point; refuses bytes that are not a valid point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let b: [u8; ED25519_KEY_LEN] = fixed(bytes)?;
        ed25519_dalek::VerifyingKey::from_bytes(&b)
            .map(Ed25519PublicKey)
            .map_err(|_| KeyError::Invalid)
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; ED25519_KEY_LEN] {
        self.0.to_bytes()
    }

    /// Whether `signature` is a valid signature of `message` (strict RFC 8032
    /// verification: no malleable or small-order encodings).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = <[u8; ED25519_SIGNATURE_LEN]>::try_from(signature) else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&sig);
        self.0.verify_strict(message, &sig).is_ok()
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A public key is not secret; print it so configurations can be checked.
        write!(f, "Ed25519PublicKey({})", b64_encode(&self.to_bytes()))
    }
}

fn fixed<const N: usize>(bytes: &[u8]) -> Result<[u8; N], KeyError> {
    if bytes.is_empty() {
        return Err(KeyError::Empty);
    }
    <[u8; N]>::try_from(bytes).map_err(|_| KeyError::InvalidLength {
        expected: N,
        got: bytes.len(),
    })
}

/// Constant-time equality of two byte strings (the length is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// SHA-512 of the concatenation of `parts`.
pub fn sha512(parts: &[&[u8]]) -> [u8; 64] {
    let mut h = Sha512::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn b64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard, padded base64 (RFC 4648 §4); `None` if malformed.
pub fn b64_decode(s: &str) -> Option<Vec<u8>> {
    STANDARD.decode(s).ok()
}

/// Decodes standard, padded base64 into `out`, returning the decoded length;
/// `None` if malformed or longer than `out`. Allocation-free, for hot paths.
pub fn b64_decode_into(s: &str, out: &mut [u8]) -> Option<usize> {
    STANDARD.decode_slice(s, out).ok()
}

/// Lower-case hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Decodes hex (either case); `None` if malformed.
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    hex::decode(s).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn hmac_rfc4231_case_2() {
        let k = HmacSha256Key::new(b"Jefe").unwrap();
        let tag = k.mac(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex_encode(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(k.verify(&[b"what do ya want for nothing?"], &tag));
        let mut bad = tag;
        bad[31] ^= 1;
        assert!(!k.verify(&[b"what do ya want for nothing?"], &bad));
        assert!(!k.verify(&[b"what do ya want for nothing?"], &tag[..31]));
    }

    #[test]
    fn empty_hmac_key_refused() {
        assert_eq!(HmacSha256Key::new(b"").unwrap_err(), KeyError::Empty);
    }

    #[test]
    fn ed25519_rfc8032_test_1() {
        let sk = Ed25519PrivateKey::from_bytes(
            &hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap(),
        )
        .unwrap();
        let pk = sk.public_key();
        assert_eq!(
            hex_encode(&pk.to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let sig = sk.sign(b"");
        assert_eq!(
            hex_encode(&sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert!(pk.verify(b"", &sig));
        assert!(!pk.verify(b"x", &sig));
        assert!(!pk.verify(b"", &sig[..63]));
    }

    #[test]
    fn key_lengths_checked() {
        assert_eq!(
            Ed25519PublicKey::from_bytes(&[1; 31]).unwrap_err(),
            KeyError::InvalidLength {
                expected: 32,
                got: 31
            }
        );
        assert_eq!(
            Ed25519PrivateKey::from_bytes(&[]).unwrap_err(),
            KeyError::Empty
        );
    }

    #[test]
    fn secrets_are_redacted() {
        let k = HmacSha256Key::new(b"super-secret").unwrap();
        assert!(!format!("{k:?}").contains("super"));
        let s = SecretBytes::new(b"super-secret".to_vec());
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        let sk = Ed25519PrivateKey::from_random([7; 32]);
        assert_eq!(format!("{sk:?}"), "Ed25519PrivateKey([REDACTED])");
    }

    #[test]
    fn base64_and_hex() {
        assert_eq!(b64_encode(b"hi"), "aGk=");
        assert_eq!(b64_decode("aGk=").unwrap(), b"hi");
        assert!(b64_decode("aGk").is_none());
        let mut out = [0u8; 4];
        assert_eq!(b64_decode_into("aGk=", &mut out), Some(2));
        assert_eq!(hex_decode("0aFF").unwrap(), vec![10, 255]);
        assert!(hex_decode("0g").is_none());
    }
}
