//! The decision function: [`decide`] maps one failed attempt to a
//! [`RetryDecision`].

use std::fmt;
use std::time::Duration;

use super::backoff::exponential_backoff;
use super::budget::RetryBudget;
use super::config::RetryConfig;
use super::declines::{UserAction, decline_action};
use crate::headers::Headers;
use crate::ratelimit::{RateLimitInfo, parse_retry_after};

/// A failure that happened before any response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportFailure {
    /// Connecting failed (DNS, TCP connect, TLS handshake): nothing was sent,
    /// so a retry is always safe.
    ConnectFailed,
    /// The connection was reset, or timed out, after the request was (perhaps
    /// partly) sent: the server may have acted on it, so a retry is safe only
    /// with an idempotency key or an idempotent method.
    FailedAfterSend,
    /// A connection reused from the pool turned out to be closed by the peer
    /// (reset, `EPIPE`) while the request was being written, before any
    /// response byte: the usual keep-alive race, not a sign of server trouble.
    /// Retried at once on a new connection, free of budget, and allowed one
    /// attempt beyond `max_attempts` (so even with retries off). The request
    /// may have reached the server, so it needs a key or an idempotent method.
    StaleConnection,
    /// The caller's overall deadline passed or the caller cancelled: stop.
    Cancelled,
}

impl TransportFailure {
    /// The stable code: `connect_failed`, `failed_after_send`, `cancelled`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::ConnectFailed => "connect_failed",
            Self::FailedAfterSend => "failed_after_send",
            Self::StaleConnection => "stale_connection",
            Self::Cancelled => "cancelled",
        }
    }

    /// The failure whose [`code`](TransportFailure::code) is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::ConnectFailed,
            Self::FailedAfterSend,
            Self::StaleConnection,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|t| t.code() == code)
    }
}

/// An HTTP error response: the status and, when the body is the API's error
/// envelope `{"error": {"type", "code", "decline_code", ...}}`, the fields the
/// caller parsed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpFailure<'a> {
    status: u16,
    error_type: Option<&'a str>,
    code: Option<&'a str>,
    decline_code: Option<&'a str>,
}

impl<'a> HttpFailure<'a> {
    /// A response with this status and no parsed error body.
    pub const fn new(status: u16) -> Self {
        Self {
            status,
            error_type: None,
            code: None,
            decline_code: None,
        }
    }

    /// A response with this status and the error envelope's fields, each
    /// `None` when absent (the shape the bindings convert from).
    pub const fn from_parts(
        status: u16,
        error_type: Option<&'a str>,
        code: Option<&'a str>,
        decline_code: Option<&'a str>,
    ) -> Self {
        Self {
            status,
            error_type,
            code,
            decline_code,
        }
    }

    /// Sets the error `type` (`card_error`, `invalid_request_error`, `api_error`, ...).
    #[must_use]
    pub const fn with_error_type(mut self, error_type: &'a str) -> Self {
        self.error_type = Some(error_type);
        self
    }

    /// Sets the error `code` (`card_declined`, `idempotency_key_in_use`, ...).
    #[must_use]
    pub const fn with_code(mut self, code: &'a str) -> Self {
        self.code = Some(code);
        self
    }

    /// Sets the `decline_code` (`insufficient_funds`, `do_not_honor`, ...).
    #[must_use]
    pub const fn with_decline_code(mut self, decline_code: &'a str) -> Self {
        self.decline_code = Some(decline_code);
        self
    }

    /// The HTTP status.
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// The error `type`, if any.
    pub const fn error_type(&self) -> Option<&'a str> {
        self.error_type
    }

    /// The error `code`, if any.
    pub const fn code(&self) -> Option<&'a str> {
        self.code
    }

    /// The `decline_code`, if any.
    pub const fn decline_code(&self) -> Option<&'a str> {
        self.decline_code
    }

    /// The action this response calls for if it is a card decline.
    pub fn decline_action(&self) -> Option<UserAction> {
        decline_action(self.status, self.error_type, self.code, self.decline_code)
    }
}

