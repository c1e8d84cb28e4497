//! RFC 9530 `Content-Digest`: produce and check `sha-256` / `sha-512` digests.
//!
//! `Content-Digest` is a Structured Field Dictionary (RFC 8941 / RFC 9651):
//! each key names a hash algorithm from the IANA "Hash Algorithms for HTTP
//! Digest Fields" registry, each value is a Byte Sequence holding the raw
//! digest of the message content (the bytes as sent, after any
//! `Content-Encoding`).
//!
//! ```text
//! Content-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
//! ```
//!
//! [`content_digest`] produces the field value; [`check_content_digest`]
//! parses a received value and recomputes every supported algorithm present
//! (`sha-256`, `sha-512`) over the raw body, compared in constant time.
//! Unknown algorithms (and the deprecated `md5`, `sha`, ...) are ignored; a
//! field that names no supported algorithm is refused with
//! [`DigestError::Unsupported`].
//!
//! ```
//! use paycore::digest::{DigestAlgorithm, check_content_digest, content_digest};
//!
//! let body = br#"{"hello": "world"}"#;
//! let value = content_digest(body, DigestAlgorithm::Sha256);
//! assert_eq!(value, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
//! assert!(check_content_digest(&value, body).is_ok());
//! assert_eq!(
//!     check_content_digest(&value, b"tampered").unwrap_err().code(),
//!     "digest_mismatch"
//! );
//! ```

use crate::crypto::{ct_eq, sha256, sha512};

/// A hash algorithm paycore produces and checks in `Content-Digest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// `sha-256` (the default).
    #[default]
    Sha256,
    /// `sha-512`.
    Sha512,
}

impl DigestAlgorithm {
    /// The registry name, as used as the Dictionary key (`sha-256`, `sha-512`).
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "sha-256",
            DigestAlgorithm::Sha512 => "sha-512",
        }
    }

    /// The algorithm with registry name `name` (exact, lower-case), if supported.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha-256" => Some(DigestAlgorithm::Sha256),
            "sha-512" => Some(DigestAlgorithm::Sha512),
            _ => None,
        }
    }
}

/// Why a `Content-Digest` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// The value is not a Structured Field Dictionary, or a supported
    /// algorithm's member is not a Byte Sequence of the right length.
    #[error("the Content-Digest field is malformed")]
    Malformed,
    /// The field names no algorithm paycore supports (`sha-256`, `sha-512`).
    #[error("the Content-Digest field names no supported algorithm")]
    Unsupported,
    /// A supported algorithm's digest differs from the digest of the body.
    #[error("the Content-Digest does not match the body ({algorithm})")]
    Mismatch {
        /// The registry name of the algorithm that did not match.
        algorithm: &'static str,
    },
}

impl DigestError {
    /// A stable, machine-readable code: `malformed_header`,
    /// `digest_unsupported` or `digest_mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            DigestError::Malformed => "malformed_header",
            DigestError::Unsupported => "digest_unsupported",
            DigestError::Mismatch { .. } => "digest_mismatch",
        }
    }
}

/// The `Content-Digest` field value for `body` with one algorithm, e.g.
/// `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
pub fn content_digest(body: &[u8], algorithm: DigestAlgorithm) -> String {
    let mut out = String::with_capacity(100);
    write_content_digest(body, algorithm, &mut out);
    out
}

/// Appends the `Content-Digest` field value for `body` to `out`.
pub fn write_content_digest(body: &[u8], algorithm: DigestAlgorithm, out: &mut String) {
    use base64::Engine as _;
    out.push_str(algorithm.name());
    out.push_str("=:");
    let engine = &base64::engine::general_purpose::STANDARD;
    match algorithm {
        DigestAlgorithm::Sha256 => engine.encode_string(sha256(&[body]), out),
        DigestAlgorithm::Sha512 => engine.encode_string(sha512(&[body]), out),
    }
    out.push(':');
}

