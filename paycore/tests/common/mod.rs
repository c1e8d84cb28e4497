//! The one loader for the shared conformance vectors in `vectors/`.
//!
//! Each `tests/vectors_*.rs` binary runs with `harness = false` and turns every
//! vector into its own libtest trial, so a failure names the vector id:
//!
//! ```ignore
//! mod common;
//! fn main() {
//!     let file = common::load("standard_webhooks_vectors.json");
//!     let trials = common::trials(&file["vectors"], |v| run_one(v));
//!     common::run(trials);
//! }
//! ```
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

pub use libtest_mimic::{Failed, Trial};
pub use serde_json::Value;

/// The `vectors/` directory at the repository root.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

/// Parses `vectors/<name>`.
pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// One trial per element of `cases` (a JSON array of objects with an `id`),
/// named `<prefix>::<id>`. `check` returns `Err(message)` on failure.
pub fn trials<F>(prefix: &str, cases: &Value, check: F) -> Vec<Trial>
where
    F: Fn(&Value) -> Result<(), String> + Send + Sync + Clone + 'static,
{
    let cases = cases
        .as_array()
        .unwrap_or_else(|| panic!("{prefix}: the cases are not an array"));
    assert!(!cases.is_empty(), "{prefix}: no cases");
    cases
        .iter()
        .map(|case| {
            let id = case["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{prefix}: a case has no string id: {case}"))
                .to_string();
            let case = case.clone();
            let check = check.clone();
            Trial::test(format!("{prefix}::{id}"), move || {
                check(&case).map_err(|m| Failed::from(format!("{id}: {m}")))
            })
        })
        .collect()
}

/// Runs the trials with libtest's command-line arguments and exits.
pub fn run(trials: Vec<Trial>) -> ! {
    let args = libtest_mimic::Arguments::from_args();
    libtest_mimic::run(&args, trials).exit()
}

/// A string field, or an error naming it.
pub fn str_field<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    v[key]
        .as_str()
        .ok_or_else(|| format!("field `{key}` is missing or not a string"))
}

/// The body bytes of a case: `payload_b64` (base64) if present, else `payload`
/// (UTF-8), else empty.
pub fn body_bytes(v: &Value) -> Vec<u8> {
    use base64::Engine as _;
    if let Some(b) = v["payload_b64"].as_str() {
        return base64::engine::general_purpose::STANDARD
            .decode(b)
            .expect("payload_b64 is base64");
    }
    v["payload"].as_str().unwrap_or("").as_bytes().to_vec()
}

/// A JSON object of string values as header pairs, in order.
pub fn header_pairs(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}
