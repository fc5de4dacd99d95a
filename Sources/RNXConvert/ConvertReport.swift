import RNXArch

/// What a conversion did, for the lines `rnx convert` prints.
public struct ConvertReport: Sendable, Equatable {
    /// The path of the checkpoint that was read.
    public var input: String
    /// The path written.
    public var output: String
    /// The architecture of the output.
    public var config: ResNetConfig
    /// The number of tensors written, after adaptations.
    public var tensorCount: Int
    /// One line per adaptation applied.
    public var adaptations: [String]
    /// The output's size in bytes.
    public var outputSize: Int
    /// SHA-256 of the output's data section (also stored in its metadata).
    public var dataSHA256: String
    /// SHA-256 of the whole input file, recorded in the output's metadata so a later `verify` can name its source.
    public var sourceSHA256: String

    /// The printed summary, one fact per line.
    public func render() -> String {
        var lines = [
            "converted \(input) -> \(output)",
            "architecture: \(config.displayName) (\(config.numClasses) classes, \(config.inChannels) input channels)",
            "tensors: \(tensorCount)",
        ]
        if adaptations.isEmpty {
            lines.append("adaptations: none")
        } else {
            lines.append("adaptations:")
            lines += adaptations.map { "  - " + $0 }
        }
        lines.append("output size: \(outputSize.formatted(groupingSeparator: ",")) bytes")
        lines.append("data sha256: \(dataSHA256)")
        return lines.joined(separator: "\n")
    }
}
