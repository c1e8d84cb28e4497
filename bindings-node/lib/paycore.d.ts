// Public types of the `paycore` package (the JS layer in lib/). The native
// addon's own generated types are in ../index.d.ts.

/** Raw body bytes as received; a string is taken as UTF-8. */
export type Body = Buffer | Uint8Array | string

/** Headers: Node's `req.headers`, a Record, a fetch `Headers`, or `[name, value]` pairs. */
export type HeadersInput =
  | Record<string, string | string[] | undefined>
  | Headers
  | ReadonlyArray<readonly [string, string]>

/** Unix seconds, or a Date; omitted = the clock. */
export type Now = number | Date

/** The base of every paycore error. */
export declare class PaycoreError extends Error {
  constructor(message: string, options?: { code?: string; reason?: string; cause?: unknown })
  /** paycore's stable machine-readable code. */
  readonly code: string
  /** The code with its detail (`missing_header:webhook-id`); equals `code` otherwise. */
  readonly reason: string
}

/** Reason codes of WebhookVerificationError (`code`). */
export type WebhookErrorCode =
  | 'missing_header'
  | 'malformed_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'invalid_msg_id'
  | 'no_secrets'
  | 'empty_secret'
  | 'invalid_secret_prefix'
  | 'invalid_secret'
  | 'invalid_secret_length'
  | 'secret_cannot_sign'
  | 'too_many_secrets'
  | 'unknown_scheme'
  | 'invalid_json'
  | (string & {})

/** A delivery was rejected, or a verifier/signer could not be built. */
export declare class WebhookVerificationError extends PaycoreError {
  readonly code: WebhookErrorCode
  /** The header named by a `missing_header` reason. */
  readonly header: string | undefined
}

/** A request could not be signed. */
export declare class SigningError extends PaycoreError {}

/** A signed request was refused (server side). */
export declare class SignatureVerificationError extends PaycoreError {
  /** The signature base the verifier built, when it got that far. */
  readonly signatureBase: string | null
}

/** A Content-Digest value was refused. */
export declare class ContentDigestError extends PaycoreError {
  /** The algorithm that did not match (`digest_mismatch`). */
  readonly algorithm: string | null
}

/** A rate-limit quota or its headers could not be made. */
export declare class QuotaError extends PaycoreError {}

/** A key could not be used. */
export declare class InvalidKeyError extends PaycoreError {}

/** An idempotency key was refused. */
export declare class IdempotencyKeyError extends PaycoreError {}

export type WebhookScheme = 'standard' | 'svix' | 'stripe' | 'github' | 'shopify' | 'razorpay'

export interface WebhookOptions {
  /** Default `standard` (Standard Webhooks; Svix headers too). */
  scheme?: WebhookScheme
  /** Timestamp tolerance either way, seconds (default 300). */
  tolerance?: number
  /** Skip the timestamp window (replaying stored deliveries only). */
  ignoreTimestamp?: boolean
}

export interface VerifiedDelivery {
  scheme: string
  signatureHeader: string
  msgId: string | null
  timestamp: number | null
}

export interface SignOptions {
  msgId?: string
  timestamp?: Now
}

/** Verifies webhook deliveries. Secrets never print. */
export declare class Webhook {
  constructor(secretOrSecrets: string | readonly string[], options?: WebhookOptions)
  readonly scheme: string
  readonly tolerance: number
  readonly headerNames: string[]
  /** Returns the body bytes; throws WebhookVerificationError. */
  verify<B extends Buffer | Uint8Array>(body: B, headers: HeadersInput, now?: Now): B
  verify(body: string, headers: HeadersInput, now?: Now): Buffer
  verifyDetails(body: Body, headers: HeadersInput, now?: Now): VerifiedDelivery
  /** Verifies, then parses the JSON body. */
  constructEvent<T = unknown>(body: Body, headers: HeadersInput, now?: Now): T
  /** Headers of a delivery signed with this webhook's secrets (tests). */
  sign(body: Body, options?: SignOptions): Record<string, string>
  toJSON(): { scheme: string; tolerance: number; secrets: '[redacted]' }
}

