//! The client, its builder and the request loop (sign, send, ask the core,
//! sleep, repeat).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use paycore::Headers;
use paycore::ratelimit::{ClientPacer, Quota, RateLimitInfo, parse_retry_after};
use paycore::retry::{
    DoNotRetryReason, Failure, HttpFailure, IdempotencyKey, RetryBudget, RetryConfig,
    RetryDecision, RetryInput, TransportFailure, decide, unit_interval_from_bits,
};
use paycore::signing::{Request, SigningKey, sign_request};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind, Meta};
use crate::resources::{Events, Payments, Refunds, UsageResource, WebhookEndpoints};
use crate::transport::{ReqwestTransport, Transport, TransportErrorKind};

/// The default base URL: a reference server started with `cargo run -p paycore-server`.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
/// The default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default overall deadline of one call, retries included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// The signing secret of an API key. `Debug` prints no secret.
#[derive(Clone)]
#[non_exhaustive]
pub enum Secret {
    /// A shared HMAC-SHA256 secret (the raw bytes).
    Hmac(Vec<u8>),
    /// An ed25519 private key seed (32 bytes).
    Ed25519([u8; 32]),
}

impl Secret {
    /// An HMAC secret given in standard base64, as the server prints it.
    pub fn hmac_base64(b64: &str) -> Result<Self, Error> {
        paycore::crypto::b64_decode(b64.trim())
            .map(Secret::Hmac)
            .ok_or_else(|| Error::config("the HMAC secret is not valid base64"))
    }

    fn signing_key(&self) -> Result<SigningKey, Error> {
        match self {
            Secret::Hmac(s) => SigningKey::hmac(s),
            Secret::Ed25519(seed) => SigningKey::ed25519(seed),
        }
        .map_err(|e| Error::config(format!("invalid secret: {e}")))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Hmac(_) => f.write_str("Secret::Hmac(<redacted>)"),
            Secret::Ed25519(_) => f.write_str("Secret::Ed25519(<redacted>)"),
        }
    }
}

/// What happened in one attempt, passed to the hook set with
/// [`ClientBuilder::on_attempt`] (the same fields are emitted as a `tracing`
/// event on target `paycore_sdk`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptEvent<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The path (and query).
    pub path: &'a str,
    /// The 1-based attempt number.
    pub attempt: u32,
    /// The idempotency key sent, if any.
    pub idempotency_key: Option<&'a str>,
    /// The response status, if a response arrived.
    pub status: Option<u16>,
    /// The failure without a response (`connect_failed`, `failed_after_send`,
    /// `timeout`), if any.
    pub transport_error: Option<&'static str>,
    /// The attempt's latency.
    pub latency: Duration,
    /// The response's `Request-Id`.
    pub request_id: Option<&'a str>,
    /// `success`, `retry` or `do_not_retry`.
    pub decision: &'static str,
    /// Why not retried (the core's reason code), if so.
    pub reason: Option<&'static str>,
    /// The wait before the next attempt, if retrying.
    pub retry_after: Option<Duration>,
}

