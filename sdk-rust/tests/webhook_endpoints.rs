//! Webhook endpoints, event attempts and redelivery through the SDK against
//! the real server, with a real receiver (axum on 127.0.0.1:0) whose
//! deliveries are checked with `paycore_sdk::webhooks::construct_event`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::{CARD_OK, TestServer};
use futures_util::TryStreamExt;
use paycore_sdk::webhooks::construct_event;
use paycore_sdk::{
    AttemptResult, CreatePayment, CreateWebhookEndpoint, DisabledReason, EndpointStatus, ErrorKind,
    EventObject, ListParams, Redeliver, RotateSecret, SignatureAlgorithm, UpdateWebhookEndpoint,
};

type Got = (Vec<(String, String)>, Bytes);

#[derive(Clone, Default)]
struct Inbox {
    got: Arc<Mutex<Vec<Got>>>,
    fail_first: Arc<Mutex<u32>>,
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let headers = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    inbox.got.lock().unwrap().push((headers, body));
    let mut fail = inbox.fail_first.lock().unwrap();
    if *fail > 0 {
        *fail -= 1;
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::NO_CONTENT
    }
}

async fn receiver(fail_first: u32) -> (String, Inbox, tokio::task::JoinHandle<()>) {
    let inbox = Inbox {
        fail_first: Arc::new(Mutex::new(fail_first)),
        ..Inbox::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(inbox.clone());
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox, task)
}

