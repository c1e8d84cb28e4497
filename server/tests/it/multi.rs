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
