//! Property tests of the paycore-v1 signing profile: sign -> verify round
//! trips for arbitrary requests, and every tampering is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::collections::HashMap;

use paycore::digest::check_content_digest;
use paycore::signing::*;
use proptest::prelude::*;

const NOW: i64 = 1_767_225_600;

type Signers = Vec<(SigningKey, &'static str)>;
type Lookup = HashMap<String, Vec<VerificationKey>>;

fn keys() -> (Signers, Lookup) {
    let hmac = SigningKey::hmac(b"property-test-shared-secret-0001").unwrap();
    let ed = SigningKey::ed25519(&[42u8; 32]).unwrap();
    let lookup = HashMap::from([
        ("kid_hmac".to_string(), vec![hmac.verification_key()]),
        ("kid_ed".to_string(), vec![ed.verification_key()]),
    ]);
    (vec![(hmac, "kid_hmac"), (ed, "kid_ed")], lookup)
}

#[derive(Debug, Clone)]
struct Req {
    method: String,
    host: String,
    path: String,
    query: Option<String>,
    body: Vec<u8>,
    idempotency_key: Option<String>,
    ed25519: bool,
    nonce: [u8; 16],
}

impl Req {
    fn url(&self) -> String {
        let mut u = format!("https://{}{}", self.host, self.path);
        if let Some(q) = &self.query {
            u.push('?');
            u.push_str(q);
        }
        u
    }

    fn headers(&self) -> Vec<(String, String)> {
        let mut h = vec![("Accept".to_string(), "application/json".to_string())];
        if !self.body.is_empty() {
            h.push(("Content-Type".into(), "application/octet-stream".into()));
        }
        if let Some(k) = &self.idempotency_key {
            h.push(("Idempotency-Key".into(), k.clone()));
        }
        h
    }
}

fn req_strategy() -> impl Strategy<Value = Req> {
    (
        prop_oneof![
            Just("GET".to_string()),
            Just("POST".to_string()),
            Just("DELETE".to_string()),
            "[A-Z]{1,8}",
        ],
        prop_oneof![
            Just("api.example.com".to_string()),
            Just("localhost:8080".to_string()),
            "[a-z0-9]{1,10}\\.test",
        ],
        "(/[a-zA-Z0-9._~%-]{0,12}){0,4}",
        proptest::option::of("[a-zA-Z0-9=&%+._-]{0,30}"),
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::option::of("[a-zA-Z0-9_-]{1,40}"),
        any::<bool>(),
        any::<[u8; 16]>(),
    )
        .prop_map(
            |(method, host, path, query, body, idempotency_key, ed25519, nonce)| Req {
                method,
                host,
                path,
                query,
                body,
                idempotency_key,
                ed25519,
                nonce,
            },
        )
}

/// Signs `r` and returns the received headers and the signed base.
fn sign(r: &Req) -> (Vec<(String, String)>, String) {
    let (signers, _) = keys();
    let (key, kid) = &signers[usize::from(r.ed25519)];
    let headers = r.headers();
    let url = r.url();
    let req = Request::new(&r.method, &url, &headers, &r.body);
    let signed = sign_request(&req, kid, key, NOW, &r.nonce).unwrap();
    let mut received = headers.clone();
    received.extend(
        signed
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    (received, signed.signature_base().to_string())
}

fn verify(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Verified, VerifyFailure> {
    let (_, lookup) = keys();
    let req = Request::new(method, url, &headers, body);
    verify_signature(&req, &lookup, NOW + 1, &VerifyPolicy::default())
}

fn set(headers: &mut [(String, String)], name: &str, value: &str) {
    for (k, v) in headers.iter_mut() {
        if k.eq_ignore_ascii_case(name) {
            *v = value.to_string();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn round_trip(r in req_strategy()) {
        let (received, base) = sign(&r);
        let v = verify(&r.method, &r.url(), &received, &r.body).unwrap();
        prop_assert_eq!(v.signature_base(), base.as_str());
        prop_assert_eq!(v.created(), NOW);
        let store = MemoryNonceStore::new(8);
        let v = v.check_nonce(&store, NOW).unwrap();
        let again = verify(&r.method, &r.url(), &received, &r.body).unwrap();
        prop_assert_eq!(again.check_nonce(&store, NOW).unwrap_err().code(), "replayed");
        prop_assert_eq!(v.key_id(), if r.ed25519 { "kid_ed" } else { "kid_hmac" });
    }

    #[test]
    fn flipped_body_byte_is_refused(r in req_strategy(), idx in any::<prop::sample::Index>(), bit in 0u8..8) {
        prop_assume!(!r.body.is_empty());
        let (received, _) = sign(&r);
        let mut body = r.body.clone();
        let i = idx.index(body.len());
        body[i] ^= 1 << bit;
        let err = verify(&r.method, &r.url(), &received, &body).unwrap_err();
        prop_assert_eq!(err.code(), "digest_mismatch");
        prop_assert!(err.signature_base().is_some());
    }

    #[test]
    fn changed_component_is_refused(r in req_strategy(), which in 0usize..7) {
        let (mut received, _) = sign(&r);
        let mut method = r.method.clone();
        let mut url = r.url();
        match which {
            0 => method.push('X'),
            1 => url = url.replacen(&r.host, "other.example", 1),
            2 => {
                let mut r2 = r.clone();
                r2.path.push_str("/x");
                url = r2.url();
            }
            3 => {
                let mut r2 = r.clone();
                r2.query = Some(format!("{}&extra=1", r.query.clone().unwrap_or_default()));
                url = r2.url();
            }
            4 => {
                prop_assume!(r.idempotency_key.is_some());
                set(&mut received, "idempotency-key", "changed");
            }
            5 => {
                prop_assume!(!r.body.is_empty());
                set(&mut received, "content-type", "text/plain");
            }
            _ => {
                // Content-Digest swapped for the digest of another body.
                prop_assume!(!r.body.is_empty());
                let other = paycore::digest::content_digest(b"other", Default::default());
                set(&mut received, "content-digest", &other);
            }
        }
        let err = verify(&method, &url, &received, &r.body).unwrap_err();
        let want = if which == 6 { "digest_mismatch" } else { "signature_invalid" };
        prop_assert_eq!(err.code(), want);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,200}", body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = parse_signature_input(&s);
        let _ = parse_signature(&s);
        let _ = check_content_digest(&s, &body);
        let headers = [("Signature-Input", s.as_str()), ("Signature", s.as_str()), ("Content-Digest", s.as_str())];
        let (_, lookup) = keys();
        let req = Request::new("POST", "https://a.test/", &headers, &body);
        prop_assert!(verify_signature(&req, &lookup, NOW, &VerifyPolicy::default()).is_err());
    }
}
