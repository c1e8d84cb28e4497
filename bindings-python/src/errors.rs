//! Raising the exceptions of `paycore._errors` (defined in Python, so that
//! they can inherit from both `PaycoreError` and a builtin such as
//! `ValueError`, and so that the client's exceptions can join them).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Builds `paycore._errors.<class>(message)` with the given attributes set as
/// keyword arguments, as a `PyErr` to return.
pub(crate) fn raise(
    py: Python<'_>,
    class: &str,
    message: &str,
    attrs: &[(&str, Option<&str>)],
) -> PyErr {
    match build(py, class, message, attrs) {
        Ok(err) => err,
        Err(err) => err,
    }
}

fn build(
    py: Python<'_>,
    class: &str,
    message: &str,
    attrs: &[(&str, Option<&str>)],
) -> PyResult<PyErr> {
    let module = ERRORS.get_or_try_init(py, || {
        PyModule::import(py, "paycore._errors").map(Bound::unbind)
    })?;
    let cls = module.bind(py).getattr(class)?;
    let kwargs = PyDict::new(py);
    for (k, v) in attrs {
        kwargs.set_item(k, v)?;
    }
    let value = cls.call((message,), Some(&kwargs))?;
    Ok(PyErr::from_value(value))
}

/// The class of `paycore._errors` for each SDK error code
/// (`paycore_sdk::ERROR_CODES`).
pub(crate) fn class_for_code(code: &str) -> &'static str {
    match code {
        "card_error" => "CardError",
        "invalid_request" => "InvalidRequestError",
        "authentication" => "AuthenticationError",
        "permission" => "PermissionError",
        "not_found" => "NotFoundError",
        "conflict" => "ConflictError",
        "idempotency_mismatch" => "IdempotencyError",
        "rate_limited" => "RateLimitError",
        "api_error" => "ApiError",
        "timeout" => "TimeoutError",
        "connection" => "ConnectionError",
        "outcome_unknown" => "OutcomeUnknownError",
        "decode" => "DecodeError",
        "invalid_configuration" => "ConfigurationError",
        _ => "RequestError",
    }
}

/// Maps an SDK error to the exception of its kind, with the call's
/// metadata (`request_id`, `attempts`, `idempotency_key`, `http_status`,
/// `stage`, `retry_reason`) and the kind's own fields as attributes.
pub(crate) fn sdk_error(py: Python<'_>, e: &paycore_sdk::Error) -> PyErr {
    match build_sdk_error(py, e) {
        Ok(err) => err,
        Err(err) => err,
    }
}

fn build_sdk_error(py: Python<'_>, e: &paycore_sdk::Error) -> PyResult<PyErr> {
    let module = ERRORS.get_or_try_init(py, || {
        PyModule::import(py, "paycore._errors").map(Bound::unbind)
    })?;
    let kind = e.code();
    let cls = module.bind(py).getattr(class_for_code(kind))?;
    let kw = PyDict::new(py);
    kw.set_item("kind", kind)?;
    kw.set_item("request_id", e.request_id())?;
    kw.set_item("attempts", e.attempts())?;
    kw.set_item("idempotency_key", e.idempotency_key())?;
    kw.set_item("http_status", e.status())?;
    kw.set_item("stage", e.stage().code())?;
    kw.set_item("retry_reason", e.retry_reason().map(|r| r.code()))?;
    // The kind's own fields, as the SDK flattens them; each exception class
    // declares which it carries (`_fields`).
    let d = e.kind().details();
    let fields: Bound<'_, PyAny> = cls.getattr("_fields")?;
    let set = |name: &str, value: Option<Bound<'_, PyAny>>| -> PyResult<()> {
        if let Some(v) = value {
            if fields.contains(name)? {
                kw.set_item(name, v)?;
            }
        }
        Ok(())
    };
    set(
        "decline_code",
        d.decline_code
            .map(|v| v.into_pyobject(py))
            .transpose()?
            .map(Bound::into_any),
    )?;
    set(
        "action",
        d.action
            .map(|a| a.code().into_pyobject(py))
            .transpose()?
            .map(Bound::into_any),
    )?;
    set(
        "payment_id",
        d.payment_id
            .map(|v| v.into_pyobject(py))
            .transpose()?
            .map(Bound::into_any),
    )?;
    set(
        "param",
        d.param
            .map(|v| v.into_pyobject(py))
            .transpose()?
            .map(Bound::into_any),
    )?;
    set(
        "retry_after",
        d.retry_after
            .map(|r| r.as_secs_f64().into_pyobject(py))
            .transpose()?
            .map(Bound::into_any),
    )?;
    set(
        "status",
        d.api_status
            .map(|v| v.into_pyobject(py))
            .transpose()?
            .map(Bound::into_any),
    )?;
    set(
        "sent",
        d.maybe_sent
            .map(|v| v.into_pyobject(py).map(|b| b.to_owned().into_any()))
            .transpose()?,
    )?;
    let code = d.code.unwrap_or(kind);
    kw.set_item("code", code)?;
    let value = cls.call((e.to_string(),), Some(&kw))?;
    Ok(PyErr::from_value(value))
}
