//! [`WebhookError`]: why a webhook could not be verified or signed, or why a
//! verifier or signer could not be built.

/// Why a webhook was rejected, or why a verifier or signer could not be built.
///
/// [`WebhookError::code`] is the stable, machine-readable code (what the
/// bindings expose); [`WebhookError::reason`] adds the header name for
/// [`WebhookError::MissingHeader`] (`missing_header:webhook-id`), which is the
/// `reason` string of the conformance vectors. Neither, nor `Display` or
/// `Debug`, ever contains secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    // --- verification ---
    /// A header the scheme needs is absent or empty. Carries its lower-case
    /// name.
    #[error("the {0} header is missing or empty")]
    MissingHeader(&'static str),
    /// The signature header cannot be parsed at all (Stripe: no `t=`, an item
    /// without `=`, a non-numeric or repeated `t`).
    #[error("the signature header is malformed")]
    MalformedHeader,
    /// The timestamp header is not a canonical decimal integer of Unix seconds.
    #[error("the webhook timestamp is not a decimal integer of Unix seconds")]
    InvalidTimestamp,
    /// The timestamp is older than `now` minus the tolerance.
    #[error("the webhook timestamp is older than the tolerance allows")]
    TimestampTooOld,
    /// The timestamp is later than `now` plus the tolerance.
    #[error("the webhook timestamp is further in the future than the tolerance allows")]
    TimestampTooNew,
    /// No signature in the header matches the body under any configured secret.
    #[error("no signature matches the body under any configured secret")]
    NoMatchingSignature,
    /// The message id is empty or contains `.`, which would make the signed
    /// content `{id}.{timestamp}.{body}` ambiguous.
    #[error("the webhook id is empty or contains '.'")]
    InvalidMsgId,

    // --- building a verifier or signer ---
    /// No secret was given.
    #[error("no secret was given")]
    NoSecrets,
    /// A secret is empty (or is only a prefix such as `whsec_`).
    #[error("the secret is empty")]
    EmptySecret,
    /// A Standard Webhooks secret has a prefix other than `whsec_`, `whsk_` or
    /// `whpk_`.
    #[error("the secret has an unknown prefix (expected whsec_, whsk_ or whpk_)")]
    InvalidSecretPrefix,
    /// A Standard Webhooks secret is not base64, or its bytes are not a valid
    /// key.
    #[error("the secret is not valid base64 or not a valid key")]
    InvalidSecret,
    /// An ed25519 key (`whsk_` / `whpk_`) decodes to the wrong number of bytes.
    #[error("the key must decode to {expected} bytes, got {got}")]
    InvalidSecretLength {
        /// Bytes the key needs.
        expected: usize,
        /// Bytes the secret decoded to.
        got: usize,
    },
    /// A public key (`whpk_`) was given to a signer, which needs a secret.
    #[error("a public key (whpk_) cannot sign")]
    SecretCannotSign,
    /// Several secrets were given to a signer of a scheme whose header carries
    /// a single signature (GitHub, Shopify, Razorpay).
    #[error("this scheme's signature header carries one signature: give one secret")]
    TooManySecrets,
    /// The scheme name is not one of `standard`, `svix`, `stripe`, `github`,
    /// `shopify`, `razorpay`.
    #[error("unknown webhook scheme")]
    UnknownScheme,
}

impl WebhookError {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::MissingHeader(_) => "missing_header",
            WebhookError::MalformedHeader => "malformed_header",
            WebhookError::InvalidTimestamp => "invalid_timestamp",
            WebhookError::TimestampTooOld => "timestamp_too_old",
            WebhookError::TimestampTooNew => "timestamp_too_new",
            WebhookError::NoMatchingSignature => "no_matching_signature",
            WebhookError::InvalidMsgId => "invalid_msg_id",
            WebhookError::NoSecrets => "no_secrets",
            WebhookError::EmptySecret => "empty_secret",
            WebhookError::InvalidSecretPrefix => "invalid_secret_prefix",
            WebhookError::InvalidSecret => "invalid_secret",
            WebhookError::InvalidSecretLength { .. } => "invalid_secret_length",
            WebhookError::SecretCannotSign => "secret_cannot_sign",
            WebhookError::TooManySecrets => "too_many_secrets",
            WebhookError::UnknownScheme => "unknown_scheme",
        }
    }

    /// The code, followed by `:<header name>` for [`WebhookError::MissingHeader`]
    /// (`missing_header:webhook-id`): the `reason` string of the vectors.
    pub fn reason(&self) -> String {
        match self {
            WebhookError::MissingHeader(name) => format!("missing_header:{name}"),
            other => other.code().to_owned(),
        }
    }

    /// The header name carried by [`WebhookError::MissingHeader`].
    pub fn header(&self) -> Option<&'static str> {
        match self {
            WebhookError::MissingHeader(name) => Some(name),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_reasons() {
        let e = WebhookError::MissingHeader("webhook-id");
        assert_eq!(e.code(), "missing_header");
        assert_eq!(e.reason(), "missing_header:webhook-id");
        assert_eq!(e.header(), Some("webhook-id"));
        assert_eq!(e.to_string(), "the webhook-id header is missing or empty");
        assert_eq!(WebhookError::TimestampTooNew.reason(), "timestamp_too_new");
        assert_eq!(WebhookError::InvalidMsgId.header(), None);
        let l = WebhookError::InvalidSecretLength {
            expected: 32,
            got: 31,
        };
        assert_eq!(l.code(), "invalid_secret_length");
        assert_eq!(l.to_string(), "the key must decode to 32 bytes, got 31");
    }
}
