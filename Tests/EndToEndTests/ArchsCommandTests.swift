import Foundation
import RNXTestSupport
import Testing

/// `rnx archs` as a user runs it.
struct ArchsCommandTests {
    /// Parameter counts are torchvision's, as torch 2.15 reported them in `fixtures/reference/torchvision-resnets.json`.
    @Test func listsTorchvisionParameterCounts() throws {
        let result = try RNXProcess.run(["archs"])
        #expect(result.status == 0, "\(result)")
        let reference = try JSONSerialization.jsonObject(with: Fixtures.data("reference/torchvision-resnets.json"))
        let models = try #require(reference as? [String: [String: Any]])
        for (name, figures) in models {
            let params = try #require(figures["params"] as? Int)
            let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") })
            #expect(line.hasSuffix(" " + grouped(params)), "\(line)")
        }
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let result = try RNXProcess.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unexpected argument 'frobnicate'"))
    }

    private func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}
