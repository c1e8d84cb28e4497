//! Keyed GCRA stores: the [`RateLimitStore`] trait and an in-memory store.
//!
//! ```
//! use paycore::ratelimit::{MemoryStore, Quota, RateLimitStore};
//! use std::time::Duration;
//!
//! let store = MemoryStore::new();
//! let quota = Quota::per_period(1, Duration::from_secs(1)).unwrap();
//! let now = Duration::from_secs(10);
//! assert!(store.check("key_1", &quota, now, 1).allowed);
//! assert!(!store.check("key_1", &quota, now, 1).allowed);
//! assert!(store.check("key_2", &quota, now, 1).allowed);
//! ```

use std::hash::BuildHasher;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::gcra::{Decision, Quota, Tat, micros};

/// A keyed GCRA limiter.
///
/// `check` runs [`Quota::check`] on the state stored under `key` and stores
/// the new state, atomically with respect to other calls for the same key.
/// `now` is a monotonic instant since the implementation's epoch (see
/// [`super::gcra`]); all callers sharing a store must use the same epoch.
///
/// The server's Redis store is the async equivalent of this trait: it runs
/// [`super::GCRA_REDIS_LUA`] with `EVALSHA`, whose results are exactly those of
/// [`Quota::check`].
pub trait RateLimitStore {
    /// Decides on a request of `cost` units for `key` under `quota` at `now`.
    fn check(&self, key: &str, quota: &Quota, now: Duration, cost: u64) -> Decision;
}

/// One stored partition. The hash is kept so that lookups compare it before
/// the key, and growth never rehashes.
#[derive(Debug)]
struct Entry {
    hash: u64,
    tat: u64,
    key: Box<str>,
}

type Shard = hashbrown::HashTable<Entry>;

/// A shard's lock on its own cache lines, so that threads working on
/// different shards do not contend through false sharing.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Padded(Mutex<Shard>);

/// An in-memory [`RateLimitStore`], safe to share between threads.
///
/// Keys are spread over a power-of-two number of shards, each a hash table
/// behind its own mutex. The key is hashed once (foldhash): the high bits pick
/// the shard, the table uses the rest; each shard's lock sits on its own cache
/// lines. Measured in `benches/ratelimit.rs` beside `governor`'s keyed limiter
/// (a DashMap): hashing once instead of twice and padding the shards against
/// false sharing were the two changes that counted.
///
/// Memory is bounded: an entry whose TAT is at or before `now` is equivalent to
/// an absent one and is never kept (a denial for an absent key stores nothing).
/// When a shard reaches its share of the capacity, its idle entries are
/// evicted; if that frees less than a sixteenth of the shard, entries with the
/// earliest TATs (those closest to fully restored, whose eviction forgives the
/// least) are evicted until it does. Call [`MemoryStore::purge`]
/// periodically to drop idle entries early.
#[derive(Debug)]
pub struct MemoryStore {
    shards: Box<[Padded]>,
    mask: u64,
    per_shard_cap: usize,
    hasher: foldhash::fast::FixedState,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// Default capacity: one million keys.
    pub const DEFAULT_CAPACITY: usize = 1 << 20;
    /// Default shard count.
    pub const DEFAULT_SHARDS: usize = 64;

    /// A store with the default capacity and shard count.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY, Self::DEFAULT_SHARDS)
    }

    /// A store holding at most about `capacity` keys over `shards` shards
    /// (rounded up to a power of two, at least 1; each shard holds at least one
    /// key).
    pub fn with_capacity(capacity: usize, shards: usize) -> Self {
        let n = shards.clamp(1, 1 << 16).next_power_of_two();
        let per_shard_cap = capacity.div_ceil(n).max(1);
        let shards = (0..n).map(|_| Padded::default()).collect();
        Self {
            shards,
            mask: (n as u64).saturating_sub(1),
            per_shard_cap,
            hasher: foldhash::fast::FixedState::with_seed(0x5eed_5eed),
        }
    }

    fn shard(&self, hash: u64) -> MutexGuard<'_, Shard> {
        // `mask` is `shards.len() - 1` with a power-of-two length: in bounds.
        let i = usize::try_from((hash >> 40) & self.mask).unwrap_or(0);
        self.shards[i]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops every idle entry (TAT at or before `now`). Returns how many were
    /// dropped.
    pub fn purge(&self, now: Duration) -> usize {
        let now = micros(now);
        let mut dropped = 0;
        for m in self.shards.iter() {
            let mut s = m.0.lock().unwrap_or_else(PoisonError::into_inner);
            let before = s.len();
            s.retain(|e| e.tat > now);
            dropped += before - s.len();
        }
        dropped
    }

    /// The number of stored keys (idle ones included until evicted).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|m| m.0.lock().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    /// Whether no key is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored state of `key` (for tests and diagnostics).
    pub fn get(&self, key: &str) -> Tat {
        let hash = self.hasher.hash_one(key);
        let shard = self.shard(hash);
        let tat = shard.find(hash, |e| e.hash == hash && &*e.key == key);
        Tat(tat.map_or(0, |e| e.tat))
    }
}

