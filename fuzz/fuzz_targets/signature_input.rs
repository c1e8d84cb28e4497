//! `Signature-Input` parsing, and a full verification with it as the header:
//! must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::signing::{Request, VerifyPolicy, parse_signature_input, verify_signature};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    // A leading space means the same Dictionary but takes sfv's path
    // instead of the canonical-form fast path: both must agree exactly.
    let parsed = parse_signature_input(s);
    assert_eq!(parsed, parse_signature_input(&format!(" {s}")));
    if let Ok(members) = parsed {
        for (_, params) in &members {
            // Re-serialized parameters must parse again.
            let again = format!("x={}", params.serialized());
            assert!(parse_signature_input(&again).is_ok());
        }
    }
    let headers = [
        ("Signature-Input", s),
        ("Signature", "sig1=:AAAA:"),
        ("Content-Type", "application/json"),
        ("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"),
    ];
    let keys = std::collections::HashMap::<String, Vec<paycore::signing::VerificationKey>>::new();
    let req = Request::new("POST", "https://a.test/p?q=1", &headers, b"");
    let _ = verify_signature(&req, &keys, 1_700_000_000, &VerifyPolicy::default().with_label("sig1"));
    let _ = verify_signature(&req, &keys, 1_700_000_000, &VerifyPolicy::default());
});
