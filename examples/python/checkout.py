"""A checkout with paycore.Client that handles a declined card.

    PAYCORE_KEY_ID=key_... PAYCORE_SECRET=... PAYCORE_BASE_URL=http://127.0.0.1:8080 \\
        python checkout.py 4000000000009995 [4242424242424242 ...]

Tries each card in turn (as a customer would after "use another card"),
charging 19.99 USD, and stops at the first that works. A decline is a
`paycore.CardError`: its `decline_code` says why, its `action` what to ask
the customer for (the core's decision, the same in every paycore SDK). The
idempotency key is per attempt of the checkout: a retry of the same card
after a network failure reuses it, a new card gets a new one.
Exit status: 0 paid, 2 every card declined, 1 any other error.
"""

from __future__ import annotations

import os
import sys
import uuid

import paycore

MESSAGES = {
    "use_another_payment_method": "Your card was declined. Please use another card.",
    "add_funds_or_use_another_card": "Insufficient funds. Add funds or use another card.",
    "update_card_details": "Please check your card details (number, expiry, CVC).",
    "authenticate_customer": "Your bank needs you to authenticate this payment.",
    "retry_later_with_new_key": "A temporary problem: please try again in a moment.",
    "contact_card_issuer": "Please contact your bank.",
}


def checkout(client: paycore.Client, card: str, order_id: str) -> paycore.Payment:
    key = f"checkout-{order_id}-{uuid.uuid4()}"
    try:
        return client.payments.create(
            1999, "usd", card, description=f"order {order_id}", metadata={"order_id": order_id}, idempotency_key=key
        )
    except (paycore.TimeoutError, paycore.OutcomeUnknownError):
        # The outcome is unknown: sending the same request with the same
        # key cannot charge twice.
        return client.payments.create(
            1999, "usd", card, description=f"order {order_id}", metadata={"order_id": order_id}, idempotency_key=key
        )


def main(cards: list[str]) -> int:
    client = paycore.Client(
        os.environ["PAYCORE_KEY_ID"],
        os.environ["PAYCORE_SECRET"],
        base_url=os.environ.get("PAYCORE_BASE_URL", "http://127.0.0.1:8080"),
    )
    order_id = uuid.uuid4().hex[:12]
    for card in cards:
        try:
            payment = checkout(client, card, order_id)
        except paycore.CardError as e:
            hint = MESSAGES.get(e.action or "", "Your card was declined.")
            print(f"declined: {e.code} / {e.decline_code} -> {e.action}: {hint} (request {e.request_id})")
            continue
        except paycore.RequestError as e:
            print(f"checkout failed: {type(e).__name__}: {e} (request {e.request_id})", file=sys.stderr)
            return 1
        print(f"paid: {payment.id} {payment.status} {payment.amount} {payment.currency}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["4242424242424242"]))
