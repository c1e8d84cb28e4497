//! The client's own overhead per request at a 1 KiB body.
//!
//! The first group (`sdk_overhead_1KiB`) is the figure: the SDK alone. The
//! client sends through an in-process [`Transport`] that answers at once
//! with the reference server's response (its headers and the payment's
//! JSON, the request's description echoed), so no socket, no HTTP encoding
//! and no thread wake-up is in it: minting the key, JSON out, signing,
//! building the request, the timeout and deadline, the retry bookkeeping and
//! the attempt event, JSON in. The JSON parts are measured alone beside it.
//!
//! The other groups are against a real server on loopback, by wall time
//! per call (`client_1KiB`) and by the CPU time the whole process spends per
//! call (`client_1KiB_cpu`: client, runtime and server threads, summed from
//! /proc/self/task/*/schedstat). In both the bare reqwest call sends the
//! same request bytes as the SDK (its headers signed once), so the server's
//! work is the same on both sides. Neither subtraction isolates the SDK: a
//! round trip of ~80-120 us with its thread wake-ups varies by more than
//! the SDK costs, and any work done between calls lets the runtime's worker
//! park, so each call may then pay a wake-up. Each group has two
//! calibration rows: the bare call after 6 us of busy work (what a known
//! amount of work looks like by that method in the same run), and the bare
//! call doing the SDK's computations itself (minting, JSON both ways,
//! signing) without its call logic, to compare `sdk_create` with.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "bench")]
#![allow(missing_docs, reason = "criterion macros")]

use std::hint::black_box;

use axum::Router;
use axum::routing::post;
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::future::BoxFuture;
use paycore::retry::IdempotencyKey;
use paycore::signing::{Request, SigningKey, sign_request};
use paycore_sdk::{Client, CreatePayment, Payment, Secret, Transport, TransportError};

const PAYMENT: &str = r#"{"id":"pay_1","object":"payment","amount":100,"currency":"USD","currency_exponent":2,"status":"succeeded","capture_method":"automatic","amount_capturable":0,"amount_captured":100,"amount_refunded":0,"refunded":false,"payment_method":{"type":"card","card":{"brand":"visa","last4":"4242"}},"customer_email":null,"description":null,"cancellation_reason":null,"metadata":{},"last_payment_error":null,"created":1700000000,"livemode":false}"#;

fn params() -> CreatePayment {
    // about 1 KiB of JSON
    CreatePayment::new(1000, "usd", "4242424242424242").description("x".repeat(940))
}

/// Answers every request at once with a created payment, as the reference
/// server does (its response headers included, and the request's 940-byte
/// description echoed in the object).
struct InProcess {
    headers: http::HeaderMap,
    body: bytes::Bytes,
}

impl InProcess {
    fn new(body: bytes::Bytes) -> Self {
        let mut headers = http::HeaderMap::new();
        for (n, v) in [
            ("content-type", "application/json"),
            ("request-id", "req_8f1c2e4a9b7d4c1e8a2b3c4d5e6f7a8b"),
            ("ratelimit-policy", "\"default\";q=1000;w=60"),
            ("ratelimit", "\"default\";r=999;t=0"),
            ("x-ratelimit-limit", "1000"),
            ("x-ratelimit-remaining", "999"),
            ("x-ratelimit-reset", "1700000060"),
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
        ] {
            headers.insert(
                http::HeaderName::from_static(n),
                http::HeaderValue::from_static(v),
            );
        }
        headers.insert(http::header::CONTENT_LENGTH, body.len().into());
        Self { headers, body }
    }
}

