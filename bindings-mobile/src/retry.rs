//! [`RetryPolicy`]: the retry decision and the client-wide retry budget, over
//! [`paycore::retry`]. Plain records in, a plain record out; the decision is
//! the core's.

use std::collections::HashMap;
use std::time::Duration;

use paycore::retry::{self as core, BudgetConfig, RetryBudget, RetryConfig};

use crate::error::PaycoreError;
use crate::now_or_clock;

/// A failure that produced no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TransportFailure {
    /// The connection could not be made: nothing was sent.
    ConnectFailed,
    /// The request was (maybe) sent, then the connection failed.
    FailedAfterSend,
    /// A pooled connection turned out to be closed.
    StaleConnection,
    /// The caller cancelled.
    Cancelled,
}

impl From<TransportFailure> for core::TransportFailure {
    fn from(t: TransportFailure) -> Self {
        match t {
            TransportFailure::ConnectFailed => core::TransportFailure::ConnectFailed,
            TransportFailure::FailedAfterSend => core::TransportFailure::FailedAfterSend,
            TransportFailure::StaleConnection => core::TransportFailure::StaleConnection,
            TransportFailure::Cancelled => core::TransportFailure::Cancelled,
        }
    }
}

/// An error response: the status and the API error's fields, when the body
/// carried them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpFailure {
    /// The HTTP status (100-999).
    pub status: u32,
    /// The API error `type` (`card_error`, ...).
    pub error_type: Option<String>,
    /// The API error `code` (`card_declined`, ...).
    pub code: Option<String>,
    /// The issuer's `decline_code` (`insufficient_funds`, ...).
    pub decline_code: Option<String>,
}

/// Everything [`RetryPolicy::decide`] needs about a failed attempt.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RetryInput {
    /// No response (`transport`), or an error response (`http`): exactly one
    /// of the two.
    pub transport: Option<TransportFailure>,
    /// The error response.
    pub http: Option<HttpFailure>,
    /// The response headers (`Retry-After`, rate-limit headers, `Should-Retry`).
    pub headers: HashMap<String, String>,
    /// The client's own pacer's wait for quota, in milliseconds.
    pub rate_limit_hint_ms: Option<u64>,
    /// The attempt that just failed, from 1.
    pub attempt: u32,
    /// Time left before the caller's deadline, in milliseconds (`null`: none).
    pub time_left_ms: Option<u64>,
    /// Whether the request carries an idempotency key.
    pub idempotency_key: bool,
    /// The request method (`GET`, `POST`, ...).
    pub method: String,
    /// A uniform random value in `[0, 1)` for the jitter.
    pub random: f64,
    /// Unix seconds (`null`: the system clock), for date-valued `Retry-After`.
    pub now: Option<i64>,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RetryDecision {
    /// Retry after `after_ms`.
    Retry {
        /// The wait, in milliseconds.
        after_ms: u64,
        /// Why it is retried (`transient`, `throttling`, `server_error`, ...).
        kind: String,
        /// Budget tokens withdrawn (return them with `record_success`).
        tokens: u32,
        /// The server's requested wait, when it gave one, in milliseconds.
        server_delay_ms: Option<u64>,
    },
    /// Do not retry.
    DoNotRetry {
        /// Why (`permanent`, `user_action_required`, `outcome_unknown`, ...).
        reason: String,
        /// For `user_action_required`: what to do (`update_card_details`, ...).
        action: Option<String>,
        /// A human description.
        detail: String,
    },
}

/// The budget of a [`RetrySettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct BudgetSettings {
    /// Tokens when full.
    pub capacity: u32,
    /// Tokens a retry costs.
    pub retry_cost: u32,
    /// Tokens a throttled retry costs.
    pub throttle_cost: u32,
    /// Tokens a success gives back.
    pub success_reward: u32,
}

