//! Rendering a [`Decision`] as response headers: both families, plus
//! `Retry-After` on a denial.
//!
//! | header | value |
//! |---|---|
//! | `ratelimit-policy` | `"<name>";q=<limit>;w=<period in s, rounded up>[;pk=:<key>:]` (draft -10) |
//! | `ratelimit` | `"<name>";r=<remaining>;t=<reset>[;pk=:<key>:]` (draft -10) |
//! | `x-ratelimit-limit` | `<limit>` |
//! | `x-ratelimit-remaining` | `<remaining>` |
//! | `x-ratelimit-reset` | `<reset>`: **seconds until**, not a Unix time |
//! | `retry-after` | denials only: seconds until the request would be allowed, rounded up |
//!
//! `<reset>` is, for an allowed request, the time until the quota is fully
//! restored; for a denial, the time until the same request would be allowed
//! (the `Retry-After` value), so that `Retry-After` never points earlier than
//! `t` (draft -10 §6). Durations are whole seconds rounded up; `<reset>` is
//! capped at [`MAX_RESET_SECS`] so it is never read as a Unix time. Names are
//! lower-case, as HTTP/2 and `http::HeaderName` want them.
//!
//! ```
//! use paycore::ratelimit::{render_headers, Quota, RateLimitInfo, Tat};
//! use std::time::Duration;
//!
//! let quota = Quota::per_period(1, Duration::from_secs(60)).unwrap();
//! let now = Duration::from_secs(1_000);
//! let first = quota.check(Tat::ABSENT, now, 1);
//! let second = quota.check(first.tat, now, 1);
//! let headers = render_headers(&second.decision, &quota, "default", None).unwrap();
//! assert!(headers.contains(&("ratelimit", r#""default";r=0;t=60"#.to_string())));
//! assert!(headers.contains(&("retry-after", "60".to_string())));
//! let info = RateLimitInfo::from_headers(&headers, 0);
//! assert_eq!(info.wait_before_next(), Some(Duration::from_secs(60)));
//! ```

use std::time::Duration;

use sfv::{Integer, KeyRef, ListSerializer, StringRef, key_ref};

use super::gcra::{Decision, Quota};
use super::parse::names;

/// Why headers could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The policy name is not a Structured-Field String (printable ASCII).
    #[error("the policy name must be printable ASCII")]
    InvalidPolicyName,
}

impl RenderError {
    /// A stable code for this error, shared by every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidPolicyName => "invalid_policy_name",
        }
    }
}

const Q: &KeyRef = key_ref("q");
const W: &KeyRef = key_ref("w");
const R: &KeyRef = key_ref("r");
const T: &KeyRef = key_ref("t");
const PK: &KeyRef = key_ref("pk");

/// The largest reset rendered: one less than
/// [`EPOCH_SECONDS_THRESHOLD`](super::EPOCH_SECONDS_THRESHOLD), so that no
/// reader mistakes it for a Unix time.
pub const MAX_RESET_SECS: u64 = super::parse::EPOCH_SECONDS_THRESHOLD - 1;

/// Whole seconds, rounded up.
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn int(v: u64) -> Integer {
    let max = u64::try_from(i64::from(Integer::MAX)).unwrap_or(0);
    Integer::try_from(v.min(max)).unwrap_or(Integer::MAX)
}

/// Renders the rate-limit headers for `decision` under `quota`, naming the
/// policy `policy` and, optionally, the partition key (see the module doc).
pub fn render_headers(
    decision: &Decision,
    quota: &Quota,
    policy: &str,
    partition_key: Option<&[u8]>,
) -> Result<Vec<(&'static str, String)>, RenderError> {
    let name = StringRef::from_str(policy).map_err(|_| RenderError::InvalidPolicyName)?;
    let reset = match (decision.allowed, decision.retry_after) {
        (false, Some(r)) => ceil_secs(r),
        _ => ceil_secs(decision.reset_after),
    }
    .min(MAX_RESET_SECS);
    let window = ceil_secs(quota.period()).max(1);

    let mut ser = ListSerializer::new();
    let p = ser
        .bare_item(name)
        .parameter(Q, int(decision.limit))
        .parameter(W, int(window));
    if let Some(pk) = partition_key {
        let _ = p.parameter(PK, pk);
    }
    let policy_value = ser.finish().unwrap_or_default();

    let mut ser = ListSerializer::new();
    let p = ser
        .bare_item(name)
        .parameter(R, int(decision.remaining))
        .parameter(T, int(reset));
    if let Some(pk) = partition_key {
        let _ = p.parameter(PK, pk);
    }
    let limit_value = ser.finish().unwrap_or_default();

    let mut out = vec![
        (names::RATELIMIT_POLICY, policy_value),
        (names::RATELIMIT, limit_value),
        (names::X_LIMIT, decision.limit.to_string()),
        (names::X_REMAINING, decision.remaining.to_string()),
        (names::X_RESET, reset.to_string()),
    ];
    if let (false, Some(r)) = (decision.allowed, decision.retry_after) {
        out.push((names::RETRY_AFTER, ceil_secs(r).to_string()));
    }
    Ok(out)
}
