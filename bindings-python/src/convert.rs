//! Conversions shared by every concern: request bodies, header collections,
//! the clock and the random source.

use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::PyTypeInfo;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString, PyTuple};

/// A body borrowed from `bytes` (no copy) or copied from a `bytearray` /
/// `memoryview`.
pub(crate) enum Body<'a, 'py> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>, std::marker::PhantomData<&'py ()>),
}

impl Body<'_, '_> {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Body::Borrowed(b) => b,
            Body::Owned(v, _) => v,
        }
    }
}

/// Reads a raw body. `str`, `dict` and other parsed forms are refused with a
/// message that says why: a webhook or a signed request is verified over the
/// exact bytes that were sent.
pub(crate) fn body<'a, 'py>(obj: &'a Bound<'py, PyAny>, what: &str) -> PyResult<Body<'a, 'py>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Body::Borrowed(b.as_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Body::Owned(b.to_vec(), std::marker::PhantomData));
    }
    if obj.is_none() {
        return Ok(Body::Borrowed(&[]));
    }
    let type_name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be the raw body as bytes, got {type_name}: a decoded or re-parsed \
             body is not byte-for-byte what was signed (read the raw request body, e.g. \
             `await request.body()` in Starlette/FastAPI or `request.get_data()` in Flask)"
        )));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let b = PyBytes::type_object(obj.py()).call1((obj,))?;
        return Ok(Body::Owned(
            b.cast::<PyBytes>()?.as_bytes().to_vec(),
            std::marker::PhantomData,
        ));
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be bytes, got {type_name}"
    )))
}

/// A header name or value as UTF-8: `bytes` is used as is; `str` is
/// borrowed as UTF-8 where the limited API allows it (3.10+), else encoded
/// (an owned `bytes` object keeps the buffer alive).
pub(crate) enum Text<'py> {
    Bytes(Bound<'py, PyBytes>),
    #[cfg(feature = "abi3-py310")]
    Str(Bound<'py, PyString>),
}

impl Text<'_> {
    /// The text, or `None` if it is not UTF-8 (such a value is skipped, as
    /// the core's `Headers` skips it).
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Text::Bytes(b) => std::str::from_utf8(b.as_bytes()).ok(),
            #[cfg(feature = "abi3-py310")]
            Text::Str(s) => s.to_str().ok(),
        }
    }
}

pub(crate) fn text<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Text<'py>> {
    if let Ok(s) = obj.cast::<PyString>() {
        #[cfg(feature = "abi3-py310")]
        return Ok(Text::Str(s.clone()));
        #[cfg(not(feature = "abi3-py310"))]
        return Ok(Text::Bytes(s.encode_utf8()?));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Text::Bytes(b.clone()));
    }
    Err(PyTypeError::new_err(format!(
        "header {what}s must be str or bytes, got {}",
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "?".to_owned())
    )))
}

/// Calls `f(name, value)` for every header of `obj`: a `dict`, any object
/// with `.items()` (a `Mapping`, Starlette's or Werkzeug's `Headers`, an
/// `http.client.HTTPMessage`), or an iterable of `(name, value)` pairs (ASGI's
/// raw `list[tuple[bytes, bytes]]`). Stops early when `f` returns `false`.
pub(crate) fn for_each_header<'py>(
    obj: &Bound<'py, PyAny>,
    mut f: impl FnMut(&Bound<'py, PyAny>, &Bound<'py, PyAny>) -> PyResult<()>,
) -> PyResult<()> {
    if let Ok(d) = obj.cast::<PyDict>() {
        for (k, v) in d.iter() {
            f(&k, &v)?;
        }
        return Ok(());
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "headers must be a mapping or a list of (name, value) pairs, not a string",
        ));
    }
    let pairs = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        obj.clone()
    } else if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    let iter = pairs.try_iter().map_err(|_| {
        PyTypeError::new_err("headers must be a mapping or an iterable of (name, value) pairs")
    })?;
    for item in iter {
        let item = item?;
        let pair = item.cast::<PyTuple>().ok().filter(|t| t.len() == 2);
        let (k, v) = match pair {
            Some(t) => (t.get_item(0)?, t.get_item(1)?),
            None => {
                let seq: Vec<Bound<'py, PyAny>> = item.extract().map_err(|_| {
                    PyTypeError::new_err("each header must be a (name, value) pair")
                })?;
                match <[Bound<'py, PyAny>; 2]>::try_from(seq) {
                    Ok([k, v]) => (k, v),
                    Err(_) => {
                        return Err(PyValueError::new_err(
                            "each header must be a (name, value) pair",
                        ));
                    }
                }
            }
        };
        f(&k, &v)?;
    }
    Ok(())
}

/// Every header of `obj` as owned UTF-8 pairs (values that are not UTF-8
/// are dropped, as the core's `Headers` would skip them).
pub(crate) fn all_headers(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    if obj.is_none() {
        return Ok(out);
    }
    for_each_header(obj, |k, v| {
        let (k, v) = (text(k, "name")?, text(v, "value")?);
        if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
            out.push((k.to_owned(), v.to_owned()));
        }
        Ok(())
    })?;
    Ok(out)
}

/// `now` in Unix seconds: the argument, or the system clock.
pub(crate) fn now_or_clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    })
}

/// `n` random bytes from `os.urandom` (the binding's random source).
pub(crate) fn random_bytes(py: Python<'_>, n: usize) -> PyResult<Vec<u8>> {
    let b = py.import("os")?.call_method1("urandom", (n,))?;
    Ok(b.cast::<PyBytes>()?.as_bytes().to_vec())
}

/// A secret or key given as `bytes` or `str` (its UTF-8 bytes).
pub(crate) fn secret_bytes(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.encode_utf8()?.as_bytes().to_vec());
    }
    Err(PyTypeError::new_err(format!("{what} must be bytes or str")))
}
