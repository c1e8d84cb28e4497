//! Retry decisions (`paycore::retry`): `RetryConfig`, `RetryBudget`,
//! `decide`, idempotency keys.

use std::time::Duration;

use paycore::retry::{
    self, BudgetConfig, Failure, HttpFailure, IdempotencyKey, RetryDecision as CoreDecision,
    RetryInput, RetryKind, TransportFailure,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::convert;
use crate::errors::raise;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RetryConfig>()?;
    m.add_class::<RetryBudget>()?;
    m.add_class::<RetryDecision>()?;
    m.add_function(wrap_pyfunction!(decide, m)?)?;
    m.add_function(wrap_pyfunction!(backoff_ceiling_ms, m)?)?;
    m.add_function(wrap_pyfunction!(new_idempotency_key, m)?)?;
    m.add_function(wrap_pyfunction!(check_idempotency_key, m)?)?;
    Ok(())
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn millis(v: Option<u64>) -> Option<Duration> {
    v.map(Duration::from_millis)
}

/// How retries are paced and bounded.
#[pyclass(frozen, module = "paycore._native")]
#[derive(Clone)]
pub(crate) struct RetryConfig(retry::RetryConfig);

#[pymethods]
impl RetryConfig {
    /// The standard policy, with any value overridden (durations in
    /// milliseconds). `budget=False` retries without a budget; the
    /// `budget_*` values tune the standard budget.
    #[new]
    #[pyo3(signature = (*, max_attempts = None, base_delay_ms = None, throttle_base_delay_ms = None,
        max_backoff_ms = None, max_retry_after_ms = None, budget = true, budget_capacity = None,
        budget_retry_cost = None, budget_throttle_cost = None, budget_success_reward = None))]
    #[allow(clippy::too_many_arguments, reason = "mirrors the Python signature")]
    fn new(
        max_attempts: Option<u32>,
        base_delay_ms: Option<u64>,
        throttle_base_delay_ms: Option<u64>,
        max_backoff_ms: Option<u64>,
        max_retry_after_ms: Option<u64>,
        budget: bool,
        budget_capacity: Option<u32>,
        budget_retry_cost: Option<u32>,
        budget_throttle_cost: Option<u32>,
        budget_success_reward: Option<u32>,
    ) -> Self {
        let mut c = retry::RetryConfig::standard();
        if let Some(v) = max_attempts {
            c = c.with_max_attempts(v);
        }
        if let Some(v) = millis(base_delay_ms) {
            c = c.with_base_delay(v);
        }
        if let Some(v) = millis(throttle_base_delay_ms) {
            c = c.with_throttle_base_delay(v);
        }
        if let Some(v) = millis(max_backoff_ms) {
            c = c.with_max_backoff(v);
        }
        if let Some(v) = millis(max_retry_after_ms) {
            c = c.with_max_retry_after(v);
        }
        if budget {
            let mut b = BudgetConfig::standard();
            if let Some(v) = budget_capacity {
                b = b.with_capacity(v);
            }
            if let Some(v) = budget_retry_cost {
                b = b.with_retry_cost(v);
            }
            if let Some(v) = budget_throttle_cost {
                b = b.with_throttle_cost(v);
            }
            if let Some(v) = budget_success_reward {
                b = b.with_success_reward(v);
            }
            c = c.with_budget(b);
        } else {
            c = c.without_budget();
        }
        RetryConfig(c)
    }

    /// The most attempts, the first included.
    #[getter]
    fn max_attempts(&self) -> u32 {
        self.0.max_attempts()
    }

    /// The backoff base for failures, ms.
    #[getter]
    fn base_delay_ms(&self) -> u64 {
        ms(self.0.base_delay())
    }

    /// The backoff base for throttling, ms.
    #[getter]
    fn throttle_base_delay_ms(&self) -> u64 {
        ms(self.0.throttle_base_delay())
    }

    /// The backoff cap, ms.
    #[getter]
    fn max_backoff_ms(&self) -> u64 {
        ms(self.0.max_backoff())
    }

    /// The longest server-requested wait honoured, ms.
    #[getter]
    fn max_retry_after_ms(&self) -> u64 {
        ms(self.0.max_retry_after())
    }

    /// A fresh budget for this configuration (share one per client).
    fn new_budget(&self) -> RetryBudget {
        RetryBudget(self.0.new_budget())
    }

    fn __repr__(&self) -> String {
        format!(
            "RetryConfig(max_attempts={}, base_delay_ms={}, throttle_base_delay_ms={}, max_backoff_ms={}, max_retry_after_ms={}, budget={})",
            self.0.max_attempts(),
            ms(self.0.base_delay()),
            ms(self.0.throttle_base_delay()),
            ms(self.0.max_backoff()),
            ms(self.0.max_retry_after()),
            if self.0.budget().is_some() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// A token bucket limiting retries across requests (thread-safe).
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct RetryBudget(retry::RetryBudget);

#[pymethods]
impl RetryBudget {
    /// Whether the budget limits anything (`False` without a budget).
    #[getter]
    fn is_limited(&self) -> bool {
        self.0.is_limited()
    }

    /// Tokens available now.
    #[getter]
    fn available(&self) -> u32 {
        self.0.available()
    }

    /// Records a success (`last_retry_tokens`: what the retry that
    /// succeeded withdrew, if it was a retry).
    #[pyo3(signature = (last_retry_tokens = None))]
    fn record_success(&self, last_retry_tokens: Option<u32>) {
        self.0.record_success(last_retry_tokens);
    }

    fn __repr__(&self) -> String {
        format!("RetryBudget(available={})", self.0.available())
    }
}

/// The decision: retry after `delay_ms`, or stop for `reason`.
#[pyclass(frozen, module = "paycore._native", get_all)]
pub(crate) struct RetryDecision {
    /// `retry` or `do_not_retry`.
    decision: &'static str,
    /// Whether to retry.
    retry: bool,
    /// How long to wait before the retry, ms.
    delay_ms: Option<u64>,
    /// The kind of retry (`error`, `throttling`, ...).
    kind: Option<&'static str>,
    /// Budget tokens the retry withdrew.
    tokens: Option<u32>,
    /// Why not to retry.
    reason: Option<&'static str>,
    /// What the user should do (declines), if anything.
    action: Option<&'static str>,
    /// The wait the server asked for (Retry-After and the rate-limit
    /// headers), ms.
    server_delay_ms: Option<u64>,
}

#[pymethods]
impl RetryDecision {
    /// The delay in seconds (for `time.sleep` / `asyncio.sleep`).
    #[getter]
    fn delay(&self) -> Option<f64> {
        self.delay_ms
            .map(|d| Duration::from_millis(d).as_secs_f64())
    }

    fn __repr__(&self) -> String {
        match self.reason {
            None => format!(
                "RetryDecision(retry=True, delay_ms={}, kind='{}')",
                self.delay_ms.unwrap_or(0),
                self.kind.unwrap_or("")
            ),
            Some(r) => format!("RetryDecision(retry=False, reason='{r}')"),
        }
    }
}

/// Decides whether (and when) to retry a failed attempt. Give `status` (an
/// HTTP failure, with the error body's `error_type` / `code` /
/// `decline_code` and the response `headers`) or `transport`
/// (`connect_failed`, `failed_after_send`, `stale_connection`, `cancelled`).
/// `random` (in [0, 1)) defaults to the random source, `now` to the clock.
#[pyfunction]
#[pyo3(signature = (config, *, attempt, method, idempotency_key, status = None, transport = None,
    error_type = None, code = None, decline_code = None, headers = None, rate_limit_hint_ms = None,
    time_left_ms = None, budget = None, random = None, now = None))]
