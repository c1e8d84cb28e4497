//! # paycore-server
//!
//! The reference payment API built on `paycore`: merchants and API keys
//! (signed requests only), payments with a real state machine and test
//! cards, refunds, events, idempotency keys and rate limits, on an embedded
//! SQLite file or on Postgres (+ Redis for several instances).
//!
//! `main.rs` only parses the configuration and calls [`run`] with a bound
//! listener; tests bind `127.0.0.1:0` and do the same.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodRouter, delete, get, post};
use tokio::net::TcpListener;

pub mod auth;
pub mod batch;
pub mod cards;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod faults;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod limits;
pub mod metrics;
pub mod pagination;
pub mod payments;
pub mod ratelimit;
pub mod ready;
pub mod redis_store;
pub mod refunds;
pub mod signature;
pub mod usage;
pub mod webhooks;

pub use config::{
    Cli, Command, Config, KeyAlg, KeysCommand, LogFormat, Plan, PlanLimit, PlanLimits,
};
pub use db::{Backend, CreatedKey, Db};

use auth::{Authenticator, Backoff};
use ratelimit::RateLimiter;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The configuration.
    pub config: Arc<Config>,
    /// Request authentication.
    pub auth: Arc<dyn Authenticator>,
    /// Rate limiting.
    pub limiter: Arc<dyn RateLimiter>,
    /// Failed-authentication backoff.
    pub backoff: Arc<Backoff>,
    /// This instance's Prometheus metrics (`GET /metrics`).
    pub metrics: metrics::Metrics,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db.backend)
            .finish_non_exhaustive()
    }
}

/// A start-up failure.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Db(#[from] db::DbError),
    /// Serving failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    /// Bad configuration.
    #[error("configuration: {0}")]
    Config(String),
}

/// Installs the tracing subscriber (once per process; later calls are no-ops).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PAYCORE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(|| LogWriter(std::io::stderr()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Every `/v1` operation: method, path (OpenAPI syntax) and handler. The
/// router is built from this list, and a test checks it against
/// `docs/openapi.yaml`.
pub fn api_routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::POST, "/v1/payments", post(payments::create)),
        (Method::GET, "/v1/payments", get(payments::list)),
        (Method::GET, "/v1/payments/{id}", get(payments::get)),
        (
            Method::POST,
            "/v1/payments/{id}/confirm",
            post(payments::confirm),
        ),
        (
            Method::POST,
            "/v1/payments/{id}/capture",
            post(payments::capture),
        ),
        (
            Method::POST,
            "/v1/payments/{id}/cancel",
            post(payments::cancel),
        ),
        (Method::POST, "/v1/refunds", post(refunds::create)),
        (Method::GET, "/v1/refunds", get(refunds::list)),
        (Method::GET, "/v1/refunds/{id}", get(refunds::get)),
        (Method::GET, "/v1/events", get(events::list_events)),
        (Method::GET, "/v1/events/{id}", get(events::get_event)),
        // Webhooks (issue 5): endpoints, event delivery attempts, redelivery.
        (
            Method::POST,
            "/v1/webhook_endpoints",
            post(webhooks::create),
        ),
        (Method::GET, "/v1/webhook_endpoints", get(webhooks::list)),
        (
            Method::GET,
            "/v1/webhook_endpoints/{id}",
            get(webhooks::get),
        ),
        (
            Method::POST,
            "/v1/webhook_endpoints/{id}",
            post(webhooks::update),
        ),
        (
            Method::DELETE,
            "/v1/webhook_endpoints/{id}",
            delete(webhooks::delete),
        ),
        (
            Method::POST,
            "/v1/webhook_endpoints/{id}/rotate_secret",
            post(webhooks::rotate_secret),
        ),
        (
            Method::GET,
            "/v1/events/{id}/attempts",
            get(webhooks::list_attempts),
        ),
        (
            Method::POST,
            "/v1/events/{id}/redeliver",
            post(webhooks::redeliver),
        ),
        // Usage (issue 5).
        (Method::GET, "/v1/usage", get(usage::get)),
    ]
}

/// Operations outside `/v1` (unauthenticated).
pub const PUBLIC_ROUTES: &[(&str, &str)] = &[
    ("GET", "/health"),
    // Readiness and metrics (issue 5).
    ("GET", "/health/ready"),
    ("GET", "/metrics"),
];

/// Standard error for logs, ignoring write errors: a closed log pipe must
/// never fail (or panic) a request.
struct LogWriter(std::io::Stderr);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

/// The routes, with their middleware.
pub fn router(state: AppState) -> Router {
    let mut v1 = Router::new();
    for (_, path, handler) in api_routes() {
        v1 = v1.route(path, handler);
    }
    // Layers run bottom-up: authenticate, then test triggers, then limits.
    let v1 = v1
        .layer(from_fn_with_state(state.clone(), ratelimit::enforce))
        .layer(from_fn(faults::triggers))
        .layer(from_fn_with_state(state.clone(), auth::require_signature));
    Router::new()
        .route("/health", get(health))
        // Readiness and metrics (issue 5).
        .route("/health/ready", get(ready::ready))
        .route("/metrics", get(metrics::render))
        .merge(v1)
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), metrics::track_http))
        .with_state(state)
        .layer(from_fn(http::request_context))
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

