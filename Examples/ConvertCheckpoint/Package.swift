// swift-tools-version:6.0
// An example that depends on rnx: convert a PyTorch checkpoint to .rnw with its classifier cut to N classes.
import PackageDescription

let package = Package(
    name: "ConvertCheckpoint",
    dependencies: [.package(name: "rnx", path: "../..")],
    targets: [
        .executableTarget(name: "ConvertCheckpoint", dependencies: [.product(name: "RNX", package: "rnx")]),
    ]
)
