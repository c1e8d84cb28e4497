//! `paycore::retry` and `paycore::ratelimit` (client side): the retry
//! decision, its configuration and budget, idempotency keys and rate-limit
//! header parsing. Durations cross as integer milliseconds.

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use paycore::ratelimit::RateLimitInfo;
use paycore::retry::budget::BudgetConfig;
use paycore::retry::{
    Failure, HttpFailure, IdempotencyKey, RetryBudget, RetryConfig, RetryDecision, RetryInput,
    TransportFailure, backoff_ceiling, decide,
};

use crate::{flat_pairs, invalid_arg, native_error};

/// Milliseconds from JS as a Duration; a negative, NaN or huge value is a
/// TypeError, never a panic.
fn duration_ms(ms: f64, what: &str) -> std::result::Result<Duration, Error<String>> {
    if !(ms.is_finite() && ms >= 0.0) {
        return Err(invalid_arg(format!(
            "{what} must be a finite, non-negative number of milliseconds"
        )));
    }
    Duration::try_from_secs_f64(ms / 1000.0)
        .map_err(|_| invalid_arg(format!("{what} is out of range")))
}

/// Whole milliseconds as a JS number.
fn to_ms(d: Duration) -> f64 {
    #[allow(
        clippy::cast_precision_loss,
        reason = "ms beyond 2^53 are not meaningful delays"
    )]
    let ms = d.as_millis() as f64;
    ms
}

#[allow(
    clippy::cast_precision_loss,
    reason = "counts beyond 2^53 do not occur in headers"
)]
fn to_f64(n: u64) -> f64 {
    n as f64
}

/// Budget settings (tokens).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BudgetOptions {
    /// Tokens in a full bucket.
    pub capacity: Option<u32>,
    /// Tokens a transient retry costs.
    pub retry_cost: Option<u32>,
    /// Tokens a throttling retry costs.
    pub throttle_cost: Option<u32>,
    /// Tokens a success deposits (after a first-attempt success).
    pub success_reward: Option<u32>,
}

/// Retry settings; absent fields keep `RetryConfig::standard()`'s values.
/// `noBudget: true` disables the budget.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RetryOptions {
    /// Attempts in all, the first included.
    pub max_attempts: Option<u32>,
    /// Base of the exponential backoff for transient failures.
    pub base_delay_ms: Option<f64>,
    /// Base of the backoff for throttling (429, 503).
    pub throttle_base_delay_ms: Option<f64>,
    /// Cap of the backoff.
    pub max_backoff_ms: Option<f64>,
    /// The longest server-requested wait honoured.
    pub max_retry_after_ms: Option<f64>,
    /// No retry budget at all.
    pub no_budget: Option<bool>,
    /// Budget settings (ignored when `budget` is `null`).
    pub budget_options: Option<BudgetOptions>,
}

/// A retry configuration (`RetryConfig`).
#[napi]
#[derive(Debug)]
pub struct NativeRetryConfig {
    config: RetryConfig,
}

#[napi]
impl NativeRetryConfig {
    /// `RetryConfig::standard()` with the given overrides.
    #[napi(constructor)]
    pub fn new(options: Option<RetryOptions>) -> std::result::Result<Self, Error<String>> {
        let mut c = RetryConfig::standard();
        if let Some(o) = options {
            if let Some(n) = o.max_attempts {
                c = c.with_max_attempts(n);
            }
            if let Some(ms) = o.base_delay_ms {
                c = c.with_base_delay(duration_ms(ms, "baseDelayMs")?);
            }
            if let Some(ms) = o.throttle_base_delay_ms {
                c = c.with_throttle_base_delay(duration_ms(ms, "throttleBaseDelayMs")?);
            }
            if let Some(ms) = o.max_backoff_ms {
                c = c.with_max_backoff(duration_ms(ms, "maxBackoffMs")?);
            }
            if let Some(ms) = o.max_retry_after_ms {
                c = c.with_max_retry_after(duration_ms(ms, "maxRetryAfterMs")?);
            }
            if o.no_budget == Some(true) {
                c = c.without_budget();
            } else if let Some(b) = o.budget_options {
                let mut bc = BudgetConfig::standard();
                if let Some(v) = b.capacity {
                    bc = bc.with_capacity(v);
                }
                if let Some(v) = b.retry_cost {
                    bc = bc.with_retry_cost(v);
                }
                if let Some(v) = b.throttle_cost {
                    bc = bc.with_throttle_cost(v);
                }
                if let Some(v) = b.success_reward {
                    bc = bc.with_success_reward(v);
                }
                c = c.with_budget(bc);
            }
        }
        Ok(NativeRetryConfig { config: c })
    }

