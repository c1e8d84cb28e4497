"""paycore.Client (sync) against the real reference server (conftest.py)."""

from __future__ import annotations

import builtins
import concurrent.futures
import json
import threading
import time
import uuid

import pytest

import paycore
from conftest import Server

OK = "4242424242424242"


def key() -> str:
    return f"py-{uuid.uuid4()}"


def test_create_retrieve_and_typed_objects(server: Server) -> None:
    c = server.client()
    p = c.payments.create(1999, "usd", OK, description="book", metadata={"order": "42"})
    assert isinstance(p, paycore.Payment)
    assert p.id.startswith("pay_") and p.status == "succeeded"
    assert (p.amount, p.currency, p.amount_captured) == (1999, "USD", 1999)
    assert p.metadata == {"order": "42"} and p.description == "book"
    assert isinstance(p.payment_method, paycore.PaymentMethodDetails)
    assert p.payment_method.type == "card"
    assert p.payment_method.card is not None and p.payment_method.card.last4 == "4242"
    assert p.last_payment_error is None
    assert p.response is not None and p.response.attempts == 1
    assert p.response.request_id and p.response.http_status in (200, 201)
    assert p.response.idempotency_key  # minted by the SDK for the POST
    d = p.to_dict()
    assert d["id"] == p.id and d["object"] == "payment" and d["metadata"] == {"order": "42"}
    assert d["payment_method"]["card"]["last4"] == "4242"
    assert "Payment(" in repr(p) and p.id in repr(p)

    again = c.payments.retrieve(p.id)
    assert again.to_dict() == d
    assert again.response is not None and again.response.idempotency_key is None


def test_list_pages_automatically(server: Server) -> None:
    # Another merchant: a list of exactly its own payments.
    key_id, secret = server.new_key("py-list-sync")
    c = paycore.Client(key_id, secret, base_url=server.base_url)
    ids = {c.payments.create(100 + i, "eur", OK).id for i in range(105)}
    seen = [p.id for p in c.payments.list(limit=7)]
    assert len(seen) == 105 and set(seen) == ids  # 15 pages of 7
    assert len(set(seen)) == 105
    # Newest first, and filters reach the server.
    assert [p.id for p in c.payments.list(limit=100, status="failed")] == []
    it = c.payments.list(limit=2)
    assert iter(it) is it
    first = next(it)
    assert isinstance(first, paycore.Payment) and first.response is None
    with pytest.raises(ValueError, match="status"):
        c.payments.list(status="nonsense")


def test_manual_capture_confirm_cancel(server: Server) -> None:
    c = server.client()
    p = c.payments.create(5000, "usd", OK, capture_method="manual")
    assert (p.status, p.capture_method, p.amount_capturable) == ("requires_capture", "manual", 5000)
    captured = c.payments.capture(p.id, amount_to_capture=3000)
    assert captured.status == "succeeded" and captured.amount_captured == 3000

    q = c.payments.create(700, "usd", OK, capture_method="manual")
    canceled = c.payments.cancel(q.id, cancellation_reason="requested_by_customer")
    assert canceled.status == "canceled" and canceled.cancellation_reason == "requested_by_customer"

    r = c.payments.create(800, "usd", "4000002500003155")
    assert r.status == "requires_action"
    confirmed = c.payments.confirm(r.id)
    assert confirmed.status in ("succeeded", "requires_capture")


def test_refunds_and_over_refund(server: Server) -> None:
    c = server.client()
    p = c.payments.create(1000, "usd", OK)
    r1 = c.refunds.create(p.id, amount=400, reason="requested_by_customer")
    assert isinstance(r1, paycore.Refund)
    assert (r1.payment, r1.amount, r1.reason) == (p.id, 400, "requested_by_customer")
    assert c.refunds.retrieve(r1.id).to_dict() == r1.to_dict()
    with pytest.raises(paycore.InvalidRequestError) as e:
        c.refunds.create(p.id, amount=601)
    assert e.value.code == "amount_too_large" and e.value.http_status == 400
    assert e.value.param == "amount"
    r2 = c.refunds.create(p.id)  # the rest
    assert r2.amount == 600
    assert {r.id for r in c.refunds.list(payment=p.id, limit=1)} == {r1.id, r2.id}
    assert c.payments.retrieve(p.id).refunded


