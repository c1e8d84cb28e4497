//! Faults the reference server cannot produce: a connection dropped after
//! the request was sent, a truncated body (a raw TCP peer), and slow headers
//! (wiremock).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use paycore_sdk::{Client, CreatePayment, ErrorKind, RequestOptions, RetryConfig, Secret, Stage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PAYMENT: &str = r#"{"id":"pay_1","object":"payment","amount":100,"currency":"usd","currency_exponent":2,"status":"succeeded","capture_method":"automatic","amount_capturable":0,"amount_captured":100,"amount_refunded":0,"refunded":false,"payment_method":{"type":"card","card":{"brand":"visa","last4":"4242"}},"customer_email":null,"description":null,"cancellation_reason":null,"metadata":{},"last_payment_error":null,"created":1700000000,"livemode":false}"#;

/// What the raw peer does with its n-th request (0-based).
#[derive(Clone, Copy, Debug)]
enum Act {
    /// Read the request, then close without a byte of response.
    Drop,
    /// Answer 200 with a Content-Length larger than the bytes sent, then close.
    Truncate,
    /// Answer 503 with an API error and a request id.
    Unavailable,
    /// Answer 200 with the payment.
    Ok,
}

/// A raw HTTP/1.1 peer: one request per connection; records each request's head.
async fn raw_peer(acts: Vec<Act>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    tokio::spawn(async move {
        let mut n = 0usize;
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let act = acts.get(n).copied().unwrap_or(Act::Ok);
            n += 1;
            let seen = seen2.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // read the head and the body (Content-Length)
                loop {
                    let Ok(k) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if k == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..k]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            seen.lock().unwrap().push(text[..end].to_owned());
                            break;
                        }
                    }
                }
                match act {
                    Act::Drop => drop(sock),
                    Act::Truncate => {
                        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: req_trunc\r\ncontent-length: 600\r\nconnection: close\r\n\r\n";
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.write_all(&PAYMENT.as_bytes()[..40]).await;
                        let _ = sock.shutdown().await;
                    }
                    Act::Unavailable => {
                        let body = r#"{"error":{"type":"api_error","code":"service_unavailable","message":"try again"}}"#;
                        let resp = format!(
                            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nrequest-id: req_503\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = sock.write_all(resp.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                    Act::Ok => {
                        let resp = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: req_ok\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{PAYMENT}",
                            PAYMENT.len()
                        );
                        let _ = sock.write_all(resp.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                }
            });
        }
    });
    (base, seen)
}

fn client(base: &str) -> Client {
    Client::builder()
        .key_id("key_test_fake")
        .secret(Secret::Hmac(vec![3u8; 32]))
        .base_url(base)
        .retry(
            RetryConfig::standard()
                .with_base_delay(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

fn idempotency_key(head: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("idempotency-key")
            .then(|| v.trim().to_owned())
    })
}

#[tokio::test]
async fn dropped_after_send_without_a_key_is_outcome_unknown() {
    let (base, seen) = raw_peer(vec![Act::Drop, Act::Ok]).await;
    let c = client(&base);
    let err = c
        .payments()
        .create_with(
            &CreatePayment::new(100, "usd", "4242424242424242"),
            &RequestOptions::new().without_idempotency_key(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "outcome_unknown", "{err:?}");
    assert_eq!(err.stage(), Stage::Dispatch);
    assert!(matches!(
        err.kind(),
        ErrorKind::OutcomeUnknown {
            idempotency_key: None
        }
    ));
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        err.retry_reason().map(|r| r.code()),
        Some("outcome_unknown")
    );
    // never sent twice
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn dropped_after_send_with_a_key_is_retried_under_the_same_key() {
    let (base, seen) = raw_peer(vec![Act::Drop, Act::Ok]).await;
    let c = client(&base);
    let p = c
        .payments()
        .create(&CreatePayment::new(100, "usd", "4242424242424242"))
        .await
        .unwrap();
    assert_eq!(p.id, "pay_1");
    assert_eq!(p.attempts, 2);
    assert_eq!(p.request_id.as_deref(), Some("req_ok"));
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    let k1 = idempotency_key(&heads[0]).unwrap();
    assert_eq!(Some(k1.clone()), idempotency_key(&heads[1]));
    assert_eq!(Some(k1.as_str()), p.idempotency_key.as_deref());
    // each attempt is signed afresh (a new nonce): the signatures differ
    let sig = |h: &str| {
        h.lines()
            .find(|l| l.to_ascii_lowercase().starts_with("signature:"))
            .map(str::to_owned)
    };
    assert_ne!(sig(&heads[0]), sig(&heads[1]));
}

#[tokio::test]
async fn dropped_every_time_with_a_key_is_outcome_unknown_with_the_key() {
    let (base, seen) = raw_peer(vec![Act::Drop, Act::Drop, Act::Drop, Act::Drop]).await;
    let c = client(&base);
    let err = c
        .payments()
        .create_with(
            &CreatePayment::new(100, "usd", "4242424242424242"),
            &RequestOptions::new().idempotency_key("order-7"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::OutcomeUnknown { idempotency_key: Some(k) } if k == "order-7"),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3);
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn the_error_keeps_the_last_request_id_and_status_an_earlier_attempt_saw() {
    // 503 (with a request id), then two attempts dropped after sending: the
    // error is about the last attempt, and still names the server's last
    // answer, for support to look up.
    let (base, seen) = raw_peer(vec![Act::Unavailable, Act::Drop, Act::Drop]).await;
    let c = client(&base);
    let err = c
        .payments()
        .create_with(
            &CreatePayment::new(100, "usd", "4242424242424242"),
            &RequestOptions::new().idempotency_key("order-8"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::OutcomeUnknown { idempotency_key: Some(k) } if k == "order-8"),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.request_id(), Some("req_503"));
    assert_eq!(err.status(), Some(503));
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_truncated_body_is_retried_with_the_key() {
    let (base, seen) = raw_peer(vec![Act::Truncate, Act::Ok]).await;
    let c = client(&base);
    let p = c
        .payments()
        .create(&CreatePayment::new(100, "usd", "4242424242424242"))
        .await
        .unwrap();
    assert_eq!(p.attempts, 2);
    assert_eq!(seen.lock().unwrap().len(), 2);

    // a GET is idempotent: retried even without a key
    let (base, _) = raw_peer(vec![Act::Truncate, Act::Truncate, Act::Truncate]).await;
    let err = client(&base)
        .payments()
        .retrieve("pay_1")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "connection", "{err:?}");
    assert!(matches!(
        err.kind(),
        ErrorKind::Connection {
            maybe_sent: true,
            ..
        }
    ));
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error_not_sent() {
    // bind then drop: nothing listens there
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let err = client(&format!("http://{addr}"))
        .payments()
        .create(&CreatePayment::new(100, "usd", "4242424242424242"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Connection {
                maybe_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3, "connect failures are always retried");
    assert!(err.request_id().is_none());
}

#[tokio::test]
async fn slow_headers_hit_the_deadline_not_attempts_times_timeout() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(PAYMENT, "application/json")
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let c = Client::builder()
        .key_id("key_test_fake")
        .secret(Secret::Hmac(vec![3u8; 32]))
        .base_url(server.uri())
        .timeout(Duration::from_millis(400))
        .deadline(Some(Duration::from_secs(1)))
        .retry(RetryConfig::standard().with_max_attempts(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.payments().retrieve("pay_1").await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code(), "timeout", "{err:?}");
    assert!(took >= Duration::from_millis(950), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    // 400 ms per attempt inside 1 s: 2 full attempts and a cut third
    assert!((2..=4).contains(&err.attempts()), "{err:?}");
}
