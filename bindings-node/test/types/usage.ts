// Compiled with `tsc --strict --noEmit` by scripts/test-node.sh: the public
// types must accept real usage and reject misuse (the @ts-expect-error lines).
import {
  Webhook,
  WebhookSigner,
  WebhookVerificationError,
  PaycoreError,
  RequestSigner,
  RequestVerifier,
  SignatureVerificationError,
  signRequest,
  RetryConfig,
  decide,
  newIdempotencyKey,
  parseRateLimit,
  waitBeforeNext,
  type Decision,
  Client,
  CardError,
  RateLimitError,
  OutcomeUnknownError,
  InvalidRequestError,
  PaycoreApiError,
  type Payment,
  type PaymentPage,
  type Refund,
  type WebhookEndpoint,
  type Usage,
  type ResponseInfo,
  type DeclineAction,
} from 'paycore'

const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { scheme: 'standard', tolerance: 300 })
const body: Buffer = Buffer.from('{"type":"payment.succeeded"}')
const headers = new WebhookSigner(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']).sign(body, { msgId: 'msg_1', timestamp: 1 })
const same: Buffer = wh.verify(body, headers, 1)
const fromString: Buffer = wh.verify('{}', new Headers(headers))
const u8: Uint8Array = wh.verify(new Uint8Array(2), [['webhook-id', 'x']] as const, new Date())
interface PaymentEvent {
  type: string
}
const event = wh.constructEvent<PaymentEvent>(body, headers, 1)
const t: string = event.type
try {
  wh.verify(body, {}, 1)
} catch (e) {
  if (e instanceof WebhookVerificationError) {
    const reason: string = e.reason
    const header: string | undefined = e.header
    void [reason, header, e.code === 'missing_header']
  } else if (e instanceof PaycoreError) {
    void e.code
  }
}
// @ts-expect-error a parsed object is not a body
wh.verify({ a: 1 }, headers)
// @ts-expect-error unknown scheme
new Webhook('s', { scheme: 'paypal' })

const signer = new RequestSigner({ keyId: 'k1', alg: 'ed25519', key: Buffer.alloc(32, 1) })
const signed = signer.sign({ method: 'POST', url: 'https://api.example/v1/p', headers: { 'content-type': 'application/json' }, body: '{}' })
const sig: string = signed.headers.Signature
const digest: string | undefined = signed.headers['Content-Digest']
const once = signRequest({ keyId: 'k', key: 'secret', method: 'GET', url: 'https://api.example/' })
// @ts-expect-error alg is a closed set
new RequestSigner({ keyId: 'k', alg: 'rsa', key: 'x' })

const config = new RetryConfig({ maxAttempts: 4, budget: null })
const d: Decision = decide(config, { failure: { status: 503 }, headers: { 'retry-after': '1' }, idempotencyKey: true }, config.newBudget())
if (d.retry) {
  const ms: number = d.delayMs
  void ms
} else {
  const why: string = d.reason
  void why
}
const key: string = newIdempotencyKey()
const wait: number | null = waitBeforeNext({ 'retry-after': '3' })
const limit: number | null = parseRateLimit(new Headers()).limit

const verifier = new RequestVerifier({ keys: [{ keyId: 'k1', alg: 'ed25519', key: signer.publicKey() ?? Buffer.alloc(32) }], windowSeconds: 60 })
try {
  const ok = verifier.verify({ method: 'POST', url: 'https://api.example/v1/p', headers: { ...signed.headers }, body: '{}' })
  const comps: string[] = ok.components
  void comps
} catch (e) {
  if (e instanceof SignatureVerificationError) {
    const base: string | null = e.signatureBase
    void base
  }
}

// The HTTP client.
const client = new Client({ keyId: 'key_test_1', secret: 'c2VjcmV0', baseUrl: 'http://127.0.0.1:8080', timeoutMs: 5000, maxRetries: 2 })
new Client({ keyId: 'k', secret: Buffer.alloc(32), deadlineMs: null })
// @ts-expect-error keyId is required
new Client({ secret: 's' })
// @ts-expect-error timeoutMs is a number
new Client({ keyId: 'k', secret: 's', timeoutMs: '5s' })
async function clientUsage(): Promise<void> {
  const p: Payment = await client.payments.create(
    { amount: 1000, currency: 'usd', paymentMethod: '4242424242424242', captureMethod: 'manual', metadata: { order: '1' } },
    { idempotencyKey: 'order-1', headers: { 'Paycore-Test-Fault': '503' }, timeoutMs: 1000 },
  )
  const status: 'requires_action' | 'requires_capture' | 'succeeded' | 'failed' | 'canceled' | 'unknown' = p.status
  const info: ResponseInfo = (await client.payments.retrieve(p.id)).lastResponse
  const reqId: string | null = info.requestId
  await client.payments.capture(p.id, { amountToCapture: 500 })
  await client.payments.cancel(p.id, { cancellationReason: 'abandoned' })
  await client.payments.confirm(p.id)
  // @ts-expect-error an unknown capture method
  await client.payments.create({ amount: 1, currency: 'usd', paymentMethod: 'x', captureMethod: 'later' })
  // @ts-expect-error paymentMethod is required
  await client.payments.create({ amount: 1, currency: 'usd' })
  const page: PaymentPage = await client.payments.list({ limit: 10, status: 'succeeded', created: { gte: 0 } })
  const more: boolean = page.hasMore
  for await (const each of client.payments.list({ limit: 100 })) {
    const id: string = each.id
    void id
  }
  const some: Payment[] = await client.payments.list().toArray({ limit: 5 })
  const r: Refund = await client.refunds.create({ payment: p.id, amount: 100, reason: 'duplicate' })
  for await (const ev of client.events.list({ type: 'payment.succeeded' })) void ev.data.object
  const we: WebhookEndpoint = await client.webhookEndpoints.create({ url: 'https://e.example/h', enabledEvents: ['*'], signatureAlgorithm: 'v1a' })
  const secret: string | undefined = we.secret
  await client.webhookEndpoints.update(we.id, { enabled: false })
  await client.webhookEndpoints.rotateSecret(we.id, { expiresIn: 60 })
  const gone: boolean = (await client.webhookEndpoints.delete(we.id)).deleted
  await client.events.redeliver('evt_1', { endpoint: we.id })
  for await (const a of client.events.attempts('evt_1')) void a.statusCode
  const u: Usage = await client.usage.retrieve()
  const pct: number = u.percentage
  try {
    await client.payments.create({ amount: 1, currency: 'usd', paymentMethod: '4000000000000002' })
  } catch (e) {
    if (e instanceof CardError) {
      const action: DeclineAction | null = e.action
      const decline: string | null = e.declineCode
      void [action, decline, e.requestId, e.attempts, e.idempotencyKey]
    } else if (e instanceof RateLimitError) {
      const after: number | null = e.retryAfter
      void after
    } else if (e instanceof OutcomeUnknownError) {
      const k: string | null = e.idempotencyKey
      void k
    } else if (e instanceof InvalidRequestError) {
      const param: string | null = e.param
      void param
    } else if (e instanceof PaycoreApiError) {
      const kind: string = e.kind
      void kind
    }
  }
  void [status, reqId, more, some, r, secret, gone, pct]
}

void [same, fromString, u8, t, sig, digest, once, key, wait, limit, clientUsage]
