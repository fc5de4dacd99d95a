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
}

extension Int {
    /// The number with a separator every three digits: `11,689,512`.
    public func formatted(groupingSeparator separator: String) -> String {
        let digits = String(magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += separator }
            result.append(digit)
        }
        return self < 0 ? "-" + result : result
    }
}

extension String {
    /// The string padded with spaces on the right to at least `width` characters.
    public func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