type Hook = Arc<dyn Fn(&AttemptEvent<'_>) + Send + Sync>;

/// Builds a [`Client`]. See [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    key_id: Option<String>,
    secret: Option<Secret>,
    base_url: String,
    timeout: Duration,
    deadline: Option<Duration>,
    retry: RetryConfig,
    user_agent: Option<String>,
    pacing: Option<Quota>,
    follow_rate_limit_headers: bool,
    hook: Option<Hook>,
    http: Option<reqwest::Client>,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("key_id", &self.key_id)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    fn new() -> Self {
        Self {
            key_id: None,
            secret: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            deadline: Some(DEFAULT_DEADLINE),
            retry: RetryConfig::standard(),
            user_agent: None,
            pacing: None,
            follow_rate_limit_headers: true,
            hook: None,
            http: None,
            transport: None,
        }
    }

    /// The API key id (required).
    #[must_use]
    pub fn key_id(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// The key's secret (required).
    #[must_use]
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secret = Some(secret);
        self
    }

    /// The API's base URL, e.g. `http://127.0.0.1:8080` (default).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The timeout of each attempt (default 30 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The overall deadline of a call, every attempt and wait included
    /// (default 60 s; `None` for none).
    #[must_use]
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The retry policy (default [`RetryConfig::standard`]: 3 attempts).
    #[must_use]
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` (default `paycore-sdk-rust/<version>`).
    #[must_use]
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Paces the client's own requests to `quota` (a client-side GCRA), so
    /// the server's limit is rarely hit.
    #[must_use]
    pub fn pacing(mut self, quota: Quota) -> Self {
        self.pacing = Some(quota);
        self
    }

    /// Whether a pacer set with [`pacing`](Self::pacing) also holds
    /// requests back when the server's rate-limit headers say the quota is
    /// spent (default true).
    #[must_use]
    pub fn follow_rate_limit_headers(mut self, follow: bool) -> Self {
        self.follow_rate_limit_headers = follow;
        self
    }

    /// Calls `hook` after every attempt.
    #[must_use]
    pub fn on_attempt(mut self, hook: impl Fn(&AttemptEvent<'_>) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Uses this `reqwest` client (its own timeouts should be longer than
    /// the SDK's).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sends every attempt through `transport` instead of reqwest (see
    /// [`Transport`]); takes precedence over
    /// [`http_client`](Self::http_client). The requests it gets carry the
    /// client's `User-Agent`.
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let key_id = self
            .key_id
            .ok_or_else(|| Error::config("key_id is required"))?;
        let secret = self
            .secret
            .ok_or_else(|| Error::config("secret is required"))?;
        let key = secret.signing_key()?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = paycore::signing::RequestUrl::parse(&base_url)
            .map_err(|_| Error::config("base_url must be an absolute http(s) URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::config("base_url must be an absolute http(s) URL"));
        }
        if parsed.query().is_some() {
            return Err(Error::config("base_url must not have a query"));
        }
        if self.timeout.is_zero() {
            return Err(Error::config("timeout must be positive"));
        }
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("paycore-sdk-rust/", env!("CARGO_PKG_VERSION")).to_owned());
        let user_agent = http::HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::config("user_agent must be visible ASCII"))?;
        let transport: Arc<dyn Transport> = match (self.transport, self.http) {
            (Some(t), _) => t,
            (None, Some(c)) => Arc::new(ReqwestTransport::new(c)),
            (None, None) => Arc::new(ReqwestTransport::with_defaults()?),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                budget: self.retry.new_budget(),
                transport,
                base_url,
                key_id,
                key,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                pacer: self.pacing.map(ClientPacer::new),
                follow_rate_limit_headers: self.follow_rate_limit_headers,
                epoch: Instant::now(),
                hook: self.hook,
                user_agent,
            }),
        })
    }
}

struct Inner {
    transport: Arc<dyn Transport>,
    base_url: String,
    key_id: String,
    key: SigningKey,
    timeout: Duration,
    deadline: Option<Duration>,
    retry: RetryConfig,
    budget: RetryBudget,
    pacer: Option<ClientPacer>,
    follow_rate_limit_headers: bool,
    epoch: Instant,
    hook: Option<Hook>,
    /// Sent on every request.
    user_agent: http::HeaderValue,
}

/// The API client. Cheap to clone (an `Arc`); share one per key: the retry
/// budget and the pacer are client-wide.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("key_id", &self.inner.key_id)
            .field("key", &self.inner.key)
            .field("timeout", &self.inner.timeout)
            .field("deadline", &self.inner.deadline)
            .field("retry", &self.inner.retry)
            .field("budget_available", &self.inner.budget.available())
            .field("user_agent", &self.inner.user_agent)
            .finish_non_exhaustive()
    }
}

/// How a call picks its idempotency key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum IdemChoice {
    /// A random key for every POST, minted once per call.
    #[default]
    Auto,
    /// The caller's key.
    Key(String),
    /// No key (the server refuses POSTs without one; for tests of the
    /// outcome-unknown path against other servers).
    Disabled,
}

/// Per-call options: idempotency key, deadline, extra headers.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    idempotency: IdemChoice,
    deadline: Option<Option<Duration>>,
    timeout: Option<Duration>,
    headers: Vec<(String, String, u32)>,
}

impl RequestOptions {
    /// The defaults: a fresh idempotency key for a POST, the client's
    /// deadline and timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `key` as the idempotency key (1-255 visible ASCII characters).
    /// Use it to retry a call whose outcome is unknown.
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency = IdemChoice::Key(key.into());
        self
    }

    /// Sends no idempotency key, so a failure after sending cannot be
    /// retried (`outcome_unknown`). The reference server refuses POSTs
    /// without one.
    #[must_use]
    pub fn without_idempotency_key(mut self) -> Self {
        self.idempotency = IdemChoice::Disabled;
        self
    }

    /// Overrides the client's overall deadline for this call.
    #[must_use]
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Overrides the client's per-attempt timeout for this call.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends an extra header on every attempt.
    #[must_use]
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.header_for_attempts(name, value, u32::MAX)
    }

    /// Sends an extra header on the first `attempts` attempts only (for the
    /// reference server's test fault triggers: a 500 on the first attempt,
    /// then a normal retry).
    #[must_use]
    pub fn header_for_attempts(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
        attempts: u32,
    ) -> Self {
        self.headers.push((name.into(), value.into(), attempts));
        self
    }
}

/// A successful response: the object and the call's metadata. Derefs to
/// the object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The object.
    pub value: T,
    /// The `Request-Id` of the response.
    pub request_id: Option<String>,
    /// The number of attempts made.
    pub attempts: u32,
    /// The idempotency key sent, if any.
    pub idempotency_key: Option<String>,
    /// Whether the server replayed a stored response (`Idempotent-Replayed: true`).
    pub replayed: bool,
    /// The HTTP status.
    pub http_status: u16,
}

impl<T> Response<T> {
    /// The object.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn header_str(headers: &http::HeaderMap, name: http::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The error envelope.
#[derive(Debug, Default, serde::Deserialize)]
struct Envelope {
    error: Option<EnvelopeError>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct EnvelopeError {
    #[serde(rename = "type")]
    kind: Option<String>,
    code: Option<String>,
    decline_code: Option<String>,
    message: Option<String>,
    param: Option<String>,
    payment_id: Option<String>,
}

/// What one attempt produced.
enum Outcome {
    Response {
        status: u16,
        headers: http::HeaderMap,
        body: Bytes,
    },
    Transport {
        failure: TransportFailure,
        message: String,
        /// The overall deadline passed during the attempt.
        deadline: bool,
    },
}

impl Client {
    /// A builder.
    ///
    /// ```
    /// use paycore_sdk::{Client, RetryConfig, Secret};
    /// use std::time::Duration;
    ///
    /// let client = Client::builder()
    ///     .key_id("key_123")
    ///     .secret(Secret::Hmac(b"0123456789abcdef0123456789abcdef".to_vec()))
    ///     .base_url("http://127.0.0.1:8080")
    ///     .timeout(Duration::from_secs(10))
    ///     .retry(RetryConfig::standard().with_max_attempts(3))
    ///     .build()?;
    /// assert!(!format!("{client:?}").contains("0123456789abcdef"));
    /// # Ok::<(), paycore_sdk::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Payments.
    pub fn payments(&self) -> Payments<'_> {
        Payments::new(self)
    }

    /// Refunds.
    pub fn refunds(&self) -> Refunds<'_> {
        Refunds::new(self)
    }

    /// Events, their delivery attempts and redelivery.
    pub fn events(&self) -> Events<'_> {
        Events::new(self)
    }

    /// Webhook endpoints.
    pub fn webhook_endpoints(&self) -> WebhookEndpoints<'_> {
        WebhookEndpoints::new(self)
    }

    /// The month's usage.
    pub fn usage(&self) -> UsageResource<'_> {
        UsageResource::new(self)
    }

    /// The tokens left in the client-wide retry budget.
    pub fn retry_budget_available(&self) -> u32 {
        self.inner.budget.available()
    }

    /// The retry policy.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// Sends a POST with a JSON body.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        opts: &RequestOptions,
    ) -> Result<Response<T>, Error> {
        // Most bodies fit without growing the buffer.
        let mut buf = Vec::with_capacity(2048);
        serde_json::to_writer(&mut buf, body)
            .map_err(|e| Error::config(format!("request body: {e}")))?;
        self.execute("POST", path, Some(buf), opts).await
    }

    /// Sends a GET.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        opts: &RequestOptions,
    ) -> Result<Response<T>, Error> {
        self.execute("GET", path, None, opts).await
    }

    /// Sends one call: signs each attempt, retries as the core decides.
    /// `path` includes the query.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        opts: &RequestOptions,
    ) -> Result<Response<T>, Error> {
        let inner = &*self.inner;
        let start = Instant::now();
        let deadline = opts.deadline.unwrap_or(inner.deadline).map(|d| {
            start
                .checked_add(d)
                .unwrap_or(start + Duration::from_secs(86_400 * 365))
        });
        let timeout = opts.timeout.unwrap_or(inner.timeout);
        let idempotency_key = match (&opts.idempotency, method) {
            (IdemChoice::Disabled, _) => None,
            (IdemChoice::Key(k), _) => Some(
                IdempotencyKey::new(k.clone())
                    .map_err(|e| Error::config(format!("idempotency key: {e}")))?
                    .into_string(),
            ),
            (IdemChoice::Auto, "POST") => {
                Some(IdempotencyKey::from_random(rand::random::<[u8; 16]>()).into_string())
            }
            (IdemChoice::Auto, _) => None,
        };
        let mut url = String::with_capacity(inner.base_url.len() + path.len());
        url.push_str(&inner.base_url);
        url.push_str(path);
        let uri: http::Uri = url
            .parse()
            .map_err(|_| Error::config(format!("invalid request URL {url:?}")))?;
        let method_parsed = http::Method::from_bytes(method.as_bytes())
            .map_err(|_| Error::config("invalid HTTP method"))?;
        let body = Bytes::from(body.unwrap_or_default());
        // What an error reports of the call; built only when one is returned.
        let meta = |attempts: u32,
                    request_id: Option<String>,
                    status: Option<u16>,
                    retry_reason: Option<DoNotRetryReason>| Meta {
            request_id,
            attempts,
            idempotency_key: idempotency_key.clone(),
            status,
            retry_reason,
        };
        // The latest request id and failure status seen.
        let mut last_request_id: Option<String> = None;
        let mut last_status: Option<u16> = None;
        let mut last_tokens: Option<u32> = None;
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            // Pacing (client-side GCRA), inside the deadline.
            if let Some(pacer) = &inner.pacer {
                let wait = pacer.reserve(inner.epoch.elapsed());
                if !wait.is_zero() {
                    if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                        let meta = meta(
                            attempt.saturating_sub(1),
                            last_request_id,
                            last_status,
                            None,
                        );
                        return Err(Error::new(ErrorKind::Timeout { maybe_sent: false }, meta));
                    }
                    tokio::time::sleep(wait).await;
                }
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|l| l.is_zero()) {
                let meta = meta(
                    attempt.saturating_sub(1),
                    last_request_id,
                    last_status,
                    None,
                );
                let maybe_sent = meta.attempts > 0;
                return Err(Error::new(ErrorKind::Timeout { maybe_sent }, meta));
            }
            let (attempt_timeout, deadline_bound) = match left {
                Some(l) if l <= timeout => (l, true),
                _ => (timeout, false),
            };
            let req = self.build_request(
                &method_parsed,
                (&url, &uri),
                &body,
                idempotency_key.as_deref(),
                opts,
                attempt,
            )?;
            let t0 = Instant::now();
            let outcome = send(&*inner.transport, req, attempt_timeout, deadline_bound).await;
            let latency = t0.elapsed();
            let (failure_status, headers, body_bytes, transport) = match outcome {
                Outcome::Response {
                    status,
                    headers,
                    body,
                } => (Some(status), Some(headers), body, None),
                Outcome::Transport {
                    failure,
                    message,
                    deadline,
                } => (None, None, Bytes::new(), Some((failure, message, deadline))),
            };
            let request_id = headers
                .as_ref()
                .and_then(|h| header_str(h, REQUEST_ID))
                .map(str::to_owned);
            if let (Some(h), Some(pacer), true) =
                (&headers, &inner.pacer, inner.follow_rate_limit_headers)
            {
                if let Some(w) = RateLimitInfo::from_headers(h, now_unix()).wait_before_next() {
                    pacer.block_until(inner.epoch.elapsed().saturating_add(w));
                }
            }
            // Success.
            if let (Some(status), Some(h)) = (failure_status, &headers) {
                if (200..300).contains(&status) {
                    inner.budget.record_success(last_tokens);
                    self.emit(&AttemptEvent {
                        method,
                        path,
                        attempt,
                        idempotency_key: idempotency_key.as_deref(),
                        status: Some(status),
                        transport_error: None,
                        latency,
                        request_id: request_id.as_deref(),
                        decision: "success",
                        reason: None,
                        retry_after: None,
                    });
                    let data = match serde_json::from_slice(&body_bytes) {
                        Ok(data) => data,
                        Err(e) => {
                            let kind = ErrorKind::Decode {
                                message: e.to_string(),
                            };
                            let meta =
                                meta(attempt, request_id.or(last_request_id), Some(status), None);
                            return Err(Error::new(kind, meta));
                        }
                    };
                    return Ok(Response {
                        value: data,
                        request_id,
                        attempts: attempt,
                        idempotency_key,
                        replayed: header_str(h, IDEMPOTENT_REPLAYED) == Some("true"),
                        http_status: status,
                    });
                }
            }
            let now = now_unix();
            // A failure: the deadline stops everything at once.
            if let Some((_, _, true)) = &transport {
                self.emit(&AttemptEvent {
                    method,
                    path,
                    attempt,
                    idempotency_key: idempotency_key.as_deref(),
                    status: None,
                    transport_error: Some("timeout"),
                    latency,
                    request_id: None,
                    decision: "do_not_retry",
                    reason: Some(DoNotRetryReason::Deadline.code()),
                    retry_after: None,
                });
                let meta = meta(
                    attempt,
                    request_id.or(last_request_id),
                    last_status,
                    Some(DoNotRetryReason::Deadline),
                );
                return Err(Error::new(ErrorKind::Timeout { maybe_sent: true }, meta));
            }
            let envelope: EnvelopeError = if transport.is_none() {
                serde_json::from_slice::<Envelope>(&body_bytes)
                    .ok()
                    .and_then(|e| e.error)
                    .unwrap_or_default()
            } else {
                EnvelopeError::default()
            };
            let failure: Failure<'_> = match (&transport, failure_status) {
                (Some((t, _, _)), _) => Failure::Transport(*t),
                (None, status) => Failure::Http(HttpFailure::from_parts(
                    status.unwrap_or(0),
                    envelope.kind.as_deref(),
                    envelope.code.as_deref(),
                    envelope.decline_code.as_deref(),
                )),
            };
            let empty = http::HeaderMap::new();
            let decision = {
                let hdrs: &dyn Headers = headers.as_ref().unwrap_or(&empty);
                let left_now = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                let input = RetryInput::new(failure)
                    .headers(hdrs)
                    .attempt(attempt)
                    .time_left_opt(left_now)
                    .idempotency_key(idempotency_key.is_some())
                    .method(method)
                    .budget(&inner.budget)
                    .random(unit_interval_from_bits(rand::random::<u64>()))
                    .now(now);
                decide(&inner.retry, &input)
            };
            self.emit(&AttemptEvent {
                method,
                path,
                attempt,
                idempotency_key: idempotency_key.as_deref(),
                status: failure_status,
                transport_error: transport.as_ref().map(|(t, _, _)| t.code()),
                latency,
                request_id: request_id.as_deref(),
                decision: decision.code(),
                reason: decision.reason().map(|r| r.code()),
                retry_after: decision.delay(),
            });
            match decision {
                RetryDecision::Retry { after, tokens, .. } => {
                    last_tokens = Some(tokens);
                    if request_id.is_some() {
                        last_request_id = request_id;
                    }
                    last_status = failure_status.or(last_status);
                    if !after.is_zero() {
                        tokio::time::sleep(after).await;
                    }
                }
                RetryDecision::DoNotRetry { reason } => {
                    let meta = meta(
                        attempt,
                        request_id.or(last_request_id),
                        failure_status.or(last_status),
                        Some(reason),
                    );
                    let kind = match transport {
                        Some((t, message, _)) => {
                            transport_error_kind(t, message, reason, method, &idempotency_key)
                        }
                        None => http_error_kind(
                            failure_status.unwrap_or(0),
                            envelope,
                            headers.as_ref().unwrap_or(&empty),
                            now,
                        ),
                    };
                    return Err(Error::new(kind, meta));
                }
            }
        }
    }

    fn build_request(
        &self,
        method: &http::Method,
        (url, uri): (&str, &http::Uri),
        body: &Bytes,
        idempotency_key: Option<&str>,
        opts: &RequestOptions,
        attempt: u32,
    ) -> Result<http::Request<Bytes>, Error> {
        let inner = &*self.inner;
        let mut headers = http::HeaderMap::with_capacity(8 + opts.headers.len());
        if !body.is_empty() {
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
        }
        if let Some(k) = idempotency_key {
            headers.insert(IDEMPOTENCY_KEY, header_value(k)?);
        }
        for (n, v, upto) in &opts.headers {
            if attempt <= *upto {
                let name = http::HeaderName::from_bytes(n.as_bytes())
                    .map_err(|_| Error::config(format!("invalid header name {n:?}")))?;
                headers.append(name, header_value(v)?);
            }
        }
        // Signed over the headers as they will be sent.
        let nonce: [u8; 16] = rand::random();
        let signed = sign_request(
            &Request::new(method.as_str(), url, &headers, body),
            &inner.key_id,
            &inner.key,
            now_unix(),
            &nonce,
        )
        .map_err(|e| Error::config(format!("signing failed ({}): {e}", e.code())))?;
        if let Some(d) = signed.content_digest() {
            headers.insert(CONTENT_DIGEST, header_value(d)?);
        }
        headers.insert(SIGNATURE_INPUT, header_value(signed.signature_input())?);
        headers.insert(SIGNATURE, header_value(signed.signature())?);
        headers.insert(http::header::USER_AGENT, inner.user_agent.clone());
        let mut req = http::Request::new(body.clone());
        *req.method_mut() = method.clone();
        *req.uri_mut() = uri.clone();
        *req.headers_mut() = headers;
        Ok(req)
    }

    fn emit(&self, ev: &AttemptEvent<'_>) {
        tracing::debug!(
            target: "paycore_sdk",
            method = ev.method,
            path = ev.path,
            attempt = ev.attempt,
            idempotency_key = ev.idempotency_key,
            status = ev.status,
            transport_error = ev.transport_error,
            latency_us = u64::try_from(ev.latency.as_micros()).unwrap_or(u64::MAX),
            request_id = ev.request_id,
            decision = ev.decision,
            reason = ev.reason,
            retry_after_ms = ev.retry_after.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            "paycore request attempt"
        );
        if let Some(hook) = &self.inner.hook {
            hook(ev);
        }
    }
}

