// A Next.js (App Router) route handler verifying paycore webhooks.
// File: app/api/webhooks/route.ts. Source only: it needs a Next.js app.
//
// Route handlers get a Web Request; read the body once as bytes
// (request.arrayBuffer()), never request.json(): the signature covers the
// exact bytes sent. paycore is a native addon, so this route runs on the
// Node.js runtime, not the Edge runtime.
import { Webhook, WebhookVerificationError } from 'paycore'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

// Built once per server process.
const webhook = new Webhook(process.env.PAYCORE_WEBHOOK_SECRET ?? '', { scheme: 'standard' })

interface PaycoreEvent {
  type: string
  data: unknown
}

export async function POST(request: Request): Promise<Response> {
  const body = new Uint8Array(await request.arrayBuffer())
  let event: PaycoreEvent
  try {
    // request.headers is a fetch Headers: paycore reads only the headers the
    // scheme needs through headers.get().
    event = webhook.constructEvent<PaycoreEvent>(body, request.headers)
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      return Response.json({ error: 'invalid webhook', reason: err.reason }, { status: 400 })
    }
    throw err
  }
  // De-duplicate on webhook-id: deliveries are retried.
  console.log('event', request.headers.get('webhook-id'), event.type)
  return new Response(null, { status: 204 })
}
