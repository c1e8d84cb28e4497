#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine, installing what it needs.
# Usage: bash scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "system packages"
bash scripts/setup-system.sh

bash scripts/test-rust.sh
bash scripts/test-python.sh
bash scripts/test-node.sh
bash scripts/test-kotlin.sh
bash scripts/test-postman.sh
bash scripts/test-docs.sh

step "all tests passed"
