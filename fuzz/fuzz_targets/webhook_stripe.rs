//! Stripe-Signature parsing and verification on an arbitrary header value:
//! must never panic. The input is split on the first 0xFF byte into the
//! header value (lossy UTF-8) and the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::webhook::{Options, Scheme, WebhookVerifier};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |&b| b == 0xff);
    let header = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let body = parts.next().unwrap_or_default();
    let verifier = WebhookVerifier::new(
        Scheme::Stripe,
        &["whsec_test_secret", "whsec_rolled"],
        Options::default(),
    )
    .expect("fixed secrets are valid");
    let headers = [("Stripe-Signature", header.as_str())];
    let _ = verifier.verify(body, &headers, 1_700_000_000);
    let _ = verifier.verify(body, &headers, i64::MIN);
});
