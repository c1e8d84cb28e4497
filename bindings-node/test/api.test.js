'use strict'
// Error classes, redaction, bad input (TypeError, never a crash), CJS import,
// header shapes and the npm/Cargo version check.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { inspect } = require('node:util')
const paycore = require('paycore')
const {
  Webhook,
  WebhookSigner,
  WebhookVerificationError,
  PaycoreError,
  SigningError,
  InvalidKeyError,
  IdempotencyKeyError,
  RequestSigner,
  signRequest,
  RetryConfig,
  decide,
  newIdempotencyKey,
  validateIdempotencyKey,
  parseRateLimit,
} = paycore

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const SECRET_B64 = SECRET.slice('whsec_'.length)
const BODY = Buffer.from('{"test": 2432232314}')
const TS = 1614265330

function signed(scheme = 'standard', secret = SECRET) {
  return new WebhookSigner(secret, { scheme }).sign(BODY, { msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: TS })
}

test('CommonJS: require("paycore") resolves to lib/paycore.js and exports the API', () => {
  assert.equal(require.resolve('paycore'), path.join(__dirname, '..', 'lib', 'paycore.js'))
  for (const name of ['Webhook', 'WebhookSigner', 'RequestSigner', 'signRequest', 'decide', 'RetryConfig', 'parseRateLimit', 'waitBeforeNext', 'newIdempotencyKey']) {
    assert.equal(typeof paycore[name], 'function', name)
  }
})

test('the npm version equals the Cargo workspace version and the addon reports it', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'))
  const cargo = fs.readFileSync(path.join(__dirname, '..', '..', 'Cargo.toml'), 'utf8')
  const section = cargo.slice(cargo.indexOf('[workspace.package]'))
  const m = /^version\s*=\s*"([^"]+)"/m.exec(section)
  assert.ok(m, 'workspace.package version')
  assert.equal(pkg.version, m[1])
  assert.equal(paycore.nativeVersion(), m[1])
})

test('verify returns the same Buffer; a string body verifies too', () => {
  const wh = new Webhook(SECRET)
  const h = signed()
  assert.equal(wh.verify(BODY, h, TS + 10), BODY)
  assert.deepEqual(wh.verify(BODY.toString(), h, TS), BODY)
  const u8 = new Uint8Array(BODY)
  assert.equal(wh.verify(u8, h, TS), u8)
  assert.deepEqual(wh.verifyDetails(BODY, h, TS), {
    scheme: 'standard',
    signatureHeader: 'webhook-signature',
    msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: TS,
  })
})

test('headers: Record (any case), fetch Headers, pairs, Node arrays, extra headers', () => {
  const wh = new Webhook(SECRET)
  const h = signed()
  const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]))
  assert.equal(wh.verify(BODY, { ...upper, 'content-type': 'application/json', host: 'x' }, TS), BODY)
  assert.equal(wh.verify(BODY, new Headers(h), TS), BODY)
  assert.equal(wh.verify(BODY, Object.entries(h), TS), BODY)
  assert.equal(wh.verify(BODY, { ...h, 'webhook-signature': [h['webhook-signature']] }, TS), BODY)
  // Svix-branded names.
  const svix = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace('webhook-', 'svix-'), v]))
  assert.equal(wh.verifyDetails(BODY, svix, TS).signatureHeader, 'svix-signature')
  assert.deepEqual(wh.headerNames.slice(0, 3), ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
})

test('the joined fast path and the general path agree: NUL in a value, empty values, both brands', () => {
  const wh = new Webhook(SECRET)
  const h = signed()
  const reason = (headers) => {
    try {
      wh.verify(BODY, headers, TS)
      return 'ok'
    } catch (e) {
      assert.ok(e instanceof WebhookVerificationError)
      return e.reason
    }
  }
  // A NUL inside a value cannot be joined: the general path decides, as it would for any bad id.
  assert.equal(reason({ ...h, 'webhook-id': `${h['webhook-id']}\0x` }), reason(Object.entries({ ...h, 'webhook-id': `${h['webhook-id']}\0x` })))
  assert.notEqual(reason({ ...h, 'webhook-id': `${h['webhook-id']}\0x` }), 'ok')
  // Present but empty is not absent-then-present-elsewhere: each part keeps its place.
  assert.equal(reason({ ...h, 'webhook-id': '' }), reason(Object.entries({ ...h, 'webhook-id': '' })))
  const { 'webhook-timestamp': _ts, ...noTimestamp } = h
  assert.equal(reason(noTimestamp), 'missing_header:webhook-timestamp')
  assert.equal(reason(noTimestamp), reason(Object.entries(noTimestamp)))
  // Both brands at once: the same outcome as through pairs.
  const both = { ...h, ...Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace('webhook-', 'svix-'), v])) }
  assert.equal(reason(both), reason(Object.entries(both)))
})

