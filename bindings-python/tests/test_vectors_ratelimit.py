"""The client-side rate-limit vectors (ratelimit.json `parse`) through
paycore.ratelimit, one test per id; the semantics of check_parse in
paycore/tests/vectors_ratelimit.rs. (The `gcra` and `render` cases pin the
server-side limiter, which the Python package does not expose.)"""

from __future__ import annotations

from typing import Any, Optional

import pytest

import paycore
from paycore import ratelimit
from vectors import cases, header_pairs


def hexed(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.hex()


@pytest.mark.parametrize("case", cases("ratelimit.json", "parse"))
def test_parse_vector(case: dict[str, Any]) -> None:
    info = ratelimit.parse_rate_limit(header_pairs(case["headers"]), now=case["now_unix"])
    e = case["expected"]
    assert info.limit == e.get("limit")
    assert info.remaining == e.get("remaining")
    assert info.reset_after_ms == e.get("reset_after_ms")
    assert info.window_ms == e.get("window_ms")
    assert info.used == e.get("used")
    assert info.resource == e.get("resource")
    assert info.retry_after_ms == e.get("retry_after_ms")
    assert info.wait_before_next_ms == e.get("wait_ms")
    w = e.get("wait_ms")
    assert info.wait_before_next() == (None if w is None else w / 1000)
    assert info.policy == e.get("policy")
    assert info.partition_key_hex == e.get("partition_key_hex")
    assert hexed(info.partition_key) == e.get("partition_key_hex")
    assert info.malformed == e["malformed"]
    if isinstance(e.get("policies"), list):
        assert len(info.policies) == len(e["policies"])
        for got, want in zip(info.policies, e["policies"]):
            assert got.name == want["name"]
            assert got.quota == want["quota"]
            assert got.window_seconds == want.get("window_seconds")
            assert got.quota_unit == want["quota_unit"]
            assert hexed(got.partition_key) == want.get("partition_key_hex")
    if isinstance(e.get("limits"), list):
        assert len(info.limits) == len(e["limits"])
        for got_l, want in zip(info.limits, e["limits"]):
            assert got_l.policy == want["policy"]
            assert got_l.remaining == want["remaining"]
            assert got_l.reset_seconds == want.get("reset_seconds")
            assert hexed(got_l.partition_key) == want.get("partition_key_hex")


def quota(q: dict[str, Any]) -> ratelimit.Quota:
    return ratelimit.Quota(q["limit"], q["period_ms"], q["burst"])


def dur_us(step: dict[str, Any], name: str) -> Optional[int]:
    """A duration field given as `<name>_us` or `<name>_ms`, in microseconds."""
    if f"{name}_us" in step:
        v = step[f"{name}_us"]
        return None if v is None else int(v)
    v = step.get(f"{name}_ms")
    return None if v is None else int(v) * 1000


def decision_tuple(d: ratelimit.RateLimitDecision) -> tuple[Any, ...]:
    return (d.allowed, d.limit, d.remaining, d.reset_after_us, d.retry_after_us)


@pytest.mark.parametrize("case", cases("ratelimit.json", "gcra"))
def test_gcra_vector(case: dict[str, Any]) -> None:
    q = quota(case["quota"])
    assert q.emission_interval_us == case["emission_interval_us"]
    assert q.burst_span_us == case["burst_span_us"]
    limiter = ratelimit.RateLimiter(16, 2)
    tat = 0
    for i, step in enumerate(case["requests"]):
        now_us = step["at_ms"] * 1000
        want = (step["allowed"], q.limit, step["remaining"], dur_us(step, "reset_after"), dur_us(step, "retry_after"))
        out, new_tat = q.check(tat, now_us, step["cost"])
        assert decision_tuple(out) == want, f"request {i} (pure)"
        if not step["allowed"]:
            assert new_tat == tat, f"request {i}: state after a denial"
        tat = new_tat
        stored = limiter.check("k", q, now_us, step["cost"])
        assert decision_tuple(stored) == want, f"request {i} (RateLimiter)"


@pytest.mark.parametrize("case", cases("ratelimit.json", "render"))
def test_render_vector(case: dict[str, Any]) -> None:
    q = quota(case["quota"])
    d = case["decision"]
    retry_ms = d.get("retry_after_ms")
    decision = ratelimit.RateLimitDecision(
        allowed=d["allowed"],
        limit=d["limit"],
        remaining=d["remaining"],
        reset_after_us=d["reset_after_ms"] * 1000,
        retry_after_us=None if retry_ms is None else retry_ms * 1000,
    )
    pk_hex = case.get("partition_key_hex")
    pk = None if pk_hex is None else bytes.fromhex(pk_hex)
    name = case["policy_name"]
    if case.get("result") == "invalid":
        with pytest.raises(paycore.RateLimitConfigError) as e:
            ratelimit.render_rate_limit_headers(decision, q, name, pk)
        assert e.value.code == case["reason"]
        return
    got = ratelimit.render_rate_limit_headers(decision, q, name, pk)
    assert got == header_pairs(case["headers"])
    # The rendered headers read back through the parser.
    info = ratelimit.parse_rate_limit(got, now=1_700_000_000)
    assert info.malformed == []
    assert (info.limit, info.remaining, info.policy, info.partition_key) == (d["limit"], d["remaining"], name, pk)

    def ceil_ms(v: int) -> int:
        return -(-v // 1000) * 1000

    want_retry = ceil_ms(retry_ms) if retry_ms is not None and not d["allowed"] else None
    assert info.retry_after_ms == want_retry
    assert info.window_ms == max(ceil_ms(q.period_ms), 1000)
