//! [`parse_rate_limit`]: every common rate-limit header format of a response,
//! over [`paycore::ratelimit::RateLimitInfo::from_headers`].

use std::time::Duration;

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
