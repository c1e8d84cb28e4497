"""Rate-limit headers: the core's ``paycore::ratelimit`` readers.

>>> from paycore import ratelimit
>>> info = ratelimit.parse_rate_limit({"Retry-After": "2"}, now=1700000000)
>>> info.retry_after_ms, info.wait_before_next()
(2000, 2.0)

Server side: ``RateLimiter().check(key, Quota(limit, period_ms, burst))`` (GCRA)
and ``render_rate_limit_headers(decision, quota, policy_name)``. Server-side
durations are microseconds (``*_us``), as GCRA keeps them.
"""

from ._native import (
    Quota,
    QuotaPolicy,
    RateLimitDecision,
    RateLimiter,
    RateLimitInfo,
    ServiceLimit,
    parse_rate_limit,
    parse_retry_after_ms,
    render_rate_limit_headers,
)

__all__ = [
    "Quota",
    "QuotaPolicy",
    "RateLimitDecision",
    "RateLimiter",
    "RateLimitInfo",
    "ServiceLimit",
    "parse_rate_limit",
    "parse_retry_after_ms",
    "render_rate_limit_headers",
]
