'use strict'
// The HTTP client against the real reference server (test/support/server.js):
// every resource, auto-pagination, every error class the server can produce,
// retries through the fault triggers, concurrent calls, webhook endpoints,
// event attempts / redelivery and usage.
const { test, before, after, describe } = require('node:test')
const assert = require('node:assert/strict')
const { inspect } = require('node:util')
const paycore = require('..')
const native = require('../index.js')
const { startServer } = require('./support/server.js')

const {
  Client,
  PaycoreError,
  PaycoreApiError,
  CardError,
  InvalidRequestError,
  AuthenticationError,
  NotFoundError,
  ConflictError,
  IdempotencyError,
  RateLimitError,
  ApiError,
  TimeoutError,
  ConnectionError,
  OutcomeUnknownError,
  ConfigurationError,
} = paycore

const OK = '4242424242424242'

let server
let client

before(async () => {
  server = await startServer()
  client = new Client({ keyId: server.keyId, secret: server.secret, baseUrl: server.url })
})

after(async () => {
  if (server) await server.stop()
})

/** A client of a fresh merchant on the same server (exact list counts). */
function freshClient(name, options = {}) {
  const k = server.newKey(name, options.plan)
  return new Client({ keyId: k.keyId, secret: k.secret, baseUrl: server.url, ...options.client })
}

function assertApiError(e, Cls, kind) {
  assert.ok(e instanceof Cls, `${e && e.constructor && e.constructor.name}: ${e && e.message}`)
  assert.ok(e instanceof PaycoreApiError)
  assert.ok(e instanceof PaycoreError)
  assert.ok(e instanceof Error)
  assert.equal(e.kind, kind)
  assert.equal(e.name, Cls.name)
  return true
}

describe('payments', () => {
  test('create returns a typed payment with camelCase fields and the response metadata', async () => {
    const p = await client.payments.create({
      amount: 1234,
      currency: 'usd',
      paymentMethod: OK,
      description: 'node create',
      customerEmail: 'a@example.com',
      metadata: { order: '42' },
    })
    assert.match(p.id, /^pay_/)
    assert.equal(p.object, 'payment')
    assert.equal(p.amount, 1234)
    assert.equal(p.currency, 'USD')
    assert.equal(p.status, 'succeeded')
    assert.equal(p.captureMethod, 'automatic')
    assert.equal(p.amountCaptured, 1234)
    assert.equal(p.amountRefunded, 0)
    assert.equal(p.refunded, false)
    assert.equal(p.paymentMethod.type, 'card')
    assert.equal(p.paymentMethod.card.last4, '4242')
    assert.equal(p.customerEmail, 'a@example.com')
    assert.deepEqual(p.metadata, { order: '42' })
    assert.equal(typeof p.created, 'number')
    assert.equal(p.livemode, false)
    assert.equal(p.amount_captured, undefined)
    assert.match(p.lastResponse.requestId, /\S/)
    assert.equal(p.lastResponse.attempts, 1)
    assert.match(p.lastResponse.idempotencyKey, /\S/)
    assert.equal(p.lastResponse.replayed, false)
    assert.equal(p.lastResponse.statusCode, 200)
    assert.ok(!Object.keys(p).includes('lastResponse'), 'lastResponse is not enumerable')

    const again = await client.payments.retrieve(p.id)
    assert.deepEqual({ ...again }, { ...p })
    assert.equal(again.lastResponse.idempotencyKey, null)
  })

  test('manual capture (partial), cancel, confirm', async () => {
    const m = await client.payments.create({ amount: 5000, currency: 'eur', paymentMethod: OK, captureMethod: 'manual' })
    assert.equal(m.status, 'requires_capture')
    assert.equal(m.amountCapturable, 5000)
    const captured = await client.payments.capture(m.id, { amountToCapture: 3000 })
    assert.equal(captured.status, 'succeeded')
    assert.equal(captured.amountCaptured, 3000)

    const c = await client.payments.create({ amount: 700, currency: 'eur', paymentMethod: OK, captureMethod: 'manual' })
    const canceled = await client.payments.cancel(c.id, { cancellationReason: 'requested_by_customer' })
    assert.equal(canceled.status, 'canceled')
    assert.equal(canceled.cancellationReason, 'requested_by_customer')

    const a = await client.payments.create({ amount: 900, currency: 'usd', paymentMethod: '4000002500003155' })
    assert.equal(a.status, 'requires_action')
    const confirmed = await client.payments.confirm(a.id)
    assert.notEqual(confirmed.status, 'requires_action')
    assert.equal(confirmed.id, a.id)
  })

  test('a bad enum value or argument is a TypeError and sends nothing', async () => {
    await assert.rejects(
      client.payments.create({ amount: 1, currency: 'usd', paymentMethod: OK, captureMethod: 'later' }),
      (e) => e instanceof TypeError && /captureMethod/.test(e.message),
    )
    await assert.rejects(client.payments.create({ amount: 'ten', currency: 'usd', paymentMethod: OK }), TypeError)
    await assert.rejects(client.payments.create({ amount: 10.5, currency: 'usd', paymentMethod: OK }), /params.amount must be an integer/)
    assert.throws(() => client.payments.list({ limit: 2.5 }), TypeError)
    await assert.rejects(client.payments.create(), TypeError)
    await assert.rejects(client.payments.retrieve(42), TypeError)
    await assert.rejects(client.payments.list({ status: 'nope' }).page(), TypeError)
    await assert.rejects(client.payments.create({ amount: 1, currency: 'usd', paymentMethod: OK }, { timeoutMs: -1 }), TypeError)
  })
})

