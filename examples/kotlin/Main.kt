// A merchant's JVM command-line program using the paycore Kotlin bindings:
// verify a webhook delivery, then sign an API request. (The checkout against
// the API comes with the HTTP client.)
// Run by scripts/test-kotlin.sh; exits non-zero if anything is off.
package dev.paycore.example

import dev.paycore.HeaderField
import dev.paycore.PaycoreException
import dev.paycore.RequestSigningKey
import dev.paycore.Webhook
import dev.paycore.signRequest
import java.security.SecureRandom

fun main() {
    // --- webhooks: the endpoint's secret, from the dashboard (here a test one)
    val secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    Webhook("standard", listOf(secret), 300uL, false).use { webhook ->
        println("verifier: $webhook") // no secret in it
        val body = """{"type":"payment.succeeded","data":{"id":"pay_123","amount":1000}}""".toByteArray()
        // What the sender would put on the wire (normally the API does this).
        val headers = webhook.sign("msg_2f9a", null, body)
        val verified = webhook.verify(body, headers, null)
        println("verified webhook: ${String(verified)}")
        val details = webhook.verifyDetails(body, headers, null)
        println("message id ${details.msgId}, signed at ${details.timestamp}")
        try {
            webhook.verify("""{"type":"payment.succeeded","amount":1}""".toByteArray(), headers, null)
            error("a tampered webhook verified")
        } catch (e: PaycoreException.Webhook) {
            println("tampered webhook rejected: ${e.code}")
        }
    }

    // --- request signing (RFC 9421 paycore-v1 profile)
    val nonce = ByteArray(16).also { SecureRandom().nextBytes(it) }
    RequestSigningKey.hmac("a shared secret of the merchant".toByteArray()).use { key ->
        println("key: $key")
        val headers = listOf(
            HeaderField("Content-Type", "application/json"),
            HeaderField("Idempotency-Key", "order-1042"),
        )
        val signed = signRequest(
            "POST", "https://api.paycore.test/v1/payments", headers,
            """{"amount":1000,"currency":"EUR"}""".toByteArray(), "key_1", key, null, nonce,
        )
        println("Content-Digest: ${signed.contentDigest}")
        println("Signature-Input: ${signed.signatureInput}")
        println("Signature: ${signed.signature}")
        check(signed.signatureInput.contains("tag=\"paycore-v1\"")) { "not the paycore profile" }
    }
    println("example ok")
}