impl Transport for InProcess {
    fn send(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<bytes::Bytes>, TransportError>> {
        black_box(request);
        let mut resp = http::Response::new(self.body.clone());
        *resp.headers_mut() = self.headers.clone();
        Box::pin(std::future::ready(Ok(resp)))
    }
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
    let builder = || {
        Client::builder()
            .key_id("key_bench")
            .secret(Secret::Hmac(vec![5u8; 32]))
            .base_url(&base)
    };
    let client = builder().build().unwrap();
    let p = params();
    let body = serde_json::to_vec(&p).unwrap();
    assert!((1000..1100).contains(&body.len()), "{}", body.len());

    // The object the server answers with: the payment, its description echoed.
    let mut echoed: serde_json::Value = serde_json::from_str(PAYMENT).unwrap();
    echoed["description"] = serde_json::Value::String(p.description.clone().unwrap());
    let echoed = bytes::Bytes::from(serde_json::to_vec(&echoed).unwrap());
    let in_process = builder()
        .transport(InProcess::new(echoed.clone()))
        .build()
        .unwrap();
    let mut g = c.benchmark_group("sdk_overhead_1KiB");
    g.bench_function("create_in_process_transport", |b| {
        b.iter(|| rt.block_on(async { black_box(in_process.payments().create(&p).await.unwrap()) }))
    });
    // What the harness itself costs per call (entering the runtime).
    g.bench_function("harness_block_on", |b| {
        b.iter(|| rt.block_on(async { black_box(0u8) }))
    });
    // The parts of that call any client pays, for the breakdown: the
    // parameters to JSON, the response's JSON to a `Payment`.
    g.bench_function("part_json_out", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&p)).unwrap()))
    });
    g.bench_function("part_json_in", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Payment>(black_box(&echoed)).unwrap()))
    });
    g.finish();
    let bare = reqwest::Client::new();
    let url = format!("{base}/v1/payments");
    let key = SigningKey::hmac(&[5u8; 32]).unwrap();
    // What the SDK computes for a POST's headers: a key minted, the request
    // signed over `body` (with the SDK's key, so the server accepts it).
    let mint_and_sign = |body: &[u8], now: i64| {
        let idem = IdempotencyKey::from_random(rand::random());
        let headers = [
            ("content-type", "application/json"),
            ("idempotency-key", idem.as_str()),
        ];
        let nonce: [u8; 16] = rand::random();
        let req = Request::new("POST", &url, &headers, body);
        let signed = sign_request(&req, "key_bench", &key, now, &nonce).unwrap();
        (idem, signed)
    };

    // The SDK's request, signed once: the bare call sends exactly these bytes.
    let (idem, signed) = mint_and_sign(&body, now_unix());
    let fixed = [
        ("content-type", "application/json"),
        ("idempotency-key", idem.as_str()),
    ];
    let mut same_headers = reqwest::header::HeaderMap::new();
    for (n, v) in fixed.iter().copied().chain(signed.headers()) {
        same_headers.insert(
            reqwest::header::HeaderName::from_bytes(n.as_bytes()).unwrap(),
            reqwest::header::HeaderValue::from_str(v).unwrap(),
        );
    }
    let sdk_create =
        || rt.block_on(async { black_box(client.payments().create(&p).await.unwrap()) });
    let bare_same_bytes = || {
        rt.block_on(async {
            let r = bare
                .post(&url)
                .headers(same_headers.clone())
                .body(body.clone())
                .send()
                .await
                .unwrap();
            black_box(r.bytes().await.unwrap())
        })
    };
    // Calibration: the bare call after 6 us of busy work on the calling
    // thread (about what the SDK's own work takes per call, see the first
    // group). What this row adds over the bare one is what 6 us of known
    // work looks like by each method: any work between calls lets the
    // runtime's worker park, so a wake-up may be paid per call.
    let bare_after_6us_of_work = || {
        let t = std::time::Instant::now();
        while t.elapsed() < std::time::Duration::from_micros(6) {
            std::hint::spin_loop();
        }
        bare_same_bytes()
    };
    // The bare call doing the SDK's computations itself (a key minted, the
    // params to JSON, the request signed, the response's JSON to a
    // `Payment`) but none of its call logic (transport, timeout, deadline,
    // retry bookkeeping, the attempt event): against `sdk_create`, whether
    // the SDK adds anything on the wire path beyond its work.
    let bare_plus_the_sdks_work = || {
        rt.block_on(async {
            let out = serde_json::to_vec(&p).unwrap();
            black_box(mint_and_sign(&out, now_unix()));
            let r = bare
                .post(&url)
                .headers(same_headers.clone())
                .body(out)
                .send()
                .await
                .unwrap();
            let bytes = r.bytes().await.unwrap();
            black_box(serde_json::from_slice::<Payment>(&bytes).unwrap())
        })
    };

    let mut g = c.benchmark_group("client_1KiB");
    g.bench_function("sdk_create", |b| b.iter(sdk_create));
    g.bench_function("bare_reqwest_same_bytes", |b| b.iter(bare_same_bytes));
    g.bench_function("bare_reqwest_same_bytes_after_6us_of_work", |b| {
        b.iter(bare_after_6us_of_work)
    });
    g.bench_function("bare_reqwest_plus_the_sdks_work", |b| {
        b.iter(bare_plus_the_sdks_work)
    });
    g.bench_function("cpu_only_mint_and_sign", |b| {
        b.iter(|| black_box(mint_and_sign(&body, 1_700_000_000)))
    });
    g.finish();

    // CPU time per call, all threads.
    let cpu_per = |iters: u64, call: &dyn Fn()| {
        let c0 = process_cpu();
        for _ in 0..iters {
            call();
        }
        process_cpu().saturating_sub(c0)
    };
    let mut g = c.benchmark_group("client_1KiB_cpu");
    g.bench_function("sdk_create", |b| {
        b.iter_custom(|iters| cpu_per(iters, &|| drop(sdk_create())))
    });
    g.bench_function("bare_reqwest_same_bytes", |b| {
        b.iter_custom(|iters| cpu_per(iters, &|| drop(bare_same_bytes())))
    });
    g.bench_function("bare_reqwest_same_bytes_after_6us_of_work", |b| {
        b.iter_custom(|iters| cpu_per(iters, &|| drop(bare_after_6us_of_work())))
    });
    g.bench_function("bare_reqwest_plus_the_sdks_work", |b| {
        b.iter_custom(|iters| cpu_per(iters, &|| drop(bare_plus_the_sdks_work())))
    });
    g.finish();
}

/// The Unix time in seconds.
fn now_unix() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

/// CPU time of every thread of this process so far (Linux).
fn process_cpu() -> std::time::Duration {
    let mut ns = 0u64;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        ns += stat
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    std::time::Duration::from_nanos(ns)
}

criterion_group!(benches, bench);
criterion_main!(benches);
