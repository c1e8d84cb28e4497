//! Signed requests with the core's verifier: every failure reason the server
//! can see, replayed nonces, clock skew, ed25519 keys; rate limits with the
//! core's GCRA and its headers; two instances sharing Redis.

use serde_json::json;

use crate::both_backends;
use crate::harness::{CARD_OK, Store, TestServer, idem, now};
use paycore_server::{KeyAlg, Plan};

both_backends!(signature_failures, ed25519_keys, rate_limits);

#[tokio::test]
async fn debug_signature_base() {
    let srv = TestServer::start_configured(Store::Sqlite, |c| c.debug_signature_base = true).await;
    let api = srv.sandbox("debug").await;
    // Signed for /v1/refunds, sent to /v1/payments: the server's base shows the path it saw.
    let s = api.sign("GET", "/v1/refunds", &[], b"", now(), None);
    let r = api.send_raw("GET", "/v1/payments", &s, None).await;
    r.expect_error(401, "signature_invalid");
    let base = r.err("signature_base").as_str().unwrap();
    assert!(base.contains("\"@path\": /v1/payments"), "{base}");
    // Off by default.
    let srv2 = TestServer::start(Store::Sqlite).await;
    let api2 = srv2.sandbox("debug-off").await;
    let s = api2.sign("GET", "/v1/refunds", &[], b"", now(), None);
    let r = api2.send_raw("GET", "/v1/payments", &s, None).await;
    r.expect_error(401, "signature_invalid");
    assert!(r.err("signature_base").is_null());
}

async fn signature_failures(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("sig").await;
    let body = json!({"amount": 100, "currency": "usd", "payment_method": CARD_OK}).to_string();
    let key = idem();
    let hdrs = [
        ("idempotency-key", key.as_str()),
        ("content-type", "application/json"),
    ];

    // A correctly signed request.
    let signed = api.sign("POST", "/v1/payments", &hdrs, body.as_bytes(), now(), None);
    let ok = api
        .send_raw(
            "POST",
            "/v1/payments",
            &signed,
            Some(body.clone().into_bytes()),
        )
        .await;
    ok.expect(200);
    // The very same bytes again: the nonce is spent.
    let replay = api
        .send_raw(
            "POST",
            "/v1/payments",
            &signed,
            Some(body.clone().into_bytes()),
        )
        .await;
    replay.expect_error(401, "replayed");
    assert_eq!(replay.err("type"), "authentication_error");

    // Clock skew beyond the window, either way.
    for skew in [-400, 400] {
        let s = api.sign("GET", "/v1/payments", &[], b"", now() + skew, None);
        api.send_raw("GET", "/v1/payments", &s, None)
            .await
            .expect_error(401, "window_invalid");
    }
    // Within the window is fine.
    let s = api.sign("GET", "/v1/payments", &[], b"", now() - 200, None);
    api.send_raw("GET", "/v1/payments", &s, None)
        .await
        .expect(200);

    // A body changed after signing.
    let k2 = idem();
    let h2 = [
        ("idempotency-key", k2.as_str()),
        ("content-type", "application/json"),
    ];
    let s = api.sign("POST", "/v1/payments", &h2, body.as_bytes(), now(), None);
    let tampered = body.replace("100", "999");
    api.send_raw("POST", "/v1/payments", &s, Some(tampered.into_bytes()))
        .await
        .expect_error(401, "digest_mismatch");

    // Signed for another path.
    let s = api.sign("GET", "/v1/refunds", &[], b"", now(), None);
    api.send_raw("GET", "/v1/payments", &s, None)
        .await
        .expect_error(401, "signature_invalid");

    // The wrong secret.
    let mut wrong = api.clone();
    wrong.secret = crate::harness::Secret::Hmac(vec![7u8; 32]);
    wrong
        .get("/v1/payments")
        .await
        .expect_error(401, "signature_invalid");

    // An unknown key id.
    let mut unknown = api.clone();
    unknown.key_id = "key_test_unknown".into();
    unknown
        .get("/v1/payments")
        .await
        .expect_error(401, "key_unknown");

    // No signature at all.
    let r = crate::harness::http_client()
        .get(format!("{}/v1/payments", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "missing_header");

    // Nothing was created by any refused request.
    let list = api.get("/v1/payments").await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
}

async fn ed25519_keys(store: Store) {
    let srv = TestServer::start(store).await;
    let seed = [42u8; 32];
    let public = paycore::crypto::Ed25519PrivateKey::from_random(seed)
        .public_key()
        .to_bytes();
    let created = paycore_server::db::create_key(
        &srv.db,
        "ed-merchant",
        Plan::Growth,
        true,
        KeyAlg::Ed25519,
        Some(&public),
    )
    .await
    .unwrap();
    assert!(created.secret_b64.is_none());
    let api = srv.api_for(
        &created.key_id,
        &created.merchant_id,
        crate::harness::Secret::Ed25519(seed),
    );
    api.pay(CARD_OK, 100, false).await;
    let list = api.get("/v1/payments").await;
    list.expect(200);
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
}

async fn rate_limits(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.merchant("starter-co", Plan::Starter, false).await;
    for i in 0..10 {
        let r = api.get("/v1/payments").await;
        r.expect(200);
        assert_eq!(r.header("x-ratelimit-limit"), Some("10"));
        assert_eq!(
            r.header("x-ratelimit-remaining"),
            Some((9 - i).to_string().as_str())
        );
        assert!(r.header("ratelimit-policy").is_some());
        assert!(r.header("ratelimit").is_some());
        assert!(r.header("x-ratelimit-reset").is_some());
    }
    let limited = api.get("/v1/payments").await;
    limited.expect_error(429, "rate_limited");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    // Another route class has its own budget.
    api.post(
        "/v1/payments",
        json!({"amount": 100, "currency": "usd", "payment_method": CARD_OK}),
    )
    .await
    .expect(200);
}