async fn send(
    transport: &dyn Transport,
    req: http::Request<Bytes>,
    timeout: Duration,
    deadline_bound: bool,
) -> Outcome {
    match tokio::time::timeout(timeout, transport.send(req)).await {
        Ok(Ok(resp)) => {
            let (parts, body) = resp.into_parts();
            Outcome::Response {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            }
        }
        Ok(Err(e)) => Outcome::Transport {
            failure: match e.kind() {
                TransportErrorKind::Connect => TransportFailure::ConnectFailed,
                TransportErrorKind::AfterSend => TransportFailure::FailedAfterSend,
            },
            message: e.message().to_owned(),
            deadline: false,
        },
        Err(_) => Outcome::Transport {
            failure: TransportFailure::FailedAfterSend,
            message: format!("no complete response within {} ms", timeout.as_millis()),
            deadline: deadline_bound,
        },
    }
}

/// A header value the SDK sends (visible ASCII; anything else is the
/// caller's configuration error).
fn header_value(v: &str) -> Result<http::HeaderValue, Error> {
    http::HeaderValue::from_str(v).map_err(|_| Error::config("invalid header value"))
}

const IDEMPOTENCY_KEY: http::HeaderName = http::HeaderName::from_static("idempotency-key");
const CONTENT_DIGEST: http::HeaderName = http::HeaderName::from_static("content-digest");
const SIGNATURE_INPUT: http::HeaderName = http::HeaderName::from_static("signature-input");
const SIGNATURE: http::HeaderName = http::HeaderName::from_static("signature");
const REQUEST_ID: http::HeaderName = http::HeaderName::from_static("request-id");
const IDEMPOTENT_REPLAYED: http::HeaderName = http::HeaderName::from_static("idempotent-replayed");