describe('refunds and events', () => {
  test('refunds: create (partial), retrieve, list filtered by payment', async () => {
    const p = await client.payments.create({ amount: 2000, currency: 'usd', paymentMethod: OK })
    const r = await client.refunds.create({ payment: p.id, amount: 500, reason: 'requested_by_customer', metadata: { why: 'test' } })
    assert.match(r.id, /^re_/)
    assert.equal(r.payment, p.id)
    assert.equal(r.amount, 500)
    assert.equal(r.reason, 'requested_by_customer')
    assert.deepEqual(r.metadata, { why: 'test' })
    const got = await client.refunds.retrieve(r.id)
    assert.equal(got.id, r.id)
    const page = await client.refunds.list({ payment: p.id })
    assert.deepEqual(
      page.data.map((x) => x.id),
      [r.id],
    )
    assert.equal(page.hasMore, false)
    const all = []
    for await (const x of client.refunds.list({ payment: p.id })) all.push(x.id)
    assert.deepEqual(all, [r.id])
    const after = await client.payments.retrieve(p.id)
    assert.equal(after.amountRefunded, 500)
  })

  test('events: list by type, retrieve', async () => {
    const c = freshClient('events')
    const p = await c.payments.create({ amount: 300, currency: 'usd', paymentMethod: OK })
    const page = await c.events.list({ type: 'payment.succeeded' })
    assert.ok(page.data.length >= 1)
    const ev = page.data.find((e) => e.data.object.id === p.id)
    assert.ok(ev, 'an event of the payment')
    assert.equal(ev.type, 'payment.succeeded')
    assert.match(ev.id, /^evt_/)
    const got = await c.events.retrieve(ev.id)
    assert.equal(got.id, ev.id)
    assert.equal(got.data.object.amount, 300)
    const every = await c.events.list().toArray()
    assert.ok(every.some((e) => e.id === ev.id))
  })
})

