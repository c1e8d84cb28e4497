'use strict'
// An Express webhook receiver verified with paycore.
//
//   npm install express paycore
//   PAYCORE_WEBHOOK_SECRET=whsec_... node express-receiver.js
//
// The signature covers the body bytes exactly as sent, so the webhook route
// must get the raw body: express.raw() on that route, and no express.json()
// before it. If a JSON parser ran first, req.body is an object and paycore
// throws a TypeError saying so; this receiver turns that into a clear 500 and a
// log line, instead of a misleading "bad signature".
const express = require('express')
const { Webhook, WebhookVerificationError } = require('paycore')

const secret = process.env.PAYCORE_WEBHOOK_SECRET
if (!secret) {
  console.error('set PAYCORE_WEBHOOK_SECRET (whsec_...)')
  process.exit(1)
}
// Built once: the secret is parsed and the HMAC state precomputed here.
// Several secrets during a rotation: new Webhook([oldSecret, newSecret]).
const webhook = new Webhook(secret, { scheme: 'standard', tolerance: 300 })

const app = express()

app.post('/webhooks/paycore', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
  if (!Buffer.isBuffer(req.body)) {
    // express.json() (or another body parser) consumed the body before
    // express.raw() could: the original bytes are gone and cannot be verified.
    console.error(
      'webhook route misconfigured: req.body is not a Buffer. Mount express.raw() on this route ' +
        'and make sure express.json() does not run before it (e.g. register the webhook route first).',
    )
    return res.status(500).json({ error: 'webhook receiver misconfigured: raw body unavailable' })
  }
  let event
  try {
    event = webhook.constructEvent(req.body, req.headers)
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      // err.reason is paycore's code, e.g. missing_header:webhook-id,
      // timestamp_too_old, no_matching_signature.
      return res.status(400).json({ error: 'invalid webhook', reason: err.reason })
    }
    throw err
  }
  // De-duplicate on the message id: deliveries are retried.
  console.log('event', req.headers['webhook-id'], event.type)
  res.status(204).end()
})

// Other routes may use JSON; this is registered after the webhook route.
app.use(express.json())
app.post('/api/echo', (req, res) => res.json(req.body))

const port = Number(process.env.PORT) || 3000
app.listen(port, () => console.log(`listening on http://127.0.0.1:${port}`))
