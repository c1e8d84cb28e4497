//! Property tests of `paycore::retry`: the delay bounds, the never-retried
//! cases, the budget bounds, and that no input panics.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::time::Duration;

use paycore::retry::{
    BudgetConfig, DoNotRetryReason, Failure, HttpFailure, IdempotencyKey, RetryBudget, RetryConfig,
    RetryDecision, RetryInput, RetryKind, TransportFailure, backoff_ceiling, decide,
    decline_action, exponential_backoff, known_decline_codes,
};
use proptest::prelude::*;

const NOW: i64 = 1_700_000_000;

/// Error codes, decline codes and types: known ones, and arbitrary strings.
fn code() -> impl Strategy<Value = Option<String>> {
    let known: Vec<String> = known_decline_codes()
        .map(|(c, _)| c.to_owned())
        .chain(
            [
                "idempotency_key_in_use",
                "lock_timeout",
                "parameter_missing",
                "resource_missing",
                "",
            ]
            .map(String::from),
        )
        .collect();
    prop_oneof![
        Just(None),
        proptest::sample::select(known).prop_map(Some),
        "[a-z_]{0,12}".prop_map(Some),
    ]
}

fn error_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        proptest::sample::select(vec![
            "card_error",
            "api_error",
            "invalid_request_error",
            "idempotency_error",
            "rate_limit_error",
        ])
        .prop_map(|s| Some(s.to_owned())),
        "[a-z_]{0,10}".prop_map(Some),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        proptest::sample::select(vec![
            400u16, 401, 402, 403, 404, 408, 409, 422, 425, 429, 500, 501, 502, 503, 504,
        ]),
        any::<u16>(),
    ]
}

/// An owned description of a failure (the `Failure` borrows its strings).
#[derive(Debug, Clone)]
enum OwnedFailure {
    Transport(u8),
    Http {
        status: u16,
        error_type: Option<String>,
        code: Option<String>,
        decline_code: Option<String>,
    },
}

impl OwnedFailure {
    fn as_failure(&self) -> Failure<'_> {
        match self {
            Self::Transport(0) => Failure::connect_failed(),
            Self::Transport(1) => Failure::failed_after_send(),
            Self::Transport(2) => Failure::stale_connection(),
            Self::Transport(_) => Failure::cancelled(),
            Self::Http {
                status,
                error_type,
                code,
                decline_code,
            } => {
                let mut h = HttpFailure::new(*status);
                if let Some(t) = error_type {
                    h = h.with_error_type(t);
                }
                if let Some(c) = code {
                    h = h.with_code(c);
                }
                if let Some(d) = decline_code {
                    h = h.with_decline_code(d);
                }
                Failure::Http(h)
            }
        }
    }
}

