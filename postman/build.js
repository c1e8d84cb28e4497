#!/usr/bin/env node
// Generates paycore.postman_collection.json (Postman collection v2.1) from the
// request definitions below, src/sign-request.js (the collection-level
// pre-request script) and examples.json (saved example responses, captured
// from a real run against paycore-server by `node build.js --capture REPORT`
// where REPORT is a newman JSON report). scripts/test-postman.sh regenerates
// the collection and fails if it differs from the committed one.
//
//   node build.js                    write paycore.postman_collection.json
//   node build.js --check            exit 1 if the committed file is stale
//   node build.js --capture r.json   refresh examples.json from a newman report
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const OUT = path.join(here, 'paycore.postman_collection.json');
const EXAMPLES = path.join(here, 'examples.json');

const lines = (s) => s.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
const json = (o) => JSON.stringify(o, null, 2);

// Test snippets shared by several requests.
const T = {
    status: (code) => `pm.test('status ${code}', () => pm.response.to.have.status(${code}));`,
    requestId: `pm.test('Request-Id header', () => pm.expect(pm.response.headers.get('Request-Id')).to.be.a('string').and.not.empty);`,
    rateLimit: `pm.test('rate-limit headers (IETF and X-RateLimit)', () => {
    for (const h of ['RateLimit-Policy', 'RateLimit', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']) {
        pm.expect(pm.response.headers.has(h), h).to.be.true;
    }
});`,
    object: (obj, prefix) => `const body = pm.response.json();
pm.test('a ${obj} object', () => {
    pm.expect(body.object).to.eql('${obj}');
    pm.expect(body.id).to.match(/^${prefix}_/);
});`,
    list: (obj, prefix) => `const body = pm.response.json();
pm.test('a list of ${obj} objects', () => {
    pm.expect(body.object).to.eql('list');
    pm.expect(body.has_more).to.be.a('boolean');
    pm.expect(body.data).to.be.an('array');
    body.data.forEach((o) => { pm.expect(o.object).to.eql('${obj}'); pm.expect(o.id).to.match(/^${prefix}_/); });
});`,
    error: (status, type, code) => `pm.test('status ${status}', () => pm.response.to.have.status(${status}));
const err = pm.response.json().error;
pm.test('error ${type} / ${code}', () => {
    pm.expect(err.type).to.eql('${type}');
    pm.expect(err.code).to.eql('${code}');
    pm.expect(err.request_id).to.eql(pm.response.headers.get('Request-Id'));
});`,
    decline: (code, decline) => `pm.test('status 402', () => pm.response.to.have.status(402));
const err = pm.response.json().error;
pm.test('card_error ${code} with decline_code ${decline}', () => {
    pm.expect(err.type).to.eql('card_error');
    pm.expect(err.code).to.eql('${code}');
    pm.expect(err.decline_code).to.eql('${decline}');
    pm.expect(err.payment_id).to.match(/^pay_/);
});`,
    notReplayed: `pm.test('a first request is not a replay', () => pm.expect(pm.response.headers.get('Idempotent-Replayed')).to.not.eql('true'));`,
};

const JSON_HEADER = { key: 'Content-Type', value: 'application/json' };

function req(name, method, urlPath, opts = {}) {
    return Object.assign({ name, method, path: urlPath }, opts);
}