async fn not_found() -> error::AppError {
    error::AppError::new(
        axum::http::StatusCode::NOT_FOUND,
        error::ErrorType::InvalidRequest,
        "route_unknown",
        "Unrecognized request URL.",
    )
}

/// The pluggable parts of the server (authentication and rate limiting).
pub struct Services {
    /// Request authentication.
    pub auth: Arc<dyn Authenticator>,
    /// Rate limiting.
    pub limiter: Arc<dyn RateLimiter>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services").finish_non_exhaustive()
    }
}

/// Opens the database, prints a sandbox key on an empty database, and serves
/// on `listener` until Ctrl-C.
pub async fn run(config: Config, listener: TcpListener) -> Result<(), ServerError> {
    init_tracing(config.log_format);
    let services = default_services(&config).await?;
    run_with(config, listener, services).await
}

/// The services the configuration asks for: the core's signature verifier
/// and GCRA, with nonces and limits in memory, or in Redis when `REDIS_URL`
/// is set (shared by every instance).
pub async fn default_services(config: &Config) -> Result<Services, ServerError> {
    let window = Duration::from_secs(config.signature_window_secs);
    match &config.redis_url {
        Some(url) => {
            let conn = redis_store::connect(url)
                .await
                .map_err(|e| ServerError::Config(format!("REDIS_URL: {e}")))?;
            Ok(Services {
                auth: Arc::new(signature::SignatureAuth::new(
                    window,
                    signature::Nonces::Redis(conn.clone()),
                )),
                limiter: Arc::new(limits::RedisLimiter::new(conn)),
            })
        }
        None => Ok(Services {
            auth: Arc::new(signature::SignatureAuth::new(
                window,
                signature::Nonces::Memory(paycore::signing::MemoryNonceStore::new(NONCE_CAPACITY)),
            )),
            limiter: Arc::new(limits::MemoryLimiter::default()),
        }),
    }
}

/// Most nonces the in-memory store holds (each lives until its signature
/// leaves the window: 2,000,000 covers ~3,000 requests/s with the default
/// +-300 s). Beyond it requests get 503 rather than a nonce being forgotten.
pub const NONCE_CAPACITY: usize = 2_000_000;

/// [`run`] with explicit services, and without installing a log subscriber
/// (embedders and tests choose their own).
pub async fn run_with(
    config: Config,
    listener: TcpListener,
    services: Services,
) -> Result<(), ServerError> {
    let db = db::connect(&config.database_url, config.db_max_connections).await?;
    if !config.no_bootstrap
        && let Some(key) = db::bootstrap(&db).await?
    {
        print_key("Created the sandbox merchant and its API key", &key);
    }
    let state = AppState {
        db,
        config: Arc::new(config),
        auth: services.auth,
        limiter: services.limiter,
        backoff: Arc::new(Backoff::default()),
        metrics: metrics::Metrics::new(),
    };
    let pruner = tokio::spawn(prune_loop(state.clone()));
    // Background tasks stop with this future, also when it is dropped
    // (tests abort their servers).
    let _pruner = AbortOnDrop(Some(pruner));
    let _checkpointer = AbortOnDrop(Some(tokio::spawn(db::checkpoint_loop(state.db.clone()))));
    let _webhook_worker = AbortOnDrop(webhooks::worker::spawn(state.clone())?);
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = ?state.db.backend, "paycore-server listening");
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    served.map_err(ServerError::from)
}

/// Aborts a background task when dropped.
#[derive(Debug)]
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(task) = &self.0 {
            task.abort();
        }
    }
}

async fn prune_loop(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        match idempotency::prune(&state).await {
            Ok(n) if n > 0 => tracing::info!(pruned = n, "expired idempotency keys deleted"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "pruning idempotency keys failed"),
        }
    }
}

fn print_key(title: &str, key: &CreatedKey) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{title} (the secret is shown only once):");
    let _ = writeln!(out, "  merchant:  {}", key.merchant_id);
    let _ = writeln!(out, "  key id:    {}", key.key_id);
    let _ = writeln!(out, "  algorithm: {}", key.alg.as_str());
    if let Some(secret) = &key.secret_b64 {
        let _ = writeln!(
            out,
            "  secret:    {secret}  (base64 of the HMAC-SHA256 key)"
        );
    }
    let _ = out.flush();
}

fn print_key_json(key: &CreatedKey) {
    use std::io::Write;
    let mut v = serde_json::json!({
        "merchant_id": key.merchant_id,
        "key_id": key.key_id,
        "algorithm": key.alg.as_str(),
    });
    if let Some(secret) = &key.secret_b64 {
        v["secret"] = serde_json::Value::String(secret.clone());
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{v}");
    let _ = out.flush();
}

/// Runs a subcommand (`keys create ...`).
pub async fn run_command(config: Config, command: Command) -> Result<(), ServerError> {
    match command {
        Command::Keys(KeysCommand::Create(args)) => {
            let db = db::connect(&config.database_url, 1).await?;
            let public_key = match &args.public_key {
                Some(b64) => Some(paycore::crypto::b64_decode(b64).ok_or_else(|| {
                    ServerError::Config("--public-key is not valid base64".into())
                })?),
                None => None,
            };
            let key = db::create_key(
                &db,
                &args.merchant,
                args.plan,
                !args.live,
                args.alg,
                public_key.as_deref(),
            )
            .await?;
            if args.json {
                print_key_json(&key);
            } else {
                print_key("Created an API key", &key);
            }
            Ok(())
        }
    }
}