#[allow(clippy::too_many_arguments, reason = "mirrors the Python signature")]
fn decide(
    py: Python<'_>,
    config: &RetryConfig,
    attempt: u32,
    method: &str,
    idempotency_key: bool,
    status: Option<u16>,
    transport: Option<&str>,
    error_type: Option<&str>,
    code: Option<&str>,
    decline_code: Option<&str>,
    headers: Option<&Bound<'_, PyAny>>,
    rate_limit_hint_ms: Option<u64>,
    time_left_ms: Option<u64>,
    budget: Option<&Bound<'_, RetryBudget>>,
    random: Option<f64>,
    now: Option<i64>,
) -> PyResult<RetryDecision> {
    let failure = match (status, transport) {
        (Some(s), None) => Failure::Http(HttpFailure::from_parts(s, error_type, code, decline_code)),
        (None, Some(t)) => Failure::Transport(TransportFailure::from_code(t).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown transport failure {t:?} (connect_failed, failed_after_send, stale_connection, cancelled)"
            ))
        })?),
        _ => {
            return Err(PyValueError::new_err(
                "give exactly one of status= and transport=",
            ));
        }
    };
    let headers = match headers {
        Some(h) => convert::all_headers(h)?,
        None => Vec::new(),
    };
    let random = match random {
        Some(r) if (0.0..1.0).contains(&r) => r,
        Some(_) => return Err(PyValueError::new_err("random must lie in [0, 1)")),
        None => {
            let b = convert::random_bytes(py, 8)?;
            let mut bits = [0u8; 8];
            bits.copy_from_slice(b.get(..8).unwrap_or(&[0; 8]));
            retry::unit_interval_from_bits(u64::from_le_bytes(bits))
        }
    };
    let mut input = RetryInput::new(failure)
        .headers(&headers)
        .rate_limit_hint(millis(rate_limit_hint_ms))
        .attempt(attempt)
        .time_left_opt(millis(time_left_ms))
        .idempotency_key(idempotency_key)
        .method(method)
        .random(random)
        .now(convert::now_or_clock(now));
    if let Some(b) = budget {
        input = input.budget(&b.get().0);
    }
    let server_delay_ms = input.server_delay().map(ms);
    Ok(match retry::decide(&config.0, &input) {
        CoreDecision::Retry {
            after,
            kind,
            tokens,
        } => RetryDecision {
            decision: "retry",
            retry: true,
            delay_ms: Some(ms(after)),
            kind: Some(kind_code(kind)),
            tokens: Some(tokens),
            reason: None,
            action: None,
            server_delay_ms,
        },
        CoreDecision::DoNotRetry { reason } => RetryDecision {
            decision: "do_not_retry",
            retry: false,
            delay_ms: None,
            kind: None,
            tokens: None,
            reason: Some(reason.code()),
            action: reason.action().map(|a| a.code()),
            server_delay_ms,
        },
    })
}

fn kind_code(kind: RetryKind) -> &'static str {
    kind.code()
}

/// The backoff ceiling before jitter for `attempt`, ms.
#[pyfunction]
fn backoff_ceiling_ms(base_ms: u64, cap_ms: u64, attempt: u32) -> u64 {
    ms(retry::backoff_ceiling(
        Duration::from_millis(base_ms),
        Duration::from_millis(cap_ms),
        attempt,
    ))
}

/// A new idempotency key from 16 random bytes.
#[pyfunction]
fn new_idempotency_key(py: Python<'_>) -> PyResult<String> {
    let b = convert::random_bytes(py, 16)?;
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(b.get(..16).unwrap_or(&[0; 16]));
    Ok(IdempotencyKey::from_random(bytes).into_string())
}

/// Checks a caller-chosen idempotency key and returns it.
#[pyfunction]
fn check_idempotency_key(py: Python<'_>, key: &str) -> PyResult<String> {
    IdempotencyKey::new(key)
        .map(IdempotencyKey::into_string)
        .map_err(|e| {
            raise(
                py,
                "IdempotencyKeyError",
                &e.to_string(),
                &[("code", Some(e.code())), ("reason", Some(e.code()))],
            )
        })
}
