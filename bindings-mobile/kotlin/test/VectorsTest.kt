// Runs the shared conformance vectors (vectors/*.json) and the binding's own
// checks (error mapping, redaction) against the built libpaycore_mobile, one
// check per vector id; a failure names the id. Mirrors paycore/tests/vectors_*.rs.
// Usage: java ... dev.paycore.test.VectorsTestKt <vectors dir>
package dev.paycore.test

import dev.paycore.*
import java.io.File
import java.util.Base64

@Suppress("UNCHECKED_CAST")
fun Any?.obj(): Map<String, Any?> = this as? Map<String, Any?> ?: emptyMap()
@Suppress("UNCHECKED_CAST")
fun Any?.arr(): List<Any?> = this as? List<Any?> ?: emptyList()
fun Map<String, Any?>.str(k: String): String = this[k] as? String ?: throw Fail("field `$k` is missing or not a string")
fun Map<String, Any?>.optStr(k: String): String? = this[k] as? String
fun Map<String, Any?>.long(k: String): Long = this[k] as? Long ?: throw Fail("field `$k` is missing or not an integer")
fun Map<String, Any?>.optLong(k: String): Long? = this[k] as? Long

class Fail(msg: String) : Exception(msg)

var passed = 0
var failed = 0

fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: ${e.message ?: e}")
    }
}

fun expect(cond: Boolean, msg: () -> String) {
    if (!cond) throw Fail(msg())
}

fun hex(b: ByteArray?): String? = b?.joinToString("") { "%02x".format(it) }
fun unhex(s: String): ByteArray = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

/** `payload_b64` (base64) if present, else `payload` (UTF-8), else empty. */
fun bodyBytes(c: Map<String, Any?>): ByteArray =
    c.optStr("payload_b64")?.let { Base64.getDecoder().decode(it) } ?: (c.optStr("payload") ?: "").toByteArray(Charsets.UTF_8)

/** A JSON object of strings as a header map, in order. */
fun headerMap(v: Any?): Map<String, String> = v.obj().entries.associate { it.key to (it.value as? String ?: "") }

fun Map<String, String>.getIgnoreCase(name: String): String? = entries.firstOrNull { it.key.equals(name, ignoreCase = true) }?.value

/** The full reason of a paycore error (`missing_header:webhook-id`), or rethrows. */
fun reasonOf(e: PaycoreException): String = when (e) {
    is PaycoreException.Webhook -> e.reason
    is PaycoreException.Signing -> e.code
    is PaycoreException.Key -> e.code
    is PaycoreException.InvalidArgument -> e.code
    is PaycoreException.Digest -> e.code
    is PaycoreException.Verification -> e.code
    else -> throw Fail("unexpected error $e")
}

fun outcome(block: () -> Unit): String? = try { block(); null } catch (e: PaycoreException) { reasonOf(e) }

// ---------------------------------------------------------------- webhooks

fun webhookCase(c: Map<String, Any?>, defaultScheme: String) {
    val scheme = c.optStr("scheme") ?: defaultScheme
    val secrets: List<String> = c["secrets"]?.arr()?.map { it as String } ?: listOf(c.str("secret"))
    val expected = (c["paycore_expected"] as? Map<*, *>)?.let { c["paycore_expected"].obj() } ?: c["expected"].obj()
    val result = expected.str("result")
    when (val kind = c.optStr("kind") ?: "verify") {
        "sign" -> webhookSign(c, scheme, secrets)
        "verify" -> {
            val r = outcome { webhookVerify(c, scheme, secrets) }
            c.optStr("expected_signature")?.let { standardSignature(c, secrets, it) }
            checkOutcome(r, result, expected)
        }
        "construct" -> {
            val r = outcome {
                Webhook(scheme, secrets, 300uL, false).close()
                if (c["headers"] is Map<*, *>) {
                    webhookVerify(c, scheme, secrets)
                    try {
                        Json.parse(String(bodyBytes(c), Charsets.UTF_8))
                    } catch (e: JsonError) {
                        throw PaycoreException.InvalidArgument("invalid_json", "the body is not JSON")
                    }
                }
            }
            checkOutcome(r, result, expected)
        }
        else -> throw Fail("unknown kind $kind")
    }
}