/** Produces signed deliveries (senders, tests). */
export declare class WebhookSigner {
  constructor(secretOrSecrets: string | readonly string[], options?: { scheme?: WebhookScheme })
  sign(body: Body, options?: SignOptions): Record<string, string>
  toJSON(): { secrets: '[redacted]' }
}

export declare function webhookSchemes(): string[]

export type SigningAlgorithm = 'hmac-sha256' | 'ed25519'

export interface RequestSignerOptions {
  keyId: string
  /** Default `hmac-sha256`. */
  alg?: SigningAlgorithm
  /** The HMAC secret, or the 32-byte ed25519 seed. */
  key: Buffer | Uint8Array | string
}

export interface RequestToSign {
  method: string
  url: string
  headers?: HeadersInput
  body?: Body | null
  now?: Now
  /** At least 16 random bytes; default 16 from crypto.randomBytes. */
  nonce?: Uint8Array
}

export interface SignedRequest {
  /** `Content-Digest` (with a body), `Signature-Input`, `Signature`. */
  headers: { 'Content-Digest'?: string; 'Signature-Input': string; Signature: string }
  signatureBase: string
}

/** Signs requests with the paycore RFC 9421 profile. The key never prints. */
export declare class RequestSigner {
  constructor(options: RequestSignerOptions)
  readonly keyId: string
  readonly alg: SigningAlgorithm
  publicKey(): Buffer | null
  sign(request: RequestToSign): SignedRequest
  /** Signs a signature base as is. */
  signBase(base: Body): Buffer
  toJSON(): { keyId: string; alg: string; key: '[redacted]' }
}

export interface VerificationKeyOptions {
  keyId: string
  /** Default `hmac-sha256`. */
  alg?: SigningAlgorithm
  /** The HMAC secret, or the 32-byte ed25519 public key. */
  key: Buffer | Uint8Array | string
}

export interface RequestVerifierOptions {
  /** Several keys per key id during a rotation, tried in order. */
  keys: VerificationKeyOptions[]
  /** How far `created` may lie from now, seconds (default 300). */
  windowSeconds?: number
  /** Verify the member with this label instead of the profile's tag. */
  label?: string
  /** Nonces remembered (default 100 000). */
  nonceCapacity?: number
}

export interface ReceivedRequest {
  method: string
  url: string
  headers?: HeadersInput
  body?: Body | null
  now?: Now
}

export interface VerifiedRequest {
  keyId: string
  keyIndex: number
  alg: SigningAlgorithm
  created: number
  nonce: string
  nonceExpiresAt: number
  components: string[]
  signatureBase: string
}

/** Verifies signed requests (server side); refuses replays. */
export declare class RequestVerifier {
  constructor(options: RequestVerifierOptions)
  verify(request: ReceivedRequest): VerifiedRequest
  toJSON(): { keys: '[redacted]' }
}

export type DigestAlgorithm = 'sha-256' | 'sha-512'
/** The RFC 9530 `Content-Digest` value of `body`. */
export declare function contentDigest(body: Body, alg?: DigestAlgorithm): string
/** Checks a received `Content-Digest`; returns the algorithms that matched. */
export declare function checkContentDigest(value: string, body: Body): DigestAlgorithm[]

/** The RFC 9421 signature base of a request or response under a Signature-Input value. */
export declare function signatureBase(
  message: { method: string; url: string; headers?: HeadersInput } | { status: number; headers?: HeadersInput },
  signatureInput: string,
  label?: string,
): string
/** Whether `signature` is valid over `base`. */
export declare function verifySignatureBase(
  key: { alg?: SigningAlgorithm; key: Buffer | Uint8Array | string },
  base: Body,
  signature: Uint8Array,
): boolean

export declare function signRequest(options: RequestSignerOptions & RequestToSign): SignedRequest

export interface BudgetSettings {
  capacity?: number
  retryCost?: number
  throttleCost?: number
  successReward?: number
}

export interface RetryConfigOptions {
  maxAttempts?: number
  baseDelayMs?: number
  throttleBaseDelayMs?: number
  maxBackoffMs?: number
  maxRetryAfterMs?: number
  /** `null`: no budget. */
  budget?: BudgetSettings | null
}

