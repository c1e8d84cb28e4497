//! Request signing and verification (`paycore::signing`, the `paycore-v1`
//! profile of RFC 9421).

use std::collections::HashMap;
use std::time::Duration;

use paycore::digest::{self, DigestAlgorithm, DigestError};
use paycore::signing::{
    self, MemoryNonceStore, Request, SignError, SignedRequest as CoreSigned, VerifyFailure,
    VerifyPolicy,
};
use paycore::signing::{HttpMessage, RequestUrl};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert;
use crate::errors::raise;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SigningKey>()?;
    m.add_class::<VerificationKey>()?;
    m.add_class::<NonceStore>()?;
    m.add_class::<SignedRequest>()?;
    m.add_class::<VerifiedRequest>()?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(content_digest, m)?)?;
    m.add_function(wrap_pyfunction!(signature_base, m)?)?;
    m.add_function(wrap_pyfunction!(parse_signature, m)?)?;
    m.add_function(wrap_pyfunction!(check_content_digest, m)?)?;
    Ok(())
}

fn digest_algorithm(name: &str) -> PyResult<DigestAlgorithm> {
    DigestAlgorithm::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown digest algorithm {name:?} (sha-256, sha-512)"
        ))
    })
}

/// The RFC 9530 `Content-Digest` value of `body`.
#[pyfunction]
#[pyo3(signature = (body, algorithm = "sha-256"))]
fn content_digest(body: &Bound<'_, PyAny>, algorithm: &str) -> PyResult<String> {
    let body = convert::body(body, "body")?;
    Ok(digest::content_digest(
        body.as_slice(),
        digest_algorithm(algorithm)?,
    ))
}

/// Checks a received `Content-Digest` against `body`; returns the
/// algorithms checked.
#[pyfunction]
fn check_content_digest(
    py: Python<'_>,
    value: &str,
    body: &Bound<'_, PyAny>,
) -> PyResult<Vec<&'static str>> {
    let body = convert::body(body, "body")?;
    digest::check_content_digest(value, body.as_slice())
        .map(|algs| algs.into_iter().map(DigestAlgorithm::name).collect())
        .map_err(|e| {
            let algorithm = match &e {
                DigestError::Mismatch { algorithm } => Some(*algorithm),
                _ => None,
            };
            raise(
                py,
                "ContentDigestError",
                &e.to_string(),
                &[
                    ("code", Some(e.code())),
                    ("reason", Some(e.code())),
                    ("algorithm", algorithm),
                ],
            )
        })
}

fn key_error(py: Python<'_>, e: &paycore::KeyError) -> PyErr {
    raise(
        py,
        "SigningError",
        &e.to_string(),
        &[("code", Some(e.code())), ("reason", Some(e.code()))],
    )
}

fn sign_error(py: Python<'_>, e: &SignError) -> PyErr {
    raise(
        py,
        "SigningError",
        &e.to_string(),
        &[("code", Some(e.code())), ("reason", Some(e.code()))],
    )
}

fn verify_error(py: Python<'_>, f: &VerifyFailure) -> PyErr {
    raise(
        py,
        "SignatureVerificationError",
        &f.reason().to_string(),
        &[
            ("code", Some(f.code())),
            ("reason", Some(f.code())),
            ("signature_base", f.signature_base()),
        ],
    )
}

/// A key that signs requests: HMAC-SHA256 or ed25519. Its repr shows no
/// secret.
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct SigningKey(signing::SigningKey);

#[pymethods]
impl SigningKey {
    /// An HMAC-SHA256 key from the shared secret (bytes, or str as UTF-8).
    #[staticmethod]
    fn hmac(py: Python<'_>, secret: &Bound<'_, PyAny>) -> PyResult<Self> {
        let secret = convert::secret_bytes(secret, "secret")?;
        signing::SigningKey::hmac(&secret)
            .map(SigningKey)
            .map_err(|e| key_error(py, &e))
    }

