//! Two server instances on one Postgres (and, with the core's rate limiter,
//! one Redis): one idempotency key sent concurrently to both creates exactly
//! one payment.

use serde_json::json;

use crate::harness::{CARD_OK, TestServer, idem};
use crate::pg;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_two_instances_one_payment() {
    let url = pg::fresh_database().await;
    let a = TestServer::start_on(url.clone(), None).await;
    let b = TestServer::start_on(url, None).await;
    let api_a = a.sandbox("two-instances").await;
    let mut api_b = api_a.clone();
    api_b.base = b.base.clone();
    let key = idem();
    let body = json!({"amount": 4321, "currency": "usd", "payment_method": CARD_OK});
    let mut tasks = Vec::new();
    for i in 0..20 {
        let api = if i % 2 == 0 {
            api_a.clone()
        } else {
            api_b.clone()
        };
        let key = key.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            api.post_idem("/v1/payments", &key, body).await
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            200 => {
                ids.insert(r.json["id"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(r.err("code"), "idempotency_key_in_use"),
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert_eq!(ids.len(), 1);
    for api in [&api_a, &api_b] {
        let list = api.get("/v1/payments?limit=100").await;
        assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_rate_limit_across_instances() {
    let url = pg::fresh_database().await;
    let redis = pg::redis();
    let mut ca = paycore_server::Config::with_database(url.clone());
    ca.redis_url = Some(redis.clone());
    let mut cb = paycore_server::Config::with_database(url);
    cb.redis_url = Some(redis);
    let a = TestServer::start_with(ca, None).await;
    let b = TestServer::start_with(cb, None).await;
    let api_a = a
        .merchant("shared-limit", paycore_server::Plan::Starter, false)
        .await;
    let mut api_b = api_a.clone();
    api_b.base = b.base.clone();
    let mut ok = 0;
    let mut limited = 0;
    for i in 0..16 {
        let api = if i % 2 == 0 { &api_a } else { &api_b };
        let r = api.get("/v1/events").await;
        match r.status {
            200 => ok += 1,
            429 => limited += 1,
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert_eq!(ok, 10, "one budget of 10 per minute across both instances");
    assert_eq!(limited, 6);
    // A nonce accepted by one instance is refused by the other.
    let s = api_a.sign("GET", "/v1/payments", &[], b"", crate::harness::now(), None);
    api_a.send_raw("GET", "/v1/payments", &s, None).await;
    // Same bytes to the other instance (Host kept, so the signature holds).
    let mut to_b = s.clone();
    to_b.push((
        "host".into(),
        a.base.trim_start_matches("http://").to_owned(),
    ));
    let r = api_b.send_raw("GET", "/v1/payments", &to_b, None).await;
    r.expect_error(401, "replayed");
}
