//! The retry decision for three typical failures (ns/op): a 503 with
//! `Retry-After`, a 402 card decline, and a connect error.
#![allow(missing_docs, clippy::unwrap_used, reason = "bench code")]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use paycore::retry::{Failure, HttpFailure, RetryConfig, RetryInput, decide};

fn bench_decide(c: &mut Criterion) {
    let config = RetryConfig::standard();
    // A budget that never runs dry, so every iteration takes the same path;
    // the cost of the atomic withdrawal is still measured.
    let budget = config.new_budget();
    let mut g = c.benchmark_group("retry_decide");

    let headers_503 = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Request-Id".to_owned(), "req_123".to_owned()),
        ("Retry-After".to_owned(), "2".to_owned()),
    ];
    g.bench_function("503_retry_after", |b| {
        b.iter(|| {
            let input = RetryInput::new(Failure::status(black_box(503)))
                .headers(&headers_503)
                .attempt(1)
                .time_left(Duration::from_secs(30))
                .idempotency_key(true)
                .budget(&budget)
                .random(black_box(0.5))
                .now(1_700_000_000);
            let d = decide(&config, black_box(&input));
            budget.record_success(d.delay().map(|_| 5));
            d
        })
    });

    let headers_402 = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Request-Id".to_owned(), "req_124".to_owned()),
        ("Stripe-Should-Retry".to_owned(), "false".to_owned()),
    ];
    g.bench_function("402_decline", |b| {
        b.iter(|| {
            let failure = HttpFailure::new(black_box(402))
                .with_error_type(black_box("card_error"))
                .with_code(black_box("card_declined"))
                .with_decline_code(black_box("insufficient_funds"));
            let input = RetryInput::new(failure)
                .headers(&headers_402)
                .attempt(1)
                .time_left(Duration::from_secs(30))
                .idempotency_key(true)
                .budget(&budget)
                .random(black_box(0.5));
            decide(&config, black_box(&input))
        })
    });

    g.bench_function("connect_error", |b| {
        b.iter(|| {
            let input = RetryInput::new(black_box(Failure::connect_failed()))
                .attempt(1)
                .time_left(Duration::from_secs(30))
                .budget(&budget)
                .random(black_box(0.5));
            let d = decide(&config, black_box(&input));
            budget.record_success(d.delay().map(|_| 14));
            d
        })
    });
    g.finish();
}

criterion_group!(benches, bench_decide);
criterion_main!(benches);