// The requests, grouped by resource, in run order (later requests use the ids
// earlier ones saved in collection variables).
const folders = [
    {
        name: 'Health',
        description: 'Liveness of the server; unauthenticated.',
        items: [
            req('Health', 'GET', '/health', {
                description: 'Liveness: 200 `{"status":"ok"}` while the process serves requests.',
                test: `${T.status(200)}
pm.test('status ok', () => pm.expect(pm.response.json().status).to.eql('ok'));`,
            }),
        ],
    },
    {
        name: 'Payments',
        description: 'Create, confirm, capture, cancel, retrieve and list payments. Test cards produce real declines (see the docs\' test card table).',
        items: [
            req('Create a payment', 'POST', '/v1/payments', {
                description: 'An automatically captured payment with the test card that succeeds. The request\'s Idempotency-Key is saved for the replay below.',
                headers: [{ key: 'Idempotency-Key', value: 'pm_{{$guid}}' }],
                body: { amount: 2000, currency: 'eur', payment_method: '4242424242424242', description: 'Postman: a payment that succeeds', metadata: { order_id: '6735' } },
                test: `${T.status(200)}
${T.object('payment', 'pay')}
${T.requestId}
${T.rateLimit}
${T.notReplayed}
pm.test('succeeded, captured in full', () => {
    pm.expect(body.status).to.eql('succeeded');
    pm.expect(body.amount).to.eql(2000);
    pm.expect(body.currency).to.eql('EUR');
    pm.expect(body.amount_captured).to.eql(2000);
    pm.expect(body.amount_refunded).to.eql(0);
    pm.expect(body.metadata).to.eql({ order_id: '6735' });
});
pm.collectionVariables.set('payment_id', body.id);
pm.collectionVariables.set('payment_idempotency_key', pm.request.headers.get('Idempotency-Key'));`,
            }),
            req('Replay: the same request with the same Idempotency-Key', 'POST', '/v1/payments', {
                description: 'Sends the first request again with its Idempotency-Key: the stored response comes back with `Idempotent-Replayed: true` and nothing is charged twice.',
                headers: [{ key: 'Idempotency-Key', value: '{{payment_idempotency_key}}' }],
                body: { amount: 2000, currency: 'eur', payment_method: '4242424242424242', description: 'Postman: a payment that succeeds', metadata: { order_id: '6735' } },
                test: `${T.status(200)}
pm.test('Idempotent-Replayed: true', () => pm.expect(pm.response.headers.get('Idempotent-Replayed')).to.eql('true'));
pm.test('the same payment', () => pm.expect(pm.response.json().id).to.eql(pm.collectionVariables.get('payment_id')));`,
            }),
            req('Same Idempotency-Key, another request', 'POST', '/v1/payments', {
                description: 'The same key with a different body is refused (422 `idempotency_key_mismatch`).',
                headers: [{ key: 'Idempotency-Key', value: '{{payment_idempotency_key}}' }],
                body: { amount: 2500, currency: 'eur', payment_method: '4242424242424242' },
                test: T.error(422, 'idempotency_error', 'idempotency_key_mismatch'),
            }),
            req('Declined card (generic_decline)', 'POST', '/v1/payments', {
                description: 'Test card 4000000000000002: 402 `card_declined` with decline code `generic_decline`; the failed payment is `error.payment_id`.',
                body: { amount: 1500, currency: 'usd', payment_method: '4000000000000002' },
                test: T.decline('card_declined', 'generic_decline'),
            }),
            req('Declined card (insufficient_funds)', 'POST', '/v1/payments', {
                description: 'Test card 4000000000009995: 402 `card_declined`, decline code `insufficient_funds`.',
                body: { amount: 1500, currency: 'usd', payment_method: '4000000000009995' },
                test: T.decline('card_declined', 'insufficient_funds'),
            }),
            req('Invalid request (amount 0)', 'POST', '/v1/payments', {
                description: 'Bad input is a 400 `invalid_request_error` naming the parameter, and creates nothing.',
                body: { amount: 0, currency: 'eur', payment_method: '4242424242424242' },
                test: `pm.test('status 400', () => pm.response.to.have.status(400));
pm.test('invalid_request_error on amount', () => {
    const err = pm.response.json().error;
    pm.expect(err.type).to.eql('invalid_request_error');
    pm.expect(err.param).to.eql('amount');
});`,
            }),
            req('Create a payment (manual capture)', 'POST', '/v1/payments', {
                description: 'With `capture_method: manual` the payment is authorized and waits in `requires_capture`.',
                body: { amount: 5000, currency: 'gbp', payment_method: '4242424242424242', capture_method: 'manual' },
                test: `${T.status(200)}
${T.object('payment', 'pay')}
pm.test('requires_capture', () => {
    pm.expect(body.status).to.eql('requires_capture');
    pm.expect(body.amount_captured).to.eql(0);
});
pm.collectionVariables.set('manual_payment_id', body.id);`,
            }),
            req('Capture a payment (partial)', 'POST', '/v1/payments/{{manual_payment_id}}/capture', {
                description: 'Captures 4000 of the 5000 authorized.',
                body: { amount_to_capture: 4000 },
                test: `${T.status(200)}
${T.object('payment', 'pay')}
pm.test('succeeded with 4000 captured', () => {
    pm.expect(body.id).to.eql(pm.collectionVariables.get('manual_payment_id'));
    pm.expect(body.status).to.eql('succeeded');
    pm.expect(body.amount_captured).to.eql(4000);
});`,
            }),
            req('Capture again (invalid state)', 'POST', '/v1/payments/{{manual_payment_id}}/capture', {
                description: 'A succeeded payment cannot be captured again: 409 `payment_invalid_state`, `Should-Retry: false`.',
                body: {},
                test: `${T.error(409, 'invalid_request_error', 'payment_invalid_state')}
pm.test('Should-Retry: false', () => pm.expect(pm.response.headers.get('Should-Retry')).to.eql('false'));`,
            }),
            req('Create a payment that requires action', 'POST', '/v1/payments', {
                description: 'Test card 4000002500003155 stays in `requires_action` until confirmed.',
                body: { amount: 3000, currency: 'usd', payment_method: '4000002500003155' },
                test: `${T.status(200)}
${T.object('payment', 'pay')}
pm.test('requires_action', () => pm.expect(body.status).to.eql('requires_action'));
pm.collectionVariables.set('action_payment_id', body.id);`,
            }),
            req('Confirm a payment', 'POST', '/v1/payments/{{action_payment_id}}/confirm', {
                description: 'Confirms a `requires_action` payment (automatic capture: it succeeds).',
                body: {},
                test: `${T.status(200)}
${T.object('payment', 'pay')}
pm.test('succeeded', () => pm.expect(body.status).to.eql('succeeded'));`,
            }),
            req('Create a payment to cancel', 'POST', '/v1/payments', {
                body: { amount: 700, currency: 'jpy', payment_method: '4242424242424242', capture_method: 'manual' },
                test: `${T.status(200)}
${T.object('payment', 'pay')}
pm.test('requires_capture, JPY has no minor unit', () => {
    pm.expect(body.status).to.eql('requires_capture');
    pm.expect(body.currency_exponent).to.eql(0);
});
pm.collectionVariables.set('cancel_payment_id', body.id);`,
            }),
            req('Cancel a payment', 'POST', '/v1/payments/{{cancel_payment_id}}/cancel', {
                description: 'Cancels an uncaptured payment.',
                body: { cancellation_reason: 'requested_by_customer' },
                test: `${T.status(200)}
${T.object('payment', 'pay')}
pm.test('canceled', () => pm.expect(body.status).to.eql('canceled'));`,
            }),
            req('Retrieve a payment', 'GET', '/v1/payments/{{payment_id}}', {
                test: `${T.status(200)}
${T.object('payment', 'pay')}
${T.rateLimit}
pm.test('the payment created first', () => {
    pm.expect(body.id).to.eql(pm.collectionVariables.get('payment_id'));
    pm.expect(body.status).to.eql('succeeded');
});`,
            }),
            req('Retrieve an unknown payment', 'GET', '/v1/payments/pay_doesnotexist', {
                test: T.error(404, 'invalid_request_error', 'resource_missing'),
            }),
            req('List payments', 'GET', '/v1/payments', {
                description: 'Newest first; cursor pagination with `limit`, `starting_after`, `ending_before`, and filters (`status`, `created[gte]`, ...).',
                query: [{ key: 'limit', value: '2' }, { key: 'status', value: 'succeeded' }],
                test: `${T.status(200)}
${T.list('payment', 'pay')}
pm.test('at most 2, all succeeded, more to fetch', () => {
    pm.expect(body.data.length).to.eql(2);
    body.data.forEach((p) => pm.expect(p.status).to.eql('succeeded'));
    pm.expect(body.has_more).to.be.true;
});`,
            }),
        ],
    },
    {
        name: 'Refunds',
        description: 'Refund a succeeded payment, fully or partially; the sum of refunds never exceeds the captured amount.',
        items: [
            req('Create a refund (partial)', 'POST', '/v1/refunds', {
                body: { payment: '{{payment_id}}', amount: 500, reason: 'requested_by_customer' },
                test: `${T.status(200)}
${T.object('refund', 're')}
pm.test('500 of the payment', () => {
    pm.expect(body.payment).to.eql(pm.collectionVariables.get('payment_id'));
    pm.expect(body.amount).to.eql(500);
    pm.expect(body.status).to.eql('succeeded');
});
pm.collectionVariables.set('refund_id', body.id);`,
            }),
            req('Refund more than is left', 'POST', '/v1/refunds', {
                description: 'Refunding more than the captured amount minus earlier refunds is refused and changes nothing.',
                body: { payment: '{{payment_id}}', amount: 1600 },
                test: `pm.test('status 400', () => pm.response.to.have.status(400));
pm.test('invalid_request_error on amount', () => {
    const err = pm.response.json().error;
    pm.expect(err.type).to.eql('invalid_request_error');
    pm.expect(err.param).to.eql('amount');
});`,
            }),
            req('Retrieve a refund', 'GET', '/v1/refunds/{{refund_id}}', {
                test: `${T.status(200)}
${T.object('refund', 're')}
pm.test('the refund created above', () => pm.expect(body.id).to.eql(pm.collectionVariables.get('refund_id')));`,
            }),
            req('List refunds of a payment', 'GET', '/v1/refunds', {
                query: [{ key: 'payment', value: '{{payment_id}}' }],
                test: `${T.status(200)}
${T.list('refund', 're')}
pm.test('one refund of that payment', () => {
    pm.expect(body.data.length).to.eql(1);
    pm.expect(body.data[0].payment).to.eql(pm.collectionVariables.get('payment_id'));
});`,
            }),
        ],
    },
    {
        name: 'Events',
        description: 'The audit trail: one event per state change, newest first.',
        items: [
            req('List events', 'GET', '/v1/events', {
                query: [{ key: 'type', value: 'payment.succeeded' }, { key: 'limit', value: '10' }],
                test: `${T.status(200)}
${T.list('event', 'evt')}
pm.test('payment.succeeded events carrying the payment', () => {
    pm.expect(body.data.length).to.be.above(0);
    body.data.forEach((e) => {
        pm.expect(e.type).to.eql('payment.succeeded');
        pm.expect(e.data.object.object).to.eql('payment');
    });
});
pm.collectionVariables.set('event_id', body.data[0].id);`,
            }),
            req('Retrieve an event', 'GET', '/v1/events/{{event_id}}', {
                test: `${T.status(200)}
${T.object('event', 'evt')}
pm.test('the listed event', () => pm.expect(body.id).to.eql(pm.collectionVariables.get('event_id')));`,
            }),
        ],
    },
    {
        name: 'Authentication',
        description: 'What the server answers to a request the collection script did not sign, or whose body changed after signing.',
        items: [
            req('Unsigned request', 'GET', '/v1/payments', {
                description: 'The request script removes the signature headers after the collection script added them: 401 `missing_header`.',
                prerequest: `pm.request.headers.remove('Signature');
pm.request.headers.remove('Signature-Input');`,
                test: T.error(401, 'authentication_error', 'missing_header'),
            }),
            req('Body changed after signing', 'POST', '/v1/payments', {
                description: 'The request script changes the amount after signing: the server recomputes the digest over the raw body and refuses (401 `digest_mismatch`).',
                body: { amount: 1000, currency: 'eur', payment_method: '4242424242424242' },
                prerequest: `pm.request.body.update(pm.request.body.raw.replace('1000', '9000'));`,
                test: T.error(401, 'authentication_error', 'digest_mismatch'),
            }),
        ],
    },
    {
        name: 'Webhooks & usage',
        description: 'Webhook endpoints, delivery attempts, redelivery, monthly usage, readiness and metrics.',
        items: [
            req('Create a webhook endpoint', 'POST', '/v1/webhook_endpoints', {
                body: { url: 'https://example.com/hooks', enabled_events: ['payment.succeeded', 'refund.created'], description: 'Postman' },
                test: `${T.status(200)}
${T.object('webhook_endpoint', 'we')}
pm.test('enabled, v1, with its secret (shown on create only)', () => {
    pm.expect(body.status).to.eql('enabled');
    pm.expect(body.signature_algorithm).to.eql('v1');
    pm.expect(body.secret).to.match(/^whsec_/);
    pm.expect(body.public_key).to.eql(null);
});
pm.collectionVariables.set('webhook_endpoint_id', body.id);`,
            }),
            req('Create a webhook endpoint (ed25519, v1a)', 'POST', '/v1/webhook_endpoints', {
                body: { url: 'https://example.com/hooks-ed', enabled_events: ['*'], signature_algorithm: 'v1a' },
                test: `${T.status(200)}
${T.object('webhook_endpoint', 'we')}
pm.test('v1a with its public key', () => {
    pm.expect(body.signature_algorithm).to.eql('v1a');
    pm.expect(body.public_key).to.match(/^whpk_/);
});
pm.collectionVariables.set('webhook_endpoint_v1a_id', body.id);`,
            }),
            req('List webhook endpoints', 'GET', '/v1/webhook_endpoints', {
                test: `${T.status(200)}
${T.list('webhook_endpoint', 'we')}
pm.test('no secret in a list', () => body.data.forEach((e) => pm.expect(e).to.not.have.property('secret')));`,
            }),
            req('Retrieve a webhook endpoint', 'GET', '/v1/webhook_endpoints/{{webhook_endpoint_id}}', {
                test: `${T.status(200)}
${T.object('webhook_endpoint', 'we')}
pm.test('the endpoint, without its secret', () => {
    pm.expect(body.id).to.eql(pm.collectionVariables.get('webhook_endpoint_id'));
    pm.expect(body).to.not.have.property('secret');
});`,
            }),
            req('Disable a webhook endpoint', 'POST', '/v1/webhook_endpoints/{{webhook_endpoint_id}}', {
                body: { enabled: false },
                test: `${T.status(200)}
${T.object('webhook_endpoint', 'we')}
pm.test('disabled manually', () => {
    pm.expect(body.status).to.eql('disabled');
    pm.expect(body.disabled_reason).to.eql('manual');
});`,
            }),
            req('Rotate a webhook endpoint\'s secret', 'POST', '/v1/webhook_endpoints/{{webhook_endpoint_id}}/rotate_secret', {
                body: { expires_in: 3600 },
                test: `${T.status(200)}
${T.object('webhook_endpoint', 'we')}
pm.test('a new secret; the old one signs for another hour', () => {
    pm.expect(body.secret).to.match(/^whsec_/);
    pm.expect(body.previous_secret_expires).to.be.a('number');
});`,
            }),
            req('Delete a webhook endpoint', 'DELETE', '/v1/webhook_endpoints/{{webhook_endpoint_v1a_id}}', {
                test: `${T.status(200)}
pm.test('deleted', () => {
    const body = pm.response.json();
    pm.expect(body.id).to.eql(pm.collectionVariables.get('webhook_endpoint_v1a_id'));
    pm.expect(body.deleted).to.be.true;
});`,
            }),
            req('Delete it again', 'DELETE', '/v1/webhook_endpoints/{{webhook_endpoint_v1a_id}}', {
                test: T.error(404, 'invalid_request_error', 'resource_missing'),
            }),
            req('List an event\'s delivery attempts', 'GET', '/v1/events/{{event_id}}/attempts', {
                test: `${T.status(200)}
${T.list('webhook_attempt', 'wa')}`,
            }),
            req('Redeliver an event', 'POST', '/v1/events/{{event_id}}/redeliver', {
                body: {},
                test: `${T.status(200)}
pm.test('a redelivery of the event', () => {
    const body = pm.response.json();
    pm.expect(body.object).to.eql('redelivery');
    pm.expect(body.event).to.eql(pm.collectionVariables.get('event_id'));
    pm.expect(body.endpoints).to.be.an('array');
});`,
            }),
            req('Usage this month', 'GET', '/v1/usage', {
                test: `${T.status(200)}
pm.test('a usage object of the scale plan', () => {
    const body = pm.response.json();
    pm.expect(body.object).to.eql('usage');
    pm.expect(body.month).to.match(/^\\d{4}-\\d{2}$/);
    pm.expect(body.volume).to.be.at.least(2000);
    pm.expect(body.limit).to.be.a('number');
    pm.expect(body.plan).to.eql('scale');
    pm.expect(body.thresholds_reached).to.be.an('array');
});`,
            }),
            req('Readiness', 'GET', '/health/ready', {
                test: `${T.status(200)}`,
            }),
            req('Metrics (Prometheus)', 'GET', '/metrics', {
                test: `${T.status(200)}
pm.test('Prometheus text format', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('text/plain'));`,
            }),
        ],
    },
];

