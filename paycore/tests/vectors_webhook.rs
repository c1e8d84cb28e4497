//! Runs every webhook vector: `standard_webhooks_vectors.json`,
//! `stripe_vectors.json`, `other_schemes_vectors.json` and paycore's own
//! `webhook_extra.json`, one trial per vector id.
//!
//! Where a case carries `paycore_expected` (the project's contract differs
//! from a peer library's behaviour or vocabulary), that replaces `expected`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use std::time::Duration;

use common::{Value, body_bytes, header_pairs, str_field};
use paycore::Headers;
use paycore::webhook::{Options, Scheme, WebhookSigner, WebhookVerifier};

fn main() {
    let mut trials = Vec::new();
    for (file, default_scheme) in [
        ("standard_webhooks_vectors.json", "standard"),
        ("stripe_vectors.json", "stripe"),
        ("other_schemes_vectors.json", ""),
        ("webhook_extra.json", ""),
    ] {
        let v = common::load(file);
        let prefix = file.trim_end_matches(".json").to_string();
        trials.extend(common::trials(&prefix, &v["vectors"], move |case| {
            run_case(case, default_scheme)
        }));
    }
    common::run(trials);
}

fn run_case(case: &Value, default_scheme: &str) -> Result<(), String> {
    let scheme_name = case["scheme"].as_str().unwrap_or(default_scheme);
    let scheme: Scheme = scheme_name
        .parse()
        .map_err(|e| format!("scheme {scheme_name:?}: {e}"))?;
    let secrets = secrets(case)?;
    let expected = if case["paycore_expected"].is_object() {
        &case["paycore_expected"]
    } else {
        &case["expected"]
    };
    let result = str_field(expected, "result")?;
    match case["kind"].as_str().unwrap_or("verify") {
        "sign" => sign_case(case, scheme, &secrets),
        "verify" => {
            let outcome = verify(case, scheme, &secrets);
            if let Some(sig) = case["expected_signature"].as_str() {
                // The signer must reproduce the signature the case was made with.
                check_standard_signature(case, &secrets, sig)?;
            }
            check_outcome(outcome, result, expected)
        }
        "construct" => {
            let outcome = WebhookVerifier::new(scheme, &secrets, Options::default())
                .map_err(|e| e.reason())
                .and_then(|_| {
                    if case["headers"].is_object() {
                        // Verification, then the caller's separate JSON parse.
                        verify(case, scheme, &secrets)?;
                        serde_json::from_slice::<Value>(&body_bytes(case))
                            .map(|_| ())
                            .map_err(|_| "invalid_json".to_string())
                    } else {
                        Ok(())
                    }
                });
            check_outcome(outcome, result, expected)
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

fn secrets(case: &Value) -> Result<Vec<String>, String> {
    if let Some(list) = case["secrets"].as_array() {
        return list
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_owned)
                    .ok_or("secrets: not a string".to_string())
            })
            .collect();
    }
    Ok(vec![str_field(case, "secret")?.to_owned()])
}

/// Verifies the case; `Err` carries the full reason (`missing_header:webhook-id`).
fn verify(case: &Value, scheme: Scheme, secrets: &[String]) -> Result<(), String> {
    let mut options = Options::default();
    match &case["tolerance_seconds"] {
        Value::Null if case.get("tolerance_seconds").is_some() => {
            // "null = no tolerance check"
            options = options.with_ignore_timestamp(true);
        }
        Value::Number(n) => {
            options = options.with_tolerance(Duration::from_secs(n.as_u64().unwrap()));
        }
        _ => {}
    }
    if case["options"]["ignore_timestamp"].as_bool() == Some(true) {
        options = options.with_ignore_timestamp(true);
    }
    let verifier = WebhookVerifier::new(scheme, secrets, options).map_err(|e| e.reason())?;
    let headers: Vec<(String, String)> = match case["header"].as_str() {
        // stripe_vectors.json gives the Stripe-Signature value alone.
        Some(h) => vec![("Stripe-Signature".to_string(), h.to_string())],
        None => header_pairs(&case["headers"]),
    };
    let now = case["now"].as_i64().unwrap_or(0);
    let body = body_bytes(case);
    let verified = verifier
        .verify(&body, &headers, now)
        .map_err(|e| e.reason())?;
    // What the verifier reports must be what the headers carried.
    if verified.scheme != scheme {
        return Err(format!("verified scheme {:?}", verified.scheme));
    }
    if headers.get(verified.signature_header).is_none() {
        return Err(format!(
            "signature_header {} is not among the headers",
            verified.signature_header
        ));
    }
    if scheme == Scheme::StandardWebhooks {
        let id_header = verified.signature_header.replace("-signature", "-id");
        let ts_header = verified
            .signature_header
            .replace("-signature", "-timestamp");
        if verified.msg_id != headers.get(&id_header) {
            return Err(format!("msg_id {:?}", verified.msg_id));
        }
        let ts = headers.get(&ts_header).and_then(|t| t.parse().ok());
        if verified.timestamp != ts {
            return Err(format!("timestamp {:?}", verified.timestamp));
        }
    }
    Ok(())
}