test('WebhookVerificationError: instanceof, code, reason (full), header, message', () => {
  const wh = new Webhook(SECRET)
  const h = signed()
  const cases = [
    [{}, 'missing_header', 'missing_header:webhook-id', 'webhook-id'],
    [{ ...h, 'webhook-timestamp': 'abc' }, 'invalid_timestamp', 'invalid_timestamp', undefined],
    [{ ...h, 'webhook-signature': 'v1,AAAA' }, 'no_matching_signature', 'no_matching_signature', undefined],
  ]
  for (const [headers, code, reason, header] of cases) {
    assert.throws(
      () => wh.verify(BODY, headers, TS),
      (e) => {
        assert.ok(e instanceof WebhookVerificationError)
        assert.ok(e instanceof PaycoreError)
        assert.ok(e instanceof Error)
        assert.equal(e.name, 'WebhookVerificationError')
        assert.equal(e.code, code)
        assert.equal(e.reason, reason)
        assert.equal(e.header, header)
        assert.ok(e.message.length > 0)
        assert.ok(!e.message.includes(SECRET_B64))
        return true
      },
    )
  }
  assert.throws(() => wh.verify(BODY, h, TS + 301), { code: 'timestamp_too_old' })
  assert.throws(() => wh.verify(BODY, h, TS - 301), { code: 'timestamp_too_new' })
  assert.equal(new Webhook(SECRET, { tolerance: 1000 }).verify(BODY, h, TS + 900), BODY)
  assert.equal(new Webhook(SECRET, { ignoreTimestamp: true }).verify(BODY, h, TS + 1e6), BODY)
})

test('constructEvent parses; bad JSON is invalid_json', () => {
  const wh = new Webhook(SECRET)
  assert.deepEqual(wh.constructEvent(BODY, signed(), TS), { test: 2432232314 })
  const notJson = Buffer.from('not json')
  const h = new WebhookSigner(SECRET).sign(notJson, { msgId: 'm', timestamp: TS })
  assert.throws(() => wh.constructEvent(notJson, h, TS), (e) => e instanceof WebhookVerificationError && e.reason === 'invalid_json')
})

test('building: bad secrets and schemes are WebhookVerificationError with the core code', () => {
  assert.throws(() => new Webhook([]), { code: 'no_secrets' })
  assert.throws(() => new Webhook('whsec_'), { code: 'empty_secret' })
  assert.throws(() => new Webhook('whxx_abc'), { code: 'invalid_secret_prefix' })
  assert.throws(() => new Webhook('s', { scheme: 'paypal' }), (e) => e instanceof WebhookVerificationError && e.code === 'unknown_scheme')
  assert.throws(() => new WebhookSigner(['a', 'b'], { scheme: 'github' }), { code: 'too_many_secrets' })
})

test('every scheme signs and verifies through the Node API; the clock is the default now', () => {
  for (const scheme of paycore.webhookSchemes()) {
    const secret = scheme === 'standard' ? SECRET : 'It\'s a Secret to Everybody'
    const wh = new Webhook(secret, { scheme })
    const h = wh.sign(BODY)
    assert.equal(wh.verify(BODY, h), BODY, scheme)
    assert.throws(() => wh.verify(Buffer.from('tampered'), h), { code: 'no_matching_signature' })
  }
})

test('secrets are redacted in inspect, toString, JSON and template strings', () => {
  const objects = [
    new Webhook(SECRET),
    new Webhook('stripe-secret-value', { scheme: 'stripe' }),
    new WebhookSigner(SECRET),
    new RequestSigner({ keyId: 'k1', key: 'hmac-secret-value-0123456789' }),
  ]
  for (const o of objects) {
    for (const text of [inspect(o), inspect(o, { showHidden: true, depth: 5 }), String(o), `${o}`, JSON.stringify(o)]) {
      assert.ok(!text.includes(SECRET_B64), text)
      assert.ok(!text.includes('stripe-secret-value'), text)
      assert.ok(!text.includes('hmac-secret-value'), text)
      assert.ok(text.includes('redacted'), text)
    }
  }
})

