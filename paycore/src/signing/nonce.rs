//! One-time nonces: the replay check of the verifier.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Mutex;

/// Why a nonce store could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NonceStoreError {
    /// The store is at capacity with entries that have not expired yet. The
    /// request is refused (fail closed): accepting it would let a replay in.
    #[error("the nonce store is full")]
    Full,
    /// The backing store failed (e.g. Redis unreachable); for implementations
    /// outside paycore.
    #[error("the nonce store is unavailable")]
    Unavailable,
}

impl NonceStoreError {
    /// A stable, machine-readable code: `nonce_store_full` or
    /// `nonce_store_unavailable`.
    pub fn code(&self) -> &'static str {
        match self {
            NonceStoreError::Full => "nonce_store_full",
            NonceStoreError::Unavailable => "nonce_store_unavailable",
        }
    }
}

/// Remembers the nonces of accepted signatures until they expire.
///
/// One atomic operation: "if `(key_id, nonce)` is not recorded, record it
/// until `expires_at_unix` and answer `true`; otherwise answer `false`".
/// Redis implements it as `SET <key_id>:<nonce> 1 NX EXAT <expires_at_unix>`
/// (or `EX <expires_at_unix - now_unix>`): `OK` means `true`, nil `false`.
pub trait NonceStore {
    /// Records `nonce` for `key_id` until `expires_at_unix`; `Ok(true)` if it
    /// was not seen before (and is now recorded), `Ok(false)` if it was.
    fn check_and_insert(
        &self,
        key_id: &str,
        nonce: &str,
        expires_at_unix: i64,
        now_unix: i64,
    ) -> Result<bool, NonceStoreError>;
}

impl<S: NonceStore + ?Sized> NonceStore for &S {
    fn check_and_insert(
        &self,
        key_id: &str,
        nonce: &str,
        expires_at_unix: i64,
        now_unix: i64,
    ) -> Result<bool, NonceStoreError> {
        (**self).check_and_insert(key_id, nonce, expires_at_unix, now_unix)
    }
}

type Entry = (String, String);

#[derive(Default)]
struct Inner {
    expiry: HashMap<Entry, i64>,
    by_expiry: BTreeSet<(i64, Entry)>,
}

/// A bounded, thread-safe, in-memory [`NonceStore`] for one process.
///
/// Expired entries are evicted on every call (time is passed in, never read).
/// When `capacity` unexpired entries are held, a new nonce is refused with
/// [`NonceStoreError::Full`] rather than by forgetting a live one.
pub struct MemoryNonceStore {
    capacity: usize,
    inner: Mutex<Inner>,
}

impl MemoryNonceStore {
    /// A store holding at most `capacity` live nonces (size it for the
    /// requests accepted per window: with 300 s and 100 requests/s, 30 000).
    pub fn new(capacity: usize) -> Self {
        MemoryNonceStore {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Number of nonces held (expired ones not yet evicted included).
    pub fn len(&self) -> usize {
        self.lock().expiry.len()
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps inconsistent in
        // a way that matters more than refusing service, so recover the guard.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for MemoryNonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryNonceStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl NonceStore for MemoryNonceStore {
    fn check_and_insert(
        &self,
        key_id: &str,
        nonce: &str,
        expires_at_unix: i64,
        now_unix: i64,
    ) -> Result<bool, NonceStoreError> {
        let mut g = self.lock();
        let inner = &mut *g;
        // Evict everything that expired at or before `now`.
        while let Some(first) = inner.by_expiry.first() {
            if first.0 > now_unix {
                break;
            }
            if let Some((_, entry)) = inner.by_expiry.pop_first() {
                inner.expiry.remove(&entry);
            }
        }
        let entry = (key_id.to_owned(), nonce.to_owned());
        if inner.expiry.contains_key(&entry) {
            return Ok(false);
        }
        if expires_at_unix <= now_unix {
            // Already expired: nothing to remember, and nothing seen.
            return Ok(true);
        }
        if inner.expiry.len() >= self.capacity {
            return Err(NonceStoreError::Full);
        }
        inner.expiry.insert(entry.clone(), expires_at_unix);
        inner.by_expiry.insert((expires_at_unix, entry));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn records_expires_and_caps() {
        let s = MemoryNonceStore::new(2);
        assert_eq!(s.check_and_insert("k", "n1", 100, 0), Ok(true));
        assert_eq!(s.check_and_insert("k", "n1", 100, 1), Ok(false));
        assert_eq!(s.check_and_insert("other", "n1", 100, 1), Ok(true));
        assert_eq!(
            s.check_and_insert("k", "n2", 100, 2),
            Err(NonceStoreError::Full)
        );
        // At t=100 both expire and are evicted.
        assert_eq!(s.check_and_insert("k", "n1", 200, 100), Ok(true));
        assert_eq!(s.len(), 1);
        assert!(format!("{s:?}").contains("capacity: 2"));
    }

    #[test]
    fn shared_between_threads() {
        let s = std::sync::Arc::new(MemoryNonceStore::new(1000));
        let hits: usize = (0..4)
            .map(|_| {
                let s = s.clone();
                std::thread::spawn(move || {
                    (0..100)
                        .filter(|i| s.check_and_insert("k", &i.to_string(), 10, 0).unwrap())
                        .count()
                })
            })
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(hits, 100);
    }
}
