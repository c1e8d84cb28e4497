'use strict'
// rfc9421_vectors.json through signatureBase / verifySignatureBase /
// RequestSigner.signBase, one test per case id, mirroring rfc9421_case and
// rfc9421_digests in paycore/tests/vectors_signing.rs. RSA and ECDSA cases
// pin the base only (paycore implements neither algorithm).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { signatureBase, verifySignatureBase, RequestSigner, contentDigest, checkContentDigest } = require('..')
const { load } = require('./support/vectors.js')

const file = load('rfc9421_vectors.json')

/** A raw HTTP/1.1 message: start line, header lines, blank line, body. */
function parseHttp(text) {
  const i = text.indexOf('\n\n')
  const head = i < 0 ? text : text.slice(0, i)
  const body = i < 0 ? '' : text.slice(i + 2)
  const [start, ...lines] = head.split('\n')
  const headers = lines.map((l) => {
    const j = l.indexOf(':')
    assert.ok(j > 0, 'header line')
    return [l.slice(0, j), l.slice(j + 1).trim()]
  })
  return { start, headers, body: Buffer.from(body) }
}

function setHeader(headers, name, value) {
  return [...headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase()), [name, value]]
}

function rfcBase(text, input, fix = (h) => h) {
  const m = parseHttp(text)
  const headers = fix(m.headers, m.body)
  const [first, second] = m.start.split(' ')
  if (first.startsWith('HTTP/')) return signatureBase({ status: Number(second), headers }, input)
  // The RFC's requests are sent over https to the Host header's authority.
  const host = headers.find(([k]) => k.toLowerCase() === 'host')[1]
  return signatureBase({ method: first, url: `https://${host}${second}`, headers }, input)
}

function keys(keyid, alg) {
  const k = file.keys[keyid]
  if (alg === 'hmac-sha256') {
    const secret = Buffer.from(k.hex, 'hex')
    assert.equal(secret.length, k.length_bytes)
    assert.deepEqual(Buffer.from(k.base64, 'base64'), secret, 'hex and base64 forms agree')
    return { signer: new RequestSigner({ keyId: keyid, alg, key: secret }), verify: { alg, key: secret } }
  }
  if (alg === 'ed25519') {
    const seed = Buffer.from(crypto.createPrivateKey(k.private_pem).export({ format: 'jwk' }).d, 'base64url')
    const pub = Buffer.from(crypto.createPublicKey(k.public_pem).export({ format: 'jwk' }).x, 'base64url')
    return { signer: new RequestSigner({ keyId: keyid, alg, key: seed }), verify: { alg, key: pub } }
  }
  return null
}

function signatureMember(value) {
  const m = /^([a-z0-9_.*-]+)=:([A-Za-z0-9+/=]*):$/.exec(value)
  assert.ok(m, 'one Signature member')
  return { label: m[1], sig: Buffer.from(m[2], 'base64') }
}

for (const c of file.cases) {
  test(`rfc9421::${c.id}`, () => {
    const text = c.message === 'test-request' ? file.test_request : c.message === 'test-response' ? file.test_response : c.message
    const input = c.signature_input
    // Erratum: the test-response's printed Content-Digest is not its body's
    // digest; the printed base uses the correct one.
    const printedDigestWrong = c.message === 'test-response' && file.content_digest_check.test_response_content_digest_header_matches === false
    const base = rfcBase(text, input, (h, body) => (printedDigestWrong ? setHeader(h, 'Content-Digest', contentDigest(body, 'sha-512')) : h))
    assert.equal(base, c.signature_base)
    if (printedDigestWrong) {
      const asPrinted = rfcBase(text, input).split('\n')
      const differing = asPrinted.filter((l, i) => l !== c.signature_base.split('\n')[i])
      assert.equal(differing.length, 1)
      assert.ok(differing[0].startsWith('"content-digest"'))
    }
    const { label, sig } = signatureMember(c.signature)
    assert.ok(input.startsWith(`${label}=`), 'Signature and Signature-Input labels agree')
    const k = keys(c.keyid, c.alg)
    if (k === null) return
    assert.equal(verifySignatureBase(k.verify, base, sig), true, 'the RFC signature verifies')
    const tampered = Buffer.from(base)
    tampered[0] ^= 1
    assert.equal(verifySignatureBase(k.verify, tampered, sig), false, 'a tampered base is refused')
    if (c.deterministic === true) assert.deepEqual(k.signer.signBase(base), sig, 're-signing reproduces the RFC signature')
    for (const v of c.still_valid_variants || []) {
      const si = parseHttp(v).headers.find(([n]) => n === 'Signature-Input')[1]
      const vb = rfcBase(v, si)
      assert.ok(vb === c.signature_base && verifySignatureBase(k.verify, vb, sig), `still-valid variant fails:\n${v}`)
    }
    for (const v of c.invalid_variants || []) {
      const si = parseHttp(v).headers.find(([n]) => n === 'Signature-Input')[1]
      const vb = rfcBase(v, si)
      assert.ok(vb !== c.signature_base && !verifySignatureBase(k.verify, vb, sig), `invalid variant verifies:\n${v}`)
    }
  })
}

test('rfc9421::content_digest_check', () => {
  const c = file.content_digest_check
  const req = Buffer.from(c.test_request_body)
  assert.equal(contentDigest(req, 'sha-512'), `sha-512=:${c.test_request_sha512}:`)
  assert.equal(contentDigest(req, 'sha-256'), `sha-256=:${c.test_request_sha256}:`)
  assert.equal(contentDigest(Buffer.from(c.test_response_body), 'sha-512'), `sha-512=:${c.test_response_sha512}:`)
  for (const [msg, flag] of [['test_request', 'test_request_content_digest_header_matches'], ['test_response', 'test_response_content_digest_header_matches']]) {
    const m = parseHttp(file[msg])
    const value = m.headers.find(([k]) => k === 'Content-Digest')[1]
    let ok
    try {
      checkContentDigest(value, m.body)
      ok = true
    } catch (e) {
      assert.equal(e.code, 'digest_mismatch')
      ok = false
    }
    assert.equal(ok, c[flag], msg)
  }
})
