'use strict'
// signing_profile.json sign_cases through RequestSigner, one test per id,
// mirroring check_sign in paycore/tests/vectors_signing.rs.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { RequestSigner, SigningError, PaycoreError } = require('..')
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