/// What went wrong with one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Failure<'a> {
    /// No response arrived.
    Transport(TransportFailure),
    /// An HTTP error response arrived.
    Http(HttpFailure<'a>),
}

impl Failure<'_> {
    /// [`TransportFailure::ConnectFailed`].
    pub const fn connect_failed() -> Self {
        Self::Transport(TransportFailure::ConnectFailed)
    }

    /// [`TransportFailure::FailedAfterSend`].
    pub const fn failed_after_send() -> Self {
        Self::Transport(TransportFailure::FailedAfterSend)
    }

    /// [`TransportFailure::StaleConnection`].
    pub const fn stale_connection() -> Self {
        Self::Transport(TransportFailure::StaleConnection)
    }

    /// [`TransportFailure::Cancelled`].
    pub const fn cancelled() -> Self {
        Self::Transport(TransportFailure::Cancelled)
    }

    /// An HTTP response with this status and no parsed error body.
    pub const fn status(status: u16) -> Self {
        Self::Http(HttpFailure::new(status))
    }
}

impl<'a> From<HttpFailure<'a>> for Failure<'a> {
    fn from(h: HttpFailure<'a>) -> Self {
        Self::Http(h)
    }
}

impl From<TransportFailure> for Failure<'_> {
    fn from(t: TransportFailure) -> Self {
        Self::Transport(t)
    }
}

/// Why a retry is made; decides the backoff base and the budget cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryKind {
    /// A network failure, 408 Request Timeout or 425 Too Early.
    Transient,
    /// A pooled keep-alive connection was found closed
    /// ([`TransportFailure::StaleConnection`]): no backoff, no budget cost.
    StaleConnection,
    /// 429, or 503 with a valid `Retry-After`: the server asks clients to slow
    /// down. Throttling base delay (1 s) and throttling cost (5).
    Throttling,
    /// 500, 502, 503 (without `Retry-After`), 504.
    ServerError,
    /// 409 while the first request under the same idempotency key is still in
    /// flight (`idempotency_key_in_use`, `lock_timeout`, or `Should-Retry: true`).
    Conflict,
    /// Any other status the server marked `Should-Retry: true`.
    ServerRequested,
}

impl RetryKind {
    /// The stable code of this kind.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Transient => "transient",
            Self::StaleConnection => "stale_connection",
            Self::Throttling => "throttling",
            Self::ServerError => "server_error",
            Self::Conflict => "conflict",
            Self::ServerRequested => "server_requested",
        }
    }

    /// Whether this is a throttling retry (throttling base delay and cost).
    pub const fn is_throttling(self) -> bool {
        matches!(self, Self::Throttling)
    }
}

impl fmt::Display for RetryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a failure is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DoNotRetryReason {
    /// The failure will recur on a retry (4xx other than the retryable ones,
    /// 501, ...): fix the request, the key or the state.
    #[error("the failure is permanent; retrying would fail the same way")]
    Permanent,
    /// The server said `Should-Retry: false`.
    #[error("the server said not to retry this request")]
    ServerDeclined,
    /// A card decline: never retried by the client; the merchant or customer
    /// must act.
    #[error("the payment was declined; required action: {0}")]
    UserActionRequired(UserAction),
    /// The request was sent, may have taken effect, and carries no idempotency
    /// key (and its method is not idempotent): a retry could apply it twice.
    /// The caller must reconcile (look the object up) before doing anything else.
    #[error(
        "the request may have taken effect and has no idempotency key; reconcile before retrying"
    )]
    OutcomeUnknown,
    /// The client's retry budget cannot pay for another retry.
    #[error("the client's retry budget is exhausted")]
    BudgetExhausted,
    /// The caller's deadline passed or was cancelled, or waiting for the retry
    /// would pass it.
    #[error("the deadline does not leave room for another attempt")]
    Deadline,
    /// The attempt just made was the last one allowed.
    #[error("the maximum number of attempts was reached")]
    AttemptsExhausted,
    /// The server asked for a wait (`Retry-After` or the rate-limit hint) longer
    /// than the configured maximum.
    #[error("the server asked to wait {} ms, longer than allowed", after.as_millis())]
    RetryAfterTooLong {
        /// The wait the server asked for.
        after: Duration,
    },
}

