//! A tour of the paycore core in one run: sign a request and verify it as the
//! server would, sign a webhook delivery and verify it as a merchant would, and
//! ask the retry policy what to do after a few failures.
//!
//! Run it with:
//!
//! ```sh
//! cargo run -p paycore --example quickstart
//! ```
//!
//! paycore reads no clock and draws no random bytes, so the example passes
//! them in: a real integration passes `SystemTime::now()` and bytes from the
//! operating system's random source.
#![allow(
    clippy::print_stdout,
    reason = "an example's job is to print what it shows"
)]

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paycore::retry::{Failure, HttpFailure, TransportFailure};
use paycore::webhook::Options;
use paycore::{
    MemoryNonceStore, RetryConfig, RetryDecision, RetryInput, Scheme, SigningKey, VerifyPolicy,
    WebhookSigner, WebhookVerifier, decide, sign_request, verify_request,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let now = i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs())?;

    // 1. Request signing (RFC 9421 profile `paycore-v1`).
    let key = SigningKey::hmac(b"sk_test_a-shared-secret-of-the-merchant")?;
    let headers = [
        ("Content-Type", "application/json"),
        ("Idempotency-Key", "2f6c1c1e-8d8e-4a7c-9c1e-0b1d2e3f4a5b"),
    ];
    let body = br#"{"amount":1999,"currency":"eur","payment_method":"4242424242424242"}"#;
    let url = "https://api.example.com/v1/payments";
    let req = paycore::Request::new("POST", url, &headers, body);
    let nonce = [0x5a_u8; 16]; // use 16 bytes from the OS random source
    let signed = sign_request(&req, "key_test_1", &key, now, &nonce)?;
    println!("== signed request: POST {url}");
    for (name, value) in signed.headers() {
        println!("{name}: {value}");
    }
    println!("-- signature base --\n{}\n", signed.signature_base());

    let mut received: Vec<(&str, &str)> = headers.to_vec();
    received.extend(signed.headers());
    let req = paycore::Request::new("POST", url, &received, body);
    let keys = HashMap::from([("key_test_1".to_string(), vec![key.verification_key()])]);
    let nonces = MemoryNonceStore::new(10_000);
    let policy = VerifyPolicy::default();
    let ok = verify_request(&req, &keys, now + 2, &policy, &nonces)?;
    println!("server: verified, key id {}", ok.key_id());
    match verify_request(&req, &keys, now + 3, &policy, &nonces) {
        Err(e) => println!("server: the same request again is refused: {}", e.code()),
        Ok(_) => return Err("a replayed request was accepted".into()),
    }
    let tampered = br#"{"amount":9999,"currency":"eur","payment_method":"4242424242424242"}"#;
    let req = paycore::Request::new("POST", url, &received, tampered);
    match verify_request(&req, &keys, now + 2, &policy, &nonces) {
        Err(e) => println!("server: a tampered body is refused: {}\n", e.code()),
        Ok(_) => return Err("a tampered request was accepted".into()),
    }

    // 2. Webhooks (Standard Webhooks v1).
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let payload = br#"{"type":"payment.succeeded","data":{"id":"pay_123","amount":1999}}"#;
    let delivery = WebhookSigner::new(Scheme::StandardWebhooks, &[secret])?.sign(
        "msg_2Kp0hYQ8",
        now,
        payload,
    )?;
    println!("== webhook delivery");
    for (name, value) in &delivery {
        println!("{name}: {value}");
    }
    let verifier = WebhookVerifier::new(Scheme::StandardWebhooks, &[secret], Options::default())?;
    let v = verifier.verify(payload, &delivery, now + 1)?;
    println!("merchant: verified delivery {:?}", v.msg_id);
    match verifier.verify(payload, &delivery, now + 3600) {
        Err(e) => println!("merchant: an hour later it is refused: {}\n", e.reason()),
        Ok(_) => return Err("a stale delivery was accepted".into()),
    }

    // 3. Retry decisions.
    println!("== retry decisions (POST with an idempotency key, 30 s left)");
    let config = RetryConfig::standard();
    let budget = config.new_budget();
    let no_headers: [(&str, &str); 0] = [];
    let retry_after = [("Retry-After", "2")];
    let cases: [(&str, Failure<'_>, &dyn paycore::Headers); 4] = [
        (
            "connection reset after sending",
            Failure::Transport(TransportFailure::FailedAfterSend),
            &no_headers,
        ),
        (
            "503 with Retry-After: 2",
            Failure::Http(HttpFailure::new(503)),
            &retry_after,
        ),
        (
            "402 insufficient_funds",
            Failure::Http(
                HttpFailure::new(402)
                    .with_error_type("card_error")
                    .with_code("card_declined")
                    .with_decline_code("insufficient_funds"),
            ),
            &no_headers,
        ),
        (
            "400 invalid request",
            Failure::Http(HttpFailure::new(400).with_code("parameter_invalid")),
            &no_headers,
        ),
    ];
    for (what, failure, headers) in cases {
        let input = RetryInput::new(failure)
            .headers(headers)
            .attempt(1)
            .time_left(Duration::from_secs(30))
            .idempotency_key(true)
            .method("POST")
            .budget(&budget)
            .random(0.5)
            .now(now);
        match decide(&config, &input) {
            RetryDecision::Retry { after, kind, .. } => {
                println!("{what}: retry after {after:?} ({})", kind.code());
            }
            RetryDecision::DoNotRetry { reason } => {
                let action = reason
                    .action()
                    .map(|a| format!(", action: {}", a.code()))
                    .unwrap_or_default();
                println!("{what}: do not retry ({}{action})", reason.code());
            }
        }
    }
    Ok(())
}
