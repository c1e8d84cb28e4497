//! Rate limits: parse every common header format, pace a client, and enforce
//! limits on a server with GCRA.

mod retry_after;

pub use retry_after::parse_retry_after;
