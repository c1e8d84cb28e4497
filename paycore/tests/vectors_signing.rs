//! Runs the request-signing vectors: `vectors/rfc9421_vectors.json` (RFC 9421
//! Appendix B and §3.2), `vectors/rfc9530_content_digest_vectors.json` and
//! the paycore profile's own `vectors/signing_profile.json`.
//!
//! `PAYCORE_REGEN_SIGNING_VECTORS=1` rewrites the derived fields of
//! `signing_profile.json` (signed headers, signature bases) from each case's
//! `derivation`, failing if any case's hand-written `result`/`reason` is not
//! what the implementation produces. Run it only once the RFC vectors pass.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use common::{Trial, Value, str_field};
use paycore::crypto::{b64_decode, hex_decode};
use paycore::digest::{DigestAlgorithm, DigestError, check_content_digest, content_digest};
use paycore::signing::*;

type Pairs = Vec<(String, String)>;

/// A raw HTTP/1.1 message of the RFC: start line, header lines, blank line, body.
fn parse_http(text: &str) -> (String, Pairs, Vec<u8>) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let start = lines.next().unwrap_or("").to_string();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(':').expect("header line");
            (k.to_string(), v.trim().to_string())
        })
        .collect();
    (start, headers, body.as_bytes().to_vec())
}

fn pem_body(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    b64_decode(&b64).expect("PEM base64")
}

/// The 32 raw key bytes at the end of an ed25519 PKCS#8 / SPKI DER, after
/// checking the fixed DER prefix (RFC 8410).
fn ed25519_raw(pem: &str, prefix_hex: &str) -> Vec<u8> {
    let der = pem_body(pem);
    let prefix = hex_decode(prefix_hex).unwrap();
    assert!(der.starts_with(&prefix), "unexpected DER prefix");
    der[prefix.len()..].to_vec()
}

fn ed25519_keys(key: &Value) -> (SigningKey, VerificationKey) {
    let seed = ed25519_raw(
        str_field(key, "private_pem").unwrap(),
        "302e020100300506032b657004220420",
    );
    let public = ed25519_raw(
        str_field(key, "public_pem").unwrap(),
        "302a300506032b6570032100",
    );
    let sk = SigningKey::ed25519(&seed).unwrap();
    let vk = VerificationKey::ed25519(&public).unwrap();
    (sk, vk)
}

fn rfc_keys(file: &Value, keyid: &str, alg: &str) -> Option<(SigningKey, VerificationKey)> {
    let key = &file["keys"][keyid];
    match alg {
        "hmac-sha256" => {
            let secret = hex_decode(str_field(key, "hex").ok()?).unwrap();
            assert_eq!(Some(secret.len() as u64), key["length_bytes"].as_u64());
            assert_eq!(
                b64_decode(str_field(key, "base64").unwrap()).unwrap(),
                secret,
                "hex and base64 forms agree"
            );
            Some((
                SigningKey::hmac(&secret).unwrap(),
                VerificationKey::hmac(&secret).unwrap(),
            ))
        }
        "ed25519" => Some(ed25519_keys(key)),
        _ => None,
    }
}

/// The signature base of an RFC message under a `Signature-Input` value.
fn rfc_base(
    text: &str,
    signature_input: &str,
    fix_headers: impl Fn(&mut Pairs, &[u8]),
) -> Result<String, String> {
    let (start, mut headers, body) = parse_http(text);
    fix_headers(&mut headers, &body);
    let inputs = parse_signature_input(signature_input).map_err(|e| e.to_string())?;
    let [(_, params)] = inputs.as_slice() else {
        return Err("expected one Signature-Input member".into());
    };
    let mut parts = start.split(' ');
    let first = parts.next().unwrap();
    let second = parts.next().unwrap();
    if first.starts_with("HTTP/") {
        let status: u16 = second.parse().unwrap();
        let msg = HttpMessage::response(status, &headers);
        signature_base(&msg, params).map_err(|e| e.to_string())
    } else {
        // The RFC's requests are sent over https to the Host header's authority.
        let host = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("host"))
            .map(|(_, v)| v.clone())
            .unwrap();
        let url_text = format!("https://{host}{second}");
        let url = RequestUrl::parse(&url_text).map_err(|e| e.to_string())?;
        let msg = HttpMessage::request(first, &url, &headers);
        signature_base(&msg, params).map_err(|e| e.to_string())
    }
}