    /// An ed25519 key from its 32-byte seed.
    #[staticmethod]
    fn ed25519(py: Python<'_>, seed: &[u8]) -> PyResult<Self> {
        signing::SigningKey::ed25519(seed)
            .map(SigningKey)
            .map_err(|e| key_error(py, &e))
    }

    /// `hmac-sha256` or `ed25519`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.0.algorithm().name()
    }

    /// Signs a signature base (raw RFC 9421 building block).
    fn sign<'py>(&self, py: Python<'py>, signature_base: &[u8]) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.sign(signature_base))
    }

    /// The key that verifies this key's signatures.
    fn verification_key(&self) -> VerificationKey {
        VerificationKey(self.0.verification_key())
    }

    fn __repr__(&self) -> String {
        format!(
            "SigningKey(algorithm='{}', <redacted>)",
            self.0.algorithm().name()
        )
    }
}

/// A key that verifies signatures: the HMAC secret or an ed25519 public key.
/// Its repr shows no secret.
#[pyclass(frozen, module = "paycore._native")]
#[derive(Clone)]
pub(crate) struct VerificationKey(signing::VerificationKey);

#[pymethods]
impl VerificationKey {
    /// An HMAC-SHA256 key from the shared secret (bytes, or str as UTF-8).
    #[staticmethod]
    fn hmac(py: Python<'_>, secret: &Bound<'_, PyAny>) -> PyResult<Self> {
        let secret = convert::secret_bytes(secret, "secret")?;
        signing::VerificationKey::hmac(&secret)
            .map(VerificationKey)
            .map_err(|e| key_error(py, &e))
    }

    /// An ed25519 key from its 32-byte public key.
    #[staticmethod]
    fn ed25519(py: Python<'_>, public_key: &[u8]) -> PyResult<Self> {
        signing::VerificationKey::ed25519(public_key)
            .map(VerificationKey)
            .map_err(|e| key_error(py, &e))
    }

    /// `hmac-sha256` or `ed25519`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.0.algorithm().name()
    }

    /// Whether `signature` signs `signature_base` under this key (constant
    /// time; raw RFC 9421 building block).
    fn verify(&self, signature_base: &[u8], signature: &[u8]) -> bool {
        self.0.verify(signature_base, signature)
    }

    fn __repr__(&self) -> String {
        format!(
            "VerificationKey(algorithm='{}', <redacted>)",
            self.0.algorithm().name()
        )
    }
}

/// The nonces seen by a verifier, kept until their signature's window ends
/// (a bounded in-memory store; thread-safe).
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct NonceStore(MemoryNonceStore);

#[pymethods]
impl NonceStore {
    #[new]
    #[pyo3(signature = (capacity = 100_000))]
    fn new(capacity: usize) -> Self {
        NonceStore(MemoryNonceStore::new(capacity))
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __repr__(&self) -> String {
        format!("NonceStore(len={})", self.0.len())
    }
}

/// A signed request: the headers to add, and the signature base that was
/// signed (for diagnosis).
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct SignedRequest(CoreSigned);

#[pymethods]
impl SignedRequest {
    /// `Content-Digest` (absent for an empty body).
    #[getter]
    fn content_digest(&self) -> Option<&str> {
        self.0.content_digest()
    }

    /// `Signature-Input`.
    #[getter]
    fn signature_input(&self) -> &str {
        self.0.signature_input()
    }

    /// `Signature`.
    #[getter]
    fn signature(&self) -> &str {
        self.0.signature()
    }

    /// The signature base that was signed.
    #[getter]
    fn signature_base(&self) -> &str {
        self.0.signature_base()
    }

    /// The headers to add to the request.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (k, v) in self.0.headers() {
            out.set_item(k, v)?;
        }
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!(
            "SignedRequest(signature_input={:?})",
            self.0.signature_input()
        )
    }
}

