"""A Flask webhook receiver verified by paycore.

    pip install paycore flask
    PAYCORE_WEBHOOK_SECRET=whsec_... flask --app flask_webhook run --port 8000

The signature covers the exact bytes that were sent, so the handler reads the
raw body with ``request.get_data()``. ``request.get_json()`` /
``request.json`` give a parsed dict, and ``request.get_data(as_text=True)`` a
decoded str: neither is what was signed.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, abort, jsonify, request

import paycore

app = Flask(__name__)
webhook = paycore.Webhook(
    os.environ.get("PAYCORE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    scheme=os.environ.get("PAYCORE_WEBHOOK_SCHEME", "standard"),
)

RESERIALISED = (
    "the webhook body reached the handler as {kind}, not as the raw bytes that were "
    "signed: read it with `request.get_data()` (not `request.json`, `get_json()` or "
    "`get_data(as_text=True)`)"
)


def raw_body(body: Any) -> bytes:
    """The raw body, or a clear error when it was parsed or decoded."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(RESERIALISED.format(kind=type(body).__name__))


@app.post("/webhooks")
def receive() -> Any:
    body = raw_body(request.get_data(cache=True))
    try:
        # request.headers (Werkzeug's EnvironHeaders) works as is.
        event = webhook.construct_event(body, request.headers)
    except paycore.WebhookVerificationError as e:
        abort(400, description=e.reason)
    print("verified event:", event.get("type") if isinstance(event, dict) else event)
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(port=8000)
