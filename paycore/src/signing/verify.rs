//! Verifying a request signed with the paycore profile.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::Duration;

use super::base::{BaseError, Component, SignatureParams, write_signature_base};
use super::input::{self, RawEntry};
use super::keys::{Algorithm, VerificationKey};
use super::message::{HttpMessage, RequestUrl};
use super::nonce::{NonceStore, NonceStoreError};
use super::sign::Request;
use super::{MIN_NONCE_CHARS, PROFILE_TAG};
use crate::digest::{DigestError, Member, dict_byte_sequences, verify_content_digest};

/// Finds the active verification keys for a key id. Several keys may be
/// active at once (rotation): each is tried in order.
pub trait KeyLookup {
    /// The active keys for `key_id` (empty if the id is unknown).
    fn keys(&self, key_id: &str) -> &[VerificationKey];
}

impl<K: KeyLookup + ?Sized> KeyLookup for &K {
    fn keys(&self, key_id: &str) -> &[VerificationKey] {
        (**self).keys(key_id)
    }
}

impl<S: std::hash::BuildHasher> KeyLookup for HashMap<String, Vec<VerificationKey>, S> {
    fn keys(&self, key_id: &str) -> &[VerificationKey] {
        self.get(key_id).map_or(&[], Vec::as_slice)
    }
}

impl KeyLookup for BTreeMap<String, Vec<VerificationKey>> {
    fn keys(&self, key_id: &str) -> &[VerificationKey] {
        self.get(key_id).map_or(&[], Vec::as_slice)
    }
}

/// What the verifier requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyPolicy {
    /// How far `created` may lie from `now`, either way. Default 300 s.
    pub window: Duration,
    /// Components every signature must cover. Default: the profile's
    /// `@method`, `@authority`, `@path`, `@query`. Independently of this
    /// list, `content-digest` and `content-type` must be covered when the
    /// body is not empty, and `idempotency-key` when that header is present.
    pub required_components: Vec<String>,
    /// Verify the `Signature-Input` member with this label instead of the one
    /// tagged [`PROFILE_TAG`].
    pub label: Option<String>,
}

impl Default for VerifyPolicy {
    fn default() -> Self {
        VerifyPolicy {
            window: Duration::from_secs(300),
            required_components: ["@method", "@authority", "@path", "@query"]
                .map(str::to_owned)
                .to_vec(),
            label: None,
        }
    }
}

impl VerifyPolicy {
    /// The default policy with another window.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The default policy, selecting the signature by `label`.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// Why a signed request was refused. See [`VerifyError::code`] for the
/// stable codes; checks run in the order of the variants below.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `Signature-Input` or `Signature` header, or no member with the
    /// profile's tag (or the configured label).
    #[error("no paycore signature on the request")]
    MissingHeader,
    /// `Signature-Input`, `Signature` or `Content-Digest` does not parse,
    /// several members carry the profile's tag, a parameter has the wrong
    /// type, `created`, `keyid` or `nonce` is absent, or a component
    /// identifier is unsupported or repeated (or more than 64 are listed).
    #[error("malformed signature header")]
    MalformedHeader,
    /// The URL the server reconstructed is not absolute.
    #[error("the request URL is not an absolute http(s) URL")]
    InvalidUrl,
    /// A covered component is absent from the request (e.g. a covered header
    /// that was not received), or a covered header value holds a line break.
    #[error("a covered component is absent from the request")]
    ComponentMissing,
    /// The nonce is shorter than 22 characters (128 bits in base64url).
    #[error("the nonce is too short")]
    NonceTooShort,
    /// A required component is not covered.
    #[error("the signature does not cover every required component")]
    ComponentsIncomplete,
    /// `created` is outside `now` ± window, or `expires` has passed.
    #[error("the signature is outside the time window")]
    WindowInvalid,
    /// No active key has this key id.
    #[error("unknown key id")]
    KeyUnknown,
    /// `alg` names another algorithm than every active key's.
    #[error("the signature algorithm does not match the key")]
    AlgMismatch,
    /// `Content-Digest` does not match the body.
    #[error("the Content-Digest does not match the body")]
    DigestMismatch,
    /// `Content-Digest` names no supported algorithm.
    #[error("the Content-Digest names no supported algorithm")]
    DigestUnsupported,
    /// The signature does not verify under any active key.
    #[error("the signature is invalid")]
    SignatureInvalid,
    /// The nonce was already used within its window.
    #[error("the nonce was already used")]
    Replayed,
    /// The nonce store could not answer.
    #[error("nonce store: {0}")]
    NonceStore(NonceStoreError),
}

