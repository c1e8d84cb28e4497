"""The client-side rate-limit vectors (ratelimit.json `parse`) through
paycore.ratelimit, one test per id; the semantics of check_parse in
paycore/tests/vectors_ratelimit.rs. (The `gcra` and `render` cases pin the
server-side limiter, which the Python package does not expose.)"""

from __future__ import annotations

from typing import Any, Optional

import pytest

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
