//! Rate-limit benchmarks: parsing a typical response's headers, and a keyed
//! GCRA check over 10k keys from one and two threads, beside `governor`'s
//! keyed limiter (DashMap store) in the same run.
//!
//! Both limiters read the same clock per check (quanta, governor's default), as
//! a server would.
#![allow(clippy::unwrap_used, missing_docs, reason = "benchmark code")]

use std::hint::black_box;
use std::num::NonZeroU32;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use paycore::ratelimit::{MemoryStore, Quota, RateLimitInfo, RateLimitStore};

const KEYS: usize = 10_000;

fn keys() -> Vec<String> {
    (0..KEYS).map(|i| format!("key_{i:08}")).collect()
}

fn parse(c: &mut Criterion) {
    let ietf = [
        ("Content-Type", "application/json"),
        ("Date", "Tue, 14 Nov 2023 22:13:20 GMT"),
        ("Request-Id", "req_1234567890abcdef"),
        ("Content-Length", "512"),
        (
            "RateLimit-Policy",
            r#""burst";q=100;w=60,"daily";q=1000;w=86400"#,
        ),
        ("RateLimit", r#""burst";r=42;t=17,"daily";r=900;t=3600"#),
    ];
    let github = [
        ("Content-Type", "application/json"),
        ("Date", "Tue, 14 Nov 2023 22:13:20 GMT"),
        ("X-GitHub-Request-Id", "C0DE:1234:5678:9ABC:DEF0"),
        ("X-RateLimit-Limit", "5000"),
        ("X-RateLimit-Remaining", "4987"),
        ("X-RateLimit-Reset", "1700003600"),
        ("X-RateLimit-Used", "13"),
        ("X-RateLimit-Resource", "core"),
    ];
    let denied = [
        ("Content-Type", "application/problem+json"),
        ("Retry-After", "30"),
        ("RateLimit-Policy", r#""default";q=100;w=60"#),
        ("RateLimit", r#""default";r=0;t=30"#),
        ("X-RateLimit-Limit", "100"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "30"),
    ];
    let mut g = c.benchmark_group("ratelimit_parse");
    g.bench_function("ietf_draft10", |b| {
        b.iter(|| RateLimitInfo::from_headers(black_box(&ietf), 1_700_000_000))
    });
    g.bench_function("github_x_ratelimit", |b| {
        b.iter(|| RateLimitInfo::from_headers(black_box(&github), 1_700_000_000))
    });
    g.bench_function("denied_both_families", |b| {
        b.iter(|| RateLimitInfo::from_headers(black_box(&denied), 1_700_000_000))
    });
    g.finish();
}

/// Runs `op(thread, i)` `iters` times in all over `threads` threads, started
/// together; returns the wall time.
fn threaded(iters: u64, threads: usize, op: &(dyn Fn(usize, u64) + Sync)) -> Duration {
    let per = iters.div_ceil(threads as u64);
    let barrier = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        for t in 0..threads {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                for i in 0..per {
                    op(t, i);
                }
                barrier.wait();
            });
        }
        barrier.wait();
        let start = Instant::now();
        barrier.wait();
        start.elapsed()
    })
}

fn keyed(c: &mut Criterion) {
    let keys = keys();
    // The same clock source as governor's default clock.
    let clock = quanta::Clock::new();
    let epoch = clock.now();
    let now = || clock.now().duration_since(epoch);
    let quota = Quota::per_period(1_000, Duration::from_secs(1)).unwrap();
    let gov_quota = governor::Quota::per_second(NonZeroU32::new(1_000).unwrap());

    let mut g = c.benchmark_group("ratelimit_keyed_10k");
    for threads in [1usize, 2] {
        let store = MemoryStore::new();
        g.bench_function(format!("paycore_memory_store/{threads}t"), |b| {
            b.iter_custom(|iters| {
                threaded(iters, threads, &|t, i| {
                    let k = &keys[(i as usize * 7 + t * 4_999) % KEYS];
                    black_box(store.check(k, &quota, now(), 1));
                })
            })
        });
        let gov = governor::RateLimiter::keyed(gov_quota);
        g.bench_function(format!("governor_keyed/{threads}t"), |b| {
            b.iter_custom(|iters| {
                threaded(iters, threads, &|t, i| {
                    let k = &keys[(i as usize * 7 + t * 4_999) % KEYS];
                    let _ = black_box(gov.check_key(k));
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, parse, keyed);
criterion_main!(benches);