fun webhookVerify(c: Map<String, Any?>, scheme: String, secrets: List<String>) {
    var tolerance = 300uL
    var ignore = false
    if (c.containsKey("tolerance_seconds")) {
        // "null = no tolerance check"
        val t = c["tolerance_seconds"]
        if (t == null) ignore = true else tolerance = (t as Long).toULong()
    }
    if (c["options"].obj()["ignore_timestamp"] == true) ignore = true
    val headers: Map<String, String> = c.optStr("header")?.let { mapOf("Stripe-Signature" to it) } ?: headerMap(c["headers"])
    Webhook(scheme, secrets, tolerance, ignore).use { w ->
        val body = bodyBytes(c)
        val now = c.optLong("now") ?: 0L
        val v = w.verifyDetails(body, headers, now)
        expect(w.verify(body, headers, now).contentEquals(body)) { "verify did not return the body" }
        expect(v.scheme == w.scheme()) { "verified scheme ${v.scheme}" }
        expect(headers.getIgnoreCase(v.signatureHeader) != null) { "signature_header ${v.signatureHeader} is not among the headers" }
        if (w.scheme() == "standard") {
            val id = headers.getIgnoreCase(v.signatureHeader.replace("-signature", "-id"))
            val ts = headers.getIgnoreCase(v.signatureHeader.replace("-signature", "-timestamp"))?.toLongOrNull()
            expect(v.msgId == id) { "msg_id ${v.msgId}" }
            expect(v.timestamp == ts) { "timestamp ${v.timestamp}" }
        }
    }
}

fun checkOutcome(got: String?, result: String, expected: Map<String, Any?>) {
    when (result) {
        "valid" -> expect(got == null) { "expected valid, got $got" }
        "invalid" -> {
            expect(got != null) { "expected invalid (${expected["reason"]}), got valid" }
            val want = expected.str("reason")
            expect(got == want) { "expected reason $want, got $got" }
        }
        else -> throw Fail("unknown expected result $result")
    }
}

fun webhookSign(c: Map<String, Any?>, scheme: String, secrets: List<String>) {
    c.optStr("expected_signature")?.let { return standardSignature(c, secrets, it) }
    val msgId = c.optStr("msg_id") ?: ""
    val timestamp = c.optLong("timestamp")
    val body = bodyBytes(c)
    Webhook(scheme, secrets, 300uL, false).use { w ->
        c.optStr("expected_header")?.let { h ->
            // Stripe: the timestamp is the header's t.
            val t = h.removePrefix("t=").split(',').first().toLongOrNull()?.takeIf { h.startsWith("t=") } ?: timestamp
                ?: throw Fail("no timestamp")
            val got = w.sign(msgId, t, body).getIgnoreCase("stripe-signature") ?: throw Fail("no Stripe-Signature header")
            expect(got == h) { "expected $h, got $got" }
            return
        }
        val want = c["expected_headers"] as? Map<*, *> ?: throw Fail("a sign case needs expected_signature, expected_header or expected_headers")
        val out = w.sign(msgId, timestamp ?: 0L, body)
        expect(out.size == want.size) { "expected ${want.size} headers, got $out" }
        for ((name, value) in want) {
            val got = out.getIgnoreCase(name as String)
            expect(got == value) { "$name: expected $value, got $got" }
        }
    }
}

fun standardSignature(c: Map<String, Any?>, secrets: List<String>, want: String) {
    Webhook("standard", secrets, 300uL, false).use { w ->
        val out = w.sign(c.str("msg_id"), c.optLong("timestamp") ?: throw Fail("no timestamp"), bodyBytes(c))
        val got = out.getIgnoreCase("webhook-signature") ?: throw Fail("no webhook-signature")
        expect(got == want) { "signature: expected $want, got $got" }
    }
}

// ---------------------------------------------------------------- retry

