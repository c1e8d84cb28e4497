"""The webhook receivers of examples/python, through their frameworks' test
clients (skipped when Flask / FastAPI are not installed)."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from types import ModuleType

import pytest

import paycore
from conftest import Server

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"type": "payment.succeeded",  "id":"evt_1"}'


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def deliveries() -> tuple[dict[str, str], dict[str, str]]:
    wh = paycore.Webhook(SECRET)
    good = dict(wh.sign(BODY), **{"Content-Type": "application/json"})
    bad = dict(good, **{"webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    return good, bad


def test_flask_receiver() -> None:
    pytest.importorskip("flask")
    app = load("flask_webhook").app
    client = app.test_client()
    good, bad = deliveries()
    r = client.post("/webhooks", data=BODY, headers=good)
    assert r.status_code == 200, r.data
    r = client.post("/webhooks", data=BODY, headers=bad)
    assert r.status_code == 400 and b"no_matching_signature" in r.data
    # A re-serialised body (what request.json would give back) fails.
    r = client.post("/webhooks", data=BODY.replace(b"  ", b" "), headers=good)
    assert r.status_code == 400


def test_fastapi_receiver() -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    mod = load("fastapi_webhook")
    client = TestClient(mod.app)
    good, bad = deliveries()
    r = client.post("/webhooks", content=BODY, headers=good)
    assert r.status_code == 200, r.text
    r = client.post("/webhooks", content=BODY, headers=bad)
    assert r.status_code == 400 and r.json()["detail"] == "no_matching_signature"
    r = client.post("/webhooks/wrong", content=BODY, headers=good)
    assert r.status_code == 500 and "await request.body()" in r.json()["detail"]


def test_raw_body_helpers_explain() -> None:
    pytest.importorskip("flask")
    mod = load("flask_webhook")
    with pytest.raises(TypeError, match="get_data"):
        mod.raw_body({"type": "x"})
    assert mod.raw_body(b"x") == b"x"


def test_checkout_handles_a_declined_card(server: Server) -> None:
    import os
    import subprocess

    env = dict(
        os.environ,
        PAYCORE_KEY_ID=server.key_id,
        PAYCORE_SECRET=server.secret,
        PAYCORE_BASE_URL=server.base_url,
    )
    script = str(EXAMPLES / "checkout.py")
    r = subprocess.run(
        [sys.executable, script, "4000000000009995", "4242424242424242"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("declined: card_declined / insufficient_funds -> add_funds_or_use_another_card")
    assert lines[1].startswith("paid: pay_") and "succeeded 1999 USD" in lines[1]
    r = subprocess.run(
        [sys.executable, script, "4000000000000069"], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2 and "expired_card" in r.stdout and "update_card_details" in r.stdout
