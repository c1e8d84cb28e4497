'use strict'
// Retry decisions, the retry budget, idempotency keys and rate-limit headers:
// paycore's decisions, converted. Durations are integer milliseconds.
const { inspect } = require('node:util')
const { randomBytes } = require('node:crypto')
const native = require('../index.js')
const { fromNative } = require('./errors.js')
const { allHeaders, toUnixSeconds, typeOfValue } = require('./convert.js')

function call(f) {
  try {
    return f()
  } catch (e) {
    throw fromNative(e)
  }
}

const OPTION_KEYS = ['maxAttempts', 'baseDelayMs', 'throttleBaseDelayMs', 'maxBackoffMs', 'maxRetryAfterMs']

/** A retry configuration: `RetryConfig.standard()` with overrides; `budget: null` disables the budget. */
class RetryConfig {
  #native

  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object')
    const o = {}
    for (const k of OPTION_KEYS) {
      if (options[k] !== undefined) {
        if (typeof options[k] !== 'number') throw new TypeError(`${k} must be a number`)
        o[k] = options[k]
      }
    }
    if (options.budget === null) o.noBudget = true
    else if (options.budget !== undefined) {
      if (typeof options.budget !== 'object') throw new TypeError('budget must be an object or null')
      o.budgetOptions = { ...options.budget }
    }
    this.#native = call(() => new native.NativeRetryConfig(o))
  }

  static standard() {
    return new RetryConfig()
  }

  get maxAttempts() {
    return this.#native.maxAttempts
  }
  get baseDelayMs() {
    return this.#native.baseDelayMs
  }
  get throttleBaseDelayMs() {
    return this.#native.throttleBaseDelayMs
  }
  get maxBackoffMs() {
    return this.#native.maxBackoffMs
  }
  get maxRetryAfterMs() {
    return this.#native.maxRetryAfterMs
  }

  /** A fresh budget (share one per client). */
  newBudget() {
    return new RetryBudget(this.#native.newBudget())
  }

  /** The backoff ceiling before jitter after `attempt` failed attempts, for a retry of `kind`. */
  backoffCeilingMs(kind, attempt) {
    return call(() => this.#native.backoffCeilingMs(kind, attempt))
  }

  /** @internal */
  _native() {
    return this.#native
  }

  [inspect.custom]() {
    return `RetryConfig { maxAttempts: ${this.maxAttempts}, baseDelayMs: ${this.baseDelayMs}, maxBackoffMs: ${this.maxBackoffMs} }`
  }
}

const BUDGET = Symbol('native budget')

/** The client-wide retry budget (a token bucket). */
class RetryBudget {
  constructor(nativeBudget) {
    if (!(nativeBudget instanceof native.NativeRetryBudget)) {
      throw new TypeError('use RetryConfig.newBudget() to make a RetryBudget')
    }
    this[BUDGET] = nativeBudget
  }

  /** Tokens available; `null` when unlimited. */
  get available() {
    const a = this[BUDGET].available
    return a === undefined ? null : a
  }

  /** Records a success; pass the tokens of the retry that succeeded, if it was a retry. */
  recordSuccess(lastRetryTokens) {
    call(() => this[BUDGET].recordSuccess(lastRetryTokens === null ? undefined : lastRetryTokens))
  }
}

/**
 * Decides whether and when to retry a failure. `input`: `{ failure:
 * { transport } | { status, error: { type, code, decline_code } }, headers,
 * rateLimitHintMs, attempt, timeLeftMs, idempotencyKey, method, random, now }`.
 * Returns `{ retry: true, delayMs, kind, tokens, serverDelayMs }` or
 * `{ retry: false, reason, action, serverDelayMs }`.
 */
function decide(config, input, budget) {
  if (!(config instanceof RetryConfig)) throw new TypeError('config must be a RetryConfig')
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  if (budget !== undefined && budget !== null && !(budget instanceof RetryBudget)) {
    throw new TypeError('budget must be a RetryBudget')
  }
  const f = input.failure
  if (f === null || typeof f !== 'object') throw new TypeError('input.failure must be an object')
  const e = f.error && typeof f.error === 'object' ? f.error : {}
  const nin = {
    transport: f.transport ?? undefined,
    status: f.status ?? undefined,
    errorType: e.type ?? undefined,
    code: e.code ?? undefined,
    declineCode: e.decline_code ?? e.declineCode ?? undefined,
    headers: allHeaders(input.headers),
    rateLimitHintMs: input.rateLimitHintMs ?? undefined,
    attempt: input.attempt ?? 1,
    timeLeftMs: input.timeLeftMs ?? undefined,
    idempotencyKey: input.idempotencyKey === true,
    method: input.method ?? undefined,
    random: input.random === undefined || input.random === null ? Math.random() : input.random,
    now: toUnixSeconds(input.now),
  }
  const d = call(() => config._native().decide(nin, budget ? budget[BUDGET] : undefined))
  const server = d.serverDelayMs === undefined ? null : d.serverDelayMs
  if (d.retry) return { retry: true, delayMs: d.delayMs, kind: d.kind, tokens: d.tokens, serverDelayMs: server }
  return { retry: false, reason: d.reason, action: d.action === undefined ? null : d.action, serverDelayMs: server }
}

/** A fresh idempotency key (UUID v4) for one logical operation; reuse it on every attempt. */
function newIdempotencyKey(random) {
  const bytes = random === undefined ? randomBytes(16) : random
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`random must be 16 bytes, got ${typeOfValue(bytes)}`)
  return call(() => native.idempotencyKeyFromRandom(bytes))
}

