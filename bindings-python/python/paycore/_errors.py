"""The exceptions of paycore.

Every exception paycore raises derives from :class:`PaycoreError`, which
carries ``code`` (a stable, machine-readable code: the core's) and ``reason``
(the code with its detail, e.g. ``missing_header:webhook-id``: the ``reason``
strings of the conformance vectors). Errors caused by bad arguments also
derive from :class:`ValueError`.

The HTTP client's exceptions (``CardError``, ``RateLimitError``, ...) join this
module as subclasses of :class:`PaycoreError`.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "PaycoreError",
    "WebhookVerificationError",
    "WebhookConfigError",
    "SigningError",
    "SignatureVerificationError",
    "IdempotencyKeyError",
    "ContentDigestError",
    "RateLimitConfigError",
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
