//! # paycore-sdk
//!
//! The Rust client of the paycore payment API. Every request is signed with
//! the core's RFC 9421 profile; every POST carries an idempotency key minted
//! once per call and reused on every attempt; failures are retried only as
//! [`paycore::retry::decide`] says, inside one overall deadline, with a
//! client-wide retry budget, `Retry-After`, `Should-Retry` and the rate-limit
//! headers. The SDK sleeps, reads the clocks and draws the random numbers;
//! the core decides.
//!
//! ```no_run
//! use paycore_sdk::{Client, CreatePayment, ErrorKind, RetryConfig, Secret};
//!
//! # async fn run() -> Result<(), paycore_sdk::Error> {
//! let client = Client::builder()
//!     .key_id("key_...")
//!     .secret(Secret::hmac_base64("c2VjcmV0...")?)
//!     .base_url("http://127.0.0.1:8080")
//!     .retry(RetryConfig::standard().with_max_attempts(3))
//!     .build()?;
//!
//! match client.payments().create(&CreatePayment::new(1000, "usd", "4000000000009995")).await {
//!     Ok(p) => println!("{} {:?} (request {:?})", p.id, p.status, p.request_id),
//!     Err(e) => match e.kind() {
//!         ErrorKind::Card { decline_code, action, .. } => {
//!             println!("declined: {decline_code:?}, next: {action:?}")
//!         }
//!         _ => return Err(e),
//!     },
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Errors: one [`Error`] type with an [`ErrorKind`] (each with a stable
//! `code()`), the request id, the number of attempts, the idempotency key and
//! the [`Stage`] the request reached. Successes come as [`Response<T>`],
//! which derefs to the object and carries the `Request-Id`.
//!
//! Observability: a `tracing` event (target `paycore_sdk`, level DEBUG) per
//! attempt, and an optional hook ([`ClientBuilder::on_attempt`]).
//!

mod client;
mod error;
pub mod models;
mod resources;
pub mod transport;
pub mod webhooks;

pub use client::{
    AttemptEvent, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_DEADLINE, DEFAULT_TIMEOUT,
    RequestOptions, Response, Secret,
};
pub use error::{ERROR_CODES, Error, ErrorDetails, ErrorKind, Stage};
pub use models::{
    AttemptResult, CancelPayment, CancellationReason, CaptureMethod, CapturePayment, CreatePayment,
    CreateRefund, CreateWebhookEndpoint, Deleted, DisabledReason, EndpointStatus, Event,
    EventObject, List, ListParams, Payment, PaymentStatus, Redeliver, Redelivery, Refund,
    RefundReason, RotateSecret, SignatureAlgorithm, UpdateWebhookEndpoint, Usage, UsageThreshold,
    WebhookAttempt, WebhookEndpoint,
};
pub use paycore::ratelimit::Quota;
pub use paycore::retry::{DoNotRetryReason, RetryConfig, UserAction};
pub use resources::{Events, Payments, Refunds, UsageResource, WebhookEndpoints};
pub use transport::{ReqwestTransport, Transport, TransportError, TransportErrorKind};