impl VerifyError {
    /// A stable, machine-readable code: `missing_header`, `malformed_header`,
    /// `invalid_url`, `component_missing`, `nonce_too_short`,
    /// `components_incomplete`, `window_invalid`, `key_unknown`,
    /// `alg_mismatch`, `digest_mismatch`, `digest_unsupported`,
    /// `signature_invalid`, `replayed`, or the nonce store's code.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingHeader => "missing_header",
            VerifyError::MalformedHeader => "malformed_header",
            VerifyError::InvalidUrl => "invalid_url",
            VerifyError::ComponentMissing => "component_missing",
            VerifyError::NonceTooShort => "nonce_too_short",
            VerifyError::ComponentsIncomplete => "components_incomplete",
            VerifyError::WindowInvalid => "window_invalid",
            VerifyError::KeyUnknown => "key_unknown",
            VerifyError::AlgMismatch => "alg_mismatch",
            VerifyError::DigestMismatch => "digest_mismatch",
            VerifyError::DigestUnsupported => "digest_unsupported",
            VerifyError::SignatureInvalid => "signature_invalid",
            VerifyError::Replayed => "replayed",
            VerifyError::NonceStore(e) => e.code(),
        }
    }
}

/// A refusal with what the verifier computed: the reason and, when it got
/// that far, the signature base (no secret in it) to compare with the
/// signer's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct VerifyFailure {
    reason: VerifyError,
    signature_base: Option<String>,
}

impl VerifyFailure {
    /// Why the request was refused.
    pub fn reason(&self) -> &VerifyError {
        &self.reason
    }

    /// The reason's stable code.
    pub fn code(&self) -> &'static str {
        self.reason.code()
    }

    /// The verifier's signature base, if the request got as far as building it.
    pub fn signature_base(&self) -> Option<&str> {
        self.signature_base.as_deref()
    }
}

/// A signature that verified.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    label: String,
    /// `keyid`, `nonce` and `created` are present (checked before this is built).
    params: SignatureParams,
    created: i64,
    expires_at: i64,
    algorithm: Algorithm,
    key_index: usize,
    signature_base: String,
}

impl Verified {
    /// The key id that verified.
    pub fn key_id(&self) -> &str {
        self.params.key_id().unwrap_or_default()
    }

    /// Which of the key id's active keys verified (index into the lookup's slice).
    pub fn key_index(&self) -> usize {
        self.key_index
    }

    /// The algorithm of that key.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The label of the verified `Signature-Input` member.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The covered components, in order.
    pub fn components(&self) -> &[Component] {
        self.params.components()
    }

    /// All signature parameters.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// `created`, Unix seconds.
    pub fn created(&self) -> i64 {
        self.created
    }

    /// The nonce, as sent.
    pub fn nonce(&self) -> &str {
        self.params.nonce().unwrap_or_default()
    }

    /// Until when the nonce must be remembered: `created` + window (Unix
    /// seconds). After that the signature fails the window check anyway.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// The signature base that verified.
    pub fn signature_base(&self) -> &str {
        &self.signature_base
    }

    /// The replay check: records the nonce in `store`, refusing a nonce
    /// already seen. For callers whose store is asynchronous (Redis), do the
    /// same with [`Verified::key_id`], [`Verified::nonce`] and
    /// [`Verified::expires_at`].
    pub fn check_nonce(
        self,
        store: &dyn NonceStore,
        now_unix: i64,
    ) -> Result<Verified, VerifyFailure> {
        match store.check_and_insert(self.key_id(), self.nonce(), self.expires_at, now_unix) {
            Ok(true) => Ok(self),
            Ok(false) => Err(VerifyFailure {
                reason: VerifyError::Replayed,
                signature_base: Some(self.signature_base),
            }),
            Err(e) => Err(VerifyFailure {
                reason: VerifyError::NonceStore(e),
                signature_base: Some(self.signature_base),
            }),
        }
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("label", &self.label)
            .field("key_id", &self.key_id())
            .field("key_index", &self.key_index)
            .field("algorithm", &self.algorithm)
            .field("created", &self.created)
            .field("nonce", &self.nonce())
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

fn fail(reason: VerifyError) -> VerifyFailure {
    VerifyFailure {
        reason,
        signature_base: None,
    }
}

/// The signature a verifier picked from a request's `Signature-Input` and
/// `Signature` headers (see [`select_signature`]): its label, parameters and
/// signature bytes, parsed once. `Debug` omits the signature bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SelectedSignature {
    label: String,
    params: SignatureParams,
    signature: Vec<u8>,
}

impl SelectedSignature {
    /// The label of the `Signature-Input` member.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Its parameters.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// Its `keyid` parameter, if any.
    pub fn key_id(&self) -> Option<&str> {
        self.params.key_id()
    }
}

impl fmt::Debug for SelectedSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectedSignature")
            .field("label", &self.label)
            .field("params", &self.params.serialized())
            .finish_non_exhaustive()
    }
}

