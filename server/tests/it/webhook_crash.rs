//! At-least-once across SIGKILL: the server binary runs as a process with a
//! fast schedule and an endpoint whose receiver hangs (deliveries are in
//! flight, claimed under their lease); it is killed with SIGKILL, restarted
//! on the same database, and the receiver comes up on the same port. Every
//! event must be delivered (duplicates only with the same `webhook-id`).

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use paycore::webhook::{Options, Scheme, WebhookVerifier};
use paycore_server::{KeyAlg, Plan, db};
use serde_json::json;

use crate::both_backends;
use crate::harness::{Api, CARD_OK, Secret, Store, http_client, now};
use crate::pg;
use crate::webhooks::Receiver;

const BIN: &str = env!("CARGO_BIN_EXE_paycore-server");

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str, log: &std::path::Path) -> (Proc, String) {
    let port = free_port();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let child = Command::new(BIN)
        .env("DATABASE_URL", database_url)
        .env("PAYCORE_LISTEN", format!("127.0.0.1:{port}"))
        .env("PAYCORE_NO_BOOTSTRAP", "true")
        .env(
            "PAYCORE_WEBHOOK_SCHEDULE",
            "0,100ms,200ms,300ms,500ms,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s",
        )
        .env("PAYCORE_WEBHOOK_TIMEOUT", "1s")
        .env("PAYCORE_WEBHOOK_POLL_INTERVAL", "20ms")
        .env_remove("REDIS_URL")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let proc = Proc(child);
    for _ in 0..400 {
        if http_client()
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok()
        {
            return (proc, base);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("server process did not start");
}

async fn every_event_survives_sigkill(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let url = match store {
        Store::Sqlite => format!("sqlite://{}", dir.path().join("paycore.db").display()),
        Store::Postgres => pg::fresh_database().await,
    };
    let log = dir.path().join("server.log");
    let database = db::connect(&url, 2).await.unwrap();
    let key = db::create_key(
        &database,
        "crash",
        Plan::Scale,
        true,
        KeyAlg::HmacSha256,
        None,
    )
    .await
    .unwrap();
    let secret = Secret::Hmac(paycore::crypto::b64_decode(&key.secret_b64.unwrap()).unwrap());

    // The receiver's port, where at first a listener accepts and never answers.
    let hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver_addr = hole.local_addr().unwrap();
    let hole_task = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            if let Ok((s, _)) = hole.accept().await {
                held.push(s);
            }
        }
    });

    let (first, base) = start(&url, &log).await;
    let api = Api {
        client: http_client(),
        base,
        key_id: key.key_id.clone(),
        merchant_id: key.merchant_id.clone(),
        secret: secret.clone(),
    };
    let r = api
        .post(
            "/v1/webhook_endpoints",
            json!({ "url": format!("http://{receiver_addr}/hook"), "enabled_events": ["*"] }),
        )
        .await;
    r.expect(200);
    let whsec = r.json["secret"].as_str().unwrap().to_owned();
    for i in 0..8 {
        api.pay(CARD_OK, 100 + i, false).await;
    }
    // Wait until deliveries are in flight (claimed, the receiver hanging).
    let mut in_flight = 0_i64;
    for _ in 0..200 {
        in_flight = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE lease_token IS NOT NULL",
        )
        .fetch_one(&database.pool)
        .await
        .unwrap();
        if in_flight >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        in_flight >= 4,
        "deliveries in flight before the kill: {in_flight}"
    );
    drop(first); // SIGKILL
    hole_task.abort();

    let delivered_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'succeeded'")
            .fetch_one(&database.pool)
            .await
            .unwrap();
    assert_eq!(delivered_before, 0);

    // Restart on the same database; the receiver comes up on the same port.
    let rx = Receiver::start_on(receiver_addr, vec![]).await;
    let (_second, _base) = start(&url, &log).await;
    let expected: BTreeSet<String> =
        sqlx::query_scalar::<_, String>("SELECT id FROM events WHERE merchant_id = $1")
            .bind(&key.merchant_id)
            .fetch_all(&database.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|id| format!("msg_{}", id.trim_start_matches("evt_")))
            .collect();
    assert_eq!(expected.len(), 16, "two events per payment");
    // Leases of the killed process expire after timeout + 5 s.
    let start = std::time::Instant::now();
    let verifier = WebhookVerifier::new(
        Scheme::StandardWebhooks,
        &[whsec.as_str()],
        Options::default(),
    )
    .unwrap();
    loop {
        let got = rx.got();
        let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
        for g in &got {
            verifier.verify(&g.body, &g.headers, now()).unwrap();
            let id = g.header("webhook-id").to_owned();
            let event = g.json();
            assert_eq!(
                format!(
                    "msg_{}",
                    event["id"].as_str().unwrap().trim_start_matches("evt_")
                ),
                id,
                "a duplicate carries its event's webhook-id"
            );
            *per_id.entry(id).or_default() += 1;
        }
        let seen: BTreeSet<String> = per_id.keys().cloned().collect();
        assert!(seen.is_subset(&expected));
        if seen == expected {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "delivered {} of {} events after restart; log: {}",
            seen.len(),
            expected.len(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

both_backends!(every_event_survives_sigkill);
