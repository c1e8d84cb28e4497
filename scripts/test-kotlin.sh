#!/usr/bin/env bash
# Kotlin bindings: builds the paycore-mobile cdylib, generates the Kotlin
# bindings from it (uniffi library mode), installs kotlinc (npm package
# kotlin-compiler, under target/) and JNA (Debian libjna-java; a JRE and npm
# too) when missing,
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

step "kotlin: Debian packages (JNA, a JRE, npm) when missing"
need=()
[ -f "$JNA" ] || need+=(libjna-java)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" </dev/null
fi

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
