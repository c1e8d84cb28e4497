//! Rate-limit headers (`paycore::ratelimit`): parse every common format
//! into `RateLimitInfo`, and the wait before the next request.

use std::time::Duration;

use paycore::crypto::hex_encode;
use paycore::ratelimit::{
    self, Decision, MemoryStore, RateLimitInfo as CoreInfo, RateLimitStore, Tat,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert;
use crate::errors::raise;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RateLimitInfo>()?;
    m.add_class::<QuotaPolicy>()?;
    m.add_class::<ServiceLimit>()?;
    m.add_function(wrap_pyfunction!(parse_rate_limit, m)?)?;
    m.add_function(wrap_pyfunction!(parse_retry_after_ms, m)?)?;
    m.add_class::<Quota>()?;
    m.add_class::<RateLimitDecision>()?;
    m.add_class::<RateLimiter>()?;
    m.add_function(wrap_pyfunction!(render_rate_limit_headers, m)?)?;
    Ok(())
}

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A GCRA quota: `limit` requests per `period_ms`, bursts of up to `burst`.
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct Quota(ratelimit::Quota);

#[pymethods]
impl Quota {
    #[new]
    #[pyo3(signature = (limit, period_ms, burst = None))]
    fn new(py: Python<'_>, limit: u64, period_ms: u64, burst: Option<u64>) -> PyResult<Self> {
        let period = Duration::from_millis(period_ms);
        let q = match burst {
            Some(b) => ratelimit::Quota::new(limit, period, b),
            None => ratelimit::Quota::per_period(limit, period),
        };
        q.map(Quota).map_err(|e| {
            raise(
                py,
                "RateLimitConfigError",
                &e.to_string(),
                &[("code", Some(e.code())), ("reason", Some(e.code()))],
            )
        })
    }

    #[getter]
    fn limit(&self) -> u64 {
        self.0.limit()
    }

    #[getter]
    fn period_ms(&self) -> u64 {
        ms(self.0.period())
    }

    #[getter]
    fn burst(&self) -> u64 {
        self.0.burst()
    }

    /// The spacing of requests at the sustained rate, microseconds.
    #[getter]
    fn emission_interval_us(&self) -> u64 {
        self.0.emission_interval_micros()
    }

    /// How far ahead of `now` the schedule may run, microseconds.
    #[getter]
    fn burst_span_us(&self) -> u64 {
        self.0.burst_span_micros()
    }

    /// The pure GCRA step: the decision for a request of `cost` at `now_us`
    /// given the stored theoretical arrival time (`tat_us`, 0 = none), and
    /// the TAT to store.
    #[pyo3(signature = (tat_us, now_us, cost = 1))]
    fn check(&self, tat_us: u64, now_us: u64, cost: u64) -> (RateLimitDecision, u64) {
        let out = self
            .0
            .check(Tat(tat_us), Duration::from_micros(now_us), cost);
        (RateLimitDecision(out.decision), out.tat.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Quota(limit={}, period_ms={}, burst={})",
            self.0.limit(),
            ms(self.0.period()),
            self.0.burst()
        )
    }
}

/// A rate-limit decision (server side).
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct RateLimitDecision(Decision);

#[pymethods]
impl RateLimitDecision {
    #[new]
    #[pyo3(signature = (*, allowed, limit, remaining, reset_after_us, retry_after_us = None))]
    fn new(
        allowed: bool,
        limit: u64,
        remaining: u64,
        reset_after_us: u64,
        retry_after_us: Option<u64>,
    ) -> Self {
        RateLimitDecision(Decision {
            allowed,
            limit,
            remaining,
            reset_after: Duration::from_micros(reset_after_us),
            retry_after: retry_after_us.map(Duration::from_micros),
        })
    }

    #[getter]
    fn allowed(&self) -> bool {
        self.0.allowed
    }

    #[getter]
    fn limit(&self) -> u64 {
        self.0.limit
    }

    #[getter]
    fn remaining(&self) -> u64 {
        self.0.remaining
    }

    /// Until the quota is whole again, microseconds.
    #[getter]
    fn reset_after_us(&self) -> u64 {
        us(self.0.reset_after)
    }

    /// For a denial: until a retry can succeed, microseconds.
    #[getter]
    fn retry_after_us(&self) -> Option<u64> {
        self.0.retry_after.map(us)
    }

    fn __repr__(&self) -> String {
        format!(
            "RateLimitDecision(allowed={}, remaining={}, reset_after_us={})",
            if self.0.allowed { "True" } else { "False" },
            self.0.remaining,
            us(self.0.reset_after)
        )
    }
}

/// An in-memory keyed GCRA limiter (thread-safe, bounded).
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct RateLimiter(MemoryStore);

#[pymethods]
impl RateLimiter {
    #[new]
    #[pyo3(signature = (capacity = 100_000, shards = 16))]
    fn new(capacity: usize, shards: usize) -> Self {
        RateLimiter(MemoryStore::with_capacity(capacity, shards))
    }

    /// Decides on a request of `cost` for `key` under `quota`; `now_us`
    /// (microseconds on any monotonic clock) defaults to `time.monotonic`.
    #[pyo3(signature = (key, quota, now_us = None, cost = 1))]
    fn check(
        &self,
        py: Python<'_>,
        key: &str,
        quota: &Quota,
        now_us: Option<u64>,
        cost: u64,
    ) -> PyResult<RateLimitDecision> {
        let now = match now_us {
            Some(n) => Duration::from_micros(n),
            None => {
                let secs: f64 = py.import("time")?.call_method0("monotonic")?.extract()?;
                Duration::try_from_secs_f64(secs).unwrap_or(Duration::ZERO)
            }
        };
        Ok(RateLimitDecision(self.0.check(key, &quota.0, now, cost)))
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __repr__(&self) -> String {
        format!("RateLimiter(len={})", self.0.len())
    }
}

/// The `RateLimit-Policy` / `RateLimit` (and `Retry-After` on a denial)
/// headers of a decision, as `(name, value)` pairs.
#[pyfunction]
#[pyo3(signature = (decision, quota, policy_name, partition_key = None))]
fn render_rate_limit_headers(
    py: Python<'_>,
    decision: &RateLimitDecision,
    quota: &Quota,
    policy_name: &str,
    partition_key: Option<&[u8]>,
) -> PyResult<Vec<(&'static str, String)>> {
    ratelimit::render_headers(&decision.0, &quota.0, policy_name, partition_key).map_err(|e| {
        raise(
            py,
            "RateLimitConfigError",
            &e.to_string(),
            &[("code", Some(e.code())), ("reason", Some(e.code()))],
        )
    })
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
