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
            Fixtures.path("checkpoints/resnet20-cifar10.pth"), Fixtures.path("forward/input-cifar.npy"), "--top", "3",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == """
            resnet20, 10 classes
            image 0: 7 0.1115, 0 0.1098, 9 0.1084
            image 1: 0 0.1123, 7 0.1108, 1 0.1092

            """, "\(result)")
    }

    /// A photo through `Model.classify(imageAt:)`: the top 3 of torchvision's pipeline (PIL decode, Resize(32),
    /// CenterCrop(32), ToTensor, Normalize, the model, softmax) as scripts/fixtures/gen_images.py recorded them in
    /// fixtures/images/MANIFEST.json, with CIFAR-10's class names.
    @Test func classifyBatchLabelsAPhotoAsTorchvisionDoes() throws {
        struct Manifest: Decodable {
            struct Entry: Decodable { let model: String; let file: String; let indices: [Int]; let probabilities: [Double] }
            let probabilities: [Entry]
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Fixtures.data("images/MANIFEST.json"))
        let cifar10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        let reference = try #require(manifest.probabilities.first {
            $0.model == "checkpoints/resnet20-cifar10.pth" && $0.file == "photos/chelsea.jpg"
        })
        let expected = (0..<3).map { rank in
            let index = reference.indices[rank]
            return "\(cifar10[index]) (\(index)) \(String(format: "%.4f", reference.probabilities[rank]))"
        }.joined(separator: ", ")
        let result = try Self.run("ClassifyBatch", [
            Fixtures.path("checkpoints/resnet20-cifar10.pth"), Fixtures.path("images/photos/chelsea.jpg"),
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "resnet20, 10 classes\nchelsea.jpg: \(expected)\n", "\(result)")
        // The reference itself, so a regenerated manifest that changes it is noticed: cat first.
        #expect(expected.hasPrefix("cat (3) 0.1101"), "\(expected)")
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
        #expect(result.status == 64 && result.stderr == "usage: ClassifyBatch MODEL INPUT.npy|IMAGE... [--top K]\n", "\(result)")
    }
}
