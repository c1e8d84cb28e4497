//! `paycore._native`: the native half of the Python package `paycore`.
//!
//! Thin by rule: this crate converts Python values to paycore's types and
//! back, maps paycore's errors to the Python exceptions of `paycore._errors`,
//! and reads the clock or the random source where the core takes them as
//! arguments. Every decision is the core's.
//!
//! Layout (one Rust module per concern, each registering its names on the
//! one native module; the HTTP client of `paycore-sdk` joins as `client`):
//!
//! * `webhook`: `Webhook`.
//! * `signing`: `SigningKey`, `VerificationKey`, `NonceStore`, `sign`,
//!   `verify`.
//! * `retry` and `ratelimit`: the decision helpers.
//! * `client` and `models`: `Client` / `AsyncClient` over the Rust SDK
//!   (`paycore-sdk`) and the classes of the API's objects.

use pyo3::prelude::*;

mod client;
mod convert;
mod errors;
mod models;
mod ratelimit;
mod retry;
mod signing;
mod webhook;

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    webhook::register(m)?;
    signing::register(m)?;
    retry::register(m)?;
    ratelimit::register(m)?;
    models::register(m)?;
    client::register(m)?;
    Ok(())
}
