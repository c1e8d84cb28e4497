//! [`PaycoreError`]: the one public error of the mobile bindings, mapped from
//! the core's errors in one place ([`From`] impls below).
//!
//! In Kotlin it is the sealed class `PaycoreException` (one subclass per
//! variant, `catch (e: PaycoreException.Webhook)`), in Swift the enum
//! `PaycoreError` (`catch PaycoreError.Webhook(let code, ...)`). Every variant
//! carries the core's stable `code` (the `reason` strings of the conformance
//! vectors) and a human `detail`; none carries secret material.
//!
//! The variants from `CardError` on are the API client's: one per
//! [`paycore_sdk::ErrorKind`] (the SDK's stable codes, [`paycore_sdk::ERROR_CODES`]),
//! each with the kind's own fields and the call's metadata (`request_id`,
//! `attempts`, `idempotency_key`, `status`), mapped in one place
//! (`From<paycore_sdk::Error>` below).

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
    /// A signed request was refused by `verifyRequest` (`signature_invalid`,
    /// `window_invalid`, `replayed`, `key_unknown`, `malformed_header`, ...).
    #[error("{detail} ({code})")]
    Verification {
        /// The stable code (the signing vectors' `reason`).
        code: String,
        /// The verifier's signature base, when it got that far (no secret
        /// in it): compare it with the signer's.
        signature_base: Option<String>,
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

    // --- the API client's (`Client`, over paycore-sdk): one variant per
    // `paycore_sdk::ErrorKind`, each with the call's metadata ---
    /// 402: the card was declined. Never retried.
    #[error("{detail}")]
    CardError {
        /// The API error code (`card_declined`, `expired_card`, ...).
        code: String,
        /// The issuer's decline code (`insufficient_funds`, ...).
        decline_code: Option<String>,
        /// What the merchant or customer must do (`update_card_details`,
        /// `try_again_later`, ...): the core's decline table.
        action: Option<String>,
        /// The failed payment's id, when the server created one.
        payment_id: Option<String>,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 400 (and other 4xx not listed): the request is invalid.
    #[error("{detail}")]
    InvalidRequest {
        /// The API error code (`parameter_invalid`, ...).
        code: String,
        /// The request field at fault.
        param: Option<String>,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 401: the signature, key or clock was refused.
    #[error("{detail}")]
    Authentication {
        /// The verifier's reason (`signature_invalid`, ...).
        code: String,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 403: the key may not do this.
    #[error("{detail}")]
    Permission {
        /// The API error code.
        code: String,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 404: no such object (or route).
    #[error("{detail}")]
    NotFound {
        /// The API error code (`resource_missing`, `route_not_found`, ...).
        code: String,
        /// The parameter naming the missing object.
        param: Option<String>,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 409: the object's state forbids this, or the same idempotency key is
    /// still in flight.
    #[error("{detail}")]
    Conflict {
        /// The API error code (`payment_invalid_state`, ...).
        code: String,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 422 `idempotency_key_mismatch`: the key was used with another request.
    #[error("{detail}")]
    IdempotencyMismatch {
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 429 after the retries allowed.
    #[error("{detail}")]
    RateLimited {
        /// The API error code (`rate_limited`, `too_many_failed_attempts`).
        code: String,
        /// The server's `Retry-After`, in milliseconds.
        retry_after_ms: Option<u64>,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        /// The HTTP status of the last response.
        status: Option<u16>,
    },
    /// 5xx (or an unexpected status) after the retries allowed.
    #[error("{detail}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The API error code (`unknown` without an error body).
        code: String,
        /// Why the SDK stopped retrying (the core's reason code).
        retry_reason: Option<String>,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
    },
    /// The deadline (or, with no retry left, the attempt's timeout) passed.
    #[error("{detail}")]
    Timeout {
        /// Whether the request may have reached the server.
        maybe_sent: bool,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`, if a response arrived earlier.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried: retry with it.
        idempotency_key: Option<String>,
    },
    /// The connection failed.
    #[error("{detail}")]
    Connection {
        /// Whether the request may have reached the server (false when
        /// connecting failed).
        maybe_sent: bool,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`, if a response arrived earlier.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The idempotency key the request carried: retry with it.
        idempotency_key: Option<String>,
    },
    /// The request may have taken effect, and the client could not find out:
    /// reconcile with the idempotency key before trying again.
    #[error("{detail}")]
    OutcomeUnknown {
        /// The key the request was sent with, if any.
        idempotency_key: Option<String>,
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`, if a response arrived.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
    },
    /// A success response whose body is not the expected JSON.
    #[error("{detail}")]
    Decode {
        /// The SDK's message.
        detail: String,
        /// The server's `Request-Id`.
        request_id: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The HTTP status of the response.
        status: Option<u16>,
    },
    /// The client or the request could not be built (bad base URL, secret,
    /// idempotency key, parameters); nothing was sent.
    #[error("{detail}")]
    InvalidConfiguration {
        /// What is wrong.
        detail: String,
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

impl From<paycore_sdk::Error> for PaycoreError {
    fn from(e: paycore_sdk::Error) -> Self {
        use paycore_sdk::ErrorKind as K;
        let detail = e.to_string();
        let request_id = e.request_id().map(str::to_owned);
        let attempts = e.attempts();
        let idempotency_key = e.idempotency_key().map(str::to_owned);
        let status = e.status();
        let retry_reason = e.retry_reason().map(|r| r.code().to_owned());
        match e.into_kind() {
            K::Card {
                code,
                decline_code,
                action,
                payment_id,
                ..
            } => PaycoreError::CardError {
                code,
                decline_code,
                action: action.map(|a| a.code().to_owned()),
                payment_id,
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::InvalidRequest { code, param, .. } => PaycoreError::InvalidRequest {
                code,
                param,
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::Authentication { code, .. } => PaycoreError::Authentication {
                code,
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::Permission { code, .. } => PaycoreError::Permission {
                code,
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::NotFound { code, param, .. } => PaycoreError::NotFound {
                code,
                param,
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::Conflict { code, .. } => PaycoreError::Conflict {
                code,
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::IdempotencyMismatch { .. } => PaycoreError::IdempotencyMismatch {
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::RateLimited {
                retry_after, code, ..
            } => PaycoreError::RateLimited {
                code,
                retry_after_ms: retry_after
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                detail,
                request_id,
                attempts,
                idempotency_key,
                status,
            },
            K::Api {
                status: api_status,
                code,
                ..
            } => PaycoreError::Api {
                status: api_status,
                code,
                retry_reason,
                detail,
                request_id,
                attempts,
                idempotency_key,
            },
            K::Timeout { maybe_sent } => PaycoreError::Timeout {
                maybe_sent,
                detail,
                request_id,
                attempts,
                idempotency_key,
            },
            K::Connection { maybe_sent, .. } => PaycoreError::Connection {
                maybe_sent,
                detail,
                request_id,
                attempts,
                idempotency_key,
            },
            K::OutcomeUnknown {
                idempotency_key: key,
            } => PaycoreError::OutcomeUnknown {
                idempotency_key: key.or(idempotency_key),
                detail,
                request_id,
                attempts,
            },
            K::Decode { .. } => PaycoreError::Decode {
                detail,
                request_id,
                attempts,
                status,
            },
            // `InvalidConfiguration`, and any kind a newer SDK adds.
            _ => PaycoreError::InvalidConfiguration { detail },
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
