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
    use paycore_sdk::ErrorKind as K;
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
    let code: &str = match e.kind() {
        K::Card {
            code,
            decline_code,
            action,
            payment_id,
            ..
        } => {
            kw.set_item("decline_code", decline_code)?;
            kw.set_item("action", action.map(|a| a.code()))?;
            kw.set_item("payment_id", payment_id)?;
            code
        }
        K::InvalidRequest { code, param, .. } | K::NotFound { code, param, .. } => {
            kw.set_item("param", param)?;
            code
        }
        K::Authentication { code, .. } | K::Permission { code, .. } | K::Conflict { code, .. } => {
            code
        }
        K::RateLimited {
            retry_after, code, ..
        } => {
            kw.set_item("retry_after", retry_after.map(|d| d.as_secs_f64()))?;
            code
        }
        K::Api { status, code, .. } => {
            kw.set_item("status", status)?;
            code
        }
        K::Timeout { maybe_sent } | K::Connection { maybe_sent, .. } => {
            kw.set_item("sent", maybe_sent)?;
            kind
        }
        _ => kind,
    };
    kw.set_item("code", code)?;
    let value = cls.call((e.to_string(),), Some(&kw))?;
    Ok(PyErr::from_value(value))
}