describe('pagination', () => {
  test('for await pages through more than 100 payments; await gives one page', async () => {
    const c = freshClient('pager')
    const ids = []
    for (let batch = 0; batch < 7; batch++) {
      const made = await Promise.all(
        Array.from({ length: 15 }, (_, i) => c.payments.create({ amount: 100 + batch * 15 + i, currency: 'usd', paymentMethod: OK })),
      )
      ids.push(...made.map((p) => p.id))
    }
    assert.equal(ids.length, 105)

    const seen = []
    for await (const p of c.payments.list({ limit: 20 })) seen.push(p)
    assert.equal(seen.length, 105)
    assert.deepEqual(new Set(seen.map((p) => p.id)), new Set(ids))
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].created >= seen[i].created, 'newest first')

    const first = await c.payments.list({ limit: 100 })
    assert.equal(first.object, 'list')
    assert.equal(first.data.length, 100)
    assert.equal(first.hasMore, true)
    assert.match(first.lastResponse.requestId, /\S/)
    const rest = await c.payments.list({ limit: 100, startingAfter: first.data[99].id }).page()
    assert.equal(rest.data.length, 5)
    assert.equal(rest.hasMore, false)

    const seven = await c.payments.list({ limit: 3 }).toArray({ limit: 7 })
    assert.equal(seven.length, 7)
    assert.deepEqual(
      seven.map((p) => p.id),
      seen.slice(0, 7).map((p) => p.id),
    )
    const succeeded = await c.payments.list({ status: 'succeeded', limit: 100 }).toArray()
    assert.equal(succeeded.length, 105)
  })

  test('an error while paging is thrown by the iterator', async () => {
    const bad = new Client({ keyId: server.keyId, secret: Buffer.alloc(32, 7), baseUrl: server.url, maxRetries: 0 })
    await assert.rejects(async () => {
      for await (const p of bad.payments.list()) assert.fail(`no item expected: ${p.id}`)
    }, AuthenticationError)
  })
})

