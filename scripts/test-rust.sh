#!/usr/bin/env bash
# The Rust part of the test command: formatting, clippy, the core's dependency
# rule, every workspace test, and a build of every bench.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step "rust: formatting"
cargo fmt --all -- --check

step "rust: clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The Python wheel for CPython 3.10+ is built with abi3-py310 (see
# bindings-python/build_backend/paycore_build.py): lint that build too.
cargo clippy -p paycore-python --no-default-features --features abi3-py310 --locked -- -D warnings

step "rust: the core has no I/O dependencies"
if cargo tree -p paycore -e normal --prefix none --locked | grep -E '^(tokio|reqwest|hyper|mio) '; then
  echo "paycore must not depend on an I/O crate (see above)" >&2
  exit 1
fi

step "rust: tests (the GCRA Lua vectors run on a throwaway Redis)"
start_throwaway_redis
export PAYCORE_TEST_REDIS="127.0.0.1:$REDIS_PORT"
cargo test --workspace --locked

step "rust: benches compile"
cargo bench --workspace --locked --no-run
