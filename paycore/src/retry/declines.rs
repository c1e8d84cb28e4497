//! Card declines: never retried by the SDK, each mapped to the action the
//! merchant or customer must take.
//!
//! A failure is a card decline when any of these holds:
//!
//! * the HTTP status is `402 Payment Required`;
//! * the error `type` is `card_error`;
//! * the error carries a non-empty `decline_code`;
//! * the error `code` is one of the decline codes below (`card_declined`,
//!   `expired_card`, `insufficient_funds`, ...).
//!
//! The action comes from the `decline_code` when it is known, else from the
//! `code`, else it is [`UserAction::UseAnotherPaymentMethod`]. Retrying a decline
//! with the same idempotency key only replays the stored decline; the actions
//! that say "retry later" mean a *new* business operation with a *new* key.
//!
//! ```
//! use paycore::retry::{decline_action, UserAction};
//!
//! let action = decline_action(402, Some("card_error"), Some("card_declined"), Some("insufficient_funds"));
//! assert_eq!(action, Some(UserAction::AddFundsOrUseAnotherCard));
//! assert_eq!(action.map(|a| a.code()), Some("add_funds_or_use_another_card"));
//! assert_eq!(decline_action(500, Some("api_error"), None, None), None);
//! ```

/// What the merchant or customer must do after a card decline. Each variant has
/// a stable [`code`](UserAction::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserAction {
    /// The card cannot be used for this payment: ask for another payment method.
    UseAnotherPaymentMethod,
    /// The card details are wrong or stale: the customer re-enters or updates them.
    UpdateCardDetails,
    /// The issuer requires authentication (3-D Secure, PIN): bring the customer
    /// on-session to authenticate.
    AuthenticateCustomer,
    /// Not enough funds or credit: the customer adds funds or uses another card.
    AddFundsOrUseAnotherCard,
    /// A temporary issuer or processor problem: try again later as a new
    /// operation with a new idempotency key (the old key replays the decline).
    RetryLaterWithNewKey,
    /// The issuer gave no usable reason: the customer contacts their card issuer.
    ContactCardIssuer,
    /// An identical payment went through moments ago: check for it before
    /// charging again.
    CheckExistingPayment,
}

impl UserAction {
    /// The stable code of this action (what the bindings and vectors use).
    pub const fn code(self) -> &'static str {
        match self {
            Self::UseAnotherPaymentMethod => "use_another_payment_method",
            Self::UpdateCardDetails => "update_card_details",
            Self::AuthenticateCustomer => "authenticate_customer",
            Self::AddFundsOrUseAnotherCard => "add_funds_or_use_another_card",
            Self::RetryLaterWithNewKey => "retry_later_with_new_key",
            Self::ContactCardIssuer => "contact_card_issuer",
            Self::CheckExistingPayment => "check_existing_payment",
        }
    }

    /// The action whose [`code`](UserAction::code) is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        ALL_ACTIONS.iter().copied().find(|a| a.code() == code)
    }
}

const ALL_ACTIONS: [UserAction; 7] = [
    UserAction::UseAnotherPaymentMethod,
    UserAction::UpdateCardDetails,
    UserAction::AuthenticateCustomer,
    UserAction::AddFundsOrUseAnotherCard,
    UserAction::RetryLaterWithNewKey,
    UserAction::ContactCardIssuer,
    UserAction::CheckExistingPayment,
];

impl std::fmt::Display for UserAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

use UserAction::{
    AddFundsOrUseAnotherCard as Funds, AuthenticateCustomer as Auth, CheckExistingPayment as Dup,
    ContactCardIssuer as Issuer, RetryLaterWithNewKey as Later, UpdateCardDetails as Update,
    UseAnotherPaymentMethod as Other,
};

/// Defines the decline-code table once, as both a slice (for iteration) and a
/// `match` (for lookup: a length switch and a comparison or two, faster than a
/// binary search over strings).
macro_rules! decline_codes {
    ($($code:literal => $action:expr,)*) => {
        /// Decline codes (Stripe's `decline_code` values, and the `code` values
        /// of card errors) and their actions, sorted by code.
        const DECLINE_CODES: &[(&str, UserAction)] = &[$(($code, $action)),*];

        /// The action for one decline code (a `decline_code` or a card error
        /// `code`), or `None` if the code is not a known decline code.
        pub fn action_for_decline_code(code: &str) -> Option<UserAction> {
            match code {
                $($code => Some($action),)*
                _ => None,
            }
        }
    };
}

