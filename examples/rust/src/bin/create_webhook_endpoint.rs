//! Registers a webhook endpoint on the reference server and prints its
//! signing secret (shown only in this response): the other half of
//! `webhook_receiver`.
//!
//! ```sh
//! PAYCORE_KEY_ID=key_test_... PAYCORE_SECRET=... \
//!   cargo run -p paycore-examples --bin create_webhook_endpoint -- http://127.0.0.1:4242/webhooks
//! ```

#![allow(clippy::print_stdout, reason = "an example prints its results")]

use paycore_sdk::CreateWebhookEndpoint;

#[tokio::main]
async fn main() -> Result<(), paycore_sdk::Error> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:4242/webhooks".to_owned());
    let client = paycore_examples::client_from_env()?;
    let endpoint = client
        .webhook_endpoints()
        .create(
            &CreateWebhookEndpoint::new(&url, ["payment.succeeded", "refund.created"])
                .description("example receiver"),
        )
        .await?;
    println!("created {} for {}", endpoint.id, endpoint.url);
    if let Some(secret) = &endpoint.secret {
        println!("PAYCORE_WEBHOOK_SECRET={secret}");
    }
    Ok(())
}
