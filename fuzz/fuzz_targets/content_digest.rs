//! `Content-Digest` parsing and checking: must never panic. The input is
//! split at the first NUL into the field value and the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::digest::{DigestAlgorithm, check_content_digest, content_digest};

fuzz_target!(|data: &[u8]| {
    let (value, body) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(value) = std::str::from_utf8(value) else {
        return;
    };
    let _ = check_content_digest(value, body);
    for alg in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512] {
        assert!(check_content_digest(&content_digest(body, alg), body).is_ok());
    }
});