fn set_header(headers: &mut Pairs, name: &str, value: String) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value));
}

fn rfc9421_case(file: &Value, case: &Value) -> Result<(), String> {
    let message_ref = str_field(case, "message")?;
    let text = match message_ref {
        "test-request" => str_field(file, "test_request")?,
        "test-response" => str_field(file, "test_response")?,
        inline => inline,
    };
    let input = str_field(case, "signature_input")?;
    let expected = str_field(case, "signature_base")?;
    // Erratum: the test-response's Content-Digest as printed in RFC 9421 is
    // not the digest of its body (see `known_errata_observed`); the printed
    // base (B.2.4) uses the correct value. Recompute it, and check that the
    // printed one indeed differs only in that line.
    let printed_digest_wrong = message_ref == "test-response"
        && file["content_digest_check"]["test_response_content_digest_header_matches"]
            == Value::Bool(false);
    let base = rfc_base(text, input, |h, body| {
        if printed_digest_wrong {
            set_header(
                h,
                "Content-Digest",
                content_digest(body, DigestAlgorithm::Sha512),
            );
        }
    })?;
    if base != expected {
        return Err(format!(
            "base differs:\n--- got\n{base}\n--- want\n{expected}"
        ));
    }
    if printed_digest_wrong {
        let as_printed = rfc_base(text, input, |_, _| {})?;
        let differing: Vec<_> = as_printed
            .lines()
            .zip(expected.lines())
            .filter(|(a, b)| a != b)
            .collect();
        if differing.len() != 1 || !differing[0].0.starts_with("\"content-digest\"") {
            return Err(format!("erratum not as described: {differing:?}"));
        }
    }

    let sigs = parse_signature(str_field(case, "signature")?).map_err(|e| e.to_string())?;
    let [(label, sig)] = sigs.as_slice() else {
        return Err("expected one Signature member".into());
    };
    let inputs = parse_signature_input(input).unwrap();
    if &inputs[0].0 != label {
        return Err("Signature and Signature-Input labels differ".into());
    }
    let alg = str_field(case, "alg")?;
    let keyid = str_field(case, "keyid")?;
    let Some((sk, vk)) = rfc_keys(file, keyid, alg) else {
        // RSA / ECDSA: paycore implements neither; the base is what we pin.
        return Ok(());
    };
    if !vk.verify(base.as_bytes(), sig) {
        return Err("the RFC signature does not verify".into());
    }
    let mut tampered = base.clone().into_bytes();
    tampered[0] ^= 1;
    if vk.verify(&tampered, sig) {
        return Err("a tampered base verifies".into());
    }
    if case["deterministic"] == Value::Bool(true) && &sk.sign(base.as_bytes()) != sig {
        return Err("re-signing does not reproduce the RFC signature".into());
    }
    for variant in case["still_valid_variants"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let v = variant.as_str().unwrap();
        let (_, h, _) = parse_http(v);
        let si = h.iter().find(|(k, _)| k == "Signature-Input").unwrap();
        let vbase = rfc_base(v, &si.1, |_, _| {})?;
        if vbase != expected || !vk.verify(vbase.as_bytes(), sig) {
            return Err(format!("still-valid variant fails:\n{v}"));
        }
    }
    for variant in case["invalid_variants"].as_array().into_iter().flatten() {
        let v = variant.as_str().unwrap();
        let (_, h, _) = parse_http(v);
        let si = h.iter().find(|(k, _)| k == "Signature-Input").unwrap();
        let vbase = rfc_base(v, &si.1, |_, _| {})?;
        if vbase == expected || vk.verify(vbase.as_bytes(), sig) {
            return Err(format!("invalid variant verifies:\n{v}"));
        }
    }
    Ok(())
}

