//! The SDK against the real reference server (in process, 127.0.0.1:0,
//! fresh SQLite file per test): every resource, every test card's typed
//! error, retries through the server's fault triggers, the overall deadline,
//! auto-pagination and concurrency.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{CARD_ACTION, CARD_OK, TestServer};
use futures_util::{StreamExt, TryStreamExt};
use paycore_sdk::{
    CancelPayment, CancellationReason, CapturePayment, Client, CreatePayment, CreateRefund,
    ErrorKind, EventObject, ListParams, PaymentStatus, RefundReason, RequestOptions, RetryConfig,
    Secret, Stage, UserAction,
};
use paycore_server::Plan;

async fn all_payments(client: &Client) -> Vec<paycore_sdk::Payment> {
    client
        .payments()
        .list_all(ListParams::new().limit(100))
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_lifecycle() {
    let srv = TestServer::start().await;
    let c = srv.client("lifecycle").await;

    let p = c
        .payments()
        .create(
            &CreatePayment::new(1250, "usd", CARD_OK)
                .description("order 1")
                .customer_email("a@example.com")
                .metadata("order", "1"),
        )
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    assert_eq!(p.amount, 1250);
    assert_eq!(p.amount_captured, 1250);
    assert_eq!(p.metadata.get("order").map(String::as_str), Some("1"));
    assert_eq!(p.payment_method.card.as_ref().unwrap().last4, "4242");
    assert_eq!(p.attempts, 1);
    assert!(p.request_id.as_deref().is_some_and(|r| !r.is_empty()));
    assert!(p.idempotency_key.is_some());
    assert!(!p.replayed);

    let got = c.payments().retrieve(&p.id).await.unwrap();
    assert_eq!(got.value, p.value);
    assert_ne!(got.request_id, p.request_id);

    // manual capture, partial
    let m = c
        .payments()
        .create(&CreatePayment::new(5000, "eur", CARD_OK).manual_capture())
        .await
        .unwrap();
    assert_eq!(m.status, PaymentStatus::RequiresCapture);
    assert_eq!(m.amount_capturable, 5000);
    let cap = c
        .payments()
        .capture(&m.id, &CapturePayment::partial(3000))
        .await
        .unwrap();
    assert_eq!(cap.status, PaymentStatus::Succeeded);
    assert_eq!(cap.amount_captured, 3000);

    // cancel
    let m2 = c
        .payments()
        .create(&CreatePayment::new(700, "gbp", CARD_OK).manual_capture())
        .await
        .unwrap();
    let can = c
        .payments()
        .cancel(
            &m2.id,
            &CancelPayment::reason(CancellationReason::RequestedByCustomer),
        )
        .await
        .unwrap();
    assert_eq!(can.status, PaymentStatus::Canceled);
    assert_eq!(
        can.cancellation_reason,
        Some(CancellationReason::RequestedByCustomer)
    );

    // requires_action -> confirm
    let a = c
        .payments()
        .create(&CreatePayment::new(900, "usd", CARD_ACTION))
        .await
        .unwrap();
    assert_eq!(a.status, PaymentStatus::RequiresAction);
    let conf = c.payments().confirm(&a.id).await.unwrap();
    assert_eq!(conf.status, PaymentStatus::Succeeded);

    // an invalid transition is a conflict, not retried
    let err = c
        .payments()
        .capture(&p.id, &CapturePayment::full())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(
        matches!(err.kind(), ErrorKind::Conflict { code, .. } if code == "payment_invalid_state")
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.status(), Some(409));
    assert_eq!(err.stage(), Stage::Response);
    assert!(err.request_id().is_some());

    // not found
    let err = c.payments().retrieve("pay_doesnotexist").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.request_id().is_some());
    // an id is one path segment: no climbing
    let err = c.payments().retrieve("../refunds").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    let err = c.payments().retrieve("").await.unwrap_err();
    assert_eq!(err.code(), "invalid_configuration");
    assert_eq!(err.attempts(), 0);

    // list with a status filter
    let page = c
        .payments()
        .list(&ListParams::new().status(PaymentStatus::Canceled))
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, m2.id);
    assert!(!page.has_more);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_test_card_is_a_typed_error() {
    let srv = TestServer::start().await;
    let c = srv.client("cards").await;
    let cases = [
        (
            "4000000000000002",
            "card_declined",
            "generic_decline",
            UserAction::UseAnotherPaymentMethod,
        ),
        (
            "4000000000009995",
            "card_declined",
            "insufficient_funds",
            UserAction::AddFundsOrUseAnotherCard,
        ),
        (
            "4000000000000069",
            "expired_card",
            "expired_card",
            UserAction::UpdateCardDetails,
        ),
        (
            "4000000000000127",
            "incorrect_cvc",
            "incorrect_cvc",
            UserAction::UpdateCardDetails,
        ),
        (
            "4000000000000119",
            "processing_error",
            "processing_error",
            UserAction::RetryLaterWithNewKey,
        ),
    ];
    for (card, want_code, want_decline, want_action) in cases {
        let err = c
            .payments()
            .create(&CreatePayment::new(1000, "usd", card))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "card_error", "{card}: {err}");
        assert_eq!(err.status(), Some(402));
        assert_eq!(err.attempts(), 1, "declines are never retried");
        assert!(err.request_id().is_some());
        assert!(err.idempotency_key().is_some());
        assert_eq!(
            err.retry_reason().map(|r| r.code()),
            Some("user_action_required")
        );
        let ErrorKind::Card {
            code,
            decline_code,
            action,
            payment_id,
            ..
        } = err.kind()
        else {
            panic!("{card}: not a card error: {err:?}");
        };
        assert_eq!(code, want_code, "{card}");
        assert_eq!(decline_code.as_deref(), Some(want_decline), "{card}");
        assert_eq!(*action, Some(want_action), "{card}");
        assert_eq!(err.decline_action(), Some(want_action));
        // the failed payment exists and carries the decline
        let failed = c
            .payments()
            .retrieve(payment_id.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(failed.status, PaymentStatus::Failed);
        assert_eq!(
            failed.last_payment_error.as_ref().unwrap().code,
            want_code.to_owned()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_errors_are_typed() {
    let srv = TestServer::start().await;
    let c = srv.client("errors").await;

    let err = c
        .payments()
        .create(&CreatePayment::new(0, "usd", CARD_OK))
        .await
        .unwrap_err();
    let ErrorKind::InvalidRequest { param, .. } = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(param.as_deref(), Some("amount"));
    assert_eq!(err.code(), "invalid_request");
    assert_eq!(err.attempts(), 1);

    // idempotency: same key, same request -> replay; other request -> mismatch
    let opts = RequestOptions::new().idempotency_key("order-42");
    let first = c
        .payments()
        .create_with(&CreatePayment::new(4200, "usd", CARD_OK), &opts)
        .await
        .unwrap();
    let again = c
        .payments()
        .create_with(&CreatePayment::new(4200, "usd", CARD_OK), &opts)
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    assert!(again.replayed);
    assert_eq!(again.idempotency_key.as_deref(), Some("order-42"));
    let err = c
        .payments()
        .create_with(&CreatePayment::new(4300, "usd", CARD_OK), &opts)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "idempotency_mismatch");
    assert_eq!(err.idempotency_key(), Some("order-42"));
    assert_eq!(all_payments(&c).await.len(), 1);

    // an invalid caller key never leaves the client
    let err = c
        .payments()
        .create_with(
            &CreatePayment::new(1, "usd", CARD_OK),
            &RequestOptions::new().idempotency_key("bad key\n"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_configuration");
    assert_eq!(err.stage(), Stage::Construction);

    // authentication: a wrong secret
    let bad = srv
        .builder("auth")
        .await
        .secret(Secret::Hmac(vec![7u8; 32]))
        .build()
        .unwrap();
    let err = bad.payments().list(&ListParams::new()).await.unwrap_err();
    assert_eq!(err.code(), "authentication");
    assert!(
        matches!(err.kind(), ErrorKind::Authentication { code, .. } if code == "signature_invalid"),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 1);

    // a live merchant may not use test triggers: invalid request with param
    let live = srv
        .builder_for("live", Plan::Scale, false)
        .await
        .build()
        .unwrap();
    let err = live
        .payments()
        .create_with(
            &CreatePayment::new(100, "usd", CARD_OK),
            &RequestOptions::new().header("Paycore-Test-Fault", "500"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidRequest { code, param, .. }
            if code == "test_trigger_not_allowed" && param.as_deref() == Some("Paycore-Test-Fault")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ed25519_keys_sign_requests() {
    let srv = TestServer::start().await;
    let seed = [9u8; 32];
    let public = paycore::crypto::Ed25519PrivateKey::from_random(seed)
        .public_key()
        .to_bytes();
    let key = paycore_server::db::create_key(
        &srv.db,
        "ed",
        Plan::Scale,
        true,
        paycore_server::KeyAlg::Ed25519,
        Some(&public),
    )
    .await
    .unwrap();
    let c = Client::builder()
        .key_id(key.key_id)
        .secret(Secret::Ed25519(seed))
        .base_url(&srv.base)
        .build()
        .unwrap();
    let p = c
        .payments()
        .create(&CreatePayment::new(100, "usd", CARD_OK))
        .await
        .unwrap();
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("9, 9, 9"), "{dbg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_and_events() {
    let srv = TestServer::start().await;
    let c = srv.client("refunds").await;
    let p = c
        .payments()
        .create(&CreatePayment::new(10_000, "usd", CARD_OK))
        .await
        .unwrap();
    let r1 = c
        .refunds()
        .create(&CreateRefund::partial(&p.id, 2500).reason(RefundReason::RequestedByCustomer))
        .await
        .unwrap();
    assert_eq!(r1.amount, 2500);
    assert_eq!(r1.payment, p.id);
    assert_eq!(r1.reason, Some(RefundReason::RequestedByCustomer));
    let r2 = c
        .refunds()
        .create(&CreateRefund::full(&p.id))
        .await
        .unwrap();
    assert_eq!(r2.amount, 7500);
    let got = c.refunds().retrieve(&r1.id).await.unwrap();
    assert_eq!(got.value, r1.value);
    let listed: Vec<_> = c
        .refunds()
        .list_all(ListParams::new().payment(&p.id).limit(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [r2.id.as_str(), r1.id.as_str()]
    );
    let after = c.payments().retrieve(&p.id).await.unwrap();
    assert!(after.refunded);
    assert_eq!(after.amount_refunded, 10_000);
    // nothing left to refund
    let err = c
        .refunds()
        .create(&CreateRefund::partial(&p.id, 1))
        .await
        .unwrap_err();
    assert!(
        err.status().is_some_and(|s| (400..500).contains(&s)),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 1);
    let err = c.refunds().retrieve("re_missing").await.unwrap_err();
    assert_eq!(err.code(), "not_found");

    // events: the audit trail, typed
    let events: Vec<_> = c
        .events()
        .list_all(ListParams::new())
        .try_collect()
        .await
        .unwrap();
    let types: HashSet<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    for t in ["payment.created", "payment.succeeded", "refund.created"] {
        assert!(types.contains(t), "{t} missing from {types:?}");
    }
    let refund_events = c
        .events()
        .list(&ListParams::new().event_type("refund.created"))
        .await
        .unwrap();
    assert_eq!(refund_events.data.len(), 2);
    let one = c
        .events()
        .retrieve(&refund_events.data[0].id)
        .await
        .unwrap();
    match one.object().unwrap() {
        EventObject::Refund(r) => assert_eq!(r.payment, p.id),
        other => panic!("{other:?}"),
    }
    let succeeded = events
        .iter()
        .find(|e| e.event_type == "payment.succeeded")
        .unwrap();
    match succeeded.object().unwrap() {
        EventObject::Payment(pay) => assert_eq!(pay.id, p.id),
        other => panic!("{other:?}"),
    }
    let err = c.events().retrieve("evt_missing").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_through_server_faults_make_exactly_one_payment() {
    let srv = TestServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let c = srv
        .builder("faults")
        .await
        .on_attempt(move |ev| {
            seen2.lock().unwrap().push((
                ev.attempt,
                ev.status,
                ev.decision,
                ev.idempotency_key.map(str::to_owned),
                ev.request_id.map(str::to_owned),
                ev.retry_after,
            ));
        })
        .build()
        .unwrap();
    for (i, fault) in ["500", "503", "429"].into_iter().enumerate() {
        seen.lock().unwrap().clear();
        let p = c
            .payments()
            .create_with(
                &CreatePayment::new(100 + i64::try_from(i).unwrap(), "usd", CARD_OK),
                &RequestOptions::new().header_for_attempts("Paycore-Test-Fault", fault, 1),
            )
            .await
            .unwrap();
        assert_eq!(p.attempts, 2, "fault {fault}");
        assert_eq!(p.status, PaymentStatus::Succeeded);
        let ev = seen.lock().unwrap().clone();
        assert_eq!(ev.len(), 2, "{ev:?}");
        assert_eq!(ev[0].1, Some(fault.parse().unwrap()));
        assert_eq!(ev[0].2, "retry");
        assert_eq!(ev[1].2, "success");
        // the same key on every attempt, a request id on each
        assert_eq!(ev[0].3, ev[1].3);
        assert_eq!(ev[1].3.as_deref(), p.idempotency_key.as_deref());
        assert!(ev[0].4.is_some() && ev[1].4.is_some());
        if fault != "500" {
            // Retry-After: 1 is a floor for the wait
            assert!(ev[0].5.unwrap() >= Duration::from_secs(1), "{ev:?}");
        }
    }
    // Three calls, three payments: no retry charged twice.
    let all = all_payments(&c).await;
    assert_eq!(all.len(), 3, "{all:?}");

    // A fault on every attempt: the last error, after max_attempts.
    let err = c
        .payments()
        .create_with(
            &CreatePayment::new(999, "usd", CARD_OK),
            &RequestOptions::new().header("Paycore-Test-Fault", "500"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "api_error");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.attempts(), 3);
    assert_eq!(
        err.retry_reason().map(|r| r.code()),
        Some("attempts_exhausted")
    );
    assert!(err.request_id().is_some());
    assert_eq!(all_payments(&c).await.len(), 3);

    // 429 every time with retries off: rate limited, with the server's wait.
    let once = srv
        .builder("faults-once")
        .await
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = once
        .payments()
        .create_with(
            &CreatePayment::new(1, "usd", CARD_OK),
            &RequestOptions::new().header("Paycore-Test-Fault", "429"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::RateLimited { retry_after: Some(d), .. } if *d == Duration::from_secs(1)),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_is_never_exceeded() {
    let srv = TestServer::start().await;
    let c = srv
        .builder("deadline")
        .await
        .timeout(Duration::from_secs(2))
        .deadline(Some(Duration::from_secs(3)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c
        .payments()
        .create_with(
            &CreatePayment::new(100, "usd", CARD_OK),
            &RequestOptions::new().header("Paycore-Test-Delay-Ms", "10000"),
        )
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code(), "timeout", "{err:?}");
    assert_eq!(err.stage(), Stage::Dispatch);
    // attempt 1 times out at 2 s, attempt 2 is cut by the deadline at 3 s
    assert_eq!(err.attempts(), 2);
    assert!(err.idempotency_key().is_some());
    assert!(took >= Duration::from_millis(2900), "{took:?}");
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert!(matches!(
        err.kind(),
        ErrorKind::Timeout { maybe_sent: true }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_pagination_over_260_payments_created_concurrently() {
    let srv = TestServer::start().await;
    let c = srv.client("pages").await;
    let budget_before = c.retry_budget_available();
    let created: Vec<String> = futures_util::stream::iter(0..260i64)
        .map(|i| {
            let c = c.clone();
            async move {
                c.payments()
                    .create(&CreatePayment::new(100 + i, "usd", CARD_OK))
                    .await
                    .map(|p| p.value.id)
            }
        })
        .buffer_unordered(16)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(created.len(), 260);
    assert!(c.retry_budget_available() >= budget_before);

    let listed: Vec<_> = c
        .payments()
        .list_all(ListParams::new().limit(100))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 260);
    let ids: HashSet<&str> = listed.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), 260);
    assert_eq!(ids, created.iter().map(String::as_str).collect());
    // newest first across page boundaries
    assert!(listed.windows(2).all(|w| w[0].created >= w[1].created));

    // the default page size (10) pages 26 times; take() stops early
    let first_15: Vec<_> = c
        .payments()
        .list_all(ListParams::new())
        .take(15)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        first_15.iter().map(|p| &p.id).collect::<Vec<_>>(),
        listed[..15].iter().map(|p| &p.id).collect::<Vec<_>>()
    );
    // backwards from the oldest with ending_before
    let oldest = &listed[259].id;
    let newer: Vec<_> = c
        .payments()
        .list_all(ListParams::new().ending_before(oldest).limit(100))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(newer.len(), 259);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_side_pacing_spaces_requests() {
    let srv = TestServer::start().await;
    let c = srv
        .builder("pacing")
        .await
        .pacing(paycore_sdk::Quota::new(10, Duration::from_secs(1), 1).unwrap())
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..4 {
        c.payments().list(&ListParams::new()).await.unwrap();
    }
    // one every 100 ms: the 4th goes out no earlier than 300 ms
    assert!(started.elapsed() >= Duration::from_millis(290));
}

#[test]
fn debug_output_redacts_secrets() {
    let secret = b"super-secret-bytes-super-secret!".to_vec();
    let b = Client::builder()
        .key_id("key_x")
        .secret(Secret::Hmac(secret.clone()));
    let dbg = format!("{b:?} {:?}", Secret::Hmac(secret));
    assert!(!dbg.contains("super-secret"), "{dbg}");
    assert!(!dbg.contains("115, 117"), "{dbg}");
    assert!(dbg.contains("redacted"));
    let c = b.build().unwrap();
    let dbg = format!("{c:?}");
    assert!(
        !dbg.contains("super-secret") && !dbg.contains("115, 117"),
        "{dbg}"
    );
    assert!(dbg.contains("key_x"));

    assert_eq!(
        Client::builder()
            .secret(Secret::Hmac(vec![1; 32]))
            .build()
            .unwrap_err()
            .code(),
        "invalid_configuration"
    );
    assert!(
        Client::builder()
            .key_id("k")
            .secret(Secret::Hmac(vec![1; 32]))
            .base_url("not a url")
            .build()
            .is_err()
    );
    for url in ["ftp://127.0.0.1:8080", "file:///tmp/x", "http://h/?q=1"] {
        let err = Client::builder()
            .key_id("k")
            .secret(Secret::Hmac(vec![1; 32]))
            .base_url(url)
            .build()
            .unwrap_err();
        assert_eq!(err.code(), "invalid_configuration", "{url}");
    }
    assert!(
        Client::builder()
            .key_id("k")
            .secret(Secret::Hmac(vec![1; 32]))
            .base_url("HTTPS://api.example.com/")
            .build()
            .is_ok()
    );
}

#[test]
fn error_codes_are_stable_and_unique() {
    let codes: HashSet<&str> = paycore_sdk::ERROR_CODES.into_iter().collect();
    assert_eq!(codes.len(), paycore_sdk::ERROR_CODES.len());
    let k = ErrorKind::OutcomeUnknown {
        idempotency_key: None,
    };
    assert!(codes.contains(k.code()));
    assert_eq!(k.stage(), Stage::Dispatch);
    assert_eq!(k.details().maybe_sent, Some(true));
    assert_eq!(k.details().code, None);
    let rl = ErrorKind::RateLimited {
        retry_after: Some(std::time::Duration::from_secs(2)),
        code: "rate_limited".into(),
        message: String::new(),
    };
    let d = rl.details();
    assert_eq!(d.code, Some("rate_limited"));
    assert_eq!(d.retry_after, Some(std::time::Duration::from_secs(2)));
    assert_eq!((d.param, d.decline_code, d.maybe_sent), (None, None, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_rate_limiter_gives_a_typed_rate_limited_error() {
    let srv = TestServer::start().await;
    // starter: 10 requests per minute; a wait of ~6 s does not fit a 1 s deadline
    let c = srv
        .builder_for("starter", Plan::Starter, true)
        .await
        .deadline(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let mut refused = None;
    for _ in 0..15 {
        if let Err(e) = c.payments().list(&ListParams::new()).await {
            refused = Some(e);
            break;
        }
    }
    let err = refused.expect("the starter plan refuses within 15 requests");
    assert!(
        matches!(err.kind(), ErrorKind::RateLimited { retry_after: Some(d), .. } if !d.is_zero()),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_reason().map(|r| r.code()), Some("deadline"));
    assert_eq!(err.attempts(), 1);
    assert!(err.request_id().is_some());
}

/// `client.usage().retrieve()` against the real server's numbers, the
/// `usage.threshold_reached` events typed, and the refusal above the limit
/// surfaced as a permission error with the code `usage_limit_exceeded`,
/// not retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_and_the_usage_limit() {
    let srv = TestServer::start_configured(|c| {
        c.plan_limits = "growth=10000:no-overage".parse().unwrap();
    })
    .await;
    let c = srv
        .builder_for("usage-shop", Plan::Growth, true)
        .await
        .build()
        .unwrap();

    let u = c.usage().retrieve().await.unwrap();
    assert_eq!(u.object, "usage");
    assert_eq!(u.volume, 0);
    assert_eq!(u.limit, 10_000);
    assert_eq!(u.plan, "growth");
    assert!(!u.overage_allowed);
    assert!(u.thresholds_reached.is_empty());
    assert_eq!(u.month.len(), 7, "{}", u.month);

    c.payments()
        .create(&CreatePayment::new(8_500, "usd", CARD_OK))
        .await
        .unwrap();
    let m = c
        .payments()
        .create(&CreatePayment::new(2_000, "usd", CARD_OK).manual_capture())
        .await
        .unwrap();
    c.payments()
        .capture(&m.id, &CapturePayment::partial(1_500))
        .await
        .unwrap();
    let u = c.usage().retrieve().await.unwrap();
    assert_eq!(u.volume, 10_000);
    assert_eq!(u.percentage, 100.0);
    assert_eq!(u.thresholds_reached, vec![80, 90, 95, 100]);
    assert!(u.projected_volume >= 10_000);

    let events = c
        .events()
        .list(&ListParams::new().event_type("usage.threshold_reached"))
        .await
        .unwrap();
    let mut thresholds: Vec<u32> = events
        .data
        .iter()
        .map(|e| match e.object().unwrap() {
            EventObject::Usage(t) => {
                assert_eq!(t.usage.month, u.month);
                t.threshold
            }
            other => panic!("{other:?}"),
        })
        .collect();
    thresholds.sort_unstable();
    assert_eq!(thresholds, vec![80, 90, 95, 100]);

    let err = c
        .payments()
        .create(&CreatePayment::new(100, "usd", CARD_OK))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "permission");
    assert!(
        matches!(err.kind(), ErrorKind::Permission { code, .. } if code == "usage_limit_exceeded"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.attempts(), 1, "not retried");
    assert_eq!(all_payments(&c).await.len(), 2);
}

/// A transport of the caller's own, wrapping the default one: the first
/// attempt of each call fails before sending, later ones are forwarded to
/// the real server and recorded.
struct FlakyRecorder {
    inner: paycore_sdk::ReqwestTransport,
    calls: Mutex<u32>,
    sent: Arc<Mutex<Vec<Sent>>>,
}

/// URI, `Idempotency-Key`, `User-Agent` of a forwarded request.
type Sent = (String, Option<String>, Option<String>);

impl paycore_sdk::Transport for FlakyRecorder {
    fn send(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> futures_util::future::BoxFuture<
        '_,
        Result<http::Response<bytes::Bytes>, paycore_sdk::TransportError>,
    > {
        let n = {
            let mut calls = self.calls.lock().unwrap();
            *calls += 1;
            *calls
        };
        if n % 2 == 1 {
            return Box::pin(async {
                Err(paycore_sdk::TransportError::new(
                    paycore_sdk::TransportErrorKind::Connect,
                    "refused by the test transport",
                ))
            });
        }
        let h = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        self.sent.lock().unwrap().push((
            request.uri().to_string(),
            h("idempotency-key"),
            h("user-agent"),
        ));
        self.inner.send(request)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_transport_carries_every_attempt() {
    let srv = TestServer::start().await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let c = srv
        .builder("transport")
        .await
        .user_agent("merchant-app/2.0")
        .transport(FlakyRecorder {
            inner: paycore_sdk::ReqwestTransport::with_defaults().unwrap(),
            calls: Mutex::new(0),
            sent: sent.clone(),
        })
        .build()
        .unwrap();
    let p = c
        .payments()
        .create(&CreatePayment::new(777, "usd", CARD_OK))
        .await
        .unwrap();
    // The refused first attempt was retried (nothing was sent), the second
    // reached the server signed and was accepted.
    assert_eq!(p.attempts, 2);
    let got = c.payments().retrieve(&p.id).await.unwrap();
    assert_eq!(got.attempts, 2);
    assert_eq!(got.amount, 777);
    let sent = sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].0.ends_with("/v1/payments"), "{sent:?}");
    assert_eq!(sent[0].1.as_deref(), p.idempotency_key.as_deref());
    assert_eq!(sent[1].1, None);
    assert!(sent[1].0.ends_with(&format!("/v1/payments/{}", p.id)));
    for s in &sent {
        assert_eq!(s.2.as_deref(), Some("merchant-app/2.0"));
    }
    assert_eq!(all_payments(&c).await.len(), 1);
}
