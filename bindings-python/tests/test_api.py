"""Unit tests of the Python surface: exceptions, redaction, the header
collections accepted, and bad input (a TypeError / ValueError, never a crash)."""

from __future__ import annotations

import collections
import json
import time
from typing import Any, Iterator, Mapping

import pytest

import paycore
from paycore import ratelimit, retry

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"type":"payment.succeeded","id":"evt_1"}'
NOW = 1700000000


@pytest.fixture
def wh() -> paycore.Webhook:
    return paycore.Webhook(SECRET)


@pytest.fixture
def signed(wh: paycore.Webhook) -> dict[str, str]:
    return wh.sign(BODY, msg_id="msg_1", timestamp=NOW)


# --- exceptions -------------------------------------------------------------

def test_hierarchy() -> None:
    for cls in (
        paycore.WebhookVerificationError,
        paycore.WebhookConfigError,
        paycore.SigningError,
        paycore.SignatureVerificationError,
        paycore.IdempotencyKeyError,
    ):
        assert issubclass(cls, paycore.PaycoreError)
    assert issubclass(paycore.WebhookConfigError, ValueError)
    assert issubclass(paycore.SigningError, ValueError)
    assert not issubclass(paycore.WebhookVerificationError, ValueError)


def test_verification_error_carries_the_core_reason(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    with pytest.raises(paycore.WebhookVerificationError) as e:
        wh.verify(BODY + b" ", signed, now=NOW)
    assert (e.value.code, e.value.reason, e.value.header) == ("no_matching_signature", "no_matching_signature", None)
    missing = {k: v for k, v in signed.items() if k != "webhook-signature"}
    with pytest.raises(paycore.PaycoreError) as e2:
        wh.verify(BODY, missing, now=NOW)
    assert isinstance(e2.value, paycore.WebhookVerificationError)
    assert e2.value.reason == "missing_header:webhook-signature"
    assert e2.value.code == "missing_header"
    assert e2.value.header == "webhook-signature"
    with pytest.raises(paycore.WebhookVerificationError) as e3:
        wh.verify(BODY, signed, now=NOW + 301)
    assert e3.value.reason == "timestamp_too_old"
    assert "tolerance" in str(e3.value)


def test_config_errors_are_value_errors() -> None:
    with pytest.raises(ValueError) as e:
        paycore.Webhook(SECRET, scheme="paypal")
    assert isinstance(e.value, paycore.WebhookConfigError) and e.value.reason == "unknown_scheme"
    with pytest.raises(paycore.WebhookConfigError) as e2:
        paycore.Webhook("whsec_!!!")
    assert e2.value.code == "invalid_secret"
    with pytest.raises(paycore.WebhookConfigError) as e3:
        paycore.Webhook([])
    assert e3.value.code == "no_secrets"


def test_secrets_never_in_errors_or_reprs() -> None:
    secret = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    wh = paycore.Webhook([secret, SECRET], scheme="svix", tolerance=60)
    r = repr(wh)
    assert r == "Webhook(scheme='standard', secrets=<2 redacted>, tolerance=60)"
    assert "whsec" not in r and "QUJD" not in r
    key = paycore.SigningKey.hmac(b"very-secret-bytes")
    assert "very" not in repr(key) and "redacted" in repr(key)
    assert "very" not in repr(key.verification_key())
    for bad in ("whsec_!!bad-secret!!", "nope_" + secret[6:]):
        with pytest.raises(paycore.WebhookConfigError) as e:
            paycore.Webhook(bad)
        assert bad not in str(e.value) and bad not in repr(e.value)


# --- verify / construct_event / sign ---------------------------------------

def test_verify_returns_the_same_body_object(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    assert wh.verify(BODY, signed, now=NOW) is BODY
    assert wh.verify(bytearray(BODY), signed, now=NOW) == BODY
    assert wh.verify(memoryview(BODY), signed, now=NOW) == BODY


def test_now_defaults_to_the_clock(wh: paycore.Webhook) -> None:
    fresh = wh.sign(BODY)
    assert fresh["webhook-id"].startswith("msg_")
    assert abs(int(fresh["webhook-timestamp"]) - time.time()) < 5
    assert wh.verify(BODY, fresh) is BODY
    with pytest.raises(paycore.WebhookVerificationError):
        wh.verify(BODY, wh.sign(BODY, timestamp=NOW))


def test_construct_event(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    assert wh.construct_event(BODY, signed, now=NOW) == json.loads(BODY)
    h = wh.sign(b"not json", msg_id="m", timestamp=NOW)
    with pytest.raises(paycore.WebhookVerificationError) as e:
        wh.construct_event(b"not json", h, now=NOW)
    assert e.value.reason == "invalid_json"


@pytest.mark.parametrize("scheme", ["standard", "svix", "stripe", "github", "shopify", "razorpay"])
def test_every_scheme_round_trips(scheme: str) -> None:
    wh = paycore.Webhook("a-secret" if scheme not in ("standard", "svix") else SECRET, scheme=scheme)
    h = wh.sign(BODY, msg_id="msg_1", timestamp=NOW)
    assert wh.verify(BODY, h, now=NOW) is BODY
    assert set(n.lower() for n in h) <= set(wh.header_names)
    with pytest.raises(paycore.WebhookVerificationError):
        wh.verify(b"{}", h, now=NOW)


def test_tolerance_none_switches_the_window_off() -> None:
    wh = paycore.Webhook(SECRET, tolerance=None)
    assert wh.tolerance is None
    h = wh.sign(BODY, msg_id="m", timestamp=1)
    assert wh.verify(BODY, h, now=NOW) is BODY
    with pytest.raises(ValueError):
        paycore.Webhook(SECRET, tolerance=-1)


def test_signer_errors() -> None:
    with pytest.raises(paycore.WebhookConfigError) as e:
        paycore.Webhook(SECRET).sign(BODY, msg_id="a.b", timestamp=NOW)
    assert e.value.reason == "invalid_msg_id"
    gh = paycore.Webhook(["one", "two"], scheme="github")
    with pytest.raises(paycore.WebhookConfigError) as e2:
        gh.sign(BODY)
    assert e2.value.reason == "too_many_secrets"


# --- header collections ------------------------------------------------------

class Headers(Mapping[str, str]):
    """A case-insensitive Mapping like Starlette's or Werkzeug's."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def __getitem__(self, k: str) -> str:
        for n, v in self._pairs:
            if n.lower() == k.lower():
                return v
        raise KeyError(k)

    def __iter__(self) -> Iterator[str]:
        return iter(n for n, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


def header_forms(signed: dict[str, str]) -> list[Any]:
    title = {k.title(): v for k, v in signed.items()}
    pairs = list(signed.items()) + [("Content-Type", "application/json")]
    return [
        signed,
        title,
        {k.upper(): v for k, v in signed.items()},
        dict(signed, **{"content-length": "41", "user-agent": "x"}),
        pairs,
        tuple(pairs),
        [list(p) for p in pairs],
        [(k.encode(), v.encode()) for k, v in pairs],  # ASGI raw headers
        Headers(pairs),
        collections.OrderedDict(title),
        iter(pairs),
    ]


def test_header_collections(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    for form in header_forms(signed):
        assert wh.verify(BODY, form, now=NOW) is BODY, type(form)


def test_repeated_signature_header_keeps_every_value(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    pairs = [(k, v) for k, v in signed.items() if k != "webhook-signature"]
    pairs += [("webhook-signature", "v1,AAAA"), ("Webhook-Signature", signed["webhook-signature"])]
    assert wh.verify(BODY, pairs, now=NOW) is BODY


def test_non_utf8_header_value_is_skipped(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    pairs = [(k.encode(), v.encode()) for k, v in signed.items()]
    pairs = [(k, b"\xff\xfe" if k == b"webhook-id" else v) for k, v in pairs]
    with pytest.raises(paycore.WebhookVerificationError) as e:
        wh.verify(BODY, pairs, now=NOW)
    assert e.value.reason == "missing_header:webhook-id"


# --- bad input ---------------------------------------------------------------

@pytest.mark.parametrize(
    "body",
    ["a str", {"type": "ping"}, 5, None, None.__class__, [1, 2], 3.5],
)
def test_bad_bodies_are_type_errors(wh: paycore.Webhook, signed: dict[str, str], body: Any) -> None:
    with pytest.raises(TypeError):
        wh.verify(body, signed, now=NOW)


def test_a_str_body_says_why(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    with pytest.raises(TypeError, match="raw body"):
        wh.verify(BODY.decode(), signed, now=NOW)


@pytest.mark.parametrize(
    "headers",
    ["webhook-id: x", b"raw", 42, [("only-one",)], [("a", "b", "c")], [(1, "x")], {"webhook-id": 5}, {1: "x"}, [42]],
)
def test_bad_headers_are_type_or_value_errors(wh: paycore.Webhook, headers: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        wh.verify(BODY, headers, now=NOW)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"secret": b"bytes"},
        {"secret": 5},
        {"secret": [SECRET, 5]},
        {"secret": SECRET, "scheme": 5},
        {"secret": SECRET, "tolerance": "300"},
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises((TypeError, ValueError)):
        paycore.Webhook(**kwargs)


def test_bad_now(wh: paycore.Webhook, signed: dict[str, str]) -> None:
    with pytest.raises(TypeError):
        wh.verify(BODY, signed, now="now")  # type: ignore[arg-type]
    with pytest.raises((OverflowError, ValueError, TypeError)):
        wh.verify(BODY, signed, now=2**70)
    with pytest.raises(paycore.WebhookVerificationError):
        wh.verify(BODY, signed, now=-(2**63))


# --- signing -----------------------------------------------------------------

def test_sign_request_round_trip() -> None:
    url = "https://api.paycore.test/v1/payments?expand=customer"
    headers = {"Content-Type": "application/json", "Idempotency-Key": "k-1"}
    added = paycore.sign_request("POST", url, headers, BODY, "key_1", b"s" * 32, now=NOW)
    assert set(added) == {"Content-Digest", "Signature-Input", "Signature"}
    received = dict(headers, **added)
    keys = {"key_1": [paycore.VerificationKey.hmac(b"s" * 32)]}
    store = paycore.NonceStore()
    ok = paycore.verify_request("POST", url, received, BODY, keys, nonce_store=store, now=NOW + 1)
    assert ok.key_id == "key_1" and ok.alg == "hmac-sha256" and len(store) == 1
    with pytest.raises(paycore.SignatureVerificationError) as e:
        paycore.verify_request("POST", url, received, BODY, keys, nonce_store=store, now=NOW + 2)
    assert e.value.reason == "replayed" and e.value.signature_base == ok.signature_base
    with pytest.raises(paycore.SignatureVerificationError) as e2:
        paycore.verify_request("POST", url, received, BODY + b"x", keys, nonce_store=None, now=NOW)
    assert e2.value.code == "digest_mismatch"


def test_signing_errors() -> None:
    with pytest.raises(paycore.SigningError) as e:
        paycore.sign_request("GET", "not a url", {}, b"", "k", b"secret", now=NOW)
    assert e.value.code
    with pytest.raises(paycore.SigningError) as e2:
        paycore.sign_request("GET", "https://a.test/", {}, b"", "k", b"secret", now=NOW, nonce=b"short")
    assert e2.value.code == "nonce_too_short"
    with pytest.raises(paycore.SigningError):
        paycore.SigningKey.ed25519(b"too short")
    with pytest.raises(TypeError):
        paycore.sign_request("GET", "https://a.test/", {}, b"", "k", 12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        paycore.verify_request("GET", "https://a.test/", {}, b"", {"k": [b"raw"]}, nonce_store=None)  # type: ignore[dict-item]


def test_ed25519_request_signing() -> None:
    key = paycore.SigningKey.ed25519(bytes(range(32)))
    assert key.algorithm == "ed25519"
    added = paycore.sign_request("GET", "https://a.test/x", [], None, "ed", key)
    ok = paycore.verify_request(
        "GET", "https://a.test/x", added, b"", {"ed": key.verification_key()}, nonce_store=paycore.NonceStore()
    )
    assert ok.alg == "ed25519" and ok.components == ['"@method"', '"@authority"', '"@path"', '"@query"']


# --- retry and rate limits ---------------------------------------------------

def test_retry_helpers() -> None:
    cfg = retry.RetryConfig(max_attempts=3, budget=False)
    assert "max_attempts=3" in repr(cfg)
    d = retry.decide(cfg, status=402, decline_code="insufficient_funds", attempt=1, method="POST", idempotency_key=True)
    assert not d.retry and d.reason and d.delay is None
    t = retry.decide(cfg, transport="connect_failed", attempt=1, method="POST", idempotency_key=False, random=0.0)
    assert t.retry and t.delay_ms is not None
    with pytest.raises(ValueError):
        retry.decide(cfg, attempt=1, method="GET", idempotency_key=False)
    with pytest.raises(ValueError):
        retry.decide(cfg, transport="nope", attempt=1, method="GET", idempotency_key=False)
    with pytest.raises(ValueError):
        retry.decide(cfg, status=500, attempt=1, method="GET", idempotency_key=False, random=1.5)
    with pytest.raises((TypeError, OverflowError)):
        retry.decide(cfg, status=70000, attempt=1, method="GET", idempotency_key=False)
    k = retry.new_idempotency_key()
    assert retry.check_idempotency_key(k) == k and k != retry.new_idempotency_key()
    with pytest.raises(paycore.IdempotencyKeyError) as e:
        retry.check_idempotency_key("")
    assert isinstance(e.value, ValueError) and e.value.code


def test_ratelimit_helpers() -> None:
    info = ratelimit.parse_rate_limit({"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "Retry-After": "3"}, now=NOW)
    assert (info.limit, info.remaining, info.retry_after_ms) == (100, 0, 3000)
    assert info.wait_before_next() == 3.0 and not info.is_empty
    assert ratelimit.parse_rate_limit([]).is_empty
    assert ratelimit.parse_retry_after_ms("5") == 5000
    assert ratelimit.parse_retry_after_ms("soon") is None
    with pytest.raises(TypeError):
        ratelimit.parse_rate_limit(42)