export declare class RetryConfig {
  constructor(options?: RetryConfigOptions)
  static standard(): RetryConfig
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly throttleBaseDelayMs: number
  readonly maxBackoffMs: number
  readonly maxRetryAfterMs: number
  newBudget(): RetryBudget
  backoffCeilingMs(kind: string, attempt: number): number
}

export declare class RetryBudget {
  private constructor()
  /** `null` when unlimited. */
  readonly available: number | null
  recordSuccess(lastRetryTokens?: number | null): void
}

export type Failure =
  | { transport: 'connect_failed' | 'failed_after_send' | 'stale_connection' | 'cancelled' | (string & {}) }
  | { status: number; error?: { type?: string; code?: string; decline_code?: string } }

export interface DecideInput {
  failure: Failure
  headers?: HeadersInput
  rateLimitHintMs?: number | null
  /** The attempt that failed (1 = the first); default 1. */
  attempt?: number
  timeLeftMs?: number | null
  idempotencyKey?: boolean
  method?: string
  /** Uniform in [0, 1]; default Math.random(). */
  random?: number
  now?: Now
}

export type Decision =
  | { retry: true; delayMs: number; kind: string; tokens: number; serverDelayMs: number | null }
  | { retry: false; reason: string; action: string | null; serverDelayMs: number | null }

export declare function decide(config: RetryConfig, input: DecideInput, budget?: RetryBudget | null): Decision

export declare function newIdempotencyKey(random?: Uint8Array): string
export declare function validateIdempotencyKey(key: string): string

export interface RateLimitState {
  limit: number | null
  remaining: number | null
  resetAfterMs: number | null
  windowMs: number | null
  used: number | null
  resource: string | null
  retryAfterMs: number | null
  waitMs: number | null
  policy: string | null
  partitionKeyHex: string | null
  policies: { name: string; quota: number; windowSeconds: number | null; quotaUnit: string; partitionKeyHex: string | null }[]
  limits: { policy: string; remaining: number; resetSeconds: number | null; partitionKeyHex: string | null }[]
  malformed: string[]
}

export declare function parseRateLimit(headers: HeadersInput, now?: Now): RateLimitState
export declare function waitBeforeNext(headers: HeadersInput, now?: Now): number | null

export interface LimitDecision {
  allowed: boolean
  limit: number
  remaining: number
  resetAfterUs: number
  retryAfterUs: number | null
}

/** A server-side GCRA rate limiter over an in-memory store. */
export declare class RateLimiter {
  constructor(options: { limit: number; periodMs: number; burst?: number; capacity?: number; shards?: number })
  readonly emissionIntervalUs: number
  readonly burstSpanUs: number
  check(key: string, options?: { nowMs?: number; cost?: number }): LimitDecision
  headers(decision: LimitDecision, policy: string, partitionKey?: Uint8Array | null): [string, string][]
}

/** The native addon's version (the Cargo version). */
export declare function nativeVersion(): string

// ---- the HTTP client (the Rust SDK, paycore-sdk) ----

import type {
  Payment,
  PaymentPage,
  Refund,
  RefundPage,
  Event,
  EventPage,
  WebhookEndpoint,
  WebhookEndpointPage,
  WebhookAttempt,
  WebhookAttemptPage,
  Redelivery,
  Deleted,
  Usage,
  CreatePaymentParams,
  CapturePaymentParams,
  CancelPaymentParams,
  CreateRefundParams,
  ListParams,
  CreatedRange,
  CreateWebhookEndpointParams,
  UpdateWebhookEndpointParams,
  RotateSecretParams,
  RedeliverParams,
  CallOptions,
  Card,
  PaymentMethodDetails,
  PaymentError as PaymentDeclineDetails,
  EventData,
} from '../index'