fun retrySettings(defaults: Map<String, Any?>, case: Map<String, Any?>): RetrySettings {
    val o = case["config"].obj()
    fun pick(k: String): Any? = if (o.containsKey(k)) o[k] else defaults[k]
    fun ms(k: String): ULong = ((pick(k) as? Long) ?: throw Fail("`$k` is not an integer")).toULong()
    val b = pick("budget")
    val budget = if (b == null) null else b.obj().let {
        BudgetSettings(it.long("capacity").toUInt(), it.long("retry_cost").toUInt(), it.long("throttle_cost").toUInt(), it.long("success_reward").toUInt())
    }
    return RetrySettings(
        maxAttempts = ((pick("max_attempts") as? Long) ?: throw Fail("max_attempts")).toUInt(),
        baseDelayMs = ms("base_delay_ms"),
        throttleBaseDelayMs = ms("throttle_base_delay_ms"),
        maxBackoffMs = ms("max_backoff_ms"),
        maxRetryAfterMs = ms("max_retry_after_ms"),
        budget = budget,
    )
}

fun retryDecide(s: RetrySettings, policy: RetryPolicy, input: Map<String, Any?>, random: Double, expected: Map<String, Any?>) {
    val f = input["failure"].obj()
    val transport = f.optStr("transport")?.let { transportFailureFromCode(it) }
    val http = if (transport != null) null else f["error"].obj().let { e ->
        HttpFailure(f.long("status").toUInt(), e.optStr("type"), e.optStr("code"), e.optStr("decline_code"))
    }
    val attempt = input.long("attempt").toUInt()
    val ri = RetryInput(
        transport = transport,
        http = http,
        headers = headerMap(input["headers"]),
        rateLimitHintMs = input.optLong("rate_limit_hint_ms")?.toULong(),
        attempt = attempt,
        timeLeftMs = input.optLong("time_left_ms")?.toULong(),
        idempotencyKey = input["idempotency_key"] as? Boolean ?: throw Fail("idempotency_key"),
        method = input.str("method"),
        random = random,
        now = input.long("now"),
    )
    val got = policy.decide(ri)
    when (val d = expected.str("decision")) {
        "retry" -> {
            if (got !is RetryDecision.Retry) throw Fail("expected a retry, got $got")
            val base = when (got.kind) {
                "throttling" -> s.throttleBaseDelayMs
                "stale_connection" -> 0uL
                else -> s.baseDelayMs
            }
            val ceiling = backoffCeilingMs(base, s.maxBackoffMs, attempt)
            expect(got.kind == expected.str("kind")) { "kind: got ${got.kind}, want ${expected["kind"]}" }
            expect(ceiling.toLong() == expected.long("backoff_ceiling_ms")) { "backoff ceiling: got $ceiling, want ${expected["backoff_ceiling_ms"]}" }
            expect(got.serverDelayMs?.toLong() == expected.optLong("server_delay_ms")) { "server delay: got ${got.serverDelayMs}, want ${expected["server_delay_ms"]}" }
            expect(got.afterMs.toLong() == expected.long("delay_ms")) { "delay: got ${got.afterMs}, want ${expected["delay_ms"]}" }
            expect(got.tokens.toLong() == expected.long("tokens")) { "tokens: got ${got.tokens}, want ${expected["tokens"]}" }
        }
        "do_not_retry" -> {
            if (got !is RetryDecision.DoNotRetry) throw Fail("expected do_not_retry, got $got")
            expect(got.reason == expected.str("reason")) { "reason: got ${got.reason} (${got.detail}), want ${expected["reason"]}" }
            expect(got.action == expected.optStr("action")) { "action: got ${got.action}, want ${expected["action"]}" }
        }
        else -> throw Fail("unknown decision `$d`")
    }
}

fun retryCase(defaults: Map<String, Any?>, c: Map<String, Any?>) {
    val s = retrySettings(defaults, c)
    RetryPolicy(s).use { policy ->
        val steps = c["steps"] as? List<*>
        if (steps == null) {
            retryDecide(s, policy, c["input"].obj(), c["random"] as? Double ?: (c["random"] as? Long)?.toDouble() ?: throw Fail("random"), c["expected"].obj())
            return
        }
        steps.forEachIndexed { i, stepAny ->
            val step = stepAny.obj()
            try {
                when (val op = step.str("op")) {
                    "decide" -> retryDecide(s, policy, step["input"].obj(), step["random"] as? Double ?: (step["random"] as? Long)?.toDouble() ?: throw Fail("random"), step["expected"].obj())
                    "success" -> policy.recordSuccess(step.optLong("last_retry_tokens")?.toUInt())
                    else -> throw Fail("unknown op `$op`")
                }
                val want = step.optLong("budget_after")
                val got = policy.budgetAvailable()?.toLong()
                expect(got == want) { "budget after: got $got, want $want" }
            } catch (e: Fail) {
                throw Fail("step $i: ${e.message}")
            }
        }
    }
}

