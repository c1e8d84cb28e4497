//! Reading rate-limit response headers, whatever format the server speaks.
//!
//! [`RateLimitInfo::from_headers`] reads every common format and normalises
//! them into one value:
//!
//! | field(s) | format |
//! |---|---|
//! | `RateLimit-Policy`, `RateLimit` | draft-ietf-httpapi-ratelimit-headers-10: Structured-Field Lists of named items, `"name";q=..;w=..;qu=..;pk=:..:` and `"name";r=..;t=..;pk=:..:` |
//! | `RateLimit: limit=.., remaining=.., reset=..` | draft -07 (a Dictionary) |
//! | `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`, `RateLimit-Policy: 100;w=10` | drafts -00 to -06 |
//! | `X-RateLimit-Limit`, `-Remaining`, `-Reset`, `-Used`, `-Window`, `-Resource` | the common non-standard set (GitHub and many others) |
//! | `Retry-After`, `Retry-After-Ms` | RFC 9110 (seconds or HTTP-date); milliseconds |
//!
//! # Rules
//!
//! * A malformed field is ignored (its name is listed in
//!   [`RateLimitInfo::malformed`]) and never spoils another field; nothing
//!   here fails or panics. Inside a well-formed `RateLimit` or
//!   `RateLimit-Policy` list, an item lacking its required parameter (`r`,
//!   `q`) or with a value of the wrong type is skipped.
//! * Each normalised field takes the first source that has it, in the order:
//!   the draft -10 fields, the draft -07 dictionary, the -00..-06 fields, the
//!   `X-RateLimit-*` fields.
//! * With several service limits in `RateLimit`, the *binding* one is the one
//!   with the least `r` (ties: the longest `t`); `limit` and `window` come
//!   from the `RateLimit-Policy` item of the same name (without `RateLimit`,
//!   from the first policy).
//! * `X-RateLimit-Reset` and the older drafts' `RateLimit-Reset` (the draft
//!   -07 `reset` and -10 `t` are always seconds) are seconds until the reset, unless
//!   they are at least 10^9 (September 2001 as a Unix time: no server means a
//!   31-year delay), in which case they are a Unix time in seconds; from
//!   10^12 on, a Unix time in milliseconds. A fraction (`1.5`) is allowed. A
//!   Unix time in the past gives a zero delay.
//! * Counts (`limit`, `remaining`, `used`) are decimal integers; when a field
//!   holds a list (`100, 100;w=60`), its first element before any `;` counts.
//! * `Retry-After-Ms` takes precedence over `Retry-After`, and `Retry-After`
//!   over the `t` parameter (see [`RateLimitInfo::wait_before_next`]).
//!
//! ```
//! use paycore::ratelimit::RateLimitInfo;
//! use std::time::Duration;
//!
//! let headers = [
//!     ("RateLimit-Policy", r#""burst";q=100;w=60,"daily";q=1000;w=86400"#),
//!     ("RateLimit", r#""daily";r=0;t=3600"#),
//!     ("X-RateLimit-Remaining", "oops"),
//! ];
//! let info = RateLimitInfo::from_headers(&headers, 1_700_000_000);
//! assert_eq!(info.limit, Some(1000));
//! assert_eq!(info.remaining, Some(0));
//! assert_eq!(info.window, Some(Duration::from_secs(86400)));
//! assert_eq!(info.wait_before_next(), Some(Duration::from_secs(3600)));
//! assert_eq!(info.malformed, vec!["x-ratelimit-remaining"]);
//! ```

use std::time::Duration;

use sfv::{Dictionary, ListEntry, Parser};

use super::parse_retry_after;
use super::sf::{self, Name};
use crate::Headers;

/// Header names, lower-cased.
pub(crate) mod names {
    pub(crate) const RETRY_AFTER: &str = "retry-after";
    pub(crate) const RETRY_AFTER_MS: &str = "retry-after-ms";
    pub(crate) const RATELIMIT: &str = "ratelimit";
    pub(crate) const RATELIMIT_POLICY: &str = "ratelimit-policy";
    pub(crate) const RATELIMIT_LIMIT: &str = "ratelimit-limit";
    pub(crate) const RATELIMIT_REMAINING: &str = "ratelimit-remaining";
    pub(crate) const RATELIMIT_RESET: &str = "ratelimit-reset";
    pub(crate) const X_LIMIT: &str = "x-ratelimit-limit";
    pub(crate) const X_REMAINING: &str = "x-ratelimit-remaining";
    pub(crate) const X_RESET: &str = "x-ratelimit-reset";
    pub(crate) const X_USED: &str = "x-ratelimit-used";
    pub(crate) const X_WINDOW: &str = "x-ratelimit-window";
    pub(crate) const X_RESOURCE: &str = "x-ratelimit-resource";
}
use names::*;