/// Parses the request's `Signature-Input` and `Signature` headers and picks
/// the signature [`verify_signature`] would check (the member tagged
/// [`PROFILE_TAG`], or the policy's label). For servers that must fetch keys
/// (asynchronously) before verifying: read [`SelectedSignature::key_id`],
/// fetch the keys, then call [`verify_selected`] with the same request and
/// policy, so the headers are parsed once. Fails with `missing_header` or
/// `malformed_header`.
pub fn select_signature(
    req: &Request<'_>,
    policy: &VerifyPolicy,
) -> Result<SelectedSignature, VerifyFailure> {
    select(req, policy)
}

fn select(req: &Request<'_>, policy: &VerifyPolicy) -> Result<SelectedSignature, VerifyFailure> {
    let (Some(input), Some(sig)) = (
        req.headers.get_combined("signature-input"),
        req.headers.get_combined("signature"),
    ) else {
        return Err(fail(VerifyError::MissingHeader));
    };
    let malformed = || fail(VerifyError::MalformedHeader);
    let inputs = input::parse(&input).map_err(|_| malformed())?;

    let (label, list) = match &policy.label {
        Some(l) => match inputs.iter().find(|(k, _)| k.as_str() == l) {
            Some((_, RawEntry::List(list))) => (l.clone(), list),
            Some((_, RawEntry::Item)) => return Err(malformed()),
            None => return Err(fail(VerifyError::MissingHeader)),
        },
        None => {
            let mut found = None;
            for (k, entry) in &inputs {
                let RawEntry::List(list) = entry else {
                    continue;
                };
                let tagged = list
                    .param("tag")
                    .and_then(|t| t.as_string())
                    .is_some_and(|t| t.as_str() == PROFILE_TAG);
                if tagged {
                    if found.is_some() {
                        return Err(malformed());
                    }
                    found = Some((k.as_str().to_owned(), list));
                }
            }
            found.ok_or_else(|| fail(VerifyError::MissingHeader))?
        }
    };
    let [member] = dict_byte_sequences(&sig, [label.as_str()]).map_err(|_| malformed())?;
    let Member::Bytes(signature) = member else {
        return Err(malformed());
    };
    let params = SignatureParams::from_raw(list).map_err(|_| malformed())?;
    Ok(SelectedSignature {
        label,
        params,
        signature,
    })
}

/// The key id of the signature `verify_signature` would check, without
/// checking anything else: for servers that must fetch keys (asynchronously)
/// before calling [`verify_signature`].
///
/// This parses the headers; [`select_signature`] then [`verify_selected`]
/// parses them only once.
pub fn peek_key_id(req: &Request<'_>, policy: &VerifyPolicy) -> Result<String, VerifyError> {
    let sel = select(req, policy).map_err(|f| f.reason)?;
    sel.key_id()
        .map(str::to_owned)
        .ok_or(VerifyError::MalformedHeader)
}

/// Verifies everything but the replay check: header parsing, the signature
/// base, covered components, the time window, the key and its algorithm,
/// `Content-Digest` and the signature itself. Call [`Verified::check_nonce`]
/// (or do its work against an asynchronous store) afterwards.
///
/// Checks run in this order, the first failure is returned:
/// `missing_header`, `malformed_header`, `invalid_url`, `component_missing`,
/// `nonce_too_short`, `components_incomplete`, `window_invalid`,
/// `key_unknown`, `alg_mismatch`, `digest_mismatch` / `digest_unsupported`,
/// `signature_invalid`. From `nonce_too_short` on, the failure carries the
/// signature base.
pub fn verify_signature(
    req: &Request<'_>,
    keys: &dyn KeyLookup,
    now_unix: i64,
    policy: &VerifyPolicy,
) -> Result<Verified, VerifyFailure> {
    verify_selected(req, select(req, policy)?, keys, now_unix, policy)
}

