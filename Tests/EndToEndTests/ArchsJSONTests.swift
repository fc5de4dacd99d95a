import Foundation
import RNXTestSupport
import Testing

/// `rnx archs --json`: the same list as the table, for scripts; parameter counts are torchvision's
/// (../shared/reference/torchvision-resnets.json, measured with torch).
struct ArchsJSONTests {
    @Test func listsEveryArchitectureWithTorchvisionsCounts() throws {
        let result = try RNXProcess.run(["archs", "--json"])
        #expect(result.status == 0, "\(result)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: entries.compactMap { entry in
            (entry["name"] as? String).map { ($0, entry) }
        })
        #expect(byName["resnet18"]?["parameters"] as? Int == 11_689_512)
        #expect(byName["resnet50"]?["parameters"] as? Int == 25_557_032)
        #expect(byName["resnext50_32x4d"]?["groups"] as? Int == 32)
        #expect(byName["resnet50"]?["stages"] as? [Int] == [3, 4, 6, 3])
        let table = try RNXProcess.run(["archs"])
        // One JSON entry per table row (the table has a header line).
        #expect(entries.count == table.stdout.split(separator: "\n").count - 1)
    }
}
