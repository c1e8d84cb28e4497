"""Rate-limit headers: the core's ``paycore::ratelimit`` readers.

>>> from paycore import ratelimit
>>> info = ratelimit.parse_rate_limit({"Retry-After": "2"}, now=1700000000)
>>> info.retry_after_ms, info.wait_before_next()
(2000, 2.0)
"""

from ._native import (
    QuotaPolicy,
    RateLimitInfo,
    ServiceLimit,
    parse_rate_limit,
    parse_retry_after_ms,
)

__all__ = [
    "QuotaPolicy",
    "RateLimitInfo",
    "ServiceLimit",
    "parse_rate_limit",
    "parse_retry_after_ms",
]
