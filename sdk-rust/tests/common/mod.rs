//! The real reference server on 127.0.0.1:0 over a fresh SQLite file, and
//! SDK clients for merchants created the way the server's own tests do.

#![allow(dead_code, reason = "each test binary uses part of the harness")]
#![allow(unreachable_pub, reason = "a test module shared by test binaries")]

use std::time::Duration;

use paycore_sdk::{Client, ClientBuilder, RetryConfig, Secret};
use paycore_server::{Config, KeyAlg, Plan, db};

pub struct TestServer {
    pub base: String,
    pub db: db::Db,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Fast retries: the behaviour, not the wall time, is under test. The
/// server's own `Retry-After` still applies (it is a floor).
pub fn fast_retry() -> RetryConfig {
    RetryConfig::standard()
        .with_base_delay(Duration::from_millis(5))
        .with_throttle_base_delay(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(50))
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_configured(|_| {}).await
    }

    /// [`TestServer::start`] with the configuration `tweak` makes of the
    /// defaults (plan limits, ...).
    pub async fn start_configured(tweak: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("paycore.db").display());
        let mut config = Config::with_database(url.clone());
        tweak(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let db = db::connect(&url, 2).await.unwrap();
        let task = tokio::spawn(async move {
            let services = paycore_server::default_services(&config).await.unwrap();
            paycore_server::run_with(config, listener, services)
                .await
                .unwrap();
        });
        let base = format!("http://{addr}");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        TestServer {
            base,
            db,
            _dir: dir,
            task,
        }
    }

    /// A builder for a new merchant's HMAC key (`plan`, sandbox or live).
    pub async fn builder_for(&self, name: &str, plan: Plan, sandbox: bool) -> ClientBuilder {
        let key = db::create_key(&self.db, name, plan, sandbox, KeyAlg::HmacSha256, None)
            .await
            .unwrap();
        Client::builder()
            .key_id(key.key_id)
            .secret(Secret::hmac_base64(&key.secret_b64.unwrap()).unwrap())
            .base_url(&self.base)
            .retry(fast_retry())
    }

    /// A builder for a new sandbox merchant on the `scale` plan.
    pub async fn builder(&self, name: &str) -> ClientBuilder {
        self.builder_for(name, Plan::Scale, true).await
    }

    /// A client for a new sandbox merchant on the `scale` plan.
    pub async fn client(&self, name: &str) -> Client {
        self.builder(name).await.build().unwrap()
    }
}

pub const CARD_OK: &str = "4242424242424242";
pub const CARD_ACTION: &str = "4000002500003155";
