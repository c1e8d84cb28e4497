//! Lists every payment with auto-pagination (an async `Stream` that fetches
//! pages of 100 as it is read), and one page by hand.
//!
//! Run against the reference server:
//!
//! ```sh
//! cargo run -p paycore-server
//! PAYCORE_KEY_ID=key_test_... PAYCORE_SECRET=... \
//!   cargo run -p paycore-examples --bin list_payments
//! ```

#![allow(clippy::print_stdout, reason = "an example prints its results")]

use futures_util::TryStreamExt;
use paycore_sdk::{ListParams, PaymentStatus};

#[tokio::main]
async fn main() -> Result<(), paycore_sdk::Error> {
    let client = paycore_examples::client_from_env()?;

    let mut total = 0i64;
    let mut count = 0usize;
    let mut all = std::pin::pin!(client.payments().list_all(ListParams::new().limit(100)));
    while let Some(p) = all.try_next().await? {
        count += 1;
        total += p.amount_captured;
    }
    println!("{count} payments, {total} captured (minor units, all currencies)");

    let page = client
        .payments()
        .list(&ListParams::new().limit(5).status(PaymentStatus::Succeeded))
        .await?;
    for p in &page.data {
        println!("{} {} {} {:?}", p.id, p.amount, p.currency, p.status);
    }
    println!("more: {}", page.has_more);
    Ok(())
}
