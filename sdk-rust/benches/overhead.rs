//! The client's own overhead per request at a 1 KiB body: a full SDK call
//! (key minting, signing, retry bookkeeping, JSON in and out) against a bare
//! reqwest POST of the same bytes to the same in-process server, plus the
//! CPU-only part (sign + mint) without any network. Subtract `bare_reqwest`
//! from `sdk_create` for the overhead on the wire path.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "bench")]
#![allow(missing_docs, reason = "criterion macros")]

use std::hint::black_box;

use axum::Router;
use axum::routing::post;
use criterion::{Criterion, criterion_group, criterion_main};
use paycore::retry::IdempotencyKey;
use paycore::signing::{Request, SigningKey, sign_request};
use paycore_sdk::{Client, CreatePayment, Secret};

const PAYMENT: &str = r#"{"id":"pay_1","object":"payment","amount":100,"currency":"USD","currency_exponent":2,"status":"succeeded","capture_method":"automatic","amount_capturable":0,"amount_captured":100,"amount_refunded":0,"refunded":false,"payment_method":{"type":"card","card":{"brand":"visa","last4":"4242"}},"customer_email":null,"description":null,"cancellation_reason":null,"metadata":{},"last_payment_error":null,"created":1700000000,"livemode":false}"#;

fn params() -> CreatePayment {
    // about 1 KiB of JSON
    CreatePayment::new(1000, "usd", "4242424242424242").description("x".repeat(940))
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let base = rt.block_on(async {
        let app = Router::new().route(
            "/v1/payments",
            post(|| async { ([("content-type", "application/json")], PAYMENT) }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    });
    let client = Client::builder()
        .key_id("key_bench")
        .secret(Secret::Hmac(vec![5u8; 32]))
        .base_url(&base)
        .build()
        .unwrap();
    let p = params();
    let body = serde_json::to_vec(&p).unwrap();
    assert!((1000..1100).contains(&body.len()), "{}", body.len());
    let bare = reqwest::Client::new();
    let url = format!("{base}/v1/payments");

    let mut g = c.benchmark_group("client_1KiB");
    g.bench_function("sdk_create", |b| {
        b.iter(|| rt.block_on(async { black_box(client.payments().create(&p).await.unwrap()) }))
    });
    g.bench_function("bare_reqwest", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = bare
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                black_box(r.bytes().await.unwrap())
            })
        })
    });
    let key = SigningKey::hmac(&[5u8; 32]).unwrap();
    g.bench_function("cpu_only_mint_and_sign", |b| {
        b.iter(|| {
            let idem = IdempotencyKey::from_random(rand::random());
            let headers = [
                ("content-type", "application/json"),
                ("idempotency-key", idem.as_str()),
            ];
            let nonce: [u8; 16] = rand::random();
            let req = Request::new("POST", &url, &headers, &body);
            black_box(sign_request(&req, "key_bench", &key, 1_700_000_000, &nonce).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
