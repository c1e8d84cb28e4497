// swift-tools-version:5.9
// The paycore Swift package: the generated Swift API (Sources/Paycore, from
// generate.sh) over the Rust library shipped as an XCFramework binaryTarget
// (PaycoreFFI.xcframework, from build-xcframework.sh on macOS). A release
// would point the binaryTarget at a URL + checksum instead of a path.
// Not compiled on the Linux test machines (no Swift toolchain there).
import PackageDescription

let package = Package(
    name: "Paycore",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "Paycore", targets: ["Paycore"]),
    ],
    targets: [
        .binaryTarget(name: "PaycoreFFI", path: "PaycoreFFI.xcframework"),
        .target(name: "Paycore", dependencies: ["PaycoreFFI"], path: "Sources/Paycore"),
    ]
)
