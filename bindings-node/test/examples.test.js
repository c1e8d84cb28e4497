'use strict'
// examples/node/checkout.ts, compiled by scripts/test-node.sh (tsc --strict,
// test/types/tsconfig.examples.json, into test/.build/examples/), run against
// the real reference server: the first card is declined, the second pays.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFile } = require('node:child_process')
const { promisify } = require('node:util')
const { startServer } = require('./support/server.js')

const COMPILED = path.join(__dirname, '.build', 'examples', 'checkout.js')

let server
before(async () => {
  server = await startServer({ merchant: 'checkout-example' })
})
after(async () => {
  if (server) await server.stop()
})

test('checkout.ts: the declined card gets its advice, the second card pays', async () => {
  assert.ok(
    fs.existsSync(COMPILED),
    `${COMPILED} is missing: compile it with \`npx tsc -p test/types/tsconfig.examples.json\` (scripts/test-node.sh does)`,
  )
  const { stdout } = await promisify(execFile)(process.execPath, [COMPILED], {
    env: { ...process.env, PAYCORE_KEY_ID: server.keyId, PAYCORE_SECRET: server.secret, PAYCORE_BASE_URL: server.url },
    timeout: 60_000,
  })
  assert.match(stdout, /^declined code=card_declined decline_code=insufficient_funds action=add_funds_or_use_another_card request=\S+$/m)
  assert.match(stdout, /^customer sees: Your card has insufficient funds/m)
  const paid = stdout.match(/^paid id=(pay_\S+) status=succeeded amount=2500 USD request=\S+$/m)
  assert.ok(paid, stdout)
  assert.match(stdout, /^order=order-\d+ captured=2500$/m)
  assert.ok(!stdout.includes(server.secret))
})
