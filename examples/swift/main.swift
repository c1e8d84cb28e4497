// The paycore Swift bindings in use: it mirrors examples/kotlin/Main.kt and
// the binding checks of bindings-mobile/kotlin/test/VectorsTest.kt (webhook
// verify/sign, typed errors, redaction, request signing, a retry decision).
// Source only: no Swift toolchain exists on the machines this repository is
// tested on, so this file has never been compiled. To run it on macOS, build
// the package (bindings-mobile/swift/build-xcframework.sh), then add an
// executable target depending on "Paycore" with this file as its main.swift.
import Foundation
import Paycore

func fail(_ message: String) -> Never {
    print("FAIL: \(message)")
    exit(1)
}

// --- webhooks
let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
let webhook = try Webhook(scheme: "standard", secrets: [secret], toleranceSeconds: 300, ignoreTimestamp: false)
let debug = String(reflecting: webhook)
if debug.contains("MfKQ9r8") { fail("the secret leaked: \(debug)") }
print("verifier: \(debug)")

let body = Data(#"{"test": 2432232314}"#.utf8)
let headers = try webhook.sign(msgId: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body)
if headers["webhook-signature"] != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
    fail("signature \(String(describing: headers["webhook-signature"]))")
}
let verified = try webhook.verify(body: body, headers: headers, now: 1614265340)
print("verified webhook: \(String(decoding: verified, as: UTF8.self))")
let details = try webhook.verifyDetails(body: body, headers: headers, now: 1614265340)
print("message id \(details.msgId ?? "-"), signed at \(details.timestamp ?? 0)")

// A tampered body, a missing header and a stale delivery are typed errors.
do {
    _ = try webhook.verify(body: Data("{}".utf8), headers: headers, now: 1614265340)
    fail("a tampered body verified")
} catch PaycoreError.Webhook(let code, _, _, _) {
    if code != "no_matching_signature" { fail("got \(code)") }
}
var withoutId = headers
withoutId["webhook-id"] = nil
do {
    _ = try webhook.verify(body: body, headers: withoutId, now: 1614265340)
    fail("a delivery without webhook-id verified")
} catch PaycoreError.Webhook(let code, let reason, let header, _) {
    if code != "missing_header" || reason != "missing_header:webhook-id" || header != "webhook-id" {
        fail("got \(code) \(reason)")
    }
}
do {
    _ = try webhook.verify(body: body, headers: headers, now: 1614265330 + 301)
    fail("a stale delivery verified")
} catch PaycoreError.Webhook(let code, _, _, _) {
    if code != "timestamp_too_old" { fail("got \(code)") }
}
do {
    _ = try Webhook(scheme: "nope", secrets: [secret], toleranceSeconds: 300, ignoreTimestamp: false)
    fail("an unknown scheme built")
} catch PaycoreError.Webhook(let code, _, _, _) {
    if code != "unknown_scheme" { fail("got \(code)") }
}

// --- request signing (RFC 9421, paycore-v1 profile)
var nonce = Data(count: 16)
let status = nonce.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 16, $0.baseAddress!) }
if status != errSecSuccess { fail("no random bytes") }
let key = try RequestSigningKey.hmac(secret: Data("a shared secret of the merchant".utf8))
if !String(reflecting: key).contains("REDACTED") { fail("key: \(String(reflecting: key))") }
let signed = try signRequest(
    method: "POST",
    url: "https://api.paycore.test/v1/payments",
    headers: [
        HeaderField(name: "Content-Type", value: "application/json"),
        HeaderField(name: "Idempotency-Key", value: "order-1042"),
    ],
    body: Data(#"{"amount":1000,"currency":"EUR"}"#.utf8),
    keyId: "key_1",
    key: key,
    now: nil,
    nonce: nonce
)
print("Content-Digest: \(signed.contentDigest ?? "-")")
print("Signature-Input: \(signed.signatureInput)")
print("Signature: \(signed.signature)")
do {
    _ = try RequestSigningKey.hmac(secret: Data())
    fail("an empty key built")
} catch PaycoreError.Key(let code, _) {
    if code != "empty_key" { fail("got \(code)") }
}

// --- Content-Digest of a response body (RFC 9530)
let responseBody = Data(#"{"hello": "world"}"#.utf8)
let digest = try contentDigest(body: responseBody, algorithmName: "sha-256")
if digest != "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:" { fail("digest \(digest)") }
do {
    _ = try checkContentDigest(value: digest, body: Data("{}".utf8))
    fail("a wrong digest matched")
} catch PaycoreError.Digest(let code, let algorithm, _) {
    if code != "digest_mismatch" || algorithm != "sha-256" { fail("got \(code)") }
}

// --- a retry decision: a card decline is never retried
let policy = RetryPolicy(settings: retrySettingsStandard())
let decision = try policy.decide(input: RetryInput(
    transport: nil,
    http: HttpFailure(status: 402, errorType: "card_error", code: "card_declined", declineCode: "expired_card"),
    headers: [:],
    rateLimitHintMs: nil,
    attempt: 1,
    timeLeftMs: nil,
    idempotencyKey: true,
    method: "POST",
    random: 0.5,
    now: nil
))
guard case .doNotRetry(let reason, let action, _) = decision,
      reason == "user_action_required", action == "update_card_details" else {
    fail("decision \(decision)")
}
print("example ok")
