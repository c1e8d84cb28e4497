"""Type stubs of the native module ``paycore._native`` (checked against the
built module by mypy's stubtest in the test suite)."""

from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple, Union, final

_Text = Union[str, bytes]
_Headers = Union[Mapping[str, str], Mapping[_Text, _Text], Iterable[Tuple[_Text, _Text]], Any]
_Body = Union[bytes, bytearray, memoryview]

__version__: str
__all__ = [
    "__version__",
    "Webhook",
    "SigningKey",
    "VerificationKey",
    "NonceStore",
    "SignedRequest",
    "VerifiedRequest",
    "sign",
    "verify",
    "content_digest",
    "signature_base",
    "parse_signature",
    "check_content_digest",
    "RetryConfig",
    "RetryBudget",
    "RetryDecision",
    "decide",
    "backoff_ceiling_ms",
    "new_idempotency_key",
    "check_idempotency_key",
    "RateLimitInfo",
    "QuotaPolicy",
    "ServiceLimit",
    "parse_rate_limit",
    "parse_retry_after_ms",
]

@final
class Webhook:
    def __new__(
        cls,
        secret: Union[str, Sequence[str]],
        scheme: str = "standard",
        tolerance: Optional[int] = 300,
    ) -> Webhook: ...
    @property
    def scheme(self) -> str: ...
    @property
    def tolerance(self) -> Optional[int]: ...
    @property
    def header_names(self) -> list[str]: ...
    def verify(self, body: _Body, headers: _Headers, now: Optional[int] = None) -> Any: ...
    def construct_event(
        self, body: _Body, headers: _Headers, now: Optional[int] = None
    ) -> Any: ...
    def sign(
        self, body: _Body, *, msg_id: Optional[str] = None, timestamp: Optional[int] = None
    ) -> dict[str, str]: ...

@final
class SigningKey:
    @staticmethod
    def hmac(secret: Union[bytes, str]) -> SigningKey: ...
    @staticmethod
    def ed25519(seed: bytes) -> SigningKey: ...
    @property
    def algorithm(self) -> str: ...
    def sign(self, signature_base: bytes) -> bytes: ...
    def verification_key(self) -> VerificationKey: ...

@final
class VerificationKey:
    @staticmethod
    def hmac(secret: Union[bytes, str]) -> VerificationKey: ...
    @staticmethod
    def ed25519(public_key: bytes) -> VerificationKey: ...
    @property
    def algorithm(self) -> str: ...
    def verify(self, signature_base: bytes, signature: bytes) -> bool: ...

@final
class NonceStore:
    def __new__(cls, capacity: int = 100000) -> NonceStore: ...
    def __len__(self) -> int: ...

@final
class SignedRequest:
    @property
    def content_digest(self) -> Optional[str]: ...
    @property
    def signature_input(self) -> str: ...
    @property
    def signature(self) -> str: ...
    @property
    def signature_base(self) -> str: ...
    @property
    def headers(self) -> dict[str, str]: ...