export type {
  Payment,
  PaymentPage,
  Refund,
  RefundPage,
  Event,
  EventPage,
  WebhookEndpoint,
  WebhookEndpointPage,
  WebhookAttempt,
  WebhookAttemptPage,
  Redelivery,
  Deleted,
  Usage,
  CreatePaymentParams,
  CapturePaymentParams,
  CancelPaymentParams,
  CreateRefundParams,
  ListParams,
  CreatedRange,
  CreateWebhookEndpointParams,
  UpdateWebhookEndpointParams,
  RotateSecretParams,
  RedeliverParams,
  CallOptions,
  Card,
  PaymentMethodDetails,
  PaymentDeclineDetails,
  EventData,
}

/** The SDK's error kind codes (paycore_sdk::ERROR_CODES). */
export type ClientErrorKind =
  | 'card_error'
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'conflict'
  | 'idempotency_mismatch'
  | 'rate_limited'
  | 'api_error'
  | 'timeout'
  | 'connection'
  | 'outcome_unknown'
  | 'decode'
  | 'invalid_configuration'

/** A call to the paycore API failed. */
export declare class PaycoreApiError extends PaycoreError {
  /** The SDK's kind code. */
  readonly kind: ClientErrorKind
  /** The server's error code (`card_declined`, `parameter_invalid`, ...), else the kind. */
  readonly code: string
  /** How far the request got. */
  readonly stage: 'construction' | 'dispatch' | 'response' | null
  /** The `Request-Id` of the last response. */
  readonly requestId: string | null
  /** Attempts made (0 if nothing was sent). */
  readonly attempts: number
  /** The idempotency key the request carried: send the same request with it to retry safely. */
  readonly idempotencyKey: string | null
  /** The HTTP status of the last response. */
  readonly statusCode: number | null
  /** Why the SDK stopped retrying (the core's reason code). */
  readonly retryReason: string | null
}

/** The decline actions (paycore's `UserAction` codes). */
export type DeclineAction =
  | 'use_another_payment_method'
  | 'update_card_details'
  | 'authenticate_customer'
  | 'add_funds_or_use_another_card'
  | 'retry_later_with_new_key'
  | 'contact_card_issuer'
  | 'check_existing_payment'

/** 402: the card was declined. */
export declare class CardError extends PaycoreApiError {
  readonly kind: 'card_error'
  /** The issuer's decline code (`insufficient_funds`, ...). */
  readonly declineCode: string | null
  /** What to do next. */
  readonly action: DeclineAction | null
  /** The failed payment's id. */
  readonly paymentId: string | null
}
/** 400: the request is invalid. */
export declare class InvalidRequestError extends PaycoreApiError {
  readonly kind: 'invalid_request'
  readonly param: string | null
}
/** 401. */
export declare class AuthenticationError extends PaycoreApiError {
  readonly kind: 'authentication'
}
/** 403. */
export declare class PermissionError extends PaycoreApiError {
  readonly kind: 'permission'
}
/** 404. */
export declare class NotFoundError extends PaycoreApiError {
  readonly kind: 'not_found'
  readonly param: string | null
}
/** 409. */
export declare class ConflictError extends PaycoreApiError {
  readonly kind: 'conflict'
}
/** 422: the idempotency key was used with a different request. */
export declare class IdempotencyError extends PaycoreApiError {
  readonly kind: 'idempotency_mismatch'
}
/** 429 after the retries allowed. */
export declare class RateLimitError extends PaycoreApiError {
  readonly kind: 'rate_limited'
  /** The server's Retry-After, seconds. */
  readonly retryAfter: number | null
}
/** 5xx after the retries allowed. */
export declare class ApiError extends PaycoreApiError {
  readonly kind: 'api_error'
}
/** The deadline passed. */
export declare class TimeoutError extends PaycoreApiError {
  readonly kind: 'timeout'
  readonly maybeSent: boolean | null
}
/** The connection failed. */
export declare class ConnectionError extends PaycoreApiError {
  readonly kind: 'connection'
  readonly maybeSent: boolean | null
}
/** Sent, maybe applied, not safely retriable: reconcile, or resend with `idempotencyKey`. */
export declare class OutcomeUnknownError extends PaycoreApiError {
  readonly kind: 'outcome_unknown'
}
/** A success response that could not be decoded. */
export declare class DecodeError extends PaycoreApiError {
  readonly kind: 'decode'
}
/** The client or the request could not be built. */
export declare class ConfigurationError extends PaycoreApiError {
  readonly kind: 'invalid_configuration'
}

