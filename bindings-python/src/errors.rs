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
