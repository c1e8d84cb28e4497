//! Webhook verification and signing: Standard Webhooks (and its Svix-branded
//! headers), Stripe, GitHub, Shopify and Razorpay.
//!
//! A [`WebhookVerifier`] is built once from a [`Scheme`], the list of active
//! secrets (any of them may match: that is how secrets are rotated) and
//! [`Options`]; the secrets are parsed and the HMAC key states precomputed at
//! that point, so bad secrets fail early with a typed [`WebhookError`] and
//! each verification costs little more than one HMAC over the body.
//! [`WebhookVerifier::verify`] takes the **raw body bytes** as received (never
//! a re-serialised body; the body need not be UTF-8), the headers through the
//! [`Headers`] trait (names are case-insensitive) and the current time `now`
//! in Unix seconds; parsing the JSON is a separate step for the caller.
//!
//! | scheme | headers | signed content | signature |
//! |---|---|---|---|
//! | [`Scheme::StandardWebhooks`] | `webhook-id`, `webhook-timestamp`, `webhook-signature` (or `svix-*`) | `{id}.{timestamp}.{body}` | space-separated `v1,<base64 HMAC-SHA256>` (key: the base64-decoded `whsec_` secret) and `v1a,<base64 ed25519>` (`whsk_` / `whpk_` keys) |
//! | [`Scheme::Stripe`] | `Stripe-Signature: t=<ts>,v1=<hex>[,v1=<hex>...]` | `{t}.{body}` | hex HMAC-SHA256 keyed with the whole secret string |
//! | [`Scheme::GitHub`] | `X-Hub-Signature-256: sha256=<hex>` | body | hex HMAC-SHA256 |
//! | [`Scheme::Shopify`] | `X-Shopify-Hmac-Sha256` | body | base64 HMAC-SHA256 |
//! | [`Scheme::Razorpay`] | `X-Razorpay-Signature` | body | hex HMAC-SHA256 |
//!
//! Timestamps (Standard Webhooks, Stripe) must lie within `now ± tolerance`
//! (300 s by default, in both directions: a delivery dated in the future is as
//! suspect as an old one, although Stripe's own libraries accept it); the check
//! can be switched off with [`Options::ignore_timestamp`]. GitHub, Shopify and
//! Razorpay sign no timestamp, so nothing protects their deliveries against a
//! replay but the caller's own de-duplication.
//!
//! [`WebhookSigner`] produces the headers to send, for every scheme, so that a
//! sender (or a test) can generate deliveries.
//!
//! ```
//! use paycore::webhook::{Options, Scheme, WebhookSigner, WebhookVerifier};
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let body = br#"{"test": 2432232314}"#;
//!
//! // The sender
//! let signer = WebhookSigner::new(Scheme::StandardWebhooks, &[secret])?;
//! let headers = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)?;
//! assert_eq!(headers[2].0, "webhook-signature");
//! assert_eq!(headers[2].1, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
//!
//! // The receiver, 10 s later
//! let verifier = WebhookVerifier::new(Scheme::StandardWebhooks, &[secret], Options::default())?;
//! let verified = verifier.verify(body, &headers, 1614265340)?;
//! assert_eq!(verified.msg_id, Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
//! assert_eq!(verified.timestamp, Some(1614265330));
//!
//! // A tampered body, or a stale delivery, is rejected with a typed reason.
//! let err = verifier.verify(b"{}", &headers, 1614265340).unwrap_err();
//! assert_eq!(err.code(), "no_matching_signature");
//! let err = verifier.verify(body, &headers, 1614265330 + 301).unwrap_err();
//! assert_eq!(err.code(), "timestamp_too_old");
//! # Ok::<(), paycore::webhook::WebhookError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::Headers;
use crate::crypto::HmacSha256Key;

mod errors;
mod secrets;
mod simple;
mod standard;
mod stripe;

pub use errors::WebhookError;

use secrets::StandardKey;

