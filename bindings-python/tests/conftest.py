"""The real reference server for the client's integration tests.

One server per test session: a temp dir with a SQLite database, an API key
made with ``paycore-server keys create --json`` (plan ``scale``), the server
started on a free loopback port, polled on ``/health``, and killed at the
end (also when tests fail). The binary is ``$PAYCORE_SERVER_BIN`` or
``target/debug/paycore-server`` (``scripts/test-python.sh`` builds it when
missing); nothing is built here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from typing import Iterator

import pytest

import paycore

REPO = pathlib.Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Server:
    base_url: str
    key_id: str
    secret: str
    merchant_id: str
    binary: str
    database_url: str

    def client(self, **kw: object) -> paycore.Client:
        return paycore.Client(self.key_id, self.secret, base_url=self.base_url, **kw)  # type: ignore[arg-type]

    def async_client(self, **kw: object) -> paycore.AsyncClient:
        return paycore.AsyncClient(self.key_id, self.secret, base_url=self.base_url, **kw)  # type: ignore[arg-type]

    def new_key(self, merchant: str) -> tuple[str, str]:
        """Another merchant's key (its own objects, its own rate limits)."""
        return create_key(self.binary, self.database_url, merchant)


def server_binary() -> str:
    path = os.environ.get("PAYCORE_SERVER_BIN") or str(REPO / "target" / "debug" / "paycore-server")
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"the reference server binary is missing ({path}): run scripts/test-python.sh, "
            "or `cargo build --workspace --bins`, or set PAYCORE_SERVER_BIN"
        )
    return path


def create_key(binary: str, database_url: str, merchant: str) -> tuple[str, str]:
    out = subprocess.run(
        [binary, "keys", "create", "--merchant", merchant, "--plan", "scale", "--json"],
        env=dict(os.environ, DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    key = json.loads(out.stdout)
    return key["key_id"], key["secret"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    binary = server_binary()
    with tempfile.TemporaryDirectory(prefix="paycore-py-") as tmp:
        database_url = f"sqlite://{tmp}/paycore.db"
        out = subprocess.run(
            [binary, "keys", "create", "--merchant", "py-tests", "--plan", "scale", "--json"],
            env=dict(os.environ, DATABASE_URL=database_url),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        key = json.loads(out.stdout)  # {"merchant_id", "key_id", "algorithm", "secret"}
        port = free_port()
        log = open(os.path.join(tmp, "server.log"), "wb")
        proc = subprocess.Popen(
            [binary, "--listen", f"127.0.0.1:{port}"],
            env=dict(os.environ, DATABASE_URL=database_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    log.flush()
                    pytest.fail(f"paycore-server exited: {pathlib.Path(tmp, 'server.log').read_text()}")
                try:
                    with urllib.request.urlopen(f"{base_url}/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("paycore-server did not answer /health within 30 s")
                time.sleep(0.05)
            yield Server(
                base_url=base_url,
                key_id=key["key_id"],
                secret=key["secret"],
                merchant_id=key["merchant_id"],
                binary=binary,
                database_url=database_url,
            )
        finally:
            proc.kill()
            proc.wait(timeout=10)
            log.close()

