//! Monthly usage limits: `usage.threshold_reached` exactly once per
//! threshold per month (concurrent payments, restarts), captured amounts
//! counted, refusal above 100 % (403 `usage_limit_exceeded`), overage plans,
//! and `GET /v1/usage`.

use std::collections::BTreeMap;

use paycore_server::{Config, Plan, PlanLimit};
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{Api, CARD_ACTION, CARD_OK, Store, TestServer, now};

/// A limit of `limit` minor units on the growth plan (100 requests/min, so
/// rate limits stay out of the way), with or without overage.
fn growth_limit(limit: i64, overage: bool) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        c.plan_limits.set(
            Plan::Growth,
            PlanLimit {
                monthly_volume_limit: limit,
                overage_allowed: overage,
            },
        );
    }
}

/// Every `usage.threshold_reached` event of the merchant: threshold -> how many.
async fn threshold_events(api: &Api) -> BTreeMap<i64, usize> {
    let r = api
        .get("/v1/events?type=usage.threshold_reached&limit=100")
        .await;
    r.expect(200);
    assert_eq!(r.json["has_more"], false);
    let mut counts = BTreeMap::new();
    for e in r.json["data"].as_array().unwrap() {
        assert_eq!(e["type"], "usage.threshold_reached");
        let obj = &e["data"]["object"];
        assert_eq!(obj["object"], "usage");
        let t = obj["threshold"].as_i64().unwrap();
        // The snapshot was taken when the threshold was crossed.
        let limit = obj["limit"].as_i64().unwrap();
        assert!(obj["volume"].as_i64().unwrap() * 100 >= t * limit, "{obj}");
        assert!(
            obj["thresholds_reached"]
                .as_array()
                .unwrap()
                .contains(&json!(t))
        );
        *counts.entry(t).or_insert(0) += 1;
    }
    counts
}

fn once_each(thresholds: &[i64]) -> BTreeMap<i64, usize> {
    thresholds.iter().map(|t| (*t, 1)).collect()
}

async fn pay_ok(api: &Api, amount: i64) -> Value {
    let r = api
        .post(
            "/v1/payments",
            json!({"amount": amount, "currency": "usd", "payment_method": CARD_OK}),
        )
        .await;
    r.expect(200);
    r.json.clone()
}

async fn usage(api: &Api) -> Value {
    let r = api.get("/v1/usage").await;
    r.expect(200);
    r.json.clone()
}

fn current_month() -> String {
    paycore_server::usage::month_of(now()).label
}

async fn thresholds_once_under_concurrent_payments(store: Store) {
    let srv = TestServer::start_configured(store, growth_limit(10_000, false)).await;
    let api = srv.merchant("busy-shop", Plan::Growth, false).await;
    // 25 concurrent payments of 400: 10,000 in all, exactly the limit. Every
    // one is accepted (the volume before each is below the limit) and the
    // four thresholds are crossed by whichever payments land there.
    let mut tasks = Vec::new();
    for _ in 0..25 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move { pay_ok(&api, 400).await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap()["status"], "succeeded");
    }
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90, 95, 100]));

    let u = usage(&api).await;
    assert_eq!(u["object"], "usage");
    assert_eq!(u["month"], current_month());
    assert_eq!(u["volume"], 10_000);
    assert_eq!(u["limit"], 10_000);
    assert_eq!(u["percentage"], 100.0);
    assert_eq!(u["thresholds_reached"], json!([80, 90, 95, 100]));
    assert_eq!(u["overage_allowed"], false);
    assert_eq!(u["plan"], "growth");
    assert!(u["projected_volume"].as_i64().unwrap() >= 10_000, "{u}");

    // At 100 % without overage: refused, typed, not to be retried, and
    // nothing changes; concurrent attempts are all refused.
    let mut tasks = Vec::new();
    for i in 0..6 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            api.post(
                "/v1/payments",
                json!({"amount": 100 + i, "currency": "usd", "payment_method": CARD_OK}),
            )
            .await
        }));
    }
    for t in tasks {
        let r = t.await.unwrap();
        r.expect_error(403, "usage_limit_exceeded");
        assert_eq!(r.err("type"), "invalid_request_error");
        assert_eq!(r.header("should-retry"), Some("false"));
    }
    let list = api.get("/v1/payments?limit=100").await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 25);
    assert_eq!(usage(&api).await["volume"], 10_000);
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90, 95, 100]));

    // Another merchant on the same plan is not affected.
    let other = srv.merchant("quiet-shop", Plan::Growth, false).await;
    pay_ok(&other, 500).await;
    let u = usage(&other).await;
    assert_eq!(u["volume"], 500);
    assert_eq!(u["percentage"], 5.0);
    assert_eq!(u["thresholds_reached"], json!([]));
    assert!(threshold_events(&other).await.is_empty());
}

