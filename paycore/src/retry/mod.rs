//! Retry decisions: for every failure, whether to retry, when, and under which
//! idempotency key, so that a retry never charges twice.
//!
//! The pieces:
//!
//! * [`decide`]: the one decision function. A [`RetryInput`] (what failed,
//!   the response headers, the attempt number, the time left, whether an
//!   idempotency key is attached, the random value for the jitter, `now`) and a
//!   [`RetryConfig`] in, a [`RetryDecision`] out: `Retry { after, kind, tokens }`
//!   or `DoNotRetry { reason }`. Every [`DoNotRetryReason`], [`RetryKind`] and
//!   [`UserAction`] has a stable `code()`.
//! * [`backoff`]: full-jitter exponential backoff as free functions.
//! * [`budget`]: the client-wide retry budget (a lock-free token bucket).
//! * [`declines`]: card declines and the action each calls for.
//! * [`idempotency`]: idempotency keys, minted once per logical operation and
//!   reused on every attempt.
//!
//! paycore does not sleep, read a clock or draw random numbers: the caller
//! passes the jitter value and `now`, and does the waiting. The behaviour is
//! pinned by `vectors/retry.json`, which every language binding runs.
//!
//! ```
//! use std::time::Duration;
//! use paycore::retry::{decide, Failure, HttpFailure, RetryConfig, RetryDecision, RetryInput, RetryKind};
//!
//! let config = RetryConfig::standard();
//! let budget = config.new_budget();
//!
//! // A 503 with `Retry-After: 2` on the first attempt of a keyed POST.
//! let headers = [("Retry-After", "2")];
//! let input = RetryInput::new(Failure::status(503))
//!     .headers(&headers)
//!     .attempt(1)
//!     .time_left(Duration::from_secs(30))
//!     .idempotency_key(true)
//!     .budget(&budget)
//!     .random(0.5)
//!     .now(1_700_000_000);
//! assert_eq!(
//!     decide(&config, &input),
//!     RetryDecision::Retry { after: Duration::from_secs(2), kind: RetryKind::Throttling, tokens: 5 }
//! );
//!
//! // A card decline is never retried; the reason carries the action.
//! let decline = HttpFailure::new(402)
//!     .with_error_type("card_error")
//!     .with_code("card_declined")
//!     .with_decline_code("expired_card");
//! let d = decide(&config, &RetryInput::new(decline).idempotency_key(true));
//! let reason = d.reason().unwrap();
//! assert_eq!(reason.code(), "user_action_required");
//! assert_eq!(reason.action().map(|a| a.code()), Some("update_card_details"));
//! ```

pub mod backoff;
pub mod budget;
mod config;
mod decision;
pub mod declines;
pub mod idempotency;

pub use backoff::{backoff_ceiling, exponential_backoff, full_jitter, unit_interval_from_bits};
pub use budget::{BudgetConfig, RetryBudget};
pub use config::RetryConfig;
pub use decision::{
    DoNotRetryReason, Failure, HttpFailure, RetryDecision, RetryInput, RetryKind,
    SHOULD_RETRY_HEADERS, TransportFailure, decide, is_idempotent_method, should_retry_header,
};
pub use declines::{UserAction, action_for_decline_code, decline_action, known_decline_codes};
pub use idempotency::{
    IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IdempotencyKeyError, MAX_IDEMPOTENCY_KEY_LEN,
};
