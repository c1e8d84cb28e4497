#!/usr/bin/env bash
# Builds PaycoreFFI.xcframework (the static library for each Apple target plus
# the generated C headers) next to Package.swift. macOS with Xcode only; NOT
# run or tested on the Linux machines this repository is tested on.
# Usage: bash bindings-mobile/swift/build-xcframework.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
TARGETS="aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin"
for t in $TARGETS; do
  rustup target add "$t"
  cargo build -p paycore-mobile --release --target "$t"
done
bash "$HERE/generate.sh"
# One fat library per platform slice (simulator: arm64 + x86_64; macOS: arm64 + x86_64).
mkdir -p "$TARGET/xcf/ios-sim" "$TARGET/xcf/macos"
lipo -create "$TARGET/aarch64-apple-ios-sim/release/libpaycore_mobile.a" \
  "$TARGET/x86_64-apple-ios/release/libpaycore_mobile.a" -output "$TARGET/xcf/ios-sim/libpaycore_mobile.a"
lipo -create "$TARGET/aarch64-apple-darwin/release/libpaycore_mobile.a" \
  "$TARGET/x86_64-apple-darwin/release/libpaycore_mobile.a" -output "$TARGET/xcf/macos/libpaycore_mobile.a"
rm -rf "$HERE/PaycoreFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$TARGET/aarch64-apple-ios/release/libpaycore_mobile.a" -headers "$HERE/Headers" \
  -library "$TARGET/xcf/ios-sim/libpaycore_mobile.a" -headers "$HERE/Headers" \
  -library "$TARGET/xcf/macos/libpaycore_mobile.a" -headers "$HERE/Headers" \
  -output "$HERE/PaycoreFFI.xcframework"
echo "built $HERE/PaycoreFFI.xcframework; swift build in $HERE uses it"
