'use strict'
// The error kinds the reference server cannot produce (it never answers 403,
// and never sends a 200 that is not JSON), from a local Node HTTP server
// standing in for it: PermissionError and DecodeError with their metadata.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { Client, PermissionError, DecodeError, ApiError, PaycoreApiError } = require('..')

let server
let url
const seen = []

before(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers })
    if (req.url.startsWith('/v1/payments/pay_forbidden')) {
      res.writeHead(403, { 'content-type': 'application/json', 'request-id': 'req_forbidden' })
      res.end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'key_not_allowed', message: 'This key may not read payments.' } }))
    } else if (req.url.startsWith('/v1/payments/pay_garbled')) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_garbled' })
      res.end('{"id": "pay_garbled", "object": "payment"')
    } else {
      res.writeHead(502, { 'content-type': 'text/plain', 'request-id': 'req_bad_gateway' })
      res.end('bad gateway')
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${server.address().port}`
})

after(() => new Promise((resolve) => server.close(resolve)))

function client(extra = {}) {
  return new Client({ keyId: 'key_test_fake', secret: Buffer.alloc(32, 5), baseUrl: url, ...extra })
}

test('403: PermissionError with the server code and request id', async () => {
  await assert.rejects(client().payments.retrieve('pay_forbidden'), (e) => {
    assert.ok(e instanceof PermissionError && e instanceof PaycoreApiError)
    assert.equal(e.kind, 'permission')
    assert.equal(e.code, 'key_not_allowed')
    assert.equal(e.statusCode, 403)
    assert.equal(e.requestId, 'req_forbidden')
    assert.equal(e.attempts, 1)
    return true
  })
  const last = seen[seen.length - 1]
  assert.match(last.headers.signature, /^sig1=:/)
  assert.match(last.headers['signature-input'], /keyid="key_test_fake"/)
})

test('a 200 that is not the expected JSON: DecodeError', async () => {
  await assert.rejects(client().payments.retrieve('pay_garbled'), (e) => {
    assert.ok(e instanceof DecodeError)
    assert.equal(e.kind, 'decode')
    assert.equal(e.requestId, 'req_garbled')
    assert.equal(e.stage, 'response')
    return true
  })
})

test('502 without an error body, retried then ApiError with code unknown', async () => {
  const before = seen.length
  await assert.rejects(client({ maxRetries: 1 }).payments.retrieve('pay_other'), (e) => {
    assert.ok(e instanceof ApiError)
    assert.equal(e.statusCode, 502)
    assert.equal(e.code, 'unknown')
    assert.equal(e.attempts, 2)
    assert.equal(e.requestId, 'req_bad_gateway')
    return true
  })
  assert.equal(seen.length - before, 2)
})
