//! Runnable merchant integrations with `paycore-sdk` against the reference
//! server; each binary in `src/bin/` says how to run it. This library holds
//! the one helper they share: a client from the environment.

use paycore_sdk::{Client, Error, Secret};

/// A client from `PAYCORE_KEY_ID`, `PAYCORE_SECRET` (the base64 HMAC secret
/// the server prints at first start or with `paycore-server keys create`)
/// and `PAYCORE_BASE_URL` (default `http://127.0.0.1:8080`).
pub fn client_from_env() -> Result<Client, Error> {
    let key_id = std::env::var("PAYCORE_KEY_ID").unwrap_or_default();
    let secret = std::env::var("PAYCORE_SECRET").unwrap_or_default();
    let base = std::env::var("PAYCORE_BASE_URL")
        .unwrap_or_else(|_| paycore_sdk::DEFAULT_BASE_URL.to_owned());
    Client::builder()
        .key_id(key_id)
        .secret(Secret::hmac_base64(&secret)?)
        .base_url(base)
        .build()
}
