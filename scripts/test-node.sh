#!/usr/bin/env bash
# The Node package (bindings-node/): npm install from the committed lockfile,
# napi build (debug: the tests check behaviour, not speed), a drift check of
# the generated index.js / index.d.ts against the committed ones, a strict
# TypeScript compile of a usage file and the TypeScript example, then
# `node --test` (the client tests start the reference server built here).
# Usage: bash scripts/test-node.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  step "node: installing nodejs and npm (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "Node >= 18 is needed, found $(node --version)" >&2
  exit 1
fi

step "node: the reference server for the client tests (cargo build --workspace --bins)"
# The same workspace-wide feature set as test-rust.sh, so nothing is rebuilt
# when both run; a no-op when target/debug/paycore-server is up to date.
cargo build --workspace --bins --locked
export PAYCORE_SERVER_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/paycore-server"

cd bindings-node

step "node: npm install (committed package-lock.json)"
# `npm ci` can fail on @napi-rs/cli's platform packages for other platforms;
# `npm install` with the committed lockfile installs the same versions.
npm install --no-audit --no-fund --loglevel=error

step "node: napi build, and the generated index.js / index.d.ts must match the committed ones"
committed=$(mktemp -d)
trap 'rm -rf "$committed"' EXIT
cp index.js index.d.ts "$committed/"
npx napi build --platform
drift=0
for f in index.js index.d.ts; do
  if ! diff -u "$committed/$f" "$f"; then
    echo "error: bindings-node/$f differs from what napi build generates: commit the regenerated file" >&2
    drift=1
  fi
done
if [ "$drift" -ne 0 ]; then exit 1; fi

step "node: tsc --strict --noEmit of test/types/usage.ts"
npx tsc -p test/types/tsconfig.json --strict --noEmit

step "node: tsc --strict of examples/node/checkout.ts (run by test/examples.test.js)"
rm -rf test/.build/examples
npx tsc -p test/types/tsconfig.examples.json

step "node: node --test"
node --test test/*.test.js test/*.test.mjs
