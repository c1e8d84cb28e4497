#!/usr/bin/env bash
# Kotlin bindings: builds the paycore-mobile cdylib, generates the Kotlin
# bindings from it (uniffi library mode), installs kotlinc (npm package
# kotlin-compiler, under target/) and JNA (Debian libjna-java; a JRE and npm
# too) when missing,
# then compiles and runs on the JVM the Kotlin vector tests and the client's
# integration tests against the real reference server (target/debug/
# paycore-server, built here with the workspace), which also run the Kotlin
# example. Exits non-zero on any failure.
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

step "kotlin: build libpaycore_mobile, uniffi-bindgen and paycore-server"
# The whole workspace, as test-rust.sh resolves features: building a subset
# with -p would resolve shared dependencies differently and rebuild them.
cargo build --workspace --locked
LIB=$TARGET/debug/libpaycore_mobile.so
SERVER=$TARGET/debug/paycore-server

step "kotlin: generate the bindings (library mode)"
rm -rf "$OUT"
mkdir -p "$OUT/gen" "$OUT/classes"
"$TARGET/debug/uniffi-bindgen" generate --library "$LIB" --language kotlin \
  --out-dir "$OUT/gen" --no-format
GEN=$OUT/gen/dev/paycore/paycore.kt
test -f "$GEN"

# The generated code's suspend functions need kotlinx-coroutines (shipped
# with the compiler package).
COROUTINES=$(ls "$KLIB"/kotlinx-coroutines-core-jvm*.jar | head -n 1)
step "kotlin: compile the bindings, tests and example"
"$KOTLINC" -nowarn -cp "$JNA:$COROUTINES" -d "$OUT/classes" \
  "$GEN" bindings-mobile/kotlin/test/*.kt examples/kotlin/*.kt

CP=$OUT/classes:$JNA:$COROUTINES:$KLIB/kotlin-stdlib.jar
step "kotlin: vector tests"
java -Djna.library.path="$TARGET/debug" -cp "$CP" dev.paycore.test.VectorsTestKt vectors

step "kotlin: client integration tests and the example, against paycore-server"
java -Djna.library.path="$TARGET/debug" -Dpaycore.server="$SERVER" -cp "$CP" dev.paycore.test.ClientTest
