//! `GET /health/ready`: 200 with every component's status when all pass,
//! 503 with the same shape when one fails (Redis on a dead port, the
//! database gone, the outbox lagging).

use paycore_server::Config;
use serde_json::Value;

use crate::both_backends;
use crate::harness::{CARD_OK, Store, TestServer, http_client};
use crate::pg;

async fn ready(srv: &TestServer) -> (u16, Value) {
    let r = http_client()
        .get(format!("{}/health/ready", srv.base))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    (status, r.json().await.unwrap())
}

async fn database_url(store: Store) -> (String, Option<tempfile::TempDir>) {
    match store {
        Store::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("paycore.db").display());
            (url, Some(dir))
        }
        Store::Postgres => (pg::fresh_database().await, None),
    }
}

async fn ready_when_every_component_passes(store: Store) {
    // Without Redis.
    let srv = TestServer::start(store).await;
    let (status, body) = ready(&srv).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    let checks = &body["checks"];
    assert_eq!(checks["database"]["status"], "ok");
    let backend = match store {
        Store::Sqlite => "sqlite",
        Store::Postgres => "postgres",
    };
    assert_eq!(checks["database"]["backend"], backend);
    assert!(checks["database"]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(checks["redis"]["status"], "not_configured");
    assert_eq!(checks["outbox"]["status"], "ok");
    assert_eq!(checks["outbox"]["lag_seconds"], 0);
    assert_eq!(checks["outbox"]["max_lag_seconds"], 300);

    // With the throwaway Redis.
    let (url, dir) = database_url(store).await;
    let mut config = Config::with_database(url);
    config.redis_url = Some(pg::redis());
    config.ready_max_outbox_lag_secs = 42;
    let srv = TestServer::start_with(config, dir).await;
    let (status, body) = ready(&srv).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["redis"]["status"], "ok");
    assert_eq!(body["checks"]["outbox"]["max_lag_seconds"], 42);
}

async fn unready_when_redis_is_down(store: Store) {
    let (url, dir) = database_url(store).await;
    let mut config = Config::with_database(url);
    // Nothing listens there (the port was just free).
    let dead = pg::free_port();
    config.redis_url = Some(format!("redis://127.0.0.1:{dead}/"));
    let srv = TestServer::start_with_memory_services(config, dir).await;
    let (status, body) = ready(&srv).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["checks"]["redis"]["status"], "error");
    assert_eq!(body["checks"]["redis"]["error"], "unreachable");
    // The other components still report, and pass.
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert_eq!(body["checks"]["outbox"]["status"], "ok");
    // Liveness is not readiness.
    let live = http_client()
        .get(format!("{}/health", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status().as_u16(), 200);
}

/// A pending delivery that nobody makes (the worker is off) ages past the
/// allowed lag: 503 naming the outbox.
async fn unready_when_the_outbox_lags(store: Store) {
    let srv = TestServer::start_configured(store, |c| {
        c.webhooks.no_webhook_worker = true;
        c.ready_max_outbox_lag_secs = 0;
    })
    .await;
    let api = srv.sandbox("lagging").await;
    api.post(
        "/v1/webhook_endpoints",
        serde_json::json!({"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]}),
    )
    .await
    .expect(200);
    let (status, body) = ready(&srv).await;
    assert_eq!(status, 200, "nothing pending yet: {body}");
    api.pay(CARD_OK, 100, false).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = ready(&srv).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["checks"]["outbox"]["error"], "lagging");
    assert!(body["checks"]["outbox"]["lag_seconds"].as_i64().unwrap() >= 1);
    assert_eq!(body["checks"]["database"]["status"], "ok");
}

both_backends!(
    ready_when_every_component_passes,
    unready_when_redis_is_down,
    unready_when_the_outbox_lags
);

/// Postgres only: the server's database is dropped under it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unready_when_the_database_is_gone() {
    let url = pg::fresh_database().await;
    let srv = TestServer::start_on(url.clone(), None).await;
    assert_eq!(ready(&srv).await.0, 200);
    let (admin, name) = url.rsplit_once('/').unwrap();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&format!("{admin}/postgres"))
        .await
        .unwrap();
    // The test harness's own pool holds a connection too: FORCE ends them.
    sqlx::Executor::execute(
        &mut conn,
        format!("DROP DATABASE {name} WITH (FORCE)").as_str(),
    )
    .await
    .unwrap();
    let (status, body) = ready(&srv).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["checks"]["database"]["status"], "error");
    assert_eq!(body["checks"]["redis"]["status"], "not_configured");
}
