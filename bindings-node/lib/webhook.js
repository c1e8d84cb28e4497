'use strict'
const { inspect } = require('node:util')
const native = require('../index.js')
const { WebhookVerificationError, fromNative } = require('./errors.js')
const { toBytes, toUnixSeconds, pickHeaders, pickJoined, pairsToObject, typeOfValue } = require('./convert.js')

const REDACTED = '[redacted]'

function secretList(secretOrSecrets) {
  const list = typeof secretOrSecrets === 'string' ? [secretOrSecrets] : secretOrSecrets
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new TypeError(`secret must be a string or an array of strings, got ${typeOfValue(secretOrSecrets)}`)
  }
  return list
}

function optionsObject(options) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object') throw new TypeError(`options must be an object, got ${typeOfValue(options)}`)
  return options
}

function schemeName(options) {
  const scheme = options.scheme === undefined ? 'standard' : options.scheme
  if (typeof scheme !== 'string') throw new TypeError(`options.scheme must be a string, got ${typeOfValue(scheme)}`)
  return scheme
}

/** Verifies webhook deliveries; built once per set of secrets. */
class Webhook {
  #native
  #secrets
  #names
  #lengths
  #signer
  #values
  #positional
  #handle
  #index

  constructor(secretOrSecrets, options) {
    const secrets = secretList(secretOrSecrets)
    const opts = optionsObject(options)
    const tolerance = opts.tolerance
    if (tolerance !== undefined && tolerance !== null && typeof tolerance !== 'number') {
      throw new TypeError(`options.tolerance must be a number of seconds, got ${typeOfValue(tolerance)}`)
    }
    const ignore = opts.ignoreTimestamp
    if (ignore !== undefined && typeof ignore !== 'boolean') {
      throw new TypeError('options.ignoreTimestamp must be a boolean')
    }
    try {
      this.#native = new native.NativeWebhook(schemeName(opts), secrets, tolerance, ignore)
    } catch (e) {
      throw fromNative(e)
    }
    this.#secrets = secrets.slice()
    this.#names = this.#native.headerNames
    this.#lengths = new Set(this.#names.map((n) => n.length))
    this.#positional = this.#native.positional
    this.#handle = this.#native.handle()
    this.#values = { values: new Array(this.#names.length), present: 0, text: '' }
    this.#index = new Map(this.#names.map((n, i) => [n, i]))
  }

  /** The scheme's stable name. */
  get scheme() {
    return this.#native.scheme
  }

  /** The timestamp tolerance, whole seconds. */
  get tolerance() {
    return this.#native.toleranceSeconds
  }

  /** The lower-case names of the headers this scheme reads (from paycore). */
  get headerNames() {
    return this.#names.slice()
  }

  /**
   * Verifies a delivery and returns the body bytes (the Buffer or Uint8Array
   * given, or the UTF-8 bytes of a string). Throws WebhookVerificationError.
   */
  verify(body, headers, now) {
    const bytes = toBytes(body, 'body')
    const t = toUnixSeconds(now)
    const v = this.#values
    try {
      if (this.#positional && pickJoined(headers, this.#names, this.#index, this.#lengths, v)) {
        native.verifyWebhookJoined(this.#handle, bytes, t, v.present, v.text)
      } else {
        this.#native.verify(bytes, pickHeaders(headers, this.#names, this.#lengths), t)
      }
    } catch (e) {
      throw fromNative(e)
    }
    return bytes
  }

  /** Verifies and returns `{ scheme, signatureHeader, msgId, timestamp }`. */
  verifyDetails(body, headers, now) {
    const bytes = toBytes(body, 'body')
    const picked = pickHeaders(headers, this.#names, this.#lengths)
    try {
      const d = this.#native.verifyDetails(bytes, picked, toUnixSeconds(now))
      return {
        scheme: d.scheme,
        signatureHeader: d.signatureHeader,
        msgId: d.msgId === undefined ? null : d.msgId,
        timestamp: d.timestamp === undefined ? null : d.timestamp,
      }
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** Verifies, then parses the body as JSON (reason `invalid_json` if it is not). */
  constructEvent(body, headers, now) {
    const bytes = this.verify(body, headers, now)
    const text = typeof body === 'string' ? body : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
    try {
      return JSON.parse(text)
    } catch (e) {
      throw new WebhookVerificationError('the verified body is not valid JSON', {
        code: 'invalid_json',
        reason: 'invalid_json',
        cause: e,
      })
    }
  }

  /**
   * The headers of a delivery of `body` signed with this webhook's secrets
   * (for tests): `{ msgId, timestamp }` default to a fresh id and now.
   */
  sign(body, { msgId, timestamp } = {}) {
    if (this.#signer === undefined) this.#signer = new WebhookSigner(this.#secrets, { scheme: this.scheme })
    return this.#signer.sign(body, { msgId, timestamp })
  }

  toString() {
    return `Webhook { scheme: '${this.scheme}', secrets: ${REDACTED} }`
  }

  toJSON() {
    return { scheme: this.scheme, tolerance: this.tolerance, secrets: REDACTED }
  }

  [inspect.custom]() {
    return this.toString()
  }
}

let counter = 0
function freshMsgId() {
  counter = (counter + 1) % 0x100000000
  return `msg_${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 10)}`
}

/** Produces the headers of a signed delivery (senders, tests). */
class WebhookSigner {
  #native

  constructor(secretOrSecrets, options) {
    const secrets = secretList(secretOrSecrets)
    try {
      this.#native = new native.NativeWebhookSigner(schemeName(optionsObject(options)), secrets)
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** `{ header: value }` to send with `body`. */
  sign(body, { msgId, timestamp } = {}) {
    const id = msgId === undefined ? freshMsgId() : msgId
    if (typeof id !== 'string') throw new TypeError('msgId must be a string')
    try {
      return pairsToObject(this.#native.sign(id, toUnixSeconds(timestamp, 'timestamp'), toBytes(body, 'body')))
    } catch (e) {
      throw fromNative(e)
    }
  }

  toString() {
    return `WebhookSigner { secrets: ${REDACTED} }`
  }

  toJSON() {
    return { secrets: REDACTED }
  }

  [inspect.custom]() {
    return this.toString()
  }
}

/** The stable names of the schemes (`standard`, `stripe`, `github`, `shopify`, `razorpay`). */
function webhookSchemes() {
  return native.webhookSchemes()
}

module.exports = { Webhook, WebhookSigner, webhookSchemes }
