#!/usr/bin/env bash
# The documentation site (docs/): mkdocs + material + pymdown-extensions in a
# venv under target/, a drift check of the pages generated from data
# (docs/gen.py: API reference from docs/openapi.yaml, the signing example,
# retry table, decline actions and rate-limit tables from vectors/ and the
# core), a strict build (a missing include, a page left out of the nav or a
# broken link mkdocs sees fails it), then a link check over the built HTML
# (internal links and anchors; external links listed, not fetched).
# Usage: bash scripts/test-docs.sh      (the site lands in target/docs-site)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

VENV=target/docs-venv
PY=${PYTHON:-python3}

step "docs: venv with mkdocs"
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r docs/requirements.txt

step "docs: generated pages match their sources"
"$VENV/bin/python" docs/gen.py --check

step "docs: pending includes (docs/pending-includes.txt)"
while IFS= read -r entry; do
  case "$entry" in ''|'#'*) continue ;; esac
  if [ -e "$entry" ]; then
    echo "  $entry exists now: remove it from docs/pending-includes.txt"
  else
    echo "  $entry not on this branch yet: a placeholder is shown"
  fi
done < docs/pending-includes.txt

step "docs: mkdocs build --strict"
"$VENV/bin/mkdocs" build --strict -f docs/mkdocs.yml

step "docs: link check"
"$VENV/bin/python" docs/linkcheck.py target/docs-site