    /// Attempts in all.
    #[napi(getter)]
    pub fn max_attempts(&self) -> u32 {
        self.config.max_attempts()
    }

    /// Base delay, ms.
    #[napi(getter)]
    pub fn base_delay_ms(&self) -> f64 {
        to_ms(self.config.base_delay())
    }

    /// Throttling base delay, ms.
    #[napi(getter)]
    pub fn throttle_base_delay_ms(&self) -> f64 {
        to_ms(self.config.throttle_base_delay())
    }

    /// Backoff cap, ms.
    #[napi(getter)]
    pub fn max_backoff_ms(&self) -> f64 {
        to_ms(self.config.max_backoff())
    }

    /// Longest honoured server wait, ms.
    #[napi(getter)]
    pub fn max_retry_after_ms(&self) -> f64 {
        to_ms(self.config.max_retry_after())
    }

    /// A fresh budget for this configuration (unlimited without one).
    #[napi]
    pub fn new_budget(&self) -> NativeRetryBudget {
        NativeRetryBudget {
            budget: self.config.new_budget(),
        }
    }

    /// The backoff ceiling before jitter for `attempt` (1 = the first
    /// attempt failed), for a retry of `kind`.
    #[napi]
    pub fn backoff_ceiling_ms(&self, kind: String, attempt: u32) -> f64 {
        let base = match kind.as_str() {
            "throttling" => self.config.throttle_base_delay(),
            "stale_connection" => Duration::ZERO,
            _ => self.config.base_delay(),
        };
        to_ms(backoff_ceiling(base, self.config.max_backoff(), attempt))
    }

    /// Decides whether and when to retry.
    #[napi]
    pub fn decide(
        &self,
        input: DecideInput,
        budget: Option<&NativeRetryBudget>,
    ) -> std::result::Result<Decision, Error<String>> {
        let failure = match (&input.transport, input.status) {
            (Some(t), _) => Failure::Transport(
                TransportFailure::from_code(t)
                    .ok_or_else(|| invalid_arg(format!("unknown transport failure {t:?}")))?,
            ),
            (None, Some(status)) => {
                let mut h = HttpFailure::new(status);
                if let Some(t) = input.error_type.as_deref() {
                    h = h.with_error_type(t);
                }
                if let Some(c) = input.code.as_deref() {
                    h = h.with_code(c);
                }
                if let Some(d) = input.decline_code.as_deref() {
                    h = h.with_decline_code(d);
                }
                Failure::Http(h)
            }
            (None, None) => return Err(invalid_arg("a failure needs `transport` or `status`")),
        };
        let headers = input.headers.unwrap_or_default();
        let pairs = flat_pairs(&headers);
        let hint = input
            .rate_limit_hint_ms
            .map(|ms| duration_ms(ms, "rateLimitHintMs"))
            .transpose()?;
        let time_left = input
            .time_left_ms
            .map(|ms| duration_ms(ms, "timeLeftMs"))
            .transpose()?;
        let random = input.random.unwrap_or(0.5);
        if !(0.0..=1.0).contains(&random) {
            return Err(invalid_arg("random must lie in [0, 1]"));
        }
        let mut ri = RetryInput::new(failure)
            .headers(&pairs)
            .rate_limit_hint(hint)
            .attempt(input.attempt)
            .time_left_opt(time_left)
            .idempotency_key(input.idempotency_key)
            .random(random)
            .now(input.now);
        if let Some(m) = input.method.as_deref() {
            ri = ri.method(m);
        }
        if let Some(b) = budget {
            ri = ri.budget(&b.budget);
        }
        let server_delay_ms = ri.server_delay().map(to_ms);
        Ok(match decide(&self.config, &ri) {
            RetryDecision::Retry {
                after,
                kind,
                tokens,
            } => Decision {
                retry: true,
                delay_ms: Some(to_ms(after)),
                kind: Some(kind.code().to_owned()),
                tokens: Some(tokens),
                reason: None,
                action: None,
                server_delay_ms,
            },
            RetryDecision::DoNotRetry { reason } => Decision {
                retry: false,
                delay_ms: None,
                kind: None,
                tokens: None,
                reason: Some(reason.code().to_owned()),
                action: reason.action().map(|a| a.code().to_owned()),
                server_delay_ms,
            },
        })
    }
}