function toItem(r, examples) {
    const raw = r.body === undefined ? undefined : json(r.body);
    const headers = [];
    if (raw !== undefined) headers.push(Object.assign({}, JSON_HEADER));
    for (const h of r.headers || []) headers.push(h);
    const url = {
        raw: '{{base_url}}' + r.path + (r.query ? '?' + r.query.map((q) => q.key + '=' + q.value).join('&') : ''),
        host: ['{{base_url}}'],
        path: r.path.replace(/^\//, '').split('/'),
    };
    if (r.query) url.query = r.query;
    const request = { method: r.method, header: headers, url };
    if (r.description) request.description = r.description;
    if (raw !== undefined) request.body = { mode: 'raw', raw, options: { raw: { language: 'json' } } };
    const events = [];
    if (r.prerequest) events.push({ listen: 'prerequest', script: { type: 'text/javascript', exec: lines(r.prerequest) } });
    events.push({ listen: 'test', script: { type: 'text/javascript', exec: lines(r.test) } });
    const item = { name: r.name, event: events, request };
    const ex = examples[r.name];
    item.response = ex ? [{
        name: ex.name || r.name,
        originalRequest: request,
        status: ex.status,
        code: ex.code,
        _postman_previewlanguage: 'json',
        header: ex.header,
        body: ex.body,
    }] : [];
    return item;
}

function build() {
    const examples = fs.existsSync(EXAMPLES) ? JSON.parse(fs.readFileSync(EXAMPLES, 'utf8')) : {};
    const script = fs.readFileSync(path.join(here, 'src', 'sign-request.js'), 'utf8').replace(/\n$/, '');
    const collection = {
        info: {
            name: 'paycore reference API',
            description: 'Every endpoint of paycore-server, grouped by resource, with tests. The collection-level pre-request script signs each request with the paycore-v1 RFC 9421 profile (Content-Digest, Signature-Input, Signature) and adds an Idempotency-Key to every POST. Set base_url, key_id and secret in the environment (paycore.postman_environment.json); `paycore-server keys create --merchant NAME --plan scale` prints a key. Run in order: later requests use ids that earlier ones saved.',
            schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
        },
        event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: script.split('\n') } }],
        item: folders.map((f) => ({ name: f.name, description: f.description, item: f.items.map((r) => toItem(r, examples)) })),
    };
    return json(collection) + '\n';
}

