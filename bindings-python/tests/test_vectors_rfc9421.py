"""RFC 9421 Appendix B and section 3.2 (rfc9421_vectors.json `cases`): the
signature base of every example through paycore.signature_base, and the
hmac-sha256 / ed25519 signatures through the keys; the semantics of
rfc9421_case in paycore/tests/vectors_signing.rs. (RSA and ECDSA: paycore
implements neither; the base is what these cases pin.)"""

from __future__ import annotations

import base64
from typing import Any, Callable, Optional

import pytest

import paycore
from vectors import cases, load

FILE = load("rfc9421_vectors.json")
Pairs = list[tuple[str, str]]


def parse_http(text: str) -> tuple[str, Pairs, bytes]:
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k, v.strip()))
    return lines[0], headers, body.encode()


def set_header(headers: Pairs, name: str, value: str) -> Pairs:
    return [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, value)]


def rfc_base(text: str, signature_input: str, fix: Optional[Callable[[Pairs, bytes], Pairs]] = None) -> str:
    start, headers, body = parse_http(text)
    if fix is not None:
        headers = fix(headers, body)
    first, second = start.split(" ")[:2]
    if first.startswith("HTTP/"):
        return paycore.signature_base(signature_input, headers, status=int(second))
    host = next(v for k, v in headers if k.lower() == "host")
    return paycore.signature_base(signature_input, headers, method=first, url=f"https://{host}{second}")


def pem_body(pem: str) -> bytes:
    return base64.b64decode("".join(line for line in pem.splitlines() if not line.startswith("-----")))


def ed25519_raw(pem: str, prefix_hex: str) -> bytes:
    der = pem_body(pem)
    prefix = bytes.fromhex(prefix_hex)
    assert der.startswith(prefix), "unexpected DER prefix"
    return der[len(prefix):]


def rfc_keys(keyid: str, alg: str) -> Optional[tuple[paycore.SigningKey, paycore.VerificationKey]]:
    key = FILE["keys"][keyid]
    if alg == "hmac-sha256":
        secret = bytes.fromhex(key["hex"])
        assert len(secret) == key["length_bytes"] and base64.b64decode(key["base64"]) == secret
        return paycore.SigningKey.hmac(secret), paycore.VerificationKey.hmac(secret)
    if alg == "ed25519":
        seed = ed25519_raw(key["private_pem"], "302e020100300506032b657004220420")
        public = ed25519_raw(key["public_pem"], "302a300506032b6570032100")
        return paycore.SigningKey.ed25519(seed), paycore.VerificationKey.ed25519(public)
    return None


@pytest.mark.parametrize("case", cases("rfc9421_vectors.json", "cases"))
def test_rfc9421_vector(case: dict[str, Any]) -> None:
    ref = case["message"]
    text = {"test-request": FILE["test_request"], "test-response": FILE["test_response"]}.get(ref, ref)
    si = case["signature_input"]
    expected = case["signature_base"]
    # Erratum: the test-response's printed Content-Digest is not the digest of
    # its body; the printed base uses the correct value.
    wrong = ref == "test-response" and FILE["content_digest_check"]["test_response_content_digest_header_matches"] is False

    def fix(h: Pairs, body: bytes) -> Pairs:
        return set_header(h, "Content-Digest", paycore.content_digest(body, "sha-512")) if wrong else h

    base = rfc_base(text, si, fix)
    assert base == expected
    if wrong:
        printed = rfc_base(text, si)
        differing = [(a, b) for a, b in zip(printed.split("\n"), expected.split("\n")) if a != b]
        assert len(differing) == 1 and differing[0][0].startswith('"content-digest"')

    sigs = paycore.parse_signature(case["signature"])
    assert len(sigs) == 1
    label, sig = sigs[0]
    assert si.startswith(label + "=")
    keys = rfc_keys(case["keyid"], case["alg"])
    if keys is None:
        return
    sk, vk = keys
    assert vk.verify(base.encode(), sig), "the RFC signature does not verify"
    tampered = bytes([base.encode()[0] ^ 1]) + base.encode()[1:]
    assert not vk.verify(tampered, sig)
    if case.get("deterministic") is True:
        assert sk.sign(base.encode()) == sig
    for v in case.get("still_valid_variants") or []:
        _, h, _ = parse_http(v)
        vsi = next(val for k, val in h if k == "Signature-Input")
        vbase = rfc_base(v, vsi)
        assert vbase == expected and vk.verify(vbase.encode(), sig), v
    for v in case.get("invalid_variants") or []:
        _, h, _ = parse_http(v)
        vsi = next(val for k, val in h if k == "Signature-Input")
        vbase = rfc_base(v, vsi)
        assert vbase != expected and not vk.verify(vbase.encode(), sig), v


def test_signature_base_bad_input() -> None:
    with pytest.raises(ValueError):
        paycore.signature_base('sig1=("@method");created=1', [], status=200, method="GET")
    with pytest.raises(paycore.SigningError):
        paycore.signature_base("not a dictionary (", [], status=200)
    with pytest.raises(paycore.SigningError):
        paycore.parse_signature("sig1=notbytes")
