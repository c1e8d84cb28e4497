//! The one error type of the SDK: [`Error`], a [`ErrorKind`] plus what is
//! known about the call ([`Error::request_id`], [`Error::attempts`],
//! [`Error::idempotency_key`], [`Error::stage`]).
//!
//! Like smithy-rs's `SdkError`, an error says how far the request got
//! ([`Stage`]): it was never built (`construction`), no usable response
//! arrived (`dispatch`: timeout, connection, outcome unknown), or the server
//! answered with an error (`response`). Every kind has a stable
//! [`code`](ErrorKind::code): the Python, Node and Kotlin bindings map these
//! 1:1 to their own error classes.

use std::fmt;
use std::time::Duration;

use paycore::retry::{DoNotRetryReason, UserAction};

/// How far a failed request got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// The request could not be built or signed; nothing was sent.
    Construction,
    /// No usable response arrived (timeout, connection failure, outcome unknown).
    Dispatch,
    /// The server answered with an error status, or with a body that could
    /// not be read.
    Response,
}

impl Stage {
    /// The stable code: `construction`, `dispatch`, `response`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Construction => "construction",
            Self::Dispatch => "dispatch",
            Self::Response => "response",
        }
    }
}

/// What went wrong. Each variant has a stable [`code`](ErrorKind::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 402: the card was declined. Never retried by the SDK.
    #[error("card error {code} ({}): {message}", decline_code.as_deref().unwrap_or("no decline code"))]
    Card {
        /// The error code (`card_declined`, `expired_card`, `incorrect_cvc`, ...).
        code: String,
        /// The issuer's decline code (`insufficient_funds`, ...), if any.
        decline_code: Option<String>,
        /// What the merchant or customer must do (from `paycore::retry::declines`).
        action: Option<UserAction>,
        /// The failed payment's id, when the server created one.
        payment_id: Option<String>,
        /// The server's message.
        message: String,
    },
    /// 400 (and other 4xx not listed below): the request is invalid.
    #[error("invalid request {code}{}: {message}", param.as_deref().map(|p| format!(" (param {p})")).unwrap_or_default())]
    InvalidRequest {
        /// The error code (`parameter_invalid`, `amount_too_small`, ...).
        code: String,
        /// The request field at fault, if any.
        param: Option<String>,
        /// The server's message.
        message: String,
    },
    /// 401: the signature, key or clock was refused.
    #[error("authentication failed ({code}): {message}")]
    Authentication {
        /// The verifier's reason (`signature_invalid`, `window_invalid`, ...).
        code: String,
        /// The server's message.
        message: String,
    },
    /// 403: the key may not do this.
    #[error("permission denied ({code}): {message}")]
    Permission {
        /// The error code.
        code: String,
        /// The server's message.
        message: String,
    },
    /// 404: no such object (or route).
    #[error("not found ({code}): {message}")]
    NotFound {
        /// The error code (`resource_missing`, ...).
        code: String,
        /// The parameter naming the missing object, if any.
        param: Option<String>,
        /// The server's message.
        message: String,
    },
    /// 409: the object's state forbids this (`payment_invalid_state`), or the
    /// same idempotency key is still in flight after the retries allowed.
    #[error("conflict ({code}): {message}")]
    Conflict {
        /// The error code.
        code: String,
        /// The server's message.
        message: String,
    },
    /// 422 `idempotency_key_mismatch`: the key was used with another request.
    #[error("idempotency key reused with a different request: {message}")]
    IdempotencyMismatch {
        /// The server's message.
        message: String,
    },
    /// 429 after the retries allowed.
    #[error("rate limited{}: {message}", retry_after.map(|d| format!(" (retry after {} ms)", d.as_millis())).unwrap_or_default())]
    RateLimited {
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// The error code (`rate_limited`, `too_many_failed_attempts`).
        code: String,
        /// The server's message.
        message: String,
    },
    /// 5xx (or an unexpected status) after the retries allowed.
    #[error("API error {status} ({code}): {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The error code, or `unknown` without an error body.
        code: String,
        /// The server's message.
        message: String,
    },
    /// The overall deadline (or, with no retry left, the per-attempt timeout)
    /// passed. Requests that carried an idempotency key can be retried with
    /// [`Error::idempotency_key`].
    #[error("the request timed out")]
    Timeout {
        /// Whether the request may have reached the server.
        maybe_sent: bool,
    },
    /// The connection failed.
    #[error("connection failed: {message}")]
    Connection {
        /// Whether the request may have reached the server (false when
        /// connecting failed).
        maybe_sent: bool,
        /// What the transport said.
        message: String,
    },
    /// The request was sent, may have taken effect, and could not be retried
    /// safely: look the object up, or send it again under `idempotency_key`.
    #[error("the outcome of the request is unknown; reconcile before retrying")]
    OutcomeUnknown {
        /// The idempotency key the request carried (`None` if it had none):
        /// sending the same request with it again cannot apply it twice.
        idempotency_key: Option<String>,
    },
    /// A success response whose body is not the expected JSON.
    #[error("the response body could not be decoded: {message}")]
    Decode {
        /// The decoder's message.
        message: String,
    },
    /// The client or the request could not be built (bad base URL, key,
    /// idempotency key, parameters).
    #[error("invalid configuration: {message}")]
    InvalidConfiguration {
        /// What is wrong.
        message: String,
    },
}

