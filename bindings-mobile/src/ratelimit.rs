//! [`parse_rate_limit`]: every common rate-limit header format of a response,
//! over [`paycore::ratelimit::RateLimitInfo::from_headers`]; and the server
//! side: [`MemoryRateLimiter`] (GCRA on the core's memory store) and
//! [`render_rate_limit_headers`].

use std::sync::Arc;
use std::time::Duration;

use paycore::ratelimit::{Decision, MemoryStore, Quota, RateLimitStore, render_headers};

use crate::error::PaycoreError;
use crate::{HeaderField, now_or_clock};

/// A quota policy announced by `RateLimit-Policy`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuotaPolicy {
    /// The policy's name.
    pub name: String,
    /// The quota.
    pub quota: u64,
    /// The window, in seconds.
    pub window_seconds: Option<u64>,
    /// The unit of the quota (`requests`, ...).
    pub quota_unit: String,
    /// The partition key, raw bytes.
    pub partition_key: Option<Vec<u8>>,
}

/// A service limit reported by `RateLimit`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceLimit {
    /// The policy it refers to.
    pub policy: String,
    /// Quota units remaining.
    pub remaining: u64,
    /// Seconds until the quota resets.
    pub reset_seconds: Option<u64>,
    /// The partition key, raw bytes.
    pub partition_key: Option<Vec<u8>>,
}

/// What a response's rate-limit headers say; durations in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RateLimitInfo {
    /// The request quota.
    pub limit: Option<u64>,
    /// Requests remaining.
    pub remaining: Option<u64>,
    /// Until the quota resets.
    pub reset_after_ms: Option<u64>,
    /// The quota's window.
    pub window_ms: Option<u64>,
    /// Requests used.
    pub used: Option<u64>,
    /// The resource the limit applies to.
    pub resource: Option<String>,
    /// The server's `Retry-After`.
    pub retry_after_ms: Option<u64>,
    /// How long to wait before the next request (none: no need to wait).
    pub wait_ms: Option<u64>,
    /// The policy the first limit refers to.
    pub policy: Option<String>,
    /// The partition key, raw bytes.
    pub partition_key: Option<Vec<u8>>,
    /// Every announced policy.
    pub policies: Vec<QuotaPolicy>,
    /// Every reported limit.
    pub limits: Vec<ServiceLimit>,
    /// The names of the headers that were present but could not be read.
    pub malformed: Vec<String>,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Reads the rate-limit headers of a response (`RateLimit` /
/// `RateLimit-Policy`, the `X-RateLimit-*` families, `Retry-After`); `now` is
/// Unix seconds (`null` / `nil`: the system clock), for date-valued headers.
#[uniffi::export]
pub fn parse_rate_limit(headers: Vec<HeaderField>, now: Option<i64>) -> RateLimitInfo {
    let pairs = HeaderField::pairs(&headers);
    let info = paycore::RateLimitInfo::from_headers(&pairs, now_or_clock(now));
    RateLimitInfo {
        limit: info.limit,
        remaining: info.remaining,
        reset_after_ms: info.reset_after.map(ms),
        window_ms: info.window.map(ms),
        used: info.used,
        resource: info.resource.clone(),
        retry_after_ms: info.retry_after.map(ms),
        wait_ms: info.wait_before_next().map(ms),
        policy: info.policy.clone(),
        partition_key: info.partition_key.clone(),
        policies: info
            .policies
            .iter()
            .map(|p| QuotaPolicy {
                name: p.name.clone(),
                quota: p.quota,
                window_seconds: p.window.map(|w| w.as_secs()),
                quota_unit: p.quota_unit.clone(),
                partition_key: p.partition_key.clone(),
            })
            .collect(),
        limits: info
            .limits
            .iter()
            .map(|l| ServiceLimit {
                policy: l.policy.clone(),
                remaining: l.remaining,
                reset_seconds: l.reset_after.map(|r| r.as_secs()),
                partition_key: l.partition_key.clone(),
            })
            .collect(),
        malformed: info.malformed.iter().map(|m| (*m).to_owned()).collect(),
    }
}

// ---- server side: GCRA on a memory store, and rendering the headers ----

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A limiter's decision for one request; durations in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RateLimitDecision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The quota's limit (units per period).
    pub limit: u64,
    /// Units that could still be admitted now, after this request.
    pub remaining: u64,
    /// Until the quota is fully restored.
    pub reset_after_us: u64,
    /// For a denial: until the same request would be allowed (`null` when
    /// allowed, or when its cost exceeds the burst).
    pub retry_after_us: Option<u64>,
}

