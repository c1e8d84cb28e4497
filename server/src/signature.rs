//! Signed-request authentication with the core's RFC 9421 verifier
//! ([`paycore::signing`]): the key id is peeked, the key loaded from the
//! database, the signature verified (window, components, digest, algorithm),
//! then the nonce recorded once, in memory or in Redis (`SET NX EXAT`).

use std::time::Duration;

use axum::http::request::Parts;
use futures_util::future::BoxFuture;
use paycore::signing::{
    MemoryNonceStore, Request, VerificationKey, VerifyError, VerifyPolicy, select_signature,
    verify_selected,
};

use crate::AppState;
use crate::auth::{AuthFailure, Authenticator};
use crate::db::{self, ApiKeyRecord, now_unix};

/// Where nonces are remembered.
pub enum Nonces {
    /// This process only.
    Memory(MemoryNonceStore),
    /// Shared by every instance.
    Redis(redis::aio::ConnectionManager),
}

impl std::fmt::Debug for Nonces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Nonces::Memory(_) => "Nonces::Memory",
            Nonces::Redis(_) => "Nonces::Redis",
        })
    }
}

/// How long a loaded API key is reused before it is read again (a new key
/// is usable at once; a key removed from the database stops working within
/// this time).
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(30);

/// The core's verifier behind the [`Authenticator`] seam.
pub struct SignatureAuth {
    policy: VerifyPolicy,
    nonces: Nonces,
    keys: std::sync::Mutex<std::collections::HashMap<String, (ApiKeyRecord, std::time::Instant)>>,
}

impl std::fmt::Debug for SignatureAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureAuth")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl SignatureAuth {
    /// A verifier with a +-`window` for `created`.
    pub fn new(window: Duration, nonces: Nonces) -> Self {
        SignatureAuth {
            policy: VerifyPolicy::default().with_window(window),
            nonces,
            keys: std::sync::Mutex::default(),
        }
    }

    fn cached(&self, key_id: &str) -> Option<ApiKeyRecord> {
        let map = self.keys.lock().ok()?;
        let (record, at) = map.get(key_id)?;
        (at.elapsed() < KEY_CACHE_TTL).then(|| record.clone())
    }

    fn remember(&self, record: &ApiKeyRecord) {
        if let Ok(mut map) = self.keys.lock() {
            if map.len() >= 10_000 {
                map.retain(|_, (_, at)| at.elapsed() < KEY_CACHE_TTL);
                if map.len() >= 10_000 {
                    map.clear();
                }
            }
            map.insert(
                record.key_id.clone(),
                (record.clone(), std::time::Instant::now()),
            );
        }
    }
}

fn fail(code: &'static str, key_id: Option<&str>) -> AuthFailure {
    AuthFailure {
        code,
        key_id: key_id.map(str::to_owned),
        signature_base: None,
    }
}

fn fail_with_base(f: &paycore::signing::VerifyFailure, key_id: &str) -> AuthFailure {
    AuthFailure {
        code: f.code(),
        key_id: Some(key_id.to_owned()),
        signature_base: f.signature_base().map(str::to_owned),
    }
}

impl Authenticator for SignatureAuth {
    fn authenticate<'a>(
        &'a self,
        state: &'a AppState,
        parts: &'a Parts,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<ApiKeyRecord, AuthFailure>> {
        Box::pin(async move {
            let host = parts
                .headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .or_else(|| parts.uri.authority().map(|a| a.as_str()))
                .unwrap_or("localhost");
            let pq = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let url = format!("http://{host}{pq}");
            // `Request` borrows the headers as `&dyn Headers` (not `Send`):
            // build it in a scope that ends before each await.
            let request = || Request::new(parts.method.as_str(), &url, &parts.headers, body);
            // The signature headers are parsed once: the selected signature
            // names the key, then is verified as is.
            let selected = {
                let req = request();
                select_signature(&req, &self.policy)
            }
            .map_err(|f| fail(f.code(), None))?;
            let key_id = selected
                .key_id()
                .map(str::to_owned)
                .ok_or_else(|| fail(VerifyError::MalformedHeader.code(), None))?;
            let cached = self.cached(&key_id);
            let hit = cached.is_some();
            let loaded = match cached {
                Some(r) => Ok(Some(r)),
                None => db::load_key(&state.db, &key_id).await,
            };
            let record = match loaded {
                Ok(Some(r)) => {
                    if !hit {
                        self.remember(&r);
                    }
                    r
                }
                Ok(None) => return Err(fail("key_unknown", Some(&key_id))),
                Err(e) => {
                    tracing::error!(error = %e, "loading an API key failed");
                    return Err(fail("key_unavailable", Some(&key_id)));
                }
            };
            let vkey = match record.alg.as_str() {
                "ed25519" => VerificationKey::ed25519(&record.material),
                _ => VerificationKey::hmac(&record.material),
            }
            .map_err(|_| fail("key_unknown", Some(&key_id)))?;
            let keys = std::collections::HashMap::from([(key_id.clone(), vec![vkey])]);
            let now = now_unix();
            let verified = {
                let req = request();
                verify_selected(&req, selected, &keys, now, &self.policy)
            }
            .map_err(|f| fail_with_base(&f, &key_id))?;
            match &self.nonces {
                Nonces::Memory(store) => {
                    verified
                        .check_nonce(store, now)
                        .map_err(|f| fail_with_base(&f, &key_id))?;
                }
                Nonces::Redis(conn) => {
                    let key = format!("paycore:nonce:{}:{}", verified.key_id(), verified.nonce());
                    let fresh = crate::redis_store::set_once(
                        conn,
                        &key,
                        verified.expires_at().max(now.saturating_add(1)),
                    )
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "redis nonce store failed");
                        fail("nonce_store_unavailable", Some(&key_id))
                    })?;
                    if !fresh {
                        return Err(fail("replayed", Some(&key_id)));
                    }
                }
            }
            Ok(record)
        })
    }
}
