'use strict'
const { inspect } = require('node:util')
const { randomBytes } = require('node:crypto')
const native = require('../index.js')
const { fromNative, SignatureVerificationError, ContentDigestError } = require('./errors.js')
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

  /** Signs a signature base as is; the raw signature bytes. */
  signBase(base) {
    return this.#native.signBase(toBytes(base, 'base'))
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

function keyList(keys) {
  if (!Array.isArray(keys)) throw new TypeError('keys must be an array of { keyId, alg, key }')
  return keys.map((k, i) => {
    if (k === null || typeof k !== 'object') throw new TypeError(`keys[${i}] must be an object`)
    if (typeof k.keyId !== 'string') throw new TypeError(`keys[${i}].keyId must be a string`)
    const alg = k.alg === undefined ? 'hmac-sha256' : k.alg
    if (typeof alg !== 'string') throw new TypeError(`keys[${i}].alg must be a string`)
    const bytes = keyBytes(k.key)
    return { keyId: k.keyId, alg, key: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
  })
}

/**
 * Verifies requests signed with the paycore profile (the server side): keys
 * (`{ keyId, alg, key }`: the HMAC secret or the ed25519 public key; several
 * per key id during a rotation, tried in order), `windowSeconds` (default
 * 300), `label`, and an in-memory nonce store of `nonceCapacity` entries
 * that refuses replays.
 */
class RequestVerifier {
  #native

  constructor({ keys, windowSeconds, label, nonceCapacity } = {}) {
    for (const [name, v] of [['windowSeconds', windowSeconds], ['nonceCapacity', nonceCapacity]]) {
      if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
        throw new TypeError(`${name} must be a non-negative integer`)
      }
    }
    if (label !== undefined && typeof label !== 'string') throw new TypeError('label must be a string')
    const list = keyList(keys)
    try {
      this.#native = new native.NativeRequestVerifier(list, windowSeconds, label, nonceCapacity)
    } catch (e) {
      throw fromNative(e)
    }
  }

  /**
   * Verifies `{ method, url, headers, body }` at `now`. Returns `{ keyId,
   * keyIndex, alg, created, nonce, nonceExpiresAt, components, signatureBase }`;
   * throws SignatureVerificationError (`code`, `signatureBase`).
   */
  verify({ method, url, headers, body, now } = {}) {
    if (typeof method !== 'string') throw new TypeError('method must be a string')
    if (typeof url !== 'string') throw new TypeError('url must be a string')
    const bytes = body === undefined || body === null ? EMPTY : toBytes(body, 'body')
    let r
    try {
      r = this.#native.verify(method, url, allHeaders(headers), bytes, toUnixSeconds(now))
    } catch (e) {
      throw fromNative(e)
    }
    if (!r.ok) {
      throw new SignatureVerificationError(r.message, { code: r.code, reason: r.code, signatureBase: r.signatureBase })
    }
    return {
      keyId: r.keyId,
      keyIndex: r.keyIndex,
      alg: r.alg,
      created: r.created,
      nonce: r.nonce,
      nonceExpiresAt: r.nonceExpiresAt,
      components: r.components,
      signatureBase: r.signatureBase,
    }
  }

  toString() {
    return 'RequestVerifier { keys: [redacted] }'
  }

  toJSON() {
    return { keys: '[redacted]' }
  }

  [inspect.custom]() {
    return this.toString()
  }
}

/** The RFC 9530 `Content-Digest` value of `body` (`sha-256` default, or `sha-512`). */
function contentDigest(body, alg = 'sha-256') {
  if (typeof alg !== 'string') throw new TypeError('alg must be a string')
  const bytes = toBytes(body, 'body')
  try {
    return native.contentDigest(bytes, alg)
  } catch (e) {
    throw fromNative(e)
  }
}

/** Checks a received `Content-Digest` value against `body`; returns the algorithms that matched, throws ContentDigestError. */
function checkContentDigest(value, body) {
  if (typeof value !== 'string') throw new TypeError('value must be a string')
  const r = native.checkContentDigest(value, toBytes(body, 'body'))
  if (!r.ok) throw new ContentDigestError(r.message, { code: r.code, reason: r.code, algorithm: r.algorithm })
  return r.algorithms
}

/**
 * The RFC 9421 signature base of a message under a `Signature-Input` value,
 * for any covered components: `{ method, url, headers }` for a request,
 * `{ status, headers }` for a response; `label` picks a member when there
 * are several. For diagnosing a rejection and for interoperability.
 */
function signatureBase(message, signatureInput, label) {
  if (message === null || typeof message !== 'object') throw new TypeError('message must be an object')
  if (typeof signatureInput !== 'string') throw new TypeError('signatureInput must be a string')
  if (label !== undefined && typeof label !== 'string') throw new TypeError('label must be a string')
  const headers = allHeaders(message.headers)
  try {
    if (message.status !== undefined) {
      if (!Number.isInteger(message.status)) throw new TypeError('status must be an integer')
      return native.responseSignatureBase(message.status, headers, signatureInput, label)
    }
    if (typeof message.method !== 'string' || typeof message.url !== 'string') {
      throw new TypeError('a request needs method and url strings')
    }
    return native.requestSignatureBase(message.method, message.url, headers, signatureInput, label)
  } catch (e) {
    throw fromNative(e)
  }
}

/** Whether `signature` is valid over `base` under `{ alg, key }` (HMAC secret or ed25519 public key). */
function verifySignatureBase({ alg = 'hmac-sha256', key } = {}, base, signature) {
  if (typeof alg !== 'string') throw new TypeError('alg must be a string')
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Buffer or Uint8Array')
  try {
    return native.verifySignatureBase(alg, keyBytes(key), toBytes(base, 'base'), signature)
  } catch (e) {
    throw fromNative(e)
  }
}

module.exports = {
  RequestSigner,
  RequestVerifier,
  signRequest,
  contentDigest,
  checkContentDigest,
  signatureBase,
  verifySignatureBase,
}