impl From<Decision> for RateLimitDecision {
    fn from(d: Decision) -> Self {
        RateLimitDecision {
            allowed: d.allowed,
            limit: d.limit,
            remaining: d.remaining,
            reset_after_us: us(d.reset_after),
            retry_after_us: d.retry_after.map(us),
        }
    }
}

impl From<RateLimitDecision> for Decision {
    fn from(d: RateLimitDecision) -> Self {
        Decision {
            allowed: d.allowed,
            limit: d.limit,
            remaining: d.remaining,
            reset_after: Duration::from_micros(d.reset_after_us),
            retry_after: d.retry_after_us.map(Duration::from_micros),
        }
    }
}

fn quota(limit: u64, period_ms: u64, burst: u64) -> Result<Quota, PaycoreError> {
    Quota::new(limit, Duration::from_millis(period_ms), burst)
        .map_err(|e| PaycoreError::invalid(e.code(), e.to_string()))
}

/// A GCRA rate limiter over the core's in-memory store: `limit` units per
/// `period_ms`, bursts of up to `burst`, one state per key. Time is passed
/// in (`now_ms` on any monotonic clock), never read.
#[derive(uniffi::Object)]
pub struct MemoryRateLimiter {
    quota: Quota,
    store: MemoryStore,
}

impl std::fmt::Debug for MemoryRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemoryRateLimiter({:?})", self.quota)
    }
}

#[uniffi::export]
impl MemoryRateLimiter {
    /// A limiter; a zero limit, period or burst is an `InvalidArgument`
    /// (`zero_quota`, `zero_period`, `zero_burst`).
    #[uniffi::constructor]
    pub fn new(limit: u64, period_ms: u64, burst: u64) -> Result<Arc<Self>, PaycoreError> {
        Ok(Arc::new(MemoryRateLimiter {
            quota: quota(limit, period_ms, burst)?,
            store: MemoryStore::new(),
        }))
    }

    /// The emission interval (period / limit), in microseconds.
    pub fn emission_interval_us(&self) -> u64 {
        self.quota.emission_interval_micros()
    }

    /// The burst span (emission interval x burst), in microseconds.
    pub fn burst_span_us(&self) -> u64 {
        self.quota.burst_span_micros()
    }

    /// Admits (or not) a request of `cost` units for `key` at `now_ms`,
    /// updating the key's state when allowed.
    pub fn check(&self, key: String, now_ms: u64, cost: u64) -> RateLimitDecision {
        self.store
            .check(&key, &self.quota, Duration::from_millis(now_ms), cost)
            .into()
    }
}

/// The response headers of a limiter decision (`RateLimit-Policy`,
/// `RateLimit`, `X-RateLimit-*`, `Retry-After` on a denial), lower-case
/// names, in order. The quota is the one the decision was made under; a
/// policy name that is not printable ASCII is an `InvalidArgument`
/// (`invalid_policy_name`).
#[uniffi::export]
pub fn render_rate_limit_headers(
    decision: RateLimitDecision,
    limit: u64,
    period_ms: u64,
    burst: u64,
    policy_name: String,
    partition_key: Option<Vec<u8>>,
) -> Result<Vec<HeaderField>, PaycoreError> {
    let q = quota(limit, period_ms, burst)?;
    let headers = render_headers(&decision.into(), &q, &policy_name, partition_key.as_deref())
        .map_err(|e| PaycoreError::invalid(e.code(), e.to_string()))?;
    Ok(headers
        .into_iter()
        .map(|(name, value)| HeaderField {
            name: name.to_owned(),
            value,
        })
        .collect())
}
