import Foundation
import RNXArch
import RNXReport
import RNXTestSupport
import Testing

/// One reference case of `fixtures/summary/cases.json`, written by `scripts/fixtures/gen_summary_refs.py`.
struct SummaryCase: Sendable, CustomStringConvertible {
    let name: String
    let arch: String
    let style: String
    let input: [Int]
    let batch: Int?
    let depth: Int?
    let numClasses: Int?
    /// The stored table, or for long tables its FNV-1a 64 hash, line count and last lines.
    let file: String?
    /// A checkpoint holding this net (float16), summarised from the file instead of by name.
    let source: String?
    let fnv1a64: String?
    let lines: Int?
    let tail: [String]
    /// The configuration as `ResNetConfig(fields:)` reads it, for models without a name (transformers' layout).
    var config: ResNetConfig? = nil

    var description: String { name }

    /// torchvision's and the CIFAR nets' cases (gen_summary_refs.py), then timm's and transformers'
    /// (`summary/layout-cases.json`, gen_layout_refs.py).
    static let all: [SummaryCase] = load("summary/cases.json") + load("summary/layout-cases.json")

    static func load(_ path: String) -> [SummaryCase] {
        guard let data = try? Fixtures.data(path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = object["cases"] as? [[String: Any]]
        else { return [] }
        return cases.map { c in
            SummaryCase(
                name: c["name"] as? String ?? "?", arch: c["arch"] as? String ?? "?",
                style: c["style"] as? String ?? "?", input: c["input"] as? [Int] ?? [],
                batch: c["batch"] as? Int, depth: c["depth"] as? Int, numClasses: c["num_classes"] as? Int,
                file: c["file"] as? String, source: c["source"] as? String, fnv1a64: c["fnv1a64"] as? String, lines: c["lines"] as? Int,
                tail: c["tail"] as? [String] ?? [],
                config: (c["config"] as? [String: Any]).flatMap(ResNetConfig.init(fields:)))
        }
    }

    /// The request rnx gets for this case: the same options the generator passed to torchinfo/torchsummary.
    var request: SummaryRequest {
        var request = SummaryRequest()
        request.style = style == "torchsummary" ? .torchsummary : .torchinfo
        request.inputSize = input.map(String.init).joined(separator: "x")
        request.batchSize = batch
        request.depth = depth ?? 3
        request.numClasses = numClasses
        return request
    }
}

/// torchinfo 1.8 under Python 3.11 prints `Total mult-adds (Units.GIGABYTES): 1.81`; rnx prints the intended
/// `(G)`. This is the one difference allowed between the reference and rnx, applied to the reference text.
func intendedTorchinfoText(_ raw: String) -> String {
    raw.replacingOccurrences(of: "(Units.MEGABYTES)", with: "(M)")
        .replacingOccurrences(of: "(Units.GIGABYTES)", with: "(G)")
        .replacingOccurrences(of: "(Units.TERABYTES)", with: "(T)")
}

/// The inverse, to hash rnx's text as torchinfo printed it.
func rawTorchinfoText(_ text: String) -> String {
    text.replacingOccurrences(of: "Total mult-adds (M):", with: "Total mult-adds (Units.MEGABYTES):")
        .replacingOccurrences(of: "Total mult-adds (G):", with: "Total mult-adds (Units.GIGABYTES):")
        .replacingOccurrences(of: "Total mult-adds (T):", with: "Total mult-adds (Units.TERABYTES):")
}

/// FNV-1a 64-bit, as the generator computes it (a fingerprint for tables too long to commit, not security).
func fnv1a64(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// Every table torchinfo and torchsummary printed for the ten torchvision ResNets, the CIFAR family and the option
/// variants, reproduced byte for byte.
struct SummaryReferenceTests {
    @Test func referencesArePresent() {
        // 10 torchvision and 7 CIFAR architectures in two styles, plus variants.
        #expect(SummaryCase.all.count >= 34 + 10 + 23)
        #expect(SummaryCase.load("summary/layout-cases.json").count == 23)
        #expect(SummaryCase.all.contains { $0.fnv1a64 != nil })
    }

    @Test(arguments: SummaryCase.all.filter { $0.source == nil })
    func matchesReference(_ reference: SummaryCase) throws {
        let text = try reference.config.map { try reference.request.render(config: $0, name: reference.arch) }
            ?? reference.request.render(architecture: reference.arch)
        if let file = reference.file {
            let raw = String(decoding: try Fixtures.data("summary/" + file), as: UTF8.self)
            let expected = reference.style == "torchinfo" ? intendedTorchinfoText(raw) : raw
            if text != expected {
                let ours = text.split(separator: "\n", omittingEmptySubsequences: false)
                let theirs = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? min(ours.count, theirs.count)
                let mine = first < ours.count ? String(ours[first]) : "<end>"
                let torch = first < theirs.count ? String(theirs[first]) : "<end>"
                Issue.record("line \(first + 1) differs:\nrnx:   \(mine)\ntorch: \(torch)")
            }
        } else {
            let raw = reference.style == "torchinfo" ? rawTorchinfoText(text) : text
            let lines = raw.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == reference.lines)
            #expect(Array(lines.suffix(reference.tail.count)).map(String.init) == reference.tail)
            #expect(fnv1a64(raw) == reference.fnv1a64)
        }
    }

    /// A float16 file gives the float32 net's table with half the params size. Every line but the two sizes must be
    /// torch's; those are worked out from the reference: P parameters at 2 bytes, plus the input and the
    /// forward/backward sizes, which follow from the printed rows (8 bytes per output element of each row with
    /// parameters for torchinfo; per element of every row for torchsummary) and the input shape.
    @Test(arguments: SummaryCase.all.filter { $0.source != nil })
    func fileSummaryMatchesReference(_ reference: SummaryCase) throws {
        let source = try #require(reference.source)
        let text = try reference.request.render(checkpointAt: Fixtures.path(source))
        let raw = String(decoding: try Fixtures.data("summary/" + #require(reference.file)), as: UTF8.self)
        let expected = reference.style == "torchinfo" ? intendedTorchinfoText(raw) : raw
        let ours = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let theirs = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(ours.count == theirs.count)
        let sizeLines = ["Params size (MB): ", "Estimated Total Size (MB): "]
        for (mine, torch) in zip(ours, theirs) where !sizeLines.contains(where: torch.hasPrefix) {
            #expect(mine == torch)
        }
        let total = try #require(theirs.first { $0.hasPrefix("Total params: ") })
        let parameters = try #require(Int(total.dropFirst(14).replacingOccurrences(of: ",", with: "")))
        let inputElements = reference.input.reduce(1, *)
        var outputElements = 0
        for line in theirs where line.contains("[") {
            let shape = try #require(line.split(separator: "[").last?.split(separator: "]").first)
            let dimensions: [Int] = shape.split(separator: ",").compactMap {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            let product = dimensions.reduce(1) { $0 * abs($1) }
            let cells: [Substring] = line.split(separator: "]").last?.split(separator: " ") ?? []
            let firstCell: String = cells.first.map(String.init) ?? ""
            let count: Int = Int(firstCell.replacingOccurrences(of: ",", with: "")) ?? 0
            let hasParameters = count > 0
            if reference.style == "torchsummary" || hasParameters { outputElements += product }
        }
        let params: Double
        let sum: Double
        if reference.style == "torchinfo" {
            params = Double(2 * parameters) / 1e6
            let bytes: Int = inputElements * 4 + 64 + outputElements * 8 + 2 * parameters
            sum = Double(bytes) / 1e6
        } else {
            params = Double(2 * parameters) / 1_048_576
            let output: Double = Double(outputElements * 8) / 1_048_576
            let input: Double = Double(inputElements * 4) / 1_048_576
            sum = params + output + input
        }
        #expect(ours.contains("Params size (MB): " + String(format: "%.2f", params)))
        #expect(ours.contains("Estimated Total Size (MB): " + String(format: "%.2f", sum)))
    }

    /// Parameters and torchinfo's mult-adds of the whole model, from `fixtures/reference/torchvision-resnets.json`.
    @Test func wholeModelFiguresMatchTorchvision() throws {
        let object = try JSONSerialization.jsonObject(with: Fixtures.data("reference/torchvision-resnets.json"))
        let models = try #require(object as? [String: [String: Any]])
        #expect(models.count == 10)
        for (name, figures) in models {
            let config = try #require(ResNetConfig.named(name))
            let trace = try ForwardTrace(config: config, input: SummaryInput(channels: 3, height: 224, width: 224))
            let table = try SummaryTable(trace: trace, style: .torchinfo)
            #expect(table.totals.parameters == figures["params"] as? Int, "\(name)")
            #expect(table.totals.multAdds == figures["torchinfo_mult_adds"] as? Int, "\(name)")
            let summary = try SummaryTable(trace: trace, style: .torchsummary)
            #expect(summary.totals.parameters == figures["params"] as? Int, "\(name)")
        }
    }

    @Test func fnvMatchesPublishedVectors() {
        // Test vectors of the FNV specification (draft-eastlake-fnv): "" and "a".
        #expect(fnv1a64("") == "cbf29ce484222325")
        #expect(fnv1a64("a") == "af63dc4c8601ec8c")
    }
}