fn check_outcome(
    outcome: Result<(), String>,
    result: &str,
    expected: &Value,
) -> Result<(), String> {
    match (result, outcome) {
        ("valid", Ok(())) => Ok(()),
        ("valid", Err(reason)) => Err(format!("expected valid, got {reason}")),
        ("invalid", Ok(())) => Err(format!(
            "expected invalid ({}), got valid",
            expected["reason"]
        )),
        ("invalid", Err(reason)) => {
            let want = str_field(expected, "reason")?;
            if reason == want {
                Ok(())
            } else {
                Err(format!("expected reason {want}, got {reason}"))
            }
        }
        (other, _) => Err(format!("unknown expected result {other:?}")),
    }
}

fn sign_case(case: &Value, scheme: Scheme, secrets: &[String]) -> Result<(), String> {
    if let Some(sig) = case["expected_signature"].as_str() {
        return check_standard_signature(case, secrets, sig);
    }
    let signer = WebhookSigner::new(scheme, secrets).map_err(|e| e.reason())?;
    let msg_id = case["msg_id"].as_str().unwrap_or("");
    let timestamp = case["timestamp"].as_i64();
    let body = body_bytes(case);
    if let Some(h) = case["expected_header"].as_str() {
        // Stripe: the timestamp is the header's t.
        let t = h
            .strip_prefix("t=")
            .and_then(|r| r.split(',').next())
            .and_then(|t| t.parse().ok())
            .or(timestamp)
            .ok_or("no timestamp")?;
        let out = signer.sign(msg_id, t, &body).map_err(|e| e.reason())?;
        let got = out
            .get("stripe-signature")
            .ok_or("no Stripe-Signature header")?;
        return if got == h {
            Ok(())
        } else {
            Err(format!("expected {h}, got {got}"))
        };
    }
    if let Some(want) = case["expected_headers"].as_object() {
        let out = signer
            .sign(msg_id, timestamp.unwrap_or(0), &body)
            .map_err(|e| e.reason())?;
        if out.len() != want.len() {
            return Err(format!("expected {} headers, got {out:?}", want.len()));
        }
        for (name, value) in want {
            let got = out.get(name);
            if got != value.as_str() {
                return Err(format!("{name}: expected {value}, got {got:?}"));
            }
        }
        return Ok(());
    }
    Err("a sign case needs expected_signature, expected_header or expected_headers".into())
}

/// Signs with the case's secrets, id and timestamp and compares the
/// `webhook-signature` value.
fn check_standard_signature(case: &Value, secrets: &[String], want: &str) -> Result<(), String> {
    let signer = WebhookSigner::new(Scheme::StandardWebhooks, secrets).map_err(|e| e.reason())?;
    let out = signer
        .sign(
            str_field(case, "msg_id")?,
            case["timestamp"].as_i64().ok_or("no timestamp")?,
            &body_bytes(case),
        )
        .map_err(|e| e.reason())?;
    let got = out.get("webhook-signature").ok_or("no webhook-signature")?;
    if got == want {
        Ok(())
    } else {
        Err(format!("signature: expected {want}, got {got}"))
    }
}
