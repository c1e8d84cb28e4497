//! Rate limits with the core's GCRA ([`paycore::ratelimit`]): an in-memory
//! keyed store by default, or the core's Lua script on Redis so several
//! instances share one limit per API key and route class. Headers are
//! rendered by the core (`RateLimit-Policy`, `RateLimit`, `X-RateLimit-*`,
//! `Retry-After`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderName, HeaderValue};
use futures_util::future::BoxFuture;
use paycore::ratelimit::{
    Decision, GCRA_REDIS_LUA, MemoryStore, Quota, RateLimitStore, render_headers,
};

use crate::config::Plan;
use crate::error::AppError;
use crate::ratelimit::{RateLimiter, RateOutcome};

/// The quota of a plan: its requests per minute, bursts up to the same.
pub fn quota(plan: Plan) -> Quota {
    #[allow(
        clippy::expect_used,
        reason = "the plans' quotas are non-zero constants"
    )]
    Quota::per_period(plan.requests_per_minute(), Duration::from_secs(60))
        .expect("non-zero plan quota")
}

fn outcome(decision: &Decision, quota: &Quota, plan: Plan) -> RateOutcome {
    let headers = render_headers(decision, quota, plan.as_str(), None)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, value)| {
            Some((
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                HeaderValue::from_str(&value).ok()?,
            ))
        })
        // The 429 sets Retry-After itself (from retry_after_secs).
        .filter(|(name, _)| name != axum::http::header::RETRY_AFTER)
        .collect();
    RateOutcome {
        allowed: decision.allowed,
        retry_after_secs: decision
            .retry_after
            .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0)),
        headers,
    }
}

/// The core's in-memory store (one process).
#[derive(Debug, Default)]
pub struct MemoryLimiter {
    store: MemoryStore,
}

impl RateLimiter for MemoryLimiter {
    fn check<'a>(
        &'a self,
        key: &'a str,
        plan: Plan,
    ) -> BoxFuture<'a, Result<RateOutcome, AppError>> {
        Box::pin(async move {
            let q = quota(plan);
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let d = self.store.check(key, &q, now, 1);
            Ok(outcome(&d, &q, plan))
        })
    }
}

/// The core's GCRA as one atomic Lua script on Redis, with the Redis
/// server's clock (no skew between instances).
pub struct RedisLimiter {
    conn: redis::aio::ConnectionManager,
    script: redis::Script,
}

impl std::fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLimiter").finish_non_exhaustive()
    }
}

impl RedisLimiter {
    /// Uses an open connection manager.
    pub fn new(conn: redis::aio::ConnectionManager) -> Self {
        RedisLimiter {
            conn,
            script: redis::Script::new(GCRA_REDIS_LUA),
        }
    }
}

fn us(v: i64) -> Duration {
    Duration::from_micros(u64::try_from(v).unwrap_or(0))
}

impl RateLimiter for RedisLimiter {
    fn check<'a>(
        &'a self,
        key: &'a str,
        plan: Plan,
    ) -> BoxFuture<'a, Result<RateOutcome, AppError>> {
        Box::pin(async move {
            let q = quota(plan);
            let mut conn = self.conn.clone();
            let reply: Vec<i64> = self
                .script
                .key(format!("paycore:rl:{key}"))
                .arg("")
                .arg(q.emission_interval_micros())
                .arg(q.burst_span_micros())
                .arg(q.burst())
                .arg(1)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| AppError::internal(format!("redis rate limit: {e}")))?;
            let [allowed, remaining, reset_us, retry_us, _tat] = reply[..] else {
                return Err(AppError::internal("redis rate limit: unexpected reply"));
            };
            let d = Decision {
                allowed: allowed == 1,
                limit: q.limit(),
                remaining: u64::try_from(remaining).unwrap_or(0),
                reset_after: us(reset_us),
                retry_after: (retry_us >= 0).then(|| us(retry_us)),
            };
            Ok(outcome(&d, &q, plan))
        })
    }
}
