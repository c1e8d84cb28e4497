// A checkout with the paycore client: the customer's first card is declined
// (insufficient funds), the script tells them what to do, and the second card
// goes through. TypeScript, strict.
//
//   PAYCORE_KEY_ID=key_test_... PAYCORE_SECRET=... PAYCORE_BASE_URL=http://127.0.0.1:8080 \
//     node checkout.js            (after `tsc`; the secret is what `paycore-server keys create` printed)
//
// Compiled by scripts/test-node.sh (tsc --strict) and run against the real
// reference server by bindings-node/test/examples.test.js.
import { Client, CardError, OutcomeUnknownError, type DeclineAction, type Payment, type WithResponse } from 'paycore'

function env(name: string): string {
  const v = process.env[name]
  if (v === undefined || v === '') throw new Error(`set ${name}`)
  return v
}

const client = new Client({
  keyId: env('PAYCORE_KEY_ID'),
  secret: env('PAYCORE_SECRET'),
  baseUrl: process.env.PAYCORE_BASE_URL ?? 'http://127.0.0.1:8080',
  timeoutMs: 10_000,
  maxRetries: 2,
})

/** What to tell the customer, by paycore's decline action. */
const ADVICE: Record<DeclineAction, string> = {
  use_another_payment_method: 'Please use another card.',
  update_card_details: 'Please check the card number, expiry date and CVC.',
  authenticate_customer: 'Your bank needs you to confirm this payment.',
  add_funds_or_use_another_card: 'Your card has insufficient funds: add funds or use another card.',
  retry_later_with_new_key: 'Something went wrong on our side: please try again in a minute.',
  contact_card_issuer: 'Your bank declined the payment: please contact them, or use another card.',
  check_existing_payment: 'This looks like a duplicate of a payment you just made.',
}

type Attempt = { ok: true; payment: WithResponse<Payment> } | { ok: false; advice: string }

async function pay(amount: number, card: string, orderId: string): Promise<Attempt> {
  const params = { amount, currency: 'usd', paymentMethod: card, metadata: { order: orderId } }
  try {
    const payment = await client.payments.create(params)
    return { ok: true, payment }
  } catch (e) {
    if (e instanceof CardError) {
      console.log(`declined code=${e.code} decline_code=${e.declineCode} action=${e.action} request=${e.requestId}`)
      return { ok: false, advice: e.action === null ? 'Your card was declined.' : ADVICE[e.action] }
    }
    if (e instanceof OutcomeUnknownError && e.idempotencyKey !== null) {
      // Sent, maybe applied: the same idempotency key cannot charge twice.
      const payment = await client.payments.create(params, { idempotencyKey: e.idempotencyKey })
      return { ok: true, payment }
    }
    throw e
  }
}

async function main(): Promise<void> {
  const order = `order-${Date.now()}`
  const first = await pay(2500, '4000000000009995', order)
  if (!first.ok) console.log(`customer sees: ${first.advice}`)
  const second = first.ok ? first : await pay(2500, '4242424242424242', order)
  if (!second.ok) throw new Error(`second card declined too: ${second.advice}`)
  const p = second.payment
  console.log(`paid id=${p.id} status=${p.status} amount=${p.amount} ${p.currency} request=${p.lastResponse.requestId}`)
  const again = await client.payments.retrieve(p.id)
  console.log(`order=${again.metadata.order} captured=${again.amountCaptured}`)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
