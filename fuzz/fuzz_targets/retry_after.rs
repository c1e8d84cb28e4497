//! `Retry-After`: any value and any `now` never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::ratelimit::parse_retry_after;

fuzz_target!(|data: &[u8]| {
    let (now, rest) = match data.split_first_chunk::<8>() {
        Some((n, rest)) => (i64::from_le_bytes(*n), rest),
        None => (0, data),
    };
    if let Ok(value) = std::str::from_utf8(rest) {
        let _ = parse_retry_after(value, now);
    }
});