/** The metadata of the response an object came from (non-enumerable `lastResponse`). */
export interface ResponseInfo {
  readonly requestId: string | null
  readonly attempts: number
  readonly idempotencyKey: string | null
  readonly replayed: boolean
  readonly statusCode: number
}

/** An object returned by a call: the object, plus `lastResponse`. */
export type WithResponse<T> = T & { readonly lastResponse: ResponseInfo }

/** A list call: `await` it for one page, `for await` it for every object. */
export declare class ListRequest<T, P> implements PromiseLike<WithResponse<P>>, AsyncIterable<T> {
  private constructor()
  page(): Promise<WithResponse<P>>
  then<R1 = WithResponse<P>, R2 = never>(
    onfulfilled?: ((value: WithResponse<P>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<WithResponse<P> | R>
  finally(onfinally?: (() => void) | null): Promise<WithResponse<P>>
  [Symbol.asyncIterator](): AsyncIterator<T>
  toArray(options?: { limit?: number }): Promise<T[]>
}

export interface ClientOptions {
  /** The API key id (`key_...`). */
  keyId: string
  /** The key's HMAC secret: the base64 string the server printed, or its bytes. */
  secret: string | Uint8Array
  /** Default `http://127.0.0.1:8080`. */
  baseUrl?: string
  /** Per-attempt timeout, ms (default 30,000). */
  timeoutMs?: number
  /** Overall deadline of a call, retries included, ms (default 60,000; null for none). */
  deadlineMs?: number | null
  /** Retries after the first attempt (default 2). */
  maxRetries?: number
  /** The User-Agent (default `paycore-node/<version>`). */
  userAgent?: string
}

export interface Payments {
  create(params: CreatePaymentParams, options?: CallOptions): Promise<WithResponse<Payment>>
  retrieve(id: string): Promise<WithResponse<Payment>>
  confirm(id: string): Promise<WithResponse<Payment>>
  capture(id: string, params?: CapturePaymentParams): Promise<WithResponse<Payment>>
  cancel(id: string, params?: CancelPaymentParams): Promise<WithResponse<Payment>>
  list(params?: ListParams): ListRequest<Payment, PaymentPage>
}

export interface Refunds {
  create(params: CreateRefundParams, options?: CallOptions): Promise<WithResponse<Refund>>
  retrieve(id: string): Promise<WithResponse<Refund>>
  list(params?: ListParams): ListRequest<Refund, RefundPage>
}

export interface Events {
  retrieve(id: string): Promise<WithResponse<Event>>
  list(params?: ListParams): ListRequest<Event, EventPage>
  attempts(id: string, params?: ListParams): ListRequest<WebhookAttempt, WebhookAttemptPage>
  redeliver(id: string, params?: RedeliverParams): Promise<WithResponse<Redelivery>>
}

export interface WebhookEndpoints {
  create(params: CreateWebhookEndpointParams): Promise<WithResponse<WebhookEndpoint>>
  retrieve(id: string): Promise<WithResponse<WebhookEndpoint>>
  update(id: string, params: UpdateWebhookEndpointParams): Promise<WithResponse<WebhookEndpoint>>
  delete(id: string): Promise<WithResponse<Deleted>>
  rotateSecret(id: string, params?: RotateSecretParams): Promise<WithResponse<WebhookEndpoint>>
  list(params?: ListParams): ListRequest<WebhookEndpoint, WebhookEndpointPage>
}

export interface UsageResource {
  retrieve(): Promise<WithResponse<Usage>>
}

/** The paycore API client (the Rust SDK). Its inspect/toString/toJSON never show the secret. */
export declare class Client {
  constructor(options: ClientOptions)
  readonly payments: Payments
  readonly refunds: Refunds
  readonly events: Events
  readonly webhookEndpoints: WebhookEndpoints
  readonly usage: UsageResource
  readonly baseUrl: string
  readonly keyId: string
  readonly maxRetries: number
  readonly retryBudgetAvailable: number
  toString(): string
  toJSON(): { baseUrl: string; keyId: string; secret: string }
}
