//! Creates a payment, retrieves it, and prints the request ids.
//!
//! Run against the reference server:
//!
//! ```sh
//! cargo run -p paycore-server            # prints a sandbox key id and secret once
//! PAYCORE_KEY_ID=key_test_... PAYCORE_SECRET=... \
//!   cargo run -p paycore-examples --bin create_payment
//! ```

#![allow(clippy::print_stdout, reason = "an example prints its results")]

use paycore_sdk::CreatePayment;

#[tokio::main]
async fn main() -> Result<(), paycore_sdk::Error> {
    let client = paycore_examples::client_from_env()?;
    let payment = client
        .payments()
        .create(
            &CreatePayment::new(2000, "usd", "4242424242424242")
                .description("Order #1001")
                .metadata("order_id", "1001"),
        )
        .await?;
    println!(
        "created {} ({:?}) amount {} {}; request {:?}, {} attempt(s), idempotency key {:?}",
        payment.id,
        payment.status,
        payment.amount,
        payment.currency,
        payment.request_id,
        payment.attempts,
        payment.idempotency_key
    );
    let again = client.payments().retrieve(&payment.id).await?;
    println!(
        "retrieved {} status {:?}; request {:?}",
        again.id, again.status, again.request_id
    );
    Ok(())
}
