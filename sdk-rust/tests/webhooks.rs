//! `webhooks::construct_event`: verification through the core, then a typed event.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use paycore::webhook::{Scheme, WebhookSigner};
use paycore_sdk::webhooks::{WebhookReceiver, construct_event, construct_event_at};
use paycore_sdk::{EventObject, PaymentStatus};

const OLD: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NEW: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

const BODY: &str = r#"{"id":"evt_1","object":"event","type":"payment.succeeded","created":1700000000,"data":{"object":{"id":"pay_1","object":"payment","amount":100,"currency":"usd","currency_exponent":2,"status":"succeeded","capture_method":"automatic","amount_capturable":0,"amount_captured":100,"amount_refunded":0,"refunded":false,"payment_method":{"type":"card","card":{"brand":"visa","last4":"4242"}},"customer_email":null,"description":null,"cancellation_reason":null,"metadata":{},"last_payment_error":null,"created":1700000000,"livemode":false}}}"#;

fn signed(secret: &str, ts: i64, body: &[u8]) -> Vec<(String, String)> {
    WebhookSigner::new(Scheme::StandardWebhooks, &[secret])
        .unwrap()
        .sign("msg_1", ts, body)
        .unwrap()
}

#[test]
fn a_signed_payment_event_is_typed() {
    let now = 1_700_000_100;
    let headers = signed(NEW, now, BODY.as_bytes());
    // rotation: either secret may match
    let ev = construct_event_at(BODY.as_bytes(), &headers, &[OLD, NEW], now).unwrap();
    assert_eq!(ev.id, "evt_1");
    match ev.object().unwrap() {
        EventObject::Payment(p) => {
            assert_eq!(p.status, PaymentStatus::Succeeded);
            assert_eq!(p.amount, 100);
        }
        other => panic!("{other:?}"),
    }
    let receiver = WebhookReceiver::new(&[NEW]).unwrap();
    assert_eq!(
        receiver
            .construct_event_at(BODY.as_bytes(), &headers, now)
            .unwrap(),
        ev
    );
}

#[test]
fn refusals_are_typed() {
    let now = 1_700_000_100;
    let headers = signed(NEW, now, BODY.as_bytes());
    let e = construct_event_at(BODY.as_bytes(), &headers, &[OLD], now).unwrap_err();
    assert_eq!(e.code(), "no_matching_signature");
    let e = construct_event_at(BODY.as_bytes(), &headers, &[NEW], now + 301).unwrap_err();
    assert_eq!(e.code(), "timestamp_too_old");
    // the real clock: a delivery signed in 2023 is too old
    let e = construct_event(BODY.as_bytes(), &headers, &[NEW]).unwrap_err();
    assert_eq!(e.code(), "timestamp_too_old");
    let e = construct_event_at(BODY.as_bytes(), &headers, &["nope"], now).unwrap_err();
    assert!(!e.code().is_empty());
    let e = construct_event_at(BODY.as_bytes(), &[("a", "b")], &[NEW], now).unwrap_err();
    assert!(!e.code().is_empty());
    // signed, but not an event
    let junk = b"[1,2,3]";
    let h = signed(NEW, now, junk);
    let e = construct_event_at(junk, &h, &[NEW], now).unwrap_err();
    assert_eq!(e.code(), "invalid_payload");
    let dbg = format!("{:?}", WebhookReceiver::new(&[NEW]).unwrap());
    assert!(!dbg.contains("C2FVsBQIhrsc"), "{dbg}");
}
