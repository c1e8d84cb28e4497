#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine, installing what it needs.
# Usage: bash scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "system packages"
bash scripts/setup-system.sh

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

bash scripts/test-rust.sh
