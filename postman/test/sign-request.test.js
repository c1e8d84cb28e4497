// Runs the collection's pre-request signing script (src/sign-request.js, the
// text embedded in paycore.postman_collection.json) in a vm with crypto-js
// and a pm object built from postman-collection's own Request, and checks the
// headers and signature base it produces against vectors/signing_profile.json.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const CryptoJS = require('crypto-js');
const sdk = require('postman-collection');

const root = path.join(__dirname, '..');
const script = fs.readFileSync(path.join(root, 'src', 'sign-request.js'), 'utf8');
const vectors = JSON.parse(fs.readFileSync(path.join(root, '..', 'vectors', 'signing_profile.json'), 'utf8'));

// Runs the script once; `fixed` pins the clock and the random bytes.
function runScript({ method, url, headers, body, variables, fixed }) {
    const request = new sdk.Request({
        method,
        url,
        header: headers.map(([key, value]) => ({ key, value })),
        body: body === '' ? undefined : { mode: 'raw', raw: body },
    });
    const vars = Object.assign({}, variables);
    const pm = {
        request,
        variables: {
            get: (k) => vars[k],
            set: (k, v) => { vars[k] = v; },
            replaceIn: (s) => String(s).replace(/\{\{([^{}]+)\}\}/g, (all, k) => {
                if (k === '$guid') return 'guid-' + Math.random().toString(16).slice(2);
                return k in vars ? vars[k] : all;
            }),
        },
    };
    const crypto = Object.create(CryptoJS);
    const context = { pm, require: (name) => {
        if (name !== 'crypto-js') throw new Error('unexpected require ' + name);
        return crypto;
    }, Date, Math };
    const realRandom = CryptoJS.lib.WordArray.random;
    if (fixed) {
        context.Date = { now: () => fixed.created * 1000 };
        CryptoJS.lib.WordArray.random = () => CryptoJS.enc.Hex.parse(fixed.nonceHex);
    }
    try {
        vm.runInNewContext(script, context, { filename: 'sign-request.js' });
    } finally {
        CryptoJS.lib.WordArray.random = realRandom;
    }
    const sent = {};
    for (const h of request.headers.all()) {
        const k = h.key.toLowerCase();
        sent[k] = k in sent ? sent[k] + ', ' + h.value : h.value;
    }
    return { headers: sent, base: vars.paycore_signature_base, body: request.body ? request.body.raw : '' };
}

// Every valid hmac-sha256 sign case (crypto-js has no ed25519: the collection
// signs with HMAC keys, which `paycore-server keys create` makes by default).
const cases = vectors.sign_cases.filter((c) => c.result === 'valid' && vectors.keys[c.key].alg === 'hmac-sha256');

test('the vectors hold hmac sign cases (the loop below is not empty)', () => {
    assert.ok(cases.length >= 5, `only ${cases.length} cases`);
});

for (const c of cases) {
    test(`signing vector ${c.id}`, () => {
        const secret = CryptoJS.enc.Base64.stringify(CryptoJS.enc.Hex.parse(vectors.keys[c.key].secret_hex));
        const out = runScript({
            method: c.method,
            url: c.url,
            headers: c.headers,
            body: c.payload,
            variables: { key_id: c.key_id, secret },
            fixed: { created: c.now_unix, nonceHex: c.nonce_hex },
        });
        assert.equal(out.base, c.expected.signature_base);
        assert.equal(out.headers['signature-input'], c.expected.signature_input);
        assert.equal(out.headers.signature, c.expected.signature);
        assert.equal(out.headers['content-digest'], c.expected.content_digest === null ? undefined : c.expected.content_digest);
    });
}

test('a POST without an Idempotency-Key gets a fresh one, covered by the signature', () => {
    const args = {
        method: 'POST',
        url: '{{base_url}}/v1/payments',
        headers: [['Content-Type', 'application/json']],
        body: '{"amount":1000}',
        variables: { key_id: 'k', secret: 'c2VjcmV0', base_url: 'http://127.0.0.1:8080' },
    };
    const a = runScript(args);
    const b = runScript(args);
    assert.match(a.headers['idempotency-key'], /^pm_[0-9a-f]{32}$/);
    assert.notEqual(a.headers['idempotency-key'], b.headers['idempotency-key']);
    assert.notEqual(a.headers['signature-input'], b.headers['signature-input'], 'fresh nonce per request');
    assert.ok(a.base.includes('"idempotency-key": ' + a.headers['idempotency-key'] + '\n'));
    assert.ok(a.base.startsWith('"@method": POST\n"@authority": 127.0.0.1:8080\n"@path": /v1/payments\n"@query": ?\n'));
});

test('variables in the body are substituted once, and the digest covers the sent bytes', () => {
    const out = runScript({
        method: 'POST',
        url: 'http://127.0.0.1:8080/v1/payments',
        headers: [['Content-Type', 'application/json'], ['Idempotency-Key', '{{idem}}']],
        body: '{"description":"{{$guid}}","amount":{{amount}}}',
        variables: { key_id: 'k', secret: 'c2VjcmV0', amount: '1200', idem: 'idem-1' },
    });
    assert.match(out.body, /^\{"description":"guid-[0-9a-f]+","amount":1200\}$/);
    const digest = 'sha-256=:' + CryptoJS.enc.Base64.stringify(CryptoJS.SHA256(out.body)) + ':';
    assert.equal(out.headers['content-digest'], digest);
    assert.equal(out.headers['idempotency-key'], 'idem-1');
});

test('missing credentials are a clear error, not an unsigned request', () => {
    assert.throws(() => runScript({
        method: 'GET', url: 'http://127.0.0.1:8080/v1/payments', headers: [], body: '', variables: {},
    }), /set key_id and secret/);
});

test('the collection embeds this script verbatim', () => {
    const collection = JSON.parse(fs.readFileSync(path.join(root, 'paycore.postman_collection.json'), 'utf8'));
    const pre = collection.event.find((e) => e.listen === 'prerequest');
    assert.equal(pre.script.exec.join('\n'), script.replace(/\n$/, ''));
});
