//! Merchant isolation: one merchant's key never sees or changes another's
//! objects (404, not 403).

use serde_json::json;

use crate::both_backends;
use crate::harness::{CARD_OK, Store, TestServer};

both_backends!(isolation);

async fn isolation(store: Store) {
    let srv = TestServer::start(store).await;
    let a = srv.sandbox("merchant-a").await;
    let b = srv.sandbox("merchant-b").await;
    let p = a.pay(CARD_OK, 1000, true).await;
    let id = p["id"].as_str().unwrap();
    b.get(&format!("/v1/payments/{id}"))
        .await
        .expect_error(404, "resource_missing");
    for action in ["capture", "cancel", "confirm"] {
        b.post(&format!("/v1/payments/{id}/{action}"), json!({}))
            .await
            .expect_error(404, "resource_missing");
    }
    a.post(&format!("/v1/payments/{id}/capture"), json!({}))
        .await
        .expect(200);
    b.post("/v1/refunds", json!({"payment": id}))
        .await
        .expect_error(404, "resource_missing");
    let r = a
        .post("/v1/refunds", json!({"payment": id, "amount": 10}))
        .await;
    r.expect(200);
    b.get(&format!("/v1/refunds/{}", r.json["id"].as_str().unwrap()))
        .await
        .expect_error(404, "resource_missing");
    for list in ["/v1/payments", "/v1/refunds", "/v1/events"] {
        let l = b.get(list).await;
        l.expect(200);
        assert_eq!(l.json["data"].as_array().unwrap().len(), 0, "{list}");
    }
    let evs = a.get("/v1/events?limit=1").await;
    let eid = evs.json["data"][0]["id"].as_str().unwrap();
    b.get(&format!("/v1/events/{eid}"))
        .await
        .expect_error(404, "resource_missing");
    // A cursor from another merchant is unknown too.
    b.get(&format!("/v1/payments?starting_after={id}"))
        .await
        .expect_error(400, "resource_missing");
    // Nothing of A's changed.
    let after = a.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(after.json["status"], "succeeded");
    assert_eq!(after.json["amount_refunded"], 10);
}
