'use strict'
// Webhook.verify beside the npm peers and Node's own HMAC floor, on a 1 KiB
// and a 64 KiB body: interleaved rounds, the median per verification.
//
//   cd bindings-node && npx napi build --platform --release && node bench/webhook-verify.js [--rounds N]
//
// Verify-only paths: standardwebhooks with { jsonParse: false }; svix always
// parses JSON (it has no switch), so its body is JSON; stripe's
// webhooks.signature.verifyHeader. The floor is createHmac + timingSafeEqual
// over the same signed content, signature decoded from the header each time.
// Not part of the tests.
const crypto = require('node:crypto')
const { Webhook, WebhookSigner } = require('..')
const { Webhook: SwWebhook } = require('standardwebhooks')
const { Webhook: SvixWebhook } = require('svix')
const Stripe = require('stripe')

const args = process.argv.slice(2)
const ROUNDS = Number(args[args.indexOf('--rounds') + 1]) || 8
const BATCH_NS = 20e6 // about 20 ms per measurement

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const KEY = Buffer.from(SECRET.slice(6), 'base64')
const STRIPE_SECRET = 'whsec_test_secret'

function jsonBody(size) {
  // A JSON object padded to `size` bytes (svix parses it).
  const head = '{"type":"payment.succeeded","data":"'
  return Buffer.from(head + 'x'.repeat(size - head.length - 2) + '"}')
}

function cases(size) {
  const body = jsonBody(size)
  const bodyStr = body.toString()
  const now = Math.floor(Date.now() / 1000)
  const std = new WebhookSigner(SECRET).sign(body, { msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: now })
  const stripeHeader = new WebhookSigner(STRIPE_SECRET, { scheme: 'stripe' }).sign(body, { timestamp: now })['Stripe-Signature']
  const wh = new Webhook(SECRET)
  const whStripe = new Webhook(STRIPE_SECRET, { scheme: 'stripe' })
  const sw = new SwWebhook(SECRET.slice(6))
  const svix = new SvixWebhook(SECRET)
  const stripe = new Stripe('sk_test_bench')
  const stripeHeaders = { 'stripe-signature': stripeHeader }
  const sigB64 = std['webhook-signature'].slice(3)
  const prefix = `${std['webhook-id']}.${std['webhook-timestamp']}.`
  const floor = () => {
    const mac = crypto.createHmac('sha256', KEY).update(prefix).update(body).digest()
    const given = Buffer.from(sigB64, 'base64')
    if (given.length !== mac.length || !crypto.timingSafeEqual(mac, given)) throw new Error('floor mismatch')
  }
  return [
    ['paycore Webhook.verify (standard, Buffer)', () => wh.verify(body, std, now)],
    ['paycore Webhook.verify (stripe, Buffer)', () => whStripe.verify(body, stripeHeaders, now)],
    ['standardwebhooks verify(Buffer, {jsonParse:false})', () => sw.verify(body, std, { jsonParse: false })],
    ['svix Webhook.verify (string; parses JSON)', () => svix.verify(bodyStr, std)],
    ['stripe webhooks.signature.verifyHeader', () => stripe.webhooks.signature.verifyHeader(body, stripeHeader, STRIPE_SECRET, 300)],
    ['node createHmac + timingSafeEqual (floor)', floor],
  ]
}

function measure(f, n) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) f()
  return Number(process.hrtime.bigint() - t0) / n
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

for (const size of [1024, 65536]) {
  const list = cases(size)
  // Warm up and size each batch to about BATCH_NS.
  const iters = list.map(([, f]) => {
    for (let i = 0; i < 200; i++) f()
    const per = measure(f, 200)
    return Math.max(10, Math.round(BATCH_NS / per))
  })
  const samples = list.map(() => [])
  for (let r = 0; r < ROUNDS; r++) {
    list.forEach(([, f], i) => samples[i].push(measure(f, iters[i])))
  }
  console.log(`\n${size === 1024 ? '1 KiB' : '64 KiB'} body, median of ${ROUNDS} interleaved rounds`)
  const base = median(samples[0])
  list.forEach(([name], i) => {
    const ns = median(samples[i])
    const gbs = size / ns
    console.log(
      `${name.padEnd(52)} ${(ns / 1000).toFixed(2).padStart(9)} us  ${gbs.toFixed(2).padStart(6)} GB/s  x${(ns / base).toFixed(2)} of paycore`,
    )
  })
}
