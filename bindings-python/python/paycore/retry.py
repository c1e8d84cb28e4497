"""Retry decisions: the core's ``paycore::retry``, for callers with their own
HTTP client.

>>> from paycore import retry
>>> config = retry.RetryConfig(max_attempts=3)
>>> d = retry.decide(config, status=503, attempt=1, method="POST", idempotency_key=True, random=0.5)
>>> d.retry, d.kind
(True, 'error')

Durations are integer milliseconds (``*_ms``); ``RetryDecision.delay`` is the
same delay in seconds, for ``time.sleep`` / ``asyncio.sleep``.
"""

from ._native import (
    RetryBudget,
    RetryConfig,
    RetryDecision,
    backoff_ceiling_ms,
    check_idempotency_key,
    decide,
    new_idempotency_key,
)

__all__ = [
    "RetryBudget",
    "RetryConfig",
    "RetryDecision",
    "backoff_ceiling_ms",
    "check_idempotency_key",
    "decide",
    "new_idempotency_key",
]
