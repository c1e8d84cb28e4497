//! Webhook endpoints and delivery, against a real receiver (a small axum
//! server in the test) that answers from a script and records every request;
//! every delivery it gets is verified with the core's Standard Webhooks
//! verifier.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use paycore::webhook::{Options, Scheme, WebhookVerifier};
use paycore_server::Config;
use paycore_server::config::Dur;
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{Api, CARD_OK, Store, TestServer, now};

/// One scripted answer of the receiver.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<&'static str>,
}

pub fn ok() -> Reply {
    Reply {
        status: 200,
        retry_after: None,
    }
}

pub fn status(s: u16) -> Reply {
    Reply {
        status: s,
        retry_after: None,
    }
}

/// A request the receiver got.
#[derive(Clone, Debug)]
pub struct Got {
    pub at: Instant,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Got {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header"))
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn event_type(&self) -> String {
        self.json()["type"].as_str().unwrap().to_owned()
    }
}

#[derive(Default)]
struct RecvState {
    script: Mutex<VecDeque<Reply>>,
    default: Mutex<Option<Reply>>,
    got: Mutex<Vec<Got>>,
}

/// The receiver: answers from its script, then with the default (200).
pub struct Receiver {
    pub url: String,
    state: Arc<RecvState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(s): State<Arc<RecvState>>, headers: HeaderMap, body: Bytes) -> Response {
    let headers = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    s.got.lock().unwrap().push(Got {
        at: Instant::now(),
        headers,
        body,
    });
    let reply = s
        .script
        .lock()
        .unwrap()
        .pop_front()
        .or_else(|| s.default.lock().unwrap().clone())
        .unwrap_or_else(ok);
    let mut resp = (
        StatusCode::from_u16(reply.status).unwrap(),
        "receiver says hi",
    )
        .into_response();
    if let Some(ra) = reply.retry_after {
        resp.headers_mut()
            .insert("retry-after", ra.parse().unwrap());
    }
    resp
}

impl Receiver {
    pub async fn start(script: Vec<Reply>) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener, script)
    }

    /// On a given address (the crash test brings a receiver up late).
    /// The port was free when the test picked it; another process may hold
    /// it for a moment (a socket in TIME_WAIT, a short-lived client), so the
    /// bind is retried for a few seconds.
    pub async fn start_on(addr: SocketAddr, script: Vec<Reply>) -> Receiver {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(listener) => return Self::serve(listener, script),
                Err(_) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("binding the receiver on {addr}: {e}"),
            }
        }
    }

    fn serve(listener: tokio::net::TcpListener, script: Vec<Reply>) -> Receiver {
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(RecvState {
            script: Mutex::new(script.into()),
            ..RecvState::default()
        });
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            state,
            task,
        }
    }

    pub fn set_default(&self, reply: Reply) {
        *self.state.default.lock().unwrap() = Some(reply);
    }

    pub fn got(&self) -> Vec<Got> {
        self.state.got.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (panics after `limit`).
    pub async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Got> {
        let start = Instant::now();
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < limit,
                "receiver got {} of {n} deliveries in {limit:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A fast schedule for tests: attempts after 0, 200 ms, 200 ms, 200 ms.
pub fn fast(c: &mut Config) {
    c.webhooks.webhook_schedule = "0,200ms,200ms,200ms".parse().unwrap();
    c.webhooks.webhook_poll_interval = Dur(Duration::from_millis(20));
    c.webhooks.webhook_timeout = Dur(Duration::from_secs(2));
}

/// Creates an endpoint and returns its JSON (with the secret).
pub async fn endpoint(api: &Api, url: &str, events: &[&str], extra: Value) -> Value {
    let mut body = json!({ "url": url, "enabled_events": events });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let r = api.post("/v1/webhook_endpoints", body).await;
    r.expect(200);
    r.json
}

fn verifier(secret: &str) -> WebhookVerifier {
    WebhookVerifier::new(Scheme::StandardWebhooks, &[secret], Options::default()).unwrap()
}

#[track_caller]
fn verify(secret: &str, got: &Got) {
    verifier(secret)
        .verify(&got.body, &got.headers, now())
        .unwrap_or_else(|e| panic!("delivery does not verify: {e}"));
}

async fn attempts(api: &Api, event: &str) -> Vec<Value> {
    let r = api
        .get(&format!("/v1/events/{event}/attempts?limit=100"))
        .await;
    r.expect(200);
    assert_eq!(r.json["object"], "list");
    r.json["data"].as_array().unwrap().clone()
}

/// Waits until an event has at least `n` recorded attempts (the receiver
/// sees a request before its attempt is committed).
async fn wait_attempts(api: &Api, event: &str, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let list = attempts(api, event).await;
        if list.len() >= n {
            return list;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{list:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `f` holds for the endpoint's JSON.
async fn wait_endpoint(api: &Api, id: &str, f: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let r = api.get(&format!("/v1/webhook_endpoints/{id}")).await;
        r.expect(200);
        if f(&r.json) {
            return r.json;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "endpoint: {}",
            r.text
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn retries_on_schedule_then_succeeds(store: Store) {
    let server = TestServer::start_configured(store, |c| {
        fast(c);
        c.webhooks.webhook_schedule = "0,300ms,600ms,5s".parse().unwrap();
    })
    .await;
    let api = server.sandbox("hooks").await;
    let rx = Receiver::start(vec![status(500), status(502)]).await;
    let ep = endpoint(&api, &rx.url, &["payment.succeeded"], json!({})).await;
    let secret = ep["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let pay = api.pay(CARD_OK, 1000, false).await;
    rx.wait_for(3, Duration::from_secs(10)).await;
    // Let any stray extra delivery arrive before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = rx.got();
    assert_eq!(got.len(), 3, "two failures then one success");
    for g in &got {
        verify(secret, g);
        assert_eq!(g.event_type(), "payment.succeeded", "only matching types");
        assert_eq!(g.json()["data"]["object"]["id"], pay["id"]);
        assert_eq!(g.header("content-type"), "application/json");
    }
    let id = got[0].header("webhook-id");
    assert!(id.starts_with("msg_"));
    assert!(
        got.iter().all(|g| g.header("webhook-id") == id),
        "same webhook-id"
    );
    // The schedule, with +-20 % jitter.
    let gap1 = got[1].at - got[0].at;
    let gap2 = got[2].at - got[1].at;
    assert!(gap1 >= Duration::from_millis(240), "{gap1:?}");
    assert!(gap2 >= Duration::from_millis(480), "{gap2:?}");
    assert!(gap2 < Duration::from_secs(4), "{gap2:?}");

    // Every attempt recorded, newest first.
    let event_id = got[0].json()["id"].as_str().unwrap().to_owned();
    let list = wait_attempts(&api, &event_id, 3).await;
    assert_eq!(list.len(), 3, "{list:?}");
    let nums: Vec<i64> = list
        .iter()
        .map(|a| a["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(nums, [3, 2, 1]);
    assert_eq!(list[0]["result"], "succeeded");
    assert_eq!(list[0]["status_code"], 200);
    assert_eq!(list[0]["error_kind"], Value::Null);
    assert_eq!(list[0]["response_body"], "receiver says hi");
    assert_eq!(list[1]["status_code"], 502);
    assert_eq!(list[2]["status_code"], 500);
    for a in &list[1..] {
        assert_eq!(a["result"], "failed");
        assert_eq!(a["error_kind"], "http_status");
    }
    for a in &list {
        assert_eq!(a["object"], "webhook_attempt");
        assert!(a["id"].as_str().unwrap().starts_with("wa_"));
        assert_eq!(a["event"], event_id.as_str());
        assert_eq!(a["endpoint"], ep["id"]);
        assert_eq!(a["webhook_id"], id);
        assert_eq!(a["url"], rx.url.as_str());
        assert!(a["duration_ms"].as_i64().unwrap() >= 0);
    }
    // Paging through attempts.
    let r = api
        .get(&format!("/v1/events/{event_id}/attempts?limit=2"))
        .await;
    assert_eq!(r.json["has_more"], true);
    assert_eq!(r.json["url"], format!("/v1/events/{event_id}/attempts"));
    // The not-matching `payment.created` event: never attempted.
    let created = api.get("/v1/events?type=payment.created").await;
    let created_id = created.json["data"][0]["id"].as_str().unwrap().to_owned();
    assert!(attempts(&api, &created_id).await.is_empty());
    // Another merchant sees neither the event nor its attempts.
    let other = server.sandbox("other").await;
    other
        .get(&format!("/v1/events/{event_id}/attempts"))
        .await
        .expect_error(404, "resource_missing");
}

async fn endpoint_crud_and_validation(store: Store) {
    let server = TestServer::start_configured(store, fast).await;
    let api = server.sandbox("crud").await;
    let ep = endpoint(
        &api,
        "https://example.com/hooks",
        &["payment.succeeded", "refund.created", "payment.succeeded"],
        json!({ "description": "main" }),
    )
    .await;
    let id = ep["id"].as_str().unwrap();
    assert!(id.starts_with("we_"));
    assert_eq!(ep["object"], "webhook_endpoint");
    assert_eq!(
        ep["enabled_events"],
        json!(["payment.succeeded", "refund.created"])
    );
    assert_eq!(ep["status"], "enabled");
    assert_eq!(ep["disabled_reason"], Value::Null);
    assert_eq!(ep["signature_algorithm"], "v1");
    assert_eq!(ep["public_key"], Value::Null);
    assert_eq!(ep["previous_secret_expires"], Value::Null);
    assert!(ep["secret"].as_str().unwrap().starts_with("whsec_"));

    // The secret is shown once: absent (not null) on retrieve and list.
    let got = api.get(&format!("/v1/webhook_endpoints/{id}")).await;
    got.expect(200);
    assert!(got.json.get("secret").is_none(), "{}", got.text);
    assert_eq!(got.json["description"], "main");
    let list = api.get("/v1/webhook_endpoints").await;
    list.expect(200);
    assert_eq!(list.json["url"], "/v1/webhook_endpoints");
    assert_eq!(list.json["data"][0]["id"], id);
    assert!(list.json["data"][0].get("secret").is_none());

    // Update: only what is given changes; enabled false/true.
    let up = api
        .post(
            &format!("/v1/webhook_endpoints/{id}"),
            json!({ "enabled": false, "enabled_events": ["*"] }),
        )
        .await;
    up.expect(200);
    assert_eq!(up.json["status"], "disabled");
    assert_eq!(up.json["disabled_reason"], "manual");
    assert_eq!(up.json["enabled_events"], json!(["*"]));
    assert_eq!(up.json["description"], "main");
    assert!(up.json.get("secret").is_none());
    let up = api
        .post(
            &format!("/v1/webhook_endpoints/{id}"),
            json!({ "enabled": true }),
        )
        .await;
    assert_eq!(up.json["status"], "enabled");
    assert_eq!(up.json["disabled_reason"], Value::Null);

    // Bad input: a typed 400 and nothing changes.
    for (body, code) in [
        (
            json!({ "url": "ftp://example.com", "enabled_events": ["*"] }),
            "url_invalid",
        ),
        (
            json!({ "url": "not a url", "enabled_events": ["*"] }),
            "url_invalid",
        ),
        (
            json!({ "url": "https://example.com", "enabled_events": [] }),
            "enabled_events_invalid",
        ),
        (
            json!({ "url": "https://example.com", "enabled_events": ["payment.nope"] }),
            "enabled_events_invalid",
        ),
        (
            json!({ "url": "https://example.com", "enabled_events": ["*"], "signature_algorithm": "v2" }),
            "parameter_invalid",
        ),
        (
            json!({ "url": "https://example.com", "enabled_events": ["*"], "extra": 1 }),
            "parameter_unknown",
        ),
        (json!({ "enabled_events": ["*"] }), "parameter_missing"),
    ] {
        let r = api.post("/v1/webhook_endpoints", body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.err("code"), code, "{body}: {}", r.text);
    }
    let r = api
        .post(
            &format!("/v1/webhook_endpoints/{id}"),
            json!({ "url": "gopher://x" }),
        )
        .await;
    r.expect_error(400, "url_invalid");
    let r = api
        .post(
            &format!("/v1/webhook_endpoints/{id}/rotate_secret"),
            json!({ "expires_in": 700_000 }),
        )
        .await;
    r.expect_error(400, "parameter_invalid");
    let list = api.get("/v1/webhook_endpoints").await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(list.json["data"][0]["url"], "https://example.com/hooks");

    // POST needs an Idempotency-Key.
    let r = api
        .send(
            "POST",
            "/v1/webhook_endpoints",
            &[],
            Some(
                json!({ "url": "https://example.com", "enabled_events": ["*"] })
                    .to_string()
                    .into_bytes(),
            ),
        )
        .await;
    r.expect_error(400, "idempotency_key_missing");

    // Another merchant cannot see, change or delete it.
    let other = server.sandbox("crud-other").await;
    other
        .get(&format!("/v1/webhook_endpoints/{id}"))
        .await
        .expect_error(404, "resource_missing");
    other
        .post(
            &format!("/v1/webhook_endpoints/{id}"),
            json!({ "enabled": false }),
        )
        .await
        .expect_error(404, "resource_missing");
    other
        .send("DELETE", &format!("/v1/webhook_endpoints/{id}"), &[], None)
        .await
        .expect_error(404, "resource_missing");

    // Delete, then 404.
    let d = api
        .send("DELETE", &format!("/v1/webhook_endpoints/{id}"), &[], None)
        .await;
    d.expect(200);
    assert_eq!(
        d.json,
        json!({ "id": id, "object": "webhook_endpoint", "deleted": true })
    );
    api.send("DELETE", &format!("/v1/webhook_endpoints/{id}"), &[], None)
        .await
        .expect_error(404, "resource_missing");
    api.get(&format!("/v1/webhook_endpoints/{id}"))
        .await
        .expect_error(404, "resource_missing");
}

async fn rotation_signs_with_both_secrets(store: Store) {
    let server = TestServer::start_configured(store, fast).await;
    let api = server.sandbox("rotate").await;
    let rx = Receiver::start(vec![]).await;
    let ep = endpoint(&api, &rx.url, &["payment.succeeded"], json!({})).await;
    let id = ep["id"].as_str().unwrap();
    let old = ep["secret"].as_str().unwrap().to_owned();
    let r = api
        .post(
            &format!("/v1/webhook_endpoints/{id}/rotate_secret"),
            json!({}),
        )
        .await;
    r.expect(200);
    let new = r.json["secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    let expires = r.json["previous_secret_expires"].as_i64().unwrap();
    assert!(
        (expires - now() - 86_400).abs() <= 5,
        "default overlap 24 h: {expires}"
    );
    api.pay(CARD_OK, 500, false).await;
    let got = rx.wait_for(1, Duration::from_secs(10)).await;
    let sigs: Vec<&str> = got[0].header("webhook-signature").split(' ').collect();
    assert_eq!(sigs.len(), 2, "both signatures: {sigs:?}");
    assert!(sigs.iter().all(|s| s.starts_with("v1,")));
    // Each secret alone verifies.
    verify(&old, &got[0]);
    verify(&new, &got[0]);

    // A rotation without overlap: only the newest secret signs.
    let r = api
        .post(
            &format!("/v1/webhook_endpoints/{id}/rotate_secret"),
            json!({ "expires_in": 0 }),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json["previous_secret_expires"], Value::Null);
    let newest = r.json["secret"].as_str().unwrap().to_owned();
    api.pay(CARD_OK, 600, false).await;
    let got = rx.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got[1].header("webhook-signature").split(' ').count(), 1);
    verify(&newest, &got[1]);
    assert!(
        verifier(&new)
            .verify(&got[1].body, &got[1].headers, now())
            .is_err()
    );
    assert!(
        verifier(&old)
            .verify(&got[1].body, &got[1].headers, now())
            .is_err()
    );

    // ed25519 (v1a): verified with the public key, which is always shown.
    let rx2 = Receiver::start(vec![]).await;
    let ep2 = endpoint(
        &api,
        &rx2.url,
        &["payment.succeeded"],
        json!({ "signature_algorithm": "v1a" }),
    )
    .await;
    assert_eq!(ep2["signature_algorithm"], "v1a");
    assert!(ep2.get("secret").is_none(), "v1a shows no secret: {ep2}");
    let pk = ep2["public_key"].as_str().unwrap().to_owned();
    assert!(pk.starts_with("whpk_"));
    let id2 = ep2["id"].as_str().unwrap();
    let r = api.get(&format!("/v1/webhook_endpoints/{id2}")).await;
    assert_eq!(r.json["public_key"], pk.as_str());
    let r = api
        .post(
            &format!("/v1/webhook_endpoints/{id2}/rotate_secret"),
            json!({ "expires_in": 60 }),
        )
        .await;
    r.expect(200);
    let pk2 = r.json["public_key"].as_str().unwrap().to_owned();
    assert_ne!(pk, pk2);
    api.pay(CARD_OK, 700, false).await;
    let got = rx2.wait_for(1, Duration::from_secs(10)).await;
    let sigs = got[0].header("webhook-signature");
    assert_eq!(
        sigs.split(' ').filter(|s| s.starts_with("v1a,")).count(),
        2,
        "{sigs}"
    );
    verify(&pk, &got[0]);
    verify(&pk2, &got[0]);
}

async fn retry_after_is_honoured(store: Store) {
    let server = TestServer::start_configured(store, |c| {
        fast(c);
        c.webhooks.webhook_schedule = "0,100ms,100ms".parse().unwrap();
    })
    .await;
    let api = server.sandbox("ra").await;
    let rx = Receiver::start(vec![Reply {
        status: 503,
        retry_after: Some("2"),
    }])
    .await;
    let ep = endpoint(&api, &rx.url, &["payment.succeeded"], json!({})).await;
    api.pay(CARD_OK, 100, false).await;
    let got = rx.wait_for(2, Duration::from_secs(10)).await;
    let gap = got[1].at - got[0].at;
    assert!(
        gap >= Duration::from_millis(1900),
        "Retry-After 2 s honoured: {gap:?}"
    );
    verify(ep["secret"].as_str().unwrap(), &got[1]);
}

async fn retry_after_is_bounded(store: Store) {
    let server = TestServer::start_configured(store, |c| {
        fast(c);
        c.webhooks.webhook_schedule = "0,100ms,100ms".parse().unwrap();
        c.webhooks.webhook_max_retry_after = Dur(Duration::from_millis(500));
    })
    .await;
    let api = server.sandbox("ra-bound").await;
    let rx = Receiver::start(vec![Reply {
        status: 429,
        retry_after: Some("3600"),
    }])
    .await;
    endpoint(&api, &rx.url, &["payment.succeeded"], json!({})).await;
    api.pay(CARD_OK, 100, false).await;
    let got = rx.wait_for(2, Duration::from_secs(10)).await;
    let gap = got[1].at - got[0].at;
    assert!(gap >= Duration::from_millis(400), "{gap:?}");
    assert!(
        gap < Duration::from_secs(3),
        "an hour's Retry-After is cut to the bound: {gap:?}"
    );
}

async fn gone_disables_the_endpoint(store: Store) {
    let server = TestServer::start_configured(store, fast).await;
    let api = server.sandbox("gone").await;
    let rx = Receiver::start(vec![status(410)]).await;
    let watcher = Receiver::start(vec![]).await;
    let ep = endpoint(&api, &rx.url, &["payment.succeeded"], json!({})).await;
    let id = ep["id"].as_str().unwrap();
    let w = endpoint(
        &api,
        &watcher.url,
        &["webhook_endpoint.disabled"],
        json!({}),
    )
    .await;
    api.pay(CARD_OK, 100, false).await;
    let json = wait_endpoint(&api, id, |e| e["status"] == "disabled").await;
    assert_eq!(json["disabled_reason"], "gone");
    // The disabled event, delivered to the other endpoint, without secret.
    let got = watcher.wait_for(1, Duration::from_secs(10)).await;
    verify(w["secret"].as_str().unwrap(), &got[0]);
    let ev = got[0].json();
    assert_eq!(ev["type"], "webhook_endpoint.disabled");
    assert_eq!(ev["data"]["object"]["id"], id);
    assert_eq!(ev["data"]["object"]["disabled_reason"], "gone");
    assert!(ev["data"]["object"].get("secret").is_none());
    // No more deliveries, and no retry of the 410.
    api.pay(CARD_OK, 200, false).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(rx.got().len(), 1);
}

async fn failing_endpoint_is_disabled(store: Store) {
    let server = TestServer::start_configured(store, |c| {
        fast(c);
        c.webhooks.webhook_schedule =
            "0,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms"
                .parse()
                .unwrap();
        c.webhooks.webhook_disable_after = Dur(Duration::from_millis(400));
    })
    .await;
    let api = server.sandbox("failing").await;
    let rx = Receiver::start(vec![]).await;
    rx.set_default(status(500));
    let ep = endpoint(&api, &rx.url, &["payment.succeeded"], json!({})).await;
    let id = ep["id"].as_str().unwrap();
    api.pay(CARD_OK, 100, false).await;
    let json = wait_endpoint(&api, id, |e| e["status"] == "disabled").await;
    assert_eq!(json["disabled_reason"], "failing");
    let got = rx.got();
    let n = got.len();
    assert!(n >= 2, "{n} attempts");
    // Disabled only once it had been failing for the period (the receiver's
    // clock sees the attempts' starts, a little before they are recorded).
    let failing_for = got[n - 1].at - got[0].at;
    assert!(failing_for >= Duration::from_millis(300), "{failing_for:?}");
    let events = api.get("/v1/events?type=webhook_endpoint.disabled").await;
    events.expect(200);
    let data = events.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "one disabled event: {}", events.text);
    assert_eq!(data[0]["data"]["object"]["id"], id);
    assert_eq!(data[0]["data"]["object"]["disabled_reason"], "failing");
    // Disabled: nothing more is sent, the pending retry included.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(rx.got().len(), n);
    // Re-enabled and healthy: new events flow again.
    rx.set_default(ok());
    api.post(
        &format!("/v1/webhook_endpoints/{id}"),
        json!({ "enabled": true }),
    )
    .await
    .expect(200);
    api.pay(CARD_OK, 300, false).await;
    rx.wait_for(n + 1, Duration::from_secs(10)).await;
}

async fn redelivery_keeps_the_webhook_id(store: Store) {
    let server = TestServer::start_configured(store, fast).await;
    let api = server.sandbox("redeliver").await;
    let rx = Receiver::start(vec![]).await;
    let ep = endpoint(&api, &rx.url, &["payment.succeeded"], json!({})).await;
    let ep_id = ep["id"].as_str().unwrap();
    api.pay(CARD_OK, 100, false).await;
    let got = rx.wait_for(1, Duration::from_secs(10)).await;
    let event_id = got[0].json()["id"].as_str().unwrap().to_owned();
    let r = api
        .post(&format!("/v1/events/{event_id}/redeliver"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(
        r.json,
        json!({ "object": "redelivery", "event": event_id, "endpoints": [ep_id] })
    );
    let r = api
        .post(
            &format!("/v1/events/{event_id}/redeliver"),
            json!({ "endpoint": ep_id }),
        )
        .await;
    r.expect(200);
    let got = rx.wait_for(3, Duration::from_secs(10)).await;
    for g in &got {
        verify(ep["secret"].as_str().unwrap(), g);
        assert_eq!(g.header("webhook-id"), got[0].header("webhook-id"));
    }
    let list = wait_attempts(&api, &event_id, 3).await;
    assert_eq!(list.len(), 3);
    assert!(
        list.iter()
            .all(|a| a["attempt"] == 1 && a["result"] == "succeeded")
    );
    // Unknown event / endpoint: 404; a disabled endpoint: 400.
    api.post("/v1/events/evt_nope/redeliver", json!({}))
        .await
        .expect_error(404, "resource_missing");
    api.post(
        &format!("/v1/events/{event_id}/redeliver"),
        json!({ "endpoint": "we_nope" }),
    )
    .await
    .expect_error(404, "resource_missing");
    api.post(
        &format!("/v1/webhook_endpoints/{ep_id}"),
        json!({ "enabled": false }),
    )
    .await
    .expect(200);
    api.post(
        &format!("/v1/events/{event_id}/redeliver"),
        json!({ "endpoint": ep_id }),
    )
    .await
    .expect_error(400, "webhook_endpoint_disabled");
    let r = api
        .post(&format!("/v1/events/{event_id}/redeliver"), json!({}))
        .await;
    assert_eq!(r.json["endpoints"], json!([]));
}

async fn url_policy_for_live_merchants(store: Store) {
    let server = TestServer::start_configured(store, fast).await;
    let live = server
        .merchant("live-co", paycore_server::Plan::Scale, true)
        .await;
    let rx = Receiver::start(vec![]).await;
    for url in [
        rx.url.clone(),
        "http://localhost:9/x".to_owned(),
        "http://10.0.0.1/x".to_owned(),
        "http://169.254.169.254/latest".to_owned(),
        "http://[::1]:9/x".to_owned(),
    ] {
        let r = live
            .post(
                "/v1/webhook_endpoints",
                json!({ "url": url, "enabled_events": ["*"] }),
            )
            .await;
        r.expect_error(400, "url_not_allowed");
    }
    // A name that passes creation and later points at a private address
    // (as after a DNS change) is refused at delivery time.
    let ep = endpoint(&live, "https://example.com/hooks", &["*"], json!({})).await;
    sqlx::query("UPDATE webhook_endpoints SET url = $1 WHERE id = $2")
        .bind(&rx.url)
        .bind(ep["id"].as_str().unwrap())
        .execute(&server.db.pool)
        .await
        .unwrap();
    live.pay(CARD_OK, 100, false).await;
    let events = live.get("/v1/events?type=payment.created").await;
    let event_id = events.json["data"][0]["id"].as_str().unwrap().to_owned();
    let list = wait_attempts(&live, &event_id, 1).await;
    assert_eq!(list[0]["error_kind"], "refused_address");
    assert_eq!(list[0]["status_code"], Value::Null);
    assert_eq!(list[0]["result"], "failed");
    assert!(rx.got().is_empty(), "the receiver was never called");

    // A sandbox merchant may use loopback.
    let sandbox = server.sandbox("sandbox-co").await;
    endpoint(&sandbox, &rx.url, &["*"], json!({})).await;
}

async fn disabled_and_deleted_endpoints_get_nothing(store: Store) {
    let server = TestServer::start_configured(store, fast).await;
    let api = server.sandbox("quiet").await;
    let rx = Receiver::start(vec![]).await;
    let deleted = endpoint(&api, &rx.url, &["*"], json!({})).await;
    api.send(
        "DELETE",
        &format!("/v1/webhook_endpoints/{}", deleted["id"].as_str().unwrap()),
        &[],
        None,
    )
    .await
    .expect(200);
    let off = endpoint(&api, &rx.url, &["*"], json!({ "enabled": false })).await;
    assert_eq!(off["status"], "disabled");
    assert_eq!(off["disabled_reason"], "manual");
    let listening = Receiver::start(vec![]).await;
    endpoint(&api, &listening.url, &["refund.created"], json!({})).await;
    api.pay(CARD_OK, 100, false).await;
    // A refund: the only matching event.
    let pay = api.pay(CARD_OK, 200, false).await;
    api.post("/v1/refunds", json!({ "payment": pay["id"], "amount": 50 }))
        .await
        .expect(200);
    let got = listening.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(listening.got().len(), 1, "{:?}", listening.got());
    assert_eq!(got[0].event_type(), "refund.created");
    assert!(
        rx.got().is_empty(),
        "deleted and disabled endpoints got nothing"
    );
}

both_backends!(
    retries_on_schedule_then_succeeds,
    endpoint_crud_and_validation,
    rotation_signs_with_both_secrets,
    retry_after_is_honoured,
    retry_after_is_bounded,
    gone_disables_the_endpoint,
    failing_endpoint_is_disabled,
    redelivery_keeps_the_webhook_id,
    url_policy_for_live_merchants,
    disabled_and_deleted_endpoints_get_nothing,
);

/// Two instances on one Postgres database, both running workers: every
/// delivery is attempted by exactly one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_each_event_once() {
    let first = TestServer::start_configured(Store::Postgres, fast).await;
    let mut config = Config::with_database(first.database_url.clone());
    fast(&mut config);
    let second = TestServer::start_with(config, None).await;
    let api = first.sandbox("pair").await;
    let api2 = second.api_for(&api.key_id, &api.merchant_id, api.secret.clone());
    let rx = Receiver::start(vec![]).await;
    endpoint(&api, &rx.url, &["*"], json!({})).await;
    for i in 0..10 {
        let a = if i % 2 == 0 { &api } else { &api2 };
        a.pay(CARD_OK, 100 + i, false).await;
    }
    // Two events per payment.
    rx.wait_for(20, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got = rx.got();
    let mut ids: Vec<&str> = got.iter().map(|g| g.header("webhook-id")).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(n, 20, "each delivery attempted exactly once");
}
