#!/usr/bin/env bash
# The Postman collection (postman/): installs newman from npm (postman/
# package.json + lockfile), checks that the committed collection is what
# postman/build.js generates, runs the signing script against the signing
# vectors (node --test in a vm with crypto-js), then starts a fresh
# paycore-server on a free port over a temporary SQLite file, mints a key and
# runs the whole collection headless with newman. Any failed assertion fails.
# Usage: bash scripts/test-postman.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  step "postman: installing nodejs and npm (Debian)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
fi

step "postman: npm install (committed package-lock.json)"
(cd postman && npm install --no-audit --no-fund --loglevel=error)

step "postman: the committed collection is what build.js generates"
node postman/build.js --check

step "postman: the signing script against vectors/signing_profile.json"
node --test postman/test/

step "postman: build paycore-server"
# The same invocation as the other scripts that need the server binary, so they
# share one build (the workspace feature set; `-p` alone resolves differently).
cargo build --workspace --bins --locked
SERVER=target/debug/paycore-server

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step "postman: a fresh server on a free port"
export DATABASE_URL="sqlite://$work/paycore.db"
key_json=$("$SERVER" keys create --merchant postman --plan scale --json)
key_id=$(node -e 'console.log(JSON.parse(process.argv[1]).key_id)' "$key_json")
secret=$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$key_json")
port=$(free_port)
PAYCORE_LISTEN="127.0.0.1:$port" PAYCORE_NO_BOOTSTRAP=true PAYCORE_DEBUG_SIGNATURE_BASE=true \
  "$SERVER" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  if node -e 'require("http").get(process.argv[1], (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' \
    "http://127.0.0.1:$port/health"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.1
done

step "postman: newman run"
status=0
postman/node_modules/.bin/newman run postman/paycore.postman_collection.json \
  -e postman/paycore.postman_environment.json \
  --env-var "base_url=http://127.0.0.1:$port" \
  --env-var "key_id=$key_id" \
  --env-var "secret=$secret" \
  --reporters cli,json --reporter-json-export "$work/newman.json" \
  --color off || status=$?
if [ "$status" -ne 0 ]; then
  echo "newman failed; server log:" >&2
  tail -n 50 "$work/server.log" >&2
  exit "$status"
fi
if [ -n "${POSTMAN_CAPTURE_EXAMPLES:-}" ]; then
  node postman/build.js --capture "$work/newman.json"
  echo "examples.json and the collection refreshed from this run: commit them"
fi
