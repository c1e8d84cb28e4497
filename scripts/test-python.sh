#!/usr/bin/env bash
# The Python part of the test command: builds the `paycore` wheel (pyo3 +
# maturin, abi3 for CPython >= 3.9), installs it in a venv under target/, and
# runs its pytest suite (every vector file, the API unit tests, stubtest, and
# the sync / asyncio clients against the real reference server, which the
# tests start on a free port from target/debug/paycore-server).
# Installs what it needs on a fresh machine: python3-venv from Debian when
# missing, maturin / pytest / mypy (and Flask / FastAPI for the examples) from
# PyPI into the venv.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

VENV=target/py-venv
PY=${PYTHON:-python3}

step "python: interpreter and venv"
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade \
  "maturin>=1.16,<2" "pytest>=8" "pytest-asyncio>=1.0" "mypy>=1.10" flask fastapi httpx

step "python: the reference server (for the client's integration tests)"
# Built as test-rust.sh builds it (`cargo test --workspace`: the same feature
# set, so after test-rust.sh this is a no-op, and a stale binary is rebuilt).
cargo test --workspace --locked --no-run
export PAYCORE_SERVER_BIN="$PWD/target/debug/paycore-server"

step "python: build the wheel (maturin, its own target dir) and install it"
# maturin gets its own --target-dir so that it and cargo do not rebuild each
# other's pyo3; VIRTUAL_ENV stays this one venv.
export VIRTUAL_ENV="$PWD/$VENV"
rm -rf target/wheels-python
# The stable-ABI floor the package's own PEP 517 backend picks for this
# interpreter (bindings-python/build_backend/paycore_build.py): abi3-py310 on
# 3.10 and later. The abi3-py39 build is the crate's default features, which
# `cargo clippy --workspace` (test-rust.sh) compiles and lints.
abi3=()
if "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  abi3=(--no-default-features --features abi3-py310)
fi
"$VENV/bin/maturin" build --release --manifest-path bindings-python/Cargo.toml "${abi3[@]}" \
  --target-dir target/maturin --out target/wheels-python --interpreter "$VENV/bin/python"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
  target/wheels-python/paycore-*.whl

step "python: pytest (vectors, API, stubtest)"
# Run from outside the source tree so that the installed wheel is what is
# tested, not bindings-python/python.
cd target
"$VIRTUAL_ENV/bin/python" -m pytest -q -p no:cacheprovider --rootdir ../bindings-python ../bindings-python/tests
