// paycore collection-level pre-request script: signs every request with the
// paycore-v1 profile of RFC 9421 (HTTP Message Signatures) and RFC 9530
// (Content-Digest), using the Postman sandbox's crypto-js.
//
// Profile (paycore/src/signing/, vectors/signing_profile.json):
//   label sig1; components "@method" "@authority" "@path" "@query",
//   + "content-digest" "content-type" when the body is not empty,
//   + "idempotency-key" when that header is sent;
//   parameters in this order: created, nonce (16 random bytes, base64url
//   without padding), alg="hmac-sha256", keyid, tag="paycore-v1".
//   The secret is the base64 string `paycore-server keys create` prints.
//
// This file is embedded verbatim in paycore.postman_collection.json by
// build.js; test/sign-request.test.js runs it against the signing vectors.
//
// One block: its names must not clash with the sandbox's own globals (CryptoJS).
{
    const CryptoJS = require('crypto-js');

    const keyId = pm.variables.get('key_id');
    const secret = pm.variables.get('secret');
    if (!keyId || !secret) {
        throw new Error('paycore: set key_id and secret (from `paycore-server keys create`) in the environment');
    }

    const method = pm.request.method.toUpperCase();

    // The URL exactly as it will be sent: variables substituted once, here.
    const url = pm.variables.replaceIn(pm.request.url.toString());
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/.exec(url);
    if (!m) {
        throw new Error('paycore: the request URL must be absolute, got ' + url);
    }
    const scheme = m[1].toLowerCase();
    let authority = m[2].toLowerCase();
    if ((scheme === 'https' && /:443$/.test(authority)) || (scheme === 'http' && /:80$/.test(authority))) {
        authority = authority.replace(/:\d+$/, '');
    }
    const path = m[3] === '' ? '/' : m[3];
    const query = m[4] === undefined ? '?' : m[4];

    // The body exactly as it will be sent: substitute variables once and put the
    // result back, so a dynamic variable ({{$guid}}) is not resolved again later.
    let body = '';
    if (pm.request.body && pm.request.body.mode === 'raw' && pm.request.body.raw) {
        body = pm.variables.replaceIn(pm.request.body.raw);
        pm.request.body.update(body);
    }

    function headerValue(name) {
        const values = pm.request.headers.all()
            .filter((h) => !h.disabled && h.key.toLowerCase() === name)
            .map((h) => pm.variables.replaceIn(String(h.value)).trim());
        return values.length ? values.join(', ') : null;
    }

    function setHeader(name, value) {
        pm.request.headers.remove(name);
        pm.request.headers.remove(name.toLowerCase());
        pm.request.headers.add({ key: name, value: value });
    }

    function base64url(words) {
        return CryptoJS.enc.Base64.stringify(words).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }

    // Every POST carries an Idempotency-Key: the request's own (a replay test
    // sets one), else a fresh one. Resolved here so the signed value is the sent one.
    let idempotencyKey = headerValue('idempotency-key');
    if (method === 'POST' && !idempotencyKey) {
        idempotencyKey = 'pm_' + CryptoJS.enc.Hex.stringify(CryptoJS.lib.WordArray.random(16));
    }
    if (idempotencyKey) {
        setHeader('Idempotency-Key', idempotencyKey);
    }

    const lines = [
        '"@method": ' + method,
        '"@authority": ' + authority,
        '"@path": ' + path,
        '"@query": ' + query,
    ];
    const components = ['"@method"', '"@authority"', '"@path"', '"@query"'];
    if (body !== '') {
        let contentType = headerValue('content-type');
        if (!contentType) {
            contentType = 'application/json';
            setHeader('Content-Type', contentType);
        }
        const digest = 'sha-256=:' + CryptoJS.enc.Base64.stringify(CryptoJS.SHA256(CryptoJS.enc.Utf8.parse(body))) + ':';
        setHeader('Content-Digest', digest);
        lines.push('"content-digest": ' + digest, '"content-type": ' + contentType);
        components.push('"content-digest"', '"content-type"');
    } else {
        pm.request.headers.remove('Content-Digest');
    }
    if (idempotencyKey) {
        lines.push('"idempotency-key": ' + idempotencyKey);
        components.push('"idempotency-key"');
    }

    const created = Math.floor(Date.now() / 1000);
    const nonce = base64url(CryptoJS.lib.WordArray.random(16));
    const params = '(' + components.join(' ') + ');created=' + created + ';nonce="' + nonce +
        '";alg="hmac-sha256";keyid="' + keyId + '";tag="paycore-v1"';
    lines.push('"@signature-params": ' + params);
    const signatureBase = lines.join('\n');

    const mac = CryptoJS.HmacSHA256(CryptoJS.enc.Utf8.parse(signatureBase), CryptoJS.enc.Base64.parse(secret));
    setHeader('Signature-Input', 'sig1=' + params);
    setHeader('Signature', 'sig1=:' + CryptoJS.enc.Base64.stringify(mac) + ':');
    // For diagnosis: diff with the server's base (paycore-server --debug-signature-base).
    pm.variables.set('paycore_signature_base', signatureBase);
}