/// What a successful verification established.
#[pyclass(frozen, module = "paycore._native", get_all)]
pub(crate) struct VerifiedRequest {
    /// The key id (`keyid`).
    key_id: String,
    /// Which of the key id's keys matched (0 = the first).
    key_index: usize,
    /// `hmac-sha256` or `ed25519`.
    alg: &'static str,
    /// The `Signature-Input` label.
    label: String,
    /// `created`, Unix seconds.
    created: i64,
    /// The nonce, as sent.
    nonce: String,
    /// When the nonce may be forgotten, Unix seconds.
    expires_at: i64,
    /// The covered component identifiers, in order.
    components: Vec<String>,
    /// The signature base the verifier built.
    signature_base: String,
}

#[pymethods]
impl VerifiedRequest {
    fn __repr__(&self) -> String {
        format!(
            "VerifiedRequest(key_id={:?}, alg='{}', created={})",
            self.key_id, self.alg, self.created
        )
    }
}

fn signing_key(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<signing::SigningKey> {
    if let Ok(k) = key.cast::<SigningKey>() {
        return Ok(k.get().0.clone());
    }
    if key.is_instance_of::<PyString>() || key.is_instance_of::<pyo3::types::PyBytes>() {
        let secret = convert::secret_bytes(key, "secret")?;
        return signing::SigningKey::hmac(&secret).map_err(|e| key_error(py, &e));
    }
    Err(PyTypeError::new_err(
        "secret must be a SigningKey, or bytes / str (an HMAC secret)",
    ))
}

/// Signs a request with the `paycore-v1` profile.
#[pyfunction]
#[pyo3(signature = (method, url, headers, body, key_id, secret, *, now = None, nonce = None))]
#[allow(clippy::too_many_arguments, reason = "mirrors the Python signature")]
fn sign(
    py: Python<'_>,
    method: &str,
    url: &str,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    key_id: &str,
    secret: &Bound<'_, PyAny>,
    now: Option<i64>,
    nonce: Option<&[u8]>,
) -> PyResult<SignedRequest> {
    let key = signing_key(py, secret)?;
    let headers = convert::all_headers(headers)?;
    let body = convert::body(body, "body")?;
    let generated;
    let nonce = match nonce {
        Some(n) => n,
        None => {
            generated = convert::random_bytes(py, 16)?;
            &generated
        }
    };
    let req = Request::new(method, url, &headers, body.as_slice());
    signing::sign_request(&req, key_id, &key, convert::now_or_clock(now), nonce)
        .map(SignedRequest)
        .map_err(|e| sign_error(py, &e))
}

fn key_map(keys: &Bound<'_, PyAny>) -> PyResult<HashMap<String, Vec<signing::VerificationKey>>> {
    let mut out = HashMap::new();
    convert::for_each_header(keys, |id, list| {
        let id: String = id
            .extract()
            .map_err(|_| PyTypeError::new_err("key ids must be str"))?;
        let list: Vec<Bound<'_, PyAny>> = if list.is_instance_of::<VerificationKey>() {
            vec![list.clone()]
        } else {
            list.extract().map_err(|_| {
                PyTypeError::new_err("keys must map a key id to a list of VerificationKey")
            })?
        };
        let mut ks = Vec::with_capacity(list.len());
        for k in list {
            let k = k
                .cast::<VerificationKey>()
                .map_err(|_| PyTypeError::new_err("keys must be VerificationKey objects"))?;
            ks.push(k.get().0.clone());
        }
        out.insert(id, ks);
        Ok(())
    })?;
    Ok(out)
}