@pytest.mark.parametrize(
    ("card", "code", "decline_code", "action"),
    [
        ("4000000000000002", "card_declined", "generic_decline", "use_another_payment_method"),
        ("4000000000009995", "card_declined", "insufficient_funds", "add_funds_or_use_another_card"),
        ("4000000000000069", "expired_card", "expired_card", "update_card_details"),
        ("4000000000000127", "incorrect_cvc", "incorrect_cvc", "update_card_details"),
    ],
)
def test_declines_are_card_errors(server: Server, card: str, code: str, decline_code: str, action: str) -> None:
    c = server.client()
    with pytest.raises(paycore.CardError) as e:
        c.payments.create(1000, "usd", card)
    err = e.value
    assert isinstance(err, paycore.RequestError) and isinstance(err, paycore.PaycoreError)
    assert (err.kind, err.code, err.http_status, err.attempts) == ("card_error", code, 402, 1)
    assert err.decline_code == decline_code
    assert err.action == action
    assert err.request_id and err.idempotency_key
    assert err.stage == "response"
    if err.payment_id:
        failed = c.payments.retrieve(err.payment_id)
        assert failed.status == "failed"
        assert failed.last_payment_error is not None
        assert failed.last_payment_error.decline_code == decline_code


def test_every_error_class_from_the_server(server: Server) -> None:
    c = server.client()
    with pytest.raises(paycore.AuthenticationError) as auth:
        paycore.Client(server.key_id, b"not the secret", base_url=server.base_url).payments.retrieve("pay_x")
    assert auth.value.http_status == 401 and auth.value.request_id

    with pytest.raises(paycore.NotFoundError) as nf:
        c.payments.retrieve("pay_does_not_exist")
    assert nf.value.code == "resource_missing" and nf.value.param == "id"

    with pytest.raises(paycore.InvalidRequestError) as inv:
        c.payments.create(0, "usd", OK)
    assert inv.value.param == "amount" and isinstance(inv.value, ValueError)

    p = c.payments.create(1000, "usd", OK)
    with pytest.raises(paycore.ConflictError) as conflict:
        c.payments.capture(p.id)
    assert conflict.value.code == "payment_invalid_state" and conflict.value.http_status == 409

    k = key()
    c.payments.create(1000, "usd", OK, idempotency_key=k)
    with pytest.raises(paycore.IdempotencyError) as idem:
        c.payments.create(2000, "usd", OK, idempotency_key=k)
    assert idem.value.idempotency_key == k and idem.value.http_status == 422

    no_retry = server.client(max_retries=0)
    with pytest.raises(paycore.RateLimitError) as rl:
        no_retry.payments.create(1000, "usd", OK, headers={"Paycore-Test-Fault": "429"})
    assert rl.value.retry_after == 1.0 and rl.value.attempts == 1 and rl.value.http_status == 429

    with pytest.raises(paycore.ApiError) as api:
        no_retry.payments.create(1000, "usd", OK, headers={"Paycore-Test-Fault": "500"})
    assert api.value.status == 500 and api.value.code == "internal_error"

    dead = paycore.Client(server.key_id, server.secret, base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(paycore.ConnectionError) as conn:
        dead.payments.retrieve("pay_x")
    assert conn.value.sent is False and conn.value.attempts == 1
    assert isinstance(conn.value, builtins.ConnectionError) and conn.value.kind == "connection"

    # The attempt timed out after sending, and no retry is allowed: the
    # outcome is unknown; the key lets the caller send it again safely.
    k = key()
    with pytest.raises(paycore.OutcomeUnknownError) as unknown:
        no_retry.payments.create(
            1000, "usd", OK, idempotency_key=k, timeout=0.2, headers={"Paycore-Test-Delay-Ms": "1500"}
        )
    assert unknown.value.idempotency_key == k and unknown.value.stage == "dispatch"
    time.sleep(1.6)  # past the delayed original, whether the server finished it or dropped it
    again = no_retry.payments.create(1000, "usd", OK, idempotency_key=k)
    assert again.status == "succeeded" and again.response is not None
    assert again.response.idempotency_key == k

    # The overall deadline passed.
    with pytest.raises(paycore.TimeoutError) as to:
        server.client(deadline=0.3).payments.create(1000, "usd", OK, headers={"Paycore-Test-Delay-Ms": "1500"})
    assert to.value.sent is True and to.value.idempotency_key and to.value.retry_reason == "deadline"
    assert isinstance(to.value, builtins.TimeoutError) and to.value.stage == "dispatch"

    with pytest.raises(paycore.ConfigurationError):
        paycore.Client("key_1", "not base64!", base_url=server.base_url)
    with pytest.raises(paycore.ConfigurationError):
        paycore.Client(server.key_id, server.secret, base_url="not a url")
    with pytest.raises(paycore.ConfigurationError):
        c.payments.retrieve("")
    with pytest.raises(ValueError, match="timeout"):
        paycore.Client(server.key_id, server.secret, timeout=-1)
    with pytest.raises(TypeError):
        paycore.Client(server.key_id, 42)  # type: ignore[arg-type]


def test_retries_through_fault_triggers(server: Server) -> None:
    key_id, secret = server.new_key("py-retry-sync")
    c = paycore.Client(key_id, secret, base_url=server.base_url)
    k = key()
    p = c.payments.create(
        1234, "usd", OK, idempotency_key=k, headers={"Paycore-Test-Fault": "503", "Paycore-Test-Fault-Times": "2"}
    )
    assert p.response is not None and p.response.attempts == 3
    assert p.response.idempotency_key == k
    assert [x.id for x in c.payments.list()] == [p.id]  # exactly one payment

    # Still failing after the attempts allowed: the error says how many.
    with pytest.raises(paycore.ApiError) as e:
        c.payments.create(1, "usd", OK, headers={"Paycore-Test-Fault": "503", "Paycore-Test-Fault-Times": "5"})
    assert e.value.attempts == 3 and e.value.status == 503
    assert [x.id for x in c.payments.list()] == [p.id]


def test_threads_share_one_client(server: Server) -> None:
    key_id, secret = server.new_key("py-threads")
    c = paycore.Client(key_id, secret, base_url=server.base_url)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        made = list(pool.map(lambda i: c.payments.create(100 + i, "usd", OK), range(16)))
    assert len({p.id for p in made}) == 16
    assert {p.id for p in c.payments.list(limit=5)} == {p.id for p in made}


def test_the_gil_is_released_while_a_call_waits(server: Server) -> None:
    c = server.client()
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.005)

    t = threading.Thread(target=count)
    t.start()
    try:
        before = ticks
        c.payments.create(1, "usd", OK, headers={"Paycore-Test-Delay-Ms": "300"})
        during = ticks - before
    finally:
        stop.set()
        t.join()
    # A call that held the GIL for its 300 ms would let the thread tick at most once.
    assert during >= 5


