//! Interoperability with a third-party RFC 9421 implementation, the
//! `httpsig` / `httpsig-hyper` crates, configured with the paycore-v1
//! profile: what it signs paycore verifies, and what paycore signs it
//! verifies (HMAC-SHA256 and ed25519, Content-Digest included).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::HashMap;

use bytes::Bytes;
use futures_executor::block_on;
use http_body_util::{BodyExt, Full};
use httpsig_hyper::prelude::message_component::HttpMessageComponentId;
use httpsig_hyper::prelude::{AlgorithmName, HttpSignatureParams, PublicKey, SecretKey, SharedKey};
use httpsig_hyper::{ContentDigestType, MessageSignatureReqSync, RequestContentDigest};
use paycore::signing::{self as ps, MemoryNonceStore, Request, VerifyPolicy};

const NOW: i64 = 1_767_225_600;
const URL: &str = "https://api.paycore.test/v1/payments?expand=customer";
const BODY: &[u8] = br#"{"amount":1000,"currency":"EUR"}"#;
const SECRET: &[u8] = b"interop-shared-secret-32-bytes!!";
const ED_SEED: [u8; 32] = [0x5a; 32];
const NONCE: [u8; 16] = [0xa5; 16];
const COMPONENTS: [&str; 7] = [
    "@method",
    "@authority",
    "@path",
    "@query",
    "content-digest",
    "content-type",
    "idempotency-key",
];

fn http_request(url: &str) -> http::Request<Full<Bytes>> {
    http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/json")
        .header("idempotency-key", "idem_interop_1")
        .body(Full::new(Bytes::from_static(BODY)))
        .unwrap()
}

fn profile_params(key_id: &str, alg: &AlgorithmName) -> HttpSignatureParams {
    let ids: Vec<_> = COMPONENTS
        .iter()
        .map(|c| HttpMessageComponentId::try_from(*c).unwrap())
        .collect();
    let mut p = HttpSignatureParams::try_new(&ids).unwrap();
    p.set_created(NOW as u64)
        .set_keyid(key_id)
        .set_nonce(&ps::encode_nonce(&NONCE))
        .set_alg(alg)
        .set_tag(ps::PROFILE_TAG);
    p
}

/// Flattens an `http::Request` into what paycore takes.
type Body = http_body_util::combinators::BoxBody<Bytes, httpsig_hyper::HyperDigestError>;

fn flatten(req: http::Request<Body>) -> (String, String, Vec<(String, String)>, Vec<u8>) {
    let (parts, body) = req.into_parts();
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
        .collect();
    let body = block_on(body.collect()).unwrap().to_bytes().to_vec();
    (
        parts.method.to_string(),
        parts.uri.to_string(),
        headers,
        body,
    )
}

fn paycore_verify(
    req: (String, String, Vec<(String, String)>, Vec<u8>),
    key_id: &str,
    key: ps::VerificationKey,
) -> Result<ps::Verified, ps::VerifyFailure> {
    let (method, url, headers, body) = req;
    let keys = HashMap::from([(key_id.to_string(), vec![key])]);
    let r = Request::new(&method, &url, &headers, &body);
    ps::verify_request(
        &r,
        &keys,
        NOW + 2,
        &VerifyPolicy::default(),
        &MemoryNonceStore::new(16),
    )
}

fn httpsig_signs_paycore_verifies(
    secret: &(impl httpsig_hyper::prelude::SigningKey + Sync),
    alg: AlgorithmName,
    key_id: &str,
    verification: ps::VerificationKey,
) {
    let req = block_on(http_request(URL).set_content_digest(&ContentDigestType::Sha256)).unwrap();
    let mut req = req;
    req.set_message_signature_sync(&profile_params(key_id, &alg), secret, Some("sig1"))
        .unwrap();
    let flat = flatten(req);
    let v = paycore_verify(flat.clone(), key_id, verification.clone()).unwrap();
    assert_eq!(v.key_id(), key_id);
    assert_eq!(v.components().len(), 7);

    // Tampering with the path is caught.
    let mut tampered = flat;
    tampered.1 = tampered.1.replace("/v1/payments", "/v1/refunds");
    let err = paycore_verify(tampered, key_id, verification).unwrap_err();
    assert_eq!(err.code(), "signature_invalid");
}

fn paycore_signs_httpsig_verifies(
    key: &ps::SigningKey,
    verifying: &(impl httpsig_hyper::prelude::VerifyingKey + Sync),
    key_id: &str,
) {
    let plain = http_request(URL);
    let headers: Vec<(String, String)> = plain
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
        .collect();
    let r = Request::new("POST", URL, &headers, BODY);
    let signed = ps::sign_request(&r, key_id, key, NOW, &NONCE).unwrap();
    let mut req = plain;
    for (k, v) in signed.headers() {
        req.headers_mut().insert(k, v.parse().unwrap());
    }
    let name = req
        .verify_message_signature_sync(verifying, Some(key_id))
        .unwrap();
    assert_eq!(name, "sig1");
    block_on(req.verify_content_digest()).unwrap();

    // httpsig refuses the same signature on another path.
    let mut other = http_request("https://api.paycore.test/v1/refunds?expand=customer");
    for (k, v) in signed.headers() {
        other.headers_mut().insert(k, v.parse().unwrap());
    }
    assert!(
        other
            .verify_message_signature_sync(verifying, Some(key_id))
            .is_err()
    );
}

#[test]
fn hmac_httpsig_to_paycore() {
    let shared = SharedKey::HmacSha256(SECRET.to_vec());
    httpsig_signs_paycore_verifies(
        &shared,
        AlgorithmName::HmacSha256,
        "client_hmac",
        ps::VerificationKey::hmac(SECRET).unwrap(),
    );
}

#[test]
fn ed25519_httpsig_to_paycore() {
    let sk = SecretKey::from_bytes(&AlgorithmName::Ed25519, &ED_SEED).unwrap();
    let pk = ps::SigningKey::ed25519(&ED_SEED)
        .unwrap()
        .verification_key();
    httpsig_signs_paycore_verifies(&sk, AlgorithmName::Ed25519, "client_ed", pk);
}

#[test]
fn hmac_paycore_to_httpsig() {
    let shared = SharedKey::HmacSha256(SECRET.to_vec());
    paycore_signs_httpsig_verifies(
        &ps::SigningKey::hmac(SECRET).unwrap(),
        &shared,
        "client_hmac",
    );
}

#[test]
fn ed25519_paycore_to_httpsig() {
    let key = ps::SigningKey::ed25519(&ED_SEED).unwrap();
    let public = paycore::crypto::Ed25519PrivateKey::from_bytes(&ED_SEED)
        .unwrap()
        .public_key()
        .to_bytes();
    let pk = PublicKey::from_bytes(&AlgorithmName::Ed25519, &public).unwrap();
    paycore_signs_httpsig_verifies(&key, &pk, "client_ed");
}
