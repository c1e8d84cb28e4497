'use strict'
// The HTTP client: the Rust SDK (paycore-sdk) through the addon's
// NativeClient. Requests, signing, idempotency keys, retries and pagination
// are the SDK's; this file checks argument shapes, throws the error classes
// and presents lists as async iterables.
const { inspect } = require('node:util')
const native = require('../index.js')
const { fromNative, fromClientError } = require('./errors.js')
const { typeOfValue } = require('./convert.js')

const REDACTED = '[redacted]'

/** Calls the addon; an argument it refuses becomes a TypeError (or a ConfigurationError). */
async function call(fn) {
  let outcome
  try {
    outcome = await fn()
  } catch (e) {
    throw fromNative(e)
  }
  return unwrap(outcome)
}

/** The value of an outcome, with its response metadata as `lastResponse`; or the error, thrown. */
function unwrap(outcome) {
  if (outcome.error !== undefined && outcome.error !== null) throw fromClientError(outcome.error)
  const value = outcome.value
  Object.defineProperty(value, 'lastResponse', {
    value: Object.freeze({
      requestId: outcome.requestId === undefined ? null : outcome.requestId,
      attempts: outcome.attempts,
      idempotencyKey: outcome.idempotencyKey === undefined ? null : outcome.idempotencyKey,
      replayed: outcome.replayed,
      statusCode: outcome.status,
    }),
    enumerable: false,
    configurable: true,
  })
  return value
}

