// Integration tests of the Kotlin client (dev.paycore.Client, over the Rust
// SDK) against the real reference server (ServerFixture), and a run of the
// command-line example (examples/kotlin) against the same server.
// Usage: java -Dpaycore.server=<paycore-server> -Djna.library.path=<dir> ... dev.paycore.test.ClientTest
package dev.paycore.test

import dev.paycore.*
import java.io.File
import java.util.UUID
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking

object ClientTest {
    private fun itest(name: String, body: suspend () -> Unit) = check("client::$name") { runBlocking { body() } }

    /** Runs `block`, which must throw a `T`; returns it. */
    private suspend inline fun <reified T : PaycoreException> raises(crossinline block: suspend () -> Unit): T {
        try {
            block()
        } catch (e: PaycoreException) {
            if (e is T) return e
            throw Fail("want ${T::class.simpleName}, got $e")
        }
        throw Fail("want ${T::class.simpleName}, nothing was thrown")
    }

    private fun card(amount: Long, number: String, description: String? = null, manual: Boolean = false) =
        CreatePaymentParams(
            amount = amount,
            currency = "eur",
            paymentMethod = number,
            captureMethod = if (manual) CaptureMethod.MANUAL else null,
            description = description,
        )

    private fun fault(kind: String, times: Int?, key: String? = null) = RequestOptions(
        idempotencyKey = key,
        headers = listOfNotNull(
            HeaderField("Paycore-Test-Fault", kind),
            times?.let { HeaderField("Paycore-Test-Fault-Times", it.toString()) },
        ),
    )

    /** Every payment, through the iterator (the SDK's auto-pagination). */
    private suspend fun allPayments(client: Client, params: ListParams = ListParams(limit = 100u)): List<Payment> {
        val out = mutableListOf<Payment>()
        client.listAllPayments(params).use { it ->
            while (true) out += it.next() ?: break
        }
        return out
    }

