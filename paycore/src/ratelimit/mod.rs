//! Rate limits: parse every common header format, pace a client, and enforce
//! limits on a server with GCRA.
//!
//! * Client side: [`RateLimitInfo::from_headers`] reads `Retry-After`, the
//!   IETF `RateLimit`/`RateLimit-Policy` fields (draft -10, and the older
//!   drafts' forms) and the `X-RateLimit-*` set into one normalised value;
//!   [`RateLimitInfo::wait_before_next`] says how long to hold the next
//!   request. [`ClientPacer`] spaces requests to a rate of the caller's
//!   choosing.
//! * Server side: [`Quota::check`] is GCRA as a pure state transition;
//!   [`RateLimitStore`] keys it ([`MemoryStore`] in memory,
//!   [`GCRA_REDIS_LUA`] for Redis), and [`render_headers`] writes both header
//!   families and `Retry-After`.
//!
//! Nothing here reads a clock: wall-clock `now` is Unix seconds (for header
//! dates and reset times), and limiter time is a monotonic [`Duration`] since
//! the caller's epoch.
//!
//! ```
//! use paycore::ratelimit::{MemoryStore, Quota, RateLimitInfo, RateLimitStore, render_headers};
//! use std::time::Duration;
//!
//! // Server: 2 requests per second per key.
//! let store = MemoryStore::new();
//! let quota = Quota::per_period(2, Duration::from_secs(1)).unwrap();
//! let now = Duration::from_secs(50);
//! store.check("key_1", &quota, now, 1);
//! store.check("key_1", &quota, now, 1);
//! let denied = store.check("key_1", &quota, now, 1);
//! let headers = render_headers(&denied, &quota, "default", None).unwrap();
//!
//! // Client: read the response.
//! let info = RateLimitInfo::from_headers(&headers, 1_700_000_000);
//! assert_eq!(info.remaining, Some(0));
//! assert_eq!(info.wait_before_next(), Some(Duration::from_secs(1)));
//! ```
//!
//! [`Duration`]: std::time::Duration

pub mod gcra;
pub mod pacer;
pub mod parse;
pub mod redis;
pub mod render;
mod retry_after;
mod sf;
pub mod store;

pub use gcra::{Decision, GcraOutcome, Quota, QuotaError, Tat};
pub use pacer::ClientPacer;
pub use parse::{
    EPOCH_MILLIS_THRESHOLD, EPOCH_SECONDS_THRESHOLD, QuotaPolicy, RateLimitInfo, ServiceLimit,
};
pub use redis::GCRA_REDIS_LUA;
pub use render::{MAX_RESET_SECS, RenderError, render_headers};
pub use retry_after::parse_retry_after;
pub use store::{MemoryStore, RateLimitStore};
