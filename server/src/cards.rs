//! Test cards, currencies and input bounds.
//!
//! | card number        | outcome |
//! |--------------------|---------|
//! | 4242424242424242   | succeeds |
//! | 4000000000000002   | 402 `card_declined` / `generic_decline` |
//! | 4000000000009995   | 402 `card_declined` / `insufficient_funds` |
//! | 4000000000000069   | 402 `expired_card` / `expired_card` |
//! | 4000000000000127   | 402 `incorrect_cvc` / `incorrect_cvc` |
//! | 4000000000000119   | 402 `processing_error` / `processing_error` |
//! | 4000002500003155   | `requires_action` until confirmed |
//!
//! Any other number that passes the Luhn check succeeds, like 4242...

/// Largest accepted amount, in minor units of any currency.
pub const MAX_AMOUNT: i64 = 99_999_999;

/// Supported currencies (ISO 4217) and their minor-unit exponents.
pub const CURRENCIES: &[(&str, u8)] = &[
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("INR", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PLN", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("USD", 2),
];

/// The exponent of a supported currency (code in any case), and its canonical code.
pub fn currency(code: &str) -> Option<(&'static str, u8)> {
    CURRENCIES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .copied()
}

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The charge succeeds.
    Succeed,
    /// The card needs authentication: the payment waits in `requires_action`.
    RequiresAction,
    /// The card is declined.
    Decline(Decline),
}

/// A decline: envelope `code`, `decline_code` and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decline {
    /// Envelope `code`.
    pub code: &'static str,
    /// Envelope `decline_code`.
    pub decline_code: &'static str,
    /// Message for the developer.
    pub message: &'static str,
}

impl Outcome {
    /// The stored name of the outcome.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Succeed => "succeed",
            Outcome::RequiresAction => "requires_action",
            Outcome::Decline(d) => d.decline_code,
        }
    }

    /// Parses a stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "succeed" => Some(Outcome::Succeed),
            "requires_action" => Some(Outcome::RequiresAction),
            other => DECLINES
                .iter()
                .find(|(_, d)| d.decline_code == other)
                .map(|(_, d)| Outcome::Decline(*d)),
        }
    }
}

const DECLINES: &[(&str, Decline)] = &[
    (
        "4000000000000002",
        Decline {
            code: "card_declined",
            decline_code: "generic_decline",
            message: "Your card was declined.",
        },
    ),
    (
        "4000000000009995",
        Decline {
            code: "card_declined",
            decline_code: "insufficient_funds",
            message: "Your card has insufficient funds.",
        },
    ),
    (
        "4000000000000069",
        Decline {
            code: "expired_card",
            decline_code: "expired_card",
            message: "Your card has expired.",
        },
    ),
    (
        "4000000000000127",
        Decline {
            code: "incorrect_cvc",
            decline_code: "incorrect_cvc",
            message: "Your card's security code is incorrect.",
        },
    ),
    (
        "4000000000000119",
        Decline {
            code: "processing_error",
            decline_code: "processing_error",
            message: "An error occurred while processing your card. Try again later.",
        },
    ),
];

/// A validated card: outcome, brand and last four digits (the full number is
/// never stored or logged).
#[derive(Debug, Clone)]
pub struct Card {
    /// What charging it does.
    pub outcome: Outcome,
    /// Brand guessed from the first digits.
    pub brand: &'static str,
    /// Last four digits.
    pub last4: String,
}

/// Validates a card number (digits, spaces allowed, 12-19 digits, Luhn).
pub fn parse_card(number: &str) -> Option<Card> {
    let digits: Vec<u8> = number
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| if b.is_ascii_digit() { b - b'0' } else { 255 })
        .collect();
    if !(12..=19).contains(&digits.len()) || digits.contains(&255) || !luhn(&digits) {
        return None;
    }
    let canonical: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let outcome = if canonical == "4000002500003155" {
        Outcome::RequiresAction
    } else if let Some((_, d)) = DECLINES.iter().find(|(n, _)| *n == canonical) {
        Outcome::Decline(*d)
    } else {
        Outcome::Succeed
    };
    let brand = match digits.first() {
        Some(4) => "visa",
        Some(5) => "mastercard",
        Some(3) => "amex",
        Some(6) => "discover",
        _ => "unknown",
    };
    let last4 = canonical
        .get(canonical.len().saturating_sub(4)..)?
        .to_owned();
    Some(Card {
        outcome,
        brand,
        last4,
    })
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_are_luhn_valid_and_mapped() {
        for n in [
            "4242424242424242",
            "4000000000000002",
            "4000000000009995",
            "4000000000000069",
            "4000000000000127",
            "4000000000000119",
            "4000002500003155",
        ] {
            assert!(parse_card(n).is_some(), "{n}");
        }
        assert_eq!(
            parse_card("4000002500003155").map(|c| c.outcome),
            Some(Outcome::RequiresAction)
        );
        assert!(parse_card("4242424242424241").is_none());
        assert!(parse_card("42424242x4242424").is_none());
        assert_eq!(
            parse_card("4242 4242 4242 4242").map(|c| c.last4),
            Some("4242".into())
        );
    }
}
