"""paycore.AsyncClient (asyncio) against the real reference server (conftest.py)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

import paycore
from conftest import Server

pytestmark = pytest.mark.asyncio

OK = "4242424242424242"


async def test_create_retrieve_confirm_capture_cancel(server: Server) -> None:
    c = server.async_client()
    p = await c.payments.create(2500, "usd", OK, metadata={"k": "v"})
    assert isinstance(p, paycore.Payment) and p.status == "succeeded" and p.metadata == {"k": "v"}
    assert p.response is not None and p.response.attempts == 1
    assert (await c.payments.retrieve(p.id)).to_dict() == p.to_dict()

    m = await c.payments.create(900, "usd", OK, capture_method="manual")
    assert m.status == "requires_capture"
    assert (await c.payments.capture(m.id)).amount_captured == 900

    x = await c.payments.create(900, "usd", OK, capture_method="manual")
    assert (await c.payments.cancel(x.id)).status == "canceled"

    a = await c.payments.create(900, "usd", "4000002500003155")
    assert a.status == "requires_action"
    assert (await c.payments.confirm(a.id)).status in ("succeeded", "requires_capture")

    r = await c.refunds.create(p.id, amount=500)
    assert (await c.refunds.retrieve(r.id)).amount == 500
    with pytest.raises(paycore.InvalidRequestError) as e:
        await c.refunds.create(p.id, amount=2001)
    assert e.value.code == "amount_too_large"
    assert [x.id async for x in c.refunds.list(payment=p.id)] == [r.id]


async def test_async_list_pages_automatically(server: Server) -> None:
    key_id, secret = server.new_key("py-list-async")
    c = paycore.AsyncClient(key_id, secret, base_url=server.base_url)
    made = await asyncio.gather(*(c.payments.create(300 + i, "gbp", OK) for i in range(103)))
    seen = [p.id async for p in c.payments.list(limit=10)]
    assert len(seen) == 103 and set(seen) == {p.id for p in made}
    it = c.payments.list(limit=1)
    assert it.__aiter__() is it
    with pytest.raises(ValueError, match="status"):
        c.payments.list(status="bogus")


async def test_errors_from_the_server(server: Server) -> None:
    c = server.async_client()
    with pytest.raises(paycore.CardError) as card:
        await c.payments.create(1000, "usd", "4000000000009995")
    assert card.value.decline_code == "insufficient_funds"
    assert card.value.action == "add_funds_or_use_another_card"
    with pytest.raises(paycore.NotFoundError):
        await c.payments.retrieve("pay_missing")
    with pytest.raises(paycore.AuthenticationError):
        await paycore.AsyncClient(server.key_id, b"bad", base_url=server.base_url).payments.retrieve("pay_x")
    with pytest.raises(paycore.RateLimitError) as rl:
        await server.async_client(max_retries=0).payments.create(
            1000, "usd", OK, headers={"Paycore-Test-Fault": "429"}
        )
    assert rl.value.retry_after == 1.0
    k = f"py-{uuid.uuid4()}"
    await c.payments.create(10, "usd", OK, idempotency_key=k)
    with pytest.raises(paycore.IdempotencyError):
        await c.payments.create(11, "usd", OK, idempotency_key=k)
    p = await c.payments.create(10, "usd", OK)
    with pytest.raises(paycore.ConflictError):
        await c.payments.cancel(p.id)


async def test_async_retries_through_fault_triggers(server: Server) -> None:
    key_id, secret = server.new_key("py-retry-async")
    c = paycore.AsyncClient(key_id, secret, base_url=server.base_url)
    p = await c.payments.create(
        77, "usd", OK, headers={"Paycore-Test-Fault": "503", "Paycore-Test-Fault-Times": "2"}
    )
    assert p.response is not None and p.response.attempts == 3
    assert [x.id async for x in c.payments.list()] == [p.id]


async def test_gather_16_and_the_loop_stays_free(server: Server) -> None:
    key_id, secret = server.new_key("py-gather")
    c = paycore.AsyncClient(key_id, secret, base_url=server.base_url)
    made = await asyncio.gather(*(c.payments.create(100 + i, "usd", OK) for i in range(16)))
    assert len({p.id for p in made}) == 16

    # A slow call does not block the event loop: ticks keep running.
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    t = asyncio.ensure_future(ticker())
    t0 = time.monotonic()
    await c.payments.create(1, "usd", OK, headers={"Paycore-Test-Delay-Ms": "300"})
    elapsed = time.monotonic() - t0
    t.cancel()
    assert elapsed >= 0.3 and ticks >= 5


async def test_async_repr_is_redacted(server: Server) -> None:
    c = server.async_client()
    assert server.secret not in repr(c) and "<redacted>" in repr(c)
