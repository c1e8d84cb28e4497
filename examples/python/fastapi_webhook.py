"""A FastAPI (Starlette) webhook receiver verified by paycore.

    pip install paycore fastapi uvicorn
    PAYCORE_WEBHOOK_SECRET=whsec_... uvicorn fastapi_webhook:app --port 8000

The signature covers the exact bytes that were sent, so the handler reads the
raw body with ``await request.body()``. Declaring the body as a Pydantic model
or ``dict`` parameter makes FastAPI parse it, and re-serialising that (key
order, spacing, unicode escapes) never gives back the signed bytes: the most
common reason webhooks "fail verification for no reason".
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, HTTPException, Request

import paycore

app = FastAPI()
webhook = paycore.Webhook(
    os.environ.get("PAYCORE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    scheme=os.environ.get("PAYCORE_WEBHOOK_SCHEME", "standard"),
)

RESERIALISED = (
    "the webhook body reached the handler as {kind}, not as the raw bytes that were "
    "signed: read it with `await request.body()` instead of declaring a model/dict "
    "parameter (a re-serialised body never matches the signature)"
)


def raw_body(body: Any) -> bytes:
    """The raw body, or a clear error when a framework already parsed it."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(RESERIALISED.format(kind=type(body).__name__))


@app.post("/webhooks")
async def receive(request: Request) -> dict[str, str]:
    body = raw_body(await request.body())
    try:
        # request.headers is a case-insensitive Mapping; paycore reads only the
        # headers the scheme needs from it.
        event = webhook.construct_event(body, request.headers)
    except paycore.WebhookVerificationError as e:
        # e.reason is stable and machine-readable: missing_header:webhook-id,
        # timestamp_too_old, no_matching_signature, ...
        raise HTTPException(status_code=400, detail=e.reason) from e
    handle(event)
    return {"status": "ok"}


def handle(event: Any) -> None:
    print("verified event:", event.get("type") if isinstance(event, dict) else event)


@app.post("/webhooks/wrong")
async def wrong(payload: dict[str, Any], request: Request) -> dict[str, str]:
    """What not to do: FastAPI parsed the body into a dict already."""
    try:
        raw_body(payload)
    except TypeError as e:
        raise HTTPException(status_code=500, detail=str(e)) from e
    return {"status": "unreachable"}
