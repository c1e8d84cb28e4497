//! [`PaycoreError`]: the one public error of the mobile bindings, mapped from
//! the core's errors in one place ([`From`] impls below).
//!
//! In Kotlin it is the sealed class `PaycoreException` (one subclass per
//! variant, `catch (e: PaycoreException.Webhook)`), in Swift the enum
//! `PaycoreError` (`catch PaycoreError.Webhook(let code, ...)`). Every variant
//! carries the core's stable `code` (the `reason` strings of the conformance
//! vectors) and a human `detail`; none carries secret material.
//!
//! The variants from `CardError` on are the HTTP client's (the next round
//! wraps `paycore-sdk`); they are declared now so that the sealed class and
//! the Swift enum keep their shape when the client arrives. Each carries the
//! server's `request_id` and the number of `attempts` made.

use paycore::KeyError;
use paycore::digest::DigestError;
use paycore::signing::SignError;
use paycore::webhook::WebhookError;

/// Every error the paycore mobile bindings raise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum PaycoreError {
    /// A webhook could not be verified or signed, or a [`crate::Webhook`]
    /// could not be built (bad scheme name, bad secret).
    #[error("{detail} ({reason})")]
    Webhook {
        /// The stable code (`no_matching_signature`, `timestamp_too_old`,
        /// `missing_header`, `invalid_secret`, ...).
        code: String,
        /// The code, plus `:<header>` for `missing_header`
        /// (`missing_header:webhook-id`): the vectors' `reason`.
        reason: String,
        /// The lower-case header name, for `missing_header`.
        header: Option<String>,
        /// A human description (no secret in it).
        detail: String,
    },
    /// A request could not be signed (`invalid_url`, `nonce_too_short`,
    /// `invalid_key_id`, `component_missing`, ...).
    #[error("{detail} ({code})")]
    Signing {
        /// The stable code.
        code: String,
        /// A human description.
        detail: String,
    },
    /// Key material was rejected (`empty_key`, `invalid_key_length`,
    /// `invalid_key`).
    #[error("{detail} ({code})")]
    Key {
        /// The stable code.
        code: String,
        /// A human description (no key material in it).
        detail: String,
    },
    /// A `Content-Digest` was refused (`malformed_header`,
    /// `digest_unsupported`, `digest_mismatch`).
    #[error("{detail} ({code})")]
    Digest {
        /// The stable code.
        code: String,
        /// The algorithm that did not match, for `digest_mismatch`.
        algorithm: Option<String>,
        /// A human description.
        detail: String,
    },
    /// An argument cannot be converted to the core's input (`invalid_status`,
    /// `unknown_transport_failure`, `invalid_random`, ...).
    #[error("{detail} ({code})")]
    InvalidArgument {
        /// The stable code.
        code: String,
        /// A human description.
        detail: String,
    },

    // --- the HTTP client's (next round) ---
    /// The card was declined (HTTP 402, `card_error`).
    #[error("the card was declined ({code})")]
    CardError {
        /// The API error code (`card_declined`, `expired_card`, ...).
        code: String,
        /// The issuer's decline code (`insufficient_funds`, ...).
        decline_code: Option<String>,
        /// What the customer must do (`update_card_details`, `try_again_later`, ...).
        action: Option<String>,
        /// The server's request id.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
    },
    /// The server kept throttling and the retries ran out.
    #[error("rate limited")]
    RateLimited {
        /// How long the server asked to wait, in milliseconds.
        retry_after_ms: Option<u64>,
        /// The server's request id.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
    },
    /// The request may have taken effect, and the client could not find out:
    /// reconcile with the idempotency key before trying again.
    #[error("the outcome of the request is unknown")]
    OutcomeUnknown {
        /// The key the request was sent with, if any.
        idempotency_key: Option<String>,
        /// The server's request id, if a response arrived.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
    },
    /// Any other error response of the API.
    #[error("API error {status} ({code})")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The API error code.
        code: String,
        /// The API error type.
        error_type: Option<String>,
        /// The server's request id.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
    },
    /// The request could not be sent, or no response arrived.
    #[error("transport failure ({code})")]
    Transport {
        /// The stable code (`connect_failed`, `timeout`, ...).
        code: String,
        /// Attempts made.
        attempts: u32,
    },
}

impl PaycoreError {
    /// An [`PaycoreError::InvalidArgument`].
    pub(crate) fn invalid(code: &str, detail: impl Into<String>) -> Self {
        PaycoreError::InvalidArgument {
            code: code.to_owned(),
            detail: detail.into(),
        }
    }
}

impl From<WebhookError> for PaycoreError {
    fn from(e: WebhookError) -> Self {
        PaycoreError::Webhook {
            code: e.code().to_owned(),
            reason: e.reason(),
            header: e.header().map(str::to_owned),
            detail: e.to_string(),
        }
    }
}

impl From<SignError> for PaycoreError {
    fn from(e: SignError) -> Self {
        PaycoreError::Signing {
            code: e.code().to_owned(),
            detail: e.to_string(),
        }
    }
}

impl From<DigestError> for PaycoreError {
    fn from(e: DigestError) -> Self {
        PaycoreError::Digest {
            code: e.code().to_owned(),
            algorithm: match &e {
                DigestError::Mismatch { algorithm } => Some((*algorithm).to_owned()),
                _ => None,
            },
            detail: e.to_string(),
        }
    }
}

impl From<KeyError> for PaycoreError {
    fn from(e: KeyError) -> Self {
        PaycoreError::Key {
            code: e.code().to_owned(),
            detail: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_errors_keep_code_reason_and_header() {
        let e = PaycoreError::from(WebhookError::MissingHeader("webhook-id"));
        let PaycoreError::Webhook {
            code,
            reason,
            header,
            ..
        } = &e
        else {
            panic!("not a webhook error: {e:?}");
        };
        assert_eq!(code, "missing_header");
        assert_eq!(reason, "missing_header:webhook-id");
        assert_eq!(header.as_deref(), Some("webhook-id"));
        assert!(e.to_string().contains("missing_header:webhook-id"));
    }

    #[test]
    fn key_and_sign_errors_keep_codes() {
        let e = PaycoreError::from(KeyError::Empty);
        assert!(matches!(e, PaycoreError::Key { ref code, .. } if code == "empty_key"));
        let e = PaycoreError::from(SignError::InvalidUrl);
        assert!(matches!(e, PaycoreError::Signing { ref code, .. } if code == "invalid_url"));
    }
}
