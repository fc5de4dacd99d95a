import Foundation
import RNX
import RNXTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The task-shaped API of `import RNX`, on the fixtures real PyTorch wrote, with PyTorch's numbers as expectations.
struct LibraryAPITests {
    static let checkpointURL = URL(fileURLWithPath: Fixtures.path("checkpoints/resnet20-cifar10.pth"))
    static let input = Fixtures.path("forward/input-cifar.npy")
    /// torch's logits for `input` (scripts/fixtures/gen_forward_refs.py).
    static let torchLogits = Fixtures.path("forward/resnet20-cifar10.logits.npy")

    @Test func checkpointOpensFromAURLAndNamesItsArchitecture() throws {
        let checkpoint = try Checkpoint(contentsOf: Self.checkpointURL)
        #expect(checkpoint.format == .torchZip)
        #expect(checkpoint.descriptors.contains { $0.name == "linear.weight" && $0.shape == [10, 64] })
        let config = try checkpoint.architecture()
        #expect(config.canonicalName == "resnet20")
        #expect(throws: ArchError.self) { try checkpoint.architecture(named: "resnet18") }
    }

    @Test func modelGivesTorchsLogits() throws {
        let model = try Model(contentsOf: Self.checkpointURL)
        let x = try NumpyArray(contentsOfFile: Self.input)
        let expected = try NumpyArray(contentsOfFile: Self.torchLogits)
        let logits = try model.logits(for: x.values, shape: x.shape, threads: 1)
        #expect(logits.imageCount == x.shape[0] && logits.classCount == 10)
        #expect(model.architectureName == "resnet20")
        let largest = expected.values.map(abs).max() ?? 1
        for (ours, theirs) in zip(logits.values, expected.values) {
            #expect(abs(ours - theirs) <= 1e-4 * largest)
        }
    }

    /// Tasks share one model; each pass has its own buffers, so every task gets the same logits.
    @Test func oneModelServesConcurrentTasks() async throws {
        let model = try Model(contentsOf: Self.checkpointURL)
        let x = try NumpyArray(contentsOfFile: Self.input)
        let single = try model.logits(for: x.values, shape: x.shape, threads: 1)
        let results = try await withThrowingTaskGroup(of: Logits.self) { group in
            for _ in 0..<4 { group.addTask { try model.logits(for: x.values, shape: x.shape, threads: 1) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4 && results.allSatisfy { $0 == single })
    }

    /// Softmax by hand: for scores (1, 3, 2), e^3 / (e^1 + e^2 + e^3) = 0.665241, e^2 / ... = 0.244728.
    @Test func topClassesAndProbabilities() {
        let logits = Logits(values: [1, 3, 2, 0, 0, 5], imageCount: 2, classCount: 3)
        let top = logits.top(2, image: 0)
        #expect(top.map(\.index) == [1, 2])
        #expect(abs(top[0].probability - 0.665241) < 1e-6 && abs(top[1].probability - 0.244728) < 1e-6)
        #expect(logits.top(5, image: 1).map(\.index) == [2, 0, 1])
        #expect(Array(logits[1]) == [0, 0, 5])
    }

    /// A photo in, labels out, through `Model`: torchvision's probabilities for the same pipeline (PIL decode,
    /// Resize(32), CenterCrop(32), ToTensor, Normalize, the model, softmax), as gen_images.py recorded them in
    /// fixtures/images/MANIFEST.json; the same again from the decoded pixels, and from a classifier over files.
    @Test func modelClassifiesAPhotoAsTorchvisionDoes() throws {
        struct Manifest: Decodable {
            struct Entry: Decodable { let model: String; let file: String; let indices: [Int]; let probabilities: [Double] }
            let probabilities: [Entry]
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Fixtures.data("images/MANIFEST.json"))
        let model = try Model(contentsOf: Self.checkpointURL)
        #expect(model.labels.count == 10 && model.labels[3] == "cat" && model.preprocessing == Preprocessing(preset: .cifar))
        let entries = manifest.probabilities.filter { $0.model == "checkpoints/resnet20-cifar10.pth" }
        #expect(entries.count >= 4)
        var files: [String] = []
        for entry in entries {
            let path = Fixtures.path("images/" + entry.file)
            files.append(path)
            let predictions = try model.classify(imageAt: URL(fileURLWithPath: path), top: 10, threads: 1)
            #expect(predictions.map(\.index) == entry.indices, "\(entry.file)")
            for (ours, theirs) in zip(predictions, entry.probabilities) {
                #expect(abs(Double(ours.probability) - theirs) <= 1e-4, "\(entry.file)")
            }
            #expect(predictions.allSatisfy { $0.label == model.labels[$0.index] })
            let pixels = try ImageDecoder().decode(contentsOfFile: path)
            #expect(try model.classify(pixels, top: 10, threads: 1) == predictions)
        }
        // Many files, three per batch (the last batch short), one missing: each outcome in order.
        files.insert(Fixtures.path("images/no-such-photo.jpg"), at: 2)
        var outcomes: [Int: Result<[Prediction], Error>] = [:]
        try model.classifier(threads: 2).classify(contentsOfFiles: files, top: 10, batchSize: 3) { index, outcome in
            #expect(outcomes[index] == nil)
            outcomes[index] = outcome
        }
        #expect(outcomes.count == files.count)
        for (index, path) in files.enumerated() {
            if index == 2 {
                guard case .failure(let error) = outcomes[index] else { Issue.record("no failure"); continue }
                guard case ImageError.cannotOpen = error else { Issue.record("\(error)"); continue }
            } else {
                let entry = entries[index < 2 ? index : index - 1]
                #expect(path.hasSuffix(entry.file))
                guard case .success(let predictions) = outcomes[index] else { Issue.record("\(path) failed"); continue }
                #expect(predictions.map(\.index) == entry.indices, "\(path)")
            }
        }
    }

    /// A conversion with an adaptation, progress through the callback (never printed), and the output's logits:
    /// the first four of torch's ten per image.
    @Test func conversionWritesAnAdaptedFileAndReportsProgress() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("four.rnw")
        var steps: [ConversionProgress] = []
        let report = try Conversion(from: Self.checkpointURL, adaptations: [.numClasses(4)])
            .write(to: output) { steps.append($0) }
        #expect(report.config.numClasses == 4)
        #expect(!steps.isEmpty && steps.last?.fractionCompleted == 1)
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0.bytesCompleted <= $1.bytesCompleted })