/// The retry configuration; start from [`retry_settings_standard`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RetrySettings {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Backoff base, in milliseconds.
    pub base_delay_ms: u64,
    /// Backoff base after throttling, in milliseconds.
    pub throttle_base_delay_ms: u64,
    /// Backoff cap, in milliseconds.
    pub max_backoff_ms: u64,
    /// The longest server-requested wait honoured, in milliseconds.
    pub max_retry_after_ms: u64,
    /// The client-wide retry budget (`null`: unlimited).
    pub budget: Option<BudgetSettings>,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// paycore's standard retry settings.
#[uniffi::export]
pub fn retry_settings_standard() -> RetrySettings {
    let c = RetryConfig::standard();
    RetrySettings {
        max_attempts: c.max_attempts(),
        base_delay_ms: ms(c.base_delay()),
        throttle_base_delay_ms: ms(c.throttle_base_delay()),
        max_backoff_ms: ms(c.max_backoff()),
        max_retry_after_ms: ms(c.max_retry_after()),
        budget: c.budget().map(|b| BudgetSettings {
            capacity: b.capacity(),
            retry_cost: b.retry_cost(),
            throttle_cost: b.throttle_cost(),
            success_reward: b.success_reward(),
        }),
    }
}

/// The backoff ceiling of `attempt` (base doubled per attempt, capped), in
/// milliseconds: the intermediate value the retry vectors pin.
#[uniffi::export]
pub fn backoff_ceiling_ms(base_ms: u64, cap_ms: u64, attempt: u32) -> u64 {
    ms(core::backoff_ceiling(
        Duration::from_millis(base_ms),
        Duration::from_millis(cap_ms),
        attempt,
    ))
}

/// The transport failure with this stable code (`connect_failed`,
/// `failed_after_send`, `stale_connection`, `cancelled`).
#[uniffi::export]
pub fn transport_failure_from_code(code: String) -> Result<TransportFailure, PaycoreError> {
    match core::TransportFailure::from_code(&code) {
        Some(core::TransportFailure::ConnectFailed) => Ok(TransportFailure::ConnectFailed),
        Some(core::TransportFailure::FailedAfterSend) => Ok(TransportFailure::FailedAfterSend),
        Some(core::TransportFailure::StaleConnection) => Ok(TransportFailure::StaleConnection),
        Some(core::TransportFailure::Cancelled) => Ok(TransportFailure::Cancelled),
        _ => Err(PaycoreError::invalid(
            "unknown_transport_failure",
            format!("unknown transport failure code {code:?}"),
        )),
    }
}

/// Retry settings and the client-wide budget they fill. Share one per client
/// (thread-safe: the budget is lock-free).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RetryPolicy {
    config: RetryConfig,
    budget: RetryBudget,
}

#[uniffi::export]
impl RetryPolicy {
    /// A policy with `settings` and a full budget.
    #[uniffi::constructor]
    pub fn new(settings: RetrySettings) -> Self {
        let mut config = RetryConfig::standard()
            .with_max_attempts(settings.max_attempts)
            .with_base_delay(Duration::from_millis(settings.base_delay_ms))
            .with_throttle_base_delay(Duration::from_millis(settings.throttle_base_delay_ms))
            .with_max_backoff(Duration::from_millis(settings.max_backoff_ms))
            .with_max_retry_after(Duration::from_millis(settings.max_retry_after_ms));
        config = match settings.budget {
            None => config.without_budget(),
            Some(b) => config.with_budget(
                BudgetConfig::standard()
                    .with_capacity(b.capacity)
                    .with_retry_cost(b.retry_cost)
                    .with_throttle_cost(b.throttle_cost)
                    .with_success_reward(b.success_reward),
            ),
        };
        RetryPolicy {
            budget: config.new_budget(),
            config,
        }
    }