async fn captured_amounts_count(store: Store) {
    let srv = TestServer::start_configured(store, growth_limit(10_000, false)).await;
    let api = srv.merchant("capture-shop", Plan::Growth, false).await;
    // Authorised but not captured: no volume.
    let manual = api.pay(CARD_OK, 5000, true).await;
    assert_eq!(manual["status"], "requires_capture");
    let later = api.pay(CARD_OK, 1000, true).await;
    let action = api.pay(CARD_ACTION, 5000, false).await;
    assert_eq!(action["status"], "requires_action");
    // A declined card adds nothing either.
    api.pay("4000000000000002", 3000, false).await;
    assert_eq!(usage(&api).await["volume"], 0);

    // A partial capture counts the captured amount.
    let id = manual["id"].as_str().unwrap();
    api.post(
        &format!("/v1/payments/{id}/capture"),
        json!({"amount_to_capture": 3000}),
    )
    .await
    .expect(200);
    assert_eq!(usage(&api).await["volume"], 3000);
    assert!(threshold_events(&api).await.is_empty());

    // Confirming an automatic-capture payment captures it: 8,000 = 80 %.
    let id = action["id"].as_str().unwrap();
    let r = api
        .post(&format!("/v1/payments/{id}/confirm"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.json["status"], "succeeded");
    assert_eq!(threshold_events(&api).await, once_each(&[80]));

    // One payment crossing three thresholds writes three events.
    pay_ok(&api, 2000).await;
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90, 95, 100]));
    let u = usage(&api).await;
    assert_eq!(u["volume"], 10_000);
    assert_eq!(u["thresholds_reached"], json!([80, 90, 95, 100]));

    // Above the limit a capture is refused too, and the payment stays
    // capturable.
    let id = later["id"].as_str().unwrap();
    let r = api
        .post(&format!("/v1/payments/{id}/capture"), json!({}))
        .await;
    r.expect_error(403, "usage_limit_exceeded");
    assert_eq!(r.header("should-retry"), Some("false"));
    let p = api.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p.json["status"], "requires_capture");
    assert_eq!(usage(&api).await["volume"], 10_000);
}

async fn thresholds_once_across_restarts(store: Store) {
    let srv = TestServer::start_configured(store, growth_limit(10_000, false)).await;
    let api = srv.merchant("restart-shop", Plan::Growth, false).await;
    pay_ok(&api, 8500).await;
    assert_eq!(threshold_events(&api).await, once_each(&[80]));

    let srv = srv.restart(growth_limit(10_000, false)).await;
    let mut api = api.clone();
    api.base = srv.base.clone();
    assert_eq!(usage(&api).await["thresholds_reached"], json!([80]));
    // Still above 80 % after the restart: no second 80 event.
    pay_ok(&api, 100).await;
    assert_eq!(threshold_events(&api).await, once_each(&[80]));
    pay_ok(&api, 400).await; // 9,000 = 90 %
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90]));

    // Another restart, now with a lower limit: 9,000 of 9,000 crosses 95 and
    // 100 with the next payment, and 80 and 90 are not written again.
    let srv = srv.restart(growth_limit(9_000, false)).await;
    api.base = srv.base.clone();
    let u = usage(&api).await;
    assert_eq!(u["limit"], 9_000);
    assert_eq!(u["percentage"], 100.0);
    // At the (new) limit without overage: refused, and no event.
    api.post(
        "/v1/payments",
        json!({"amount": 1, "currency": "usd", "payment_method": CARD_OK}),
    )
    .await
    .expect_error(403, "usage_limit_exceeded");
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90]));
    let srv = srv.restart(growth_limit(9_000, true)).await;
    api.base = srv.base.clone();
    pay_ok(&api, 1).await;
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90, 95, 100]));
}

