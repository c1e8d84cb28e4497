'use strict'
// retry.json through decide / RetryConfig / RetryBudget, one test per id,
// mirroring paycore/tests/vectors_retry.rs.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { RetryConfig, decide } = require('..')
const { load, headerPairs } = require('./support/vectors.js')

const file = load('retry.json')

function config(c) {
  const o = c.config || {}
  const pick = (k) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : file.defaults[k])
  const b = pick('budget')
  return new RetryConfig({
    maxAttempts: pick('max_attempts'),
    baseDelayMs: pick('base_delay_ms'),
    throttleBaseDelayMs: pick('throttle_base_delay_ms'),
    maxBackoffMs: pick('max_backoff_ms'),
    maxRetryAfterMs: pick('max_retry_after_ms'),
    budget:
      b === null
        ? null
        : { capacity: b.capacity, retryCost: b.retry_cost, throttleCost: b.throttle_cost, successReward: b.success_reward },
  })
}

function checkDecision(cfg, budget, input, random, expected) {
  const got = decide(
    cfg,
    {
      failure: input.failure,
      headers: headerPairs(input.headers),
      rateLimitHintMs: input.rate_limit_hint_ms,
      attempt: input.attempt,
      timeLeftMs: input.time_left_ms,
      idempotencyKey: input.idempotency_key,
      method: input.method,
      random,
      now: input.now,
    },
    budget,
  )
  if (expected.decision === 'retry') {
    assert.equal(got.retry, true, `expected a retry, got ${JSON.stringify(got)}`)
    assert.equal(got.kind, expected.kind, 'kind')
    assert.equal(cfg.backoffCeilingMs(got.kind, input.attempt), expected.backoff_ceiling_ms, 'backoff ceiling')
    assert.equal(got.serverDelayMs, expected.server_delay_ms, 'server delay')
    assert.equal(got.delayMs, expected.delay_ms, 'delay')
    assert.equal(got.tokens, expected.tokens, 'tokens')
  } else {
    assert.equal(expected.decision, 'do_not_retry', `unknown decision ${expected.decision}`)
    assert.equal(got.retry, false, `expected do_not_retry, got ${JSON.stringify(got)}`)
    assert.equal(got.reason, expected.reason, 'reason')
    assert.equal(got.action, expected.action === undefined ? null : expected.action, 'action')
  }
}

for (const c of file.vectors) {
  test(`retry::${c.id}`, () => {
    const cfg = config(c)
    const budget = cfg.newBudget()
    if (Array.isArray(c.steps)) {
      c.steps.forEach((step, i) => {
        if (step.op === 'decide') checkDecision(cfg, budget, step.input, step.random, step.expected)
        else if (step.op === 'success') budget.recordSuccess(step.last_retry_tokens)
        else assert.fail(`step ${i}: unknown op ${step.op}`)
        assert.equal(budget.available, step.budget_after, `step ${i}: budget after`)
      })
      return
    }
    checkDecision(cfg, budget, c.input, c.random, c.expected)
  })
}
