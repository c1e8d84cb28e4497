#!/usr/bin/env bash
# Generates the Swift bindings of paycore-mobile with the pinned uniffi-bindgen
# (library mode): Sources/Paycore/Paycore.swift (the API) and
# Headers/PaycoreFFI.h + Headers/module.modulemap (the C interface an
# XCFramework carries). Runs anywhere: no Swift compiler is needed to generate.
# Compiling them, and building the XCFramework (build-xcframework.sh), needs
# macOS with Xcode: nothing Swift is compiled on the Linux test machines.
# Usage: bash bindings-mobile/swift/generate.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
cargo build -p paycore-mobile -p uniffi-bindgen
case "$(uname -s)" in
  Darwin) LIB=$TARGET/debug/libpaycore_mobile.dylib ;;
  *) LIB=$TARGET/debug/libpaycore_mobile.so ;;
esac
GEN=$(mktemp -d)
trap 'rm -rf "$GEN"' EXIT
"$TARGET/debug/uniffi-bindgen" generate --library "$LIB" --language swift \
  --out-dir "$GEN" --no-format
mkdir -p "$HERE/Sources/Paycore" "$HERE/Headers"
cp "$GEN/Paycore.swift" "$HERE/Sources/Paycore/Paycore.swift"
cp "$GEN/PaycoreFFI.h" "$HERE/Headers/PaycoreFFI.h"
# xcodebuild -create-xcframework -headers wants the module map under this name.
cp "$GEN/PaycoreFFI.modulemap" "$HERE/Headers/module.modulemap"
echo "generated: Sources/Paycore/Paycore.swift, Headers/PaycoreFFI.h, Headers/module.modulemap"