async fn wait_for(inbox: &Inbox, n: usize) -> Vec<Got> {
    let start = Instant::now();
    loop {
        let got = inbox.got.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{} of {n} deliveries",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn header<'a>(got: &'a Got, name: &str) -> &'a str {
    got.0
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_attempts_and_redelivery_through_the_sdk() {
    let srv = TestServer::start_configured(|c| {
        c.webhooks.webhook_schedule = "0,100ms,100ms".parse().unwrap();
        c.webhooks.webhook_poll_interval = paycore_server::config::Dur(Duration::from_millis(20));
    })
    .await;
    let c = srv.client("sdk-hooks").await;
    let (url, inbox, _task) = receiver(1).await;

    let ep = c
        .webhook_endpoints()
        .create(&CreateWebhookEndpoint::new(&url, ["payment.succeeded"]).description("orders"))
        .await
        .unwrap()
        .into_inner();
    let secret = ep.secret.clone().unwrap();
    assert!(secret.starts_with("whsec_"));
    assert!(
        !format!("{ep:?}").contains(&secret),
        "Debug redacts the secret"
    );
    assert_eq!(ep.status, EndpointStatus::Enabled);
    assert_eq!(ep.signature_algorithm, SignatureAlgorithm::V1);
    assert_eq!(ep.description.as_deref(), Some("orders"));

    let got = c.webhook_endpoints().retrieve(&ep.id).await.unwrap();
    assert_eq!(got.secret, None, "shown once");
    assert_eq!(got.url, url);

    let updated = c
        .webhook_endpoints()
        .update(
            &ep.id,
            &UpdateWebhookEndpoint::new()
                .enabled_events(["payment.succeeded", "refund.created"])
                .description("orders and refunds"),
        )
        .await
        .unwrap();
    assert_eq!(
        updated.enabled_events,
        ["payment.succeeded", "refund.created"]
    );
    assert_eq!(updated.description.as_deref(), Some("orders and refunds"));
    let off = c
        .webhook_endpoints()
        .update(&ep.id, &UpdateWebhookEndpoint::new().enabled(false))
        .await
        .unwrap();
    assert_eq!(off.status, EndpointStatus::Disabled);
    assert_eq!(off.disabled_reason, Some(DisabledReason::Manual));
    c.webhook_endpoints()
        .update(&ep.id, &UpdateWebhookEndpoint::new().enabled(true))
        .await
        .unwrap();

    let all: Vec<_> = c
        .webhook_endpoints()
        .list_all(ListParams::new().limit(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, ep.id);

    // A payment: the receiver fails once, then accepts; each delivery is
    // verified and typed by the SDK.
    let p = c
        .payments()
        .create(&CreatePayment::new(4200, "usd", CARD_OK))
        .await
        .unwrap();
    let deliveries = wait_for(&inbox, 2).await;
    let mut event_id = String::new();
    for d in &deliveries {
        let ev = construct_event(&d.1, &d.0, &[secret.as_str()]).unwrap();
        assert_eq!(ev.event_type, "payment.succeeded");
        match ev.object().unwrap() {
            EventObject::Payment(obj) => assert_eq!(obj.id, p.id),
            other => panic!("{other:?}"),
        }
        event_id = ev.id;
    }
    assert_eq!(
        header(&deliveries[0], "webhook-id"),
        header(&deliveries[1], "webhook-id")
    );
    let wrong = construct_event(
        &deliveries[0].1,
        &deliveries[0].0,
        &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    );
    assert_eq!(wrong.unwrap_err().code(), "no_matching_signature");

    // Attempts: one page and all of them.
    let start = Instant::now();
    let page = loop {
        let page = c
            .events()
            .attempts(&event_id, &ListParams::new())
            .await
            .unwrap()
            .into_inner();
        if page.data.len() >= 2 {
            break page;
        }
        assert!(start.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(page.data[0].attempt, 2);
    assert_eq!(page.data[0].result, AttemptResult::Succeeded);
    assert_eq!(page.data[0].status_code, Some(204));
    assert_eq!(page.data[1].result, AttemptResult::Failed);
    assert_eq!(page.data[1].status_code, Some(503));
    assert_eq!(page.data[1].error_kind.as_deref(), Some("http_status"));
    let all: Vec<_> = c
        .events()
        .attempts_all(&event_id, ListParams::new().limit(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, page.data);
    assert!(
        all.iter()
            .all(|a| a.endpoint == ep.id && a.event == event_id)
    );

    // Redelivery: the same webhook-id.
    let r = c
        .events()
        .redeliver(&event_id, &Redeliver::new().endpoint(&ep.id))
        .await
        .unwrap();
    assert_eq!(r.endpoints, vec![ep.id.clone()]);
    assert_eq!(r.event, event_id);
    let deliveries = wait_for(&inbox, 3).await;
    assert_eq!(
        header(&deliveries[2], "webhook-id"),
        header(&deliveries[0], "webhook-id")
    );
    construct_event(&deliveries[2].1, &deliveries[2].0, &[secret.as_str()]).unwrap();

    // Rotation: during the overlap each secret alone verifies.
    let rotated = c
        .webhook_endpoints()
        .rotate_secret(&ep.id, &RotateSecret::new().expires_in(3600))
        .await
        .unwrap();
    let new_secret = rotated.secret.clone().unwrap();
    assert_ne!(new_secret, secret);
    assert!(rotated.previous_secret_expires.is_some());
    c.events()
        .redeliver(&event_id, &Redeliver::new())
        .await
        .unwrap();
    let deliveries = wait_for(&inbox, 4).await;
    construct_event(&deliveries[3].1, &deliveries[3].0, &[secret.as_str()]).unwrap();
    construct_event(&deliveries[3].1, &deliveries[3].0, &[new_secret.as_str()]).unwrap();

    // Delete, then a typed 404.
    let deleted = c.webhook_endpoints().delete(&ep.id).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.id, ep.id);
    let err = c.webhook_endpoints().retrieve(&ep.id).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(matches!(err.kind(), ErrorKind::NotFound { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v1a_endpoint_is_verified_with_its_public_key() {
    let srv = TestServer::start_configured(|c| {
        c.webhooks.webhook_poll_interval = paycore_server::config::Dur(Duration::from_millis(20));
    })
    .await;
    let c = srv.client("sdk-v1a").await;
    let (url, inbox, _task) = receiver(0).await;
    let ep = c
        .webhook_endpoints()
        .create(
            &CreateWebhookEndpoint::new(&url, ["*"]).signature_algorithm(SignatureAlgorithm::V1a),
        )
        .await
        .unwrap();
    assert_eq!(ep.secret, None);
    let pk = ep.public_key.clone().unwrap();
    c.payments()
        .create(&CreatePayment::new(100, "eur", CARD_OK))
        .await
        .unwrap();
    for d in wait_for(&inbox, 2).await {
        construct_event(&d.1, &d.0, &[pk.as_str()]).unwrap();
    }
}
