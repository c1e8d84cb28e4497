//! Standard Webhooks `v1` verification beside a bare HMAC-SHA256 over the same
//! bytes with the key precomputed (the floor): RustCrypto (`crypto::HmacSha256Key`)
//! and `ring`. Also Stripe and GitHub verification for comparison.
//!
//! `cargo bench -p paycore --bench webhook`
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "bench code")]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paycore::crypto::{HmacSha256Key, b64_decode, b64_decode_into, ct_eq};
use paycore::webhook::{Options, Scheme, WebhookSigner, WebhookVerifier};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: i64 = 1_614_265_330;

fn body(len: usize) -> Vec<u8> {
    // JSON-looking bytes, deterministic.
    let mut b = b"{\"data\":\"".to_vec();
    while b.len() < len - 2 {
        b.push(b'a' + (b.len() % 26) as u8);
    }
    b.extend_from_slice(b"\"}");
    b
}

fn bench(c: &mut Criterion) {
    let key_bytes = b64_decode(SECRET.trim_start_matches("whsec_")).unwrap();
    for len in [1024usize, 64 * 1024] {
        let body = body(len);
        let mut group = c.benchmark_group(format!("webhook_{}k", len / 1024));
        group.throughput(Throughput::Bytes(len as u64));

        // paycore, Standard Webhooks v1
        let signer = WebhookSigner::new(Scheme::StandardWebhooks, &[SECRET]).unwrap();
        let headers = signer.sign(ID, TS, &body).unwrap();
        let verifier =
            WebhookVerifier::new(Scheme::StandardWebhooks, &[SECRET], Options::default()).unwrap();
        verifier.verify(&body, &headers, TS).unwrap();
        group.bench_with_input(
            BenchmarkId::new("paycore_standard_verify", len),
            &body,
            |b, body| {
                b.iter(|| {
                    verifier
                        .verify(black_box(body), black_box(&headers), TS)
                        .unwrap()
                })
            },
        );

        // The floor: HMAC over the same signed content, key state precomputed,
        // plus decoding and comparing the one signature.
        let sig_b64 = headers[2].1.trim_start_matches("v1,").to_string();
        let ts_text = TS.to_string();
        let rc = HmacSha256Key::new(&key_bytes).unwrap();
        group.bench_with_input(
            BenchmarkId::new("bare_hmac_rustcrypto", len),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut sig = [0u8; 32];
                    b64_decode_into(black_box(&sig_b64), &mut sig).unwrap();
                    let tag = rc.mac(&[
                        ID.as_bytes(),
                        b".",
                        ts_text.as_bytes(),
                        b".",
                        black_box(body),
                    ]);
                    assert!(ct_eq(&tag, &sig));
                })
            },
        );
        let rk = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key_bytes);
        group.bench_with_input(BenchmarkId::new("bare_hmac_ring", len), &body, |b, body| {
            b.iter(|| {
                let mut sig = [0u8; 32];
                b64_decode_into(black_box(&sig_b64), &mut sig).unwrap();
                let mut ctx = ring::hmac::Context::with_key(&rk);
                ctx.update(ID.as_bytes());
                ctx.update(b".");
                ctx.update(ts_text.as_bytes());
                ctx.update(b".");
                ctx.update(black_box(body));
                let tag = ctx.sign();
                assert!(ct_eq(tag.as_ref(), &sig));
            })
        });

        // The other schemes, for comparison.
        for scheme in [Scheme::Stripe, Scheme::GitHub] {
            let secret = "whsec_test_secret";
            let headers = WebhookSigner::new(scheme, &[secret])
                .unwrap()
                .sign(ID, TS, &body)
                .unwrap();
            let v = WebhookVerifier::new(scheme, &[secret], Options::default()).unwrap();
            v.verify(&body, &headers, TS).unwrap();
            group.bench_with_input(
                BenchmarkId::new(format!("paycore_{scheme}_verify"), len),
                &body,
                |b, body| b.iter(|| v.verify(black_box(body), black_box(&headers), TS).unwrap()),
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