fn failure() -> impl Strategy<Value = OwnedFailure> {
    prop_oneof![
        (0u8..4).prop_map(OwnedFailure::Transport),
        (status(), error_type(), code(), code()).prop_map(
            |(status, error_type, code, decline_code)| {
                OwnedFailure::Http {
                    status,
                    error_type,
                    code,
                    decline_code,
                }
            }
        ),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = proptest::sample::select(vec![
        "Retry-After",
        "retry-after",
        "Should-Retry",
        "Stripe-Should-Retry",
        "X-Should-Retry",
        "Content-Type",
    ]);
    let value = prop_oneof![
        (0u64..200).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("Tue, 14 Nov 2023 22:13:50 GMT".to_owned()),
        Just("Tue, 14 Nov 2023 23:13:20 GMT".to_owned()),
        Just("Sun, 06 Nov 1994 08:49:37 GMT".to_owned()),
        ".{0,20}",
    ];
    proptest::collection::vec((name.prop_map(String::from), value), 0..4)
}

fn config() -> impl Strategy<Value = RetryConfig> {
    (
        0u32..8,
        0u64..5_000,
        0u64..5_000,
        0u64..60_000,
        0u64..200_000,
        any::<bool>(),
    )
        .prop_map(|(attempts, base, tbase, cap, max_ra, budget)| {
            let c = RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_base_delay(Duration::from_millis(base))
                .with_throttle_base_delay(Duration::from_millis(tbase))
                .with_max_backoff(Duration::from_millis(cap))
                .with_max_retry_after(Duration::from_millis(max_ra));
            if budget { c } else { c.without_budget() }
        })
}

#[derive(Debug, Clone)]
struct Case {
    config: RetryConfig,
    failure: OwnedFailure,
    headers: Vec<(String, String)>,
    hint: Option<Duration>,
    attempt: u32,
    time_left: Option<Duration>,
    key: bool,
    idempotent: bool,
    random: f64,
    now: i64,
    budget_tokens: u32,
}

fn case() -> impl Strategy<Value = Case> {
    (
        config(),
        failure(),
        headers(),
        proptest::option::of((0u64..200_000).prop_map(Duration::from_millis)),
        prop_oneof![0u32..10, any::<u32>()],
        proptest::option::of(prop_oneof![
            // Near the typical delays, so the deadline edge is exercised.
            (0u64..2_000).prop_map(Duration::from_millis),
            (0u64..100_000).prop_map(Duration::from_millis),
            any::<u64>().prop_map(Duration::from_nanos),
        ]),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![0.0f64..1.0, any::<f64>()],
        prop_oneof![Just(NOW), any::<i64>()],
        0u32..600,
    )
        .prop_map(
            |(
                config,
                failure,
                headers,
                hint,
                attempt,
                time_left,
                key,
                idempotent,
                random,
                now,
                budget_tokens,
            )| Case {
                config,
                failure,
                headers,
                hint,
                attempt,
                time_left,
                key,
                idempotent,
                random,
                now,
                budget_tokens,
            },
        )
}

/// A budget holding `tokens` (drained from a full one).
fn budget_with(config: &RetryConfig, tokens: u32) -> RetryBudget {
    let b = config.new_budget();
    let have = b.available();
    if b.is_limited() && have > tokens {
        assert!(b.try_withdraw(have - tokens));
    }
    b
}

fn run(c: &Case, budget: &RetryBudget) -> (RetryDecision, Option<Duration>) {
    let input = RetryInput::new(c.failure.as_failure())
        .headers(&c.headers)
        .rate_limit_hint(c.hint)
        .attempt(c.attempt)
        .time_left_opt(c.time_left)
        .idempotency_key(c.key)
        .idempotent_method(c.idempotent)
        .budget(budget)
        .random(c.random)
        .now(c.now);
    (decide(&c.config, &input), input.server_delay())
}

fn is_decline(f: &OwnedFailure) -> bool {
    match f {
        OwnedFailure::Transport(_) => false,
        OwnedFailure::Http {
            status,
            error_type,
            code,
            decline_code,
        } => decline_action(
            *status,
            error_type.as_deref(),
            code.as_deref(),
            decline_code.as_deref(),
        )
        .is_some(),
    }
}

fn said_should_retry_true(h: &[(String, String)]) -> bool {
    h.iter().any(|(k, v)| {
        ["should-retry", "stripe-should-retry", "x-should-retry"]
            .contains(&k.to_ascii_lowercase().as_str())
            && v.trim().eq_ignore_ascii_case("true")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// The delay never passes the deadline, the backoff never passes the cap,
    /// and a server-advised wait is honoured but never beyond its maximum.
    #[test]
    fn delay_bounds(c in case()) {
        let budget = budget_with(&c.config, c.budget_tokens);
        let (d, server) = run(&c, &budget);
        if let RetryDecision::Retry { after, .. } = d {
            if let Some(left) = c.time_left {
                prop_assert!(after < left, "{after:?} >= {left:?}");
            }
            match server {
                None => prop_assert!(after <= c.config.max_backoff()),
                Some(s) => {
                    prop_assert!(s <= c.config.max_retry_after());
                    prop_assert!(after >= s);
                    prop_assert!(after <= s.max(c.config.max_backoff()));
                    prop_assert!(after <= c.config.max_retry_after().max(c.config.max_backoff()));
                }
            }
            let extra = u32::from(matches!(c.failure, OwnedFailure::Transport(2)));
            prop_assert!(c.attempt.max(1) < c.config.max_attempts().saturating_add(extra));
        }
    }

    /// At the deadline's edge with the standard configuration: a retry always
    /// leaves time, and a refusal for `deadline` only when the delay would not.
    #[test]
    fn deadline_edge(attempt in 1u32..3, left_ms in 0u64..250, r in 0.0f64..1.0, status in prop_oneof![Just(500u16), Just(429)]) {
        let config = RetryConfig::standard();
        let left = Duration::from_millis(left_ms);
        let input = RetryInput::new(Failure::status(status))
            .attempt(attempt)
            .idempotency_key(true)
            .time_left(left)
            .random(r);
        let base = if status == 429 { config.throttle_base_delay() } else { config.base_delay() };
        let delay = exponential_backoff(base, config.max_backoff(), attempt, r);
        match decide(&config, &input) {
            RetryDecision::Retry { after, .. } => {
                prop_assert_eq!(after, delay);
                prop_assert!(after < left);
            }
            RetryDecision::DoNotRetry { reason } => {
                prop_assert_eq!(reason, DoNotRetryReason::Deadline);
                prop_assert!(delay >= left);
            }
        }
    }

    /// A card decline is never retried, whatever the headers say.
    #[test]
    fn declines_never_retried(c in case()) {
        let budget = budget_with(&c.config, c.budget_tokens);
        let (d, _) = run(&c, &budget);
        if is_decline(&c.failure) {
            prop_assert!(
                matches!(d, RetryDecision::DoNotRetry { reason: DoNotRetryReason::UserActionRequired(_) }),
                "{d:?}"
            );
        }
    }

    /// Every known decline code, on a 402, under `Should-Retry: true`.
    #[test]
    fn every_decline_code_stops(i in 0usize..64, status in prop_oneof![Just(402u16), Just(500), Just(429), Just(400)]) {
        let codes: Vec<_> = known_decline_codes().collect();
        let (code, action) = codes[i % codes.len()];
        let headers = [("Should-Retry", "true")];
        let input = RetryInput::new(HttpFailure::new(status).with_decline_code(code))
            .headers(&headers)
            .idempotency_key(true);
        prop_assert_eq!(
            decide(&RetryConfig::standard(), &input),
            RetryDecision::DoNotRetry { reason: DoNotRetryReason::UserActionRequired(action) }
        );
    }

    /// A request that was sent, is not idempotent and has no key is never
    /// retried — unless the response itself says it was not processed
    /// (425, 429, 409 in flight, Should-Retry: true).
    #[test]
    fn sent_unkeyed_non_idempotent_never_retried(mut c in case()) {
        c.key = false;
        c.idempotent = false;
        let budget = budget_with(&c.config, c.budget_tokens);
        let (d, _) = run(&c, &budget);
        if let RetryDecision::Retry { kind, .. } = d {
            match &c.failure {
                OwnedFailure::Transport(t) => prop_assert_eq!(*t, 0, "only a connect failure may be retried"),
                OwnedFailure::Http { status, .. } => prop_assert!(
                    matches!(status, 425 | 429) || kind == RetryKind::Conflict || said_should_retry_true(&c.headers),
                    "status {status} kind {kind:?}"
                ),
            }
        }
        if matches!(c.failure, OwnedFailure::Transport(1 | 2)) {
            prop_assert_eq!(d, RetryDecision::DoNotRetry { reason: DoNotRetryReason::OutcomeUnknown });
        }
    }

    /// The budget stays within [0, capacity] under any sequence of operations,
    /// and matches a simple model.
    #[test]
    fn budget_stays_in_bounds(
        capacity in 0u32..1000,
        retry_cost in 0u32..50,
        throttle_cost in 0u32..50,
        reward in 0u32..20,
        ops in proptest::collection::vec((0u8..4, any::<u32>()), 0..200),
    ) {
        let cfg = BudgetConfig::standard()
            .with_capacity(capacity)
            .with_retry_cost(retry_cost)
            .with_throttle_cost(throttle_cost)
            .with_success_reward(reward);
        let b = RetryBudget::new(cfg);
        let mut model = u64::from(capacity);
        for (op, n) in ops {
            match op {
                0 | 1 => {
                    let kind = if op == 0 { RetryKind::ServerError } else { RetryKind::Throttling };
                    let cost = u64::from(if op == 0 { retry_cost } else { throttle_cost });
                    let got = b.try_acquire(kind);
                    if model >= cost {
                        model -= cost;
                        prop_assert_eq!(got.map(u64::from), Some(cost));
                    } else {
                        prop_assert_eq!(got, None);
                    }
                }
                2 => {
                    b.record_success(None);
                    model = (model + u64::from(reward)).min(u64::from(capacity));
                }
                _ => {
                    b.record_success(Some(n));
                    model = (model + u64::from(n)).min(u64::from(capacity));
                }
            }
            prop_assert!(b.available() <= capacity);
            prop_assert_eq!(u64::from(b.available()), model);
        }
    }

    /// Backoff: no panic, never above the ceiling, the ceiling never above the cap.
    #[test]
    fn backoff_bounded(base in any::<u64>(), cap in any::<u64>(), attempt in any::<u32>(), r in any::<f64>()) {
        let base = Duration::from_nanos(base);
        let cap = Duration::from_nanos(cap);
        let ceiling = backoff_ceiling(base, cap, attempt);
        prop_assert!(ceiling <= cap);
        prop_assert!(exponential_backoff(base, cap, attempt, r) <= ceiling);
    }

    /// Huge durations and instants never panic.
    #[test]
    fn extreme_durations_do_not_panic(secs in any::<u64>(), attempt in any::<u32>(), r in any::<f64>(), now in any::<i64>()) {
        let big = Duration::new(secs, 999_999_999);
        let config = RetryConfig::standard()
            .with_max_attempts(u32::MAX)
            .with_base_delay(big)
            .with_throttle_base_delay(big)
            .with_max_backoff(big)
            .with_max_retry_after(big);
        let headers = [("Retry-After", secs.to_string())];
        let input = RetryInput::new(Failure::status(429))
            .headers(&headers)
            .rate_limit_hint(Some(big))
            .attempt(attempt)
            .time_left(big)
            .random(r)
            .now(now);
        let _ = decide(&config, &input);
    }

    /// Minted keys are UUID v4 and pass validation; caller keys are accepted
    /// exactly when they are 1..=255 printable ASCII without edge spaces.
    #[test]
    fn idempotency_keys(bytes in any::<[u8; 16]>(), s in ".{0,300}") {
        let k = IdempotencyKey::from_random(bytes);
        let t = k.as_str();
        prop_assert_eq!(t.len(), 36);
        prop_assert_eq!(&t[14..15], "4");
        prop_assert!(matches!(&t[19..20], "8" | "9" | "a" | "b"));
        prop_assert_eq!(IdempotencyKey::new(t), Ok(k.clone()));
        let ok = !s.is_empty()
            && s.len() <= 255
            && s.bytes().all(|b| (0x20..=0x7e).contains(&b))
            && !s.starts_with(' ')
            && !s.ends_with(' ');
        prop_assert_eq!(IdempotencyKey::new(s.as_str()).is_ok(), ok);
    }
}

#[test]
fn transport_failure_codes_round_trip() {
    for t in [
        TransportFailure::ConnectFailed,
        TransportFailure::FailedAfterSend,
        TransportFailure::StaleConnection,
        TransportFailure::Cancelled,
    ] {
        assert_eq!(TransportFailure::from_code(t.code()), Some(t));
    }
}
