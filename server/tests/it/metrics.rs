//! `GET /metrics`: valid Prometheus text exposition (read by a real,
//! grammar-based parser, `openmetrics-parser`, which rejects malformed
//! input), with the expected families, types and labels after some traffic,
//! and counts that belong to this server instance only.

use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{
    MetricFamily, MetricsExposition, PrometheusType, PrometheusValue, Sample,
};
use serde_json::json;

use crate::both_backends;
use crate::harness::{CARD_OK, Store, TestServer, http_client, idem};

type Exposition = MetricsExposition<PrometheusType, PrometheusValue>;
type Family = MetricFamily<PrometheusType, PrometheusValue>;

async fn scrape(srv: &TestServer) -> Exposition {
    let r = http_client()
        .get(format!("{}/metrics", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    let text = r.text().await.unwrap();
    parse_prometheus(&text).unwrap_or_else(|e| panic!("invalid exposition ({e}):\n{text}"))
}

#[track_caller]
fn family<'a>(e: &'a Exposition, name: &str, kind: PrometheusType) -> &'a Family {
    let f = e
        .families
        .get(name)
        .unwrap_or_else(|| panic!("no family {name}; have {:?}", e.families.keys()));
    assert_eq!(f.family_type, kind, "{name}");
    assert!(!f.help.is_empty(), "{name} has no HELP");
    f
}

/// The samples of `name` whose labels include `labels`.
fn samples<'a>(
    e: &'a Exposition,
    name: &str,
    kind: PrometheusType,
    labels: &[(&str, &str)],
) -> Vec<&'a Sample<PrometheusValue>> {
    family(e, name, kind)
        .iter_samples()
        .filter(|s| {
            let set = s.get_labelset().unwrap();
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(v))
        })
        .collect()
}

#[track_caller]
fn counter(e: &Exposition, name: &str, labels: &[(&str, &str)]) -> f64 {
    let found = samples(e, name, PrometheusType::Counter, labels);
    assert_eq!(found.len(), 1, "{name} {labels:?}: {found:?}");
    match &found[0].value {
        PrometheusValue::Counter(c) => c.value.as_f64(),
        other => panic!("{name} is not a counter: {other:?}"),
    }
}

async fn families_and_labels_after_traffic(store: Store) {
    let srv = TestServer::start(store).await;
    let api = srv.sandbox("metrics-shop").await;

    // Before any traffic the label-less counters and the webhook series
    // (recorded by the delivery worker) are listed, at zero. (The exporter
    // lists a labelled family once it has a series.)
    let e = scrape(&srv).await;
    assert_eq!(
        counter(&e, "webhook_deliveries_total", &[("result", "succeeded")]),
        0.0
    );
    assert_eq!(
        counter(&e, "webhook_deliveries_total", &[("result", "failed")]),
        0.0
    );
    assert_eq!(counter(&e, "rate_limited_total", &[]), 0.0);
    assert_eq!(counter(&e, "idempotent_replays_total", &[]), 0.0);
    family(
        &e,
        "webhook_delivery_lag_seconds",
        PrometheusType::Histogram,
    );

    // Traffic: two payments (one replayed), a manual capture, a read, a 404
    // on an unknown route.
    let key = idem();
    let body = json!({"amount": 1200, "currency": "usd", "payment_method": CARD_OK});
    let p = api.post_idem("/v1/payments", &key, body.clone()).await;
    p.expect(200);
    let replay = api.post_idem("/v1/payments", &key, body).await;
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let m = api.pay(CARD_OK, 500, true).await;
    let mid = m["id"].as_str().unwrap();
    api.post(&format!("/v1/payments/{mid}/capture"), json!({}))
        .await
        .expect(200);
    let id = p.json["id"].as_str().unwrap();
    api.get(&format!("/v1/payments/{id}")).await.expect(200);
    api.get("/v1/nothing-here").await.expect(404);

    // A starter key (10 requests a minute per route class) until refused.
    let starter = srv
        .merchant("metrics-starter", paycore_server::Plan::Starter, false)
        .await;
    let mut refused = 0;
    for _ in 0..13 {
        if starter.get("/v1/events").await.status == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 1);

    let e = scrape(&srv).await;
    let requests = |route: &str, method: &str, status: &str| {
        counter(
            &e,
            "http_requests_total",
            &[("route", route), ("method", method), ("status", status)],
        )
    };
    // The create, its replay, the manual payment.
    assert_eq!(requests("/v1/payments", "POST", "200"), 3.0);
    assert_eq!(requests("/v1/payments/{id}", "GET", "200"), 1.0);
    assert_eq!(requests("/v1/payments/{id}/capture", "POST", "200"), 1.0);
    assert_eq!(requests("unmatched", "GET", "404"), 1.0);
    assert_eq!(requests("/v1/events", "GET", "429"), f64::from(refused));
    assert_eq!(requests("/metrics", "GET", "200"), 1.0);
    assert_eq!(counter(&e, "rate_limited_total", &[]), f64::from(refused));
    assert_eq!(counter(&e, "idempotent_replays_total", &[]), 1.0);
    // Entering a status: the automatic one succeeded; the manual one was
    // created requires_capture, then succeeded.
    assert_eq!(
        counter(&e, "payments_total", &[("status", "succeeded")]),
        2.0
    );
    assert_eq!(
        counter(&e, "payments_total", &[("status", "requires_capture")]),
        1.0
    );

    // Labels are the matched route templates, never a raw path with an id.
    let names: Vec<_> = family(&e, "http_requests_total", PrometheusType::Counter)
        .get_label_names()
        .to_vec();
    assert_eq!(names.len(), 3, "{names:?}");
    for s in family(&e, "http_requests_total", PrometheusType::Counter).iter_samples() {
        let set = s.get_labelset().unwrap();
        let route = set.get_label_value("route").unwrap();
        assert!(!route.contains("pay_"), "raw path in a label: {route}");
    }

    // The duration histogram, by matched route and method, counts the same
    // requests, in cumulative buckets.
    let h = samples(
        &e,
        "http_request_duration_seconds",
        PrometheusType::Histogram,
        &[("route", "/v1/payments"), ("method", "POST")],
    );
    assert_eq!(h.len(), 1, "{h:?}");
    let PrometheusValue::Histogram(h) = &h[0].value else {
        panic!("not a histogram: {:?}", h[0]);
    };
    assert_eq!(h.count, Some(3), "{h:?}");
    assert!(h.sum.unwrap().as_f64() > 0.0);
    let last = h.buckets.last().unwrap();
    assert!(last.upper_bound.is_infinite(), "{h:?}");
    assert_eq!(last.count.as_f64(), 3.0);
    assert!(
        h.buckets
            .windows(2)
            .all(|w| w[0].count.as_f64() <= w[1].count.as_f64()),
        "{h:?}"
    );

    // Another server in this process keeps its own counts.
    let other = TestServer::start(store).await;
    let e = scrape(&other).await;
    assert!(!e.families.contains_key("payments_total"));
    assert_eq!(counter(&e, "idempotent_replays_total", &[]), 0.0);
}

both_backends!(families_and_labels_after_traffic);
