//! Test servers (the real server on 127.0.0.1:0 over a fresh SQLite file or
//! a fresh database of a throwaway Postgres) and an HTTP client for them.

use paycore::signing::{Request, SigningKey, sign_request};
use paycore_server::db;
use paycore_server::{Config, KeyAlg, Plan};
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::pg;

/// A plain HTTP client for the tests. Another workspace member (the SDK)
/// turns on reqwest's `rustls-no-provider` feature, and features are unified
/// across the workspace build, so a rustls crypto provider must be installed
/// before any client is built, even one that never speaks TLS.
pub fn http_client() -> reqwest::Client {
    // Err only means a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

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
        Self::start_inner(config, dir, true).await
    }

    /// [`TestServer::start_with`], but with in-memory nonces and rate limits
    /// whatever `config.redis_url` says (which then only the readiness check
    /// uses: tests point it at a dead port).
    pub async fn start_with_memory_services(
        config: Config,
        dir: Option<tempfile::TempDir>,
    ) -> TestServer {
        Self::start_inner(config, dir, false).await
    }

    /// Stops this server and starts a new one on the same database (and
    /// temp dir), with the configuration `tweak` makes of the defaults.
    pub async fn restart(mut self, tweak: impl FnOnce(&mut Config)) -> TestServer {
        let task = std::mem::replace(&mut self.task, tokio::spawn(async {}));
        task.abort();
        let _ = task.await;
        let dir = self._dir.take();
        let mut config = Config::with_database(self.database_url.clone());
        tweak(&mut config);
        drop(self);
        Self::start_with(config, dir).await
    }

    async fn start_inner(
        config: Config,
        dir: Option<tempfile::TempDir>,
        configured_services: bool,
    ) -> TestServer {
        let database_url = config.database_url.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let db = db::connect(&database_url, 2).await.unwrap();
        let task = tokio::spawn(async move {
            // No log subscriber: test output stays readable.
            let services = if configured_services {
                paycore_server::default_services(&config).await.unwrap()
            } else {
                let mut memory = config.clone();
                memory.redis_url = None;
                paycore_server::default_services(&memory).await.unwrap()
            };
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
            if http_client()
                .get(format!("{}/health", server.base))
                .send()
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
        self.api_for(
            &key.key_id,
            &key.merchant_id,
            Secret::Hmac(paycore::crypto::b64_decode(&key.secret_b64.unwrap()).unwrap()),
        )
    }

    /// A client for an existing key.
    pub fn api_for(&self, key_id: &str, merchant_id: &str, secret: Secret) -> Api {
        Api {
            client: http_client(),
            base: self.base.clone(),
            key_id: key_id.to_owned(),
            merchant_id: merchant_id.to_owned(),
            secret,
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
    pub secret: Secret,
}

/// The signing material of a client.
#[derive(Clone)]
pub enum Secret {
    /// A shared HMAC-SHA256 secret.
    Hmac(Vec<u8>),
    /// An ed25519 private key seed.
    Ed25519([u8; 32]),
}

/// The current Unix time in seconds.
pub fn now() -> i64 {
    paycore_server::db::now_unix()
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
    /// The headers to send (`headers` plus the signature headers) for a
    /// request signed by this key at `created`.
    pub fn sign(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        created: i64,
        nonce: Option<[u8; 16]>,
    ) -> Vec<(String, String)> {
        let key = match &self.secret {
            Secret::Hmac(s) => SigningKey::hmac(s).unwrap(),
            Secret::Ed25519(seed) => SigningKey::ed25519(seed).unwrap(),
        };
        let url = format!("{}{}", self.base, path);
        let nonce = nonce.unwrap_or_else(|| {
            let mut n = [0u8; 16];
            n.copy_from_slice(&paycore_server::ids::random_bytes(16));
            n
        });
        let req = Request::new(method, &url, &headers, body);
        let signed = sign_request(&req, &self.key_id, &key, created, &nonce).unwrap();
        let mut out: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        out.extend(signed.headers().map(|(k, v)| (k.to_owned(), v.to_owned())));
        out
    }

    /// Sends a request with exactly these headers.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let url = format!("{}{}", self.base, path);
        let mut req = self.client.request(method.parse().unwrap(), &url);
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if let Some(b) = body {
            req = req.body(b);
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

    /// Sends a request signed by this key, with extra headers.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if body.is_some() {
            all.push(("content-type", "application/json"));
        }
        let signed = self.sign(
            method,
            path,
            &all,
            body.as_deref().unwrap_or(b""),
            now(),
            None,
        );
        self.send_raw(method, path, &signed, body).await
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