impl DoNotRetryReason {
    /// The stable code of this reason.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Permanent => "permanent",
            Self::ServerDeclined => "server_declined",
            Self::UserActionRequired(_) => "user_action_required",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::BudgetExhausted => "budget_exhausted",
            Self::Deadline => "deadline",
            Self::AttemptsExhausted => "attempts_exhausted",
            Self::RetryAfterTooLong { .. } => "retry_after_too_long",
        }
    }

    /// The action a card decline calls for, if this is one.
    pub const fn action(&self) -> Option<UserAction> {
        match self {
            Self::UserActionRequired(a) => Some(*a),
            _ => None,
        }
    }
}

/// The outcome of [`decide`].
///
/// Deliberately exhaustive (unlike the reason enums): a decision is retry or
/// not, and callers match on it in their retry loop without a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryDecision {
    /// Wait `after`, then send the same request again under the same
    /// idempotency key.
    Retry {
        /// How long to wait before the next attempt.
        after: Duration,
        /// Why the retry is made.
        kind: RetryKind,
        /// The tokens withdrawn from the budget for this retry (0 without a
        /// budget). Pass them to [`RetryBudget::record_success`] if the
        /// request then succeeds.
        tokens: u32,
    },
    /// Stop and report the failure.
    DoNotRetry {
        /// Why.
        reason: DoNotRetryReason,
    },
}

impl RetryDecision {
    /// `retry` or `do_not_retry`.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Retry { .. } => "retry",
            Self::DoNotRetry { .. } => "do_not_retry",
        }
    }

    /// Whether to retry.
    pub const fn is_retry(&self) -> bool {
        matches!(self, Self::Retry { .. })
    }

    /// The wait before the retry, if retrying.
    pub const fn delay(&self) -> Option<Duration> {
        match self {
            Self::Retry { after, .. } => Some(*after),
            Self::DoNotRetry { .. } => None,
        }
    }

    /// The reason, if not retrying.
    pub const fn reason(&self) -> Option<DoNotRetryReason> {
        match self {
            Self::Retry { .. } => None,
            Self::DoNotRetry { reason } => Some(*reason),
        }
    }
}

/// The response headers that carry the server's retry advice, in order of
/// precedence among themselves. `Stripe-Should-Retry` is Stripe's name,
/// `X-Should-Retry` the one Stainless-generated SDKs (OpenAI, Anthropic) read.
pub const SHOULD_RETRY_HEADERS: [&str; 3] =
    ["Should-Retry", "Stripe-Should-Retry", "X-Should-Retry"];

/// Reads the server's retry advice from `Should-Retry` and its aliases
/// ([`SHOULD_RETRY_HEADERS`]): `true` or `false`, ASCII case-insensitive,
/// surrounding whitespace ignored. Other values are ignored. If the fields
/// disagree, `false` wins (not retrying is the safe side).
pub fn should_retry_header(headers: &dyn Headers) -> Option<bool> {
    let mut said_true = false;
    let mut said_false = false;
    for name in SHOULD_RETRY_HEADERS {
        headers.for_each_value(name, &mut |v| {
            let v = v.trim_matches([' ', '\t']);
            if v.eq_ignore_ascii_case("true") {
                said_true = true;
            } else if v.eq_ignore_ascii_case("false") {
                said_false = true;
            }
        });
    }
    if said_false {
        Some(false)
    } else if said_true {
        Some(true)
    } else {
        None
    }
}

