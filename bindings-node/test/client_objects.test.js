'use strict'
// The conversion of the API objects the server does not serve yet (webhook
// endpoints, delivery attempts, redeliveries, deletions, usage): the SDK
// decodes the JSON, the addon converts it as it converts a response.
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const native = require('../index.js')

describe('object conversion without the server (the issue-5 objects)', () => {
  test('webhook endpoint, attempt, redelivery, deleted, usage: camelCase and typed', () => {
    const we = native.decodeApiObject(
      'webhook_endpoint',
      JSON.stringify({
        id: 'we_1',
        object: 'webhook_endpoint',
        url: 'https://example.com/h',
        enabled_events: ['*'],
        description: null,
        status: 'disabled',
        disabled_reason: 'gone',
        signature_algorithm: 'v1a',
        public_key: 'whpk_abc',
        previous_secret_expires: 1764000000,
        created: 1,
      }),
    )
    assert.equal(we.enabledEvents[0], '*')
    assert.equal(we.status, 'disabled')
    assert.equal(we.disabledReason, 'gone')
    assert.equal(we.signatureAlgorithm, 'v1a')
    assert.equal(we.publicKey, 'whpk_abc')
    assert.equal(we.previousSecretExpires, 1764000000)
    assert.equal(we.secret, undefined)

    const a = native.decodeApiObject(
      'webhook_attempt',
      JSON.stringify({
        id: 'wa_1',
        object: 'webhook_attempt',
        event: 'evt_1',
        endpoint: 'we_1',
        webhook_id: 'msg_1',
        attempt: 2,
        created: 5,
        url: 'https://example.com/h',
        status_code: null,
        duration_ms: 12,
        response_body: null,
        error_kind: 'timeout',
        result: 'failed',
      }),
    )
    assert.equal(a.webhookId, 'msg_1')
    assert.equal(a.attempt, 2)
    assert.equal(a.statusCode, undefined)
    assert.equal(a.durationMs, 12)
    assert.equal(a.errorKind, 'timeout')
    assert.equal(a.result, 'failed')

    const r = native.decodeApiObject('redelivery', JSON.stringify({ object: 'redelivery', event: 'evt_1', endpoints: ['we_1'] }))
    assert.deepEqual({ ...r }, { object: 'redelivery', event: 'evt_1', endpoints: ['we_1'] })
    const d = native.decodeApiObject('deleted', JSON.stringify({ id: 'we_1', object: 'webhook_endpoint', deleted: true }))
    assert.equal(d.deleted, true)
    const u = native.decodeApiObject(
      'usage',
      JSON.stringify({
        object: 'usage',
        month: '2026-12',
        volume: 800,
        limit: 1000,
        percentage: 80.5,
        thresholds_reached: [80],
        projected_volume: 1600,
        overage_allowed: false,
        plan: 'sandbox',
      }),
    )
    assert.equal(u.percentage, 80.5)
    assert.deepEqual(u.thresholdsReached, [80])
    assert.equal(u.projectedVolume, 1600)
    assert.equal(u.overageAllowed, false)
    assert.throws(() => native.decodeApiObject('usage', '{"object":"usage"}'))
  })
})