// ---------------------------------------------------------------- rate-limit headers

fun rateLimitParseCase(c: Map<String, Any?>) {
    val headers = c["headers"].arr().map { p -> p.arr().let { HeaderField(it[0] as String, it[1] as String) } }
    val info = parseRateLimit(headers, c.long("now_unix"))
    val e = c["expected"].obj()
    fun eq(what: String, got: Any?, want: Any?) = expect(got == want) { "$what: got $got, want $want" }
    eq("limit", info.limit?.toLong(), e.optLong("limit"))
    eq("remaining", info.remaining?.toLong(), e.optLong("remaining"))
    eq("reset_after_ms", info.resetAfterMs?.toLong(), e.optLong("reset_after_ms"))
    eq("window_ms", info.windowMs?.toLong(), e.optLong("window_ms"))
    eq("used", info.used?.toLong(), e.optLong("used"))
    eq("resource", info.resource, e.optStr("resource"))
    eq("retry_after_ms", info.retryAfterMs?.toLong(), e.optLong("retry_after_ms"))
    eq("wait_ms", info.waitMs?.toLong(), e.optLong("wait_ms"))
    eq("policy", info.policy, e.optStr("policy"))
    eq("partition_key_hex", hex(info.partitionKey), e.optStr("partition_key_hex"))
    eq("malformed", info.malformed, (e["malformed"] as? List<*>) ?: throw Fail("malformed"))
    (e["policies"] as? List<*>)?.let { policies ->
        eq("policies.len", info.policies.size, policies.size)
        info.policies.zip(policies).forEach { (got, w) ->
            val want = w.obj()
            eq("policy.name", got.name, want.str("name"))
            eq("policy.quota", got.quota.toLong(), want.optLong("quota"))
            eq("policy.window_seconds", got.windowSeconds?.toLong(), want.optLong("window_seconds"))
            eq("policy.quota_unit", got.quotaUnit, want.str("quota_unit"))
            eq("policy.partition_key_hex", hex(got.partitionKey), want.optStr("partition_key_hex"))
        }
    }
    (e["limits"] as? List<*>)?.let { limits ->
        eq("limits.len", info.limits.size, limits.size)
        info.limits.zip(limits).forEach { (got, w) ->
            val want = w.obj()
            eq("limit.policy", got.policy, want.str("policy"))
            eq("limit.remaining", got.remaining.toLong(), want.optLong("remaining"))
            eq("limit.reset_seconds", got.resetSeconds?.toLong(), want.optLong("reset_seconds"))
            eq("limit.partition_key_hex", hex(got.partitionKey), want.optStr("partition_key_hex"))
        }
    }
}

// ---------------------------------------------------------------- request signing

fun signingKey(keys: Map<String, Any?>, name: String): RequestSigningKey {
    val k = keys[name].obj()
    return when (val alg = k.str("alg")) {
        "hmac-sha256" -> RequestSigningKey.hmac(unhex(k.str("secret_hex")))
        "ed25519" -> RequestSigningKey.ed25519(unhex(k.str("private_seed_hex")))
        else -> throw Fail("unknown alg $alg")
    }
}

