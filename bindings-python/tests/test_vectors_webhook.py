"""Every webhook vector through paycore.Webhook, one test per id; the same
semantics as paycore/tests/vectors_webhook.rs."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

import paycore
from vectors import body_bytes, cases, header_pairs

FILES = [
    ("standard_webhooks_vectors.json", "standard"),
    ("stripe_vectors.json", "stripe"),
    ("other_schemes_vectors.json", ""),
    ("webhook_extra.json", ""),
]

PARAMS = [
    pytest.param(p.values[0], default, id=f"{name[:-5]}::{p.id}")
    for name, default in FILES
    for p in cases(name)
]


def secrets(case: dict[str, Any]) -> list[str]:
    if isinstance(case.get("secrets"), list):
        return list(case["secrets"])
    return [case["secret"]]


def tolerance(case: dict[str, Any]) -> Optional[int]:
    t: Optional[int] = 300
    if "tolerance_seconds" in case:
        t = case["tolerance_seconds"]  # null = no tolerance check
    if (case.get("options") or {}).get("ignore_timestamp") is True:
        t = None
    return t


def reason_of(fn: Any) -> Optional[str]:
    """None when ``fn()`` succeeds, else the paycore reason it raised."""
    try:
        fn()
    except paycore.PaycoreError as e:
        assert e.reason, "an error without a reason"
        return e.reason
    return None


def verify(case: dict[str, Any], scheme: str) -> Optional[str]:
    def run() -> None:
        wh = paycore.Webhook(secrets(case), scheme=scheme, tolerance=tolerance(case))
        if isinstance(case.get("header"), str):
            headers = [("Stripe-Signature", case["header"])]
        else:
            headers = header_pairs(case.get("headers"))
        body = body_bytes(case)
        got = wh.verify(body, headers, now=case.get("now") or 0)
        assert got is body, "verify returns the body it was given"

    return reason_of(run)


def check_outcome(got: Optional[str], result: str, expected: dict[str, Any]) -> None:
    if result == "valid":
        assert got is None, f"expected valid, got {got}"
    elif result == "invalid":
        assert got is not None, f"expected invalid ({expected.get('reason')}), got valid"
        assert got == expected["reason"]
    else:
        pytest.fail(f"unknown expected result {result!r}")


def check_standard_signature(case: dict[str, Any], want: str) -> None:
    wh = paycore.Webhook(secrets(case), scheme="standard")
    out = wh.sign(body_bytes(case), msg_id=case["msg_id"], timestamp=case["timestamp"])
    assert out.get("webhook-signature") == want


@pytest.mark.parametrize("case,default_scheme", PARAMS)
def test_webhook_vector(case: dict[str, Any], default_scheme: str) -> None:
    scheme = case.get("scheme") or default_scheme
    expected = case["paycore_expected"] if isinstance(case.get("paycore_expected"), dict) else case["expected"]
    result = expected["result"]
    kind = case.get("kind") or "verify"
    if kind == "sign":
        sign_case(case, scheme)
    elif kind == "verify":
        got = verify(case, scheme)
        if isinstance(case.get("expected_signature"), str):
            check_standard_signature(case, case["expected_signature"])
        check_outcome(got, result, expected)
    elif kind == "construct":
        def run() -> None:
            wh = paycore.Webhook(secrets(case), scheme=scheme)
            if isinstance(case.get("headers"), dict):
                event = wh.construct_event(
                    body_bytes(case), header_pairs(case["headers"]), now=case.get("now") or 0
                )
                assert event == json.loads(body_bytes(case))

        check_outcome(reason_of(run), result, expected)
    else:
        pytest.fail(f"unknown kind {kind!r}")


def sign_case(case: dict[str, Any], scheme: str) -> None:
    if isinstance(case.get("expected_signature"), str):
        check_standard_signature(case, case["expected_signature"])
        return
    msg_id = case.get("msg_id") or ""
    timestamp = case.get("timestamp")
    body = body_bytes(case)
    if isinstance(case.get("expected_header"), str):
        h = case["expected_header"]
        t = int(h[2:].split(",")[0]) if h.startswith("t=") else timestamp
        assert t is not None
        out = paycore.Webhook(secrets(case), scheme=scheme).sign(body, msg_id=msg_id or None, timestamp=t)
        got = {k.lower(): v for k, v in out.items()}
        assert got.get("stripe-signature") == h
        return
    want = case.get("expected_headers")
    if isinstance(want, dict):
        def run() -> dict[str, str]:
            wh = paycore.Webhook(secrets(case), scheme=scheme)
            return wh.sign(body, msg_id=msg_id or None, timestamp=timestamp or 0)

        out = run()
        assert len(out) == len(want), out
        lower = {k.lower(): v for k, v in out.items()}
        for name, value in want.items():
            assert lower.get(name.lower()) == value, name
        return
    pytest.fail("a sign case needs expected_signature, expected_header or expected_headers")