/// The top-level `content_digest_check` of the RFC 9421 file.
fn rfc9421_digests(file: &Value) -> Result<(), String> {
    let c = &file["content_digest_check"];
    let req_body = str_field(c, "test_request_body")?.as_bytes();
    let want512 = format!("sha-512=:{}:", str_field(c, "test_request_sha512")?);
    let want256 = format!("sha-256=:{}:", str_field(c, "test_request_sha256")?);
    if content_digest(req_body, DigestAlgorithm::Sha512) != want512
        || content_digest(req_body, DigestAlgorithm::Sha256) != want256
    {
        return Err("test-request digests differ".into());
    }
    let resp_body = str_field(c, "test_response_body")?.as_bytes();
    let resp512 = format!("sha-512=:{}:", str_field(c, "test_response_sha512")?);
    if content_digest(resp_body, DigestAlgorithm::Sha512) != resp512 {
        return Err("test-response digest differs".into());
    }
    for (msg, flag) in [
        ("test_request", "test_request_content_digest_header_matches"),
        (
            "test_response",
            "test_response_content_digest_header_matches",
        ),
    ] {
        let (_, headers, body) = parse_http(str_field(file, msg)?);
        let header = &headers
            .iter()
            .find(|(k, _)| k == "Content-Digest")
            .unwrap()
            .1;
        let got = check_content_digest(header, &body);
        let want_ok = c[flag].as_bool().unwrap();
        match (want_ok, got) {
            (true, Ok(_)) | (false, Err(DigestError::Mismatch { .. })) => {}
            (w, g) => return Err(format!("{msg}: want ok={w}, got {g:?}")),
        }
    }
    Ok(())
}

fn rfc9530_case(case: &Value) -> Result<(), String> {
    let input = hex_decode(str_field(case, "input_bytes_hex")?).unwrap();
    let alg = match str_field(case, "alg")? {
        "sha-256" => DigestAlgorithm::Sha256,
        "sha-512" => DigestAlgorithm::Sha512,
        a => return Err(format!("unknown alg {a}")),
    };
    let computed = str_field(case, "computed_field_member")?;
    if content_digest(&input, alg) != computed {
        return Err(format!("computed {}", content_digest(&input, alg)));
    }
    let published = str_field(case, "published_field_member")?;
    let got = check_content_digest(published, &input);
    // `matches: false` marks the two misprints the file records: a 32-byte
    // digest printed with `==` padding, and a hex dump that does not hash to
    // the printed digest. The first is refused as malformed (sfv accepts
    // missing padding but not excess), the second as a mismatch.
    let ok = match (case["matches"].as_bool(), &got) {
        (Some(true), Ok(v)) => v == &vec![alg],
        (Some(false), Err(DigestError::Malformed)) => published.contains("=="),
        (Some(false), Err(DigestError::Mismatch { algorithm })) => *algorithm == alg.name(),
        _ => false,
    };
    if !ok {
        return Err(format!("check of the published member gave {got:?}"));
    }
    Ok(())
}

/// Gives each element an `id` (its `name` or its index) for the loader.
fn with_ids(cases: &Value, prefix: &str) -> Value {
    let mut out = cases.clone();
    for (i, c) in out.as_array_mut().unwrap().iter_mut().enumerate() {
        if c.get("id").is_none() {
            let id = format!("{prefix}{i:02}");
            c.as_object_mut()
                .unwrap()
                .insert("id".into(), Value::String(id));
        }
    }
    out
}

fn main() {
    let mut trials: Vec<Trial> = Vec::new();

    let f9421 = std::sync::Arc::new(common::load("rfc9421_vectors.json"));
    let f = f9421.clone();
    trials.extend(common::trials("rfc9421", &f9421["cases"], move |c| {
        rfc9421_case(&f, c)
    }));
    let f = f9421.clone();
    trials.push(Trial::test("rfc9421::content_digest_check", move || {
        rfc9421_digests(&f).map_err(Into::into)
    }));

    let f9530 = common::load("rfc9530_content_digest_vectors.json");
    trials.extend(common::trials(
        "rfc9530",
        &with_ids(&f9530["vectors"], "rfc9530-"),
        rfc9530_case,
    ));

    profile::trials(&mut trials);
    common::run(trials);
}

/// `vectors/signing_profile.json`.
mod profile {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::common::{self, Trial, Value, str_field};
    use super::{Pairs, set_header};
    use paycore::crypto::{b64_decode, b64_encode, hex_decode};
    use paycore::digest::{DigestAlgorithm, content_digest};
    use paycore::signing::*;

    const FILE: &str = "signing_profile.json";

    struct Keys {
        by_name: HashMap<String, (SigningKey, VerificationKey)>,
    }

