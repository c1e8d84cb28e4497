'use strict'
// ratelimit.json `parse` cases through parseRateLimit / waitBeforeNext, one
// test per id, mirroring check_parse in paycore/tests/vectors_ratelimit.rs.
// `gcra` and `render` go through RateLimiter (check_gcra's MemoryStore path
// and check_render).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { parseRateLimit, waitBeforeNext, RateLimiter, QuotaError } = require('..')
const { load } = require('./support/vectors.js')

const file = load('ratelimit.json')
const opt = (v) => (v === undefined ? null : v)

for (const c of file.parse) {
  test(`parse::${c.id}`, () => {
    const info = parseRateLimit(c.headers, c.now_unix)
    const e = c.expected
    assert.equal(info.limit, opt(e.limit), 'limit')
    assert.equal(info.remaining, opt(e.remaining), 'remaining')
    assert.equal(info.resetAfterMs, opt(e.reset_after_ms), 'reset_after_ms')
    assert.equal(info.windowMs, opt(e.window_ms), 'window_ms')
    assert.equal(info.used, opt(e.used), 'used')
    assert.equal(info.resource, opt(e.resource), 'resource')
    assert.equal(info.retryAfterMs, opt(e.retry_after_ms), 'retry_after_ms')
    assert.equal(info.waitMs, opt(e.wait_ms), 'wait_ms')
    assert.equal(waitBeforeNext(c.headers, c.now_unix), opt(e.wait_ms), 'waitBeforeNext')
    assert.equal(info.policy, opt(e.policy), 'policy')
    assert.equal(info.partitionKeyHex, opt(e.partition_key_hex), 'partition_key_hex')
    assert.deepEqual(info.malformed, e.malformed, 'malformed')
    if (Array.isArray(e.policies)) {
      assert.deepEqual(
        info.policies,
        e.policies.map((p) => ({
          name: p.name,
          quota: p.quota,
          windowSeconds: opt(p.window_seconds),
          quotaUnit: p.quota_unit,
          partitionKeyHex: opt(p.partition_key_hex),
        })),
      )
    }
    if (Array.isArray(e.limits)) {
      assert.deepEqual(
        info.limits,
        e.limits.map((l) => ({
          policy: l.policy,
          remaining: l.remaining,
          resetSeconds: opt(l.reset_seconds),
          partitionKeyHex: opt(l.partition_key_hex),
        })),
      )
    }
  })
}

/** A `<name>_us` or `<name>_ms` field in microseconds (null when null). */
function us(step, name) {
  if (Object.prototype.hasOwnProperty.call(step, `${name}_us`)) return step[`${name}_us`]
  const ms = step[`${name}_ms`]
  return ms === null || ms === undefined ? null : ms * 1000
}

const limiter = (q) => new RateLimiter({ limit: q.limit, periodMs: q.period_ms, burst: q.burst, capacity: 16, shards: 2 })

for (const c of file.gcra) {
  test(`gcra::${c.id}`, () => {
    const l = limiter(c.quota)
    assert.equal(l.emissionIntervalUs, c.emission_interval_us)
    assert.equal(l.burstSpanUs, c.burst_span_us)
    c.requests.forEach((step, i) => {
      const d = l.check('k', { nowMs: step.at_ms, cost: step.cost })
      assert.deepEqual(
        d,
        { allowed: step.allowed, limit: c.quota.limit, remaining: step.remaining, resetAfterUs: us(step, 'reset_after'), retryAfterUs: us(step, 'retry_after') },
        `request ${i}`,
      )
    })
  })
}

for (const c of file.render) {
  test(`render::${c.id}`, () => {
    const l = limiter(c.quota)
    const d = c.decision
    const decision = {
      allowed: d.allowed,
      limit: d.limit,
      remaining: d.remaining,
      resetAfterUs: d.reset_after_ms * 1000,
      retryAfterUs: d.retry_after_ms === null ? null : d.retry_after_ms * 1000,
    }
    const pk = c.partition_key_hex === null ? undefined : Buffer.from(c.partition_key_hex, 'hex')
    if (c.result === 'invalid') {
      assert.throws(() => l.headers(decision, c.policy_name, pk), (e) => e instanceof QuotaError && e.code === c.reason)
      return
    }
    const got = l.headers(decision, c.policy_name, pk)
    assert.deepEqual(got, c.headers)
    // The rendered headers read back through the parser.
    const info = parseRateLimit(got, 1700000000)
    assert.deepEqual(info.malformed, [])
    assert.equal(info.limit, d.limit)
    assert.equal(info.remaining, d.remaining)
    assert.equal(info.policy, c.policy_name)
    assert.equal(info.partitionKeyHex, c.partition_key_hex)
    const ceilS = (ms) => Math.ceil(ms / 1000) * 1000
    assert.equal(info.retryAfterMs, !d.allowed && d.retry_after_ms !== null ? ceilS(d.retry_after_ms) : null)
    assert.equal(info.windowMs, Math.max(ceilS(c.quota.period_ms), 1000))
  })
}

test('RateLimiter: bad quotas are QuotaError, bad input TypeError', () => {
  assert.throws(() => new RateLimiter({ limit: 0, periodMs: 1000 }), (e) => e instanceof QuotaError && e.code === 'zero_quota')
  assert.throws(() => new RateLimiter({ limit: 1.5, periodMs: 1000 }), TypeError)
  assert.throws(() => new RateLimiter({ limit: '1', periodMs: 1000 }), TypeError)
  const l = new RateLimiter({ limit: 2, periodMs: 1000 })
  assert.throws(() => l.check(1), TypeError)
  assert.throws(() => l.check('k', { nowMs: -1 }), TypeError)
  assert.equal(l.check('k').allowed, true)
})
