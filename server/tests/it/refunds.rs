//! Refunds: full, partial, bounds, and concurrent refunds that never exceed
//! the captured amount.

use serde_json::json;

use crate::both_backends;
use crate::harness::{CARD_OK, Store, TestServer};

both_backends!(refund_rules, refund_race);

async fn refund_rules(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("refunds").await;
    let p = api.pay(CARD_OK, 1000, false).await;
    let id = p["id"].as_str().unwrap();
    let r1 = api
        .post(
            "/v1/refunds",
            json!({"payment": id, "amount": 400, "reason": "duplicate"}),
        )
        .await;
    r1.expect(200);
    assert_eq!(r1.json["amount"], 400);
    assert_eq!(r1.json["payment"], id);
    let over = api
        .post("/v1/refunds", json!({"payment": id, "amount": 601}))
        .await;
    over.expect_error(400, "amount_too_large");
    assert_eq!(over.err("param"), "amount");
    let rest = api.post("/v1/refunds", json!({"payment": id})).await;
    rest.expect(200);
    assert_eq!(rest.json["amount"], 600);
    let p2 = api.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p2.json["amount_refunded"], 1000);
    assert_eq!(p2.json["refunded"], true);
    api.post("/v1/refunds", json!({"payment": id}))
        .await
        .expect_error(409, "charge_already_refunded");
    let got = api
        .get(&format!("/v1/refunds/{}", r1.json["id"].as_str().unwrap()))
        .await;
    got.expect(200);
    assert_eq!(got.json, r1.json);
    let list = api.get(&format!("/v1/refunds?payment={id}")).await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 2);
    api.get("/v1/refunds/re_missing")
        .await
        .expect_error(404, "resource_missing");

    let pending = api.pay(CARD_OK, 1000, true).await;
    api.post("/v1/refunds", json!({"payment": pending["id"]}))
        .await
        .expect_error(409, "payment_not_refundable");
    let missing = api
        .post("/v1/refunds", json!({"payment": "pay_nope"}))
        .await;
    missing.expect_error(404, "resource_missing");
    assert_eq!(missing.err("param"), "payment");
    api.post("/v1/refunds", json!({"payment": id, "amount": 0}))
        .await
        .expect_error(400, "amount_too_small");
}

async fn refund_race(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("race").await;
    let p = api.pay(CARD_OK, 1000, false).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let api = api.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            api.post("/v1/refunds", json!({"payment": id, "amount": 300}))
                .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            200 => ok += 1,
            400 => assert_eq!(r.err("code"), "amount_too_large", "{}", r.text),
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert_eq!(ok, 3, "exactly three refunds of 300 fit in 1000");
    let list = api
        .get(&format!("/v1/refunds?payment={id}&limit=100"))
        .await;
    let sum: i64 = list.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, 900);
    let p = api.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p.json["amount_refunded"], 900);
}
