//! GCRA (the Generic Cell Rate Algorithm) as a pure state transition.
//!
//! The whole state of one limited partition is a single number, the
//! *theoretical arrival time* ([`Tat`]): the instant at which the partition's
//! quota would be fully restored. A request of `cost` units at `now` is allowed
//! when, after pushing the TAT forward by `cost` emission intervals, the TAT is
//! no further ahead of `now` than the burst span (`burst` emission intervals).
//!
//! # Time
//!
//! `now` is a monotonic instant chosen by the caller, passed as a
//! [`Duration`] since the caller's own epoch (an `Instant` taken at start-up,
//! or Unix time when several processes share one store). Every instant that
//! reaches one state must come from the same epoch. Internally everything is
//! whole **microseconds** in `u64` with saturating integer arithmetic and no
//! floating point, so the Redis script ([`super::GCRA_REDIS_LUA`]), whose
//! numbers are IEEE doubles (exact below 2^53 µs, about 285 years), computes
//! exactly the same results.
//!
//! ```
//! use paycore::ratelimit::{Quota, Tat};
//! use std::time::Duration;
//!
//! // 2 requests per second, bursts of 2.
//! let quota = Quota::per_period(2, Duration::from_secs(1)).unwrap();
//! let t0 = Duration::from_secs(100);
//! let a = quota.check(Tat::ABSENT, t0, 1);
//! let b = quota.check(a.tat, t0, 1);
//! let c = quota.check(b.tat, t0, 1);
//! assert!(a.decision.allowed && b.decision.allowed && !c.decision.allowed);
//! assert_eq!(c.decision.retry_after, Some(Duration::from_millis(500)));
//! assert_eq!(c.tat, b.tat); // a denial changes nothing
//! ```

use std::time::Duration;

/// Why a [`Quota`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuotaError {
    /// The quota (requests per period) is zero.
    #[error("the quota must allow at least one request per period")]
    ZeroQuota,
    /// The period is shorter than one microsecond.
    #[error("the period must be at least one microsecond")]
    ZeroPeriod,
    /// The burst is zero.
    #[error("the burst must be at least one")]
    ZeroBurst,
}

impl QuotaError {
    /// A stable code for this error, shared by every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ZeroQuota => "zero_quota",
            Self::ZeroPeriod => "zero_period",
            Self::ZeroBurst => "zero_burst",
        }
    }
}

/// A rate: `limit` units per `period`, with bursts of up to `burst` units.
///
/// The emission interval (the time one unit takes to be restored) is
/// `period / limit` rounded **up** to a whole microsecond, so the limiter never
/// admits more than the advertised rate. A fresh partition admits `burst`
/// units at once; afterwards one unit per emission interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quota {
    limit: u64,
    period_us: u64,
    burst: u64,
    emission_us: u64,
    span_us: u64,
}

impl Quota {
    /// `limit` units per `period`, burst = `limit` (the whole quota may be used
    /// at once, as with a fixed window).
    pub fn per_period(limit: u64, period: Duration) -> Result<Self, QuotaError> {
        Self::new(limit, period, limit)
    }

    /// `limit` units per `period` with bursts of up to `burst` units.
    pub fn new(limit: u64, period: Duration, burst: u64) -> Result<Self, QuotaError> {
        if limit == 0 {
            return Err(QuotaError::ZeroQuota);
        }
        if burst == 0 {
            return Err(QuotaError::ZeroBurst);
        }
        let period_us = micros(period);
        if period_us == 0 {
            return Err(QuotaError::ZeroPeriod);
        }
        let emission_us = period_us.div_ceil(limit).max(1);
        Ok(Self {
            limit,
            period_us,
            burst,
            emission_us,
            span_us: emission_us.saturating_mul(burst),
        })
    }

    /// The same rate with another burst.
    pub fn with_burst(self, burst: u64) -> Result<Self, QuotaError> {
        Self::new(self.limit, self.period(), burst)
    }

    /// Units allowed per period.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The period of the quota.
    pub fn period(&self) -> Duration {
        Duration::from_micros(self.period_us)
    }

    /// The largest number of units admitted at once.
    pub fn burst(&self) -> u64 {
        self.burst
    }

    /// The emission interval in microseconds (`ceil(period / limit)`, at least 1).
    pub fn emission_interval_micros(&self) -> u64 {
        self.emission_us
    }

    /// The burst span in microseconds (`burst * emission interval`, saturating):
    /// how far ahead of `now` the TAT may run.
    pub fn burst_span_micros(&self) -> u64 {
        self.span_us
    }