test('bad input is a TypeError, never a crash', () => {
  const wh = new Webhook(SECRET)
  const h = signed()
  const bad = [
    () => wh.verify(undefined, h),
    () => wh.verify(42, h),
    () => wh.verify(null, h),
    () => wh.verify(BODY, null),
    () => wh.verify(BODY, 'webhook-id: x'),
    () => wh.verify(BODY, { 'webhook-id': {} }),
    () => wh.verify(BODY, [['webhook-id']]),
    () => wh.verify(BODY, h, 'now'),
    () => wh.verify(BODY, h, 1.5),
    () => wh.verify(BODY, h, new Date('x')),
    () => new Webhook(42),
    () => new Webhook([SECRET, 1]),
    () => new Webhook(SECRET, 'standard'),
    () => new Webhook(SECRET, { scheme: 1 }),
    () => new Webhook(SECRET, { tolerance: '300' }),
    () => new Webhook(SECRET, { tolerance: -1 }),
    () => new Webhook(SECRET, { tolerance: NaN }),
    () => new Webhook(SECRET, { ignoreTimestamp: 'yes' }),
    () => new RequestSigner({ keyId: 1, key: 'x' }),
    () => new RequestSigner({ keyId: 'k', key: 1 }),
    () => new RequestSigner({ keyId: 'k', alg: 'rsa', key: 'x' }),
    () => signRequest({ keyId: 'k', key: 'secret', method: 1, url: 'https://a/' }),
    () => signRequest({ keyId: 'k', key: 'secret', method: 'GET', url: 'https://a/', nonce: 'n' }),
    () => new RetryConfig({ baseDelayMs: -5 }),
    () => new RetryConfig({ maxBackoffMs: Infinity }),
    () => new RetryConfig({ maxAttempts: 'three' }),
    () => decide(new RetryConfig(), { failure: { transport: 'nope' } }),
    () => decide(new RetryConfig(), { failure: {} }),
    () => decide(new RetryConfig(), { failure: { status: 500 }, random: 7 }),
    () => decide({}, { failure: { status: 500 } }),
    () => newIdempotencyKey(Buffer.alloc(3)),
    () => parseRateLimit(7),
  ]
  bad.forEach((f, i) => assert.throws(f, TypeError, `case ${i}`))
  // A parsed JSON body says what went wrong.
  assert.throws(() => wh.verify({ test: 1 }, h), /express\.json\(\)/)
})

test('signRequest: typed errors for keys and requests', () => {
  assert.throws(() => new RequestSigner({ keyId: 'k', key: '' }), (e) => e instanceof InvalidKeyError && e instanceof PaycoreError && e.code === 'empty_key')
  assert.throws(() => new RequestSigner({ keyId: 'k', alg: 'ed25519', key: Buffer.alloc(31) }), { code: 'invalid_key_length' })
  const s = new RequestSigner({ keyId: 'k', key: 'a-32-byte-secret-for-the-test!!!' })
  assert.throws(() => s.sign({ method: 'GET', url: '/relative' }), (e) => e instanceof SigningError && e.code === 'invalid_url')
  assert.throws(() => s.sign({ method: 'GET', url: 'https://a/', nonce: Buffer.alloc(8) }), { code: 'nonce_too_short' })
  const out = s.sign({ method: 'GET', url: 'https://api.example/v1/x?y=1', now: 1700000000 })
  assert.deepEqual(Object.keys(out.headers), ['Signature-Input', 'Signature'])
  assert.match(out.headers['Signature-Input'], /created=1700000000;nonce="[A-Za-z0-9_-]{22}"/)
  // Two signatures of the same request differ by their random nonce.
  assert.notEqual(s.sign({ method: 'GET', url: 'https://a/' }).headers.Signature, s.sign({ method: 'GET', url: 'https://a/' }).headers.Signature)
  const ed = new RequestSigner({ keyId: 'e', alg: 'ed25519', key: Buffer.alloc(32, 7) })
  assert.equal(ed.alg, 'ed25519')
  assert.equal(ed.publicKey().length, 32)
})

test('idempotency keys: minted UUID v4, validated', () => {
  const k = newIdempotencyKey()
  assert.match(k, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.notEqual(newIdempotencyKey(), k)
  assert.equal(newIdempotencyKey(Buffer.alloc(16)), '00000000-0000-4000-8000-000000000000')
  assert.equal(validateIdempotencyKey('order-42'), 'order-42')
  assert.throws(() => validateIdempotencyKey(''), (e) => e instanceof IdempotencyKeyError && e.code === 'idempotency_key_empty')
})

test('decide: a decline carries its action; unlimited budget reads null', () => {
  const c = new RetryConfig({ budget: null })
  assert.equal(c.newBudget().available, null)
  const d = decide(c, { failure: { status: 402, error: { type: 'card_error', code: 'card_declined', decline_code: 'expired_card' } }, idempotencyKey: true })
  assert.deepEqual(d, { retry: false, reason: 'user_action_required', action: 'update_card_details', serverDelayMs: null })
})

test('RequestVerifier: redacted, typed errors, bad input', () => {
  const { RequestVerifier, SignatureVerificationError } = paycore
  const v = new RequestVerifier({ keys: [{ keyId: 'k', key: 'verifier-secret-value-0123456789' }] })
  for (const text of [inspect(v), String(v), JSON.stringify(v)]) assert.ok(!text.includes('verifier-secret-value'), text)
  assert.throws(() => v.verify({ method: 'GET', url: 'https://a/' }), (e) => e instanceof SignatureVerificationError && e.code === 'missing_header' && e.signatureBase === null)
  assert.throws(() => new RequestVerifier({ keys: 'k' }), TypeError)
  assert.throws(() => new RequestVerifier({ keys: [{ keyId: 'k', alg: 'ed25519', key: Buffer.alloc(3) }] }), InvalidKeyError)
  assert.throws(() => new RequestVerifier({ keys: [], windowSeconds: -1 }), TypeError)
  assert.throws(() => v.verify({ method: 'GET' }), TypeError)
})
