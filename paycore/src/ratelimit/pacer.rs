//! A client-side GCRA pacer: spaces a client's own requests to a rate the
//! caller chooses, before the server has to say no.
//!
//! ```
//! use paycore::ratelimit::{ClientPacer, Quota};
//! use std::time::Duration;
//!
//! // 5 requests per second, bursts of 1: one every 200 ms.
//! let pacer = ClientPacer::new(Quota::new(5, Duration::from_secs(1), 1).unwrap());
//! let t0 = Duration::from_secs(1);
//! assert_eq!(pacer.reserve(t0), Duration::ZERO);
//! assert_eq!(pacer.reserve(t0), Duration::from_millis(200));
//! assert_eq!(pacer.reserve(t0), Duration::from_millis(400));
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::gcra::{Quota, micros};

/// A lock-free, thread-safe GCRA pacer for one partition.
///
/// [`ClientPacer::reserve`] always books a slot and returns how long the
/// caller must wait before sending; it never refuses. Time is passed in, as a
/// monotonic instant since the caller's epoch (see [`super::gcra`]).
#[derive(Debug)]
pub struct ClientPacer {
    quota: Quota,
    tat: AtomicU64,
}

impl ClientPacer {
    /// A pacer for `quota` (rate and burst).
    pub fn new(quota: Quota) -> Self {
        Self {
            quota,
            tat: AtomicU64::new(0),
        }
    }

    /// The pacer's quota.
    pub fn quota(&self) -> &Quota {
        &self.quota
    }

    /// Books one request at `now` and returns how long to wait before sending
    /// it (zero to send at once).
    pub fn reserve(&self, now: Duration) -> Duration {
        self.reserve_n(now, 1)
    }

    /// Books a request of `cost` units. A cost above the burst is booked as if
    /// it were the burst (it is spread over the wait instead of refused).
    pub fn reserve_n(&self, now: Duration, cost: u64) -> Duration {
        let now = micros(now);
        let cost = cost.min(self.quota.burst());
        let inc = self.quota.emission_interval_micros().saturating_mul(cost);
        let span = self.quota.burst_span_micros();
        let mut cur = self.tat.load(Ordering::Relaxed);
        loop {
            let new_tat = cur.max(now).saturating_add(inc);
            let allow_at = new_tat.saturating_sub(span);
            match self
                .tat
                .compare_exchange_weak(cur, new_tat, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return Duration::from_micros(allow_at.saturating_sub(now)),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Makes sure no reservation is granted before `at` (for instance `now`
    /// plus [`RateLimitInfo::wait_before_next`](super::RateLimitInfo::wait_before_next)),
    /// without lifting any wait already booked.
    pub fn block_until(&self, at: Duration) {
        let at = micros(at);
        let floor = at
            .saturating_add(self.quota.burst_span_micros())
            .saturating_sub(self.quota.emission_interval_micros());
        self.tat.fetch_max(floor, Ordering::AcqRel);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn burst_then_spacing() {
        let p = ClientPacer::new(Quota::new(10, Duration::from_secs(1), 2).unwrap());
        assert_eq!(p.reserve(ms(1000)), Duration::ZERO);
        assert_eq!(p.reserve(ms(1000)), Duration::ZERO);
        assert_eq!(p.reserve(ms(1000)), ms(100));
        assert_eq!(p.reserve(ms(1050)), ms(150));
        // After a quiet period the burst is available again.
        assert_eq!(p.reserve(ms(5000)), Duration::ZERO);
    }

    #[test]
    fn block_until_defers_the_next_slot() {
        let p = ClientPacer::new(Quota::new(10, Duration::from_secs(1), 3).unwrap());
        p.block_until(ms(2000));
        assert_eq!(p.reserve(ms(1000)), ms(1000));
        assert_eq!(p.reserve(ms(1000)), ms(1100));
        // An earlier block does not lift the booking.
        p.block_until(ms(1));
        assert_eq!(p.reserve(ms(1000)), ms(1200));
    }

    #[test]
    fn threads_get_distinct_slots() {
        let p = std::sync::Arc::new(ClientPacer::new(
            Quota::new(1000, Duration::from_secs(1), 1).unwrap(),
        ));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || (0..100).map(|_| p.reserve(ms(0))).collect::<Vec<_>>())
            })
            .collect();
        let mut all: Vec<Duration> = hs.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 400);
        assert_eq!(all.last(), Some(&ms(399)));
    }
}
