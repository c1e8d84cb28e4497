#!/usr/bin/env bash
# Kotlin bindings: builds the paycore-mobile cdylib, generates the Kotlin
# bindings from it (uniffi library mode), installs kotlinc (npm package
# kotlin-compiler, under target/) and JNA (Debian libjna-java) when missing,
# then compiles and runs the Kotlin vector tests and the Kotlin example on the
# JVM. Exits non-zero on any failure.
# Usage: bash scripts/test-kotlin.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET/kotlin
JNA=/usr/share/java/jna.jar

step "kotlin: JNA (Debian libjna-java)"
if [ ! -f "$JNA" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q </dev/null
  apt-get install -y -q --no-install-recommends libjna-java </dev/null
fi
command -v java >/dev/null || {
  echo "no java on PATH (scripts/setup-system.sh installs a JDK)" >&2
  exit 1
}

step "kotlin: kotlinc (npm kotlin-compiler, under target/)"
TOOLS=$TARGET/kotlin-toolchain
mkdir -p "$TOOLS"
cp bindings-mobile/kotlin-toolchain/package.json bindings-mobile/kotlin-toolchain/package-lock.json "$TOOLS/"
(cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error)
KLIB=$TOOLS/node_modules/kotlin-compiler/lib
KOTLINC=$TOOLS/node_modules/kotlin-compiler/bin/kotlinc

step "kotlin: build libpaycore_mobile and uniffi-bindgen"
cargo build -p paycore-mobile -p uniffi-bindgen
LIB=$TARGET/debug/libpaycore_mobile.so

step "kotlin: generate the bindings (library mode)"
rm -rf "$OUT"
mkdir -p "$OUT/gen" "$OUT/classes"
"$TARGET/debug/uniffi-bindgen" generate --library "$LIB" --language kotlin \
  --out-dir "$OUT/gen" --no-format
GEN=$OUT/gen/dev/paycore/paycore.kt
test -f "$GEN"

step "kotlin: compile the bindings, tests and example"
"$KOTLINC" -nowarn -cp "$JNA" -d "$OUT/classes" \
  "$GEN" bindings-mobile/kotlin/test/*.kt examples/kotlin/*.kt

CP=$OUT/classes:$JNA:$KLIB/kotlin-stdlib.jar
step "kotlin: vector tests"
java -Djna.library.path="$TARGET/debug" -cp "$CP" dev.paycore.test.VectorsTestKt vectors

step "kotlin: example"
java -Djna.library.path="$TARGET/debug" -cp "$CP" dev.paycore.example.MainKt
