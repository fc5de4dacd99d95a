import RNXTensor

/// The table `rnx archs` prints.
public enum ArchitectureList {
    /// One line per named architecture: name, family, block, blocks per stage, parameter count.
    public static func render() -> String {
        var lines = ["NAME               FAMILY    BLOCK       STAGES          PARAMS"]
        for (name, config) in ResNetConfig.named {
            let stages = config.layers.map(String.init).joined(separator: ",")
            let params = config.moduleTree.parameterCount.formatted(groupingSeparator: ",")
            let columns = [
                name.padded(to: 19), config.family.rawValue.padded(to: 10), config.block.torchClassName.padded(to: 12),
                stages.padded(to: 16), params,
            ]
            lines.append(columns.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The same list as one JSON array for scripts: `[{"name", "family", "block", "stages", "groups",
    /// "width_per_group", "shortcut", "parameters"}, ...]`, in the table's order.
    public static func json() -> String {
        let entries = ResNetConfig.named.map { name, config in
            let fields = [
                "\"name\":\(name.jsonQuoted)",
                "\"family\":\(config.family.rawValue.jsonQuoted)",
                "\"block\":\(config.block.torchClassName.jsonQuoted)",
                "\"stages\":[\(config.layers.map(String.init).joined(separator: ","))]",
                "\"groups\":\(config.groups)",
                "\"width_per_group\":\(config.widthPerGroup)",
                "\"shortcut\":\(config.shortcut.rawValue.jsonQuoted)",
                "\"parameters\":\(config.moduleTree.parameterCount)",
            ]
            return "{" + fields.joined(separator: ",") + "}"
        }
        return "[" + entries.joined(separator: ",\n ") + "]"
    }
}
