import Foundation
import RNXArch
import RNXTestSupport

/// `fixtures/arch/state-dicts.json`, written by scripts/fixtures/gen_arch_refs.py from torchvision 0.29.2 and the
/// shared CIFAR definition: per model, its configuration, entry count, listing SHA-256 and (if small) the entries.
struct ArchReference {
    struct Model {
        var key: String
        var config: ResNetConfig
        var count: Int
        var sha256: String
        /// (name, shape, dtype) as torch printed them, when the generator kept the full listing.
        var entries: [(String, [Int], String)]?
    }

    static func load() throws -> [Model] {
        let root = try JSONSerialization.jsonObject(with: Fixtures.data("arch/state-dicts.json")) as? [String: Any]
        let models = root?["models"] as? [String: [String: Any]] ?? [:]
        return try models.keys.sorted().map { key in
            let record = models[key]!
            let spec = record["config"] as? [String: Any] ?? [:]
            var config: ResNetConfig
            if let arch = spec["arch"] as? String {
                guard let named = ResNetConfig.named(arch) else { throw ArchError.unknownArchitecture(arch) }
                config = named
            } else {
                config = ResNetConfig(
                    block: spec["block"] as? String == "basic" ? .basic : .bottleneck,
                    layers: spec["layers"] as? [Int] ?? [], groups: spec["groups"] as? Int ?? 1,
                    widthPerGroup: spec["width_per_group"] as? Int ?? 64)
            }
            if let classes = spec["num_classes"] as? Int { config.numClasses = classes }
            if let channels = spec["in_channels"] as? Int { config.inChannels = channels }
            let entries = (record["entries"] as? [[Any]])?.map { item in
                (item[0] as? String ?? "", item[1] as? [Int] ?? [], item[2] as? String ?? "")
            }
            return Model(
                key: key, config: config, count: record["count"] as? Int ?? -1,
                sha256: record["sha256"] as? String ?? "", entries: entries)
        }
    }

    /// The generator's canonical listing of a config's entries: `name<TAB>[d0, d1]<TAB>dtype\n` per entry.
    static func listing(_ config: ResNetConfig) -> String {
        config.moduleTree.stateDictEntries().map {
            "\($0.name)\t[\($0.shape.map(String.init).joined(separator: ", "))]\t\($0.isInteger ? "int64" : "float32")\n"
        }.joined()
    }
}
