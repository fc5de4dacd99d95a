// swift-tools-version:6.0
// The getting-started article's program (Sources/RNX/RNX.docc/GettingStarted.md), compiled as a new package would.
import PackageDescription

let package = Package(
    name: "GettingStarted",
    dependencies: [.package(name: "rnx", path: "../..")],
    targets: [
        .executableTarget(name: "GettingStarted", dependencies: [.product(name: "RNX", package: "rnx")]),
    ]
)
