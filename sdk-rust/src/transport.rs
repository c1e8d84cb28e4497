//! The HTTP transport: what sends one attempt's request and reads its whole
//! response. The default is [`ReqwestTransport`] (reqwest over rustls);
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport) takes any
//! other (a company's own HTTP stack, a recording proxy for tests, an
//! in-process fake). The client keeps everything else: signing, the
//! idempotency key, the per-attempt timeout and the overall deadline (it
//! drops the transport's future when they pass), the retry decisions.

use std::fmt;

use bytes::Bytes;
use futures_util::future::BoxFuture;

/// Whether a failed attempt may have reached the server: the retry decision
/// (and `outcome_unknown`) depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was made: the request was certainly not sent.
    Connect,
    /// The request may have been sent (the connection broke, the response
    /// was cut short or could not be read).
    AfterSend,
}

/// An attempt that produced no complete response.
#[derive(Debug, Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
}

impl TransportError {
    /// A failure of `kind`, described by `message` (no secret in it).
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Whether the request may have been sent.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Sends one request and reads its whole response (any status is a
/// response; only a missing or incomplete one is an error). The request is
/// signed and complete: a transport must send its method, URI, headers and
/// body unchanged, or the server refuses the signature.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`; the client applies its timeout by dropping the future.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>>;
}

/// The default transport: a `reqwest::Client` (connection pooling, HTTP/2,
/// rustls with ring).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Sends with `client` (its own timeouts should be longer than the
    /// SDK's).
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }

    /// The client's default: a new `reqwest::Client` with rustls over ring
    /// (installed as the process's default provider unless one already is).
    pub fn with_defaults() -> Result<Self, crate::Error> {
        // Already installed (by us or the application) is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .build()
            .map_err(|e| crate::Error::config(format!("HTTP client: {e}")))?;
        Ok(Self::new(client))
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)
                .map_err(|e| TransportError::new(TransportErrorKind::Connect, error_chain(&e)))?;
            let resp = self.client.execute(request).await.map_err(|e| {
                let kind = if e.is_connect() {
                    TransportErrorKind::Connect
                } else {
                    TransportErrorKind::AfterSend
                };
                TransportError::new(kind, error_chain(&e))
            })?;
            let mut out = http::Response::new(Bytes::new());
            *out.status_mut() = resp.status();
            *out.version_mut() = resp.version();
            let mut resp = resp;
            *out.headers_mut() = std::mem::take(resp.headers_mut());
            let body = resp.bytes().await.map_err(|e| {
                TransportError::new(
                    TransportErrorKind::AfterSend,
                    format!("reading the body: {}", error_chain(&e)),
                )
            })?;
            *out.body_mut() = body;
            Ok(out)
        })
    }
}

/// An error and its sources, joined by `: `.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}
