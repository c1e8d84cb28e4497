//! Bad input (400 naming `param`, 413), unknown routes, authentication
//! failures and the test-only fault triggers.

use serde_json::json;

use crate::both_backends;
use crate::harness::{CARD_OK, Store, TestServer, idem};
use paycore_server::Plan;

both_backends!(validation, faults);

async fn validation(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("validation").await;
    let base = json!({"amount": 1000, "currency": "usd", "payment_method": CARD_OK});
    let cases: Vec<(serde_json::Value, u16, &str, &str)> = vec![
        (
            json!({"amount": 0, "currency": "usd", "payment_method": CARD_OK}),
            400,
            "amount_too_small",
            "amount",
        ),
        (
            json!({"amount": 100_000_000, "currency": "usd", "payment_method": CARD_OK}),
            400,
            "amount_too_large",
            "amount",
        ),
        (
            json!({"amount": "10", "currency": "usd", "payment_method": CARD_OK}),
            400,
            "parameter_invalid",
            "amount",
        ),
        (
            json!({"amount": 10.5, "currency": "usd", "payment_method": CARD_OK}),
            400,
            "parameter_invalid",
            "amount",
        ),
        (
            json!({"amount": 10, "currency": "xxx", "payment_method": CARD_OK}),
            400,
            "currency_unsupported",
            "currency",
        ),
        (
            json!({"amount": 10, "currency": "usd", "payment_method": "4242424242424241"}),
            400,
            "card_number_invalid",
            "payment_method",
        ),
        (
            json!({"amount": 10, "currency": "usd"}),
            400,
            "parameter_missing",
            "payment_method",
        ),
        (
            json!({"amount": 10, "currency": "usd", "payment_method": CARD_OK, "colour": "red"}),
            400,
            "parameter_unknown",
            "colour",
        ),
        (
            json!({"amount": 10, "currency": "usd", "payment_method": CARD_OK, "capture_method": "later"}),
            400,
            "parameter_invalid",
            "capture_method",
        ),
        (
            json!({"amount": 10, "currency": "usd", "payment_method": CARD_OK, "customer_email": "nope"}),
            400,
            "email_invalid",
            "customer_email",
        ),
        (
            json!({"amount": 10, "currency": "usd", "payment_method": CARD_OK, "metadata": {"k": 1}}),
            400,
            "parameter_invalid",
            "metadata.k",
        ),
        (
            json!({"amount": 10, "currency": "usd", "payment_method": CARD_OK,
                "metadata": (0..21).map(|i| (format!("k{i}"), json!("v"))).collect::<serde_json::Map<_, _>>()}),
            400,
            "metadata_invalid",
            "metadata",
        ),
        (json!([1, 2]), 400, "parameter_invalid", "body"),
    ];
    for (body, status, code, param) in cases {
        let r = api.post("/v1/payments", body.clone()).await;
        r.expect_error(status, code);
        assert_eq!(r.err("param"), param, "{body}");
        assert!(r.err("message").as_str().is_some_and(|m| !m.is_empty()));
    }
    let malformed = api
        .send(
            "POST",
            "/v1/payments",
            &[("idempotency-key", &idem())],
            Some(b"{\"amount\": ".to_vec()),
        )
        .await;
    malformed.expect_error(400, "body_malformed");
    assert_eq!(malformed.err("param"), "body");

    let big = vec![b' '; 1024 * 1024 + 1];
    let r = api
        .send(
            "POST",
            "/v1/payments",
            &[("idempotency-key", &idem())],
            Some(big),
        )
        .await;
    r.expect_error(413, "body_too_large");

    // Nothing was written by any of these.
    let list = api.get("/v1/payments").await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 0);
    let evs = api.get("/v1/events").await;
    assert_eq!(evs.json["data"].as_array().unwrap().len(), 0);

    // A good request still works afterwards.
    api.post("/v1/payments", base).await.expect(200);

    let unknown = api.get("/v1/nothing").await;
    unknown.expect_error(404, "route_unknown");
    let health = crate::harness::http_client()
        .get(format!("{}/health", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("request-id"));
    let unauth = crate::harness::http_client()
        .get(format!("{}/v1/payments", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unauth.status(), 401);
    let body: serde_json::Value = unauth.json().await.unwrap();
    assert_eq!(body["error"]["type"], "authentication_error");
}

async fn faults(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("faults").await;
    let r = api
        .send(
            "GET",
            "/v1/payments",
            &[("paycore-test-fault", "503")],
            None,
        )
        .await;
    r.expect_error(503, "service_unavailable");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("should-retry"), Some("true"));
    let r = api
        .send(
            "GET",
            "/v1/payments",
            &[("paycore-test-fault", "429")],
            None,
        )
        .await;
    r.expect_error(429, "rate_limited");
    assert_eq!(r.header("retry-after"), Some("1"));
    let r = api
        .send(
            "GET",
            "/v1/payments",
            &[("paycore-test-fault", "500")],
            None,
        )
        .await;
    r.expect_error(500, "internal_error");
    assert_eq!(r.err("type"), "api_error");
    let started = std::time::Instant::now();
    let r = api
        .send(
            "GET",
            "/v1/payments",
            &[("paycore-test-delay-ms", "300")],
            None,
        )
        .await;
    r.expect(200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    api.send(
        "GET",
        "/v1/payments",
        &[("paycore-test-fault", "418")],
        None,
    )
    .await
    .expect_error(400, "parameter_invalid");

    // Fault-Times: the first two POSTs with one key fail, the third creates
    // the payment, and exactly one exists.
    let key = idem();
    let body = serde_json::to_vec(&serde_json::json!({
        "amount": 700, "currency": "usd", "payment_method": "4242424242424242"
    }))
    .unwrap();
    for _ in 0..2 {
        api.send(
            "POST",
            "/v1/payments",
            &[
                ("paycore-test-fault", "503"),
                ("paycore-test-fault-times", "2"),
                ("idempotency-key", &key),
            ],
            Some(body.clone()),
        )
        .await
        .expect_error(503, "service_unavailable");
    }
    let ok = api
        .send(
            "POST",
            "/v1/payments",
            &[
                ("paycore-test-fault", "503"),
                ("paycore-test-fault-times", "2"),
                ("idempotency-key", &key),
            ],
            Some(body),
        )
        .await;
    ok.expect(200);
    let list = api.get("/v1/payments?limit=100").await;
    let with_amount = list.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["amount"] == 700)
        .count();
    assert_eq!(with_amount, 1);
    // Without an idempotency key, GETs are counted by method and path.
    let path = "/v1/payments?limit=3";
    let h = [
        ("paycore-test-fault", "500"),
        ("paycore-test-fault-times", "1"),
    ];
    api.send("GET", path, &h, None)
        .await
        .expect_error(500, "internal_error");
    api.send("GET", path, &h, None).await.expect(200);
    api.send(
        "GET",
        path,
        &[
            ("paycore-test-fault", "500"),
            ("paycore-test-fault-times", "11"),
        ],
        None,
    )
    .await
    .expect_error(400, "parameter_invalid");

    let live = srv.merchant("live-co", Plan::Growth, true).await;
    let r = live
        .send(
            "GET",
            "/v1/payments",
            &[("paycore-test-fault", "500")],
            None,
        )
        .await;
    r.expect_error(400, "test_trigger_not_allowed");
}

both_backends!(auth_failures_back_off);

async fn auth_failures_back_off(store: Store) {
    let srv = TestServer::start(store).await;
    let good = srv.sandbox("backoff").await;
    let mut bad = good.clone();
    bad.key_id = "key_test_does_not_exist".into();
    for _ in 0..6 {
        bad.get("/v1/payments")
            .await
            .expect_error(401, "key_unknown");
    }
    let blocked = bad.get("/v1/payments").await;
    blocked.expect_error(429, "too_many_failed_attempts");
    assert!(blocked.header("retry-after").is_some());
    // Another key from the same address is not blocked by that key's failures.
    good.get("/v1/payments").await.expect(200);
}