/// What failed and the context of the attempt.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DecideInput {
    /// A transport failure code (`connect_failed`, `failed_after_send`, ...).
    pub transport: Option<String>,
    /// The HTTP status of a response.
    pub status: Option<u16>,
    /// The error body's `type`.
    pub error_type: Option<String>,
    /// The error body's `code`.
    pub code: Option<String>,
    /// The error body's `decline_code`.
    pub decline_code: Option<String>,
    /// Response headers as `[name, value, ...]`.
    pub headers: Option<Vec<String>>,
    /// The client pacer's wait, ms.
    pub rate_limit_hint_ms: Option<f64>,
    /// The attempt that failed (1 = the first).
    pub attempt: u32,
    /// Time left before the caller's deadline, ms.
    pub time_left_ms: Option<f64>,
    /// Whether an idempotency key is attached.
    pub idempotency_key: bool,
    /// The request method.
    pub method: Option<String>,
    /// A uniform random value in [0, 1] for the jitter.
    pub random: Option<f64>,
    /// Now, Unix seconds.
    pub now: i64,
}

/// The decision.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Decision {
    /// Whether to retry.
    pub retry: bool,
    /// The wait before the retry, ms.
    pub delay_ms: Option<f64>,
    /// The kind of retry (`transient`, `throttling`, `stale_connection`, ...).
    pub kind: Option<String>,
    /// Budget tokens the retry took.
    pub tokens: Option<u32>,
    /// Why not (a `DoNotRetryReason` code).
    pub reason: Option<String>,
    /// The user action a decline calls for.
    pub action: Option<String>,
    /// The server-requested wait read from the headers, ms.
    pub server_delay_ms: Option<f64>,
}

/// The client-wide retry budget (`RetryBudget`).
#[napi]
#[derive(Debug)]
pub struct NativeRetryBudget {
    budget: RetryBudget,
}

#[napi]
impl NativeRetryBudget {
    /// Tokens available; `null` for an unlimited budget.
    #[napi(getter)]
    pub fn available(&self) -> Option<u32> {
        self.budget.is_limited().then(|| self.budget.available())
    }

    /// Records a success; `lastRetryTokens` are the tokens of the retry that
    /// succeeded, if it was one.
    #[napi]
    pub fn record_success(&self, last_retry_tokens: Option<u32>) {
        self.budget.record_success(last_retry_tokens);
    }
}

/// Mints an idempotency key (UUID v4) from 16 random bytes.
#[napi]
pub fn idempotency_key_from_random(bytes: &[u8]) -> std::result::Result<String, Error<String>> {
    let arr: [u8; 16] = bytes
        .try_into()
        .map_err(|_| invalid_arg("an idempotency key needs exactly 16 random bytes"))?;
    Ok(IdempotencyKey::from_random(arr).into_string())
}

