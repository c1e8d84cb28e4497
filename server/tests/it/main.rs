//! Integration tests: the real server over HTTP, on SQLite files in temp dirs
//! and on a throwaway Postgres.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests panic on unexpected failures"
)]
#![allow(unreachable_pub, reason = "test modules")]

mod harness;
mod pg;

mod auth;
mod cli;
mod errors;
mod idempotency;
mod metrics;
mod multi;
mod openapi;
mod payments;
mod ready;
mod redis;
mod refunds;
mod tenancy;
mod usage;
mod webhook_crash;
mod webhooks;
