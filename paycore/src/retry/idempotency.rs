//! Idempotency keys: one per logical operation, reused on every attempt.
//!
//! The rule the SDK follows (and every binding must follow):
//!
//! 1. Mint the key **once**, before the first attempt, for every request that
//!    is not idempotent by method (every POST), even when retries are off: a
//!    caller may retry the whole operation by hand.
//! 2. Send the **same** key, byte for byte, on every attempt of that operation.
//!    A retry under a new key is a second payment.
//! 3. Mint a **new** key only for a new business operation — for example when a
//!    decline's action is [`UserAction::RetryLaterWithNewKey`](super::UserAction::RetryLaterWithNewKey):
//!    the old key would only replay the stored decline.
//!
//! [`IdempotencyKey::from_random`] turns 16 caller-supplied random bytes into a
//! UUID v4 (paycore draws no randomness of its own);
//! [`IdempotencyKey::new`] validates a key the caller chose (1 to 255 printable
//! ASCII characters, the limit Stripe applies).
//!
//! The loop shape:
//!
//! ```
//! use std::time::Duration;
//! use paycore::retry::{decide, Failure, IdempotencyKey, RetryConfig, RetryDecision, RetryInput};
//!
//! # fn send(_key: &IdempotencyKey, attempt: u32) -> Result<u16, Failure<'static>> {
//! #     if attempt < 3 { Err(Failure::status(503)) } else { Ok(200) }
//! # }
//! let config = RetryConfig::standard();
//! let budget = config.new_budget(); // shared by the whole client
//! let key = IdempotencyKey::from_random([7; 16]); // once, before the loop
//! let mut attempt = 1;
//! let mut last_tokens = None;
//! let outcome = loop {
//!     match send(&key, attempt) {
//!         Ok(status) => {
//!             budget.record_success(last_tokens);
//!             break Ok(status);
//!         }
//!         Err(failure) => {
//!             let input = RetryInput::new(failure)
//!                 .attempt(attempt)
//!                 .idempotency_key(true)
//!                 .time_left(Duration::from_secs(30))
//!                 .budget(&budget)
//!                 .random(0.5);
//!             match decide(&config, &input) {
//!                 RetryDecision::Retry { after, tokens, .. } => {
//!                     // the SDK sleeps `after` here
//!                     # let _ = after;
//!                     last_tokens = Some(tokens);
//!                     attempt += 1;
//!                 }
//!                 RetryDecision::DoNotRetry { reason } => break Err(reason),
//!             }
//!         }
//!     }
//! };
//! assert_eq!(outcome, Ok(200));
//! ```

use std::fmt;

/// The name of the request header that carries the key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// The longest key [`IdempotencyKey::new`] accepts.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// A validated idempotency key: 1 to 255 printable ASCII characters.
///
/// Keys are not secrets, so `Debug` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// Why a caller-supplied idempotency key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdempotencyKeyError {
    /// The key is empty.
    #[error("the idempotency key is empty")]
    Empty,
    /// The key is longer than 255 bytes.
    #[error("the idempotency key is {len} bytes long; at most 255 are allowed")]
    TooLong {
        /// The length of the refused key in bytes.
        len: usize,
    },
    /// A byte is not printable ASCII (0x20..=0x7E), or the key starts or ends
    /// with a space (which HTTP would strip).
    #[error("the idempotency key has a character that is not printable ASCII at byte {index}")]
    InvalidCharacter {
        /// The byte offset of the first offending character.
        index: usize,
    },
}

impl IdempotencyKeyError {
    /// The stable code of this error.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Empty => "idempotency_key_empty",
            Self::TooLong { .. } => "idempotency_key_too_long",
            Self::InvalidCharacter { .. } => "idempotency_key_invalid_character",
        }
    }
}

impl IdempotencyKey {
    /// Validates a key chosen by the caller: 1 to 255 bytes of printable ASCII
    /// (0x20..=0x7E), not starting or ending with a space.
    pub fn new(key: impl Into<String>) -> Result<Self, IdempotencyKeyError> {
        let key = key.into();
        let bytes = key.as_bytes();
        if bytes.is_empty() {
            return Err(IdempotencyKeyError::Empty);
        }
        if bytes.len() > MAX_IDEMPOTENCY_KEY_LEN {
            return Err(IdempotencyKeyError::TooLong { len: bytes.len() });
        }
        let last = bytes.len().saturating_sub(1);
        if let Some(index) = bytes
            .iter()
            .enumerate()
            .position(|(i, &b)| !(0x20..=0x7e).contains(&b) || (b == b' ' && (i == 0 || i == last)))
        {
            return Err(IdempotencyKeyError::InvalidCharacter { index });
        }
        Ok(Self(key))
    }

    /// Mints a UUID version 4 key (lower-case, hyphenated) from 16 random bytes
    /// supplied by the caller: the version (4) and variant (RFC 9562 `10`) bits
    /// are set, the other 122 bits are the caller's.
    pub fn from_random(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        Self(s)
    }

    /// The key as sent in the `Idempotency-Key` header.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IdempotencyKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for IdempotencyKey {
    type Err = IdempotencyKeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::super::{
        Failure, HttpFailure, RetryConfig, RetryDecision, RetryInput, TransportFailure, decide,
    };
    use super::*;
    use std::time::Duration;