/// Whether an HTTP method is idempotent (RFC 9110 §9.2.2): `GET`, `HEAD`,
/// `PUT`, `DELETE`, `OPTIONS`, `TRACE`. Methods are case-sensitive.
pub fn is_idempotent_method(method: &str) -> bool {
    matches!(
        method,
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

const NO_HEADERS: [(&str, &str); 0] = [];

/// Everything [`decide`] looks at, built with named setters:
///
/// ```
/// use std::time::Duration;
/// use paycore::retry::{Failure, RetryInput};
///
/// let headers = [("Retry-After", "2")];
/// let input = RetryInput::new(Failure::status(503))
///     .headers(&headers)
///     .attempt(1)
///     .time_left(Duration::from_secs(30))
///     .idempotency_key(true)
///     .method("POST")
///     .random(0.42)
///     .now(1_700_000_000);
/// # let _ = input;
/// ```
///
/// Defaults: no headers, no rate-limit hint, attempt 1, no deadline, no
/// idempotency key, a non-idempotent method, no budget, `random` 1.0 (the full
/// backoff: the conservative choice if the caller forgets the jitter), `now` 0.
#[derive(Clone, Copy)]
pub struct RetryInput<'a> {
    failure: Failure<'a>,
    headers: &'a dyn Headers,
    rate_limit_hint: Option<Duration>,
    attempt: u32,
    time_left: Option<Duration>,
    has_idempotency_key: bool,
    idempotent_method: bool,
    budget: Option<&'a RetryBudget>,
    random: f64,
    now_unix: i64,
}

impl fmt::Debug for RetryInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryInput")
            .field("failure", &self.failure)
            .field("rate_limit_hint", &self.rate_limit_hint)
            .field("attempt", &self.attempt)
            .field("time_left", &self.time_left)
            .field("has_idempotency_key", &self.has_idempotency_key)
            .field("idempotent_method", &self.idempotent_method)
            .field("budget", &self.budget)
            .field("random", &self.random)
            .field("now_unix", &self.now_unix)
            .finish_non_exhaustive()
    }
}

impl<'a> RetryInput<'a> {
    /// The input for `failure`, with the defaults listed on the type.
    pub fn new(failure: impl Into<Failure<'a>>) -> Self {
        Self {
            failure: failure.into(),
            headers: &NO_HEADERS,
            rate_limit_hint: None,
            attempt: 1,
            time_left: None,
            has_idempotency_key: false,
            idempotent_method: false,
            budget: None,
            random: 1.0,
            now_unix: 0,
        }
    }

    /// The response headers (`Retry-After`, `Should-Retry` and aliases are
    /// read). Ignored for transport failures.
    #[must_use]
    pub fn headers(mut self, headers: &'a dyn Headers) -> Self {
        self.headers = headers;
        self
    }

    /// The time until the rate-limit quota returns, when the caller knows it
    /// from elsewhere (a client-side pacer, say). Without it, the response's
    /// own rate-limit headers are read. A valid `Retry-After` takes
    /// precedence over both.
    #[must_use]
    pub fn rate_limit_hint(mut self, until_quota: Option<Duration>) -> Self {
        self.rate_limit_hint = until_quota;
        self
    }

    /// The 1-based number of the attempt that just failed (0 counts as 1).
    #[must_use]
    pub fn attempt(mut self, attempt: u32) -> Self {
        self.attempt = attempt;
        self
    }

    /// The time left before the caller's overall deadline.
    #[must_use]
    pub fn time_left(mut self, left: Duration) -> Self {
        self.time_left = Some(left);
        self
    }

    /// Same as [`RetryInput::time_left`], `None` meaning no deadline.
    #[must_use]
    pub fn time_left_opt(mut self, left: Option<Duration>) -> Self {
        self.time_left = left;
        self
    }

    /// Whether the request carries an `Idempotency-Key`.
    #[must_use]
    pub fn idempotency_key(mut self, present: bool) -> Self {
        self.has_idempotency_key = present;
        self
    }

    /// Whether the request's method is idempotent.
    #[must_use]
    pub fn idempotent_method(mut self, idempotent: bool) -> Self {
        self.idempotent_method = idempotent;
        self
    }

    /// The request's method; sets [`RetryInput::idempotent_method`] with
    /// [`is_idempotent_method`].
    #[must_use]
    pub fn method(self, method: &str) -> Self {
        self.idempotent_method(is_idempotent_method(method))
    }