fn transport_error_kind(
    t: TransportFailure,
    message: String,
    reason: DoNotRetryReason,
    method: &str,
    idempotency_key: &Option<String>,
) -> ErrorKind {
    let maybe_sent = !matches!(t, TransportFailure::ConnectFailed);
    if reason == DoNotRetryReason::Deadline {
        return ErrorKind::Timeout { maybe_sent };
    }
    if maybe_sent && !paycore::retry::is_idempotent_method(method) {
        return ErrorKind::OutcomeUnknown {
            idempotency_key: idempotency_key.clone(),
        };
    }
    ErrorKind::Connection {
        maybe_sent,
        message,
    }
}

fn http_error_kind(
    status: u16,
    env: EnvelopeError,
    headers: &http::HeaderMap,
    now: i64,
) -> ErrorKind {
    let code = env.code.unwrap_or_else(|| "unknown".to_owned());
    let message = env.message.unwrap_or_default();
    let kind = env.kind.as_deref();
    if status == 402 || kind == Some("card_error") {
        let action = HttpFailure::from_parts(
            status,
            Some("card_error"),
            Some(&code),
            env.decline_code.as_deref(),
        )
        .decline_action();
        return ErrorKind::Card {
            code,
            decline_code: env.decline_code,
            action,
            payment_id: env.payment_id,
            message,
        };
    }
    match status {
        401 => ErrorKind::Authentication { code, message },
        403 => ErrorKind::Permission { code, message },
        404 => ErrorKind::NotFound {
            code,
            param: env.param,
            message,
        },
        409 => ErrorKind::Conflict { code, message },
        422 if code == "idempotency_key_mismatch" => ErrorKind::IdempotencyMismatch { message },
        429 => ErrorKind::RateLimited {
            retry_after: header_str(headers, http::header::RETRY_AFTER)
                .and_then(|v| parse_retry_after(v, now)),
            code,
            message,
        },
        400..=499 => ErrorKind::InvalidRequest {
            code,
            param: env.param,
            message,
        },
        _ => ErrorKind::Api {
            status,
            code,
            message,
        },
    }
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved
/// characters other than `.`, so `..` cannot climb the path).
pub(crate) fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    fn build(base_url: &str) -> Result<Client, Error> {
        Client::builder()
            .key_id("key_1")
            .secret(Secret::Hmac(b"0123456789abcdef".to_vec()))
            .base_url(base_url)
            .build()
    }

    #[test]
    fn base_url_must_be_http_or_https() {
        assert!(build("http://127.0.0.1:8080").is_ok());
        assert!(build("HTTPS://api.example.com/").is_ok());
        for bad in [
            "ftp://example.com",
            "file:///etc",
            "example.com",
            "http://h/?q=1",
        ] {
            let e = build(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad} was accepted"));
            assert_eq!(e.code(), "invalid_configuration", "{bad}");
        }
    }
}