    /// Runs one GCRA step: the state `tat`, a request of `cost` units at `now`
    /// (time since the caller's epoch, see the module doc).
    ///
    /// * Allowed: the new TAT is `max(tat, now) + cost * interval`.
    /// * Denied: the TAT is returned unchanged. `retry_after` says when the
    ///   same request would be allowed, or is `None` if it never can be
    ///   (`cost > burst`).
    /// * `cost == 0` is a query: always allowed, nothing consumed.
    pub fn check(&self, tat: Tat, now: Duration, cost: u64) -> GcraOutcome {
        let now = micros(now);
        let tat_now = tat.0.max(now);
        let increment = self.emission_us.saturating_mul(cost);
        let new_tat = tat_now.saturating_add(increment);
        let horizon = now.saturating_add(self.span_us);
        if cost > self.burst || new_tat > horizon {
            let retry_after = if cost > self.burst {
                None
            } else {
                Some(Duration::from_micros(new_tat - horizon))
            };
            GcraOutcome {
                decision: Decision {
                    allowed: false,
                    limit: self.limit,
                    remaining: self.remaining(tat_now, now),
                    reset_after: Duration::from_micros(tat_now - now),
                    retry_after,
                },
                tat,
            }
        } else {
            GcraOutcome {
                decision: Decision {
                    allowed: true,
                    limit: self.limit,
                    remaining: self.remaining(new_tat, now),
                    reset_after: Duration::from_micros(new_tat - now),
                    retry_after: None,
                },
                tat: Tat(new_tat),
            }
        }
    }

    /// Whole units still available: `(span - (tat - now)) / interval`.
    fn remaining(&self, tat: u64, now: u64) -> u64 {
        let used = tat.saturating_sub(now);
        self.span_us.saturating_sub(used) / self.emission_us
    }
}

/// The stored state of one partition: its theoretical arrival time, in whole
/// microseconds since the caller's epoch.
///
/// A TAT at or before `now` means "fully restored" and is equivalent to an
/// absent entry ([`Tat::ABSENT`]); stores may drop such entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tat(pub u64);

impl Tat {
    /// No stored state.
    pub const ABSENT: Tat = Tat(0);

    /// Whether this state is equivalent to absent at `now`.
    pub fn is_idle(self, now: Duration) -> bool {
        self.0 <= micros(now)
    }
}

/// What a limiter decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The quota's `limit` (units per period), for rendering.
    pub limit: u64,
    /// Whole units that could still be admitted right now, after this request.
    pub remaining: u64,
    /// Time until the quota is fully restored (the TAT minus `now`).
    pub reset_after: Duration,
    /// For a denial: time until the same request would be allowed; `None` when
    /// allowed, or when it never can be (its cost exceeds the burst).
    pub retry_after: Option<Duration>,
}

/// A [`Decision`] with the state to store for the partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GcraOutcome {
    /// The decision.
    pub decision: Decision,
    /// The new state (unchanged on a denial).
    pub tat: Tat,
}

/// A duration as whole microseconds, saturating at `u64::MAX`.
pub(crate) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn burst_then_steady() {
        let q = Quota::new(10, Duration::from_secs(1), 3).unwrap();
        assert_eq!(q.emission_interval_micros(), 100_000);
        let mut tat = Tat::ABSENT;
        let now = ms(1_000);
        for want in [2, 1, 0] {
            let o = q.check(tat, now, 1);
            assert!(o.decision.allowed);
            assert_eq!(o.decision.remaining, want);
            tat = o.tat;
        }
        let d = q.check(tat, now, 1);
        assert!(!d.decision.allowed);
        assert_eq!(d.decision.retry_after, Some(ms(100)));
        assert_eq!(d.decision.reset_after, ms(300));
        let o = q.check(tat, ms(1_100), 1);
        assert!(o.decision.allowed);
        assert_eq!(o.decision.remaining, 0);
    }

    #[test]
    fn cost_above_burst_never_allowed() {
        let q = Quota::new(10, Duration::from_secs(1), 3).unwrap();
        let o = q.check(Tat::ABSENT, ms(5), 4);
        assert!(!o.decision.allowed);
        assert_eq!(o.decision.retry_after, None);
        assert_eq!(o.decision.remaining, 3);
    }

    #[test]
    fn zero_cost_is_a_query() {
        let q = Quota::per_period(2, Duration::from_secs(1)).unwrap();
        let a = q.check(Tat::ABSENT, ms(5), 1);
        let z = q.check(a.tat, ms(5), 0);
        assert!(z.decision.allowed);
        assert_eq!(z.tat, a.tat);
        assert_eq!(z.decision.remaining, 1);
    }

    #[test]
    fn errors() {
        assert_eq!(Quota::per_period(0, ms(1)), Err(QuotaError::ZeroQuota));
        assert_eq!(
            Quota::per_period(1, Duration::from_nanos(999)),
            Err(QuotaError::ZeroPeriod)
        );
        assert_eq!(Quota::new(1, ms(1), 0).unwrap_err().code(), "zero_burst");
    }

    #[test]
    fn extremes_do_not_panic() {
        let q = Quota::new(u64::MAX, Duration::MAX, u64::MAX).unwrap();
        let o = q.check(Tat(u64::MAX), Duration::MAX, u64::MAX);
        let _ = q.check(o.tat, Duration::ZERO, u64::MAX);
        let q = Quota::new(1, Duration::from_micros(1), 1).unwrap();
        let _ = q.check(Tat(u64::MAX), Duration::ZERO, u64::MAX);
    }
}
