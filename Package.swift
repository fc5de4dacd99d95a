// swift-tools-version:6.0
// The rnx package: read PyTorch ResNet checkpoints natively and safely, map, convert, summarise and run them.
//
// Imports flow one way, mirroring the data:
//   RNXPickle (a pickle machine, no torch knowledge)    RNXTensor (dtypes, tensors, state dicts)
//        \________________________   ___________________/        |
//                                 RNXCheckpoint (zip/legacy/safetensors readers, .rnw writer)
//   RNXArch (ResNet configurations, module tree, mapping, adaptations) <- RNXTensor
//   RNXForward (inference with OpenBLAS) <- RNXArch, RNXCheckpoint (.npy files, opening models)
//   RNXConvert (convert and verify pipelines) <- RNXCheckpoint, RNXArch
//   RNXReport (inspect, summary and verify tables) <- RNXCheckpoint, RNXArch
//   RNXImage (JPEG/PNG decoding, PIL's resize, torchvision's preprocessing) <- RNXTensor
//   RNXPredict (photos to classes: decode, preprocess, forward, softmax) <- RNXImage, RNXForward, RNXArch
//   RNX (the one import for Swift programs: re-exports every layer, adds Model, Conversion, Summary, Logits)
//   RNXExport (ONNX graphs from the module tree, through swift-protobuf) <- RNXArch, RNXCheckpoint, RNXConvert
//   rnx (the command line: parses options and calls the library)
import PackageDescription

let package = Package(
    name: "rnx",
    products: [
        // One product, one import (`import RNX`); the layers stay importable one by one through it.
        .library(name: "RNX", targets: ["RNX"]),
        .executable(name: "rnx", targets: ["rnx"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Only for `swift package generate-documentation` (the DocC catalog in Sources/RNX/RNX.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibzip", providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        // oneDNN, the forward pass's convolution engine (libdnnl.so.2, built with OpenMP).
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CMalloc"),
        // The signal handler that removes an interrupted output (async-signal-safe, so in C), and Linux flags.
        .target(name: "COutputCleanup"),
        // CPUID and XGETBV, to choose OpenBLAS's kernels by what the CPU and OS support.
        .target(name: "CCPUID"),
        // libjpeg-turbo and libpng behind setjmp-guarded calls (C cannot longjmp through Swift).
        .target(name: "CImageCodecs", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]),

        .target(name: "RNXTensor"),
        .target(name: "RNXPickle"),
        .target(
            name: "RNXCheckpoint",
            dependencies: ["RNXTensor", "RNXPickle", "CLibzip", "CZlib", "CLibisal", "COutputCleanup"]),
        .target(name: "RNXArch", dependencies: ["RNXTensor"]),
        .target(name: "RNXForward", dependencies: ["RNXTensor", "RNXPickle", "RNXArch", "RNXCheckpoint", "COpenBLAS", "CCPUID", "CDNNL"]),
        .target(
            name: "RNXConvert",
            dependencies: [
                "RNXTensor", "RNXCheckpoint", "RNXArch",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(name: "RNXReport", dependencies: ["RNXTensor", "RNXPickle", "RNXCheckpoint", "RNXArch"]),
        .target(name: "RNXImage", dependencies: ["RNXTensor", "CImageCodecs"]),
        .target(name: "RNXPredict", dependencies: ["RNXTensor", "RNXArch", "RNXForward", "RNXImage"]),
        .target(
            name: "RNXExport",
            dependencies: [
                "RNXTensor", "RNXCheckpoint", "RNXArch", "RNXConvert", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "RNX",
            dependencies: [
                "RNXTensor", "RNXPickle", "RNXCheckpoint", "RNXArch", "RNXForward", "RNXConvert", "RNXReport", "RNXExport",
                "RNXImage", "RNXPredict",
            ]),
        .executableTarget(
            name: "rnx",
            dependencies: [
                "RNXTensor", "RNXPickle", "RNXCheckpoint", "RNXArch", "RNXForward", "RNXConvert", "RNXReport", "CMalloc",
                "RNXExport", "RNXImage", "RNXPredict",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Shared by the test targets only: fixture paths and a runner for the built `rnx` binary.
        .target(name: "RNXTestSupport", path: "Tests/Support"),
        .testTarget(name: "RNXTensorTests", dependencies: ["RNXTestSupport", "RNXTensor"]),
        .testTarget(name: "RNXPickleTests", dependencies: ["RNXTestSupport", "RNXPickle"]),
        .testTarget(
            name: "RNXCheckpointTests",
            dependencies: [
                "RNXTestSupport", "RNXCheckpoint", "RNXTensor", "RNXPickle",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "RNXArchTests",
            dependencies: ["RNXTestSupport", "RNXArch", "RNXTensor", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "RNXForwardTests", dependencies: ["RNXTestSupport", "RNXForward", "RNXArch", "RNXTensor", "RNXCheckpoint", "COpenBLAS", "CDNNL"]),
        .testTarget(name: "RNXConvertTests", dependencies: ["RNXTestSupport", "RNXConvert", "RNXCheckpoint", "RNXArch", "RNXTensor", "RNXForward"]),
        .testTarget(name: "RNXReportTests", dependencies: ["RNXTestSupport", "RNXReport", "RNXArch", "RNXCheckpoint", "RNXTensor"]),
        .testTarget(name: "RNXTests", dependencies: ["RNXTestSupport", "RNX"]),
        .testTarget(
            name: "RNXImageTests",
            dependencies: [
                "RNXTestSupport", "RNXImage", "RNXPredict", "RNXForward", "RNXArch", "RNXCheckpoint", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["RNXTestSupport", "RNXTensor"]),
        // The command line's own parts (the progress bar it draws from the libraries' callbacks), by @testable import.
        .testTarget(name: "RNXCommandTests", dependencies: ["rnx"]),
        .testTarget(
            name: "RNXExportTests",
            dependencies: [
                "RNXTestSupport", "RNXExport", "RNXArch", "RNXCheckpoint", "RNXTensor", "RNXForward",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