    /// The client's retry budget; a retry withdraws its cost from it.
    #[must_use]
    pub fn budget(mut self, budget: &'a RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The random value for the jitter, uniform in `[0, 1)` (see
    /// [`unit_interval_from_bits`](super::unit_interval_from_bits) to make one
    /// from random bits). Clamped into `[0, 1]`; NaN counts as 0.
    #[must_use]
    pub fn random(mut self, random: f64) -> Self {
        self.random = random;
        self
    }

    /// The current time in Unix seconds (for an HTTP-date `Retry-After`).
    #[must_use]
    pub fn now(mut self, now_unix: i64) -> Self {
        self.now_unix = now_unix;
        self
    }

    /// The failure.
    pub fn failure(&self) -> Failure<'a> {
        self.failure
    }

    /// The server-advised wait (HTTP failures only): a valid `Retry-After`,
    /// else the rate-limit hint the caller passed, else what the response's
    /// rate-limit headers say ([`RateLimitInfo::wait_before_next`]: the
    /// draft `RateLimit` `t` or `X-RateLimit-Reset` when the remaining quota
    /// is 0, or `Retry-After-Ms`).
    pub fn server_delay(&self) -> Option<Duration> {
        self.retry_after()
            .or(self.rate_limit_hint)
            .or_else(|| self.rate_limit_headers_wait())
    }

