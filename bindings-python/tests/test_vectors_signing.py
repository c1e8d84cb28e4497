"""Every paycore-v1 signing vector (signing_profile.json: sign_cases and
verify_cases) through paycore.sign / paycore.verify_request, one test per id;
the semantics of paycore/tests/vectors_signing.rs."""

from __future__ import annotations

from typing import Any

import pytest

import paycore
from vectors import body_bytes, cases, header_pairs, load

FILE = "signing_profile.json"
KEYS = load(FILE)["keys"]


def signing_key(name: str) -> paycore.SigningKey:
    k = KEYS[name]
    if k["alg"] == "hmac-sha256":
        return paycore.SigningKey.hmac(bytes.fromhex(k["secret_hex"]))
    return paycore.SigningKey.ed25519(bytes.fromhex(k["private_seed_hex"]))


def verification_key(name: str) -> paycore.VerificationKey:
    k = KEYS[name]
    if k["alg"] == "hmac-sha256":
        return paycore.VerificationKey.hmac(bytes.fromhex(k["secret_hex"]))
    return paycore.VerificationKey.ed25519(bytes.fromhex(k["public_hex"]))


def lookup(key_ids: dict[str, list[str]]) -> dict[str, list[paycore.VerificationKey]]:
    return {kid: [verification_key(n) for n in names] for kid, names in key_ids.items()}


def test_ed25519_public_keys_match_their_seeds() -> None:
    for name, k in KEYS.items():
        if k["alg"] == "ed25519":
            signed = paycore.sign("GET", "https://a.test/", [], b"", "k", signing_key(name), now=0, nonce=bytes(16))
            ok = paycore.verify_request(
                "GET", "https://a.test/", list(signed.headers.items()), b"",
                {"k": [verification_key(name)]}, nonce_store=None, now=0,
            )
            assert ok.alg == "ed25519"


def outcome(case: dict[str, Any], msg: dict[str, Any], now: int, store: paycore.NonceStore) -> dict[str, Any]:
    policy = case.get("policy") or {}
    try:
        v = paycore.verify_request(
            msg["method"], msg["url"], header_pairs(msg["headers"]), body_bytes(msg),
            lookup(case["key_ids"]), nonce_store=store, now=now,
            window=policy.get("window_seconds", 300), label=policy.get("label"),
        )
    except paycore.SignatureVerificationError as e:
        assert e.code == e.reason
        return {"result": "invalid", "reason": e.code, "signature_base": e.signature_base, "expected": None}
    return {
        "result": "valid",
        "reason": None,
        "signature_base": v.signature_base,
        "expected": {
            "key_id": v.key_id,
            "key_index": v.key_index,
            "alg": v.alg,
            "created": v.created,
            "nonce": v.nonce,
            "nonce_expires_at": v.expires_at,
            "components": v.components,
        },
    }


@pytest.mark.parametrize("case", cases(FILE, "sign_cases"))
def test_sign_vector(case: dict[str, Any]) -> None:
    try:
        s = paycore.sign(
            case["method"], case["url"], header_pairs(case["headers"]), body_bytes(case),
            case["key_id"], signing_key(case["key"]), now=case["now_unix"],
            nonce=bytes.fromhex(case["nonce_hex"]),
        )
    except paycore.SigningError as e:
        assert case["result"] == "invalid", f"unexpected {e!r}"
        assert e.code == case["reason"]
        return
    assert case["result"] == "valid", f"signed, want {case.get('reason')}"
    e = case["expected"]
    assert (s.content_digest, s.signature_input, s.signature, s.signature_base) == (
        e.get("content_digest"), e["signature_input"], e["signature"], e["signature_base"]
    )
    # What was signed verifies (the added headers replace any of the same name).
    received = [(k, v) for k, v in header_pairs(case["headers"]) if k.lower() not in {n.lower() for n in s.headers}]
    received += list(s.headers.items())
    msg = dict(case, headers=[list(p) for p in received])
    vcase = {"key_ids": {case["key_id"]: [case["key"]]}, "policy": {}}
    out = outcome(vcase, msg, case["now_unix"], paycore.NonceStore(4))
    assert out["result"] == "valid" and out["signature_base"] == e["signature_base"], out
    # sign_request returns the same headers.
    assert paycore.sign_request(
        case["method"], case["url"], header_pairs(case["headers"]), body_bytes(case),
        case["key_id"], signing_key(case["key"]), now=case["now_unix"],
        nonce=bytes.fromhex(case["nonce_hex"]),
    ) == s.headers


@pytest.mark.parametrize("case", cases(FILE, "verify_cases"))
def test_verify_vector(case: dict[str, Any]) -> None:
    store = paycore.NonceStore(1000)
    got = outcome(case, case, case["now_unix"], store)
    want = {
        "result": case.get("result", "?"),
        "reason": case.get("reason"),
        "signature_base": case.get("signature_base"),
        "expected": case.get("expected"),
    }
    assert got == want
    for i, a in enumerate(case.get("attempts") or []):
        msg = dict(case)
        if "headers" in a:
            msg["headers"] = a["headers"]
        got = outcome(case, msg, a["now_unix"], store)
        assert (got["result"], got["reason"]) == (a["result"], a.get("reason")), f"attempt {i}"


