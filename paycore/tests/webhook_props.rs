//! Property tests of the webhook module: sign -> verify round trips for every
//! scheme (arbitrary bodies, including non-UTF-8, ids and timestamps); any
//! change to the body, the timestamp or the id is rejected; arbitrary header
//! strings and secrets never panic.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use paycore::crypto::b64_encode;
use paycore::webhook::{Options, Scheme, WebhookError, WebhookSigner, WebhookVerifier};
use proptest::prelude::*;

/// A secret of the right form for `scheme`: `whsec_` (HMAC) or `whsk_`
/// (ed25519) for Standard Webhooks, a printable string for the others.
fn secret(scheme: Scheme) -> BoxedStrategy<String> {
    match scheme {
        Scheme::StandardWebhooks => prop_oneof![
            prop::collection::vec(any::<u8>(), 24..=64)
                .prop_map(|k| format!("whsec_{}", b64_encode(&k))),
            any::<[u8; 32]>().prop_map(|k| format!("whsk_{}", b64_encode(&k))),
        ]
        .boxed(),
        _ => "[ -~]{1,64}".boxed(),
    }
}

fn scheme() -> impl Strategy<Value = Scheme> {
    prop::sample::select(Scheme::ALL.to_vec())
}

/// Visible ASCII without '.', as the signer accepts.
fn msg_id() -> impl Strategy<Value = String> {
    "[!-\\-/-~]{1,48}"
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

fn case() -> impl Strategy<Value = (Scheme, String, String, i64, Vec<u8>)> {
    scheme().prop_flat_map(|s| (Just(s), secret(s), msg_id(), any::<i64>(), body()))
}

fn set(headers: &mut [(String, String)], name: &str, value: String) {
    let h = headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .expect("header present");
    h.1 = value;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sign_then_verify_round_trips((scheme, secret, id, ts, body) in case()) {
        let headers = WebhookSigner::new(scheme, &[&secret]).unwrap().sign(&id, ts, &body).unwrap();
        let verifier = WebhookVerifier::new(scheme, &[&secret], Options::default()).unwrap();
        let v = verifier.verify(&body, &headers, ts).unwrap();
        prop_assert_eq!(v.scheme, scheme);
        if scheme == Scheme::StandardWebhooks {
            prop_assert_eq!(v.msg_id, Some(id.as_str()));
        } else {
            prop_assert_eq!(v.msg_id, None);
        }
        prop_assert_eq!(v.timestamp, scheme.has_timestamp().then_some(ts));
        // Header names are case-insensitive.
        let upper: Vec<(String, String)> =
            headers.iter().map(|(n, v)| (n.to_ascii_uppercase(), v.clone())).collect();
        prop_assert!(verifier.verify(&body, &upper, ts).is_ok());
    }

    #[test]
    fn any_changed_body_byte_is_rejected(
        (scheme, secret, id, ts, mut body) in case(),
        index in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        prop_assume!(!body.is_empty());
        let headers = WebhookSigner::new(scheme, &[&secret]).unwrap().sign(&id, ts, &body).unwrap();
        let verifier = WebhookVerifier::new(scheme, &[&secret], Options::default()).unwrap();
        let i = index.index(body.len());
        body[i] ^= 1 << bit;
        prop_assert_eq!(verifier.verify(&body, &headers, ts).unwrap_err(), WebhookError::NoMatchingSignature);
    }

    #[test]
    fn an_appended_or_removed_byte_is_rejected((scheme, secret, id, ts, body) in case(), extra in any::<u8>()) {
        let headers = WebhookSigner::new(scheme, &[&secret]).unwrap().sign(&id, ts, &body).unwrap();
        let verifier = WebhookVerifier::new(scheme, &[&secret], Options::default()).unwrap();
        let mut longer = body.clone();
        longer.push(extra);
        prop_assert_eq!(verifier.verify(&longer, &headers, ts).unwrap_err(), WebhookError::NoMatchingSignature);
        if let Some((_, shorter)) = body.split_last() {
            prop_assert_eq!(verifier.verify(shorter, &headers, ts).unwrap_err(), WebhookError::NoMatchingSignature);
        }
    }

    #[test]
    fn a_changed_timestamp_is_rejected(
        (scheme, secret, id, ts, body) in case(),
        delta in prop_oneof![-300i64..=-1, 1i64..=300, any::<i64>()],
    ) {
        prop_assume!(scheme.has_timestamp() && delta != 0);
        let other = ts.wrapping_add(delta);
        prop_assume!(other != ts);
        let mut headers = WebhookSigner::new(scheme, &[&secret]).unwrap().sign(&id, ts, &body).unwrap();
        if scheme == Scheme::StandardWebhooks {
            set(&mut headers, "webhook-timestamp", other.to_string());
        } else {
            let value = headers[0].1.replacen(&format!("t={ts},"), &format!("t={other},"), 1);
            headers[0].1 = value;
        }
        // Even with the window off, the signature covers the timestamp.
        let verifier = WebhookVerifier::new(scheme, &[&secret], Options::default().with_ignore_timestamp(true)).unwrap();
        prop_assert_eq!(verifier.verify(&body, &headers, other).unwrap_err(), WebhookError::NoMatchingSignature);
        // With the window on, a stale or future timestamp is reported as such.
        let strict = WebhookVerifier::new(scheme, &[&secret], Options::default()).unwrap();
        let err = strict.verify(&body, &headers, ts).unwrap_err();
        let expected = if (i128::from(ts) - i128::from(other)).abs() > 300 {
            if other < ts { WebhookError::TimestampTooOld } else { WebhookError::TimestampTooNew }
        } else {
            WebhookError::NoMatchingSignature
        };
        prop_assert_eq!(err, expected);
    }

    #[test]
    fn a_changed_id_is_rejected((secret, id, ts, body) in (secret(Scheme::StandardWebhooks), msg_id(), any::<i64>(), body()), other in msg_id()) {
        prop_assume!(other != id);
        let mut headers = WebhookSigner::new(Scheme::StandardWebhooks, &[&secret]).unwrap().sign(&id, ts, &body).unwrap();
        set(&mut headers, "webhook-id", other);
        let verifier = WebhookVerifier::new(Scheme::StandardWebhooks, &[&secret], Options::default()).unwrap();
        prop_assert_eq!(verifier.verify(&body, &headers, ts).unwrap_err(), WebhookError::NoMatchingSignature);
    }

    #[test]
    fn rotation_any_configured_secret_matches(
        scheme in prop::sample::select(vec![Scheme::StandardWebhooks, Scheme::Stripe]),
        (a, b) in (secret(Scheme::StandardWebhooks), secret(Scheme::StandardWebhooks)),
        (id, ts, body) in (msg_id(), any::<i64>(), body()),
    ) {
        prop_assume!(a != b);
        // The sender signs with both secrets: one header, two signatures.
        let headers = WebhookSigner::new(scheme, &[&a, &b]).unwrap().sign(&id, ts, &body).unwrap();
        for s in [&a, &b] {
            let v = WebhookVerifier::new(scheme, &[s], Options::default()).unwrap();
            prop_assert!(v.verify(&body, &headers, ts).is_ok());
        }
        // The receiver holds both secrets; the sender uses only the new one.
        let headers = WebhookSigner::new(scheme, &[&b]).unwrap().sign(&id, ts, &body).unwrap();
        let v = WebhookVerifier::new(scheme, &[&a, &b], Options::default()).unwrap();
        prop_assert!(v.verify(&body, &headers, ts).is_ok());
    }

    #[test]
    fn arbitrary_headers_never_panic(
        scheme in scheme(),
        headers in prop::collection::vec(
            (
                prop_oneof![
                    Just("webhook-id".to_string()), Just("webhook-timestamp".to_string()),
                    Just("webhook-signature".to_string()), Just("svix-id".to_string()),
                    Just("svix-timestamp".to_string()), Just("svix-signature".to_string()),
                    Just("Stripe-Signature".to_string()), Just("X-Hub-Signature-256".to_string()),
                    Just("X-Shopify-Hmac-Sha256".to_string()), Just("X-Razorpay-Signature".to_string()),
                    ".{0,20}",
                ],
                prop_oneof![
                    ".{0,200}",
                    "(v1a?,[A-Za-z0-9+/=]{0,90} ?){0,4}",
                    "(t=-?[0-9]{0,20},?|v[01]=[0-9a-f]{0,70},?| ){0,5}",
                    "sha256=[0-9a-fA-F]{0,70}",
                    "-?[0-9]{0,21}",
                ],
            ),
            0..8,
        ),
        body in body(),
        now in any::<i64>(),
        tolerance in any::<u64>(),
    ) {
        let secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whpk_wuzPrKxPfWpJSsXgyg/MEoMGvjs5SjDO4ad6X4ZYqqg="];
        let secrets: &[&str] = if scheme == Scheme::StandardWebhooks { &secrets } else { &secrets[..1] };
        let options = Options::default().with_tolerance(std::time::Duration::from_secs(tolerance));
        let v = WebhookVerifier::new(scheme, secrets, options).unwrap();
        if let Err(e) = v.verify(&body, &headers, now) {
            prop_assert!(!e.code().is_empty());
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn arbitrary_secrets_never_panic(scheme in scheme(), secret in prop_oneof![
        ".{0,80}",
        "(whsec_|whsk_|whpk_)[A-Za-z0-9+/=]{0,100}",
    ]) {
        match WebhookVerifier::new(scheme, &[&secret], Options::default()) {
            Ok(v) => {
                // A public key (whpk_) is not secret and may be printed.
                let debug = format!("{v:?}");
                prop_assert!(
                    secret.starts_with("whpk_") || !debug.contains(secret.as_str()) || secret.len() < 4
                );
            }
            Err(e) => {
                prop_assert!(!e.to_string().contains(secret.as_str()) || secret.len() < 4);
            }
        }
        let _ = WebhookSigner::new(scheme, &[&secret]);
    }
}

#[test]
fn signature_header_given_twice_is_searched_whole() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = b"{}";
    let mut headers = WebhookSigner::new(Scheme::StandardWebhooks, &[secret])
        .unwrap()
        .sign("msg_1", 1000, body)
        .unwrap();
    let good = headers[2].1.clone();
    headers[2].1 = "v1,AAAA".into();
    headers.push(("Webhook-Signature".into(), good));
    let v = WebhookVerifier::new(Scheme::StandardWebhooks, &[secret], Options::default()).unwrap();
    assert!(v.verify(body, &headers, 1000).is_ok());
    // `&dyn Headers` works too.
    let dynamic: &dyn paycore::Headers = &headers;
    assert!(v.verify(body, dynamic, 1000).is_ok());
}

#[test]
fn secrets_are_not_in_debug_output() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let v = WebhookVerifier::new(Scheme::StandardWebhooks, &[secret], Options::default()).unwrap();
    let s = WebhookSigner::new(Scheme::Stripe, &["whsec_test_secret"]).unwrap();
    let out = format!("{v:?} {s:?}");
    assert!(!out.contains("MfKQ9r8"), "{out}");
    assert!(!out.contains("test_secret"), "{out}");
}

#[test]
fn signer_refusals() {
    assert_eq!(
        WebhookSigner::new(
            Scheme::StandardWebhooks,
            &["whpk_wuzPrKxPfWpJSsXgyg/MEoMGvjs5SjDO4ad6X4ZYqqg="]
        )
        .unwrap_err(),
        WebhookError::SecretCannotSign
    );
    assert_eq!(
        WebhookSigner::new(Scheme::GitHub, &["a", "b"]).unwrap_err(),
        WebhookError::TooManySecrets
    );
    let s = WebhookSigner::new(
        Scheme::StandardWebhooks,
        &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )
    .unwrap();
    for bad in ["", "a.b", "has space", "caf\u{e9}"] {
        assert_eq!(
            s.sign(bad, 0, b"").unwrap_err(),
            WebhookError::InvalidMsgId,
            "{bad:?}"
        );
    }
    let none: [&str; 0] = [];
    assert_eq!(
        WebhookVerifier::new(Scheme::Stripe, &none, Options::default()).unwrap_err(),
        WebhookError::NoSecrets
    );
}
