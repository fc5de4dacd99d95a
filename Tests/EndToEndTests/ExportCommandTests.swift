import Foundation
import RNXTestSupport
import Testing

/// `rnx export` and `rnx verify OUT.onnx` as a user runs them.
struct ExportCommandTests {
    static let resnet20 = Fixtures.path("checkpoints/resnet20-cifar10.pth")

    @Test func exportsVerifiesAndSaysWhatItDid() throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try RNXProcess.run(["export", Self.resnet20, "m.onnx", "--num-classes", "4"], in: directory)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(4)) == [
            "exported \(Self.resnet20) -> m.onnx", "architecture: resnet20 (4 classes, 3 input channels)",
            "opset: 17, batchnorm folded", "nodes: 57, initializers: 54",
        ])
        let verify = try RNXProcess.run(["verify", "m.onnx"], in: directory)
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.hasPrefix("m.onnx: OK resnet20, 54 tensors, sha256 "))
        let again = try RNXProcess.run(["export", Self.resnet20, "m.onnx"], in: directory)
        #expect(again.status == 73)
        #expect(again.stderr == "rnx: m.onnx: output exists (use --force to replace it)\n")
        let external = try RNXProcess.run(["export", Self.resnet20, "x.onnx", "--external-data"], in: directory)
        #expect(external.status == 0, "\(external)")
        #expect(external.stdout.contains("external data: x.onnx.data, "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            == ["m.onnx", "x.onnx", "x.onnx.data"])
    }

    @Test func refusalsLeaveNothingBehind() throws {
        let directory = try Fixtures.temporaryDirectory()
        let opset = try RNXProcess.run(["export", Self.resnet20, "m.onnx", "--opset", "12"], in: directory)
        #expect(opset.status == 64)
        #expect(opset.stderr == "rnx: --opset must be between 13 and 21, got 12\n")
        let classes = try RNXProcess.run(["export", Self.resnet20, "m.onnx", "--classes", "10"], in: directory)
        #expect(classes.status == 64)
        #expect(classes.stderr.contains("class index 10 is out of range"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }
}