def test_secrets_are_redacted(server: Server) -> None:
    c = server.client()
    r = repr(c)
    assert server.secret not in r and "<redacted>" in r and server.key_id in r
    assert server.base_url in r and c.base_url == server.base_url and c.key_id == server.key_id
    with pytest.raises(paycore.AuthenticationError) as e:
        paycore.Client(server.key_id, b"wrong-secret-bytes", base_url=server.base_url).payments.retrieve("pay_1")
    assert "wrong-secret-bytes" not in str(e.value) and "wrong-secret-bytes" not in repr(e.value)


def test_events_follow_payments(server: Server) -> None:
    key_id, secret = server.new_key("py-events")
    c = paycore.Client(key_id, secret, base_url=server.base_url)
    p = c.payments.create(4200, "usd", OK)
    events = list(c.events.list(limit=1))
    assert events and all(isinstance(e, paycore.Event) for e in events)
    succeeded = [e for e in events if e.type == "payment.succeeded"]
    assert len(succeeded) == 1
    ev = c.events.retrieve(succeeded[0].id)
    assert ev.data["object"]["id"] == p.id
    obj = ev.data_object()
    assert isinstance(obj, paycore.Payment) and obj.id == p.id
    assert [e.id for e in c.events.list(type="payment.succeeded")] == [ev.id]


# --- webhook endpoints, event attempts / redelivery, usage ---


