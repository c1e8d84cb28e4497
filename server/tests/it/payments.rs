//! Payments: every test card, the state machine, lists and events.

use serde_json::json;

use crate::both_backends;
use crate::harness::{CARD_ACTION, CARD_OK, Store, TestServer};

both_backends!(
    test_cards,
    manual_capture_and_cancel,
    requires_action_then_confirm,
    invalid_transitions,
    list_pagination_and_filters,
    events_trail,
);

async fn test_cards(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("cards").await;
    let ok = api.pay(CARD_OK, 1000, false).await;
    assert_eq!(ok["status"], "succeeded");
    assert_eq!(ok["amount_captured"], 1000);
    assert_eq!(ok["payment_method"]["card"]["last4"], "4242");
    assert!(
        !ok.to_string().contains("4242424242424242"),
        "full number never returned"
    );
    let got = api
        .get(&format!("/v1/payments/{}", ok["id"].as_str().unwrap()))
        .await;
    got.expect(200);
    assert_eq!(got.json, ok);

    for (card, code, decline) in [
        ("4000000000000002", "card_declined", "generic_decline"),
        ("4000000000009995", "card_declined", "insufficient_funds"),
        ("4000000000000069", "expired_card", "expired_card"),
        ("4000000000000127", "incorrect_cvc", "incorrect_cvc"),
        ("4000000000000119", "processing_error", "processing_error"),
    ] {
        let r = api
            .post(
                "/v1/payments",
                json!({"amount": 500, "currency": "EUR", "payment_method": card}),
            )
            .await;
        r.expect_error(402, code);
        assert_eq!(r.err("type"), "card_error");
        assert_eq!(r.err("decline_code"), decline);
        let id = r.err("payment_id").as_str().unwrap().to_owned();
        let p = api.get(&format!("/v1/payments/{id}")).await;
        p.expect(200);
        assert_eq!(p.json["status"], "failed");
        assert_eq!(p.json["last_payment_error"]["decline_code"], decline);
        assert_eq!(p.json["amount_captured"], 0);
    }

    let action = api.pay(CARD_ACTION, 700, false).await;
    assert_eq!(action["status"], "requires_action");
}

async fn manual_capture_and_cancel(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("capture").await;
    let p = api.pay(CARD_OK, 1000, true).await;
    assert_eq!(p["status"], "requires_capture");
    assert_eq!(p["amount_capturable"], 1000);
    let id = p["id"].as_str().unwrap();
    let too_much = api
        .post(
            &format!("/v1/payments/{id}/capture"),
            json!({"amount_to_capture": 1001}),
        )
        .await;
    too_much.expect_error(400, "amount_too_large");
    assert_eq!(too_much.err("param"), "amount_to_capture");
    let c = api
        .post(
            &format!("/v1/payments/{id}/capture"),
            json!({"amount_to_capture": 600}),
        )
        .await;
    c.expect(200);
    assert_eq!(c.json["status"], "succeeded");
    assert_eq!(c.json["amount_captured"], 600);

    let q = api.pay(CARD_OK, 300, true).await;
    let qid = q["id"].as_str().unwrap();
    let x = api
        .post(
            &format!("/v1/payments/{qid}/cancel"),
            json!({"cancellation_reason": "requested_by_customer"}),
        )
        .await;
    x.expect(200);
    assert_eq!(x.json["status"], "canceled");
    assert_eq!(x.json["cancellation_reason"], "requested_by_customer");
}

