//! [`RetryConfig`]: every default of the retry policy in one place.

use std::time::Duration;

use super::budget::{BudgetConfig, RetryBudget};

/// The retry policy's parameters. Start from [`RetryConfig::standard`] and
/// override with the `with_*` builders:
///
/// ```
/// use std::time::Duration;
/// use paycore::retry::RetryConfig;
///
/// let config = RetryConfig::standard()
///     .with_max_attempts(5)
///     .with_max_retry_after(Duration::from_secs(30))
///     .without_budget();
/// assert_eq!(config.max_attempts(), 5);
/// assert_eq!(config.budget(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    base_delay: Duration,
    throttle_base_delay: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    budget: Option<BudgetConfig>,
}

impl RetryConfig {
    /// The defaults:
    ///
    /// | setting | default | |
    /// |---|---|---|
    /// | `max_attempts` | 3 | attempts in all (2 retries), as AWS standard mode; Stripe and OpenAI SDKs retry twice |
    /// | `base_delay` | 50 ms | backoff base for transient and server errors |
    /// | `throttle_base_delay` | 1 s | backoff base for throttling (429, 503 with `Retry-After`) |
    /// | `max_backoff` | 20 s | cap of the exponential backoff |
    /// | `max_retry_after` | 60 s | a longer server-advised wait means: do not retry |
    /// | `budget` | 500 tokens, cost 14 / 5, reward 1 | see [`BudgetConfig::standard`] |
    pub const fn standard() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(50),
            throttle_base_delay: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            budget: Some(BudgetConfig::standard()),
        }
    }

    /// A configuration that never retries (one attempt).
    pub const fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Sets the number of attempts in all, the first included (0 counts as 1).
    #[must_use]
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// Sets the backoff base for non-throttling failures.
    #[must_use]
    pub const fn with_base_delay(mut self, base: Duration) -> Self {
        self.base_delay = base;
        self
    }

    /// Sets the backoff base for throttling failures.
    #[must_use]
    pub const fn with_throttle_base_delay(mut self, base: Duration) -> Self {
        self.throttle_base_delay = base;
        self
    }

    /// Sets the cap of the exponential backoff.
    #[must_use]
    pub const fn with_max_backoff(mut self, cap: Duration) -> Self {
        self.max_backoff = cap;
        self
    }

    /// Sets the longest server-advised wait (`Retry-After` or the rate-limit
    /// hint) that is honoured; a longer one means: do not retry.
    #[must_use]
    pub const fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets the retry budget parameters.
    #[must_use]
    pub const fn with_budget(mut self, budget: BudgetConfig) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Turns the retry budget off: [`RetryConfig::new_budget`] then returns
    /// an unlimited budget.
    #[must_use]
    pub const fn without_budget(mut self) -> Self {
        self.budget = None;
        self
    }

    /// The number of attempts in all (at least 1).
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff base for non-throttling failures.
    pub const fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The backoff base for throttling failures.
    pub const fn throttle_base_delay(&self) -> Duration {
        self.throttle_base_delay
    }

    /// The cap of the exponential backoff.
    pub const fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest server-advised wait that is honoured.
    pub const fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The retry budget parameters, or `None` when the budget is off.
    pub const fn budget(&self) -> Option<BudgetConfig> {
        self.budget
    }

    /// A new, full budget for one client (share it across that client's
    /// requests), or an unlimited one when the budget is off.
    pub const fn new_budget(&self) -> RetryBudget {
        match self.budget {
            Some(b) => RetryBudget::new(b),
            None => RetryBudget::unlimited(),
        }
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}