fun signCase(keys: Map<String, Any?>, c: Map<String, Any?>, verifying: ProfileKeys) {
    val headers = c["headers"].arr().map { p -> p.arr().let { HeaderField(it[0] as String, it[1] as String) } }
    val got = try {
        signingKey(keys, c.str("key")).use { key ->
            signRequest(c.str("method"), c.str("url"), headers, bodyBytes(c), c.str("key_id"), key, c.long("now_unix"), unhex(c.str("nonce_hex")))
        }
    } catch (e: PaycoreException) {
        val reason = reasonOf(e)
        expect(c.str("result") == "invalid") { "expected valid, got $reason" }
        expect(reason == c.str("reason")) { "expected reason ${c["reason"]}, got $reason" }
        return
    }
    expect(c.str("result") == "valid") { "expected invalid (${c["reason"]}), got valid" }
    val e = c["expected"].obj()
    expect(got.contentDigest == e.optStr("content_digest")) { "content_digest: got ${got.contentDigest}, want ${e["content_digest"]}" }
    expect(got.signatureBase == e.str("signature_base")) { "signature_base: got\n${got.signatureBase}\nwant\n${e["signature_base"]}" }
    expect(got.signatureInput == e.str("signature_input")) { "signature_input: got ${got.signatureInput}, want ${e["signature_input"]}" }
    expect(got.signature == e.str("signature")) { "signature: got ${got.signature}, want ${e["signature"]}" }
    signedVerifies(verifying, c, got)
}

// ---------------------------------------------------------------- RFC 9530 Content-Digest

fun rfc9530Case(c: Map<String, Any?>) {
    val input = unhex(c.str("input_bytes_hex"))
    val alg = c.str("alg")
    val computed = contentDigest(input, alg)
    expect(computed == c.str("computed_field_member")) { "computed $computed" }
    val published = c.str("published_field_member")
    val got: Any = try { checkContentDigest(published, input) } catch (e: PaycoreException.Digest) { e }
    // `matches: false` marks the file's two misprints: a 32-byte digest with
    // `==` padding (malformed), a hex dump that does not hash to the digest.
    val ok = when (c["matches"]) {
        true -> got == listOf(alg)
        false -> got is PaycoreException.Digest &&
            ((got.code == "malformed_header" && published.contains("==")) || (got.code == "digest_mismatch" && got.algorithm == alg))
        else -> false
    }
    expect(ok) { "check of the published member gave $got" }
}

// ---------------------------------------------------------------- the binding's own checks

const val SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

