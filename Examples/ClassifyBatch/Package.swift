// swift-tools-version:6.0
// An example that depends on rnx: run a checkpoint on a NumPy batch or classify photos, printing the top classes.
import PackageDescription

let package = Package(
    name: "ClassifyBatch",
    dependencies: [.package(name: "rnx", path: "../..")],
    targets: [
        .executableTarget(name: "ClassifyBatch", dependencies: [.product(name: "RNX", package: "rnx")]),
    ]
)
