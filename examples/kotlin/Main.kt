// A merchant's JVM command-line checkout using the paycore Kotlin bindings:
// take a payment, handle a declined card (the typed CardException says what
// the customer must do), look the payment up; then verify a webhook delivery
// and sign a request by hand.
// Configuration from the environment: PAYCORE_BASE_URL, PAYCORE_KEY_ID,
// PAYCORE_SECRET (the base64 secret `paycore-server keys create` prints).
// Run by bindings-mobile/kotlin/test/ClientTest.kt against the reference
// server; exits non-zero if anything is off.
package dev.paycore.example

import dev.paycore.Client
import dev.paycore.CreatePaymentParams
import dev.paycore.HeaderField
import dev.paycore.PaycoreException
import dev.paycore.RequestOptions
import dev.paycore.RequestSigningKey
import dev.paycore.Webhook
import dev.paycore.signRequest
import java.security.SecureRandom
import java.util.UUID
import kotlinx.coroutines.runBlocking

/** Charges `card`; prints and returns the payment id, or null when declined. */
suspend fun checkout(client: Client, orderId: String, amount: Long, card: String): String? {
    // One idempotency key per order: a retry of this call (after a crash or
    // a timeout) cannot charge twice.
    val options = RequestOptions(idempotencyKey = "order-$orderId")
    return try {
        val p = client.createPayment(
            CreatePaymentParams(amount = amount, currency = "eur", paymentMethod = card, description = "order $orderId"),
            options,
        )
        println("paid ${p.id} ${p.amount} ${p.currency}: ${p.status.name.lowercase()} (request ${p.meta?.requestId}, ${p.meta?.attempts} attempt(s))")
        p.id
    } catch (e: PaycoreException.CardException) {
        // Show the customer what to do; never retry a decline as is.
        println("declined: ${e.code} / ${e.declineCode}, next: ${e.action} (request ${e.requestId})")
        null
    } catch (e: PaycoreException.OutcomeUnknown) {
        // The charge may have happened: retry later with the same key.
        println("outcome unknown, retry order $orderId with key ${e.idempotencyKey}")
        null
    }
}

fun main() {
    val env = { name: String -> System.getenv(name) ?: error("set $name") }
    Client(env("PAYCORE_KEY_ID"), env("PAYCORE_SECRET"), env("PAYCORE_BASE_URL")).use { client ->
        println("client: $client") // no secret in it
        runBlocking {
            val order = UUID.randomUUID().toString().take(8)
            val paid = checkout(client, order, 2500, "4242424242424242") ?: error("the test card was declined")
            check(client.retrievePayment(paid).amount == 2500L) { "the payment did not persist" }
            val declined = checkout(client, "$order-2", 2500, "4000000000009995")
            check(declined == null) { "a declined card was charged" }
        }
    }

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