/// A webhook signature scheme.
///
/// Parses from and prints to a stable lower-case name: `standard` (also
/// `svix`, an alias: Svix deliveries are Standard Webhooks with `svix-*`
/// header names, which the Standard Webhooks verifier accepts), `stripe`,
/// `github`, `shopify`, `razorpay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Standard Webhooks (`webhook-*` or `svix-*` headers; `v1` HMAC-SHA256
    /// and `v1a` ed25519).
    StandardWebhooks,
    /// Stripe (`Stripe-Signature`).
    Stripe,
    /// GitHub (`X-Hub-Signature-256`).
    GitHub,
    /// Shopify (`X-Shopify-Hmac-Sha256`).
    Shopify,
    /// Razorpay (`X-Razorpay-Signature`).
    Razorpay,
}

impl Scheme {
    /// Every scheme.
    pub const ALL: [Scheme; 5] = [
        Scheme::StandardWebhooks,
        Scheme::Stripe,
        Scheme::GitHub,
        Scheme::Shopify,
        Scheme::Razorpay,
    ];

    /// The stable name (`standard`, `stripe`, `github`, `shopify`, `razorpay`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::StandardWebhooks => "standard",
            Scheme::Stripe => "stripe",
            Scheme::GitHub => "github",
            Scheme::Shopify => "shopify",
            Scheme::Razorpay => "razorpay",
        }
    }

    /// Whether the scheme signs a timestamp (Standard Webhooks, Stripe).
    pub fn has_timestamp(self) -> bool {
        matches!(self, Scheme::StandardWebhooks | Scheme::Stripe)
    }

    /// Every header [`WebhookVerifier::verify`] may read for this scheme,
    /// lower-case (Standard Webhooks: the `webhook-*` and the `svix-*`
    /// families).
    ///
    /// A binding holding a foreign header map can extract just these fields
    /// (matching names ASCII case-insensitively, keeping repeated fields in
    /// order) and verify against the extract: the outcome is the same as
    /// against the whole map.
    ///
    /// ```
    /// use paycore::webhook::Scheme;
    /// assert_eq!(Scheme::Stripe.header_names(), ["stripe-signature"]);
    /// assert_eq!(Scheme::StandardWebhooks.header_names().len(), 6);
    /// ```
    pub fn header_names(self) -> &'static [&'static str] {
        match self {
            Scheme::StandardWebhooks => standard::HEADER_NAMES,
            Scheme::Stripe => &[stripe::HEADER],
            Scheme::GitHub => &[simple::GITHUB],
            Scheme::Shopify => &[simple::SHOPIFY],
            Scheme::Razorpay => &[simple::RAZORPAY],
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scheme {
    type Err = WebhookError;

    /// Parses a scheme name, ASCII case-insensitively; `svix` is an alias of
    /// `standard`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.to_ascii_lowercase();
        Ok(match s.as_str() {
            "standard" | "svix" => Scheme::StandardWebhooks,
            "stripe" => Scheme::Stripe,
            "github" => Scheme::GitHub,
            "shopify" => Scheme::Shopify,
            "razorpay" => Scheme::Razorpay,
            _ => return Err(WebhookError::UnknownScheme),
        })
    }
}

/// The default timestamp tolerance: 300 s either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Verification options.
///
/// ```
/// use std::time::Duration;
/// use paycore::webhook::Options;
///
/// let strict = Options::default().with_tolerance(Duration::from_secs(60));
/// assert_eq!(strict.tolerance, Duration::from_secs(60));
/// assert!(!strict.ignore_timestamp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// How far the signed timestamp may lie from `now`, in either direction
    /// (whole seconds; the fraction is ignored). Default: 300 s.
    pub tolerance: Duration,
    /// Skip the timestamp window (the signature, which covers the timestamp,
    /// is still checked). For replaying stored deliveries; never for live
    /// traffic. Default: `false`.
    pub ignore_timestamp: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tolerance: DEFAULT_TOLERANCE,
            ignore_timestamp: false,
        }
    }
}

