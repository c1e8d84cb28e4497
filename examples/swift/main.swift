// The paycore Swift bindings in use: it mirrors examples/kotlin/Main.kt, the
// client tests of bindings-mobile/kotlin/test/ClientTest.kt (a checkout
// against the API: payment, declined card, retries through the reference
// server's fault triggers, pagination, refunds) and the binding checks of
// bindings-mobile/kotlin/test/VectorsTest.kt (webhook verify/sign, typed
// errors, redaction, request signing, a retry decision).
// The checkout part needs a reference server and a key: set
// PAYCORE_BASE_URL, PAYCORE_KEY_ID and PAYCORE_SECRET (the base64 secret
// `paycore-server keys create --json` prints); it is skipped without them.
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
// --- the API client: a checkout (async: Swift concurrency, top-level await)
let env = ProcessInfo.processInfo.environment
if let baseUrl = env["PAYCORE_BASE_URL"], let keyId = env["PAYCORE_KEY_ID"], let apiSecret = env["PAYCORE_SECRET"] {
    let client = try Client(keyId: keyId, secret: apiSecret, baseUrl: baseUrl, timeoutMs: 10_000, maxRetries: 2)
    if String(reflecting: client).contains(apiSecret) { fail("the client printed its secret") }

    // A payment, with one idempotency key per order.
    let order = UUID().uuidString.prefix(8)
    let paid = try await client.createPayment(
        params: CreatePaymentParams(amount: 2500, currency: "eur", paymentMethod: "4242424242424242", description: "order \(order)"),
        options: RequestOptions(idempotencyKey: "order-\(order)")
    )
    guard paid.status == .succeeded, let meta = paid.meta else { fail("payment \(paid)") }
    print("paid \(paid.id) \(paid.amount) \(paid.currency) (request \(meta.requestId ?? "-"), \(meta.attempts) attempt(s))")

    // A declined card: a typed error with the decline code and what to do.
    do {
        _ = try await client.createPayment(params: CreatePaymentParams(amount: 500, currency: "eur", paymentMethod: "4000000000009995"))
        fail("a declined card was charged")
    } catch let PaycoreError.CardError(code, declineCode, action, _, _, requestId, attempts, _, _) {
        if code != "card_declined" || declineCode != "insufficient_funds" || attempts != 1 { fail("got \(code) \(String(describing: declineCode))") }
        print("declined: \(code) / \(declineCode ?? "-"), next: \(action ?? "-") (request \(requestId ?? "-"))")
    }

    // Retries: the server fails the first two attempts with 503; the SDK
    // retries under the same idempotency key and exactly one payment exists.
    let tag = "swift retry \(UUID().uuidString)"
    let retried = try await client.createPayment(
        params: CreatePaymentParams(amount: 777, currency: "eur", paymentMethod: "4242424242424242", description: tag),
        options: RequestOptions(headers: [
            HeaderField(name: "Paycore-Test-Fault", value: "503"),
            HeaderField(name: "Paycore-Test-Fault-Times", value: "2"),
        ])
    )
    if retried.meta?.attempts != 3 { fail("attempts \(String(describing: retried.meta))") }

    // Pagination: pages with a cursor, or the SDK's auto-pagination.
    var cursor: String? = nil
    var pages = 0
    repeat {
        let page = try await client.listPayments(params: ListParams(limit: 10, startingAfter: cursor))
        pages += 1
        cursor = page.nextCursor
    } while cursor != nil
    let all = try client.listAllPayments(params: ListParams(limit: 25))
    var same = 0
    while let p = try await all.next() {
        if p.description == tag { same += 1 }
    }
    if same != 1 { fail("\(same) payments for one retried call") }
    print("\(pages) page(s) of payments")

    // Refunds.
    let refund = try await client.createRefund(params: CreateRefundParams(payment: paid.id, amount: 1000, reason: .requestedByCustomer))
    let refunds = try await client.listRefunds(params: ListParams(payment: paid.id))
    if refunds.data.map(\.id) != [refund.id] { fail("refunds \(refunds.data)") }

    // Other typed errors.
    do {
        _ = try await client.retrievePayment(id: "pay_doesnotexist")
        fail("a missing payment was found")
    } catch let PaycoreError.NotFound(code, _, _, _, _, _, _) {
        if code != "resource_missing" { fail("got \(code)") }
    }
} else {
    print("checkout skipped: set PAYCORE_BASE_URL, PAYCORE_KEY_ID and PAYCORE_SECRET")
}
print("example ok")
