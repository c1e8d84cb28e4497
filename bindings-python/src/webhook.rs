//! `Webhook`: a `paycore::webhook::WebhookVerifier` (and signer) built once.
//!
//! The hot path (`verify`) borrows the body, extracts from the header
//! collection only the fields the scheme reads (`Scheme::header_names`, the
//! core's list), and builds no Python object but the exception on failure:
//! it returns the body object it was given.

use std::str::FromStr;
use std::time::Duration;

use paycore::Headers;
use paycore::crypto::hex_encode;
use paycore::webhook::{Options, Scheme, WebhookError, WebhookSigner, WebhookVerifier};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::{self, Text};
use crate::errors::raise;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Webhook>()
}

/// Verifies (and signs) webhook deliveries of one scheme.
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct Webhook {
    verifier: WebhookVerifier,
    signer: Result<WebhookSigner, WebhookError>,
    /// The core's list of the headers this scheme reads.
    names: &'static [&'static str],
    /// The same names as interned Python strings: a `dict` written with
    /// literal keys holds these very objects, so a key matches by identity.
    interned: Vec<Py<PyString>>,
    /// Bit `n` is set when some name is `n` characters long: a key of
    /// another length is skipped without reading it.
    lengths: u64,
    secrets: usize,
    tolerance: Option<u64>,
}

fn config_error(py: Python<'_>, e: &WebhookError) -> PyErr {
    raise(
        py,
        "WebhookConfigError",
        &e.to_string(),
        &[("reason", Some(&e.reason())), ("code", Some(e.code()))],
    )
}

fn verification_error(py: Python<'_>, e: &WebhookError) -> PyErr {
    raise(
        py,
        "WebhookVerificationError",
        &e.to_string(),
        &[
            ("reason", Some(&e.reason())),
            ("code", Some(e.code())),
            ("header", e.header()),
        ],
    )
}

fn secrets_list(secret: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = secret.cast::<PyString>() {
        return Ok(vec![s.to_cow()?.into_owned()]);
    }
    if secret.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "the webhook secret must be a str (or a list of str), not bytes",
        ));
    }
    secret
        .extract::<Vec<String>>()
        .map_err(|_| PyTypeError::new_err("the webhook secret must be a str or a list of str"))
}

impl Webhook {
    /// Which of the scheme's names `key` is, if any.
    fn match_name(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
        if let Ok(s) = key.cast::<PyString>() {
            for (i, name) in self.interned.iter().enumerate() {
                if s.as_ptr() == name.as_ptr() {
                    return Ok(Some(i));
                }
            }
            let len = s.len()?;
            if len >= 64 || self.lengths & (1u64 << len) == 0 {
                return Ok(None);
            }
            #[cfg(feature = "abi3-py310")]
            {
                let _ = py;
                return Ok(self.position(s.to_str()?.as_bytes()));
            }
            #[cfg(not(feature = "abi3-py310"))]
            {
                // Most keys are lower-case already (ASGI, Starlette, literal
                // dicts): an exact comparison with the interned name of the
                // same length needs no UTF-8 copy of the key.
                for (i, (name, interned)) in self.names.iter().zip(&self.interned).enumerate() {
                    if name.len() == len && s.as_any().eq(interned.bind(py))? {
                        return Ok(Some(i));
                    }
                }
                return Ok(self.position(s.encode_utf8()?.as_bytes()));
            }
        }
        if let Ok(b) = key.cast::<PyBytes>() {
            return Ok(self.position(b.as_bytes()));
        }
        Err(PyTypeError::new_err(format!(
            "header names must be str or bytes, got {}",
            key.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "?".to_owned())
        )))
    }

    fn position(&self, key: &[u8]) -> Option<usize> {
        self.names
            .iter()
            .position(|n| n.as_bytes().eq_ignore_ascii_case(key))
    }

    /// The scheme's fields of `headers`, in order (a repeated field keeps
    /// every value).
    fn extract<'py>(
        &self,
        py: Python<'py>,
        headers: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<(&'static str, Text<'py>)>> {
        let mut found = Vec::with_capacity(4);
        convert::for_each_header(headers, |k, v| {
            if let Some(i) = self.match_name(py, k)? {
                if let Some(name) = self.names.get(i) {
                    found.push((*name, convert::text(v, "value")?));
                }
            }
            Ok(())
        })?;
        Ok(found)
    }

    fn verify_inner(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<i64>,
    ) -> PyResult<()> {
        if body.is_none() {
            return Err(PyTypeError::new_err(
                "body must be the raw request body as bytes, got None",
            ));
        }
        let body = convert::body(body, "body")?;
        let found = Extract(self.extract(py, headers)?);
        self.verifier
            .verify(body.as_slice(), &found, convert::now_or_clock(now))
            .map(|_| ())
            .map_err(|e| verification_error(py, &e))
    }
}