impl Options {
    /// With this tolerance.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// With the timestamp window switched off (`true`) or on (`false`).
    pub fn with_ignore_timestamp(mut self, ignore: bool) -> Self {
        self.ignore_timestamp = ignore;
        self
    }

    /// `Ok` if `timestamp` lies within `now ± tolerance`, or the check is off.
    fn check_timestamp(&self, timestamp: i64, now: i64) -> Result<(), WebhookError> {
        if self.ignore_timestamp {
            return Ok(());
        }
        let tolerance = i128::from(self.tolerance.as_secs());
        let age = i128::from(now) - i128::from(timestamp);
        if age > tolerance {
            Err(WebhookError::TimestampTooOld)
        } else if -age > tolerance {
            Err(WebhookError::TimestampTooNew)
        } else {
            Ok(())
        }
    }
}

/// What a successful verification established. The id borrows from the
/// headers (no allocation on the hot path); [`Verified::msg_id`] `.map(str::to_owned)`
/// to keep it longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified<'h> {
    /// The scheme that verified.
    pub scheme: Scheme,
    /// The lower-case name of the header that carried the matching signature
    /// (`webhook-signature`, `svix-signature`, `stripe-signature`,
    /// `x-hub-signature-256`, `x-shopify-hmac-sha256`, `x-razorpay-signature`):
    /// it tells the Svix-branded family from the standard one.
    pub signature_header: &'static str,
    /// The signed message id (Standard Webhooks only; the other schemes sign
    /// no id). Use it to drop duplicate deliveries.
    pub msg_id: Option<&'h str>,
    /// The signed timestamp, Unix seconds (Standard Webhooks and Stripe).
    pub timestamp: Option<i64>,
}

/// Keys as each scheme uses them.
#[derive(Debug, Clone)]
enum Keys {
    Standard(Vec<StandardKey>),
    Hmac(Vec<HmacSha256Key>),
}

