'use strict'
// The error classes. Native errors carry `code` = `<concern>/<code>/<reason>`
// (paycore's stable strings); `fromNative` maps the concern to a class through
// the table below. The HTTP client (next round) adds CardError, RateLimitError,
// ... as subclasses of PaycoreError and entries in CONCERNS.

class PaycoreError extends Error {
  constructor(message, { code, reason, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = new.target.name
    /** paycore's stable machine-readable code. */
    this.code = code === undefined ? 'paycore_error' : code
    /** The code with its detail (`missing_header:webhook-id`); equals `code` otherwise. */
    this.reason = reason === undefined ? this.code : reason
  }
}

/** A webhook delivery was rejected, or a verifier/signer could not be built. */
class WebhookVerificationError extends PaycoreError {
  /** The header named by a `missing_header` reason, else `undefined`. */
  get header() {
    const i = this.reason.indexOf(':')
    return this.code === 'missing_header' && i >= 0 ? this.reason.slice(i + 1) : undefined
  }
}

/** A request could not be signed (bad URL, short nonce, missing component). */
class SigningError extends PaycoreError {}

/** A signed request was refused (server side). `signatureBase` is the base the verifier built, when it got that far. */
class SignatureVerificationError extends PaycoreError {
  constructor(message, options = {}) {
    super(message, options)
    this.signatureBase = options.signatureBase === undefined ? null : options.signatureBase
  }
}

/** A Content-Digest value was refused; `algorithm` names the one that did not match. */
class ContentDigestError extends PaycoreError {
  constructor(message, options = {}) {
    super(message, options)
    this.algorithm = options.algorithm === undefined ? null : options.algorithm
  }
}

/** A rate-limit quota or its headers could not be made (zero quota, bad policy name). */
class QuotaError extends PaycoreError {}

/** A key could not be used (empty, wrong length, invalid). */
class InvalidKeyError extends PaycoreError {}

/** An idempotency key was refused. */
class IdempotencyKeyError extends PaycoreError {}

const CONCERNS = {
  webhook: WebhookVerificationError,
  sign: SigningError,
  key: InvalidKeyError,
  idempotency: IdempotencyKeyError,
  base: SigningError,
  quota: QuotaError,
  verify: SignatureVerificationError,
}

// napi-rs's own conversion failures (a wrong JS type reached the addon).
const NAPI_TYPE_STATUSES = new Set([
  'InvalidArg', 'ObjectExpected', 'StringExpected', 'NameExpected', 'FunctionExpected',
  'NumberExpected', 'BooleanExpected', 'ArrayExpected', 'BigintExpected', 'DateExpected',
  'ArrayBufferExpected', 'DetachableArraybufferExpected',
])

/** Converts an error thrown by the addon into the matching class. */
function fromNative(err) {
  if (!(err instanceof Error) || typeof err.code !== 'string') return err
  const parts = err.code.split('/')
  if (parts.length === 3) {
    const [concern, code, reason] = parts
    if (concern === 'arg') return new TypeError(err.message)
    const Cls = CONCERNS[concern]
    if (Cls !== undefined) return new Cls(err.message, { code, reason })
    return new PaycoreError(err.message, { code, reason })
  }
  if (NAPI_TYPE_STATUSES.has(err.code)) return new TypeError(err.message)
  return err
}

module.exports = {
  PaycoreError,
  WebhookVerificationError,
  SigningError,
  SignatureVerificationError,
  ContentDigestError,
  QuotaError,
  InvalidKeyError,
  IdempotencyKeyError,
  fromNative,
}
