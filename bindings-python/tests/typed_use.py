"""Type-checked (mypy --strict) by test_stubs.py: the public API as a user
writes it. Not collected by pytest."""

from __future__ import annotations

from typing import Any

import paycore
from paycore import ratelimit, retry


def receive(body: bytes, headers: dict[str, str]) -> Any:
    wh = paycore.Webhook(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], scheme="standard", tolerance=300)
    try:
        return wh.construct_event(body, headers)
    except paycore.WebhookVerificationError as e:
        reason: str = e.reason
        return reason


def outgoing() -> dict[str, str]:
    return paycore.sign_request("POST", "https://api.test/v1/x", {"Content-Type": "application/json"}, b"{}", "k", b"secret")


def pace() -> float:
    d = retry.decide(retry.RetryConfig(), status=503, attempt=1, method="GET", idempotency_key=False)
    info = ratelimit.parse_rate_limit({"Retry-After": "1"})
    wait = info.wait_before_next()
    return (d.delay or 0.0) + (wait or 0.0)


def verified_is_bytes(body: bytes, headers: dict[str, str]) -> bytes:
    return paycore.Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify(body, headers)


def charge(client: paycore.Client) -> list[str]:
    try:
        p = client.payments.create(1000, "usd", "4242424242424242", metadata={"order": "1"})
    except paycore.CardError as e:
        return [e.code, e.decline_code or "", e.action or "", str(e.attempts)]
    attempts: int = p.response.attempts if p.response else 0
    ids = [x.id for x in client.payments.list(limit=10)]
    return ids + [p.status, str(attempts), str(p.to_dict()["amount"])]


async def charge_async(client: paycore.AsyncClient) -> list[str]:
    p = await client.payments.create(1000, "usd", "4242424242424242")
    refunds = [r.amount async for r in client.refunds.list(payment=p.id)]
    try:
        await client.payments.retrieve("pay_missing")
    except paycore.RateLimitError as e:
        wait: float = e.retry_after or 0.0
        return [str(wait)]
    except paycore.NotFoundError as e:
        return [e.param or "", str(refunds)]
    return []
