//! `Signature` parsing: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::signing::parse_signature;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = parse_signature(s);
    }
});