/// Reset values at or above this are Unix times in seconds.
pub const EPOCH_SECONDS_THRESHOLD: u64 = 1_000_000_000;
/// Reset values at or above this are Unix times in milliseconds.
pub const EPOCH_MILLIS_THRESHOLD: u64 = 1_000_000_000_000;

/// One quota policy from `RateLimit-Policy`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuotaPolicy {
    /// The policy's name; empty for the unnamed policies of drafts -00..-07.
    pub name: String,
    /// `q`: the quota, in quota units.
    pub quota: u64,
    /// `w`: the time window, if given.
    pub window: Option<Duration>,
    /// `qu`: the quota unit (`requests` when absent).
    pub quota_unit: String,
    /// `pk`: the partition key, if given.
    pub partition_key: Option<Vec<u8>>,
}

/// One service limit from the draft -10 `RateLimit` field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceLimit {
    /// The name of the policy it reports on.
    pub policy: String,
    /// `r`: the remaining quota units.
    pub remaining: u64,
    /// `t`: time until more quota is available, if given.
    pub reset_after: Option<Duration>,
    /// `pk`: the partition key, if given.
    pub partition_key: Option<Vec<u8>>,
}

/// Everything a response said about rate limits, normalised (see the module
/// doc for the formats and rules).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateLimitInfo {
    /// The quota of the binding policy (units per window).
    pub limit: Option<u64>,
    /// Units remaining.
    pub remaining: Option<u64>,
    /// Time until the quota resets (or more quota is available).
    pub reset_after: Option<Duration>,
    /// The window of the binding policy.
    pub window: Option<Duration>,
    /// Units used (`X-RateLimit-Used`).
    pub used: Option<u64>,
    /// The limited resource (`X-RateLimit-Resource`, e.g. `core`, `search`).
    pub resource: Option<String>,
    /// `Retry-After-Ms` or `Retry-After`, as a delay.
    pub retry_after: Option<Duration>,
    /// The name of the binding policy (draft -10).
    pub policy: Option<String>,
    /// The partition key of the binding service limit (draft -10).
    pub partition_key: Option<Vec<u8>>,
    /// Every policy of `RateLimit-Policy`, in order.
    pub policies: Vec<QuotaPolicy>,
    /// Every service limit of the draft -10 `RateLimit`, in order.
    pub limits: Vec<ServiceLimit>,
    /// The (lower-case) names of the fields that were present but malformed,
    /// sorted alphabetically.
    pub malformed: Vec<&'static str>,
}

impl RateLimitInfo {
    /// Reads every rate-limit field of `headers`. `now_unix` (Unix seconds)
    /// turns reset times and `Retry-After` dates into delays.
    pub fn from_headers<H: Headers + ?Sized>(headers: &H, now_unix: i64) -> Self {
        let mut p = Parse {
            h: headers,
            now: now_unix,
            info: RateLimitInfo::default(),
        };
        p.run();
        p.info.malformed.sort_unstable();
        p.info
    }

    /// Whether no rate-limit information was found.
    pub fn is_empty(&self) -> bool {
        self.limit.is_none()
            && self.remaining.is_none()
            && self.reset_after.is_none()
            && self.window.is_none()
            && self.used.is_none()
            && self.resource.is_none()
            && self.retry_after.is_none()
            && self.policies.is_empty()
            && self.limits.is_empty()
    }

    /// How long to wait before the next request to this partition, if at all.
    ///
    /// `Retry-After` (or `Retry-After-Ms`) wins when present, even over a later
    /// `t` (draft -10 §7). Otherwise, when no quota remains, the time until the
    /// reset (zero if unknown: the server gave no hint, and a retry decision is
    /// the retry policy's to make). Otherwise `None`: go ahead.
    pub fn wait_before_next(&self) -> Option<Duration> {
        if let Some(d) = self.retry_after {
            return Some(d);
        }
        if self.remaining == Some(0) {
            return Some(self.reset_after.unwrap_or(Duration::ZERO));
        }
        None
    }
}

struct Parse<'a, H: ?Sized> {
    h: &'a H,
    now: i64,
    info: RateLimitInfo,
}

/// The draft -07 `RateLimit` dictionary.
#[derive(Default)]
struct Draft07 {
    limit: Option<u64>,
    remaining: Option<u64>,
    reset: Option<Duration>,
}