/// Validates a caller-chosen idempotency key; returns it.
#[napi]
pub fn validate_idempotency_key(key: String) -> std::result::Result<String, Error<String>> {
    IdempotencyKey::new(key)
        .map(IdempotencyKey::into_string)
        .map_err(|e| native_error("idempotency", e.code(), e.code(), &e))
}

/// A `RateLimit-Policy` / `RateLimit-Policy` entry.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct QuotaPolicyInfo {
    /// The policy's name.
    pub name: String,
    /// The quota.
    pub quota: f64,
    /// The window, seconds.
    pub window_seconds: Option<f64>,
    /// The quota unit.
    pub quota_unit: String,
    /// The partition key, hex.
    pub partition_key_hex: Option<String>,
}

/// A `RateLimit` service-limit entry.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ServiceLimitInfo {
    /// The policy it reports on.
    pub policy: String,
    /// Remaining quota units.
    pub remaining: f64,
    /// Seconds until the quota resets.
    pub reset_seconds: Option<f64>,
    /// The partition key, hex.
    pub partition_key_hex: Option<String>,
}

/// What the rate-limit headers of a response say (`RateLimitInfo`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RateLimitState {
    /// The quota.
    pub limit: Option<f64>,
    /// Remaining units.
    pub remaining: Option<f64>,
    /// Until the quota resets, ms.
    pub reset_after_ms: Option<f64>,
    /// The window, ms.
    pub window_ms: Option<f64>,
    /// Units used.
    pub used: Option<f64>,
    /// The resource the limit applies to.
    pub resource: Option<String>,
    /// Retry-After, ms.
    pub retry_after_ms: Option<f64>,
    /// How long to wait before the next request (`wait_before_next`), ms.
    pub wait_ms: Option<f64>,
    /// The policy that applies.
    pub policy: Option<String>,
    /// The partition key, hex.
    pub partition_key_hex: Option<String>,
    /// The policies announced.
    pub policies: Vec<QuotaPolicyInfo>,
    /// The service limits reported.
    pub limits: Vec<ServiceLimitInfo>,
    /// Names of headers present but malformed.
    pub malformed: Vec<String>,
}

fn hex(k: Option<&Vec<u8>>) -> Option<String> {
    k.map(|k| paycore::crypto::hex_encode(k))
}

/// Reads every rate-limit header format from `[name, value, ...]` at `now`.
#[napi]
pub fn parse_rate_limit(headers: Vec<String>, now: i64) -> RateLimitState {
    let pairs = flat_pairs(&headers);
    let info = RateLimitInfo::from_headers(&pairs, now);
    RateLimitState {
        limit: info.limit.map(to_f64),
        remaining: info.remaining.map(to_f64),
        reset_after_ms: info.reset_after.map(to_ms),
        window_ms: info.window.map(to_ms),
        used: info.used.map(to_f64),
        resource: info.resource.clone(),
        retry_after_ms: info.retry_after.map(to_ms),
        wait_ms: info.wait_before_next().map(to_ms),
        policy: info.policy.clone(),
        partition_key_hex: hex(info.partition_key.as_ref()),
        policies: info
            .policies
            .iter()
            .map(|p| QuotaPolicyInfo {
                name: p.name.clone(),
                quota: to_f64(p.quota),
                window_seconds: p.window.map(|w| to_f64(w.as_secs())),
                quota_unit: p.quota_unit.clone(),
                partition_key_hex: hex(p.partition_key.as_ref()),
            })
            .collect(),
        limits: info
            .limits
            .iter()
            .map(|l| ServiceLimitInfo {
                policy: l.policy.clone(),
                remaining: to_f64(l.remaining),
                reset_seconds: l.reset_after.map(|r| to_f64(r.as_secs())),
                partition_key_hex: hex(l.partition_key.as_ref()),
            })
            .collect(),
        malformed: info.malformed.iter().map(|m| (*m).to_owned()).collect(),
    }
}
