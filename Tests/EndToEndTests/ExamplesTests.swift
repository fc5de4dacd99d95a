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

    /// The getting-started article's program, run as the article runs it; the classes and probabilities are
    /// torch's (see `classifyBatchPrintsTorchsTopClasses`): the ten-class cut is a no-op for a CIFAR-10 model.
    @Test func gettingStartedConvertsAndRuns() throws {
        let output = try Fixtures.temporaryDirectory().appendingPathComponent("resnet20.rnw").path
        let result = try Self.run("GettingStarted", [
            Fixtures.path("checkpoints/resnet20-cifar10.pth"), output, Fixtures.path("forward/input-cifar.npy"),
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "7 0.1115\n0 0.1098\n9 0.1084\n", "\(result)")
        #expect(FileManager.default.fileExists(atPath: output))
    }

    /// "A new package converts or runs a checkpoint in under ten lines, following the docs": the article's
    /// program is the example's main.swift, byte for byte (the README shows it too), and has fewer than ten lines
    /// of code.
    @Test func gettingStartedProgramIsTheArticlesAndUnderTenLines() throws {
        let article = try DocSnippets.blocks(inArticle: "GettingStarted.md")
        let program = try String(contentsOf: DocSnippets.example.appendingPathComponent("main.swift"), encoding: .utf8)
        #expect(article.contains(program), "main.swift is not a block of GettingStarted.md")
        let readme = try String(contentsOf: Fixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("```swift\n" + program + "```\n"), "README.md does not show main.swift")
        let code = program.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(code.count < 10, "\(code.count) lines")
    }

    /// Every Swift block of the DocC articles is compiled: it appears, line for line (indentation aside, imports
    /// at the top of the file), in the GettingStarted example, which `make examples` builds. The package
    /// manifest's block is checked by its target line, the part a user copies unchanged.
    @Test func everyDocumentedSnippetIsCompiled() throws {
        let sources = try ["main.swift", "Sections.swift"].map {
            try DocSnippets.lines(String(contentsOf: DocSnippets.example.appendingPathComponent($0), encoding: .utf8))
        }
        let manifest = try String(
            contentsOf: Fixtures.root.appendingPathComponent("Examples/GettingStarted/Package.swift"), encoding: .utf8)
        var checked = 0
        for article in try DocSnippets.articles() {
            for block in try DocSnippets.blocks(inArticle: article) {
                var lines = DocSnippets.lines(block).filter { !$0.hasPrefix("import ") }
                while lines.first == "" { lines.removeFirst() }
                while lines.last == "" { lines.removeLast() }
                if lines.first == "// Package.swift" {
                    let target = try #require(lines.first { $0.hasPrefix(".executableTarget") })
                    #expect(manifest.contains(target), "\(article): \(target)")
                    continue
                }
                checked += 1
                let found = sources.contains { source in
                    source.indices.contains { start in
                        start + lines.count <= source.count && Array(source[start..<start + lines.count]) == lines
                    }
                }
                #expect(found, "\(article): a block not in Examples/GettingStarted:\n\(block)")
            }
        }
        #expect(checked >= 7)
    }

    @Test func examplesReportUsage() throws {
        let result = try Self.run("ClassifyBatch", [])
        #expect(result.status == 64 && result.stderr == "usage: ClassifyBatch MODEL INPUT.npy|IMAGE... [--top K]\n", "\(result)")
    }
}

/// The Swift code blocks of the DocC catalog, and the example that compiles them.
enum DocSnippets {
    static let catalog = Fixtures.root.appendingPathComponent("Sources/RNX/RNX.docc")
    static let example = Fixtures.root.appendingPathComponent("Examples/GettingStarted/Sources/GettingStarted")

    static func articles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0.hasSuffix(".md") }.sorted()
    }

    /// The text of each ```swift block, every line ending in a newline.
    static func blocks(inArticle name: String) throws -> [String] {
        let text = try String(contentsOf: catalog.appendingPathComponent(name), encoding: .utf8)
        var blocks: [String] = []
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = ""
            } else if current != nil, line == "```" {
                blocks.append(current ?? "")
                current = nil
            } else if current != nil {
                current? += line + "\n"
            }
        }
        return blocks
    }

    /// Lines without their indentation or trailing spaces, so a block matches a function body.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