    #[test]
    fn uuid_v4_shape() {
        let k = IdempotencyKey::from_random([0xff; 16]);
        assert_eq!(k.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let k = IdempotencyKey::from_random([0; 16]);
        assert_eq!(k.as_str(), "00000000-0000-4000-8000-000000000000");
        let k = IdempotencyKey::from_random(
            *b"\x8e\x03\x97\x8e\x40\xd5\x43\xe8\xbc\x93\x68\x94\xa5\x7f\x93\x24",
        );
        assert_eq!(k.as_str(), "8e03978e-40d5-43e8-bc93-6894a57f9324");
        // Every minted key is a valid caller key too.
        assert_eq!(IdempotencyKey::new(k.as_str()).unwrap(), k);
    }

    #[test]
    fn caller_keys_are_validated() {
        assert!(IdempotencyKey::new("order-1234:attempt").is_ok());
        assert!(IdempotencyKey::new("a b").is_ok());
        assert!(IdempotencyKey::new("x".repeat(255)).is_ok());
        assert_eq!(IdempotencyKey::new(""), Err(IdempotencyKeyError::Empty));
        assert_eq!(
            IdempotencyKey::new("x".repeat(256)),
            Err(IdempotencyKeyError::TooLong { len: 256 })
        );
        for (k, index) in [
            (" a", 0),
            ("a ", 1),
            ("a\nb", 1),
            ("é", 0),
            ("ab\x7f", 2),
            ("\t", 0),
        ] {
            let e = IdempotencyKey::new(k).unwrap_err();
            assert_eq!(e, IdempotencyKeyError::InvalidCharacter { index }, "{k:?}");
            assert_eq!(e.code(), "idempotency_key_invalid_character");
        }
    }

    /// A fake transport failing with a scripted sequence of outcomes and
    /// recording the key of every attempt.
    struct FakeTransport {
        script: Vec<Result<u16, Failure<'static>>>,
        seen_keys: Vec<String>,
    }

    impl FakeTransport {
        fn send(&mut self, key: &IdempotencyKey) -> Result<u16, Failure<'static>> {
            self.seen_keys.push(key.as_str().to_owned());
            if self.script.is_empty() {
                Ok(200)
            } else {
                self.script.remove(0)
            }
        }
    }

    /// The loop shape the SDK must follow: one key per logical operation,
    /// minted before the loop, the same key on every attempt.
    fn run_operation(
        transport: &mut FakeTransport,
        random_bytes: [u8; 16],
        config: &RetryConfig,
    ) -> Result<u16, super::super::DoNotRetryReason> {
        let budget = config.new_budget();
        let key = IdempotencyKey::from_random(random_bytes);
        let mut attempt = 1;
        let mut last_tokens = None;
        loop {
            match transport.send(&key) {
                Ok(s) => {
                    budget.record_success(last_tokens);
                    return Ok(s);
                }
                Err(failure) => {
                    let input = RetryInput::new(failure)
                        .attempt(attempt)
                        .idempotency_key(true)
                        .time_left(Duration::from_secs(60))
                        .budget(&budget)
                        .random(0.5);
                    match decide(config, &input) {
                        RetryDecision::Retry { tokens, .. } => {
                            last_tokens = Some(tokens);
                            attempt += 1;
                        }
                        RetryDecision::DoNotRetry { reason } => return Err(reason),
                    }
                }
            }
        }
    }

    #[test]
    fn one_key_per_operation_reused_on_every_attempt() {
        let config = RetryConfig::standard();
        let mut t = FakeTransport {
            script: vec![
                Err(Failure::Transport(TransportFailure::FailedAfterSend)),
                Err(Failure::status(503)),
            ],
            seen_keys: vec![],
        };
        assert_eq!(run_operation(&mut t, [1; 16], &config), Ok(200));
        assert_eq!(t.seen_keys.len(), 3);
        assert!(t.seen_keys.iter().all(|k| *k == t.seen_keys[0]));

        // A second logical operation gets its own key.
        let first = t.seen_keys[0].clone();
        t.seen_keys.clear();
        assert_eq!(run_operation(&mut t, [2; 16], &config), Ok(200));
        assert_eq!(t.seen_keys.len(), 1);
        assert_ne!(t.seen_keys[0], first);
    }

    #[test]
    fn the_loop_stops_at_the_attempt_limit_and_on_declines() {
        let config = RetryConfig::standard();
        let mut t = FakeTransport {
            script: vec![Err(Failure::status(500)); 5],
            seen_keys: vec![],
        };
        assert_eq!(
            run_operation(&mut t, [3; 16], &config).map_err(|r| r.code()),
            Err("attempts_exhausted")
        );
        assert_eq!(t.seen_keys.len(), 3);

        let mut t = FakeTransport {
            script: vec![Err(Failure::Http(
                HttpFailure::new(402)
                    .with_error_type("card_error")
                    .with_code("card_declined"),
            ))],
            seen_keys: vec![],
        };
        assert_eq!(
            run_operation(&mut t, [4; 16], &config).map_err(|r| r.code()),
            Err("user_action_required")
        );
        assert_eq!(t.seen_keys.len(), 1);
    }
}