    impl Keys {
        fn load(file: &Value) -> Keys {
            let mut by_name = HashMap::new();
            for (name, k) in file["keys"].as_object().unwrap() {
                let pair = match str_field(k, "alg").unwrap() {
                    "hmac-sha256" => {
                        let s = hex_decode(str_field(k, "secret_hex").unwrap()).unwrap();
                        (
                            SigningKey::hmac(&s).unwrap(),
                            VerificationKey::hmac(&s).unwrap(),
                        )
                    }
                    "ed25519" => {
                        let seed = hex_decode(str_field(k, "private_seed_hex").unwrap()).unwrap();
                        let public = hex_decode(str_field(k, "public_hex").unwrap()).unwrap();
                        let sk = SigningKey::ed25519(&seed).unwrap();
                        let vk = VerificationKey::ed25519(&public).unwrap();
                        assert_eq!(
                            format!("{:?}", sk.verification_key()),
                            format!("{vk:?}"),
                            "{name}: public key does not match the seed"
                        );
                        (sk, vk)
                    }
                    a => panic!("unknown alg {a}"),
                };
                by_name.insert(name.clone(), pair);
            }
            Keys { by_name }
        }

        fn signing(&self, name: &str) -> &SigningKey {
            &self.by_name[name].0
        }

        fn lookup(&self, key_ids: &Value) -> HashMap<String, Vec<VerificationKey>> {
            key_ids
                .as_object()
                .unwrap()
                .iter()
                .map(|(id, names)| {
                    let keys = names
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| self.by_name[n.as_str().unwrap()].1.clone())
                        .collect();
                    (id.clone(), keys)
                })
                .collect()
        }
    }

    fn pairs(v: &Value) -> Pairs {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap().to_string(),
                            p[1].as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn pairs_json(p: &Pairs) -> Value {
        Value::Array(
            p.iter()
                .map(|(k, v)| Value::Array(vec![k.clone().into(), v.clone().into()]))
                .collect(),
        )
    }

    fn nonce_bytes(case: &Value) -> Vec<u8> {
        hex_decode(str_field(case, "nonce_hex").unwrap()).unwrap()
    }

    fn sign_case(keys: &Keys, case: &Value) -> Result<SignedRequest, SignError> {
        let headers = pairs(&case["headers"]);
        let body = common::body_bytes(case);
        let req = Request::new(
            str_field(case, "method").unwrap(),
            str_field(case, "url").unwrap(),
            &headers,
            &body,
        );
        sign_request(
            &req,
            str_field(case, "key_id").unwrap(),
            keys.signing(str_field(case, "key").unwrap()),
            case["now_unix"].as_i64().unwrap(),
            &nonce_bytes(case),
        )
    }

    /// The outcome of one verification, as the vectors record it.
    #[derive(Debug, PartialEq)]
    struct Outcome {
        result: &'static str,
        reason: Option<&'static str>,
        signature_base: Option<String>,
        expected: Option<Value>,
    }

    fn verify_once(
        keys: &Keys,
        case: &Value,
        msg: &Value,
        now: i64,
        store: &MemoryNonceStore,
    ) -> Outcome {
        let headers = pairs(&msg["headers"]);
        let body = common::body_bytes(msg);
        let req = Request::new(
            str_field(msg, "method").unwrap(),
            str_field(msg, "url").unwrap(),
            &headers,
            &body,
        );
        let lookup = keys.lookup(&case["key_ids"]);
        let mut policy = VerifyPolicy::default();
        if let Some(w) = case["policy"]["window_seconds"].as_u64() {
            policy = policy.with_window(std::time::Duration::from_secs(w));
        }
        if let Some(l) = case["policy"]["label"].as_str() {
            policy = policy.with_label(l);
        }
        match verify_request(&req, &lookup, now, &policy, store) {
            Ok(v) => Outcome {
                result: "valid",
                reason: None,
                signature_base: Some(v.signature_base().to_string()),
                expected: Some(serde_json::json!({
                    "key_id": v.key_id(),
                    "key_index": v.key_index(),
                    "alg": v.algorithm().name(),
                    "created": v.created(),
                    "nonce": v.nonce(),
                    "nonce_expires_at": v.expires_at(),
                    "components": v.components().iter().map(|c| c.identifier()).collect::<Vec<_>>(),
                })),
            },
            Err(f) => Outcome {
                result: "invalid",
                reason: Some(f.code()),
                signature_base: f.signature_base().map(str::to_string),
                expected: None,
            },
        }
    }

    fn recorded(case: &Value) -> Outcome {
        let s = |k: &str| -> Option<&'static str> {
            case[k]
                .as_str()
                .map(|s| &*Box::leak(s.to_string().into_boxed_str()))
        };
        Outcome {
            result: s("result").unwrap_or("?"),
            reason: s("reason"),
            signature_base: case["signature_base"].as_str().map(str::to_string),
            expected: case.get("expected").cloned(),
        }
    }

    fn check_sign(keys: &Keys, case: &Value) -> Result<(), String> {
        match (sign_case(keys, case), str_field(case, "result")?) {
            (Ok(s), "valid") => {
                let e = &case["expected"];
                let want = (
                    e["content_digest"].as_str(),
                    str_field(e, "signature_input")?,
                    str_field(e, "signature")?,
                    str_field(e, "signature_base")?,
                );
                let got = (
                    s.content_digest(),
                    s.signature_input(),
                    s.signature(),
                    s.signature_base(),
                );
                if got != want {
                    return Err(format!("got {got:#?}\nwant {want:#?}"));
                }
                // What was signed verifies.
                let mut received = pairs(&case["headers"]);
                for (k, v) in s.headers() {
                    set_header(&mut received, k, v.to_string());
                }
                let mut msg = case.clone();
                msg["headers"] = pairs_json(&received);
                let mut ids = serde_json::Map::new();
                ids.insert(
                    str_field(case, "key_id")?.to_string(),
                    Value::Array(vec![case["key"].clone()]),
                );
                let vcase = serde_json::json!({ "key_ids": ids, "policy": {} });
                let now = case["now_unix"].as_i64().unwrap();
                let out = verify_once(keys, &vcase, &msg, now, &MemoryNonceStore::new(4));
                if out.result != "valid" || out.signature_base.as_deref() != Some(want.3) {
                    return Err(format!("the signed request does not verify: {out:?}"));
                }
                Ok(())
            }
            (Err(e), "invalid") if Some(e.code()) == case["reason"].as_str() => Ok(()),
            (got, want) => Err(format!("want {want} {:?}, got {got:?}", case["reason"])),
        }
    }

    fn check_verify(keys: &Keys, case: &Value) -> Result<(), String> {
        let store = MemoryNonceStore::new(1000);
        let now = case["now_unix"].as_i64().unwrap();
        let got = verify_once(keys, case, case, now, &store);
        let want = recorded(case);
        if got != want {
            return Err(format!("got {got:#?}\nwant {want:#?}"));
        }
        for (i, a) in case["attempts"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let mut msg = case.clone();
            if let Some(h) = a.get("headers") {
                msg["headers"] = h.clone();
            }
            let now = a["now_unix"].as_i64().unwrap();
            let got = verify_once(keys, case, &msg, now, &store);
            if (got.result, got.reason) != (str_field(a, "result")?, a["reason"].as_str()) {
                return Err(format!("attempt {i}: got {got:?}"));
            }
        }
        Ok(())
    }

    // ---- regeneration -------------------------------------------------

    /// Signs `sign` (a derivation's `sign` object): with the profile's
    /// `sign_request`, or, when it has `params`, with the general builder.
    fn derive_signed(keys: &Keys, sign: &Value) -> Pairs {
        let mut headers = pairs(&sign["headers"]);
        let Some(p) = sign.get("params") else {
            let s = sign_case(keys, sign).expect("derivation signs");
            for (k, v) in s.headers() {
                set_header(&mut headers, k, v.to_string());
            }
            return headers;
        };
        let body = common::body_bytes(sign);
        if !body.is_empty() {
            set_header(
                &mut headers,
                "Content-Digest",
                content_digest(&body, DigestAlgorithm::Sha256),
            );
        }
        let nonce = encode_nonce(&nonce_bytes(sign));
        let components = p["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Component::new(c.as_str().unwrap()).unwrap())
            .collect();
        let params = SignatureParams::new(
            components,
            ParamValues {
                created: p["created"].as_i64(),
                key_id: p["keyid"].as_str(),
                nonce: Some(p["nonce"].as_str().unwrap_or(&nonce)),
                alg: p["alg"].as_str(),
                tag: p["tag"].as_str(),
                ..ParamValues::default()
            },
        )
        .unwrap();
        let url = RequestUrl::parse(str_field(sign, "url").unwrap()).unwrap();
        let msg = HttpMessage::request(str_field(sign, "method").unwrap(), &url, &headers);
        let base = signature_base(&msg, &params).unwrap();
        let sig = keys
            .signing(str_field(sign, "key").unwrap())
            .sign(base.as_bytes());
        let label = str_field(p, "label").unwrap();
        let input = format!("{label}={}", params.serialized());
        let signature = format!("{label}=:{}:", b64_encode(&sig));
        set_header(&mut headers, "Signature-Input", input);
        set_header(&mut headers, "Signature", signature);
        headers
    }

    fn header_value(h: &Pairs, name: &str) -> String {
        h.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap()
    }

    fn apply_then(then: &Value, msg: &mut Value) {
        let mut h = pairs(&msg["headers"]);
        for k in ["method", "url", "payload"] {
            if let Some(v) = then.get(k) {
                msg[k] = v.clone();
            }
        }
        if then["recompute_content_digest"] == Value::Bool(true) {
            let body = common::body_bytes(msg);
            set_header(
                &mut h,
                "Content-Digest",
                content_digest(&body, DigestAlgorithm::Sha256),
            );
        }
        for (k, v) in pairs(&then["set_headers"]) {
            set_header(&mut h, &k, v);
        }
        for n in then["remove_headers"].as_array().into_iter().flatten() {
            h.retain(|(k, _)| !k.eq_ignore_ascii_case(n.as_str().unwrap()));
        }
        let mut pre = pairs(&then["prepend_to_headers"]);
        pre.append(&mut h);
        h = pre;
        if then["lowercase_header_names"] == Value::Bool(true) {
            h.iter_mut().for_each(|(k, _)| *k = k.to_ascii_lowercase());
        }
        if then["reverse_headers"] == Value::Bool(true) {
            h.reverse();
        }
        if let Some(l) = then["duplicate_signature_as"].as_str() {
            let si = header_value(&h, "signature-input");
            let sg = header_value(&h, "signature");
            let (_, si_rest) = si.split_once('=').unwrap();
            let (_, sg_rest) = sg.split_once('=').unwrap();
            h.push(("Signature-Input".into(), format!("{l}={si_rest}")));
            h.push(("Signature".into(), format!("{l}={sg_rest}")));
        }
        if let Some(l) = then["rename_signature_label"].as_str() {
            let sg = header_value(&h, "signature");
            let (_, rest) = sg.split_once('=').unwrap();
            set_header(&mut h, "Signature", format!("{l}={rest}"));
        }
        if let Some(r) = then["replace_in_header"].as_array() {
            let name = r[0].as_str().unwrap();
            let v = header_value(&h, name);
            let nv = v.replacen(r[1].as_str().unwrap(), r[2].as_str().unwrap(), 1);
            assert_ne!(v, nv, "replace_in_header changed nothing");
            set_header(&mut h, name, nv);
        }
        if then["flip_signature_bit"] == Value::Bool(true) {
            let sg = header_value(&h, "signature");
            let (label, rest) = sg.split_once('=').unwrap();
            let mut bytes = b64_decode(rest.trim_matches(':')).unwrap();
            bytes[0] ^= 1;
            set_header(
                &mut h,
                "Signature",
                format!("{label}=:{}:", b64_encode(&bytes)),
            );
        }
        msg["headers"] = pairs_json(&h);
    }

    fn regen_sign(keys: &Keys, case: &mut Value) {
        let id = case["id"].as_str().unwrap().to_string();
        match sign_case(keys, case) {
            Ok(s) => {
                assert_eq!(case["result"], "valid", "{id}");
                case["expected"] = serde_json::json!({
                    "content_digest": s.content_digest(),
                    "signature_input": s.signature_input(),
                    "signature": s.signature(),
                    "signature_base": s.signature_base(),
                });
            }
            Err(e) => {
                assert_eq!(case["result"], "invalid", "{id}: {e:?}");
                assert_eq!(case["reason"].as_str(), Some(e.code()), "{id}");
            }
        }
    }

    fn regen_verify(keys: &Keys, case: &mut Value) {
        let id = case["id"].as_str().unwrap().to_string();
        let d = case["derivation"].clone();
        let sign = &d["sign"];
        let mut msg = serde_json::json!({
            "method": sign["method"],
            "url": sign["url"],
            "payload": sign["payload"],
            "headers": pairs_json(&derive_signed(keys, sign)),
        });
        if let Some(then) = d.get("then") {
            apply_then(then, &mut msg);
        }
        for k in ["method", "url", "headers", "payload"] {
            case[k] = msg[k].clone();
        }
        let store = MemoryNonceStore::new(1000);
        let now = case["now_unix"].as_i64().unwrap();
        let got = verify_once(keys, case, case, now, &store);
        assert_eq!(got.result, case["result"], "{id}: {got:?}");
        assert_eq!(got.reason, case["reason"].as_str(), "{id}: {got:?}");
        case["signature_base"] = got.signature_base.map_or(Value::Null, Value::String);
        match got.expected {
            Some(e) => case["expected"] = e,
            None => {
                case.as_object_mut().unwrap().remove("expected");
            }
        }
        let case_snapshot = case.clone();
        let attempts = case.get_mut("attempts").and_then(Value::as_array_mut);
        for a in attempts.into_iter().flatten() {
            let mut amsg = case_snapshot.clone();
            if let Some(n) = a["resign_with_nonce_hex"].as_str() {
                let mut s = sign.clone();
                s["nonce_hex"] = n.into();
                let h = pairs_json(&derive_signed(keys, &s));
                a["headers"] = h.clone();
                amsg["headers"] = h;
            }
            let now = a["now_unix"].as_i64().unwrap();
            let got = verify_once(keys, &case_snapshot, &amsg, now, &store);
            assert_eq!(got.result, a["result"], "{id} attempt: {got:?}");
            assert_eq!(got.reason, a["reason"].as_str(), "{id} attempt: {got:?}");
        }
    }

    fn regenerate() {
        let mut file = common::load(FILE);
        let keys = Keys::load(&file);
        for c in file["sign_cases"].as_array_mut().unwrap() {
            regen_sign(&keys, c);
        }
        for c in file["verify_cases"].as_array_mut().unwrap() {
            regen_verify(&keys, c);
        }
        let mut text = String::new();
        pretty(&file, 0, &mut text);
        text.push('\n');
        std::fs::write(common::vectors_dir().join(FILE), text).unwrap();
    }

    /// JSON with one-space indentation, arrays of scalars (and of arrays of
    /// scalars, such as header pairs) on one line.
    fn pretty(v: &Value, indent: usize, out: &mut String) {
        let flat = |v: &Value| match v {
            Value::Array(a) => a.iter().all(|e| !e.is_array() && !e.is_object()),
            Value::Object(_) => false,
            _ => true,
        };
        let pad = |n: usize| " ".repeat(n);
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.push_str("{\n");
                for (i, (k, e)) in m.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push_str(": ");
                    pretty(e, indent + 1, out);
                    out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push('}');
            }
            Value::Array(a) if !a.iter().all(flat) => {
                out.push_str("[\n");
                for (i, e) in a.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    pretty(e, indent + 1, out);
                    out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push(']');
            }
            Value::Array(a) if a.iter().any(Value::is_array) && a.len() > 1 => {
                out.push_str("[\n");
                for (i, e) in a.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    out.push_str(&serde_json::to_string(e).unwrap());
                    out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push(']');
            }
            _ => out.push_str(&serde_json::to_string(v).unwrap()),
        }
    }

    pub(super) fn trials(trials: &mut Vec<Trial>) {
        if std::env::var_os("PAYCORE_REGEN_SIGNING_VECTORS").is_some() {
            regenerate();
        }
        let file = common::load(FILE);
        let keys = Arc::new(Keys::load(&file));
        let k = keys.clone();
        trials.extend(common::trials(
            "profile::sign",
            &file["sign_cases"],
            move |c| check_sign(&k, c),
        ));
        trials.extend(common::trials(
            "profile::verify",
            &file["verify_cases"],
            move |c| check_verify(&keys, c),
        ));
    }
}