def test_webhook_endpoints(server: Server) -> None:
    c = server.client()
    we = c.webhook_endpoints.create("https://example.com/hooks", ["payment.succeeded"], description="d")
    assert isinstance(we, paycore.WebhookEndpoint) and we.secret and we.secret.startswith("whsec_")
    assert we.secret not in repr(we)
    got = c.webhook_endpoints.retrieve(we.id)
    assert got.secret is None and got.enabled_events == ["payment.succeeded"]
    up = c.webhook_endpoints.update(we.id, enabled=False, description="off")
    assert up.status == "disabled" and up.description == "off"
    rot = c.webhook_endpoints.rotate_secret(we.id, expires_in=60)
    assert rot.secret and rot.secret != we.secret and rot.previous_secret_expires
    assert we.id in {x.id for x in c.webhook_endpoints.list(limit=1)}
    gone = c.webhook_endpoints.delete(we.id)
    assert isinstance(gone, paycore.Deleted) and gone.deleted and gone.id == we.id
    with pytest.raises(paycore.NotFoundError):
        c.webhook_endpoints.retrieve(we.id)


def test_event_attempts_and_redeliver(server: Server) -> None:
    c = server.client()
    we = c.webhook_endpoints.create("http://127.0.0.1:9/hook", ["*"])
    c.payments.create(100, "usd", OK)
    ev = next(iter(c.events.list(type="payment.succeeded", limit=1)))
    red = c.events.redeliver(ev.id, endpoint=we.id)
    assert isinstance(red, paycore.Redelivery) and red.event == ev.id and red.endpoints == [we.id]
    for a in c.events.attempts(ev.id, limit=10):
        assert isinstance(a, paycore.WebhookAttempt) and a.event == ev.id
    c.webhook_endpoints.delete(we.id)


def test_usage(server: Server) -> None:
    c = server.client()
    u = c.usage.retrieve()
    assert isinstance(u, paycore.Usage) and u.plan == "scale" and u.limit > 0
    assert u.to_dict()["object"] == "usage"


# --- object conversion without the server (objects the server does not serve yet) ---


def test_webhook_endpoint_and_usage_objects_convert() -> None:
    raw = {
        "id": "we_1",
        "object": "webhook_endpoint",
        "url": "https://example.com/h",
        "enabled_events": ["*"],
        "description": None,
        "status": "disabled",
        "disabled_reason": "gone",
        "signature_algorithm": "v1",
        "secret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
        "public_key": None,
        "previous_secret_expires": 1700000000,
        "created": 1,
    }
    we = paycore._native._object_from_json("webhook_endpoint", json.dumps(raw))
    assert isinstance(we, paycore.WebhookEndpoint)
    assert (we.status, we.disabled_reason, we.signature_algorithm) == ("disabled", "gone", "v1")
    assert we.secret == raw["secret"] and raw["secret"] not in repr(we)
    assert we.to_dict() == raw and we.response is None
    usage_event = {
        "id": "evt_1",
        "object": "event",
        "type": "usage.threshold_reached",
        "created": 1,
        "data": {
            "object": {
                "object": "usage",
                "month": "2026-12",
                "volume": 800,
                "limit": 1000,
                "percentage": 80.0,
                "thresholds_reached": [80],
                "projected_volume": 1600,
                "overage_allowed": False,
                "plan": "sandbox",
                "threshold": 80,
            }
        },
    }
    ev = paycore._native._object_from_json("event", json.dumps(usage_event))
    th = ev.data_object()
    assert isinstance(th, paycore.UsageThreshold) and th.threshold == 80
    assert th.usage.volume == 800 and th.usage.thresholds_reached == [80]
    attempt = paycore._native._object_from_json(
        "webhook_attempt",
        json.dumps(
            {
                "id": "wa_1",
                "object": "webhook_attempt",
                "event": "evt_1",
                "endpoint": "we_1",
                "webhook_id": "msg_1",
                "attempt": 2,
                "created": 1,
                "url": "https://example.com/h",
                "status_code": None,
                "duration_ms": 5000,
                "response_body": None,
                "error_kind": "timeout",
                "result": "failed",
            }
        ),
    )
    assert (attempt.attempt, attempt.status_code, attempt.result) == (2, None, "failed")
    with pytest.raises(ValueError):
        paycore._native._object_from_json("payment", "{}")
