"""Webhook verification speed: paycore.Webhook.verify beside the PyPI peers.

    pip install standardwebhooks svix stripe   # the peers (not test dependencies)
    python bindings-python/bench/bench_webhook.py [--rounds 8] [--quick]

Every contender verifies the same valid delivery (1 KiB and 64 KiB bodies) on
its verify-only path: standardwebhooks `verify(json_parse=False)`, svix
`Webhook.verify` (which wraps it and never parses), stripe
`WebhookSignature.verify_header` (on a Stripe-signed delivery, beside paycore's
`scheme="stripe"`), and the in-language floor `hmac.new(...).digest()` +
`hmac.compare_digest`. Rounds are interleaved (each round times every
contender once, in a shuffled order) and the median per call is reported, so
a noisy neighbour hurts everyone alike. Not part of the tests.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import random
import statistics
import time
import timeit
from typing import Callable, Optional

import paycore

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRIPE_SECRET = "whsec_stripe_test_secret"


def contenders(size: int) -> dict[str, Callable[[], object]]:
    body = (b'{"data":"' + b"x" * size)[: size - 2] + b'"}'
    now = int(time.time())
    wh = paycore.Webhook(SECRET)
    headers = wh.sign(body, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=now)
    stripe_wh = paycore.Webhook(STRIPE_SECRET, scheme="stripe")
    stripe_headers = stripe_wh.sign(body, timestamp=now)
    out: dict[str, Callable[[], object]] = {
        "paycore Webhook.verify (standard)": lambda: wh.verify(body, headers),
        "paycore Webhook.verify (stripe)": lambda: stripe_wh.verify(body, stripe_headers),
    }
    key = base64.b64decode(SECRET[6:])
    sig = base64.b64decode(headers["webhook-signature"][3:])
    signed_prefix = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode()

    def floor() -> bool:
        mac = hmac.new(key, signed_prefix, hashlib.sha256)
        mac.update(body)
        return hmac.compare_digest(mac.digest(), sig)

    assert floor()
    out["hmac.new + compare_digest (floor)"] = floor
    try:
        from standardwebhooks.webhooks import Webhook as StdWebhook

        std = StdWebhook(SECRET)
        std.verify(body, headers, json_parse=False)
        out["standardwebhooks verify(json_parse=False)"] = lambda: std.verify(body, headers, json_parse=False)
    except ImportError:
        print("(standardwebhooks not installed)")
    try:
        from svix.webhooks import Webhook as SvixWebhook

        svix = SvixWebhook(SECRET)
        svix.verify(body, headers)
        out["svix Webhook.verify"] = lambda: svix.verify(body, headers)
    except ImportError:
        print("(svix not installed)")
    try:
        import stripe

        sh = stripe_headers["Stripe-Signature"]
        stripe.WebhookSignature.verify_header(body, sh, STRIPE_SECRET, 300)
        out["stripe WebhookSignature.verify_header"] = lambda: stripe.WebhookSignature.verify_header(
            body, sh, STRIPE_SECRET, 300
        )
    except ImportError:
        print("(stripe not installed)")
    return out


def per_call(fn: Callable[[], object], budget_s: float) -> float:
    n = 1
    while True:
        t = timeit.timeit(fn, number=n)
        if t >= budget_s / 4 or n >= 1 << 24:
            break
        n *= 4
    n = max(1, int(n * budget_s / max(t, 1e-9)))
    return timeit.timeit(fn, number=n) / n


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--quick", action="store_true", help="3 rounds, short timings")
    args = ap.parse_args(argv)
    rounds = 3 if args.quick else args.rounds
    budget = 0.02 if args.quick else 0.1
    print(f"paycore {paycore.__version__}; {rounds} interleaved rounds; median per call")
    for size in (1024, 64 * 1024):
        cs = contenders(size)
        samples: dict[str, list[float]] = {name: [] for name in cs}
        for _ in range(rounds):
            order = list(cs)
            random.shuffle(order)
            for name in order:
                samples[name].append(per_call(cs[name], budget))
        med = {name: statistics.median(v) for name, v in samples.items()}
        base = med["paycore Webhook.verify (standard)"]
        print(f"\n{size // 1024} KiB")
        for name, m in sorted(med.items(), key=lambda kv: kv[1]):
            print(f"  {name:45s} {m * 1e6:9.2f} us   {m / base:5.2f}x paycore")


if __name__ == "__main__":
    main()
