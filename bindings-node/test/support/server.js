'use strict'
// The real reference server for the client tests: a temp SQLite database, a
// sandbox merchant on the `scale` plan with an HMAC key (`keys create
// --json`), `paycore-server --listen 127.0.0.1:<free port>`, /health polled
// until 200, and the process killed at the end. The binary is built by
// scripts/test-node.sh (PAYCORE_SERVER_BIN overrides its path).
const { spawn, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const ROOT = path.join(__dirname, '..', '..', '..')

function serverBinary() {
  if (process.env.PAYCORE_SERVER_BIN) return process.env.PAYCORE_SERVER_BIN
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
  return path.join(target, 'debug', 'paycore-server')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitHealthy(url, child, log) {
  const until = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`paycore-server exited (${child.exitCode}):\n${log()}`)
    try {
      const r = await fetch(`${url}/health`)
      if (r.status === 200) return
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`paycore-server not healthy within 30 s:\n${log()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Starts a server; returns `{ url, keyId, secret, merchantId, newKey(name), stop() }`.
 * `newKey(merchant, plan)` mints a key for another merchant on the same server.
 */
async function startServer({ merchant = 'node-tests', plan = 'scale' } = {}) {
  const bin = serverBinary()
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`cargo build --workspace --bins\` (scripts/test-node.sh does)`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paycore-node-'))
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${path.join(dir, 'paycore.db')}?mode=rwc`,
    PAYCORE_NO_BOOTSTRAP: 'true',
    RUST_LOG: 'warn',
  }
  delete env.REDIS_URL
  const newKey = (name, p = plan) => {
    const out = execFileSync(bin, ['keys', 'create', '--merchant', name, '--plan', p, '--json'], { env, encoding: 'utf8' })
    const k = JSON.parse(out)
    return { keyId: k.key_id, secret: k.secret, merchantId: k.merchant_id }
  }
  const key = newKey(merchant)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(bin, ['--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', () => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  try {
    await waitHealthy(url, child, () => output)
  } catch (e) {
    await stop()
    throw e
  }
  return { url, ...key, newKey, stop, log: () => output }
}

module.exports = { startServer, serverBinary }
