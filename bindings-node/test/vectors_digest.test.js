'use strict'
// rfc9530_content_digest_vectors.json through contentDigest /
// checkContentDigest, one test per case (id: the case's index, as
// paycore/tests/vectors_signing.rs names them), mirroring rfc9530_case.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { contentDigest, checkContentDigest, ContentDigestError, PaycoreError } = require('..')
const { load } = require('./support/vectors.js')

load('rfc9530_content_digest_vectors.json').vectors.forEach((c, i) => {
  test(`rfc9530::${c.id ?? `rfc9530-${String(i).padStart(2, '0')}`}`, () => {
    const input = Buffer.from(c.input_bytes_hex, 'hex')
    assert.equal(contentDigest(input, c.alg), c.computed_field_member)
    const published = c.published_field_member
    if (c.matches === true) {
      assert.deepEqual(checkContentDigest(published, input), [c.alg])
      return
    }
    // The file's two misprints: `==` padding is malformed, a wrong hex dump a mismatch.
    assert.throws(
      () => checkContentDigest(published, input),
      (e) => {
        assert.ok(e instanceof ContentDigestError && e instanceof PaycoreError)
        if (e.code === 'malformed_header') assert.ok(published.includes('=='))
        else assert.deepEqual([e.code, e.algorithm], ['digest_mismatch', c.alg])
        return true
      },
    )
  })
})

test('contentDigest: bad alg is a TypeError', () => {
  assert.throws(() => contentDigest('x', 'md5'), TypeError)
  assert.throws(() => checkContentDigest(1, 'x'), TypeError)
  assert.throws(() => checkContentDigest('((((', 'x'), { code: 'malformed_header' })
})
