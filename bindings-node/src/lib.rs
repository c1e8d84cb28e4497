//! Node.js bindings for paycore (napi-rs).
//!
//! This crate converts types and maps errors; every decision is paycore's.
//! The thin JavaScript layer in `lib/` turns the native errors into the
//! exported error classes: a native error's `code` is `<concern>/<code>/<reason>`
//! (`webhook/missing_header/missing_header:webhook-id`), where `code` and
//! `reason` are paycore's stable strings and `concern` selects the class.
//!
//! The HTTP client ([`client`]) wraps `paycore_sdk::Client`: its async
//! methods resolve to outcome objects (`value` + response metadata, or the
//! SDK error's kind and fields), which `lib/client.js` unwraps or throws as
//! the error class of the kind; [`models`] holds the plain-object types.
//!
//! Hot path: `NativeWebhook::verify` borrows the body (a `Buffer` or
//! `Uint8Array`, never copied) and receives only the headers the scheme reads
//! ([`paycore::webhook::Scheme::header_names`]), as a flat `[name, value, ...]`
//! array.

use napi::bindgen_prelude::*;
use napi_derive::napi;

pub mod client;
pub mod limiter;
pub mod models;
pub mod retry;
pub mod signing;
pub mod webhook;

/// A native error for the JS layer: `code` = `<concern>/<code>/<reason>`,
/// message = paycore's `Display` (which never contains a secret).
pub(crate) fn native_error(
    concern: &str,
    code: &str,
    reason: &str,
    message: impl ToString,
) -> Error<String> {
    Error::new(format!("{concern}/{code}/{reason}"), message)
}

/// A bad argument that TypeScript types could not catch (a wrong string
/// value): thrown as a `TypeError`-like `InvalidArg` with this message.
pub(crate) fn invalid_arg(message: impl ToString) -> Error<String> {
    native_error("arg", "invalid_argument", "invalid_argument", message)
}

/// `[name, value, name, value, ...]` as pairs; a trailing odd name is ignored.
pub(crate) fn flat_pairs(flat: &[String]) -> Vec<(&str, &str)> {
    flat.chunks_exact(2)
        .filter_map(|c| match c {
            [n, v] => Some((n.as_str(), v.as_str())),
            _ => None,
        })
        .collect()
}

/// The version of the native addon (the Cargo package version).
#[napi]
pub fn native_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
