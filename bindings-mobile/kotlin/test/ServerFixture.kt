// The real reference server for the Kotlin integration tests: a temp dir with
// a SQLite database, API keys minted with `paycore-server keys create --json`,
// the server on a free loopback port, polled on GET /health until it answers,
// and killed (with its temp dir removed) by close(), also after a failure.
package dev.paycore.test

import java.io.File
import java.net.HttpURLConnection
import java.net.ServerSocket
import java.net.URI
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/** One API key as `keys create --json` prints it. */
data class ApiKey(val merchantId: String, val keyId: String, val secret: String) {
    override fun toString() = "ApiKey(merchantId=$merchantId, keyId=$keyId, secret=[REDACTED])"
}

class ServerFixture(private val binary: File, merchants: List<String>) : AutoCloseable {
    private val dir: File = Files.createTempDirectory("paycore-kt-").toFile()
    private val dbUrl = "sqlite://${File(dir, "paycore.db").absolutePath}?mode=rwc"
    private val log = File(dir, "server.log")
    private var process: Process? = null
    val keys: Map<String, ApiKey>
    val baseUrl: String

    init {
        try {
            require(binary.canExecute()) { "no server binary at $binary (build it: cargo build --workspace)" }
            keys = merchants.associateWith { createKey(it) }
            val port = ServerSocket(0).use { it.localPort }
            baseUrl = "http://127.0.0.1:$port"
            process = ProcessBuilder(binary.absolutePath, "--listen", "127.0.0.1:$port")
                .also { it.environment()["DATABASE_URL"] = dbUrl }
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start()
            waitHealthy()
        } catch (e: Throwable) {
            close()
            throw e
        }
    }

    private fun createKey(merchant: String): ApiKey {
        val p = ProcessBuilder(binary.absolutePath, "keys", "create", "--merchant", merchant, "--plan", "scale", "--json")
            .also { it.environment()["DATABASE_URL"] = dbUrl }
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) { "keys create failed for $merchant" }
        val o = Json.parse(out).obj()
        return ApiKey(o.str("merchant_id"), o.str("key_id"), o.str("secret"))
    }

    private fun waitHealthy() {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
        while (System.nanoTime() < deadline) {
            val p = process!!
            check(p.isAlive) { "the server exited (${p.exitValue()}):\n${log.readText()}" }
            try {
                val c = URI("$baseUrl/health").toURL().openConnection() as HttpURLConnection
                c.connectTimeout = 500
                c.readTimeout = 500
                if (c.responseCode == 200) return
            } catch (_: java.io.IOException) {
                // not listening yet
            }
            Thread.sleep(50)
        }
        error("the server did not answer /health within 30 s:\n${log.readText()}")
    }

    override fun close() {
        process?.let { p ->
            p.destroy()
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor()
        }
        dir.deleteRecursively()
    }
}
