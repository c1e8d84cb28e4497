// ESM entry: the CommonJS API, re-exported by name.
import paycore from './paycore.js'

export const {
  PaycoreError,
  WebhookVerificationError,
  SigningError,
  SignatureVerificationError,
  ContentDigestError,
  QuotaError,
  InvalidKeyError,
  IdempotencyKeyError,
  Webhook,
  WebhookSigner,
  webhookSchemes,
  RequestSigner,
  RequestVerifier,
  signRequest,
  contentDigest,
  checkContentDigest,
  signatureBase,
  verifySignatureBase,
  RateLimiter,
  RetryConfig,
  RetryBudget,
  decide,
  newIdempotencyKey,
  validateIdempotencyKey,
  parseRateLimit,
  waitBeforeNext,
  nativeVersion,
} = paycore
export default paycore
