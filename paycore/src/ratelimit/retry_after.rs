//! `Retry-After` (RFC 9110 §10.2.3): `delay-seconds` or an `HTTP-date`.

use std::time::{Duration, UNIX_EPOCH};

/// Parses a `Retry-After` value into the delay from `now_unix` (Unix seconds).
///
/// * `delay-seconds` (`1*DIGIT`) gives that many seconds.
/// * An `HTTP-date` (IMF-fixdate, or the obsolete RFC 850 and asctime forms)
///   gives the time from `now_unix` until that date, or zero if it has passed.
///
/// Anything else — a sign, a fraction, surrounding junk, a number too large for
/// `u64` — is malformed and yields `None`: a bad header is ignored, never fatal.
/// Leading and trailing whitespace (OWS) is allowed.
pub fn parse_retry_after(value: &str, now_unix: i64) -> Option<Duration> {
    let v = value.trim_matches([' ', '\t']);
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let at = at.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let at = i64::try_from(at).ok()?;
    let secs = at.saturating_sub(now_unix).max(0);
    Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds() {
        assert_eq!(parse_retry_after("120", 0), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", 0), Some(Duration::ZERO));
    }

    #[test]
    fn http_date() {
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
        let now = 784_111_777 - 30;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:37 1994", now),
            Some(Duration::from_secs(30))
        );
        // In the past: retry now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 100),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn malformed_is_none() {
        for v in [
            "",
            "-1",
            "1.5",
            "+3",
            "10s",
            "soon",
            "99999999999999999999999",
            "Sun, 06 Nov",
        ] {
            assert_eq!(parse_retry_after(v, 0), None, "{v:?}");
        }
    }
}
