//! Rate-limit headers (`paycore::ratelimit`): parse every common format
//! into `RateLimitInfo`, and the wait before the next request.

use std::time::Duration;

use paycore::crypto::hex_encode;
use paycore::ratelimit::{self, RateLimitInfo as CoreInfo};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RateLimitInfo>()?;
    m.add_class::<QuotaPolicy>()?;
    m.add_class::<ServiceLimit>()?;
    m.add_function(wrap_pyfunction!(parse_rate_limit, m)?)?;
    m.add_function(wrap_pyfunction!(parse_retry_after_ms, m)?)?;
    Ok(())
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn key(py: Python<'_>, k: Option<&Vec<u8>>) -> Option<Py<PyBytes>> {
    k.map(|k| PyBytes::new(py, k).unbind())
}

/// A quota policy (`RateLimit-Policy`).
#[pyclass(frozen, module = "paycore._native", get_all)]
pub(crate) struct QuotaPolicy {
    name: String,
    quota: u64,
    window_seconds: Option<u64>,
    quota_unit: String,
    partition_key: Option<Py<PyBytes>>,
}

#[pymethods]
impl QuotaPolicy {
    fn __repr__(&self) -> String {
        format!("QuotaPolicy(name={:?}, quota={})", self.name, self.quota)
    }
}

/// The service limit of one policy (`RateLimit`).
#[pyclass(frozen, module = "paycore._native", get_all)]
pub(crate) struct ServiceLimit {
    policy: String,
    remaining: u64,
    reset_seconds: Option<u64>,
    partition_key: Option<Py<PyBytes>>,
}

#[pymethods]
impl ServiceLimit {
    fn __repr__(&self) -> String {
        format!(
            "ServiceLimit(policy={:?}, remaining={})",
            self.policy, self.remaining
        )
    }
}

/// What a response's rate-limit headers say (durations in ms).
#[pyclass(frozen, module = "paycore._native", get_all)]
pub(crate) struct RateLimitInfo {
    limit: Option<u64>,
    remaining: Option<u64>,
    reset_after_ms: Option<u64>,
    window_ms: Option<u64>,
    used: Option<u64>,
    resource: Option<String>,
    retry_after_ms: Option<u64>,
    policy: Option<String>,
    partition_key: Option<Py<PyBytes>>,
    policies: Vec<Py<QuotaPolicy>>,
    limits: Vec<Py<ServiceLimit>>,
    malformed: Vec<&'static str>,
    /// How long to wait before the next request, ms (`None`: no need).
    wait_before_next_ms: Option<u64>,
    is_empty: bool,
}

#[pymethods]
impl RateLimitInfo {
    /// `wait_before_next_ms` in seconds.
    fn wait_before_next(&self) -> Option<f64> {
        self.wait_before_next_ms
            .map(|d| Duration::from_millis(d).as_secs_f64())
    }

    /// The partition key as hex, if any.
    #[getter]
    fn partition_key_hex(&self, py: Python<'_>) -> Option<String> {
        self.partition_key
            .as_ref()
            .map(|k| hex_encode(k.bind(py).as_bytes()))
    }

    fn __repr__(&self) -> String {
        format!(
            "RateLimitInfo(limit={:?}, remaining={:?}, reset_after_ms={:?}, retry_after_ms={:?})",
            self.limit, self.remaining, self.reset_after_ms, self.retry_after_ms
        )
    }
}

/// Reads the rate-limit headers of a response (`RateLimit` / `RateLimit-Policy`,
/// `X-RateLimit-*`, `Retry-After`, ...). `now` (for HTTP dates and reset
/// instants) defaults to the clock.
#[pyfunction]
#[pyo3(signature = (headers, now = None))]
fn parse_rate_limit(
    py: Python<'_>,
    headers: &Bound<'_, PyAny>,
    now: Option<i64>,
) -> PyResult<RateLimitInfo> {
    let headers = convert::all_headers(headers)?;
    let info = CoreInfo::from_headers(&headers, convert::now_or_clock(now));
    let policies = info
        .policies
        .iter()
        .map(|p| {
            Py::new(
                py,
                QuotaPolicy {
                    name: p.name.clone(),
                    quota: p.quota,
                    window_seconds: p.window.map(|w| w.as_secs()),
                    quota_unit: p.quota_unit.clone(),
                    partition_key: key(py, p.partition_key.as_ref()),
                },
            )
        })
        .collect::<PyResult<_>>()?;
    let limits = info
        .limits
        .iter()
        .map(|l| {
            Py::new(
                py,
                ServiceLimit {
                    policy: l.policy.clone(),
                    remaining: l.remaining,
                    reset_seconds: l.reset_after.map(|t| t.as_secs()),
                    partition_key: key(py, l.partition_key.as_ref()),
                },
            )
        })
        .collect::<PyResult<_>>()?;
    Ok(RateLimitInfo {
        limit: info.limit,
        remaining: info.remaining,
        reset_after_ms: info.reset_after.map(ms),
        window_ms: info.window.map(ms),
        used: info.used,
        resource: info.resource.clone(),
        retry_after_ms: info.retry_after.map(ms),
        policy: info.policy.clone(),
        partition_key: key(py, info.partition_key.as_ref()),
        policies,
        limits,
        malformed: info.malformed.clone(),
        wait_before_next_ms: info.wait_before_next().map(ms),
        is_empty: info.is_empty(),
    })
}

/// A `Retry-After` value (delay-seconds or an HTTP date) as a wait in ms,
/// or `None` when it does not parse.
#[pyfunction]
#[pyo3(signature = (value, now = None))]
fn parse_retry_after_ms(value: &str, now: Option<i64>) -> Option<u64> {
    ratelimit::parse_retry_after(value, convert::now_or_clock(now)).map(ms)
}