fun bindingChecks() {
    check("binding::webhook_errors_are_typed") {
        Webhook("standard", listOf(SECRET), 300uL, false).use { w ->
            val body = "{\"test\": 2432232314}".toByteArray()
            val headers = w.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body)
            expect(headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=") { "signature ${headers["webhook-signature"]}" }
            try {
                w.verify("{}".toByteArray(), headers, 1614265340L)
                throw Fail("a tampered body verified")
            } catch (e: PaycoreException.Webhook) {
                expect(e.code == "no_matching_signature" && e.reason == e.code && e.header == null) { "got $e" }
            }
            try {
                w.verify(body, headers - "webhook-id", 1614265340L)
                throw Fail("a delivery without webhook-id verified")
            } catch (e: PaycoreException.Webhook) {
                expect(e.code == "missing_header" && e.reason == "missing_header:webhook-id" && e.header == "webhook-id") { "got $e" }
                expect(e.message.contains("missing_header:webhook-id")) { "message ${e.message}" }
            }
            try {
                w.verify(body, headers, 1614265330L + 301)
                throw Fail("a stale delivery verified")
            } catch (e: PaycoreException.Webhook) {
                expect(e.code == "timestamp_too_old") { "got $e" }
            }
        }
    }
    check("binding::construct_errors_are_typed") {
        for ((scheme, secret, code) in listOf(
            Triple("nope", SECRET, "unknown_scheme"),
            Triple("standard", "whsec_", "empty_secret"),
            Triple("standard", "whsec_!!!", "invalid_secret"),
            Triple("standard", "sk_live_x", "invalid_secret_prefix"),
        )) {
            try {
                Webhook(scheme, listOf(secret), 300uL, false).close()
                throw Fail("$scheme/$secret built")
            } catch (e: PaycoreException.Webhook) {
                expect(e.code == code) { "$scheme/$secret: got ${e.code}, want $code" }
                expect(!e.toString().contains(secret.removePrefix("whsec_").ifEmpty { "\u0000" })) { "the secret leaked: $e" }
            }
        }
        try {
            Webhook("standard", emptyList(), 300uL, false).close()
            throw Fail("no secrets built")
        } catch (e: PaycoreException.Webhook) {
            expect(e.code == "no_secrets") { "got ${e.code}" }
        }
    }
    check("binding::key_and_signing_errors_are_typed") {
        try {
            RequestSigningKey.hmac(ByteArray(0)).close()
            throw Fail("an empty key built")
        } catch (e: PaycoreException.Key) {
            expect(e.code == "empty_key") { "got ${e.code}" }
        }
        try {
            RequestSigningKey.ed25519(ByteArray(31)).close()
            throw Fail("a 31-byte seed built")
        } catch (e: PaycoreException.Key) {
            expect(e.code == "invalid_key_length") { "got ${e.code}" }
        }
        RequestSigningKey.hmac("s3cr3t-value-xyz".toByteArray()).use { key ->
            try {
                signRequest("POST", "/relative", emptyList(), ByteArray(0), "k", key, 0L, ByteArray(16))
                throw Fail("a relative URL signed")
            } catch (e: PaycoreException.Signing) {
                expect(e.code == "invalid_url") { "got ${e.code}" }
            }
            try {
                signRequest("GET", "https://a.test/", emptyList(), ByteArray(0), "k", key, 0L, ByteArray(15))
                throw Fail("a short nonce signed")
            } catch (e: PaycoreException.Signing) {
                expect(e.code == "nonce_too_short") { "got ${e.code}" }
            }
        }
    }
    check("binding::digest_errors_are_typed") {
        val body = "{\"hello\": \"world\"}".toByteArray()
        expect(checkContentDigest(contentDigest(body, "sha-512"), body) == listOf("sha-512")) { "sha-512 round trip" }
        try {
            checkContentDigest(contentDigest("{}".toByteArray(), "sha-256"), body)
            throw Fail("a wrong digest matched")
        } catch (e: PaycoreException.Digest) {
            expect(e.code == "digest_mismatch" && e.algorithm == "sha-256") { "got $e" }
        }
        try {
            contentDigest(body, "md5")
            throw Fail("md5 computed")
        } catch (e: PaycoreException.InvalidArgument) {
            expect(e.code == "unknown_digest_algorithm") { "got ${e.code}" }
        }
    }
    check("binding::invalid_arguments_are_typed") {
        try {
            transportFailureFromCode("nope")
            throw Fail("an unknown transport code converted")
        } catch (e: PaycoreException.InvalidArgument) {
            expect(e.code == "unknown_transport_failure") { "got ${e.code}" }
        }
        RetryPolicy(retrySettingsStandard()).use { p ->
            for ((t, h, code) in listOf(
                Triple(null, HttpFailure(70000u, null, null, null), "invalid_status"),
                Triple(TransportFailure.CONNECT_FAILED, HttpFailure(500u, null, null, null), "invalid_failure"),
                Triple(null, null, "invalid_failure"),
            )) {
                try {
                    p.decide(RetryInput(t, h, emptyMap(), null, 1u, null, true, "POST", 0.5, 0L))
                    throw Fail("$t/$h decided")
                } catch (e: PaycoreException.InvalidArgument) {
                    expect(e.code == code) { "got ${e.code}, want $code" }
                }
            }
        }
    }
    check("binding::secrets_are_redacted") {
        Webhook("stripe", listOf("whsec_stripe_secret_value_123"), 300uL, false).use { w ->
            val s = w.toString()
            expect(!s.contains("stripe_secret_value") && s.contains("stripe")) { "toString: $s" }
        }
        val seed = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        RequestSigningKey.ed25519(seed).use { k ->
            val s = k.toString()
            expect(s.contains("REDACTED") && !s.contains("9d61") && !s.lowercase().contains("nwgx")) { "toString: $s" }
            expect(k.algorithm() == "ed25519") { k.algorithm() }
        }
        RequestSigningKey.hmac("hunter2-hunter2".toByteArray()).use { k ->
            val s = k.toString()
            expect(s.contains("REDACTED") && !s.contains("hunter2")) { "toString: $s" }
        }
    }
    check("binding::now_defaults_to_the_clock") {
        Webhook("standard", listOf(SECRET), 300uL, false).use { w ->
            val body = "{}".toByteArray()
            val headers = w.sign("msg_1", null, body)
            val ts = headers["webhook-timestamp"]!!.toLong()
            val now = System.currentTimeMillis() / 1000
            expect(kotlin.math.abs(ts - now) <= 5) { "timestamp $ts, now $now" }
            w.verify(body, headers, null)
        }
    }
    check("binding::retry_budget_and_decline") {
        RetryPolicy(retrySettingsStandard()).use { p ->
            val before = p.budgetAvailable()
            val d = p.decide(RetryInput(null, HttpFailure(402u, "card_error", "card_declined", "expired_card"), emptyMap(), null, 1u, null, true, "POST", 0.5, 0L))
            expect(d is RetryDecision.DoNotRetry && d.reason == "user_action_required" && d.action == "update_card_details") { "got $d" }
            val r = p.decide(RetryInput(null, HttpFailure(503u, null, null, null), mapOf("Retry-After" to "2"), null, 1u, 30000uL, true, "POST", 0.5, 1_700_000_000L))
            expect(r is RetryDecision.Retry && r.afterMs == 2000uL && r.kind == "throttling" && r.serverDelayMs == 2000uL) { "got $r" }
            expect(p.budgetAvailable() == before!! - (r as RetryDecision.Retry).tokens) { "budget ${p.budgetAvailable()}" }
        }
    }
}