        let model = try Model(contentsOf: output)
        #expect(model.recordedAdaptations == [.numClasses(4, rowInit: .uniform, seed: 0)])
        let x = try NumpyArray(contentsOfFile: Self.input)
        let expected = try NumpyArray(contentsOfFile: Self.torchLogits)
        let logits = try model.logits(for: x.values, shape: x.shape, threads: 1)
        let largest = expected.values.map(abs).max() ?? 1
        for image in 0..<x.shape[0] {
            for (ours, theirs) in zip(logits[image], expected.values[image * 10..<image * 10 + 4]) {
                #expect(abs(ours - theirs) <= 1e-4 * largest)
            }
        }
        #expect(throws: ConvertError.outputExists(path: output.path)) {
            try Conversion(from: Self.checkpointURL).write(to: output)
        }
    }

    /// torchinfo's table, as data and as text: the totals are torchvision's (../shared/reference), the text is
    /// torchinfo's own output (fixtures/summary, scripts/fixtures/gen_summary_refs.py).
    @Test func summaryIsDataAndText() throws {
        let summary = try Summary(architecture: "resnet18")
        #expect(summary.totals.parameters == 11_689_512)
        #expect(summary.totals.multAdds == 1_814_083_944)
        #expect(summary.rows.first?.outputShape == [1, 1000])
        let expected = try String(contentsOfFile: Fixtures.path("summary/resnet18.torchinfo.txt"), encoding: .utf8)
        // torchinfo 1.8 under Python 3.11 prints the unit as `(Units.GIGABYTES)`; rnx prints the intended `(G)`.
        let intended = expected.replacingOccurrences(of: "(Units.GIGABYTES)", with: "(G)")
        #expect(summary.rendered() == intended)

        let fromFile = try Summary(checkpoint: try Checkpoint(contentsOf: Self.checkpointURL))
        #expect(fromFile.architectureName == "resnet20")
    }

    /// A library leaves signals to its host: writing an output installs no handler (the command line opts in with
    /// `OutputFile.removeInterruptedOutputsOnSignal()`; InterruptedWriteTests checks what it then does).
    @Test func writingInstallsNoSignalHandler() throws {
        func handlers() -> [Int] {
            [SIGINT, SIGTERM, SIGHUP].map { signal in
                var action = sigaction()
                sigaction(signal, nil, &action)
                return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
            }
        }
        let before = handlers()
        let output = try Fixtures.temporaryDirectory().appendingPathComponent("plain.rnw")
        try Conversion(from: Self.checkpointURL).write(to: output)
        #expect(handlers() == before)
        #expect(!OutputFile.removesInterruptedOutputsOnSignal)
    }

    @Test func errorsAreTyped() throws {
        #expect(throws: ArchError.unknownArchitecture("resnet7")) { try Model(architecture: "resnet7") }
        #expect(throws: CheckpointError.self) {
            try Model(contentsOf: URL(fileURLWithPath: "/nonexistent/model.pth"))
        }
        #expect(throws: CheckpointError.cannotOpen(reason: "https://example.com/a.pth is not a file URL")) {
            try Checkpoint(contentsOf: try #require(URL(string: "https://example.com/a.pth")))
        }
    }
}