/// Checks a received `Content-Digest` field value against the raw `body`.
///
/// Every supported algorithm present must match; unknown algorithms are
/// ignored. Returns the algorithms that were checked (at least one).
pub fn check_content_digest(value: &str, body: &[u8]) -> Result<Vec<DigestAlgorithm>, DigestError> {
    let checked = check(value, body)?;
    Ok(ALGS
        .into_iter()
        .zip(checked)
        .filter_map(|(alg, c)| c.then_some(alg))
        .collect())
}

/// [`check_content_digest`] without listing the algorithms checked (the
/// verifier's path: no allocation).
pub(crate) fn verify_content_digest(value: &str, body: &[u8]) -> Result<(), DigestError> {
    check(value, body).map(|_| ())
}

const ALGS: [DigestAlgorithm; 2] = [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512];

/// Which of [`ALGS`] were present and matched (at least one).
fn check(value: &str, body: &[u8]) -> Result<[bool; 2], DigestError> {
    // One member (the usual case): compare from the stack, no allocation.
    let mut buf = [0; FAST_MAX];
    if let Some((key, len)) = single_member(value, &mut buf) {
        let received = buf.get(..len).unwrap_or_default();
        let (ok, alg) = match DigestAlgorithm::from_name(key) {
            Some(alg @ DigestAlgorithm::Sha256) => (ct_eq(&sha256(&[body]), received), alg),
            Some(alg @ DigestAlgorithm::Sha512) => (ct_eq(&sha512(&[body]), received), alg),
            None => return Err(DigestError::Unsupported),
        };
        if !ok {
            return Err(DigestError::Mismatch {
                algorithm: alg.name(),
            });
        }
        return Ok([
            alg == DigestAlgorithm::Sha256,
            alg == DigestAlgorithm::Sha512,
        ]);
    }
    let slots = dict_byte_sequences(value, [ALGS[0].name(), ALGS[1].name()])
        .map_err(|_| DigestError::Malformed)?;
    let mut checked = [false; 2];
    for ((alg, slot), done) in ALGS.into_iter().zip(slots).zip(&mut checked) {
        let received = match slot {
            Member::Absent => continue,
            Member::Bytes(b) => b,
            Member::Other => return Err(DigestError::Malformed),
        };
        let ok = match alg {
            DigestAlgorithm::Sha256 => ct_eq(&sha256(&[body]), &received),
            DigestAlgorithm::Sha512 => ct_eq(&sha512(&[body]), &received),
        };
        if !ok {
            return Err(DigestError::Mismatch {
                algorithm: alg.name(),
            });
        }
        *done = true;
    }
    if checked == [false; 2] {
        return Err(DigestError::Unsupported);
    }
    Ok(checked)
}

/// The last value of a Dictionary member (RFC 9651 §4.2.2: a repeated key
/// keeps its last value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Member {
    /// The key is absent.
    Absent,
    /// A Byte Sequence (its parameters are ignored).
    Bytes(Vec<u8>),
    /// Anything else: another item type or an Inner List.
    Other,
}

/// Parses a Structured Field Dictionary with sfv, keeping only the members
/// named in `keys`: an allocation-light alternative to `sfv::Dictionary` for
/// Dictionaries of Byte Sequences (`Content-Digest`, `Signature`). The whole
/// value is still validated.
pub(crate) fn dict_byte_sequences<const N: usize>(
    value: &str,
    keys: [&str; N],
) -> Result<[Member; N], sfv::Error> {
    if let Some(slots) = single_byte_sequence(value, keys) {
        return Ok(slots);
    }
    dict_byte_sequences_sfv(value, keys)
}

/// The strict fast path of [`dict_byte_sequences`]: `None` unless `value` is
/// exactly one member `key=:base64:` (key as RFC 9651 §3.1.2 has it, no
/// parameters, no whitespace) whose base64 decodes under the same rules sfv
/// applies (standard alphabet, padding optional, trailing bits allowed).
/// sfv parses such a value to that one member with those bytes; anything
/// else is left to sfv.
fn single_byte_sequence<const N: usize>(value: &str, keys: [&str; N]) -> Option<[Member; N]> {
    let mut buf = [0; FAST_MAX];
    let (key, len) = single_member(value, &mut buf)?;
    let mut slots = std::array::from_fn(|_| Member::Absent);
    if let Some(slot) = keys
        .iter()
        .position(|k| *k == key)
        .and_then(|i| slots.get_mut(i))
    {
        *slot = Member::Bytes(buf.get(..len)?.to_vec());
    }
    Some(slots)
}