// Saved examples from a newman JSON report: the first response of each request.
function capture(reportPath) {
    const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
    const examples = fs.existsSync(EXAMPLES) ? JSON.parse(fs.readFileSync(EXAMPLES, 'utf8')) : {};
    const keep = new Set(['content-type', 'request-id', 'idempotent-replayed', 'should-retry', 'ratelimit-policy', 'ratelimit', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after']);
    for (const e of report.run.executions) {
        if (!e.response || !e.item) continue;
        const body = Buffer.from(e.response.stream.data).toString('utf8');
        let pretty = body;
        try { pretty = json(JSON.parse(body)); } catch (_) { /* not JSON */ }
        examples[e.item.name] = {
            status: e.response.status,
            code: e.response.code,
            header: e.response.header.filter((h) => keep.has(h.key.toLowerCase())).map((h) => ({ key: h.key, value: h.value })),
            body: pretty,
        };
    }
    fs.writeFileSync(EXAMPLES, json(examples) + '\n');
}

const args = process.argv.slice(2);
if (args[0] === '--capture') {
    capture(args[1]);
    fs.writeFileSync(OUT, build());
} else if (args[0] === '--check') {
    if (!fs.existsSync(OUT) || fs.readFileSync(OUT, 'utf8') !== build()) {
        console.error('postman/paycore.postman_collection.json is stale: run `node postman/build.js` and commit it');
        process.exit(1);
    }
} else {
    fs.writeFileSync(OUT, build());
}
