"""Every retry vector (retry.json) through paycore.retry, one test per id; the
semantics of paycore/tests/vectors_retry.rs."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from paycore import retry
from vectors import cases, header_pairs, load

DEFAULTS = load("retry.json")["defaults"]


def config(case: dict[str, Any]) -> retry.RetryConfig:
    over = case.get("config") or {}

    def pick(key: str) -> Any:
        return over[key] if key in over else DEFAULTS[key]

    b = pick("budget")
    kw: dict[str, Any] = {}
    if b is not None:
        kw = dict(
            budget_capacity=b["capacity"],
            budget_retry_cost=b["retry_cost"],
            budget_throttle_cost=b["throttle_cost"],
            budget_success_reward=b["success_reward"],
        )
    return retry.RetryConfig(
        max_attempts=pick("max_attempts"),
        base_delay_ms=pick("base_delay_ms"),
        throttle_base_delay_ms=pick("throttle_base_delay_ms"),
        max_backoff_ms=pick("max_backoff_ms"),
        max_retry_after_ms=pick("max_retry_after_ms"),
        budget=b is not None,
        **kw,
    )


def failure_kwargs(f: dict[str, Any]) -> dict[str, Any]:
    if "transport" in f:
        return {"transport": f["transport"]}
    e = f.get("error") or {}
    return {
        "status": f["status"],
        "error_type": e.get("type"),
        "code": e.get("code"),
        "decline_code": e.get("decline_code"),
    }


def check_decision(
    cfg: retry.RetryConfig, budget: retry.RetryBudget, inp: dict[str, Any], random: float, expected: dict[str, Any]
) -> None:
    got = retry.decide(
        cfg,
        headers=header_pairs(inp.get("headers")),
        rate_limit_hint_ms=inp.get("rate_limit_hint_ms"),
        attempt=inp["attempt"],
        time_left_ms=inp.get("time_left_ms"),
        idempotency_key=inp["idempotency_key"],
        method=inp["method"],
        random=random,
        now=inp["now"],
        budget=budget,
        **failure_kwargs(inp["failure"]),
    )
    assert got.decision == expected["decision"], repr(got)
    if expected["decision"] == "retry":
        assert got.retry and got.kind == expected["kind"]
        base = {"throttling": cfg.throttle_base_delay_ms, "stale_connection": 0}.get(got.kind, cfg.base_delay_ms)
        assert retry.backoff_ceiling_ms(base, cfg.max_backoff_ms, inp["attempt"]) == expected["backoff_ceiling_ms"]
        assert got.server_delay_ms == expected.get("server_delay_ms")
        assert got.delay_ms == expected["delay_ms"]
        assert got.delay == expected["delay_ms"] / 1000
        assert got.tokens == expected["tokens"]
    else:
        assert not got.retry and got.delay_ms is None
        assert got.reason == expected["reason"]
        assert got.action == expected.get("action")


def check_budget(budget: retry.RetryBudget, step: dict[str, Any]) -> None:
    got: Optional[int] = budget.available if budget.is_limited else None
    assert got == step.get("budget_after"), "budget after"


@pytest.mark.parametrize("case", cases("retry.json"))
def test_retry_vector(case: dict[str, Any]) -> None:
    cfg = config(case)
    budget = cfg.new_budget()
    steps = case.get("steps")
    if isinstance(steps, list):
        for step in steps:
            if step["op"] == "decide":
                check_decision(cfg, budget, step["input"], step["random"], step["expected"])
            elif step["op"] == "success":
                budget.record_success(step.get("last_retry_tokens"))
            else:
                pytest.fail(f"unknown op {step['op']!r}")
            check_budget(budget, step)
        return
    check_decision(cfg, budget, case["input"], case["random"], case["expected"])