/** Validates a caller-chosen idempotency key (throws IdempotencyKeyError); returns it. */
function validateIdempotencyKey(key) {
  if (typeof key !== 'string') throw new TypeError('key must be a string')
  return call(() => native.validateIdempotencyKey(key))
}

const nullIfUndef = (v) => (v === undefined ? null : v)

/**
 * Reads every common rate-limit header format (RateLimit/RateLimit-Policy,
 * X-RateLimit-*, Retry-After) at `now`; `waitMs` is how long to wait before
 * the next request.
 */
function parseRateLimit(headers, now) {
  const s = call(() => native.parseRateLimit(allHeaders(headers), toUnixSeconds(now)))
  return {
    limit: nullIfUndef(s.limit),
    remaining: nullIfUndef(s.remaining),
    resetAfterMs: nullIfUndef(s.resetAfterMs),
    windowMs: nullIfUndef(s.windowMs),
    used: nullIfUndef(s.used),
    resource: nullIfUndef(s.resource),
    retryAfterMs: nullIfUndef(s.retryAfterMs),
    waitMs: nullIfUndef(s.waitMs),
    policy: nullIfUndef(s.policy),
    partitionKeyHex: nullIfUndef(s.partitionKeyHex),
    policies: s.policies.map((p) => ({
      name: p.name,
      quota: p.quota,
      windowSeconds: nullIfUndef(p.windowSeconds),
      quotaUnit: p.quotaUnit,
      partitionKeyHex: nullIfUndef(p.partitionKeyHex),
    })),
    limits: s.limits.map((l) => ({
      policy: l.policy,
      remaining: l.remaining,
      resetSeconds: nullIfUndef(l.resetSeconds),
      partitionKeyHex: nullIfUndef(l.partitionKeyHex),
    })),
    malformed: s.malformed,
  }
}

/** How long to wait before the next request, ms (`null`: no need to wait). */
function waitBeforeNext(headers, now) {
  return parseRateLimit(headers, now).waitMs
}

const headerList = (flat) => {
  const out = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out
}

/**
 * A server-side GCRA rate limiter: `limit` units per `periodMs`, bursts of
 * `burst` (default `limit`), partitions kept in memory (`capacity`). `check`
 * takes the caller's monotonic clock in ms (default performance.now()).
 * Decisions carry microseconds: `{ allowed, limit, remaining, resetAfterUs,
 * retryAfterUs }`; `headers(decision, policy)` renders the response headers.
 */
class RateLimiter {
  #native

  constructor({ limit, periodMs, burst, capacity, shards } = {}) {
    for (const [name, v] of [['limit', limit], ['periodMs', periodMs]]) {
      if (typeof v !== 'number') throw new TypeError(`${name} must be a number`)
    }
    if (burst !== undefined && typeof burst !== 'number') throw new TypeError('burst must be a number')
    this.#native = call(() => new native.NativeRateLimiter(limit, periodMs, burst === undefined ? limit : burst, capacity, shards))
  }

  get emissionIntervalUs() {
    return this.#native.emissionIntervalUs
  }

  get burstSpanUs() {
    return this.#native.burstSpanUs
  }

  check(key, { nowMs, cost = 1 } = {}) {
    if (typeof key !== 'string') throw new TypeError('key must be a string')
    const now = nowMs === undefined ? Math.floor(performance.now()) : nowMs
    if (typeof now !== 'number' || typeof cost !== 'number') throw new TypeError('nowMs and cost must be numbers')
    const d = call(() => this.#native.check(key, now, cost))
    return { ...d, retryAfterUs: nullIfUndef(d.retryAfterUs) }
  }

  /** `[name, value]` pairs for `decision`; `partitionKey` optional bytes. */
  headers(decision, policy, partitionKey) {
    if (decision === null || typeof decision !== 'object') throw new TypeError('decision must be an object')
    if (typeof policy !== 'string') throw new TypeError('policy must be a string')
    if (partitionKey !== undefined && partitionKey !== null && !(partitionKey instanceof Uint8Array)) {
      throw new TypeError('partitionKey must be a Buffer or Uint8Array')
    }
    const d = { ...decision, retryAfterUs: decision.retryAfterUs === null ? undefined : decision.retryAfterUs }
    return headerList(call(() => this.#native.headers(d, policy, partitionKey ?? undefined)))
  }
}

module.exports = {
  RateLimiter,
  RetryConfig,
  RetryBudget,
  decide,
  newIdempotencyKey,
  validateIdempotencyKey,
  parseRateLimit,
  waitBeforeNext,
}