/// [`verify_signature`] for a signature already picked by
/// [`select_signature`] from the same request `req` under the same `policy`:
/// every check but the header parsing, in the same order, with the same
/// failures.
pub fn verify_selected(
    req: &Request<'_>,
    sel: SelectedSignature,
    keys: &dyn KeyLookup,
    now_unix: i64,
    policy: &VerifyPolicy,
) -> Result<Verified, VerifyFailure> {
    let p = &sel.params;
    let (Some(created), Some(key_id), Some(nonce)) = (p.created(), p.key_id(), p.nonce()) else {
        return Err(fail(VerifyError::MalformedHeader));
    };
    let url = RequestUrl::parse(req.url).map_err(|_| fail(VerifyError::InvalidUrl))?;
    let msg = HttpMessage::request(req.method, &url, req.headers);
    let mut base = String::with_capacity(320);
    write_signature_base(&msg, p, &mut base).map_err(|e| {
        fail(match e {
            BaseError::MissingComponent(_) | BaseError::InvalidValue(_) => {
                VerifyError::ComponentMissing
            }
            _ => VerifyError::MalformedHeader,
        })
    })?;
    let with_base = |reason| VerifyFailure {
        reason,
        signature_base: Some(base.clone()),
    };

    if nonce.len() < MIN_NONCE_CHARS {
        return Err(with_base(VerifyError::NonceTooShort));
    }
    let required = policy.required_components.iter().map(String::as_str);
    let body_rule = (!req.body.is_empty())
        .then_some(["content-digest", "content-type"])
        .into_iter()
        .flatten();
    let idem_rule = req
        .headers
        .get("idempotency-key")
        .map(|_| "idempotency-key")
        .into_iter();
    if !required
        .chain(body_rule)
        .chain(idem_rule)
        .all(|c| p.covers(c))
    {
        return Err(with_base(VerifyError::ComponentsIncomplete));
    }

    let window = i128::from(policy.window.as_secs());
    let age = i128::from(now_unix) - i128::from(created);
    let expired = p.expires().is_some_and(|e| now_unix > e);
    if age > window || -age > window || expired {
        return Err(with_base(VerifyError::WindowInvalid));
    }

    let candidates = keys.keys(key_id);
    if candidates.is_empty() {
        return Err(with_base(VerifyError::KeyUnknown));
    }
    let wanted = match p.alg() {
        Some(name) => match Algorithm::from_name(name) {
            Some(a) => Some(a),
            None => return Err(with_base(VerifyError::AlgMismatch)),
        },
        None => None,
    };
    if let Some(a) = wanted {
        if !candidates.iter().any(|k| k.algorithm() == a) {
            return Err(with_base(VerifyError::AlgMismatch));
        }
    }

    if p.covers("content-digest") || !req.body.is_empty() {
        let value = req
            .headers
            .get_combined("content-digest")
            .ok_or_else(|| with_base(VerifyError::ComponentMissing))?;
        verify_content_digest(&value, req.body).map_err(|e| {
            with_base(match e {
                DigestError::Mismatch { .. } => VerifyError::DigestMismatch,
                DigestError::Unsupported => VerifyError::DigestUnsupported,
                _ => VerifyError::MalformedHeader,
            })
        })?;
    }

    let matched = candidates.iter().enumerate().find(|(_, k)| {
        wanted.is_none_or(|a| k.algorithm() == a) && k.verify(base.as_bytes(), &sel.signature)
    });
    let Some((key_index, key)) = matched else {
        return Err(with_base(VerifyError::SignatureInvalid));
    };
    let expires_at = i64::try_from(i128::from(created) + window).unwrap_or(i64::MAX);
    Ok(Verified {
        created,
        expires_at,
        algorithm: key.algorithm(),
        key_index,
        label: sel.label,
        params: sel.params,
        signature_base: base,
    })
}