/// An [`ErrorKind`]'s own fields, flattened ([`ErrorKind::details`]), so
/// that every binding builds its error objects from one mapping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorDetails<'a> {
    /// The server's error code (`card_declined`, `parameter_invalid`,
    /// `idempotency_key_mismatch`, ...), for the kinds answered by the server.
    pub code: Option<&'a str>,
    /// Card errors: the issuer's decline code.
    pub decline_code: Option<&'a str>,
    /// Card errors: what the merchant or customer must do.
    pub action: Option<UserAction>,
    /// Card errors: the failed payment's id.
    pub payment_id: Option<&'a str>,
    /// Invalid-request and not-found errors: the parameter at fault.
    pub param: Option<&'a str>,
    /// Rate-limit errors: the server's `Retry-After`.
    pub retry_after: Option<Duration>,
    /// API errors: the HTTP status.
    pub api_status: Option<u16>,
    /// Timeout, connection and outcome-unknown errors: whether the request
    /// may have reached the server.
    pub maybe_sent: Option<bool>,
}

impl ErrorKind {
    /// The stable code of this kind (what the bindings use).
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Card { .. } => "card_error",
            Self::InvalidRequest { .. } => "invalid_request",
            Self::Authentication { .. } => "authentication",
            Self::Permission { .. } => "permission",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::IdempotencyMismatch { .. } => "idempotency_mismatch",
            Self::RateLimited { .. } => "rate_limited",
            Self::Api { .. } => "api_error",
            Self::Timeout { .. } => "timeout",
            Self::Connection { .. } => "connection",
            Self::OutcomeUnknown { .. } => "outcome_unknown",
            Self::Decode { .. } => "decode",
            Self::InvalidConfiguration { .. } => "invalid_configuration",
        }
    }

    /// The kind's own fields, flattened: what a binding's error object
    /// carries beside the common metadata. Fields the kind does not have
    /// are `None`.
    pub fn details(&self) -> ErrorDetails<'_> {
        let mut d = ErrorDetails::default();
        match self {
            Self::Card {
                code,
                decline_code,
                action,
                payment_id,
                ..
            } => {
                d.code = Some(code);
                d.decline_code = decline_code.as_deref();
                d.action = *action;
                d.payment_id = payment_id.as_deref();
            }
            Self::InvalidRequest { code, param, .. } | Self::NotFound { code, param, .. } => {
                d.code = Some(code);
                d.param = param.as_deref();
            }
            Self::Authentication { code, .. }
            | Self::Permission { code, .. }
            | Self::Conflict { code, .. } => d.code = Some(code),
            Self::IdempotencyMismatch { .. } => d.code = Some("idempotency_key_mismatch"),
            Self::RateLimited {
                retry_after, code, ..
            } => {
                d.code = Some(code);
                d.retry_after = *retry_after;
            }
            Self::Api { status, code, .. } => {
                d.code = Some(code);
                d.api_status = Some(*status);
            }
            Self::Timeout { maybe_sent } | Self::Connection { maybe_sent, .. } => {
                d.maybe_sent = Some(*maybe_sent);
            }
            Self::OutcomeUnknown { .. } => d.maybe_sent = Some(true),
            Self::Decode { .. } | Self::InvalidConfiguration { .. } => {}
        }
        d
    }

    /// How far the request got.
    pub const fn stage(&self) -> Stage {
        match self {
            Self::InvalidConfiguration { .. } => Stage::Construction,
            Self::Timeout { .. } | Self::Connection { .. } | Self::OutcomeUnknown { .. } => {
                Stage::Dispatch
            }
            _ => Stage::Response,
        }
    }
}

/// Every code [`ErrorKind::code`] can return, for bindings that build a
/// class per code.
pub const ERROR_CODES: [&str; 14] = [
    "card_error",
    "invalid_request",
    "authentication",
    "permission",
    "not_found",
    "conflict",
    "idempotency_mismatch",
    "rate_limited",
    "api_error",
    "timeout",
    "connection",
    "outcome_unknown",
    "decode",
    "invalid_configuration",
];

/// An SDK error: the [`ErrorKind`] and the call's metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    meta: Box<Meta>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Meta {
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) retry_reason: Option<DoNotRetryReason>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, meta: Meta) -> Self {
        Self {
            kind,
            meta: Box::new(meta),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::InvalidConfiguration {
                message: message.into(),
            },
            Meta::default(),
        )
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The stable code of the kind ([`ErrorKind::code`]).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// How far the request got.
    pub fn stage(&self) -> Stage {
        self.kind.stage()
    }

    /// The `Request-Id` of the last response, when one arrived.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }

    /// The number of attempts made (0 if nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.meta.attempts
    }

    /// The idempotency key the request carried, if any.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.meta.idempotency_key.as_deref()
    }

    /// The HTTP status of the last response, when one arrived.
    pub fn status(&self) -> Option<u16> {
        self.meta.status
    }

    /// Why the SDK stopped retrying (the core's decision), when it decided.
    pub fn retry_reason(&self) -> Option<DoNotRetryReason> {
        self.meta.retry_reason
    }

    /// The decline action of a card error.
    pub fn decline_action(&self) -> Option<UserAction> {
        match &self.kind {
            ErrorKind::Card { action, .. } => *action,
            _ => None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("request_id", &self.meta.request_id)
            .field("attempts", &self.meta.attempts)
            .field("idempotency_key", &self.meta.idempotency_key)
            .field("status", &self.meta.status)
            .field("retry_reason", &self.meta.retry_reason)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(id) = &self.meta.request_id {
            write!(f, " [request {id}]")?;
        }
        write!(f, " after {} attempt(s)", self.meta.attempts)
    }
}

impl std::error::Error for Error {}