/// The most bytes the fast path decodes (on the stack); longer members go
/// to sfv.
const FAST_MAX: usize = 96;

/// The fast path's parser: the key and the decoded length (into `buf`), or
/// `None` (including when the bytes do not fit `buf`).
fn single_member<'a>(value: &'a str, buf: &mut [u8; FAST_MAX]) -> Option<(&'a str, usize)> {
    use base64::Engine as _;
    const SFV_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    // A key holds no '=', so the first '=' must open "=:".
    let (key, rest) = value.split_at(value.bytes().position(|b| b == b'=')?);
    let encoded = rest.strip_prefix("=:")?.strip_suffix(':')?;
    let mut kb = key.bytes();
    if !kb
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'*')
        || !kb.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.' | b'*')
        })
        || encoded.contains(':')
    {
        return None;
    }
    let len = SFV_BASE64.decode_slice(encoded, buf).ok()?;
    Some((key, len))
}

/// [`dict_byte_sequences`] with sfv only (no fast path).
fn dict_byte_sequences_sfv<const N: usize>(
    value: &str,
    keys: [&str; N],
) -> Result<[Member; N], sfv::Error> {
    sfv::Parser::new(value).parse_dictionary_with_visitor(DictVisitor {
        keys,
        slots: std::array::from_fn(|_| Member::Absent),
    })
}

struct DictVisitor<'k, const N: usize> {
    keys: [&'k str; N],
    slots: [Member; N],
}

struct SlotVisitor<'a>(&'a mut Member);

impl<'de, const N: usize> sfv::visitor::DictionaryVisitor<'de> for DictVisitor<'_, N> {
    type Out = [Member; N];
    type Error = std::convert::Infallible;

    fn entry(
        &mut self,
        key: &'de sfv::KeyRef,
    ) -> Result<impl sfv::visitor::EntryVisitor<'de>, Self::Error> {
        let idx = self.keys.iter().position(|k| *k == key.as_str());
        Ok(idx.and_then(|i| self.slots.get_mut(i)).map(SlotVisitor))
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(self.slots)
    }
}

impl<'de> sfv::visitor::EntryVisitor<'de> for SlotVisitor<'_> {
    type Error = std::convert::Infallible;

    fn item(self) -> Result<impl sfv::visitor::ItemVisitor<'de>, Self::Error> {
        Ok(self)
    }

    fn inner_list(self) -> Result<impl sfv::visitor::InnerListVisitor<'de>, Self::Error> {
        *self.0 = Member::Other;
        Ok(sfv::visitor::Ignored)
    }
}