/// Verifies a signed request; `nonce_store=None` skips the replay check.
#[pyfunction]
#[pyo3(signature = (method, url, headers, body, keys, *, nonce_store, now = None, window = 300, label = None))]
#[allow(clippy::too_many_arguments, reason = "mirrors the Python signature")]
fn verify(
    py: Python<'_>,
    method: &str,
    url: &str,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyAny>,
    nonce_store: Option<&Bound<'_, NonceStore>>,
    now: Option<i64>,
    window: i64,
    label: Option<String>,
) -> PyResult<VerifiedRequest> {
    let headers = convert::all_headers(headers)?;
    let body = convert::body(body, "body")?;
    let keys = key_map(keys)?;
    let window = u64::try_from(window)
        .map_err(|_| PyValueError::new_err("window must be a non-negative number of seconds"))?;
    let mut policy = VerifyPolicy::default().with_window(Duration::from_secs(window));
    if let Some(l) = label {
        policy = policy.with_label(l);
    }
    let req = Request::new(method, url, &headers, body.as_slice());
    let now = convert::now_or_clock(now);
    let result = match nonce_store {
        Some(store) => signing::verify_request(&req, &keys, now, &policy, &store.get().0),
        None => signing::verify_signature(&req, &keys, now, &policy),
    };
    let v = result.map_err(|f| verify_error(py, &f))?;
    Ok(VerifiedRequest {
        key_id: v.key_id().to_owned(),
        key_index: v.key_index(),
        alg: v.algorithm().name(),
        label: v.label().to_owned(),
        created: v.created(),
        nonce: v.nonce().to_owned(),
        expires_at: v.expires_at(),
        components: v
            .components()
            .iter()
            .map(|c| c.identifier().to_owned())
            .collect(),
        signature_base: v.signature_base().to_owned(),
    })
}

/// The RFC 9421 signature base of a request (`method` and `url`) or a
/// response (`status`) under a `Signature-Input` value with one member.
#[pyfunction]
#[pyo3(signature = (signature_input, headers, *, method = None, url = None, status = None))]
fn signature_base(
    py: Python<'_>,
    signature_input: &str,
    headers: &Bound<'_, PyAny>,
    method: Option<&str>,
    url: Option<&str>,
    status: Option<u16>,
) -> PyResult<String> {
    let members = signing::parse_signature_input(signature_input).map_err(|e| {
        raise(
            py,
            "SigningError",
            &e.to_string(),
            &[("code", Some(e.code())), ("reason", Some(e.code()))],
        )
    })?;
    let [(_, params)] = members.as_slice() else {
        return Err(PyValueError::new_err(
            "signature_input must hold exactly one member",
        ));
    };
    let headers = convert::all_headers(headers)?;
    let base_error = |e: signing::BaseError| {
        raise(
            py,
            "SigningError",
            &e.to_string(),
            &[("code", Some(e.code())), ("reason", Some(e.code()))],
        )
    };
    match (method, url, status) {
        (Some(method), Some(url), None) => {
            let url = RequestUrl::parse(url).map_err(|e| {
                raise(
                    py,
                    "SigningError",
                    &e.to_string(),
                    &[("code", Some(e.code())), ("reason", Some(e.code()))],
                )
            })?;
            let msg = HttpMessage::request(method, &url, &headers);
            signing::signature_base(&msg, params).map_err(base_error)
        }
        (None, None, Some(status)) => {
            let msg = HttpMessage::response(status, &headers);
            signing::signature_base(&msg, params).map_err(base_error)
        }
        _ => Err(PyValueError::new_err(
            "give method= and url= (a request) or status= (a response)",
        )),
    }
}

/// Parses a `Signature` field value into `(label, signature bytes)` pairs.
#[pyfunction]
fn parse_signature<'py>(
    py: Python<'py>,
    value: &str,
) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
    signing::parse_signature(value)
        .map(|v| {
            v.into_iter()
                .map(|(k, b)| (k, PyBytes::new(py, &b)))
                .collect()
        })
        .map_err(|e| {
            raise(
                py,
                "SigningError",
                &e.to_string(),
                &[("code", Some(e.code())), ("reason", Some(e.code()))],
            )
        })
}
