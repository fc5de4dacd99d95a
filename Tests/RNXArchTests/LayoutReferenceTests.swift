import Crypto
import Foundation
import RNXArch
import RNXTensor
import RNXTestSupport
import Testing

/// timm's and transformers' ResNets against `fixtures/arch/layouts.json`, which scripts/fixtures/gen_layout_refs.py
/// wrote from timm 1.0.31 and transformers 5.23.0: keys, shapes, dtypes and parameter counts.
struct LayoutReferenceTests {
    struct Model {
        var key: String
        var config: ResNetConfig
        var count: Int
        var params: Int
        var sha256: String
        var entries: [(String, [Int], String)]?
    }

    static func load() throws -> [Model] {
        let root = try JSONSerialization.jsonObject(with: Fixtures.data("arch/layouts.json")) as? [String: Any]
        let models = try #require(root?["models"] as? [String: [String: Any]])
        return try models.keys.sorted().map { key in
            let record = try #require(models[key])
            let fields = try #require(record["config"] as? [String: Any])
            let config = try #require(ResNetConfig(fields: fields), "\(key): \(fields)")
            let entries = (record["entries"] as? [[Any]])?.map { item in
                (item[0] as? String ?? "", item[1] as? [Int] ?? [], item[2] as? String ?? "")
            }
            return Model(
                key: key, config: config, count: record["count"] as? Int ?? -1, params: record["params"] as? Int ?? -1,
                sha256: record["sha256"] as? String ?? "", entries: entries)
        }
    }

    @Test func everyModelHasTheLibrarysEntriesAndParameterCount() throws {
        let models = try Self.load()
        #expect(models.count == 49)
        for model in models {
            let entries = model.config.moduleTree.stateDictEntries()
            #expect(entries.count == model.count, "\(model.key)")
            #expect(model.config.moduleTree.parameterCount == model.params, "\(model.key)")
            #expect(Self.sha256(ArchReference.listing(model.config)) == model.sha256, "\(model.key)")
            guard let reference = model.entries else { continue }
            let ours = entries.map { ($0.name, $0.shape, $0.isInteger ? "int64" : "float32") }
            for (mine, theirs) in zip(ours, reference) {
                #expect(mine.0 == theirs.0 && mine.1 == theirs.1 && mine.2 == theirs.2, "\(model.key): \(mine) vs \(theirs)")
            }
        }
    }

    /// Detection from names and shapes alone gives back the configuration the library built. A plain ResNet's
    /// names are torchvision's and timm's alike, and transformers' weights do not show where a Bottleneck strides,
    /// so those two facts are set from the reference before comparing.
    @Test func detectionRecoversEveryConfiguration() throws {
        for model in try Self.load() {
            let descriptors = model.config.moduleTree.stateDictEntries().map {
                TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
            }
            var detected = try ArchitectureDetector.detect(descriptors)
            if !model.config.needsTimm && detected.naming == .torchvision { detected.naming = model.config.naming }
            detected.strideInFirstConv = model.config.strideInFirstConv
            #expect(detected == model.config, "\(model.key)")
            try WeightMapping.check(descriptors, against: detected)
        }
    }

    /// The names `rnx archs` lists resolve to timm's configurations, with the canonical name back.
    @Test func timmNamesAreCanonical() throws {
        for model in try Self.load() where model.key.hasPrefix("timm_") == false && model.config.naming == .timm {
            #expect(model.config.canonicalName == model.key)
        }
    }

    private static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
