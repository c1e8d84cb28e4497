"""The exceptions of paycore.

Every exception paycore raises derives from :class:`PaycoreError`, which
carries ``code`` (a stable, machine-readable code: the core's) and ``reason``
(the code with its detail, e.g. ``missing_header:webhook-id``: the ``reason``
strings of the conformance vectors). Errors caused by bad arguments also
derive from :class:`ValueError`.

The HTTP client's exceptions derive from :class:`RequestError` (itself a
:class:`PaycoreError`): one class per error kind of the Rust SDK
(``paycore_sdk::ErrorKind``), raised by ``paycore._native`` with the call's
metadata (``request_id``, ``attempts``, ``idempotency_key``, ``http_status``)
and the kind's own fields (``CardError.decline_code``,
``RateLimitError.retry_after``, ``InvalidRequestError.param``, ...).
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

__all__ = [
    "PaycoreError",
    "WebhookVerificationError",
    "WebhookConfigError",
    "SigningError",
    "SignatureVerificationError",
    "IdempotencyKeyError",
    "ContentDigestError",
    "RateLimitConfigError",
    "RequestError",
    "CardError",
    "InvalidRequestError",
    "AuthenticationError",
    "PermissionError",
    "NotFoundError",
    "ConflictError",
    "IdempotencyError",
    "RateLimitError",
    "ApiError",
    "TimeoutError",
    "ConnectionError",
    "OutcomeUnknownError",
    "DecodeError",
    "ConfigurationError",
]


class PaycoreError(Exception):
    """The base class of every paycore exception."""

    code: str
    reason: str

    def __init__(self, message: str = "", *, code: str = "", reason: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason if reason is not None else code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, reason={self.reason!r})"


class WebhookVerificationError(PaycoreError):
    """A webhook delivery failed verification.

    ``reason`` is the core's reason (``no_matching_signature``,
    ``timestamp_too_old``, ``missing_header:webhook-signature``, ...);
    ``header`` names the missing header for ``missing_header``.
    ``construct_event`` adds ``invalid_json`` for a verified body that does not
    parse.
    """

    header: Optional[str]

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        reason: Optional[str] = None,
        header: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code, reason=reason)
        self.header = header


class WebhookConfigError(PaycoreError, ValueError):
    """A webhook verifier or signer could not be built (bad secret, unknown
    scheme), or a signer was given bad input (an invalid message id)."""


class SigningError(PaycoreError, ValueError):
    """A request could not be signed (bad URL, key id, nonce or key)."""


class SignatureVerificationError(PaycoreError):
    """A signed request was refused.

    ``signature_base`` is the base the verifier built, when it got that far: a
    signer can diff it with the base it signed.
    """

    signature_base: Optional[str]

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        reason: Optional[str] = None,
        signature_base: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code, reason=reason)
        self.signature_base = signature_base


class IdempotencyKeyError(PaycoreError, ValueError):
    """A string is not a valid idempotency key."""


class ContentDigestError(PaycoreError):
    """A ``Content-Digest`` field is malformed (``malformed_header``), names no
    supported algorithm (``digest_unsupported``), or does not match the body
    (``digest_mismatch``, with ``algorithm``)."""

    algorithm: Optional[str]

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        reason: Optional[str] = None,
        algorithm: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code, reason=reason)
        self.algorithm = algorithm


class RateLimitConfigError(PaycoreError, ValueError):
    """A quota is invalid (``zero_quota``, ``zero_period``, ``zero_burst``) or
    a policy name cannot be rendered (``invalid_policy_name``)."""


class RequestError(PaycoreError):
    """A call of :class:`paycore.Client` / :class:`paycore.AsyncClient` failed.

    ``kind`` is the SDK's error kind (``card_error``, ``rate_limited``,
    ``timeout``, ...: one subclass each); ``code`` is the server's error code
    when it sent one (``card_declined``, ``parameter_invalid``,
    ``payment_invalid_state``, ...), else ``kind``. ``request_id`` is the
    ``Request-Id`` of the last response, ``attempts`` the number of attempts
    made, ``idempotency_key`` the key the request carried (send the same
    request again with it to retry safely), ``http_status`` the status of the
    last response, ``stage`` how far the request got (``construction``,
    ``dispatch``, ``response``) and ``retry_reason`` why the SDK stopped
    retrying (the core's reason code).
    """

    kind: str
    request_id: Optional[str]
    attempts: int
    idempotency_key: Optional[str]
    http_status: Optional[int]
    stage: Optional[str]
    retry_reason: Optional[str]

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        reason: Optional[str] = None,
        kind: str = "",
        request_id: Optional[str] = None,
        attempts: int = 0,
        idempotency_key: Optional[str] = None,
        http_status: Optional[int] = None,
        stage: Optional[str] = None,
        retry_reason: Optional[str] = None,
        **fields: Any,
    ) -> None:
        super().__init__(message, code=code, reason=reason)
        self.kind = kind
        self.request_id = request_id
        self.attempts = attempts
        self.idempotency_key = idempotency_key
        self.http_status = http_status
        self.stage = stage
        self.retry_reason = retry_reason
        for name in type(self)._fields:
            setattr(self, name, fields.pop(name, None))
        if fields:
            raise TypeError(f"unexpected fields for {type(self).__name__}: {sorted(fields)}")

    _fields: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, code={self.code!r}, "
            f"request_id={self.request_id!r}, attempts={self.attempts!r})"
        )


class CardError(RequestError):
    """402: the card was declined (never retried). ``code`` is the error code
    (``card_declined``, ``expired_card``, ...), ``decline_code`` the issuer's
    (``insufficient_funds``, ...), ``action`` what to do next (the core's
    ``UserAction``: ``use_another_payment_method``, ``retry_later_with_new_key``,
    ...), ``payment_id`` the failed payment, when one was created."""

    _fields = ("decline_code", "action", "payment_id")
    decline_code: Optional[str]
    action: Optional[str]
    payment_id: Optional[str]


class InvalidRequestError(RequestError, ValueError):
    """400 (and other 4xx not listed): ``param`` names the field at fault."""

    _fields = ("param",)
    param: Optional[str]


class AuthenticationError(RequestError):
    """401: the key, the signature or the clock was refused (``code`` is the
    verifier's reason)."""


class PermissionError(RequestError):  # noqa: A001 (paycore.PermissionError, by design)
    """403: the key may not do this."""


class NotFoundError(RequestError):
    """404: no such object (``param`` names it, when the server says)."""

    _fields = ("param",)
    param: Optional[str]


class ConflictError(RequestError):
    """409: the object's state forbids this (``payment_invalid_state``), or
    the same idempotency key is still in flight."""


class IdempotencyError(RequestError):
    """422: the idempotency key was already used with a different request."""


class RateLimitError(RequestError):
    """429 after the retries allowed; ``retry_after`` is the server's
    ``Retry-After`` in seconds, if any."""

    _fields = ("retry_after",)
    retry_after: Optional[float]


class ApiError(RequestError):
    """5xx (or an unexpected status) after the retries allowed."""

    _fields = ("status",)
    status: Optional[int]


class TimeoutError(RequestError, builtins.TimeoutError):  # noqa: A001 (paycore.TimeoutError, by design)
    """The overall deadline (or the last attempt's timeout) passed. ``sent``
    says whether the request may have reached the server; retry with
    ``idempotency_key``. Also a builtin ``TimeoutError`` (``except
    TimeoutError`` catches it without the import)."""

    _fields = ("sent",)
    sent: Optional[bool]


class ConnectionError(RequestError, builtins.ConnectionError):  # noqa: A001 (paycore.ConnectionError, by design)
    """The connection failed; ``sent`` is False when connecting failed (the
    request certainly did not arrive). Also a builtin ``ConnectionError``."""

    _fields = ("sent",)
    sent: Optional[bool]


class OutcomeUnknownError(RequestError):
    """The request was sent, may have taken effect, and could not be retried
    safely: look the object up, or send it again with ``idempotency_key``."""


class DecodeError(RequestError):
    """A success response whose body is not the expected JSON."""


class ConfigurationError(RequestError, ValueError):
    """The client or the request could not be built (bad base URL, secret,
    idempotency key or parameter): nothing was sent."""
