// ESM: `import` gets the same classes as `require` (one module instance), with
// named and default exports.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import paycore, { Webhook, WebhookVerificationError, PaycoreError, signRequest, decide, RetryConfig } from 'paycore'

const require = createRequire(import.meta.url)

test('ESM named and default exports are the CommonJS ones', () => {
  const cjs = require('paycore')
  assert.equal(Webhook, cjs.Webhook)
  assert.equal(WebhookVerificationError, cjs.WebhookVerificationError)
  assert.equal(paycore.Webhook, Webhook)
  for (const name of Object.keys(cjs)) assert.ok(name in paycore, name)
  assert.equal(typeof signRequest, 'function')
  assert.equal(typeof decide, 'function')
  assert.ok(new RetryConfig().maxAttempts >= 1)
})

test('ESM: errors from verify are instanceof the imported classes', () => {
  const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
  assert.throws(
    () => wh.verify(Buffer.from('{}'), {}, 0),
    (e) => e instanceof WebhookVerificationError && e instanceof PaycoreError && e.reason === 'missing_header:webhook-id',
  )
})

test('every name of lib/paycore.js is exported by name from lib/paycore.mjs', async () => {
  const ns = await import('paycore')
  for (const name of Object.keys(require('paycore'))) assert.ok(name in ns, name)
})

test('ESM: the Client and its error classes are the CommonJS ones', async () => {
  const ns = await import('paycore')
  const cjs = require('paycore')
  assert.equal(ns.Client, cjs.Client)
  assert.equal(ns.CardError, cjs.CardError)
  const client = new ns.Client({ keyId: 'key_test_x', secret: Buffer.alloc(32, 3), baseUrl: 'http://127.0.0.1:9' })
  assert.ok(client instanceof cjs.Client)
  assert.equal(typeof client.payments.list, 'function')
  assert.ok(new ns.CardError('declined', { kind: 'card_error' }) instanceof cjs.PaycoreApiError)
  assert.throws(() => new ns.Client({ keyId: 'k', secret: 'c2VjcmV0', baseUrl: 'localhost:8080' }), ns.ConfigurationError)
})
