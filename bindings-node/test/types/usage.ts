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

void [same, fromString, u8, t, sig, digest, once, key, wait, limit]
