'use strict'
// signing_profile.json: sign_cases through RequestSigner and verify_cases
// through RequestVerifier, one test per id, mirroring check_sign and
// check_verify in paycore/tests/vectors_signing.rs.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { RequestSigner, RequestVerifier, SigningError, SignatureVerificationError, PaycoreError } = require('..')
const { load, bodyBytes } = require('./support/vectors.js')

const file = load('signing_profile.json')

function signer(keyName, keyId) {
  const k = file.keys[keyName]
  if (k.alg === 'hmac-sha256') return new RequestSigner({ keyId, alg: 'hmac-sha256', key: Buffer.from(k.secret_hex, 'hex') })
  return new RequestSigner({ keyId, alg: 'ed25519', key: Buffer.from(k.private_seed_hex, 'hex') })
}

for (const c of file.sign_cases) {
  test(`profile::sign::${c.id}`, () => {
    const s = signer(c.key, c.key_id)
    const run = () =>
      s.sign({
        method: c.method,
        url: c.url,
        headers: c.headers,
        body: bodyBytes(c),
        now: c.now_unix,
        nonce: Buffer.from(c.nonce_hex, 'hex'),
      })
    if (c.result === 'valid') {
      const out = run()
      const e = c.expected
      assert.equal(out.headers['Content-Digest'], e.content_digest === null ? undefined : e.content_digest)
      assert.equal(out.headers['Signature-Input'], e.signature_input)
      assert.equal(out.headers.Signature, e.signature)
      assert.equal(out.signatureBase, e.signature_base)
      const k = file.keys[c.key]
      if (k.alg === 'ed25519') assert.equal(s.publicKey().toString('hex'), k.public_hex)
    } else {
      assert.equal(c.result, 'invalid')
      assert.throws(run, (err) => {
        assert.ok(err instanceof SigningError, `${err}`)
        assert.ok(err instanceof PaycoreError)
        assert.equal(err.code, c.reason)
        return true
      })
    }
  })
}

function verifier(c) {
  const keys = []
  for (const [keyId, names] of Object.entries(c.key_ids)) {
    for (const name of names) {
      const k = file.keys[name]
      keys.push(
        k.alg === 'hmac-sha256'
          ? { keyId, alg: 'hmac-sha256', key: Buffer.from(k.secret_hex, 'hex') }
          : { keyId, alg: 'ed25519', key: Buffer.from(k.public_hex, 'hex') },
      )
    }
  }
  const p = c.policy || {}
  return new RequestVerifier({
    keys,
    windowSeconds: Number.isInteger(p.window_seconds) ? p.window_seconds : undefined,
    label: typeof p.label === 'string' ? p.label : undefined,
    nonceCapacity: 1000,
  })
}

/** One verification as the vectors record it. */
function verifyOnce(v, c, headers, now) {
  try {
    const r = v.verify({ method: c.method, url: c.url, headers, body: bodyBytes(c), now })
    return {
      result: 'valid',
      reason: null,
      signatureBase: r.signatureBase,
      expected: {
        key_id: r.keyId,
        key_index: r.keyIndex,
        alg: r.alg,
        created: r.created,
        nonce: r.nonce,
        nonce_expires_at: r.nonceExpiresAt,
        components: r.components,
      },
    }
  } catch (e) {
    if (!(e instanceof SignatureVerificationError)) throw e
    assert.ok(e instanceof PaycoreError)
    return { result: 'invalid', reason: e.code, signatureBase: e.signatureBase, expected: null }
  }
}

for (const c of file.verify_cases) {
  test(`profile::verify::${c.id}`, () => {
    const v = verifier(c)
    const got = verifyOnce(v, c, c.headers, c.now_unix)
    assert.deepEqual(got, {
      result: c.result,
      reason: typeof c.reason === 'string' ? c.reason : null,
      signatureBase: typeof c.signature_base === 'string' ? c.signature_base : null,
      expected: c.expected === undefined ? null : c.expected,
    })
    ;(c.attempts || []).forEach((a, i) => {
      const again = verifyOnce(v, c, a.headers === undefined ? c.headers : a.headers, a.now_unix)
      assert.deepEqual([again.result, again.reason], [a.result, typeof a.reason === 'string' ? a.reason : null], `attempt ${i}`)
    })
  })
}

test('a request signed by RequestSigner verifies with RequestVerifier, once', () => {
  const key = Buffer.from(file.keys['hmac-a'].secret_hex, 'hex')
  const req = { method: 'POST', url: 'https://api.example/v1/p', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}', now: 1700000000 }
  const signed = new RequestSigner({ keyId: 'k', key }).sign(req)
  const v = new RequestVerifier({ keys: [{ keyId: 'k', key }] })
  const received = { ...req, headers: { ...req.headers, ...signed.headers } }
  assert.equal(v.verify(received).signatureBase, signed.signatureBase)
  assert.throws(() => v.verify(received), (e) => e instanceof SignatureVerificationError && e.code === 'replayed')
})
