//! Property tests of the rate-limit module: the GCRA never admits more than
//! `burst + rate * elapsed`, the parsers never panic, and rendered headers
//! read back to the decision they came from.
#![allow(clippy::unwrap_used, reason = "test code")]

use std::time::Duration;

use paycore::ratelimit::{
    ClientPacer, Decision, MemoryStore, Quota, RateLimitInfo, RateLimitStore, Tat,
    parse_retry_after, render_headers,
};
use proptest::prelude::*;

fn quota() -> impl Strategy<Value = Quota> {
    (1u64..2_000, 1u64..100_000_000, 1u64..64).prop_map(|(limit, period_us, burst)| {
        Quota::new(limit, Duration::from_micros(period_us), burst).unwrap()
    })
}

/// Requests as (microseconds since the previous one, cost).
fn requests() -> impl Strategy<Value = Vec<(u64, u64)>> {
    prop::collection::vec(
        (
            prop_oneof![Just(0u64), 0u64..1_000, 0u64..10_000_000],
            prop_oneof![Just(1u64), 0u64..8],
        ),
        1..120,
    )
}

/// Units admitted in every window `[a, b]` are at most
/// `burst + (b - a) * limit / period`.
fn assert_rate_bound(q: &Quota, admitted: &[(u64, u64)]) -> Result<(), TestCaseError> {
    let period = u128::from(q.period().as_micros() as u64);
    for (i, &(a, _)) in admitted.iter().enumerate() {
        let mut units: u128 = 0;
        for &(b, cost) in &admitted[i..] {
            units += u128::from(cost);
            let bound = u128::from(q.burst()) * period + u128::from(b - a) * u128::from(q.limit());
            prop_assert!(
                units * period <= bound,
                "{units} units in [{a}, {b}] us exceed burst {} + rate {}/{period}us",
                q.burst(),
                q.limit()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn gcra_never_exceeds_burst_plus_rate(q in quota(), reqs in requests(), start in 0u64..1u64 << 50) {
        let store = MemoryStore::with_capacity(4, 1);
        let mut tat = Tat::ABSENT;
        let mut now = start;
        let mut admitted = Vec::new();
        for (gap, cost) in reqs {
            now += gap;
            let at = Duration::from_micros(now);
            let out = q.check(tat, at, cost);
            // The keyed store makes exactly the same decisions.
            prop_assert_eq!(store.check("k", &q, at, cost), out.decision);
            let d = out.decision;
            prop_assert!(d.remaining <= q.burst());
            if d.allowed {
                prop_assert!(d.retry_after.is_none());
                admitted.push((now, cost));
            } else {
                prop_assert_eq!(out.tat, tat);
                prop_assert_eq!(d.retry_after.is_none(), cost > q.burst());
                // Waiting retry_after is exactly enough.
                if let Some(r) = d.retry_after {
                    let later = at + r;
                    prop_assert!(q.check(tat, later, cost).decision.allowed);
                    if r >= Duration::from_micros(1) {
                        let before = later - Duration::from_micros(1);
                        prop_assert!(!q.check(tat, before, cost).decision.allowed);
                    }
                }
            }
            tat = out.tat;
        }
        assert_rate_bound(&q, &admitted)?;
    }

    #[test]
    fn pacer_schedule_respects_the_rate(q in quota(), reqs in requests()) {
        let pacer = ClientPacer::new(q);
        let mut now = 1_000u64;
        let mut sends = Vec::new();
        for (gap, _) in reqs {
            now += gap;
            let wait = pacer.reserve(Duration::from_micros(now));
            sends.push((now + wait.as_micros() as u64, 1));
        }
        sends.sort_unstable();
        assert_rate_bound(&q, &sends)?;
    }

    #[test]
    fn parsers_never_panic(
        values in prop::collection::vec(
            (
                prop::sample::select(vec![
                    "RateLimit", "RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining",
                    "RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                    "X-RateLimit-Reset", "X-RateLimit-Used", "X-RateLimit-Window",
                    "X-RateLimit-Resource", "Retry-After", "Retry-After-Ms",
                ]),
                prop_oneof![
                    any::<String>(),
                    "[\"a-z0-9;=:, .()?*@%-]{0,40}",
                    "[0-9]{1,25}(\\.[0-9]{0,12})?",
                ],
            ),
            0..8,
        ),
        now in any::<i64>(),
    ) {
        let info = RateLimitInfo::from_headers(&values, now);
        let _ = info.wait_before_next();
        for (_, v) in &values {
            let _ = parse_retry_after(v, now);
        }
    }

    #[test]
    fn render_then_parse_round_trips(
        allowed in any::<bool>(),
        limit in 1u64..1_000_000_000_000,
        remaining in 0u64..1_000_000_000_000,
        reset_ms in 0u64..10_000_000_000,
        retry_ms in prop::option::of(0u64..10_000_000_000),
        period_ms in 1u64..100_000_000,
        name in "[ -~]{0,20}",
        pk in prop::option::of(prop::collection::vec(any::<u8>(), 0..24)),
    ) {
        let q = Quota::per_period(limit, Duration::from_millis(period_ms)).unwrap();
        let decision = Decision {
            allowed,
            limit,
            remaining,
            reset_after: Duration::from_millis(reset_ms),
            retry_after: if allowed { None } else { retry_ms.map(Duration::from_millis) },
        };
        let headers = render_headers(&decision, &q, &name, pk.as_deref()).unwrap();
        let info = RateLimitInfo::from_headers(&headers, 1_700_000_000);
        let ceil = |ms: u64| Duration::from_secs(ms.div_ceil(1000));
        let t = match decision.retry_after {
            Some(_) => ceil(retry_ms.unwrap()),
            None => ceil(reset_ms),
        };
        prop_assert!(info.malformed.is_empty(), "{:?}", info.malformed);
        prop_assert_eq!(info.limit, Some(limit));
        prop_assert_eq!(info.remaining, Some(remaining));
        prop_assert_eq!(info.reset_after, Some(t));
        prop_assert_eq!(info.retry_after, decision.retry_after.map(|_| t));
        prop_assert_eq!(info.window, Some(ceil(period_ms)));
        prop_assert_eq!(info.policy.as_deref(), Some(name.as_str()));
        prop_assert_eq!(info.partition_key, pk);
    }
}
