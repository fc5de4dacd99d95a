import RNXTensor

/// The table `rnx archs` prints.
public enum ArchitectureList {
    /// The library a named architecture comes from: `torchvision`, `timm`, or `paper` for the CIFAR nets of the
    /// ResNet paper (section 4.2).
    public static func library(of config: ResNetConfig) -> String {
        if config.family == .cifar { return "paper" }
        return config.naming == .timm ? "timm" : "torchvision"
    }

    /// The libraries `rnx convert --to` can write `config` for, in `--to`'s spelling (`torchvision`, `timm`, `hf`).
    public static func convertTargets(of config: ResNetConfig) -> [String] {
        ResNetConfig.Naming.allCases.compactMap { naming in
            guard (try? LibraryRenaming(config: config, to: naming)) != nil else { return nil }
            return naming == .transformers ? "hf" : naming.rawValue
        }
    }

    /// One line per named architecture: name, library, block, blocks per stage, the `--to` libraries, parameters.
    public static func render() -> String {
        var lines = ["NAME                 LIBRARY      BLOCK       STAGES        TO                   PARAMS"]
        for (name, config) in ResNetConfig.named {
            let stages = config.layers.map(String.init).joined(separator: ",")
            let params = config.moduleTree.parameterCount.formatted(groupingSeparator: ",")
            let columns = [
                name.padded(to: 21), library(of: config).padded(to: 13), config.block.torchClassName.padded(to: 12),
                stages.padded(to: 14), convertTargets(of: config).joined(separator: ",").padded(to: 21), params,
            ]
            lines.append(columns.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The same list as one JSON array for scripts: `[{"name", "library", "family", "block", "stages", "groups",
    /// "width_per_group", "shortcut", "convert_to", "parameters"}, ...]`, in the table's order.
    public static func json() -> String {
        let entries = ResNetConfig.named.map { name, config in
            let fields = [
                "\"name\":\(name.jsonQuoted)",
                "\"library\":\(library(of: config).jsonQuoted)",
                "\"family\":\(config.family.rawValue.jsonQuoted)",
                "\"block\":\(config.block.torchClassName.jsonQuoted)",
                "\"stages\":[\(config.layers.map(String.init).joined(separator: ","))]",
                "\"groups\":\(config.groups)",
                "\"width_per_group\":\(config.widthPerGroup)",
                "\"shortcut\":\(config.shortcut.rawValue.jsonQuoted)",
                "\"convert_to\":[\(convertTargets(of: config).map(\.jsonQuoted).joined(separator: ","))]",
                "\"parameters\":\(config.moduleTree.parameterCount)",
            ]
            return "{" + fields.joined(separator: ",") + "}"
        }
        return "[" + entries.joined(separator: ",\n ") + "]"
    }
}
