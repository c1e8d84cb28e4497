//! Retry decisions: for every failure, whether to retry, when, and under which
//! idempotency key.
