//! Standard Webhooks verification on arbitrary headers and body: must never
//! panic. The input is split on the first three 0xFF bytes into the
//! `webhook-id`, `webhook-timestamp` and `webhook-signature` values (lossy
//! UTF-8), the rest being the body; the first byte picks the header family
//! and the clock.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::webhook::{Options, Scheme, WebhookVerifier};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(4, |&b| b == 0xff);
    let id = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let ts = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let sig = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let body = parts.next().unwrap_or_default();
    let prefix = if selector & 1 == 0 { "webhook" } else { "svix" };
    let headers = [
        (format!("{prefix}-id"), id),
        (format!("{prefix}-timestamp"), ts.clone()),
        (format!("{prefix}-signature"), sig),
    ];
    let now = ts.parse::<i64>().unwrap_or(0);
    let options = Options::default().with_ignore_timestamp(selector & 2 != 0);
    let verifier = WebhookVerifier::new(
        Scheme::StandardWebhooks,
        &[
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whpk_wuzPrKxPfWpJSsXgyg/MEoMGvjs5SjDO4ad6X4ZYqqg=",
        ],
        options,
    )
    .expect("fixed secrets are valid");
    let _ = verifier.verify(body, &headers, now);
});