fun load(dir: File, name: String): Map<String, Any?> = Json.parse(File(dir, name).readText()).obj()

fun runCases(prefix: String, cases: Any?, body: (Map<String, Any?>) -> Unit) {
    val list = cases.arr()
    if (list.isEmpty()) { failed++; println("FAIL $prefix: no cases"); return }
    for (c in list) {
        val case = c.obj()
        val id = case["id"] as? String
        check("$prefix::${id ?: "<no id>"}") {
            if (id == null) throw Fail("a case has no string id")
            try { body(case) } catch (e: PaycoreException) { throw Fail("$id: unexpected $e") } catch (e: Fail) { throw Fail("$id: ${e.message}") }
        }
    }
}

fun main(args: Array<String>) {
    val dir = File(args.firstOrNull() ?: "vectors")
    for ((file, scheme) in listOf(
        "standard_webhooks_vectors.json" to "standard",
        "stripe_vectors.json" to "stripe",
        "other_schemes_vectors.json" to "",
        "webhook_extra.json" to "",
    )) {
        runCases(file.removeSuffix(".json"), load(dir, file)["vectors"]) { webhookCase(it, scheme) }
    }
    val retry = load(dir, "retry.json")
    runCases("retry", retry["vectors"]) { retryCase(retry["defaults"].obj(), it) }
    val ratelimit = load(dir, "ratelimit.json")
    runCases("ratelimit::parse", ratelimit["parse"]) { rateLimitParseCase(it) }
    runCases("ratelimit::gcra", ratelimit["gcra"]) { gcraCase(it) }
    runCases("ratelimit::render", ratelimit["render"]) { renderCase(it) }
    val profile = load(dir, "signing_profile.json")
    ProfileKeys(profile).use { verifying ->
        runCases("signing_profile::sign", profile["sign_cases"]) { signCase(profile["keys"].obj(), it, verifying) }
        runCases("signing_profile::verify", profile["verify_cases"]) { verifyCase(verifying, it) }
    }
    val rfc9421 = load(dir, "rfc9421_vectors.json")
    runCases("rfc9421", rfc9421["cases"]) { rfc9421Case(rfc9421, it) }
    check("rfc9421::content_digest_check") { rfc9421Digests(rfc9421) }
    // The file's cases have no id: the Rust loader names them rfc9530-NN.
    val digests = load(dir, "rfc9530_content_digest_vectors.json")["vectors"].arr().mapIndexed { i, c ->
        c.obj().let { if (it.containsKey("id")) it else it + ("id" to "rfc9530-%02d".format(i)) }
    }
    runCases("rfc9530", digests) { rfc9530Case(it) }
    bindingChecks()
    println("$passed passed, $failed failed")
    kotlin.system.exitProcess(if (failed == 0) 0 else 1)
}
