"""paycore: the payment API client (sync and asyncio), webhooks, request
signing, retry and rate-limit decisions.

A thin layer over the Rust core (``paycore._native``): every decision is the
core's, so Python behaves exactly as the Rust, Node and Kotlin packages do
(they all pass the same conformance vectors).

>>> import paycore
>>> wh = paycore.Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
>>> headers = wh.sign(b'{"type":"ping"}', msg_id="msg_1", timestamp=1700000000)
>>> wh.verify(b'{"type":"ping"}', headers, now=1700000010)
b'{"type":"ping"}'
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from . import ratelimit, retry
from ._errors import (
    ApiError,
    AuthenticationError,
    CardError,
    ConfigurationError,
    ConflictError,
    ConnectionError,
    ContentDigestError,
    DecodeError,
    IdempotencyError,
    IdempotencyKeyError,
    InvalidRequestError,
    NotFoundError,
    OutcomeUnknownError,
    PaycoreError,
    PermissionError,
    RateLimitConfigError,
    RateLimitError,
    RequestError,
    SignatureVerificationError,
    SigningError,
    TimeoutError,
    WebhookConfigError,
    WebhookVerificationError,
)
from ._native import (
    AsyncClient,
    Card,
    Client,
    Deleted,
    Event,
    Payment,
    PaymentError,
    PaymentMethodDetails,
    Redelivery,
    Refund,
    ResponseInfo,
    Usage,
    UsageThreshold,
    WebhookAttempt,
    WebhookEndpoint,
    NonceStore,
    SignedRequest,
    SigningKey,
    VerificationKey,
    VerifiedRequest,
    Webhook,
    __version__,
    check_content_digest,
    content_digest,
    parse_signature,
    signature_base,
)
from ._native import sign as _sign
from ._native import verify as verify_request

__all__ = [
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "Card",
    "CardError",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "ConnectionError",
    "DecodeError",
    "Deleted",
    "Event",
    "IdempotencyError",
    "InvalidRequestError",
    "NotFoundError",
    "OutcomeUnknownError",
    "Payment",
    "PaymentError",
    "PaymentMethodDetails",
    "PermissionError",
    "RateLimitError",
    "Redelivery",
    "Refund",
    "RequestError",
    "ResponseInfo",
    "TimeoutError",
    "Usage",
    "UsageThreshold",
    "WebhookAttempt",
    "WebhookEndpoint",
    "ContentDigestError",
    "IdempotencyKeyError",
    "NonceStore",
    "PaycoreError",
    "RateLimitConfigError",
    "SignatureVerificationError",
    "SignedRequest",
    "SigningError",
    "SigningKey",
    "VerificationKey",
    "VerifiedRequest",
    "Webhook",
    "WebhookConfigError",
    "WebhookVerificationError",
    "__version__",
    "check_content_digest",
    "content_digest",
    "parse_signature",
    "ratelimit",
    "retry",
    "sign",
    "sign_request",
    "signature_base",
    "verify_request",
]

sign = _sign


def sign_request(
    method: str,
    url: str,
    headers: Any,
    body: Optional[bytes],
    key_id: str,
    secret: Union[bytes, str, SigningKey],
    *,
    now: Optional[int] = None,
    nonce: Optional[bytes] = None,
) -> dict[str, str]:
    """Signs a request for your own HTTP client (requests, httpx) and returns
    the headers to add: ``Content-Digest`` (for a non-empty body),
    ``Signature-Input`` and ``Signature``.

    ``secret`` is an HMAC secret (bytes, or str as UTF-8) or a
    :class:`SigningKey` (``SigningKey.ed25519(seed)``). ``now`` defaults to
    the clock, ``nonce`` to 16 bytes from ``os.urandom``. Raises
    :class:`SigningError`.
    """
    return _sign(method, url, headers, body, key_id, secret, now=now, nonce=nonce).headers