decline_codes! {
    "approve_with_id" => Later,
    "authentication_required" => Auth,
    "call_issuer" => Issuer,
    "card_decline_rate_limit_exceeded" => Later,
    "card_declined" => Other,
    "card_not_supported" => Other,
    "card_velocity_exceeded" => Funds,
    "currency_not_supported" => Other,
    "do_not_honor" => Other,
    "do_not_try_again" => Issuer,
    "duplicate_transaction" => Dup,
    "expired_card" => Update,
    "fraudulent" => Other,
    "generic_decline" => Other,
    "incorrect_cvc" => Update,
    "incorrect_number" => Update,
    "incorrect_pin" => Update,
    "incorrect_zip" => Update,
    "insufficient_funds" => Funds,
    "invalid_account" => Other,
    "invalid_amount" => Issuer,
    "invalid_cvc" => Update,
    "invalid_expiry_month" => Update,
    "invalid_expiry_year" => Update,
    "invalid_number" => Update,
    "invalid_pin" => Update,
    "issuer_not_available" => Later,
    "lost_card" => Other,
    "merchant_blacklist" => Other,
    "new_account_information_available" => Update,
    "no_action_taken" => Issuer,
    "not_permitted" => Other,
    "offline_pin_required" => Auth,
    "online_or_offline_pin_required" => Auth,
    "pickup_card" => Other,
    "pin_try_exceeded" => Other,
    "processing_error" => Later,
    "reenter_transaction" => Later,
    "restricted_card" => Other,
    "revocation_of_all_authorizations" => Other,
    "revocation_of_authorization" => Other,
    "security_violation" => Other,
    "service_not_allowed" => Issuer,
    "stolen_card" => Other,
    "stop_payment_order" => Other,
    "testmode_decline" => Other,
    "transaction_not_allowed" => Other,
    "try_again_later" => Later,
    "withdrawal_count_limit_exceeded" => Funds,
}

/// Every known decline code with its action, sorted by code.
pub fn known_decline_codes() -> impl Iterator<Item = (&'static str, UserAction)> {
    DECLINE_CODES.iter().copied()
}

/// Whether the response is a card decline and, if so, the action it calls for.
/// See the [module documentation](self) for the rule.
pub fn decline_action(
    status: u16,
    error_type: Option<&str>,
    code: Option<&str>,
    decline_code: Option<&str>,
) -> Option<UserAction> {
    let decline_code = decline_code.filter(|d| !d.is_empty());
    let by_decline_code = decline_code.and_then(action_for_decline_code);
    let by_code = code.and_then(action_for_decline_code);
    let is_decline = status == 402
        || error_type == Some("card_error")
        || decline_code.is_some()
        || by_code.is_some();
    if !is_decline {
        return None;
    }
    Some(
        by_decline_code
            .or(by_code)
            .unwrap_or(UserAction::UseAnotherPaymentMethod),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for w in DECLINE_CODES.windows(2) {
            if let [a, b] = w {
                assert!(a.0 < b.0, "{} !< {}", a.0, b.0);
            }
        }
        for (c, a) in known_decline_codes() {
            assert_eq!(action_for_decline_code(c), Some(a));
        }
    }

    #[test]
    fn action_codes_round_trip() {
        for a in ALL_ACTIONS {
            assert_eq!(UserAction::from_code(a.code()), Some(a));
        }
        assert_eq!(UserAction::from_code("nope"), None);
    }

    #[test]
    fn precedence_decline_code_then_code_then_default() {
        assert_eq!(
            decline_action(402, None, Some("expired_card"), Some("insufficient_funds")),
            Some(Funds)
        );
        assert_eq!(
            decline_action(402, None, Some("expired_card"), Some("unheard_of")),
            Some(Update)
        );
        assert_eq!(decline_action(402, None, None, None), Some(Other));
        assert_eq!(
            decline_action(400, Some("card_error"), None, None),
            Some(Other)
        );
        assert_eq!(
            decline_action(400, None, None, Some("whatever")),
            Some(Other)
        );
        assert_eq!(
            decline_action(400, None, Some("incorrect_cvc"), None),
            Some(Update)
        );
        assert_eq!(
            decline_action(
                400,
                Some("invalid_request_error"),
                Some("parameter_missing"),
                Some("")
            ),
            None
        );
    }
}