function objectArg(value, what, required) {
  if (value === undefined || value === null) {
    if (required) throw new TypeError(`${what} is required`)
    return undefined
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, got ${typeOfValue(value)}`)
  }
  return value
}

/**
 * `params` with its integer fields checked: napi would truncate 10.5 to 10
 * silently, so a fractional or unsafe number is a TypeError here.
 */
function withInts(params, what, fields) {
  if (params !== undefined) {
    for (const f of fields) {
      const v = params[f]
      if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isSafeInteger(v))) {
        throw new TypeError(`${what}.${f} must be an integer, got ${typeof v === 'number' ? v : typeOfValue(v)}`)
      }
    }
  }
  return params
}

function idArg(id, what = 'id') {
  if (typeof id !== 'string') throw new TypeError(`${what} must be a string, got ${typeOfValue(id)}`)
  return id
}

/**
 * A list call. `await` it for one page (`{ data, hasMore, ... }`); iterate
 * it with `for await` for every object, the SDK fetching the next page as
 * the current one is used up.
 */
class ListRequest {
  #page
  #all
  #first

  constructor(page, all) {
    this.#page = page
    this.#all = all
  }

  /** One page (a new request on every call). */
  page() {
    return call(this.#page)
  }

  then(onFulfilled, onRejected) {
    if (this.#first === undefined) this.#first = this.page()
    return this.#first.then(onFulfilled, onRejected)
  }

  catch(onRejected) {
    return this.then(undefined, onRejected)
  }

  finally(onFinally) {
    return this.then().finally(onFinally)
  }

  async *[Symbol.asyncIterator]() {
    let pager
    try {
      pager = this.#all()
    } catch (e) {
      throw fromNative(e)
    }
    for (;;) {
      const next = await pager.next()
      if (next.error !== undefined && next.error !== null) throw fromClientError(next.error)
      if (next.done) return
      yield next.value
    }
  }

  /** Every object (at most `limit`, if given) in an array. */
  async toArray({ limit } = {}) {
    const out = []
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new TypeError('limit must be a non-negative integer')
    }
    if (limit === 0) return out
    for await (const item of this) {
      out.push(item)
      if (limit !== undefined && out.length >= limit) break
    }
    return out
  }

  get [Symbol.toStringTag]() {
    return 'ListRequest'
  }
}

class Payments {
  #n
  constructor(n) {
    this.#n = n
  }

  /** Creates a payment. A declined card throws CardError. */
  create(params, options) {
    return call(() => this.#n.paymentsCreate(withInts(objectArg(params, 'params', true), 'params', ['amount']), objectArg(options, 'options')))
  }

  retrieve(id) {
    return call(() => this.#n.paymentsRetrieve(idArg(id)))
  }

  /** Confirms a payment in `requires_action`. */
  confirm(id) {
    return call(() => this.#n.paymentsConfirm(idArg(id)))
  }

  /** Captures a payment in `requires_capture` (all of it, or `amountToCapture`). */
  capture(id, params) {
    return call(() => this.#n.paymentsCapture(idArg(id), withInts(objectArg(params, 'params'), 'params', ['amountToCapture'])))
  }

  /** Cancels a payment in `requires_action` or `requires_capture`. */
  cancel(id, params) {
    return call(() => this.#n.paymentsCancel(idArg(id), objectArg(params, 'params')))
  }

  /** Payments, newest first: await for one page, `for await` for all. */
  list(params) {
    const p = withInts(objectArg(params, 'params'), 'params', ['limit'])
    return new ListRequest(() => this.#n.paymentsList(p), () => this.#n.paymentsListAll(p))
  }
}

class Refunds {
  #n
  constructor(n) {
    this.#n = n
  }

  /** Refunds a succeeded payment, fully or partly (`amount`). */
  create(params, options) {
    return call(() => this.#n.refundsCreate(withInts(objectArg(params, 'params', true), 'params', ['amount']), objectArg(options, 'options')))
  }

  retrieve(id) {
    return call(() => this.#n.refundsRetrieve(idArg(id)))
  }

  /** Refunds (filter with `payment`): await for one page, `for await` for all. */
  list(params) {
    const p = withInts(objectArg(params, 'params'), 'params', ['limit'])
    return new ListRequest(() => this.#n.refundsList(p), () => this.#n.refundsListAll(p))
  }
}

class Events {
  #n
  constructor(n) {
    this.#n = n
  }

  retrieve(id) {
    return call(() => this.#n.eventsRetrieve(idArg(id)))
  }

  /** Events (filter with `type`): await for one page, `for await` for all. */
  list(params) {
    const p = withInts(objectArg(params, 'params'), 'params', ['limit'])
    return new ListRequest(() => this.#n.eventsList(p), () => this.#n.eventsListAll(p))
  }

  /** An event's delivery attempts, newest first. */
  attempts(id, params) {
    const i = idArg(id)
    const p = withInts(objectArg(params, 'params'), 'params', ['limit'])
    return new ListRequest(() => this.#n.eventsAttempts(i, p), () => this.#n.eventsAttemptsAll(i, p))
  }

  /** Delivers an event again (same `webhook-id`), to every matching endpoint or to `endpoint`. */
  redeliver(id, params) {
    return call(() => this.#n.eventsRedeliver(idArg(id), objectArg(params, 'params')))
  }
}

class WebhookEndpoints {
  #n
  constructor(n) {
    this.#n = n
  }

  /** Creates an endpoint; the response is the only one carrying its `secret`. */
  create(params) {
    return call(() => this.#n.webhookEndpointsCreate(objectArg(params, 'params', true)))
  }

  retrieve(id) {
    return call(() => this.#n.webhookEndpointsRetrieve(idArg(id)))
  }

  update(id, params) {
    return call(() => this.#n.webhookEndpointsUpdate(idArg(id), objectArg(params, 'params', true)))
  }

  delete(id) {
    return call(() => this.#n.webhookEndpointsDelete(idArg(id)))
  }

  /** Mints a new secret; the old one keeps signing until `previousSecretExpires`. */
  rotateSecret(id, params) {
    return call(() => this.#n.webhookEndpointsRotateSecret(idArg(id), withInts(objectArg(params, 'params'), 'params', ['expiresIn'])))
  }

  list(params) {
    const p = withInts(objectArg(params, 'params'), 'params', ['limit'])
    return new ListRequest(() => this.#n.webhookEndpointsList(p), () => this.#n.webhookEndpointsListAll(p))
  }
}

class UsageResource {
  #n
  constructor(n) {
    this.#n = n
  }

  /** This month's volume against the plan's limit. */
  retrieve() {
    return call(() => this.#n.usageRetrieve())
  }
}

function secretArg(secret) {
  if (typeof secret === 'string') return secret
  if (secret instanceof Uint8Array) return Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
  throw new TypeError('options.secret must be the base64 secret string or its bytes (Buffer/Uint8Array)')
}

/**
 * The paycore API client: `new Client({ keyId, secret, baseUrl, timeoutMs,
 * maxRetries })`. Share one per key (the retry budget is client-wide). Its
 * `inspect`/`toString`/`toJSON` never show the secret.
 */
class Client {
  #native

  constructor(options) {
    const o = objectArg(options, 'options', true)
    if (typeof o.keyId !== 'string') throw new TypeError(`options.keyId must be a string, got ${typeOfValue(o.keyId)}`)
    const opts = {
      keyId: o.keyId,
      secret: secretArg(o.secret),
      baseUrl: o.baseUrl,
      timeoutMs: o.timeoutMs,
      deadlineMs: o.deadlineMs,
      maxRetries: o.maxRetries,
      userAgent: o.userAgent,
    }
    if (opts.maxRetries !== undefined && !(Number.isSafeInteger(opts.maxRetries) && opts.maxRetries >= 0)) {
      throw new TypeError('options.maxRetries must be a non-negative integer')
    }
    try {
      this.#native = new native.NativeClient(opts)
    } catch (e) {
      throw fromNative(e)
    }
    Object.defineProperties(this, {
      payments: { value: new Payments(this.#native), enumerable: true },
      refunds: { value: new Refunds(this.#native), enumerable: true },
      events: { value: new Events(this.#native), enumerable: true },
      webhookEndpoints: { value: new WebhookEndpoints(this.#native), enumerable: true },
      usage: { value: new UsageResource(this.#native), enumerable: true },
    })
  }

  /** The API's base URL. */
  get baseUrl() {
    return this.#native.baseUrl
  }

  /** The API key id. */
  get keyId() {
    return this.#native.keyId
  }

  /** Retries after a first attempt. */
  get maxRetries() {
    return this.#native.maxAttempts - 1
  }

  /** Tokens left in the client-wide retry budget. */
  get retryBudgetAvailable() {
    return this.#native.retryBudgetAvailable
  }

  toString() {
    return `Client(baseUrl=${this.baseUrl}, keyId=${this.keyId}, secret=${REDACTED})`
  }

  toJSON() {
    return { baseUrl: this.baseUrl, keyId: this.keyId, secret: REDACTED }
  }

  [inspect.custom](depth, options, inspectFn = inspect) {
    return `Client ${inspectFn(this.toJSON(), options)}`
  }
}

for (const C of [Payments, Refunds, Events, WebhookEndpoints, UsageResource]) {
  Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name })
}

module.exports = { Client, ListRequest }
