//! Idempotency keys: required, replayed, mismatched, in flight, races, 5xx.

use serde_json::json;

use crate::both_backends;
use crate::harness::{CARD_OK, Store, TestServer, idem};

both_backends!(
    replay_and_mismatch,
    concurrent_same_key,
    server_errors_are_not_stored
);

async fn replay_and_mismatch(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("idem").await;
    let body = json!({"amount": 1000, "currency": "usd", "payment_method": CARD_OK});
    let missing = api
        .send(
            "POST",
            "/v1/payments",
            &[],
            Some(body.to_string().into_bytes()),
        )
        .await;
    missing.expect_error(400, "idempotency_key_missing");
    assert_eq!(missing.err("param"), "Idempotency-Key");

    let key = idem();
    let first = api.post_idem("/v1/payments", &key, body.clone()).await;
    first.expect(200);
    assert!(first.header("idempotent-replayed").is_none());
    let second = api.post_idem("/v1/payments", &key, body.clone()).await;
    second.expect(200);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(second.json, first.json);
    assert_ne!(second.header("request-id"), first.header("request-id"));

    let other = json!({"amount": 2000, "currency": "usd", "payment_method": CARD_OK});
    let mismatch = api.post_idem("/v1/payments", &key, other).await;
    mismatch.expect_error(422, "idempotency_key_mismatch");
    let other_path = api
        .post_idem(
            &format!("/v1/payments/{}/cancel", first.json["id"].as_str().unwrap()),
            &key,
            body.clone(),
        )
        .await;
    other_path.expect_error(422, "idempotency_key_mismatch");

    // A declined card (402) is an outcome: it is replayed too, once.
    let dkey = idem();
    let decline = json!({"amount": 1000, "currency": "usd", "payment_method": "4000000000000002"});
    let d1 = api.post_idem("/v1/payments", &dkey, decline.clone()).await;
    d1.expect_error(402, "card_declined");
    let d2 = api.post_idem("/v1/payments", &dkey, decline).await;
    d2.expect(402);
    assert_eq!(d2.header("idempotent-replayed"), Some("true"));
    assert_eq!(d2.json, d1.json);

    // Keys are scoped per API key: another key's same value is independent.
    let other_api = srv.sandbox("idem-2").await;
    let o = other_api.post_idem("/v1/payments", &key, body).await;
    o.expect(200);
    assert_ne!(o.json["id"], first.json["id"]);

    let list = api.get("/v1/payments?limit=100").await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 2);
}

async fn concurrent_same_key(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("idem-race").await;
    let key = idem();
    let body = json!({"amount": 1234, "currency": "usd", "payment_method": CARD_OK});
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let api = api.clone();
        let key = key.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            api.send(
                "POST",
                "/v1/payments",
                &[("idempotency-key", &key), ("paycore-test-delay-ms", "0")],
                Some(body.to_string().into_bytes()),
            )
            .await
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    let mut in_use = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            200 => {
                ids.insert(r.json["id"].as_str().unwrap().to_owned());
            }
            409 => {
                assert_eq!(r.err("code"), "idempotency_key_in_use");
                assert_eq!(r.header("should-retry"), Some("true"));
                in_use += 1;
            }
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert_eq!(ids.len(), 1, "every success names the same payment");
    assert!(in_use < 20);
    let list = api.get("/v1/payments?limit=100").await;
    assert_eq!(
        list.json["data"].as_array().unwrap().len(),
        1,
        "exactly one payment"
    );
}

async fn server_errors_are_not_stored(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("idem-5xx").await;
    let key = idem();
    let body = json!({"amount": 1000, "currency": "usd", "payment_method": CARD_OK});
    let bytes = body.to_string().into_bytes();
    let f = api
        .send(
            "POST",
            "/v1/payments",
            &[("idempotency-key", &key), ("paycore-test-fault", "500")],
            Some(bytes.clone()),
        )
        .await;
    f.expect_error(500, "internal_error");
    let ok = api.post_idem("/v1/payments", &key, body).await;
    ok.expect(200);
    assert!(ok.header("idempotent-replayed").is_none());
}

both_backends!(replayed_errors_keep_their_headers);

/// A stored 4xx is replayed with the headers clients act on, not only its
/// status and body: a 409 `payment_invalid_state` keeps `Should-Retry: false`.
async fn replayed_errors_keep_their_headers(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("idem-headers").await;
    let done = api.pay(CARD_OK, 100, false).await;
    let id = done["id"].as_str().unwrap();
    let key = idem();
    let path = format!("/v1/payments/{id}/cancel");
    let first = api.post_idem(&path, &key, json!({})).await;
    first.expect_error(409, "payment_invalid_state");
    assert_eq!(first.header("should-retry"), Some("false"));
    assert!(first.header("idempotent-replayed").is_none());
    let again = api.post_idem(&path, &key, json!({})).await;
    again.expect(409);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("should-retry"), Some("false"));
    assert_eq!(again.json, first.json);

    // A 4xx without Should-Retry stays without it.
    let bkey = idem();
    let bad = json!({"amount": 0, "currency": "usd", "payment_method": CARD_OK});
    let b1 = api.post_idem("/v1/payments", &bkey, bad.clone()).await;
    b1.expect_error(400, "amount_too_small");
    let b2 = api.post_idem("/v1/payments", &bkey, bad).await;
    b2.expect(400);
    assert_eq!(b2.header("idempotent-replayed"), Some("true"));
    assert!(b2.header("should-retry").is_none());
}

both_backends!(keys_expire);

async fn keys_expire(store: Store) {
    let srv = TestServer::start_configured(store, |c| c.idempotency_ttl_secs = 1).await;
    let api = srv.sandbox("idem-ttl").await;
    let key = idem();
    let body = json!({"amount": 1000, "currency": "usd", "payment_method": CARD_OK});
    let first = api.post_idem("/v1/payments", &key, body.clone()).await;
    first.expect(200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    // Expired: the same key now performs a new request.
    let second = api.post_idem("/v1/payments", &key, body).await;
    second.expect(200);
    assert!(second.header("idempotent-replayed").is_none());
    assert_ne!(second.json["id"], first.json["id"]);
    // Pruning deletes what expired.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let state_rows = |db: &paycore_server::Db| {
        let pool = db.pool.clone();
        async move {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM idempotency_keys")
                .fetch_one(&pool)
                .await
                .unwrap();
            sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
        }
    };
    assert_eq!(state_rows(&srv.db).await, 1);
    let pruned = paycore_server::idempotency::prune_older_than(&srv.db, 1)
        .await
        .unwrap();
    assert_eq!(pruned, 1);
    assert_eq!(state_rows(&srv.db).await, 0);
}
