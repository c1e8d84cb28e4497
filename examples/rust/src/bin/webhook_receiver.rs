//! An axum webhook receiver: verifies each delivery (Standard Webhooks
//! signatures, rotation-ready secret list, ±5 min window) with
//! `paycore_sdk::webhooks` over the raw body, then handles the typed event.
//!
//! Run:
//!
//! ```sh
//! PAYCORE_WEBHOOK_SECRET=whsec_... cargo run -p paycore-examples --bin webhook_receiver
//! # listens on 127.0.0.1:4242, POST /webhooks
//! ```
//!
//! Register it on the reference server (sandbox merchants may use loopback
//! URLs) with the `create_webhook_endpoint` example, which prints the
//! `whsec_` secret to pass here; then create a payment (`create_payment`)
//! and watch the delivery arrive. After a `rotate_secret`, pass both secrets,
//! comma-separated, until the old one expires.

#![allow(clippy::print_stdout, reason = "an example prints its results")]

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use paycore_sdk::EventObject;
use paycore_sdk::webhooks::WebhookReceiver;

async fn handle(
    State(receiver): State<Arc<WebhookReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let event = match receiver.construct_event_at(&body, &headers, now) {
        Ok(e) => e,
        Err(e) => {
            println!("refused a delivery: {}", e.code());
            return StatusCode::BAD_REQUEST;
        }
    };
    match event.object() {
        Ok(EventObject::Payment(p)) => {
            println!("{}: payment {} is {:?}", event.event_type, p.id, p.status)
        }
        Ok(EventObject::Refund(r)) => {
            println!(
                "{}: refund {} of {} ({})",
                event.event_type, r.id, r.payment, r.amount
            )
        }
        Ok(EventObject::WebhookEndpoint(e)) => {
            println!("{}: endpoint {} is {:?}", event.event_type, e.id, e.status)
        }
        Ok(_) => println!("{}: not handled", event.event_type),
        Err(e) => {
            println!("{}: unexpected object: {e}", event.event_type);
            return StatusCode::BAD_REQUEST;
        }
    }
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secrets: Vec<String> = std::env::var("PAYCORE_WEBHOOK_SECRET")
        .unwrap_or_default()
        .split(',')
        .map(str::to_owned)
        .collect();
    let receiver = Arc::new(WebhookReceiver::new(&secrets)?);
    let app = Router::new()
        .route("/webhooks", post(handle))
        .with_state(receiver);
    let addr = std::env::var("PAYCORE_WEBHOOK_LISTEN").unwrap_or_else(|_| "127.0.0.1:4242".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{addr}/webhooks");
    axum::serve(listener, app).await?;
    Ok(())
}
