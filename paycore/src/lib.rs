//! # paycore
//!
//! paycore contains no networking code, reads no clock and draws no random
//! numbers of its own. It is the pure logic of a payment-API integration: the
//! caller owns the sockets, the clock and the random source, and passes `now`
//! and random bytes in as arguments. Every function here is therefore
//! deterministic, which is what lets the conformance vectors in `vectors/`
//! pin its behaviour byte for byte in every language that binds it.
//!
//! It does four things:
//!
//! * [`signing`]: sign outgoing API requests and verify them on the server with
//!   an RFC 9421 (HTTP Message Signatures) profile, with RFC 9530
//!   `Content-Digest` ([`digest`]).
//! * [`webhook`]: verify (and sign) webhook deliveries: Standard Webhooks (and
//!   its Svix-branded headers), Stripe, GitHub, Shopify and Razorpay.
//! * [`retry`]: decide, for every failure, whether to retry, when, and under
//!   which idempotency key, so that a retry never charges twice.
//! * [`ratelimit`]: read every common rate-limit header format, pace a client,
//!   and (server side) enforce limits with GCRA and render the headers.
//!
//! Applying the results to a real request or response is the caller's job:
//! `paycore-sdk` (Rust), the Python, Node and mobile bindings, and
//! `paycore-server` do exactly that.
//!
//! ## Conventions
//!
//! * Time is passed in: wall-clock instants as Unix seconds (`i64`), spans as
//!   [`core::time::Duration`].
//! * Each concern has its own error type. Every error enum is
//!   `#[non_exhaustive]`, `Clone + PartialEq`, and has a stable `code()`
//!   string: those codes are what the bindings expose.
//! * Secrets are redacted in `Debug` and never appear in error messages.
//! * Headers are read through the [`Headers`] trait: names match ASCII
//!   case-insensitively.

pub mod crypto;
pub mod digest;
pub mod headers;
pub mod ratelimit;
pub mod retry;
pub mod signing;
pub mod webhook;

pub use headers::Headers;

pub use crypto::{Ed25519PrivateKey, Ed25519PublicKey, HmacSha256Key, KeyError, SecretBytes};
pub use ratelimit::{ClientPacer, MemoryStore, Quota, RateLimitInfo, RateLimitStore};
pub use retry::{
    Failure, HttpFailure, IdempotencyKey, RetryBudget, RetryConfig, RetryDecision, RetryInput,
    TransportFailure, decide,
};
pub use signing::{
    MemoryNonceStore, NonceStore, Request, SigningKey, VerificationKey, VerifyPolicy, sign_request,
    verify_request, verify_signature,
};
pub use webhook::{Scheme, Verified, WebhookError, WebhookSigner, WebhookVerifier};