impl RateLimitStore for MemoryStore {
    fn check(&self, key: &str, quota: &Quota, now: Duration, cost: u64) -> Decision {
        let now_us = micros(now);
        let hash = self.hasher.hash_one(key);
        let mut shard = self.shard(hash);
        match shard.find_entry(hash, |e| e.hash == hash && &*e.key == key) {
            Ok(mut entry) => {
                let out = quota.check(Tat(entry.get().tat), now, cost);
                if out.tat.0 > now_us {
                    entry.get_mut().tat = out.tat.0;
                } else {
                    entry.remove();
                }
                out.decision
            }
            Err(absent) => {
                let shard = absent.into_table();
                let out = quota.check(Tat::ABSENT, now, cost);
                if out.tat.0 > now_us {
                    if shard.len() >= self.per_shard_cap {
                        make_room(shard, now_us, self.per_shard_cap);
                    }
                    let entry = Entry {
                        hash,
                        tat: out.tat.0,
                        key: key.into(),
                    };
                    shard.insert_unique(hash, entry, |e| e.hash);
                }
                out.decision
            }
        }
    }
}

/// Evicts idle entries, then, if fewer than a sixteenth of `cap` slots are
/// free, the entries with the earliest TATs until that many are. A full shard
/// thus pays this O(n) pass at most once per `cap / 16` insertions.
fn make_room(shard: &mut Shard, now_us: u64, cap: usize) {
    shard.retain(|e| e.tat > now_us);
    let target = cap.saturating_sub((cap / 16).max(1));
    if shard.len() <= target {
        return;
    }
    let evict = shard.len() - target;
    let mut by_tat: Vec<(u64, u64)> = shard.iter().map(|e| (e.tat, e.hash)).collect();
    by_tat.select_nth_unstable(evict - 1);
    for &(tat, hash) in by_tat.iter().take(evict) {
        if let Ok(e) = shard.find_entry(hash, |e| e.hash == hash && e.tat == tat) {
            e.remove();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn s(v: u64) -> Duration {
        Duration::from_secs(v)
    }

    #[test]
    fn idle_keys_are_not_kept() {
        let store = MemoryStore::with_capacity(100, 4);
        let q = Quota::per_period(1, s(1)).unwrap();
        assert!(store.check("a", &q, s(10), 1).allowed);
        assert_eq!(store.len(), 1);
        assert_eq!(store.purge(s(10)), 0);
        assert_eq!(store.purge(s(11)), 1);
        assert!(store.is_empty());
        // A denial for an absent key stores nothing.
        assert!(!store.check("big", &q, s(20), 2).allowed);
        assert!(store.is_empty());
    }

    #[test]
    fn capacity_is_bounded() {
        let store = MemoryStore::with_capacity(8, 1);
        let q = Quota::per_period(1, s(60)).unwrap();
        for i in 0..100 {
            assert!(store.check(&format!("k{i}"), &q, s(1000 + i), 1).allowed);
            assert!(store.len() <= 8);
        }
        // The newest keys survive; the oldest (earliest TAT) were evicted.
        assert!(!store.check("k99", &q, s(1099), 1).allowed);
        assert_eq!(store.get("k0"), Tat::ABSENT);
    }

    #[test]
    fn shared_between_threads() {
        let store = std::sync::Arc::new(MemoryStore::new());
        let q = Quota::per_period(1000, s(1)).unwrap();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || {
                    (0..500)
                        .filter(|_| store.check("k", &q, s(5), 1).allowed)
                        .count()
                })
            })
            .collect();
        let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(total, 1000);
    }
}