async fn requires_action_then_confirm(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("confirm").await;
    let auto = api.pay(CARD_ACTION, 900, false).await;
    let id = auto["id"].as_str().unwrap();
    let r = api
        .post(&format!("/v1/payments/{id}/confirm"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.json["status"], "succeeded");
    assert_eq!(r.json["amount_captured"], 900);

    let manual = api.pay(CARD_ACTION, 400, true).await;
    let mid = manual["id"].as_str().unwrap();
    let r = api
        .post(&format!("/v1/payments/{mid}/confirm"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.json["status"], "requires_capture");
    let r = api
        .post(&format!("/v1/payments/{mid}/capture"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.json["status"], "succeeded");
    assert_eq!(r.json["amount_captured"], 400);
}

async fn invalid_transitions(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("transitions").await;
    let done = api.pay(CARD_OK, 100, false).await;
    let id = done["id"].as_str().unwrap();
    for action in ["confirm", "capture", "cancel"] {
        let r = api
            .post(&format!("/v1/payments/{id}/{action}"), json!({}))
            .await;
        r.expect_error(409, "payment_invalid_state");
        assert_eq!(r.header("should-retry"), Some("false"));
    }
    let failed = api
        .post(
            "/v1/payments",
            json!({"amount": 100, "currency": "usd", "payment_method": "4000000000000002"}),
        )
        .await;
    let fid = failed.err("payment_id").as_str().unwrap().to_owned();
    let r = api
        .post(&format!("/v1/payments/{fid}/capture"), json!({}))
        .await;
    r.expect_error(409, "payment_invalid_state");
    let unknown = api.post("/v1/payments/pay_nope/cancel", json!({})).await;
    unknown.expect_error(404, "resource_missing");
    // Nothing changed.
    let again = api.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(again.json, done);
}

async fn list_pagination_and_filters(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("lists").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let p = api.pay(CARD_OK, 100 + i, i % 2 == 0).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    ids.reverse(); // newest first
    let page1 = api.get("/v1/payments?limit=2").await;
    page1.expect(200);
    let got: Vec<_> = page1.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, ids[0..2]);
    assert_eq!(page1.json["has_more"], true);
    let page2 = api
        .get(&format!("/v1/payments?limit=2&starting_after={}", ids[1]))
        .await;
    let got2: Vec<_> = page2.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got2, ids[2..4]);
    let last = api
        .get(&format!("/v1/payments?limit=10&starting_after={}", ids[3]))
        .await;
    assert_eq!(last.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(last.json["has_more"], false);
    let before = api
        .get(&format!("/v1/payments?limit=2&ending_before={}", ids[4]))
        .await;
    let got3: Vec<_> = before.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got3, ids[2..4]);
    assert_eq!(before.json["has_more"], true);

    let manual = api
        .get("/v1/payments?status=requires_capture&limit=100")
        .await;
    assert_eq!(manual.json["data"].as_array().unwrap().len(), 3);
    let future = api.get("/v1/payments?created[gt]=4102444800").await;
    assert_eq!(future.json["data"].as_array().unwrap().len(), 0);
    let past = api.get("/v1/payments?created[gte]=0&limit=100").await;
    assert_eq!(past.json["data"].as_array().unwrap().len(), 5);

    api.get("/v1/payments?limit=0")
        .await
        .expect_error(400, "parameter_invalid");
    api.get("/v1/payments?limit=101")
        .await
        .expect_error(400, "parameter_invalid");
    let r = api.get("/v1/payments?colour=red").await;
    r.expect_error(400, "parameter_unknown");
    assert_eq!(r.err("param"), "colour");
    api.get("/v1/payments?status=lost")
        .await
        .expect_error(400, "parameter_invalid");
    api.get("/v1/payments?starting_after=pay_unknown")
        .await
        .expect_error(400, "resource_missing");
}

async fn events_trail(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("events").await;
    let p = api.pay(CARD_OK, 1000, true).await;
    let id = p["id"].as_str().unwrap();
    api.post(&format!("/v1/payments/{id}/capture"), json!({}))
        .await
        .expect(200);
    api.post("/v1/refunds", json!({"payment": id, "amount": 100}))
        .await
        .expect(200);
    let evs = api.get("/v1/events?limit=100").await;
    evs.expect(200);
    let types: Vec<_> = evs.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "payment.refunded",
            "refund.created",
            "payment.succeeded",
            "payment.requires_capture",
            "payment.created"
        ]
    );
    let first = &evs.json["data"][4];
    let one = api
        .get(&format!("/v1/events/{}", first["id"].as_str().unwrap()))
        .await;
    one.expect(200);
    assert_eq!(one.json["data"]["object"]["id"], id);
    assert_eq!(one.json["data"]["object"]["status"], "requires_capture");
    let refunds_only = api.get("/v1/events?type=refund.created").await;
    assert_eq!(refunds_only.json["data"].as_array().unwrap().len(), 1);
    api.get("/v1/events/evt_missing")
        .await
        .expect_error(404, "resource_missing");
}
