'use strict'
// paycore for Node.js: the public API (CommonJS). lib/paycore.mjs re-exports
// it for ESM. Everything here converts arguments and maps errors; the logic is
// the Rust paycore crate's, reached through the napi-rs addon (../index.js).
const native = require('../index.js')
const errors = require('./errors.js')
const webhook = require('./webhook.js')
const signing = require('./signing.js')
const retry = require('./retry.js')
const client = require('./client.js')

module.exports = {
  PaycoreError: errors.PaycoreError,
  WebhookVerificationError: errors.WebhookVerificationError,
  SigningError: errors.SigningError,
  SignatureVerificationError: errors.SignatureVerificationError,
  ContentDigestError: errors.ContentDigestError,
  QuotaError: errors.QuotaError,
  InvalidKeyError: errors.InvalidKeyError,
  IdempotencyKeyError: errors.IdempotencyKeyError,
  PaycoreApiError: errors.PaycoreApiError,
  CardError: errors.CardError,
  InvalidRequestError: errors.InvalidRequestError,
  AuthenticationError: errors.AuthenticationError,
  PermissionError: errors.PermissionError,
  NotFoundError: errors.NotFoundError,
  ConflictError: errors.ConflictError,
  IdempotencyError: errors.IdempotencyError,
  RateLimitError: errors.RateLimitError,
  ApiError: errors.ApiError,
  TimeoutError: errors.TimeoutError,
  ConnectionError: errors.ConnectionError,
  OutcomeUnknownError: errors.OutcomeUnknownError,
  DecodeError: errors.DecodeError,
  ConfigurationError: errors.ConfigurationError,
  Client: client.Client,
  ListRequest: client.ListRequest,
  Webhook: webhook.Webhook,
  WebhookSigner: webhook.WebhookSigner,
  webhookSchemes: webhook.webhookSchemes,
  RequestSigner: signing.RequestSigner,
  RequestVerifier: signing.RequestVerifier,
  signRequest: signing.signRequest,
  contentDigest: signing.contentDigest,
  checkContentDigest: signing.checkContentDigest,
  signatureBase: signing.signatureBase,
  verifySignatureBase: signing.verifySignatureBase,
  ...retry,
  nativeVersion: native.nativeVersion,
}