    fun run(server: ServerFixture) {
        val main = server.keys.getValue("kt-main")
        val client = Client(main.keyId, main.secret, server.baseUrl, 10_000uL, 2u)

        itest("create_and_retrieve_payment") {
            val p = client.createPayment(card(1234, "4242424242424242", "kt create"))
            expect(p.status == PaymentStatus.SUCCEEDED) { "status ${p.status}" }
            expect(p.id.startsWith("pay_") && p.amount == 1234L && p.currency == "EUR") { "got $p" }
            expect(p.paymentMethod.card?.last4 == "4242") { "card ${p.paymentMethod}" }
            val meta = p.meta ?: throw Fail("no meta")
            expect(meta.attempts == 1u && meta.httpStatus.toInt() in listOf(200, 201)) { "meta $meta" }
            expect(meta.requestId != null && meta.idempotencyKey != null && !meta.replayed) { "meta $meta" }
            val again = client.retrievePayment(p.id)
            expect(again.copy(meta = null) == p.copy(meta = null)) { "retrieved $again, created $p" }
            expect(again.meta?.idempotencyKey == null) { "a GET carried a key: ${again.meta}" }
        }

        itest("declined_card_is_a_card_exception") {
            val e = raises<PaycoreException.CardException> { client.createPayment(card(500, "4000000000009995")) }
            expect(e.code == "card_declined" && e.declineCode == "insufficient_funds") { "got $e" }
            expect(e.action == "add_funds_or_use_another_card") { "action ${e.action}" }
            expect(e.attempts == 1u && e.status?.toInt() == 402) { "a decline was retried or has no status: $e" }
            expect(e.requestId != null && e.idempotencyKey != null) { "metadata missing: $e" }
            val x = raises<PaycoreException.CardException> { client.createPayment(card(500, "4000000000000069")) }
            expect(x.code == "expired_card") { "got $x" }
            if (x.paymentId != null) {
                val failed = client.retrievePayment(x.paymentId!!)
                expect(failed.status == PaymentStatus.FAILED && failed.lastPaymentError?.code == "expired_card") { "got $failed" }
            }
        }

        itest("retry_through_503_faults_creates_exactly_one_payment") {
            val tag = "kt retry ${UUID.randomUUID()}"
            val key = "kt-retry-${UUID.randomUUID()}"
            val p = client.createPayment(card(777, "4242424242424242", tag), fault("503", 2, key))
            expect(p.status == PaymentStatus.SUCCEEDED) { "status ${p.status}" }
            expect(p.meta?.attempts == 3u && p.meta?.idempotencyKey == key) { "meta ${p.meta}" }
            val same = allPayments(client).filter { it.description == tag }
            expect(same.size == 1 && same[0].id == p.id) { "${same.size} payments for one call" }
            // The same key again: the stored response is replayed, no new payment.
            val replay = client.createPayment(card(777, "4242424242424242", tag), RequestOptions(idempotencyKey = key))
            expect(replay.id == p.id && replay.meta?.replayed == true) { "replay ${replay.meta}" }
        }

        itest("faults_that_outlast_the_retries_are_typed") {
            val api = raises<PaycoreException.Api> { client.createPayment(card(100, "4242424242424242"), fault("500", null)) }
            expect(api.status.toInt() == 500 && api.attempts == 3u && api.idempotencyKey != null) { "got $api" }
            val once = Client(main.keyId, main.secret, server.baseUrl, 10_000uL, 0u)
            once.use {
                val rl = raises<PaycoreException.RateLimited> { it.createPayment(card(100, "4242424242424242"), fault("429", null)) }
                expect(rl.retryAfterMs == 1000uL && rl.attempts == 1u && rl.code == "rate_limited") { "got $rl" }
            }
        }

        itest("timeout_keeps_the_idempotency_key") {
            Client(main.keyId, main.secret, server.baseUrl, 300uL, 0u).use { c ->
                val key = "kt-timeout-${UUID.randomUUID()}"
                val opts = RequestOptions(idempotencyKey = key, headers = listOf(HeaderField("Paycore-Test-Delay-Ms", "2000")))
                val e = try {
                    c.createPayment(card(100, "4242424242424242"), opts)
                    throw Fail("no timeout")
                } catch (e: PaycoreException.Timeout) {
                    expect(e.maybeSent && e.idempotencyKey == key) { "got $e" }
                    e
                } catch (e: PaycoreException.OutcomeUnknown) {
                    expect(e.idempotencyKey == key) { "got $e" }
                    e
                }
                expect(e.message != null) { "no message" }
            }
        }

        itest("pagination_pages_and_iterator") {
            val pk = server.keys.getValue("kt-pages")
            Client(pk.keyId, pk.secret, server.baseUrl).use { c ->
                val created = (1..27).map { c.createPayment(card(100L + it, "4242424242424242", "page $it")).id }
                val pages = mutableListOf<PaymentPage>()
                var cursor: String? = null
                do {
                    val page = c.listPayments(ListParams(limit = 10u, startingAfter = cursor))
                    pages += page
                    cursor = page.nextCursor
                } while (page.hasMore)
                expect(pages.map { it.data.size } == listOf(10, 10, 7)) { "page sizes ${pages.map { it.data.size }}" }
                expect(pages.dropLast(1).all { it.hasMore && it.nextCursor == it.data.last().id } && pages.last().nextCursor == null) { "cursors" }
                val paged = pages.flatMap { p -> p.data.map { it.id } }
                expect(paged == created.reversed()) { "pages are not newest first or miss objects" }
                val iterated = allPayments(c, ListParams(limit = 4u)).map { it.id }
                expect(iterated == paged) { "iterator gave ${iterated.size} objects" }
                val succeeded = allPayments(c, ListParams(limit = 25u, status = PaymentStatus.SUCCEEDED))
                expect(succeeded.size == 27) { "status filter gave ${succeeded.size}" }
                raises<PaycoreException.InvalidConfiguration> { c.listPayments(ListParams(eventType = "payment.succeeded")) }
            }
        }

        itest("refunds") {
            val p = client.createPayment(card(1000, "4242424242424242"))
            val r1 = client.createRefund(CreateRefundParams(payment = p.id, amount = 300L, reason = RefundReason.REQUESTED_BY_CUSTOMER))
            expect(r1.amount == 300L && r1.payment == p.id && r1.reason == RefundReason.REQUESTED_BY_CUSTOMER) { "got $r1" }
            val r2 = client.createRefund(CreateRefundParams(payment = p.id))
            expect(r2.amount == 700L) { "rest refunded: $r2" }
            expect(client.retrieveRefund(r1.id).copy(meta = null) == r1.copy(meta = null)) { "retrieve" }
            val listed = client.listRefunds(ListParams(payment = p.id))
            expect(listed.data.map { it.id }.toSet() == setOf(r1.id, r2.id)) { "listed ${listed.data}" }
            var n = 0
            client.listAllRefunds(ListParams(payment = p.id, limit = 1u)).use { while (it.next() != null) n++ }
            expect(n == 2) { "iterated $n" }
            val after = client.retrievePayment(p.id)
            expect(after.amountRefunded == 1000L && after.refunded) { "payment after $after" }
            raises<PaycoreException> { client.createRefund(CreateRefundParams(payment = p.id, amount = 1L)) }
        }

        itest("confirm_capture_cancel") {
            val a = client.createPayment(card(900, "4000002500003155"))
            expect(a.status == PaymentStatus.REQUIRES_ACTION) { "status ${a.status}" }
            expect(client.confirmPayment(a.id).status == PaymentStatus.SUCCEEDED) { "confirm" }
            val m = client.createPayment(card(900, "4242424242424242", manual = true))
            expect(m.status == PaymentStatus.REQUIRES_CAPTURE && m.captureMethod == CaptureMethod.MANUAL) { "status ${m.status}" }
            val captured = client.capturePayment(m.id, 600L)
            expect(captured.status == PaymentStatus.SUCCEEDED && captured.amountCaptured == 600L) { "captured $captured" }
            val c = client.createPayment(card(900, "4242424242424242", manual = true))
            val canceled = client.cancelPayment(c.id, CancellationReason.ABANDONED)
            expect(canceled.status == PaymentStatus.CANCELED && canceled.cancellationReason == CancellationReason.ABANDONED) { "canceled $canceled" }
            val conflict = raises<PaycoreException.Conflict> { client.cancelPayment(captured.id) }
            expect(conflict.code == "payment_invalid_state" && conflict.status?.toInt() == 409) { "got $conflict" }
        }

        itest("typed_errors_for_bad_requests") {
            val nf = raises<PaycoreException.NotFound> { client.retrievePayment("pay_doesnotexist") }
            expect(nf.code == "resource_missing" && nf.requestId != null) { "got $nf" }
            val bad = raises<PaycoreException.InvalidRequest> { client.createPayment(card(0, "4242424242424242")) }
            expect(bad.param == "amount") { "got $bad" }
            raises<PaycoreException.InvalidConfiguration> { client.retrievePayment("") }
            val wrong = Client(main.keyId, "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC0xMjM0NTY=", server.baseUrl, 10_000uL, 0u)
            wrong.use { raises<PaycoreException.Authentication> { it.retrievePayment("pay_x") } }
            val closedPort = java.net.ServerSocket(0).use { it.localPort }
            Client(main.keyId, main.secret, "http://127.0.0.1:$closedPort", 2_000uL, 0u).use { c ->
                val e = raises<PaycoreException.Connection> { c.retrievePayment("pay_x") }
                expect(!e.maybeSent) { "got $e" }
            }
            raises<PaycoreException.InvalidConfiguration> { Client(main.keyId, "not base64!", server.baseUrl) }
            raises<PaycoreException.InvalidConfiguration> { Client(main.keyId, main.secret, "ftp://x") }
        }

        itest("client_to_string_redacts_the_secret") {
            val s = client.toString()
            expect(!s.contains(main.secret) && s.contains(main.keyId)) { s }
        }

        itest("events") {
            val p = client.createPayment(card(4321, "4242424242424242"))
            val page = client.listEvents(ListParams(eventType = "payment.succeeded", limit = 100u))
            val ev = page.data.firstOrNull { (it.data as? EventObject.Payment)?.payment?.id == p.id }
                ?: throw Fail("no payment.succeeded event for ${p.id}")
            val got = client.retrieveEvent(ev.id)
            expect(got.eventType == "payment.succeeded" && got.dataJson.contains(p.id)) { "got $got" }
            val obj = got.data as? EventObject.Payment ?: throw Fail("not typed: ${got.data}")
            expect(obj.payment.amount == 4321L) { "object ${obj.payment}" }
            var n = 0
            client.listAllEvents(ListParams(limit = 5u)).use { while (it.next() != null) n++ }
            expect(n >= page.data.size) { "iterated $n" }
        }

        itest("webhook_endpoints") {
            val e = client.createWebhookEndpoint(CreateWebhookEndpointParams(url = "https://example.com/kt", enabledEvents = listOf("payment.succeeded"), description = "kt"))
            val secret = e.secret?.reveal() ?: throw Fail("no secret on create")
            expect(secret.startsWith("whsec_") && !e.toString().contains(secret)) { "secret printed: $e" }
            expect(e.status == EndpointStatus.ENABLED && e.signatureAlgorithm == SignatureAlgorithm.V1) { "got $e" }
            val r = client.retrieveWebhookEndpoint(e.id)
            expect(r.secret == null && r.url == e.url) { "retrieve $r" }
            val u = client.updateWebhookEndpoint(e.id, UpdateWebhookEndpointParams(enabled = false, description = "off"))
            expect(u.status == EndpointStatus.DISABLED && u.disabledReason == DisabledReason.MANUAL && u.description == "off") { "update $u" }
            val rot = client.rotateWebhookEndpointSecret(e.id, 60uL)
            expect(rot.secret?.reveal()?.let { it != secret } == true && rot.previousSecretExpires != null) { "rotate $rot" }
            expect(client.listWebhookEndpoints(ListParams()).data.any { it.id == e.id }) { "not listed" }
            var n = 0
            client.listAllWebhookEndpoints(ListParams(limit = 1u)).use { while (it.next() != null) n++ }
            expect(n >= 1) { "iterated $n" }
            val d = client.deleteWebhookEndpoint(e.id)
            expect(d.deleted && d.id == e.id) { "delete $d" }
            raises<PaycoreException.NotFound> { client.retrieveWebhookEndpoint(e.id) }
        }
        itest("event_attempts_and_redeliver") {
            val e = client.createWebhookEndpoint(CreateWebhookEndpointParams(url = "http://127.0.0.1:9/kt", enabledEvents = listOf("*")))
            val p = client.createPayment(card(999, "4242424242424242"))
            val ev = client.listEvents(ListParams(eventType = "payment.succeeded", limit = 100u)).data
                .first { (it.data as? EventObject.Payment)?.payment?.id == p.id }
            val red = client.redeliverEvent(ev.id, e.id)
            expect(red.event == ev.id && red.endpoints == listOf(e.id)) { "redelivery $red" }
            val page = client.listEventAttempts(ev.id, ListParams())
            var n = 0
            client.listAllEventAttempts(ev.id, ListParams(limit = 1u)).use { while (it.next() != null) n++ }
            expect(n == page.data.size || page.hasMore) { "iterated $n, page ${page.data.size}" }
            client.deleteWebhookEndpoint(e.id)
        }
        itest("usage") {
            val u = client.retrieveUsage()
            expect(u.month.length == 7 && u.volume > 0 && u.limit > 0 && u.plan.isNotEmpty()) { "got $u" }
            expect(u.meta?.requestId != null) { "meta ${u.meta}" }
        }

        itest("example_checkout_runs_against_the_server") {
            val java = File(System.getProperty("java.home"), "bin/java").absolutePath
            val pb = ProcessBuilder(
                java,
                "-Djna.library.path=${System.getProperty("jna.library.path")}",
                "-cp", System.getProperty("java.class.path"),
                "dev.paycore.example.MainKt",
            ).redirectErrorStream(true)
            pb.environment().putAll(mapOf(
                "PAYCORE_BASE_URL" to server.baseUrl,
                "PAYCORE_KEY_ID" to main.keyId,
                "PAYCORE_SECRET" to main.secret,
            ))
            val proc = pb.start()
            val out = proc.inputStream.bufferedReader().readText()
            expect(proc.waitFor(60, TimeUnit.SECONDS) && proc.exitValue() == 0) { "example failed:\n$out" }
            expect(Regex("paid pay_\\S+ .*succeeded").containsMatchIn(out)) { "no payment in:\n$out" }
            expect(out.contains("declined: card_declined / insufficient_funds, next: add_funds_or_use_another_card")) { "no decline in:\n$out" }
            expect(!out.contains(main.secret)) { "the example printed the secret" }
        }

        client.close()
    }

    @JvmStatic
    fun main(args: Array<String>) {
        val bin = File(System.getProperty("paycore.server") ?: "target/debug/paycore-server")
        ServerFixture(bin, listOf("kt-main", "kt-pages")).use { run(it) }
        println("$passed passed, $failed failed")
        kotlin.system.exitProcess(if (failed == 0) 0 else 1)
    }
}
