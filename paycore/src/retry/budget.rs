//! The client-wide retry budget: a token bucket in the style of the AWS SDKs'
//! "standard" retry mode.
//!
//! One [`RetryBudget`] is shared by every request of a client (per base URL and
//! account). It starts full. Each retry withdraws tokens — [`BudgetConfig::retry_cost`]
//! (14) for an ordinary retry, [`BudgetConfig::throttle_cost`] (5) for a
//! throttling retry — and when a retry cannot be paid for, the decision is
//! `budget_exhausted`. Successes pay back: a success on the first attempt adds
//! [`BudgetConfig::success_reward`] (1); a success after a retry returns the
//! tokens that retry withdrew. The level never drops below zero nor rises above
//! [`BudgetConfig::capacity`] (500).
//!
//! During an outage every request fails and the bucket drains after about
//! 500 / 14 ≈ 35 retries, after which requests fail fast instead of tripling the
//! load on a struggling server; once requests succeed again the bucket refills.
//!
//! The bucket is a single [`AtomicU32`] updated with compare-and-swap loops: no
//! locks, so it can be shared across tasks and threads (`Arc<RetryBudget>`). It
//! has no clock: it refills only through successes.
//!
//! ```
//! use paycore::retry::{BudgetConfig, RetryBudget, RetryKind};
//!
//! let budget = RetryBudget::new(BudgetConfig::standard().with_capacity(20));
//! assert_eq!(budget.try_acquire(RetryKind::ServerError), Some(14)); // 6 left
//! assert_eq!(budget.try_acquire(RetryKind::ServerError), None); // cannot pay 14
//! assert_eq!(budget.try_acquire(RetryKind::Throttling), Some(5)); // 1 left
//! budget.record_success(Some(5)); // the throttled retry succeeded: 6
//! budget.record_success(None); // a first-try success: 7
//! assert_eq!(budget.available(), 7);
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use super::decision::RetryKind;

/// The parameters of a [`RetryBudget`]. Defaults ([`BudgetConfig::standard`])
/// follow the AWS SDKs' standard retry mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetConfig {
    capacity: u32,
    retry_cost: u32,
    throttle_cost: u32,
    success_reward: u32,
}

impl BudgetConfig {
    /// 500 tokens (initial and maximum), 14 per retry, 5 per throttling retry,
    /// 1 back per first-try success.
    pub const fn standard() -> Self {
        Self {
            capacity: 500,
            retry_cost: 14,
            throttle_cost: 5,
            success_reward: 1,
        }
    }

    /// Sets the initial and maximum number of tokens.
    #[must_use]
    pub const fn with_capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// Sets the cost of an ordinary (non-throttling) retry.
    #[must_use]
    pub const fn with_retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// Sets the cost of a throttling retry (429, 503 with `Retry-After`).
    #[must_use]
    pub const fn with_throttle_cost(mut self, tokens: u32) -> Self {
        self.throttle_cost = tokens;
        self
    }

    /// Sets the tokens added by a success on the first attempt.
    #[must_use]
    pub const fn with_success_reward(mut self, tokens: u32) -> Self {
        self.success_reward = tokens;
        self
    }

    /// The initial and maximum number of tokens.
    pub const fn capacity(&self) -> u32 {
        self.capacity
    }

    /// The cost of an ordinary retry.
    pub const fn retry_cost(&self) -> u32 {
        self.retry_cost
    }

    /// The cost of a throttling retry.
    pub const fn throttle_cost(&self) -> u32 {
        self.throttle_cost
    }

    /// The tokens added by a success on the first attempt.
    pub const fn success_reward(&self) -> u32 {
        self.success_reward
    }

    /// What a retry of this kind costs: the throttle cost for throttling,
    /// nothing for a stale pooled connection (not a sign of server trouble),
    /// the retry cost otherwise.
    pub const fn cost_of(&self, kind: RetryKind) -> u32 {
        match kind {
            RetryKind::Throttling => self.throttle_cost,
            RetryKind::StaleConnection => 0,
            _ => self.retry_cost,
        }
    }
}

impl Default for BudgetConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// A lock-free token bucket limiting how many retries a client makes. See the
/// [module documentation](self).
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
    config: BudgetConfig,
    enabled: bool,
}

