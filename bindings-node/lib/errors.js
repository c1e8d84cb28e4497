'use strict'
// The error classes. Native errors carry `code` = `<concern>/<code>/<reason>`
// (paycore's stable strings); `fromNative` maps the concern to a class through
// the table below. The HTTP client's failures arrive as structured objects
// (the SDK error's kind, metadata and fields: src/client.rs ClientErrorInfo);
// `fromClientError` maps the SDK's kind code to a class through KINDS.

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

/**
 * A call to the paycore API failed. `kind` is the SDK's stable kind code,
 * `code` the server's error code when it sent one (else the kind), and
 * `requestId`, `attempts`, `idempotencyKey`, `statusCode` what is known of the
 * call.
 */
class PaycoreApiError extends PaycoreError {
  constructor(message, info = {}) {
    const kind = info.kind === undefined ? 'api_error' : info.kind
    const code = info.code === undefined || info.code === null ? kind : info.code
    super(message, { code, reason: code, cause: info.cause })
    /** The SDK's kind code (`card_error`, `rate_limited`, ...). */
    this.kind = kind
    /** How far the request got: `construction`, `dispatch` or `response`. */
    this.stage = info.stage === undefined ? null : info.stage
    /** The `Request-Id` of the last response, when one arrived. */
    this.requestId = info.requestId === undefined ? null : info.requestId
    /** Attempts made (0 if nothing was sent). */
    this.attempts = info.attempts === undefined ? 0 : info.attempts
    /** The idempotency key the request carried: send the same request with it to retry safely. */
    this.idempotencyKey = info.idempotencyKey === undefined ? null : info.idempotencyKey
    /** The HTTP status of the last response, when one arrived. */
    this.statusCode = info.status === undefined ? null : info.status
    /** Why the SDK stopped retrying (the core's reason code), when it decided. */
    this.retryReason = info.retryReason === undefined ? null : info.retryReason
  }
}

/** 402: the card was declined (`code`: card_declined, expired_card, ...). */
class CardError extends PaycoreApiError {
  constructor(message, info = {}) {
    super(message, info)
    /** The issuer's decline code (`insufficient_funds`, ...). */
    this.declineCode = info.declineCode === undefined ? null : info.declineCode
    /** What to do next (`use_another_payment_method`, `add_funds_or_use_another_card`, ...). */
    this.action = info.action === undefined ? null : info.action
    /** The failed payment's id, when the server created one. */
    this.paymentId = info.paymentId === undefined ? null : info.paymentId
  }
}

/** 400 (and other 4xx not listed): the request is invalid; `param` names the field. */
class InvalidRequestError extends PaycoreApiError {
  constructor(message, info = {}) {
    super(message, info)
    this.param = info.param === undefined ? null : info.param
  }
}

/** 401: the signature, key or clock was refused. */
class AuthenticationError extends PaycoreApiError {}

/** 403: the key may not do this. */
class PermissionError extends PaycoreApiError {}

/** 404: no such object (or route); `param` names the id parameter. */
class NotFoundError extends PaycoreApiError {
  constructor(message, info = {}) {
    super(message, info)
    this.param = info.param === undefined ? null : info.param
  }
}

/** 409: the object's state forbids this, or the same idempotency key is still in flight. */
class ConflictError extends PaycoreApiError {}

/** 422: the idempotency key was used with a different request. */
class IdempotencyError extends PaycoreApiError {}

/** 429 after the retries allowed; `retryAfter` in seconds (the server's Retry-After), or null. */
class RateLimitError extends PaycoreApiError {
  constructor(message, info = {}) {
    super(message, info)
    const ms = info.retryAfterMs
    this.retryAfter = ms === undefined || ms === null ? null : ms / 1000
  }
}

/** 5xx (or an unexpected status) after the retries allowed; `statusCode` is the status. */
class ApiError extends PaycoreApiError {}

/** The deadline (or the last attempt's timeout) passed; `maybeSent` says whether it may have arrived. */
class TimeoutError extends PaycoreApiError {
  constructor(message, info = {}) {
    super(message, info)
    this.maybeSent = info.maybeSent === undefined ? null : info.maybeSent
  }
}

/** The connection failed; `maybeSent` false when connecting failed. */
class ConnectionError extends PaycoreApiError {
  constructor(message, info = {}) {
    super(message, info)
    this.maybeSent = info.maybeSent === undefined ? null : info.maybeSent
  }
}

/**
 * The request was sent, may have taken effect, and could not be retried
 * safely: look the object up, or send it again with `idempotencyKey`.
 */
class OutcomeUnknownError extends PaycoreApiError {}

/** A success response whose body could not be decoded. */
class DecodeError extends PaycoreApiError {}

/** The client or the request could not be built (bad base URL, secret, idempotency key, option). */
class ConfigurationError extends PaycoreApiError {}

/** The SDK's kind codes (paycore_sdk::ERROR_CODES) to classes. */
const KINDS = {
  card_error: CardError,
  invalid_request: InvalidRequestError,
  authentication: AuthenticationError,
  permission: PermissionError,
  not_found: NotFoundError,
  conflict: ConflictError,
  idempotency_mismatch: IdempotencyError,
  rate_limited: RateLimitError,
  api_error: ApiError,
  timeout: TimeoutError,
  connection: ConnectionError,
  outcome_unknown: OutcomeUnknownError,
  decode: DecodeError,
  invalid_configuration: ConfigurationError,
}

/** The error class of a structured client error from the addon. */
function fromClientError(info) {
  const Cls = KINDS[info.kind] || PaycoreApiError
  return new Cls(info.message, info)
}

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
    if (concern === 'client') return new ConfigurationError(err.message, { kind: code, stage: 'construction' })
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
  PaycoreApiError,
  CardError,
  InvalidRequestError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  ConflictError,
  IdempotencyError,
  RateLimitError,
  ApiError,
  TimeoutError,
  ConnectionError,
  OutcomeUnknownError,
  DecodeError,
  ConfigurationError,
  KINDS,
  fromNative,
  fromClientError,
}