describe('errors from real responses', () => {
  test('CardError: code, declineCode, action, paymentId, requestId, attempts, idempotencyKey', async () => {
    await assert.rejects(client.payments.create({ amount: 100, currency: 'usd', paymentMethod: '4000000000009995' }), (e) => {
      assertApiError(e, CardError, 'card_error')
      assert.equal(e.code, 'card_declined')
      assert.equal(e.declineCode, 'insufficient_funds')
      assert.equal(e.action, 'add_funds_or_use_another_card')
      assert.equal(e.statusCode, 402)
      assert.equal(e.attempts, 1)
      assert.match(e.requestId, /\S/)
      assert.match(e.idempotencyKey, /\S/)
      assert.equal(e.stage, 'response')
      return true
    })
    await assert.rejects(client.payments.create({ amount: 100, currency: 'usd', paymentMethod: '4000000000000069' }), (e) => {
      assertApiError(e, CardError, 'card_error')
      assert.equal(e.code, 'expired_card')
      assert.equal(e.action, 'update_card_details')
      return true
    })
    await assert.rejects(client.payments.create({ amount: 100, currency: 'usd', paymentMethod: '4000000000000002' }), (e) => {
      assertApiError(e, CardError, 'card_error')
      assert.equal(e.declineCode, 'generic_decline')
      assert.equal(typeof e.action, 'string')
      return true
    })
  })

  test('InvalidRequestError with param', async () => {
    await assert.rejects(client.payments.create({ amount: 0, currency: 'usd', paymentMethod: OK }), (e) => {
      assertApiError(e, InvalidRequestError, 'invalid_request')
      assert.equal(e.param, 'amount')
      assert.equal(e.statusCode, 400)
      assert.match(e.requestId, /\S/)
      return true
    })
  })

  test('NotFoundError with param', async () => {
    await assert.rejects(client.payments.retrieve('pay_doesnotexist'), (e) => {
      assertApiError(e, NotFoundError, 'not_found')
      assert.equal(e.code, 'resource_missing')
      assert.equal(e.param, 'id')
      assert.equal(e.statusCode, 404)
      assert.equal(e.idempotencyKey, null)
      return true
    })
  })

  test('AuthenticationError for a wrong secret', async () => {
    const bad = new Client({ keyId: server.keyId, secret: Buffer.alloc(32, 1), baseUrl: server.url })
    await assert.rejects(bad.payments.retrieve('pay_x'), (e) => {
      assertApiError(e, AuthenticationError, 'authentication')
      assert.equal(e.statusCode, 401)
      assert.match(e.requestId, /\S/)
      return true
    })
  })

  test('ConflictError: capturing a payment that is not capturable', async () => {
    const p = await client.payments.create({ amount: 100, currency: 'usd', paymentMethod: OK })
    await assert.rejects(client.payments.capture(p.id), (e) => {
      assertApiError(e, ConflictError, 'conflict')
      assert.equal(e.code, 'payment_invalid_state')
      assert.equal(e.statusCode, 409)
      return true
    })
  })

  test('IdempotencyError: one key, two different requests', async () => {
    const key = `node-idem-${Date.now()}`
    const p = await client.payments.create({ amount: 100, currency: 'usd', paymentMethod: OK }, { idempotencyKey: key })
    const replay = await client.payments.create({ amount: 100, currency: 'usd', paymentMethod: OK }, { idempotencyKey: key })
    assert.equal(replay.id, p.id)
    assert.equal(replay.lastResponse.replayed, true)
    assert.equal(replay.lastResponse.idempotencyKey, key)
    await assert.rejects(client.payments.create({ amount: 101, currency: 'usd', paymentMethod: OK }, { idempotencyKey: key }), (e) => {
      assertApiError(e, IdempotencyError, 'idempotency_mismatch')
      assert.equal(e.idempotencyKey, key)
      assert.equal(e.statusCode, 422)
      return true
    })
  })

  test('RateLimitError with retryAfter: the starter plan limit, no retries', async () => {
    const c = freshClient('limited', { plan: 'starter', client: { maxRetries: 0 } })
    let error
    for (let i = 0; i < 30 && !error; i++) {
      try {
        await c.payments.list({ limit: 1 })
      } catch (e) {
        error = e
      }
    }
    assertApiError(error, RateLimitError, 'rate_limited')
    assert.equal(error.statusCode, 429)
    assert.equal(typeof error.retryAfter, 'number')
    assert.ok(error.retryAfter > 0)
    assert.equal(error.attempts, 1)
  })

  test('ApiError after the retries allowed (500 on every attempt)', async () => {
    const c = new Client({ keyId: server.keyId, secret: server.secret, baseUrl: server.url, maxRetries: 1 })
    await assert.rejects(
      c.payments.create({ amount: 100, currency: 'usd', paymentMethod: OK }, { headers: { 'Paycore-Test-Fault': '500' } }),
      (e) => {
        assertApiError(e, ApiError, 'api_error')
        assert.equal(e.statusCode, 500)
        assert.equal(e.attempts, 2)
        assert.match(e.idempotencyKey, /\S/)
        return true
      },
    )
  })

  test('TimeoutError when the deadline passes', async () => {
    await assert.rejects(
      client.payments.create(
        { amount: 100, currency: 'usd', paymentMethod: OK },
        { deadlineMs: 300, headers: { 'Paycore-Test-Delay-Ms': '3000' } },
      ),
      (e) => {
        assertApiError(e, TimeoutError, 'timeout')
        assert.equal(e.maybeSent, true)
        assert.equal(e.stage, 'dispatch')
        assert.match(e.idempotencyKey, /\S/)
        return true
      },
    )
  })

  test('OutcomeUnknownError, then the same key creates exactly one payment', async () => {
    const c = freshClient('unknown', { client: { maxRetries: 0 } })
    let key
    await assert.rejects(
      c.payments.create({ amount: 4321, currency: 'usd', paymentMethod: OK }, { timeoutMs: 200, headers: { 'Paycore-Test-Delay-Ms': '1000' } }),
      (e) => {
        assertApiError(e, OutcomeUnknownError, 'outcome_unknown')
        assert.match(e.idempotencyKey, /\S/)
        assert.equal(e.stage, 'dispatch')
        key = e.idempotencyKey
        return true
      },
    )
    await new Promise((r) => setTimeout(r, 1200))
    const p = await c.payments.create({ amount: 4321, currency: 'usd', paymentMethod: OK }, { idempotencyKey: key })
    assert.equal(p.amount, 4321)
    const all = await c.payments.list().toArray()
    assert.deepEqual(
      all.map((x) => x.id),
      [p.id],
    )
  })

  test('ConnectionError when nothing listens', async () => {
    const net = require('node:net')
    const port = await new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address()
        s.close(() => resolve(port))
      })
    })
    const c = new Client({ keyId: server.keyId, secret: server.secret, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 })
    await assert.rejects(c.payments.retrieve('pay_x'), (e) => {
      assertApiError(e, ConnectionError, 'connection')
      assert.equal(e.maybeSent, false)
      assert.equal(e.requestId, null)
      return true
    })
  })

  test('ConfigurationError for a bad base URL or secret; TypeError for wrong option types', () => {
    assert.throws(
      () => new Client({ keyId: 'k', secret: server.secret, baseUrl: 'not a url' }),
      (e) => assertApiError(e, ConfigurationError, 'invalid_configuration') && e.stage === 'construction',
    )
    assert.throws(() => new Client({ keyId: 'k', secret: '!!! not base64' }), ConfigurationError)
    assert.throws(() => new Client({ keyId: 'k', secret: 42 }), TypeError)
    assert.throws(() => new Client({ secret: server.secret }), TypeError)
    assert.throws(() => new Client({ keyId: 'k', secret: server.secret, timeoutMs: 0 }), TypeError)
    assert.throws(() => new Client({ keyId: 'k', secret: server.secret, maxRetries: -1 }), TypeError)
  })

  test('every SDK error kind has a class', () => {
    const { KINDS } = require('../lib/errors.js')
    for (const kind of native.clientErrorKinds()) {
      assert.ok(KINDS[kind], `no class for ${kind}`)
      assert.ok(paycore[KINDS[kind].name] === KINDS[kind], `${KINDS[kind].name} is exported`)
    }
  })
})

