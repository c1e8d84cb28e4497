'use strict'
// ratelimit.json `parse` cases through parseRateLimit / waitBeforeNext, one
// test per id, mirroring check_parse in paycore/tests/vectors_ratelimit.rs.
// (`gcra` and `render` are the server-side limiter, not bound in Node.)
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { parseRateLimit, waitBeforeNext } = require('..')
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
