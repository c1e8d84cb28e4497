"""The one vector loader of the Python tests (mirrors paycore/tests/common):
every case of a file becomes one pytest parameter named by its ``id``."""

from __future__ import annotations

import base64
import json
import pathlib
from typing import Any

import pytest

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "vectors"


def load(name: str) -> Any:
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


def cases(name: str, key: str = "vectors") -> list[Any]:
    """The cases of ``name[key]`` as pytest params with their ids."""
    items = load(name)[key]
    assert items, f"{name}: no cases"
    ids = [c["id"] for c in items]
    assert len(set(ids)) == len(ids), f"{name}: duplicate ids"
    return [pytest.param(c, id=c["id"]) for c in items]


def body_bytes(v: dict[str, Any]) -> bytes:
    if "payload_b64" in v and v["payload_b64"] is not None:
        return base64.b64decode(v["payload_b64"])
    return (v.get("payload") or "").encode("utf-8")


def header_pairs(v: Any) -> list[tuple[str, str]]:
    """A JSON object of headers, or an array of [name, value], as pairs."""
    if isinstance(v, dict):
        return [(k, x if isinstance(x, str) else "") for k, x in v.items()]
    if isinstance(v, list):
        return [(p[0], p[1]) for p in v]
    return []