impl<H: Headers + ?Sized> Parse<'_, H> {
    fn run(&mut self) {
        self.policies();
        let d07 = self.ratelimit_field();
        self.binding();

        let i = &mut self.info;
        if i.limit.is_none() {
            i.limit = d07.limit;
        }
        if i.remaining.is_none() {
            i.remaining = d07.remaining;
        }
        if i.reset_after.is_none() {
            i.reset_after = d07.reset;
        }

        for (name, slot) in [
            (RATELIMIT_LIMIT, Slot::Limit),
            (RATELIMIT_REMAINING, Slot::Remaining),
            (X_LIMIT, Slot::Limit),
            (X_REMAINING, Slot::Remaining),
            (X_USED, Slot::Used),
        ] {
            if let Some(v) = self.count(name) {
                let i = &mut self.info;
                let s = match slot {
                    Slot::Limit => &mut i.limit,
                    Slot::Remaining => &mut i.remaining,
                    Slot::Used => &mut i.used,
                };
                if s.is_none() {
                    *s = Some(v);
                }
            }
        }
        for name in [RATELIMIT_RESET, X_RESET] {
            if let Some(d) = self.field(name, parse_reset) {
                self.info.reset_after.get_or_insert(d);
            }
        }
        if let Some(w) = self.field(X_WINDOW, |v, _| parse_window(v)) {
            self.info.window.get_or_insert(w);
        }
        if let Some(r) = self.field(X_RESOURCE, |v, _| parse_resource(v)) {
            self.info.resource = Some(r);
        }
        let ms = self.field(RETRY_AFTER_MS, |v, _| parse_millis(v));
        let ra = self.field(RETRY_AFTER, |v, now| parse_retry_after(first_line(v), now));
        self.info.retry_after = ms.or(ra);
    }

    /// The value of `name` parsed by `f`; records the field as malformed when
    /// present and `f` fails.
    fn field<T>(&mut self, name: &'static str, f: impl Fn(&str, i64) -> Option<T>) -> Option<T> {
        let v = self.h.get_combined(name)?;
        let out = f(&v, self.now);
        if out.is_none() {
            self.info.malformed.push(name);
        }
        out
    }

    fn count(&mut self, name: &'static str) -> Option<u64> {
        self.field(name, |v, _| parse_count(v))
    }

    fn policies(&mut self) {
        let Some(v) = self.h.get_combined(RATELIMIT_POLICY) else {
            return;
        };
        let Some(list) = sf::parse_list(&v) else {
            self.info.malformed.push(RATELIMIT_POLICY);
            return;
        };
        for item in list {
            let (name, quota) = match item.name {
                Name::Str(s) => (s.as_str().to_owned(), item.q),
                // Drafts -00..-07: `100;w=10`, the quota as the item.
                Name::Int(q) => (String::new(), u64::try_from(q).ok()),
                Name::Other => continue,
            };
            let Some(quota) = quota else { continue };
            self.info.policies.push(QuotaPolicy {
                name,
                quota,
                window: item.w.filter(|w| *w > 0).map(Duration::from_secs),
                quota_unit: item.qu.unwrap_or_else(|| "requests".to_owned()),
                partition_key: item.pk,
            });
        }
        if self.info.policies.is_empty() {
            self.info.malformed.push(RATELIMIT_POLICY);
        }
    }

    /// `RateLimit`: a draft -10 List, or else a draft -07 Dictionary.
    fn ratelimit_field(&mut self) -> Draft07 {
        let mut d07 = Draft07::default();
        let Some(v) = self.h.get_combined(RATELIMIT) else {
            return d07;
        };
        if let Some(list) = sf::parse_list(&v) {
            for item in list {
                let (Name::Str(name), Some(remaining)) = (item.name, item.r) else {
                    continue;
                };
                self.info.limits.push(ServiceLimit {
                    policy: name.as_str().to_owned(),
                    remaining,
                    reset_after: item.t.map(Duration::from_secs),
                    partition_key: item.pk,
                });
            }
            if self.info.limits.is_empty() {
                self.info.malformed.push(RATELIMIT);
            }
            return d07;
        }
        if let Ok(dict) = Parser::new(v.as_bytes()).parse::<Dictionary>() {
            let get = |k: &str| match dict.get(k) {
                Some(ListEntry::Item(i)) => {
                    i.bare_item.as_integer().and_then(|n| u64::try_from(n).ok())
                }
                _ => None,
            };
            d07.limit = get("limit");
            d07.remaining = get("remaining");
            d07.reset = get("reset").map(Duration::from_secs);
            if d07.limit.is_some() || d07.remaining.is_some() || d07.reset.is_some() {
                return d07;
            }
        }
        self.info.malformed.push(RATELIMIT);
        d07
    }

    /// Picks the binding service limit and its policy.
    fn binding(&mut self) {
        let i = &mut self.info;
        let binding = i.limits.iter().min_by(|a, b| {
            a.remaining
                .cmp(&b.remaining)
                .then_with(|| b.reset_after.cmp(&a.reset_after))
        });
        let policy = match binding {
            Some(l) => {
                i.remaining = Some(l.remaining);
                i.reset_after = l.reset_after;
                i.policy = Some(l.policy.clone());
                i.partition_key = l.partition_key.clone();
                i.policies.iter().find(|p| p.name == l.policy)
            }
            None => i.policies.first(),
        };
        if let Some(p) = policy {
            i.limit = Some(p.quota);
            i.window = p.window;
            if i.partition_key.is_none() {
                i.partition_key = p.partition_key.clone();
            }
            if i.policy.is_none() && !p.name.is_empty() {
                i.policy = Some(p.name.clone());
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Slot {
    Limit,
    Remaining,
    Used,
}

fn ows(v: &str) -> &str {
    v.trim_matches([' ', '\t'])
}

/// The first element of a comma-separated value.
fn first_line(v: &str) -> &str {
    // An HTTP-date contains a comma ("Sun, 06 Nov ..."): only a digit-led
    // value is split.
    let t = ows(v);
    if t.starts_with(|c: char| c.is_ascii_digit()) {
        t.split(',').next().unwrap_or(t)
    } else {
        t
    }
}

/// A decimal count: the first list element, before any parameters.
pub(crate) fn parse_count(v: &str) -> Option<u64> {
    let first = v.split(',').next()?;
    let n = ows(first.split(';').next()?);
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// `int[.frac]` as (whole part, fraction in nanoseconds).
fn parse_decimal(v: &str) -> Option<(u64, u32)> {
    let v = ows(v);
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = int.parse().ok()?;
    let mut nanos = 0u32;
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut scale = 100_000_000u32;
        for b in f.bytes().take(9) {
            nanos += u32::from(b - b'0') * scale;
            scale /= 10;
        }
    }
    Some((whole, nanos))
}

/// A reset value: seconds until, or a Unix time (see the module doc).
pub(crate) fn parse_reset(v: &str, now_unix: i64) -> Option<Duration> {
    let (whole, nanos) = parse_decimal(first_line(v))?;
    let now_ms = i128::from(now_unix) * 1000;
    let at_ms = if whole >= EPOCH_MILLIS_THRESHOLD {
        i128::from(whole)
    } else if whole >= EPOCH_SECONDS_THRESHOLD {
        i128::from(whole) * 1000 + i128::from(nanos / 1_000_000)
    } else {
        return Some(Duration::new(whole, nanos));
    };
    let ms = (at_ms - now_ms).max(0);
    Some(Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX)))
}

/// Milliseconds, possibly with a fraction (`Retry-After-Ms: 1500.5`).
fn parse_millis(v: &str) -> Option<Duration> {
    let (whole, nanos) = parse_decimal(first_line(v))?;
    let d = Duration::from_millis(whole);
    Some(d.saturating_add(Duration::from_nanos(u64::from(nanos) / 1000)))
}

/// A window: seconds, or a number with a unit `ms`, `s`, `m`, `h`, `d`.
fn parse_window(v: &str) -> Option<Duration> {
    let v = ows(first_line(v));
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    if num.is_empty() {
        return None;
    }
    let n: u64 = num.parse().ok()?;
    let secs = |m: u64| n.checked_mul(m).map(Duration::from_secs);
    let d = match unit {
        "" | "s" => secs(1)?,
        "ms" => Duration::from_millis(n),
        "m" => secs(60)?,
        "h" => secs(3600)?,
        "d" => secs(86_400)?,
        _ => return None,
    };
    (!d.is_zero()).then_some(d)
}

/// A resource name: the first list element, visible ASCII.
fn parse_resource(v: &str) -> Option<String> {
    let v = ows(v.split(',').next().unwrap_or(v));
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic())).then(|| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_heuristic() {
        let now = 1_700_000_000;
        assert_eq!(parse_reset("30", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_reset("1.5", now), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_reset("1700000060", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_reset("1700000060500", now),
            Some(Duration::from_millis(60_500))
        );
        assert_eq!(parse_reset("1600000000", now), Some(Duration::ZERO));
        assert_eq!(parse_reset("-1", now), None);
        assert_eq!(parse_reset("1.", now), None);
    }

    #[test]
    fn counts_and_windows() {
        assert_eq!(parse_count(" 100 "), Some(100));
        assert_eq!(parse_count("100, 100;w=60"), Some(100));
        assert_eq!(parse_count("1e3"), None);
        assert_eq!(parse_window("60"), Some(Duration::from_secs(60)));
        assert_eq!(parse_window("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_window("0"), None);
        assert_eq!(parse_window("5y"), None);
    }
}
