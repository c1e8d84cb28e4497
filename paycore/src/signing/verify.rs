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
    params: SignatureParams,
    key_id: String,
    nonce: String,
    created: i64,
    expires_at: i64,
    algorithm: Algorithm,
    key_index: usize,
    signature_base: String,
}

impl Verified {
    /// The key id that verified.
    pub fn key_id(&self) -> &str {
        &self.key_id
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
        &self.nonce
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
        match store.check_and_insert(&self.key_id, &self.nonce, self.expires_at, now_unix) {
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
            .field("key_id", &self.key_id)
            .field("key_index", &self.key_index)
            .field("algorithm", &self.algorithm)
            .field("created", &self.created)
            .field("nonce", &self.nonce)
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

/// The selected signature: label, parameters and signature bytes.
struct Selected {
    label: String,
    params: SignatureParams,
    signature: Vec<u8>,
}

fn select(req: &Request<'_>, policy: &VerifyPolicy) -> Result<Selected, VerifyFailure> {
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
    Ok(Selected {
        label,
        params,
        signature,
    })
}

/// The key id of the signature `verify_signature` would check, without
/// checking anything else: for servers that must fetch keys (asynchronously)
/// before calling [`verify_signature`].
pub fn peek_key_id(req: &Request<'_>, policy: &VerifyPolicy) -> Result<String, VerifyError> {
    let sel = select(req, policy).map_err(|f| f.reason)?;
    sel.params
        .key_id()
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
    let sel = select(req, policy)?;
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
        key_id: key_id.to_owned(),
        nonce: nonce.to_owned(),
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