describe('retries and concurrency', () => {
  test('503 twice (Paycore-Test-Fault-Times: 2), then success: exactly one payment', async () => {
    const c = freshClient('retries')
    const p = await c.payments.create(
      { amount: 777, currency: 'usd', paymentMethod: OK },
      { headers: { 'Paycore-Test-Fault': '503', 'Paycore-Test-Fault-Times': '2' } },
    )
    assert.equal(p.status, 'succeeded')
    assert.equal(p.lastResponse.attempts, 3)
    const all = await c.payments.list().toArray()
    assert.deepEqual(
      all.map((x) => x.id),
      [p.id],
    )
  })

  test('500 once with no retries allowed: ApiError after one attempt', async () => {
    const c = new Client({ keyId: server.keyId, secret: server.secret, baseUrl: server.url, maxRetries: 0 })
    assert.equal(c.maxRetries, 0)
    await assert.rejects(
      c.payments.create({ amount: 1, currency: 'usd', paymentMethod: OK }, { headers: { 'Paycore-Test-Fault': '500', 'Paycore-Test-Fault-Times': '1' } }),
      (e) => assertApiError(e, ApiError, 'api_error') && e.attempts === 1,
    )
  })

  test('Promise.all of 16 creates: 16 distinct payments', async () => {
    const c = freshClient('concurrent')
    const made = await Promise.all(
      Array.from({ length: 16 }, (_, i) => c.payments.create({ amount: 1000 + i, currency: 'usd', paymentMethod: OK })),
    )
    assert.equal(new Set(made.map((p) => p.id)).size, 16)
    assert.deepEqual(
      made.map((p) => p.amount),
      Array.from({ length: 16 }, (_, i) => 1000 + i),
    )
    const listed = await c.payments.list({ limit: 100 })
    assert.equal(listed.data.length, 16)
  })
})

