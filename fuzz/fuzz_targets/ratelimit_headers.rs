//! Every rate-limit header parser: arbitrary header sets never panic, and the
//! normalised view stays consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::ratelimit::RateLimitInfo;

const NAMES: [&str; 13] = [
    "RateLimit",
    "RateLimit-Policy",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Used",
    "X-RateLimit-Window",
    "X-RateLimit-Resource",
    "Retry-After",
    "Retry-After-Ms",
];

fuzz_target!(|data: &[u8]| {
    // Layout: 8 bytes of `now`, then records `<name index byte><value>` split on '\n'.
    let (now, rest) = match data.split_first_chunk::<8>() {
        Some((n, rest)) => (i64::from_le_bytes(*n), rest),
        None => (0, data),
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let headers: Vec<(&str, &str)> = text
        .split('\n')
        .filter_map(|line| {
            let (first, value) = line.split_at_checked(1)?;
            let i = usize::from(first.as_bytes().first().copied()?) % NAMES.len();
            Some((NAMES[i], value))
        })
        .collect();
    let info = RateLimitInfo::from_headers(&headers, now);
    let _ = info.wait_before_next();
    if info.retry_after.is_some() {
        assert_eq!(info.wait_before_next(), info.retry_after);
    }
});
