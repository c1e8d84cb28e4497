//! Test servers (the real server on 127.0.0.1:0 over a fresh SQLite file or
//! a fresh database of a throwaway Postgres) and an HTTP client for them.

use std::sync::Arc;

use paycore_server::auth::{AuthFailure, Authenticator};
use paycore_server::db::{self, ApiKeyRecord};
use paycore_server::{AppState, Config, KeyAlg, Plan, Services, Unlimited};
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::pg;

/// Which database a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

/// A running server.
#[allow(dead_code, reason = "fields used by some test modules only")]
pub struct TestServer {
    pub base: String,
    pub db: db::Db,
    pub database_url: String,
    _dir: Option<tempfile::TempDir>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// TEST ONLY: authenticates by an `X-Test-Only-Key-Id` header. Used until
/// the core's request-signing verifier is merged; never part of the server.
struct TestOnlyHeaderAuth;

impl Authenticator for TestOnlyHeaderAuth {
    fn authenticate<'a>(
        &'a self,
        state: &'a AppState,
        parts: &'a axum::http::request::Parts,
        _body: &'a [u8],
    ) -> futures_util::future::BoxFuture<'a, Result<ApiKeyRecord, AuthFailure>> {
        Box::pin(async move {
            let id = parts
                .headers
                .get("x-test-only-key-id")
                .and_then(|v| v.to_str().ok())
                .ok_or(AuthFailure {
                    code: "missing_header",
                    key_id: None,
                })?;
            match db::load_key(&state.db, id).await {
                Ok(Some(k)) => Ok(k),
                _ => Err(AuthFailure {
                    code: "key_unknown",
                    key_id: Some(id.to_owned()),
                }),
            }
        })
    }
}

impl TestServer {
    pub async fn start(store: Store) -> TestServer {
        Self::start_configured(store, |_| {}).await
    }

    pub async fn start_configured(store: Store, tweak: impl FnOnce(&mut Config)) -> TestServer {
        let (dir, url) = match store {
            Store::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("paycore.db").display());
                (Some(dir), url)
            }
            Store::Postgres => (None, pg::fresh_database().await),
        };
        let mut config = Config::with_database(url);
        tweak(&mut config);
        Self::start_with(config, dir).await
    }

    pub async fn start_on(database_url: String, dir: Option<tempfile::TempDir>) -> TestServer {
        Self::start_with(Config::with_database(database_url), dir).await
    }

    pub async fn start_with(config: Config, dir: Option<tempfile::TempDir>) -> TestServer {
        let database_url = config.database_url.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let db = db::connect(&database_url, 2).await.unwrap();
        let services = Services {
            auth: Arc::new(TestOnlyHeaderAuth),
            limiter: Arc::new(Unlimited),
        };
        let task = tokio::spawn(async move {
            paycore_server::run_with(config, listener, services)
                .await
                .unwrap();
        });
        let server = TestServer {
            base: format!("http://{addr}"),
            db,
            database_url,
            _dir: dir,
            task,
        };
        // Wait until it answers.
        for _ in 0..200 {
            if reqwest::get(format!("{}/health", server.base))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("test server did not start");
    }

    /// A new merchant (sandbox unless `live`) with one HMAC key.
    pub async fn merchant(&self, name: &str, plan: Plan, live: bool) -> Api {
        let key = db::create_key(&self.db, name, plan, !live, KeyAlg::HmacSha256, None)
            .await
            .unwrap();
        Api {
            client: reqwest::Client::new(),
            base: self.base.clone(),
            key_id: key.key_id,
            merchant_id: key.merchant_id,
            secret: paycore::crypto::b64_decode(&key.secret_b64.unwrap()).unwrap(),
        }
    }

    /// A sandbox merchant on the `scale` plan.
    pub async fn sandbox(&self, name: &str) -> Api {
        self.merchant(name, Plan::Scale, false).await
    }
}

/// A client acting as one API key.
#[derive(Clone)]
#[allow(dead_code, reason = "fields used by some test modules only")]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub key_id: String,
    pub merchant_id: String,
    pub secret: Vec<u8>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The error envelope's field.
    pub fn err(&self, field: &str) -> &Value {
        &self.json["error"][field]
    }

    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Self {
        self.expect(status);
        assert_eq!(self.err("code"), code, "body: {}", self.text);
        let rid = self.header("request-id").unwrap();
        assert_eq!(self.err("request_id"), rid);
        self
    }
}

static IDEM: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A fresh idempotency key.
pub fn idem() -> String {
    format!(
        "it-{}-{}",
        std::process::id(),
        IDEM.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

impl Api {
    /// Sends a request with extra headers; signs it as this key.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let url = format!("{}{}", self.base, path);
        let mut req = self
            .client
            .request(method.parse().unwrap(), &url)
            .header("x-test-only-key-id", &self.key_id);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(
            headers.contains_key("request-id"),
            "every response has Request-Id"
        );
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, &[], None).await
    }

    /// POST with a fresh idempotency key.
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.post_idem(path, &idem(), body).await
    }

    pub async fn post_idem(&self, path: &str, key: &str, body: Value) -> Resp {
        self.send(
            "POST",
            path,
            &[("idempotency-key", key)],
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    /// Creates a payment and returns its JSON (asserting the status).
    pub async fn pay(&self, card: &str, amount: i64, manual: bool) -> Value {
        let r = self
            .post(
                "/v1/payments",
                serde_json::json!({
                    "amount": amount,
                    "currency": "usd",
                    "payment_method": card,
                    "capture_method": if manual { "manual" } else { "automatic" },
                }),
            )
            .await;
        assert!(r.status == 200 || r.status == 402, "{}", r.text);
        r.json
    }
}

pub const CARD_OK: &str = "4242424242424242";
pub const CARD_ACTION: &str = "4000002500003155";

/// Declares one test per backend for an `async fn(Store)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Store::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::Store::Postgres).await
            }
        }
    )*};
}