describe('the client object', () => {
  test('inspect, toString and JSON never show the secret', () => {
    const shown = [
      inspect(client),
      inspect(client, { showHidden: true, depth: 10 }),
      String(client),
      JSON.stringify(client),
      inspect(client.payments, { showHidden: true }),
      inspect(Object.getOwnPropertyDescriptors(client), { depth: 5 }),
    ]
    for (const s of shown) {
      assert.ok(!s.includes(server.secret), s)
      assert.ok(!s.includes(Buffer.from(server.secret, 'base64').toString('hex')), s)
    }
    assert.match(String(client), /redacted/)
    assert.match(inspect(client), new RegExp(server.keyId))
    assert.equal(client.baseUrl, server.url)
    assert.equal(client.keyId, server.keyId)
    assert.equal(client.maxRetries, 2)
    assert.ok(client.retryBudgetAvailable > 0)
  })
})

// ---- webhook endpoints, event attempts / redelivery, usage ----

describe('webhook endpoints, attempts, redelivery, usage', () => {
  test('usage.retrieve', async (t) => {
    const u = await client.usage.retrieve()
    assert.equal(u.object, 'usage')
    assert.match(u.month, /^\d{4}-\d{2}$/)
    assert.equal(typeof u.percentage, 'number')
    assert.ok(Array.isArray(u.thresholdsReached))
    assert.equal(typeof u.overageAllowed, 'boolean')
  })

  test('webhookEndpoints: create, retrieve, update, list, rotateSecret, delete', async (t) => {
    const c = freshClient('endpoints')
    const we = await c.webhookEndpoints.create({ url: 'https://example.com/hooks', enabledEvents: ['payment.succeeded'], description: 'd' })
    assert.match(we.id, /^we_/)
    assert.match(we.secret, /^whsec_/)
    assert.equal(we.signatureAlgorithm, 'v1')
    assert.deepEqual(we.enabledEvents, ['payment.succeeded'])
    const got = await c.webhookEndpoints.retrieve(we.id)
    assert.equal(got.secret, undefined)
    const updated = await c.webhookEndpoints.update(we.id, { enabled: false })
    assert.equal(updated.status, 'disabled')
    assert.equal(updated.disabledReason, 'manual')
    const listed = await c.webhookEndpoints.list().toArray()
    assert.deepEqual(
      listed.map((x) => x.id),
      [we.id],
    )
    const rotated = await c.webhookEndpoints.rotateSecret(we.id, { expiresIn: 60 })
    assert.match(rotated.secret, /^whsec_/)
    assert.notEqual(rotated.secret, we.secret)
    assert.equal(typeof rotated.previousSecretExpires, 'number')
    const del = await c.webhookEndpoints.delete(we.id)
    assert.deepEqual({ ...del }, { id: we.id, object: 'webhook_endpoint', deleted: true })
    await assert.rejects(c.webhookEndpoints.retrieve(we.id), NotFoundError)
  })

  test('events: attempts and redeliver', async (t) => {
    const c = freshClient('redeliver')
    const we = await c.webhookEndpoints.create({ url: 'https://example.com/hooks', enabledEvents: ['*'] })
    await c.payments.create({ amount: 100, currency: 'usd', paymentMethod: OK })
    const ev = (await c.events.list({ type: 'payment.succeeded' })).data[0]
    const r = await c.events.redeliver(ev.id, { endpoint: we.id })
    assert.equal(r.object, 'redelivery')
    assert.equal(r.event, ev.id)
    assert.deepEqual(r.endpoints, [we.id])
    const page = await c.events.attempts(ev.id)
    assert.equal(page.object, 'list')
    for await (const a of c.events.attempts(ev.id)) {
      assert.equal(a.event, ev.id)
      assert.equal(a.endpoint, we.id)
    }
  })
})