/// The extracted fields, read by the core through its `Headers` trait.
struct Extract<'py>(Vec<(&'static str, Text<'py>)>);

impl Headers for Extract<'_> {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for (n, v) in &self.0 {
            if n.eq_ignore_ascii_case(name) {
                if let Some(v) = v.as_str() {
                    f(v);
                }
            }
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .find_map(|(_, v)| v.as_str())
    }
}

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

#[pymethods]
impl Webhook {
    #[new]
    #[pyo3(
        signature = (secret, scheme = "standard", tolerance = Some(300)),
        text_signature = "(secret, scheme='standard', tolerance=300)"
    )]
    fn new(
        py: Python<'_>,
        secret: &Bound<'_, PyAny>,
        scheme: &str,
        tolerance: Option<i64>,
    ) -> PyResult<Self> {
        let scheme = Scheme::from_str(scheme).map_err(|e| config_error(py, &e))?;
        let secrets = secrets_list(secret)?;
        let options = match tolerance {
            None => Options::default().with_ignore_timestamp(true),
            Some(t) => {
                let t = u64::try_from(t).map_err(|_| {
                    PyValueError::new_err("tolerance must be a non-negative number of seconds")
                })?;
                Options::default().with_tolerance(Duration::from_secs(t))
            }
        };
        let verifier =
            WebhookVerifier::new(scheme, &secrets, options).map_err(|e| config_error(py, &e))?;
        let names = scheme.header_names();
        let lengths = names
            .iter()
            .filter(|n| n.len() < 64)
            .fold(0u64, |acc, n| acc | (1u64 << n.len()));
        Ok(Webhook {
            verifier,
            signer: WebhookSigner::new(scheme, &secrets),
            names,
            interned: names
                .iter()
                .map(|n| PyString::intern(py, n).unbind())
                .collect(),
            lengths,
            secrets: secrets.len(),
            tolerance: tolerance.and_then(|t| u64::try_from(t).ok()),
        })
    }

    /// The scheme's stable name (`svix` reads as `standard`).
    #[getter]
    fn scheme(&self) -> &'static str {
        self.verifier.scheme().as_str()
    }

    /// The timestamp tolerance in seconds, or `None` when the window is off.
    #[getter]
    fn tolerance(&self) -> Option<u64> {
        self.tolerance
    }

    /// The headers this scheme reads, lower-case.
    #[getter]
    fn header_names(&self) -> Vec<&'static str> {
        self.names.to_vec()
    }

    /// Verifies a delivery and returns `body` (the same object).
    #[pyo3(signature = (body, headers, now = None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.verify_inner(py, body, headers, now)?;
        Ok(body.clone())
    }

    /// Verifies a delivery, then parses the body as JSON.
    #[pyo3(signature = (body, headers, now = None))]
    fn construct_event<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.verify_inner(py, body, headers, now)?;
        let loads = JSON_LOADS.get_or_try_init(py, || {
            py.import("json")?.getattr("loads").map(Bound::unbind)
        })?;
        let raw = convert::body(body, "body")?;
        let bytes = PyBytes::new(py, raw.as_slice());
        loads.bind(py).call1((bytes,)).map_err(|_| {
            raise(
                py,
                "WebhookVerificationError",
                "the verified body is not valid JSON",
                &[
                    ("reason", Some("invalid_json")),
                    ("code", Some("invalid_json")),
                ],
            )
        })
    }

    /// The headers of a signed delivery of `body`, for tests and senders.
    #[pyo3(signature = (body, *, msg_id = None, timestamp = None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        msg_id: Option<&str>,
        timestamp: Option<i64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let signer = self.signer.as_ref().map_err(|e| config_error(py, e))?;
        let body = convert::body(body, "body")?;
        let generated;
        let msg_id = match msg_id {
            Some(id) => id,
            None => {
                generated = format!("msg_{}", hex_encode(&convert::random_bytes(py, 16)?));
                &generated
            }
        };
        let headers = signer
            .sign(msg_id, convert::now_or_clock(timestamp), body.as_slice())
            .map_err(|e| config_error(py, &e))?;
        let out = PyDict::new(py);
        for (k, v) in headers {
            out.set_item(k, v)?;
        }
        Ok(out)
    }

    fn __repr__(&self) -> String {
        let tolerance = self
            .tolerance
            .map_or_else(|| "None".to_owned(), |t| t.to_string());
        format!(
            "Webhook(scheme='{}', secrets=<{} redacted>, tolerance={})",
            self.verifier.scheme(),
            self.secrets,
            tolerance
        )
    }
}
