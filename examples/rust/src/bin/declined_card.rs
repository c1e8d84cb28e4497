//! Handles a declined card: the typed error carries the decline code and the
//! action the merchant or customer must take.
//!
//! Run against the reference server:
//!
//! ```sh
//! cargo run -p paycore-server
//! PAYCORE_KEY_ID=key_test_... PAYCORE_SECRET=... \
//!   cargo run -p paycore-examples --bin declined_card [CARD]   # default 4000000000009995
//! ```

#![allow(clippy::print_stdout, reason = "an example prints its results")]

use paycore_sdk::{CreatePayment, ErrorKind, UserAction};

#[tokio::main]
async fn main() -> Result<(), paycore_sdk::Error> {
    let card = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "4000000000009995".to_owned());
    let client = paycore_examples::client_from_env()?;
    match client
        .payments()
        .create(&CreatePayment::new(5000, "usd", card))
        .await
    {
        Ok(p) => println!("approved: {} {:?}", p.id, p.status),
        Err(e) => match e.kind() {
            ErrorKind::Card {
                code,
                decline_code,
                action,
                payment_id,
                message,
            } => {
                println!("declined ({code}, {decline_code:?}): {message}");
                println!(
                    "failed payment: {payment_id:?}; request {:?}",
                    e.request_id()
                );
                let advice = match action {
                    Some(UserAction::AddFundsOrUseAnotherCard) => {
                        "ask the customer to add funds or use another card"
                    }
                    Some(UserAction::UpdateCardDetails) => "ask the customer to re-enter the card",
                    Some(UserAction::RetryLaterWithNewKey) => {
                        "try again later as a new payment (new idempotency key)"
                    }
                    Some(UserAction::AuthenticateCustomer) => "bring the customer on-session",
                    _ => "ask for another payment method",
                };
                println!(
                    "next step ({}): {advice}",
                    action.map_or("none", |a| a.code())
                );
            }
            _ => return Err(e),
        },
    }
    Ok(())
}
