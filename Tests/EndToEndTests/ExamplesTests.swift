import Foundation
import RNXTestSupport
import Testing

/// The example packages in Examples/, built by `make examples` (which `make test` runs first) into
/// `.build-examples`, run on fixtures as a user of the library would run them.
struct ExamplesTests {
    static func binary(_ name: String) -> String {
        Fixtures.root.appendingPathComponent(".build-examples/debug/\(name)").path
    }

    static func run(_ name: String, _ arguments: [String]) throws -> RNXProcess.Result {
        let path = binary(name)
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: run make examples")
        return try RNXProcess.run(arguments, executable: URL(fileURLWithPath: path))
    }

    /// Softmax of torch's logits for fixtures/forward/input-cifar.npy (fixtures/forward/resnet20-cifar10.logits.npy),
    /// ranked with numpy: image 0 → 7 0.1115, 0 0.1098, 9 0.1084; image 1 → 0 0.1123, 7 0.1108, 1 0.1092.
    @Test func classifyBatchPrintsTorchsTopClasses() throws {
        let result = try Self.run("ClassifyBatch", [
            Fixtures.path("checkpoints/resnet20-cifar10.pth"), Fixtures.path("forward/input-cifar.npy"), "3",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == """
            resnet20, 10 classes
            image 0: 7 0.1115, 0 0.1098, 9 0.1084
            image 1: 0 0.1123, 7 0.1108, 1 0.1092

            """, "\(result)")
    }

    @Test func convertCheckpointWritesAnAdaptedFile() throws {
        let output = try Fixtures.temporaryDirectory().appendingPathComponent("four.rnw").path
        let result = try Self.run("ConvertCheckpoint", [Fixtures.path("checkpoints/resnet20-cifar10.pth"), output, "4"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "resnet20: 116 tensors, 4 classes\nclassifier linear cut from 10 to 4 rows (the first 4 kept)\n", "\(result)")
        let inspect = try RNXProcess.run(["inspect", output, "--json"])
        #expect(inspect.stdout.contains(#""num_classes" : "4""#), "\(inspect)")
    }

    @Test func examplesReportUsage() throws {
        let result = try Self.run("ClassifyBatch", [])
        #expect(result.status == 64 && result.stderr == "usage: ClassifyBatch MODEL INPUT.npy [K]\n", "\(result)")
    }
}