/// [`verify_signature`], then the replay check against `store`
/// (`replayed` if the nonce was seen within its window).
pub fn verify_request(
    req: &Request<'_>,
    keys: &dyn KeyLookup,
    now_unix: i64,
    policy: &VerifyPolicy,
    store: &dyn NonceStore,
) -> Result<Verified, VerifyFailure> {
    verify_signature(req, keys, now_unix, policy)?.check_nonce(store, now_unix)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::signing::{SigningKey, sign_request};

    const URL: &str = "https://api.example.com/v1/payments?expand=customer";

    fn signed(key: &SigningKey) -> Vec<(String, String)> {
        let headers = [
            ("Content-Type", "application/json"),
            ("Idempotency-Key", "k-1"),
        ];
        let req = Request::new("POST", URL, &headers, b"{}");
        let s = sign_request(&req, "key_1", key, 1_700_000_000, &[7; 16]).unwrap();
        headers
            .iter()
            .copied()
            .chain(s.headers())
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn set(headers: &mut [(String, String)], name: &str, f: impl Fn(&str) -> String) {
        let (_, v) = headers.iter_mut().find(|(k, _)| k == name).unwrap();
        *v = f(v);
    }

    /// Selecting once then verifying gives what `verify_signature` gives,
    /// success or failure.
    #[test]
    fn select_then_verify_matches_verify_signature() {
        let key = SigningKey::hmac(b"secret").unwrap();
        let keys = HashMap::from([("key_1".to_owned(), vec![key.verification_key()])]);
        let policy = VerifyPolicy::default();
        let good = signed(&key);
        let mut tampered = good.clone();
        set(&mut tampered, "Signature", |v| {
            let (label, rest) = v.split_at(v.find(':').unwrap() + 1);
            let flipped = if rest.starts_with('A') { "B" } else { "A" };
            format!("{label}{flipped}{}", &rest[1..])
        });
        let mut foreign = good.clone();
        set(&mut foreign, "Signature-Input", |v| {
            format!("{v}, sig2=(\"@path\");keyid=\"x\"")
        });
        for (headers, ok) in [(&good, true), (&tampered, false), (&foreign, true)] {
            let req = Request::new("POST", URL, headers, b"{}");
            let sel = select_signature(&req, &policy).unwrap();
            assert_eq!(sel.key_id(), Some("key_1"));
            assert_eq!(sel.label(), "sig1");
            assert_eq!(peek_key_id(&req, &policy).unwrap(), "key_1");
            assert!(format!("{sel:?}").ends_with(", .. }"));
            let a = verify_selected(&req, sel, &keys, 1_700_000_001, &policy);
            let b = verify_signature(&req, &keys, 1_700_000_001, &policy);
            assert_eq!(a, b);
            assert_eq!(a.is_ok(), ok);
        }
        let req = Request::new("POST", URL, &[("Signature", "sig1=:AA==:")], b"");
        assert_eq!(
            select_signature(&req, &policy).unwrap_err().code(),
            "missing_header"
        );
    }

    /// A valid but non-canonical `Signature-Input` (the slow path) yields
    /// the canonical `@signature-params` line, so the signature verifies
    /// with the signer's base.
    #[test]
    fn non_canonical_signature_input_verifies() {
        let key = SigningKey::hmac(b"secret").unwrap();
        let keys = HashMap::from([("key_1".to_owned(), vec![key.verification_key()])]);
        let policy = VerifyPolicy::default();
        let good = signed(&key);
        let base = {
            let req = Request::new("POST", URL, &good, b"{}");
            verify_signature(&req, &keys, 1_700_000_001, &policy)
                .unwrap()
                .signature_base()
                .to_owned()
        };
        for rewrite in [
            |v: &str| {
                v.replace("=(", "=( ")
                    .replace(")", " )")
                    .replace("\" \"", "\"  \"")
            },
            |v: &str| v.replace(";created=1700000000", ";created=01700000000"),
            |v: &str| {
                v.replace(";tag=", ";x=?1;x=2;tag=")
                    .replace(";x=?1;x=2", ";x=?1")
            },
            |v: &str| format!("other=1, {v}"),
            |v: &str| format!("  {v}  "),
        ] {
            let mut h = good.clone();
            set(&mut h, "Signature-Input", rewrite);
            let v = h
                .iter()
                .find(|(k, _)| k == "Signature-Input")
                .unwrap()
                .1
                .clone();
            assert!(input::parse_canonical(&v).is_none(), "{v}");
            let req = Request::new("POST", URL, &h, b"{}");
            match verify_signature(&req, &keys, 1_700_000_001, &policy) {
                Ok(ok) => assert_eq!(ok.signature_base(), base, "{v}"),
                // A parameter the signer did not send changes the base.
                Err(e) => {
                    assert!(v.contains(";x"), "{v}: {e:?}");
                    let got = e.signature_base().unwrap();
                    assert!(got.ends_with(";x;tag=\"paycore-v1\""), "{got}");
                }
            }
        }
    }
}
