//! Sign and verify a POST with a 1 KiB body, HMAC-SHA256 and ed25519.
//!
//! `cargo bench -p paycore --bench signing`
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "bench code")]

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paycore::signing::*;

const NOW: i64 = 1_767_225_600;
const URL: &str = "https://api.paycore.test/v1/payments?expand=customer";

fn bench(c: &mut Criterion) {
    let body = vec![b'x'; 1024];
    let headers = [
        ("Content-Type", "application/json"),
        ("Idempotency-Key", "idem_8f14e45f"),
    ];
    for (name, key) in [
        (
            "hmac",
            SigningKey::hmac(b"bench-shared-secret-32-bytes-abc").unwrap(),
        ),
        ("ed25519", SigningKey::ed25519(&[7; 32]).unwrap()),
    ] {
        let req = Request::new("POST", URL, &headers, &body);
        c.bench_function(&format!("sign_1k_{name}"), |b| {
            b.iter(|| sign_request(black_box(&req), "kid", &key, NOW, &[9; 16]).unwrap())
        });

        let signed = sign_request(&req, "kid", &key, NOW, &[9; 16]).unwrap();
        let mut received: Vec<(&str, &str)> = headers.to_vec();
        received.extend(signed.headers());
        let lookup = HashMap::from([("kid".to_string(), vec![key.verification_key()])]);
        let policy = VerifyPolicy::default();
        let rreq = Request::new("POST", URL, &received, &body);
        c.bench_function(&format!("verify_1k_{name}"), |b| {
            b.iter(|| verify_signature(black_box(&rreq), &lookup, NOW + 1, &policy).unwrap())
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
