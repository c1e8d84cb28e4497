#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine, installing what it needs.
# Usage: bash scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "rust: formatting"
cargo fmt --all -- --check

step "rust: clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "rust: the core has no I/O dependencies"
if cargo tree -p paycore -e normal --prefix none --locked | grep -E '^(tokio|reqwest|hyper|mio) ' ; then
  echo "paycore must not depend on an I/O crate (see above)" >&2
  exit 1
fi

# --- paycore-server: its tests start a throwaway Postgres (initdb + pg_ctl)
# and Redis (redis-server) of their own; install them when missing.
step "server: Postgres and Redis binaries for the server tests"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 \
   || ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql redis-server
fi
# --- end paycore-server

step "rust: tests"
cargo test --workspace --locked

step "rust: benches compile"
cargo bench --workspace --locked --no-run
