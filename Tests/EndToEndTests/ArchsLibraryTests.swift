import Foundation
import RNXTestSupport
import Testing

/// `rnx archs` names the library each architecture comes from and the libraries `convert --to` can write it for.
struct ArchsLibraryTests {
    static let torchvision = [
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
        "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
    ]
    static let paper = ["resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "resnet1202"]

    @Test func tableHasALibraryColumn() throws {
        let result = try RNXProcess.run(["archs"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.split(separator: " ") == ["NAME", "LIBRARY", "BLOCK", "STAGES", "TO", "PARAMS"])
        var rows: [String: [Substring]] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: " ")
            #expect(fields.count == 6, "\(line)")
            rows[String(fields[0])] = fields
        }
        for name in Self.torchvision { #expect(rows[name]?[1] == "torchvision", "\(name)") }
        for name in Self.paper { #expect(rows[name]?[1] == "paper" && rows[name]?[4] == "torchvision", "\(name)") }
        #expect(rows.values.filter { $0[1] == "timm" }.count == 39)
        // transformers builds plain ResNets only: no grouped or wide Bottlenecks, no timm layers.
        #expect(rows["resnet50"]?[4] == "torchvision,timm,hf")
        #expect(rows["resnext50_32x4d"]?[4] == "torchvision,timm")
        #expect(rows["resnet26"]?[4] == "torchvision,timm,hf")
        #expect(rows["resnet50d"]?[1] == "timm" && rows["resnet50d"]?[4] == "timm")
        #expect(rows["ecaresnext50t_32x4d"]?[4] == "timm")
    }

    @Test func jsonHasTheLibraryAndTheTargets() throws {
        let result = try RNXProcess.run(["archs", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: entries.compactMap { entry in
            (entry["name"] as? String).map { ($0, entry) }
        })
        #expect(byName["resnet18"]?["library"] as? String == "torchvision")
        #expect(byName["resnet20"]?["library"] as? String == "paper")
        #expect(byName["resnet20"]?["family"] as? String == "cifar")
        #expect(byName["seresnext26d_32x4d"]?["library"] as? String == "timm")
        #expect(byName["seresnext26d_32x4d"]?["convert_to"] as? [String] == ["timm"])
        #expect(byName["resnet152"]?["convert_to"] as? [String] == ["torchvision", "timm", "hf"])
        #expect(entries.allSatisfy { ["torchvision", "timm", "paper"].contains($0["library"] as? String ?? "") })
    }
}