impl RetryBudget {
    /// A full bucket with these parameters.
    pub const fn new(config: BudgetConfig) -> Self {
        Self {
            tokens: AtomicU32::new(config.capacity),
            config,
            enabled: true,
        }
    }

    /// A full bucket with the standard parameters (500 / 14 / 5 / 1).
    pub const fn standard() -> Self {
        Self::new(BudgetConfig::standard())
    }

    /// A budget that never runs out: every acquisition succeeds and costs 0.
    /// What [`RetryConfig::new_budget`](super::RetryConfig::new_budget) returns
    /// for a configuration built `without_budget()`.
    pub const fn unlimited() -> Self {
        Self {
            tokens: AtomicU32::new(0),
            config: BudgetConfig {
                capacity: 0,
                retry_cost: 0,
                throttle_cost: 0,
                success_reward: 0,
            },
            enabled: false,
        }
    }

    /// Whether this budget limits anything (false for [`RetryBudget::unlimited`]).
    pub const fn is_limited(&self) -> bool {
        self.enabled
    }

    /// The parameters of this bucket.
    pub const fn config(&self) -> &BudgetConfig {
        &self.config
    }

    /// The tokens currently available (`u32::MAX` for an unlimited budget).
    pub fn available(&self) -> u32 {
        if self.enabled {
            self.tokens.load(Ordering::Acquire)
        } else {
            u32::MAX
        }
    }

    /// Withdraws the cost of a retry of `kind`. Returns the tokens withdrawn,
    /// or `None` (and changes nothing) when the bucket holds fewer.
    pub fn try_acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = self.config.cost_of(kind);
        self.try_withdraw(cost).then_some(cost)
    }

    /// Withdraws exactly `tokens` if available; returns whether it did.
    pub fn try_withdraw(&self, tokens: u32) -> bool {
        if !self.enabled {
            return true;
        }
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                t.checked_sub(tokens)
            })
            .is_ok()
    }

    /// Returns `tokens` to the bucket, never beyond its capacity (for example
    /// when a retry that was paid for is abandoned before it is sent).
    pub fn deposit(&self, tokens: u32) {
        if !self.enabled || tokens == 0 {
            return;
        }
        let cap = self.config.capacity;
        // The closure always returns `Some`, so `fetch_update` cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(tokens).min(cap))
            });
    }

    /// Records a successful request. `last_retry_tokens` is `None` when the
    /// first attempt succeeded (the bucket gains the success reward), or the
    /// `tokens` of the last [`RetryDecision::Retry`](super::RetryDecision::Retry)
    /// when the request succeeded after a retry (those tokens are returned).
    pub fn record_success(&self, last_retry_tokens: Option<u32>) {
        match last_retry_tokens {
            None => self.deposit(self.config.success_reward),
            Some(t) => self.deposit(t),
        }
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::standard()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn drains_and_refills_within_bounds() {
        let b = RetryBudget::standard();
        let mut n = 0;
        while b.try_acquire(RetryKind::ServerError).is_some() {
            n += 1;
        }
        assert_eq!(n, 35); // 35 * 14 = 490, 10 left
        assert_eq!(b.available(), 10);
        assert_eq!(b.try_acquire(RetryKind::Throttling), Some(5));
        assert_eq!(b.try_acquire(RetryKind::Throttling), Some(5));
        assert_eq!(b.try_acquire(RetryKind::Throttling), None);
        assert_eq!(b.available(), 0);
        for _ in 0..1000 {
            b.record_success(Some(14));
        }
        assert_eq!(b.available(), 500);
        b.record_success(None);
        assert_eq!(b.available(), 500);
    }

    #[test]
    fn unlimited_never_refuses() {
        let b = RetryBudget::unlimited();
        for _ in 0..10_000 {
            assert_eq!(b.try_acquire(RetryKind::Transient), Some(0));
        }
        assert!(!b.is_limited());
        assert_eq!(b.available(), u32::MAX);
    }

    #[test]
    fn concurrent_withdrawals_never_overdraw() {
        let b = Arc::new(RetryBudget::standard());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let b = Arc::clone(&b);
                std::thread::spawn(move || {
                    let mut got = 0u32;
                    for _ in 0..100 {
                        if b.try_acquire(RetryKind::ServerError).is_some() {
                            got += 1;
                        }
                    }
                    got
                })
            })
            .collect();
        let total: u32 = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
        assert_eq!(total, 35);
        assert_eq!(b.available(), 10);
    }
}
