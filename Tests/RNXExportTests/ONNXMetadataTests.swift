import Crypto
import Foundation
@testable import RNXExport
import RNXTestSupport
import SwiftProtobuf
import Testing

/// The `metadata_props` `rnx export` writes: the architecture, the source file's name and SHA-256 and the labels
/// (carried through the adaptations, or set with `--labels`), checked on the built binary's output.
struct ONNXMetadataTests {
    static let resnet20 = Fixtures.path("checkpoints/resnet20-cifar10.pth")

    static func metadata(_ path: URL) throws -> [(key: String, value: String)] {
        try Onnx_ModelProto(serializedBytes: try Data(contentsOf: path)).metadataProps.map { ($0.key, $0.value) }
    }

    @Test func recordsTheSourceAndTheLabels() throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try RNXProcess.run(["export", Self.resnet20, "m.onnx", "--num-classes", "4"], in: directory)
        #expect(result.status == 0, "\(result)")
        let props = try Self.metadata(directory.appendingPathComponent("m.onnx"))
        #expect(props.map(\.key) == [
            "architecture", "config", "num_classes", "in_channels", "source_file", "source_format", "source_sha256",
            "adaptations", "rnx_version", "batchnorm", "labels", "data_sha256",
        ])
        let meta = Dictionary(props, uniquingKeysWith: { first, _ in first })
        #expect(meta["architecture"] == "resnet20")
        #expect(meta["num_classes"] == "4")
        #expect(meta["source_file"] == "resnet20-cifar10.pth")
        let digest = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: Self.resnet20)))
        #expect(meta["source_sha256"] == digest.map { String(format: "%02x", $0) }.joined())
        // CIFAR-10's first four classes in label order (https://www.cs.toronto.edu/~kriz/cifar.html): the rows kept.
        #expect(meta["labels"] == #"["airplane","automobile","bird","cat"]"#)
        #expect(result.stdout.contains("data sha256: \(meta["data_sha256"] ?? "?")"))

        let labels = directory.appendingPathComponent("labels.txt")
        try Data("cat\ndog\nbird\nfish\n".utf8).write(to: labels)
        let named = try RNXProcess.run(
            ["export", Self.resnet20, "n.onnx", "--num-classes", "4", "--labels", "labels.txt"], in: directory)
        #expect(named.status == 0, "\(named)")
        let given = Dictionary(try Self.metadata(directory.appendingPathComponent("n.onnx")), uniquingKeysWith: { a, _ in a })
        #expect(given["labels"] == #"["cat","dog","bird","fish"]"#)
        #expect(given["adaptations"]?.contains("labels set from a file (4 names)") == true)
    }

    @Test func refusesLabelsOfAnotherCount() throws {
        let directory = try Fixtures.temporaryDirectory()
        try Data("a\nb\nc\n".utf8).write(to: directory.appendingPathComponent("labels.txt"))
        let result = try RNXProcess.run(["export", Self.resnet20, "m.onnx", "--labels", "labels.txt"], in: directory)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.hasSuffix("3 labels for a classifier of 10 classes\n"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["labels.txt"])
    }
}