fn parse_keys<S: AsRef<str>>(scheme: Scheme, secrets: &[S]) -> Result<Keys, WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::NoSecrets);
    }
    let secrets = secrets.iter().map(AsRef::as_ref);
    Ok(match scheme {
        Scheme::StandardWebhooks => Keys::Standard(
            secrets
                .map(secrets::parse_standard)
                .collect::<Result<_, _>>()?,
        ),
        Scheme::Stripe | Scheme::GitHub | Scheme::Shopify | Scheme::Razorpay => Keys::Hmac(
            secrets
                .map(secrets::parse_opaque)
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// Verifies webhook deliveries of one scheme against a list of secrets.
///
/// Build it once (secrets are parsed and HMAC states precomputed here) and
/// share it: `verify` takes `&self`. `Debug` prints no secret.
#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    scheme: Scheme,
    keys: Keys,
    options: Options,
}

impl WebhookVerifier {
    /// A verifier for `scheme` accepting a signature by any of `secrets`.
    ///
    /// Standard Webhooks secrets are `whsec_...` (or the bare base64),
    /// `whsk_...` or `whpk_...`; the other schemes take the secret string as
    /// given. Fails with [`WebhookError::NoSecrets`], `EmptySecret`,
    /// `InvalidSecret`, `InvalidSecretPrefix` or `InvalidSecretLength`.
    pub fn new<S: AsRef<str>>(
        scheme: Scheme,
        secrets: &[S],
        options: Options,
    ) -> Result<Self, WebhookError> {
        Ok(WebhookVerifier {
            scheme,
            keys: parse_keys(scheme, secrets)?,
            options,
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The options.
    pub fn options(&self) -> Options {
        self.options
    }

    /// Verifies a delivery: `body` is the raw request body, `now` the current
    /// time in Unix seconds.
    ///
    /// Checks, in order: the headers are present, the id is valid, the
    /// timestamp parses and lies within the window, then one signature
    /// matches. The first failure is returned.
    pub fn verify<'h, H: Headers + ?Sized>(
        &self,
        body: &[u8],
        headers: &'h H,
        now: i64,
    ) -> Result<Verified<'h>, WebhookError> {
        match &self.keys {
            Keys::Standard(keys) => standard::verify(keys, &self.options, body, headers, now),
            Keys::Hmac(keys) => match self.scheme {
                Scheme::Stripe => stripe::verify(keys, &self.options, body, headers, now),
                scheme => simple::verify(scheme, keys, body, headers),
            },
        }
    }
}

/// Produces the headers of a signed delivery, for every scheme.
///
/// `Debug` prints no secret.
#[derive(Debug, Clone)]
pub struct WebhookSigner {
    scheme: Scheme,
    keys: Keys,
}

impl WebhookSigner {
    /// A signer for `scheme` with `secrets`. Several secrets (during a
    /// rotation) give several signatures in one header for Standard Webhooks
    /// and Stripe; GitHub, Shopify and Razorpay take exactly one
    /// ([`WebhookError::TooManySecrets`]). A `whpk_` public key cannot sign
    /// ([`WebhookError::SecretCannotSign`]).
    pub fn new<S: AsRef<str>>(scheme: Scheme, secrets: &[S]) -> Result<Self, WebhookError> {
        let keys = parse_keys(scheme, secrets)?;
        match &keys {
            Keys::Standard(keys) => {
                if keys
                    .iter()
                    .any(|k| matches!(k, StandardKey::Ed25519 { private: None, .. }))
                {
                    return Err(WebhookError::SecretCannotSign);
                }
            }
            Keys::Hmac(keys) => {
                if keys.len() > 1 && !matches!(scheme, Scheme::Stripe) {
                    return Err(WebhookError::TooManySecrets);
                }
            }
        }
        Ok(WebhookSigner { scheme, keys })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The headers to send with `body`, as `(name, value)` pairs.
    ///
    /// `msg_id` is used by Standard Webhooks only (it must be non-empty
    /// visible ASCII without `.`: [`WebhookError::InvalidMsgId`]), `timestamp`
    /// (Unix seconds) by Standard Webhooks and Stripe; the other schemes ignore
    /// them.
    pub fn sign(
        &self,
        msg_id: &str,
        timestamp: i64,
        body: &[u8],
    ) -> Result<Vec<(String, String)>, WebhookError> {
        match &self.keys {
            Keys::Standard(keys) => standard::sign(keys, msg_id, timestamp, body),
            Keys::Hmac(keys) => Ok(match self.scheme {
                Scheme::Stripe => stripe::sign(keys, timestamp, body),
                scheme => simple::sign(scheme, keys, body),
            }),
        }
    }
}

/// The first value of `name`, unless absent or empty (or only whitespace):
/// an empty header is treated as a missing one.
fn non_empty<'h, H: Headers + ?Sized>(headers: &'h H, name: &'static str) -> Option<&'h str> {
    headers.get(name).filter(|v| !v.trim_ascii().is_empty())
}

/// Parses a canonical decimal integer: `0`, or an optional `-` followed by
/// digits without a leading zero, within `i64`. The canonical form matters:
/// the signed content uses the header's text, and some libraries re-format
/// the parsed number, so only a form that survives a round trip is accepted.
fn parse_canonical_i64(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let first = *digits.as_bytes().first()?;
    if (first == b'0' && (digits.len() > 1 || negative)) || digits.len() > 19 {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        let d = i64::from(b - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(d)?
        } else {
            value.checked_add(d)?
        };
    }
    Some(value)
}

/// Decodes exactly 64 hex digits (either case) into 32 bytes, without
/// allocating.
fn hex_32(s: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        let (hi, lo) = match pair {
            [hi, lo] => (*hi, *lo),
            _ => return None,
        };
        *o = (nibble(hi)? << 4) | nibble(lo)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn scheme_names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(s.as_str().parse::<Scheme>().unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
        }
        assert_eq!("svix".parse::<Scheme>().unwrap(), Scheme::StandardWebhooks);
        assert_eq!("GitHub".parse::<Scheme>().unwrap(), Scheme::GitHub);
        assert_eq!(
            "paypal".parse::<Scheme>().unwrap_err(),
            WebhookError::UnknownScheme
        );
    }

    #[test]
    fn header_names_cover_what_verify_reads() {
        for scheme in Scheme::ALL {
            let names = scheme.header_names();
            if matches!(scheme, Scheme::GitHub | Scheme::Shopify | Scheme::Razorpay) {
                assert_eq!(names, [simple::header(scheme)]);
            }
            let signer =
                WebhookSigner::new(scheme, &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
            let mut headers = signer.sign("msg_1", 1000, b"{}").unwrap();
            headers.push(("Content-Type".into(), "application/json".into()));
            let verifier = WebhookVerifier::new(
                scheme,
                &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
                Options::default(),
            )
            .unwrap();
            // Every header the signer sends is one the verifier names, and an
            // extract of the named headers verifies like the whole set.
            for (name, _) in &headers[..headers.len() - 1] {
                assert!(
                    names.contains(&name.to_ascii_lowercase().as_str()),
                    "{name}"
                );
            }
            let extract: Vec<_> = headers
                .iter()
                .filter(|(n, _)| names.iter().any(|m| n.eq_ignore_ascii_case(m)))
                .cloned()
                .collect();
            assert!(verifier.verify(b"{}", &extract, 1000).is_ok(), "{scheme}");
            // Dropping any named header changes the outcome.
            for i in 0..extract.len() {
                let mut fewer = extract.clone();
                fewer.remove(i);
                assert!(
                    verifier.verify(b"{}", &fewer, 1000).is_err(),
                    "{scheme} {i}"
                );
            }
        }
        // The Svix family is named too.
        let svix = [
            ("svix-id", "msg_1"),
            ("svix-timestamp", "1000"),
            ("svix-signature", "v1,x"),
        ];
        for (n, _) in svix {
            assert!(Scheme::StandardWebhooks.header_names().contains(&n));
        }
    }

    #[test]
    fn canonical_integers() {
        for (s, v) in [
            ("0", Some(0)),
            ("1614265330", Some(1614265330)),
            ("-1", Some(-1)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("", None),
            ("-", None),
            ("-0", None),
            ("01", None),
            ("+1", None),
            (" 1", None),
            ("1.5", None),
            ("1e3", None),
            ("hello", None),
            ("99999999999999999999999", None),
        ] {
            assert_eq!(parse_canonical_i64(s), v, "{s:?}");
        }
    }

    #[test]
    fn hex() {
        let h = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(
            hex_32(h).unwrap().to_vec(),
            crate::crypto::hex_decode(h).unwrap()
        );
        assert_eq!(hex_32(&h.to_uppercase()), hex_32(h), "upper case accepted");
        assert!(hex_32(&h[..62]).is_none());
        assert!(hex_32(&format!("{}zz", &h[..62])).is_none());
        assert!(hex_32("é7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1").is_none());
    }

    #[test]
    fn tolerance_is_two_sided_and_inclusive() {
        let o = Options::default();
        assert_eq!(o.check_timestamp(1000, 1300), Ok(()));
        assert_eq!(o.check_timestamp(1000, 700), Ok(()));
        assert_eq!(
            o.check_timestamp(1000, 1301),
            Err(WebhookError::TimestampTooOld)
        );
        assert_eq!(
            o.check_timestamp(1000, 699),
            Err(WebhookError::TimestampTooNew)
        );
        assert_eq!(
            o.check_timestamp(i64::MIN, i64::MAX),
            Err(WebhookError::TimestampTooOld)
        );
        assert_eq!(
            o.check_timestamp(i64::MAX, i64::MIN),
            Err(WebhookError::TimestampTooNew)
        );
        let off = o.with_ignore_timestamp(true);
        assert_eq!(off.check_timestamp(i64::MIN, i64::MAX), Ok(()));
        let huge = o.with_tolerance(Duration::MAX);
        assert_eq!(huge.check_timestamp(i64::MIN, i64::MAX), Ok(()));
    }
}