@final
class VerifiedRequest:
    @property
    def key_id(self) -> str: ...
    @property
    def key_index(self) -> int: ...
    @property
    def alg(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def created(self) -> int: ...
    @property
    def nonce(self) -> str: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def components(self) -> list[str]: ...
    @property
    def signature_base(self) -> str: ...

def sign(
    method: str,
    url: str,
    headers: _Headers,
    body: Optional[_Body],
    key_id: str,
    secret: Union[bytes, str, SigningKey],
    *,
    now: Optional[int] = None,
    nonce: Optional[bytes] = None,
) -> SignedRequest: ...
def verify(
    method: str,
    url: str,
    headers: _Headers,
    body: Optional[_Body],
    keys: Mapping[str, Union[VerificationKey, Sequence[VerificationKey]]],
    *,
    nonce_store: Optional[NonceStore],
    now: Optional[int] = None,
    window: int = 300,
    label: Optional[str] = None,
) -> VerifiedRequest: ...

def signature_base(
    signature_input: str,
    headers: _Headers,
    *,
    method: Optional[str] = None,
    url: Optional[str] = None,
    status: Optional[int] = None,
) -> str: ...
def parse_signature(value: str) -> list[tuple[str, bytes]]: ...
def content_digest(body: _Body, algorithm: str = "sha-256") -> str: ...
def check_content_digest(value: str, body: _Body) -> list[str]: ...

@final
class RetryConfig:
    def __new__(
        cls,
        *,
        max_attempts: Optional[int] = None,
        base_delay_ms: Optional[int] = None,
        throttle_base_delay_ms: Optional[int] = None,
        max_backoff_ms: Optional[int] = None,
        max_retry_after_ms: Optional[int] = None,
        budget: bool = True,
        budget_capacity: Optional[int] = None,
        budget_retry_cost: Optional[int] = None,
        budget_throttle_cost: Optional[int] = None,
        budget_success_reward: Optional[int] = None,
    ) -> RetryConfig: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def base_delay_ms(self) -> int: ...
    @property
    def throttle_base_delay_ms(self) -> int: ...
    @property
    def max_backoff_ms(self) -> int: ...
    @property
    def max_retry_after_ms(self) -> int: ...
    def new_budget(self) -> RetryBudget: ...

@final
class RetryBudget:
    @property
    def is_limited(self) -> bool: ...
    @property
    def available(self) -> int: ...
    def record_success(self, last_retry_tokens: Optional[int] = None) -> None: ...

@final
class RetryDecision:
    @property
    def decision(self) -> str: ...
    @property
    def retry(self) -> bool: ...
    @property
    def delay_ms(self) -> Optional[int]: ...
    @property
    def delay(self) -> Optional[float]: ...
    @property
    def kind(self) -> Optional[str]: ...
    @property
    def tokens(self) -> Optional[int]: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def action(self) -> Optional[str]: ...
    @property
    def server_delay_ms(self) -> Optional[int]: ...

def decide(
    config: RetryConfig,
    *,
    attempt: int,
    method: str,
    idempotency_key: bool,
    status: Optional[int] = None,
    transport: Optional[str] = None,
    error_type: Optional[str] = None,
    code: Optional[str] = None,
    decline_code: Optional[str] = None,
    headers: Optional[_Headers] = None,
    rate_limit_hint_ms: Optional[int] = None,
    time_left_ms: Optional[int] = None,
    budget: Optional[RetryBudget] = None,
    random: Optional[float] = None,
    now: Optional[int] = None,
) -> RetryDecision: ...
def backoff_ceiling_ms(base_ms: int, cap_ms: int, attempt: int) -> int: ...
def new_idempotency_key() -> str: ...
def check_idempotency_key(key: str) -> str: ...

@final
class QuotaPolicy:
    @property
    def name(self) -> str: ...
    @property
    def quota(self) -> int: ...
    @property
    def window_seconds(self) -> Optional[int]: ...
    @property
    def quota_unit(self) -> str: ...
    @property
    def partition_key(self) -> Optional[bytes]: ...

@final
class ServiceLimit:
    @property
    def policy(self) -> str: ...
    @property
    def remaining(self) -> int: ...
    @property
    def reset_seconds(self) -> Optional[int]: ...
    @property
    def partition_key(self) -> Optional[bytes]: ...

@final
class RateLimitInfo:
    @property
    def limit(self) -> Optional[int]: ...
    @property
    def remaining(self) -> Optional[int]: ...
    @property
    def reset_after_ms(self) -> Optional[int]: ...
    @property
    def window_ms(self) -> Optional[int]: ...
    @property
    def used(self) -> Optional[int]: ...
    @property
    def resource(self) -> Optional[str]: ...
    @property
    def retry_after_ms(self) -> Optional[int]: ...
    @property
    def policy(self) -> Optional[str]: ...
    @property
    def partition_key(self) -> Optional[bytes]: ...
    @property
    def partition_key_hex(self) -> Optional[str]: ...
    @property
    def policies(self) -> list[QuotaPolicy]: ...
    @property
    def limits(self) -> list[ServiceLimit]: ...
    @property
    def malformed(self) -> list[str]: ...
    @property
    def wait_before_next_ms(self) -> Optional[int]: ...
    @property
    def is_empty(self) -> bool: ...
    def wait_before_next(self) -> Optional[float]: ...

def parse_rate_limit(headers: _Headers, now: Optional[int] = None) -> RateLimitInfo: ...
def parse_retry_after_ms(value: str, now: Optional[int] = None) -> Optional[int]: ...