    /// Decides whether, and when, to retry a failed attempt (withdrawing the
    /// retry's tokens from the budget).
    pub fn decide(&self, input: RetryInput) -> Result<RetryDecision, PaycoreError> {
        let failure: core::Failure<'_> = match (&input.transport, &input.http) {
            (Some(t), None) => core::TransportFailure::from(*t).into(),
            (None, Some(h)) => {
                let status = u16::try_from(h.status)
                    .ok()
                    .filter(|s| (100..=999).contains(s))
                    .ok_or_else(|| {
                        PaycoreError::invalid(
                            "invalid_status",
                            format!("{} is not an HTTP status", h.status),
                        )
                    })?;
                core::HttpFailure::from_parts(
                    status,
                    h.error_type.as_deref(),
                    h.code.as_deref(),
                    h.decline_code.as_deref(),
                )
                .into()
            }
            _ => {
                return Err(PaycoreError::invalid(
                    "invalid_failure",
                    "give exactly one of transport and http",
                ));
            }
        };
        let ri = core::RetryInput::new(failure)
            .headers(&input.headers)
            .rate_limit_hint(input.rate_limit_hint_ms.map(Duration::from_millis))
            .attempt(input.attempt)
            .time_left_opt(input.time_left_ms.map(Duration::from_millis))
            .idempotency_key(input.idempotency_key)
            .method(&input.method)
            .budget(&self.budget)
            .random(input.random)
            .now(now_or_clock(input.now));
        Ok(match core::decide(&self.config, &ri) {
            core::RetryDecision::Retry {
                after,
                kind,
                tokens,
            } => RetryDecision::Retry {
                after_ms: ms(after),
                kind: kind.code().to_owned(),
                tokens,
                server_delay_ms: ri.server_delay().map(ms),
            },
            core::RetryDecision::DoNotRetry { reason } => RetryDecision::DoNotRetry {
                reason: reason.code().to_owned(),
                action: reason.action().map(|a| a.code().to_owned()),
                detail: reason.to_string(),
            },
        })
    }

    /// Records a success, returning `last_retry_tokens` (the tokens of the
    /// retry that succeeded, if it was one) and the reward to the budget.
    pub fn record_success(&self, last_retry_tokens: Option<u32>) {
        self.budget.record_success(last_retry_tokens);
    }

    /// Tokens left in the budget (`null`: unlimited).
    pub fn budget_available(&self) -> Option<u32> {
        self.budget.is_limited().then(|| self.budget.available())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    fn input(http: Option<HttpFailure>, transport: Option<TransportFailure>) -> RetryInput {
        RetryInput {
            transport,
            http,
            headers: HashMap::from([("Retry-After".to_owned(), "99999999999999999999".to_owned())]),
            rate_limit_hint_ms: Some(u64::MAX),
            attempt: u32::MAX,
            time_left_ms: Some(u64::MAX),
            idempotency_key: true,
            method: "POST".into(),
            random: f64::NAN,
            now: Some(i64::MIN),
        }
    }

    #[test]
    fn extreme_inputs_decide_without_panicking() {
        let settings = RetrySettings {
            max_attempts: u32::MAX,
            base_delay_ms: u64::MAX,
            throttle_base_delay_ms: u64::MAX,
            max_backoff_ms: u64::MAX,
            max_retry_after_ms: u64::MAX,
            budget: Some(BudgetSettings {
                capacity: u32::MAX,
                retry_cost: u32::MAX,
                throttle_cost: 0,
                success_reward: u32::MAX,
            }),
        };
        let p = RetryPolicy::new(settings);
        for status in [429, 500, 503, 999] {
            let h = HttpFailure {
                status,
                error_type: None,
                code: None,
                decline_code: None,
            };
            p.decide(input(Some(h), None)).unwrap();
        }
        p.decide(input(None, Some(TransportFailure::ConnectFailed)))
            .unwrap();
        p.record_success(Some(u32::MAX));
        assert!(backoff_ceiling_ms(u64::MAX, u64::MAX, u32::MAX) > 0);
    }

    #[test]
    fn bad_failures_are_invalid_arguments() {
        let p = RetryPolicy::new(retry_settings_standard());
        let h = HttpFailure {
            status: 99,
            error_type: None,
            code: None,
            decline_code: None,
        };
        let e = p.decide(input(Some(h), None)).unwrap_err();
        assert!(
            matches!(e, PaycoreError::InvalidArgument { ref code, .. } if code == "invalid_status")
        );
        let e = p.decide(input(None, None)).unwrap_err();
        assert!(
            matches!(e, PaycoreError::InvalidArgument { ref code, .. } if code == "invalid_failure")
        );
    }
}