impl<'de> sfv::visitor::ItemVisitor<'de> for SlotVisitor<'_> {
    type Out = ();
    type Error = std::convert::Infallible;

    fn bare_item(
        self,
        bare_item: sfv::BareItemFromInput<'de>,
    ) -> Result<impl sfv::visitor::ParameterVisitor<'de, Out = Self::Out>, Self::Error> {
        *self.0 = match bare_item {
            sfv::GenericBareItem::ByteSequence(b) => Member::Bytes(b),
            _ => Member::Other,
        };
        Ok(sfv::visitor::Ignored)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    /// The one-member fast path agrees with sfv, and leaves everything else
    /// (several members, parameters, whitespace, bad base64) to it.
    #[test]
    fn fast_path_agrees_with_sfv() {
        let keys = ["sha-256", "sig1"];
        for (value, fast) in [
            (
                "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
                true,
            ),
            ("sig1=:AQID:", true),
            ("sig1=:AQI:", true),
            ("sig1=:AQJ=:", true),
            ("sig1=::", true),
            ("other=:AQID:", true),
            ("*x.y_z-1=:AQID:", true),
            ("sig1=:AQ=I:", false),
            ("sig1=:AQ I:", false),
            ("sig1=:AQ-_:", false),
            ("sig1=:AQID", false),
            ("sig1=:AQ:D:", false),
            ("Sig1=:AQID:", false),
            ("1sig=:AQID:", false),
            ("=:AQID:", false),
            ("sig1=AQID:", false),
            ("sig1=x=:AQID:", false),
            ("sig1:", false),
            (" sig1=:AQID:", false),
            ("sig1=:AQID: ", false),
            ("sig1=:AQID:;p=1", false),
            ("sig1=:AQID:, sig2=:BA==:", false),
            ("sig1=:AQID:, sig1=:BA==:", false),
            ("sig1=:AQID:,", false),
            ("sig1=?1, x=:AQID:", false),
            (&format!("sig1=:{}:", "A".repeat(128)), true),
            (&format!("sig1=:{}:", "A".repeat(129)), false),
            (&format!("sig1=:{}:", "A".repeat(132)), false),
        ] {
            let got = single_byte_sequence(value, keys);
            assert_eq!(got.is_some(), fast, "{value}");
            let slow = dict_byte_sequences_sfv(value, keys);
            if let Some(got) = got {
                assert_eq!(Ok(got), slow.as_ref().map_err(|_| ()).cloned(), "{value}");
            }
            assert_eq!(dict_byte_sequences(value, keys).ok(), slow.ok(), "{value}");
        }
    }

    #[test]
    fn sha512_round_trip_and_unknown_ignored() {
        let body = b"abc";
        let v = content_digest(body, DigestAlgorithm::Sha512);
        assert_eq!(
            check_content_digest(&v, body).unwrap(),
            vec![DigestAlgorithm::Sha512]
        );
        let two = format!("{v}, {}", content_digest(body, DigestAlgorithm::Sha256));
        assert_eq!(
            check_content_digest(&two, body).unwrap(),
            vec![DigestAlgorithm::Sha256, DigestAlgorithm::Sha512]
        );
        let both = format!("md5=:AAAA:, {v}, unixsum=1");
        assert!(check_content_digest(&both, body).is_ok());
        assert_eq!(
            check_content_digest("md5=:AAAA:", body),
            Err(DigestError::Unsupported)
        );
        assert_eq!(
            check_content_digest("sha-256=abc", body),
            Err(DigestError::Malformed)
        );
        assert_eq!(
            check_content_digest("sha-256=:AAAA:", body),
            Err(DigestError::Mismatch {
                algorithm: "sha-256"
            })
        );
        assert_eq!(
            check_content_digest("", body),
            Err(DigestError::Unsupported)
        );
        assert_eq!(check_content_digest("(", body), Err(DigestError::Malformed));
        // The one-member path and the general path agree.
        for v in [
            content_digest(body, DigestAlgorithm::Sha256),
            content_digest(body, DigestAlgorithm::Sha512),
            content_digest(b"other", DigestAlgorithm::Sha512),
            "sha-256=:AAAA:".to_owned(),
            "md5=:AAAA:".to_owned(),
            "sha-256=:AAAA".to_owned(),
            format!("sha-512=:{}:", "A".repeat(200)),
        ] {
            let mut buf = [0; FAST_MAX];
            let general = dict_byte_sequences_sfv(&v, ["sha-256", "sha-512"]).map(|slots| {
                let mut checked = [false; 2];
                let mut result = Ok(());
                for ((alg, slot), done) in ALGS.into_iter().zip(slots).zip(&mut checked) {
                    if let Member::Bytes(b) = slot {
                        let d = match alg {
                            DigestAlgorithm::Sha256 => sha256(&[body]).to_vec(),
                            DigestAlgorithm::Sha512 => sha512(&[body]).to_vec(),
                        };
                        if d != b && result.is_ok() {
                            result = Err(DigestError::Mismatch {
                                algorithm: alg.name(),
                            });
                        }
                        *done = true;
                    }
                }
                match result {
                    Err(e) => Err(e),
                    Ok(()) if checked == [false; 2] => Err(DigestError::Unsupported),
                    Ok(()) => Ok(checked),
                }
            });
            let general = general.unwrap_or(Err(DigestError::Malformed));
            assert_eq!(check(&v, body), general, "{v}");
            let _ = single_member(&v, &mut buf);
        }
    }
}
