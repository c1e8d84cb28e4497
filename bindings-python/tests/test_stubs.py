"""The .pyi stubs match the native module (mypy's stubtest), and the typed
package type-checks."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # Outside the source tree, so that the installed package is what is checked.
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=os.path.dirname(sys.executable), capture_output=True, text=True
    )


def test_stubtest() -> None:
    pytest.importorskip("mypy")
    r = run("mypy.stubtest", "paycore._native", "paycore._errors", "paycore.retry", "paycore.ratelimit")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_on_examples_of_use() -> None:
    pytest.importorskip("mypy")
    r = run("mypy", "--strict", "--no-incremental", str(HERE / "typed_use.py"))
    assert r.returncode == 0, r.stdout + r.stderr