async fn overage_plan_keeps_accepting(store: Store) {
    let srv = TestServer::start_configured(store, |c| {
        c.plan_limits = "scale=1000:overage".parse().unwrap();
    })
    .await;
    let api = srv.sandbox("overage-shop").await;
    pay_ok(&api, 1500).await;
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90, 95, 100]));
    pay_ok(&api, 500).await;
    let m = api.pay(CARD_OK, 700, true).await;
    let id = m["id"].as_str().unwrap();
    api.post(&format!("/v1/payments/{id}/capture"), json!({}))
        .await
        .expect(200);
    let u = usage(&api).await;
    assert_eq!(u["volume"], 2700);
    assert_eq!(u["limit"], 1000);
    assert_eq!(u["percentage"], 270.0);
    assert_eq!(u["overage_allowed"], true);
    assert_eq!(u["plan"], "scale");
    assert_eq!(threshold_events(&api).await, once_each(&[80, 90, 95, 100]));
}

/// Concurrent payments where some are refused (403 above the limit) and some
/// declined (402) between accepted ones: on SQLite they commit in groups,
/// each a savepoint that a refusal rolls back alone. Exactly what was
/// answered is stored: every 200/402 names a stored payment with its
/// events, a 403 left nothing, and the volume is the accepted captures.
async fn refusals_inside_concurrent_commits(store: Store) {
    let srv = TestServer::start_configured(store, growth_limit(10_000, false)).await;
    let api = srv.merchant("crowded-shop", Plan::Growth, false).await;
    let mut tasks = Vec::new();
    for i in 0..36 {
        let api = api.clone();
        let card = match i % 3 {
            0 | 1 => CARD_OK,
            _ => "4000000000000002",
        };
        tasks.push(tokio::spawn(async move {
            let r = api
                .post(
                    "/v1/payments",
                    json!({"amount": 1000, "currency": "usd", "payment_method": card}),
                )
                .await;
            let id = match r.status {
                200 => r.json["id"].as_str().map(str::to_owned),
                402 => r.json["error"]["payment_id"].as_str().map(str::to_owned),
                403 => {
                    assert_eq!(r.err("code"), "usage_limit_exceeded");
                    None
                }
                other => panic!("unexpected {other}: {}", r.text),
            };
            (r.status, id)
        }));
    }
    let mut answered = std::collections::BTreeSet::new();
    let (mut accepted, mut refused) = (0, 0);
    for t in tasks {
        let (status, id) = t.await.unwrap();
        match status {
            200 => accepted += 1,
            403 => refused += 1,
            _ => {}
        }
        if let Some(id) = id {
            answered.insert(id);
        }
    }
    // 24 card payments of 1,000 against a limit of 10,000: the ten whose
    // volume before was below the limit are accepted, the others refused.
    assert_eq!(accepted, 10);
    assert!(refused >= 14, "{refused} refused");
    let list = api.get("/v1/payments?limit=100").await;
    list.expect(200);
    let stored: std::collections::BTreeSet<String> = list.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stored, answered);
    let events = api.get("/v1/events?type=payment.created&limit=100").await;
    events.expect(200);
    let created: std::collections::BTreeSet<String> = events.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["data"]["object"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(created, answered);
    assert_eq!(usage(&api).await["volume"], 10_000);
}

both_backends!(
    thresholds_once_under_concurrent_payments,
    captured_amounts_count,
    thresholds_once_across_restarts,
    overage_plan_keeps_accepting,
    refusals_inside_concurrent_commits,
);

#[test]
fn plan_limits_parse_strictly() {
    let l: paycore_server::PlanLimits = "starter=500, scale=7:no-overage".parse().unwrap();
    assert_eq!(
        l.get(Plan::Starter),
        PlanLimit {
            monthly_volume_limit: 500,
            overage_allowed: false
        }
    );
    assert_eq!(l.get(Plan::Growth), Plan::Growth.default_limit());
    assert_eq!(
        l.get(Plan::Scale),
        PlanLimit {
            monthly_volume_limit: 7,
            overage_allowed: false
        }
    );
    for bad in [
        "starter",
        "gold=5",
        "starter=0",
        "starter=-3",
        "starter=x",
        "growth=5:maybe",
    ] {
        assert!(bad.parse::<paycore_server::PlanLimits>().is_err(), "{bad}");
    }
}
