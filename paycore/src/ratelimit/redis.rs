//! The GCRA transition of [`Quota::check`](super::Quota::check) as a Redis Lua
//! script, so several server instances share one limit per key.
//!
//! This is data, not I/O: paycore never talks to Redis. The server loads
//! [`GCRA_REDIS_LUA`] once (`SCRIPT LOAD`) and runs it with `EVALSHA`
//! (falling back to `EVAL` on `NOSCRIPT`).
//!
//! # Calling convention
//!
//! ```text
//! EVALSHA <sha> 1 <key>  <now_us> <emission_us> <span_us> <burst> <cost>
//! ```
//!
//! | argument | value |
//! |---|---|
//! | `KEYS[1]` | the partition key (prefix it, e.g. `rl:{api_key}:{route_class}`) |
//! | `ARGV[1]` `now_us` | `now` in whole microseconds since the shared epoch (Unix time for several instances), or the empty string to use the Redis server's `TIME` (no clock skew between instances) |
//! | `ARGV[2]` `emission_us` | [`Quota::emission_interval_micros`](super::Quota::emission_interval_micros) |
//! | `ARGV[3]` `span_us` | [`Quota::burst_span_micros`](super::Quota::burst_span_micros) |
//! | `ARGV[4]` `burst` | [`Quota::burst`](super::Quota::burst) |
//! | `ARGV[5]` `cost` | the request's cost |
//!
//! The reply is an array of five integers, mapping to
//! [`Decision`](super::Decision) (with `limit` = [`Quota::limit`](super::Quota::limit)):
//!
//! | index | meaning |
//! |---|---|
//! | 1 | `allowed`: 1 or 0 |
//! | 2 | `remaining` |
//! | 3 | `reset_after` in microseconds |
//! | 4 | `retry_after` in microseconds, or -1 for `None` |
//! | 5 | the stored TAT after the call (microseconds; 0 = absent) |
//!
//! The key holds the TAT as a decimal integer and expires (`PX`) one second
//! after the TAT passes (by the Redis server's clock; the second absorbs skew
//! between it and the callers' `now`). An idle entry is equivalent to an
//! absent one, so expiry never changes a decision, and memory stays bounded
//! by the number of active partitions.
//!
//! Lua numbers are IEEE doubles: the results are exact while
//! `now_us + 2 * span_us < 2^53` (about 285 years of microseconds), and the
//! script divides with an exact integer correction, so it returns the same
//! numbers as [`Quota::check`](super::Quota::check).

/// The GCRA step as a Redis Lua script (see the module doc for its inputs and
/// outputs).
pub const GCRA_REDIS_LUA: &str = r#"-- paycore GCRA v1: KEYS[1]=key; ARGV: now_us (or ""), emission_us, span_us, burst, cost
local now = tonumber(ARGV[1])
if now == nil then
  -- Redis < 5 must replicate effects, not the script, once TIME was read.
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local emission = tonumber(ARGV[2])
local span = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local cost = tonumber(ARGV[5])
local stored = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local function idiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then
    q = q - 1
  elseif (q + 1) * b <= a then
    q = q + 1
  end
  return q
end
local function remaining(t)
  local left = span - (t - now)
  if left <= 0 then
    return 0
  end
  return idiv(left, emission)
end
local tat = math.max(stored, now)
local new_tat = tat + emission * cost
local horizon = now + span
if cost > burst or new_tat > horizon then
  local retry = -1
  if cost <= burst then
    retry = new_tat - horizon
  end
  return {0, remaining(tat), tat - now, retry, stored}
end
local rem = remaining(new_tat)
local reset = new_tat - now
if new_tat > now then
  local ttl_ms = math.ceil(reset / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', string.format('%d', ttl_ms))
else
  redis.call('DEL', KEYS[1])
  new_tat = 0
end
return {1, rem, reset, -1, new_tat}
"#;
