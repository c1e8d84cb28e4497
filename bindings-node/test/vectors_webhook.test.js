'use strict'
// Every webhook vector through the Node API, one test per id, mirroring
// paycore/tests/vectors_webhook.rs: `paycore_expected` replaces `expected`.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Webhook, WebhookSigner, WebhookVerificationError, PaycoreError } = require('..')
const { load, bodyBytes, headerPairs } = require('./support/vectors.js')

const FILES = [
  ['standard_webhooks_vectors.json', 'standard'],
  ['stripe_vectors.json', 'stripe'],
  ['other_schemes_vectors.json', ''],
  ['webhook_extra.json', ''],
]

function secrets(c) {
  if (Array.isArray(c.secrets)) return c.secrets
  assert.equal(typeof c.secret, 'string', 'secret')
  return [c.secret]
}

/** Runs `f`; a WebhookVerificationError becomes its reason, anything else fails. */
function outcome(f) {
  try {
    f()
    return null
  } catch (e) {
    if (!(e instanceof WebhookVerificationError)) throw e
    assert.ok(e instanceof PaycoreError)
    return e.reason
  }
}

function options(c, scheme) {
  const o = { scheme }
  if (Object.prototype.hasOwnProperty.call(c, 'tolerance_seconds')) {
    if (c.tolerance_seconds === null) o.ignoreTimestamp = true // "null = no tolerance check"
    else o.tolerance = c.tolerance_seconds
  }
  if (c.options && c.options.ignore_timestamp === true) o.ignoreTimestamp = true
  return o
}

function caseHeaders(c) {
  // stripe_vectors.json gives the Stripe-Signature value alone.
  if (typeof c.header === 'string') return [['Stripe-Signature', c.header]]
  return headerPairs(c.headers)
}

function get(pairs, name) {
  const p = pairs.find(([k]) => k.toLowerCase() === name.toLowerCase())
  return p === undefined ? undefined : p[1]
}

function verify(c, scheme, secretList) {
  const wh = new Webhook(secretList, options(c, scheme))
  const pairs = caseHeaders(c)
  const now = Number.isInteger(c.now) ? c.now : 0
  const body = bodyBytes(c)
  // Through every header shape the API takes: they must agree.
  const fromObject = outcome(() => wh.verify(body, Object.fromEntries(pairs), now))
  const fromPairs = outcome(() => wh.verify(body, pairs, now))
  assert.equal(fromPairs, fromObject, 'pairs and object headers disagree')
  if (fromObject === null) {
    const d = wh.verifyDetails(body, pairs, now)
    assert.equal(d.scheme, scheme === 'svix' ? 'standard' : scheme)
    assert.notEqual(get(pairs, d.signatureHeader), undefined, 'signatureHeader is among the headers')
    if (d.scheme === 'standard') {
      assert.equal(d.msgId, get(pairs, d.signatureHeader.replace('-signature', '-id')))
      assert.equal(d.timestamp, Number(get(pairs, d.signatureHeader.replace('-signature', '-timestamp'))))
    }
    // verify returns the very bytes given.
    assert.equal(wh.verify(body, pairs, now), body)
  }
  return fromObject
}

function checkOutcome(reason, expected) {
  if (expected.result === 'valid') {
    assert.equal(reason, null, `expected valid, got ${reason}`)
  } else {
    assert.equal(expected.result, 'invalid', `unknown result ${expected.result}`)
    assert.equal(reason, expected.reason)
  }
}

function checkStandardSignature(c, secretList, want) {
  const signer = new WebhookSigner(secretList, { scheme: 'standard' })
  const out = signer.sign(bodyBytes(c), { msgId: c.msg_id, timestamp: c.timestamp })
  assert.equal(out['webhook-signature'], want)
}

function signCase(c, scheme, secretList) {
  if (typeof c.expected_signature === 'string') return checkStandardSignature(c, secretList, c.expected_signature)
  const signer = new WebhookSigner(secretList, { scheme })
  const msgId = typeof c.msg_id === 'string' ? c.msg_id : ''
  const body = bodyBytes(c)
  if (typeof c.expected_header === 'string') {
    const m = /^t=([^,]*)/.exec(c.expected_header)
    const t = m ? Number(m[1]) : c.timestamp
    const out = signer.sign(body, { msgId, timestamp: t })
    assert.equal(out['Stripe-Signature'] ?? out['stripe-signature'], c.expected_header)
    return
  }
  assert.ok(c.expected_headers && typeof c.expected_headers === 'object', 'a sign case needs an expectation')
  const out = signer.sign(body, { msgId, timestamp: Number.isInteger(c.timestamp) ? c.timestamp : 0 })
  const lower = Object.fromEntries(Object.entries(out).map(([k, v]) => [k.toLowerCase(), v]))
  assert.equal(Object.keys(out).length, Object.keys(c.expected_headers).length)
  for (const [name, value] of Object.entries(c.expected_headers)) assert.equal(lower[name.toLowerCase()], value, name)
}

for (const [file, defaultScheme] of FILES) {
  const prefix = file.replace(/\.json$/, '')
  for (const c of load(file).vectors) {
    test(`${prefix}::${c.id}`, () => {
      const scheme = typeof c.scheme === 'string' ? c.scheme : defaultScheme
      const secretList = secrets(c)
      const expected = c.paycore_expected && typeof c.paycore_expected === 'object' ? c.paycore_expected : c.expected
      const kind = typeof c.kind === 'string' ? c.kind : 'verify'
      if (kind === 'sign') return signCase(c, scheme, secretList)
      if (kind === 'verify') {
        const reason = verify(c, scheme, secretList)
        if (typeof c.expected_signature === 'string') checkStandardSignature(c, secretList, c.expected_signature)
        return checkOutcome(reason, expected)
      }
      if (kind === 'construct') {
        const reason = outcome(() => {
          const wh = new Webhook(secretList, { scheme })
          if (c.headers && typeof c.headers === 'object') {
            const ev = wh.constructEvent(bodyBytes(c), caseHeaders(c), Number.isInteger(c.now) ? c.now : 0)
            assert.deepEqual(ev, JSON.parse(bodyBytes(c).toString('utf8')))
          }
        })
        return checkOutcome(reason, expected)
      }
      assert.fail(`unknown kind ${kind}`)
    })
  }
}