    fn rate_limit_headers_wait(&self) -> Option<Duration> {
        match self.failure {
            Failure::Http(_) => {
                RateLimitInfo::from_headers(self.headers, self.now_unix).wait_before_next()
            }
            Failure::Transport(_) => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self.failure {
            Failure::Http(_) => self
                .headers
                .get("Retry-After")
                .and_then(|v| parse_retry_after(v, self.now_unix)),
            Failure::Transport(_) => None,
        }
    }
}

/// Decides whether to retry after a failed attempt. Pure: no clock, no I/O, no
/// randomness; the only effect is withdrawing the retry's cost from the budget
/// passed in, and only when the answer is `Retry`.
///
/// The steps, in order (the first that applies wins):
///
/// 1. **Classify** the failure ([`DoNotRetryReason::Permanent`],
///    [`UserActionRequired`](DoNotRetryReason::UserActionRequired),
///    [`ServerDeclined`](DoNotRetryReason::ServerDeclined),
///    [`OutcomeUnknown`](DoNotRetryReason::OutcomeUnknown),
///    [`Deadline`](DoNotRetryReason::Deadline) for a cancellation, or a
///    [`RetryKind`]):
///    * transport: connect failures are retried; failures after sending only
///      with an idempotency key or an idempotent method (else `outcome_unknown`);
///      a stale pooled connection likewise, but at once, free of budget and
///      with one attempt beyond `max_attempts`; cancellation is `deadline`;
///    * card declines (see [`declines`](super::declines)) are never retried,
///      whatever the other signals say;
///    * `Should-Retry: false` (or an alias) stops any other status;
///    * 408, 425 → transient; 429 → throttling; 503 with a valid `Retry-After`
///      → throttling; 500, 502, 503, 504 → server error; 409 with code
///      `idempotency_key_in_use` or `lock_timeout` → conflict; any other status
///      is permanent unless the server said `Should-Retry: true`;
///    * a retryable response still needs an idempotency key or an idempotent
///      method, except 425, 429, 409-in-flight and `Should-Retry: true`, which
///      say the request was not processed (else `outcome_unknown`).
/// 2. **Attempts**: if `attempt >= max_attempts` → `attempts_exhausted`.
/// 3. **Server-advised wait**: `Retry-After` (seconds or HTTP-date against
///    `now`), else the rate-limit hint. Longer than `max_retry_after` →
///    `retry_after_too_long`.
/// 4. **Delay** = `max(server wait, full-jitter backoff)`, the backoff with
///    base 1 s for throttling, 0 for a stale connection and 50 ms otherwise,
///    capped at 20 s. The server's
///    wait is a floor (RFC 9110: do not come back earlier); the jitter on top
///    still spreads clients that received the same `Retry-After`.
/// 5. **Deadline**: if `delay >= time_left` → `deadline`.
/// 6. **Budget**: withdraw the retry's cost (5 for throttling, 0 for a stale
///    connection, 14 otherwise);
///    if the bucket cannot pay → `budget_exhausted`.
pub fn decide(config: &RetryConfig, input: &RetryInput<'_>) -> RetryDecision {
    let (kind, retry_after) = match classify(input) {
        Ok(classified) => classified,
        Err(reason) => return RetryDecision::DoNotRetry { reason },
    };
    let stop = |reason| RetryDecision::DoNotRetry { reason };
    let attempt = input.attempt.max(1);
    let max_attempts = if kind == RetryKind::StaleConnection {
        config.max_attempts().saturating_add(1)
    } else {
        config.max_attempts()
    };
    if attempt >= max_attempts {
        return stop(DoNotRetryReason::AttemptsExhausted);
    }
    let server_delay = retry_after
        .or(input.rate_limit_hint)
        .or_else(|| input.rate_limit_headers_wait());
    if let Some(d) = server_delay {
        if d > config.max_retry_after() {
            return stop(DoNotRetryReason::RetryAfterTooLong { after: d });
        }
    }
    let base = match kind {
        RetryKind::Throttling => config.throttle_base_delay(),
        RetryKind::StaleConnection => Duration::ZERO,
        _ => config.base_delay(),
    };
    let backoff = exponential_backoff(base, config.max_backoff(), attempt, input.random);
    let after = server_delay.map_or(backoff, |d| d.max(backoff));
    if let Some(left) = input.time_left {
        if after >= left {
            return stop(DoNotRetryReason::Deadline);
        }
    }
    let tokens = match input.budget {
        None => 0,
        Some(budget) => match budget.try_acquire(kind) {
            Some(t) => t,
            None => return stop(DoNotRetryReason::BudgetExhausted),
        },
    };
    RetryDecision::Retry {
        after,
        kind,
        tokens,
    }
}

/// Step 1 of [`decide`]: the kind of retry, and the valid `Retry-After` (read
/// only once a response is known to be neither a decline nor refused by
/// `Should-Retry: false`).
fn classify(input: &RetryInput<'_>) -> Result<(RetryKind, Option<Duration>), DoNotRetryReason> {
    let resend_is_safe = input.has_idempotency_key || input.idempotent_method;
    let http = match input.failure {
        Failure::Transport(TransportFailure::Cancelled) => return Err(DoNotRetryReason::Deadline),
        Failure::Transport(TransportFailure::ConnectFailed) => {
            return Ok((RetryKind::Transient, None));
        }
        Failure::Transport(TransportFailure::FailedAfterSend) => {
            return if resend_is_safe {
                Ok((RetryKind::Transient, None))
            } else {
                Err(DoNotRetryReason::OutcomeUnknown)
            };
        }
        Failure::Transport(TransportFailure::StaleConnection) => {
            return if resend_is_safe {
                Ok((RetryKind::StaleConnection, None))
            } else {
                Err(DoNotRetryReason::OutcomeUnknown)
            };
        }
        Failure::Http(http) => http,
    };
    if let Some(action) = http.decline_action() {
        return Err(DoNotRetryReason::UserActionRequired(action));
    }
    let should_retry = should_retry_header(input.headers);
    if should_retry == Some(false) {
        return Err(DoNotRetryReason::ServerDeclined);
    }
    let server_says_retry = should_retry == Some(true);
    let retry_after = input.retry_after();
    let has_retry_after = retry_after.is_some();
    let in_flight = matches!(http.code, Some("idempotency_key_in_use" | "lock_timeout"));
    let kind = match http.status {
        408 | 425 => RetryKind::Transient,
        429 => RetryKind::Throttling,
        503 if has_retry_after => RetryKind::Throttling,
        500 | 502 | 503 | 504 => RetryKind::ServerError,
        409 if in_flight || server_says_retry => RetryKind::Conflict,
        _ if server_says_retry => RetryKind::ServerRequested,
        _ => return Err(DoNotRetryReason::Permanent),
    };
    let not_processed =
        matches!(http.status, 425 | 429) || kind == RetryKind::Conflict || server_says_retry;
    if not_processed || resend_is_safe {
        Ok((kind, retry_after))
    } else {
        Err(DoNotRetryReason::OutcomeUnknown)
    }
}
