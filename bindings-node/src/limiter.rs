//! `paycore::ratelimit` (server side): GCRA quotas in a `MemoryStore`, and
//! the rate-limit headers of a decision. Times cross as microseconds
//! (decisions) and milliseconds (`now`, the caller's monotonic clock).

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use paycore::ratelimit::{Decision, MemoryStore, Quota, RateLimitStore, render_headers};

use crate::{invalid_arg, native_error};

#[allow(
    clippy::cast_precision_loss,
    reason = "microseconds below 2^53 in practice"
)]
fn micros(d: Duration) -> f64 {
    d.as_micros() as f64
}

#[allow(clippy::cast_precision_loss, reason = "counts below 2^53 in practice")]
fn count(n: u64) -> f64 {
    n as f64
}

fn whole(v: f64, what: &str) -> std::result::Result<u64, Error<String>> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_991.0 {
        // An integral, non-negative f64 below 2^53 converts exactly.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked above"
        )]
        let n = v as u64;
        Ok(n)
    } else {
        Err(invalid_arg(format!(
            "{what} must be a non-negative integer"
        )))
    }
}

fn duration_from_micros(us: f64, what: &str) -> std::result::Result<Duration, Error<String>> {
    Ok(Duration::from_micros(whole(us, what)?))
}

/// A limiter decision.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct LimitDecision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The quota's limit.
    pub limit: f64,
    /// Units that could still be admitted now.
    pub remaining: f64,
    /// Until the quota is fully restored, microseconds.
    pub reset_after_us: f64,
    /// For a denial, until the same request would be allowed, microseconds.
    pub retry_after_us: Option<f64>,
}

fn to_js(d: Decision) -> LimitDecision {
    LimitDecision {
        allowed: d.allowed,
        limit: count(d.limit),
        remaining: count(d.remaining),
        reset_after_us: micros(d.reset_after),
        retry_after_us: d.retry_after.map(micros),
    }
}

fn from_js(d: &LimitDecision) -> std::result::Result<Decision, Error<String>> {
    Ok(Decision {
        allowed: d.allowed,
        limit: whole(d.limit, "limit")?,
        remaining: whole(d.remaining, "remaining")?,
        reset_after: duration_from_micros(d.reset_after_us, "resetAfterUs")?,
        retry_after: d
            .retry_after_us
            .map(|us| duration_from_micros(us, "retryAfterUs"))
            .transpose()?,
    })
}

/// A GCRA limiter: one quota over an in-memory store of partitions.
#[napi]
#[derive(Debug)]
pub struct NativeRateLimiter {
    quota: Quota,
    store: MemoryStore,
}

#[napi]
impl NativeRateLimiter {
    /// `limit` units per `period_ms`, bursts of `burst`; `capacity`
    /// partitions over `shards` shards (defaults: the store's).
    #[napi(constructor)]
    pub fn new(
        limit: f64,
        period_ms: f64,
        burst: f64,
        capacity: Option<u32>,
        shards: Option<u32>,
    ) -> std::result::Result<Self, Error<String>> {
        let quota = Quota::new(
            whole(limit, "limit")?,
            Duration::from_millis(whole(period_ms, "periodMs")?),
            whole(burst, "burst")?,
        )
        .map_err(|e| native_error("quota", e.code(), e.code(), &e))?;
        let store = match capacity {
            Some(c) => MemoryStore::with_capacity(c as usize, shards.map_or(16, |s| s as usize)),
            None => MemoryStore::new(),
        };
        Ok(NativeRateLimiter { quota, store })
    }

    /// The emission interval, microseconds.
    #[napi(getter)]
    pub fn emission_interval_us(&self) -> f64 {
        count(self.quota.emission_interval_micros())
    }

    /// The burst span, microseconds.
    #[napi(getter)]
    pub fn burst_span_us(&self) -> f64 {
        count(self.quota.burst_span_micros())
    }

    /// Decides on a request of `cost` units for `key` at `now_ms` (the
    /// caller's monotonic clock, milliseconds).
    #[napi]
    pub fn check(
        &self,
        key: String,
        now_ms: f64,
        cost: f64,
    ) -> std::result::Result<LimitDecision, Error<String>> {
        let now = Duration::from_millis(whole(now_ms, "now")?);
        Ok(to_js(self.store.check(
            &key,
            &self.quota,
            now,
            whole(cost, "cost")?,
        )))
    }

    /// The headers for `decision` (`[name, value, ...]`), naming `policy`
    /// and optionally the partition key.
    #[napi]
    pub fn headers(
        &self,
        decision: LimitDecision,
        policy: String,
        partition_key: Option<&[u8]>,
    ) -> std::result::Result<Vec<String>, Error<String>> {
        let d = from_js(&decision)?;
        let out = render_headers(&d, &self.quota, &policy, partition_key)
            .map_err(|e| native_error("quota", e.code(), e.code(), &e))?;
        Ok(out
            .into_iter()
            .flat_map(|(n, v)| [n.to_owned(), v])
            .collect())
    }
}
