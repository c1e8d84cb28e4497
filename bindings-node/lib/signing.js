'use strict'
const { inspect } = require('node:util')
const { randomBytes } = require('node:crypto')
const native = require('../index.js')
const { fromNative } = require('./errors.js')
const { toBytes, toUnixSeconds, allHeaders, typeOfValue } = require('./convert.js')

const EMPTY = new Uint8Array(0)

function keyBytes(key) {
  if (typeof key === 'string') return Buffer.from(key, 'utf8')
  if (key instanceof Uint8Array) return key
  throw new TypeError(`key must be a Buffer, Uint8Array or string, got ${typeOfValue(key)}`)
}

/**
 * Signs outgoing requests with the paycore RFC 9421 profile, for callers with
 * their own fetch/axios. `alg`: `hmac-sha256` (key: the shared secret) or
 * `ed25519` (key: the 32-byte seed).
 */
class RequestSigner {
  #native

  constructor({ keyId, alg = 'hmac-sha256', key } = {}) {
    if (typeof keyId !== 'string') throw new TypeError('keyId must be a string')
    if (typeof alg !== 'string') throw new TypeError('alg must be a string')
    try {
      this.#native = new native.NativeRequestSigner(keyId, alg, keyBytes(key))
    } catch (e) {
      throw fromNative(e)
    }
  }

  get keyId() {
    return this.#native.keyId
  }

  get alg() {
    return this.#native.alg
  }

  /** The ed25519 public key (32 bytes) to give the server; `null` for HMAC. */
  publicKey() {
    return this.#native.publicKey()
  }

  /**
   * Signs `{ method, url, headers, body }` at `now` (Unix seconds or Date;
   * default the clock) with `nonce` (>= 16 bytes; default 16 random bytes).
   * Returns `{ headers, signatureBase }`: the headers to add.
   */
  sign({ method, url, headers, body, now, nonce } = {}) {
    if (typeof method !== 'string') throw new TypeError('method must be a string')
    if (typeof url !== 'string') throw new TypeError('url must be a string')
    const bytes = body === undefined || body === null ? EMPTY : toBytes(body, 'body')
    const n = nonce === undefined ? randomBytes(16) : nonce
    if (!(n instanceof Uint8Array)) throw new TypeError('nonce must be a Buffer or Uint8Array')
    let parts
    try {
      parts = this.#native.sign(method, url, allHeaders(headers), bytes, toUnixSeconds(now), n)
    } catch (e) {
      throw fromNative(e)
    }
    const out = {}
    if (parts.contentDigest !== undefined) out['Content-Digest'] = parts.contentDigest
    out['Signature-Input'] = parts.signatureInput
    out.Signature = parts.signature
    return { headers: out, signatureBase: parts.signatureBase }
  }

  toString() {
    return `RequestSigner { keyId: ${JSON.stringify(this.keyId)}, alg: '${this.alg}', key: [redacted] }`
  }

  toJSON() {
    return { keyId: this.keyId, alg: this.alg, key: '[redacted]' }
  }

  [inspect.custom]() {
    return this.toString()
  }
}

/** One-shot `new RequestSigner(options).sign(options)`. */
function signRequest(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object')
  return new RequestSigner(options).sign(options)
}

module.exports = { RequestSigner, signRequest }
