import RNXArch

/// What `rnx summary` was asked for, before it is resolved against an architecture.
public struct SummaryRequest: Sendable, Hashable {
    public var style: SummaryTable.Style = .torchinfo
    public var format: SummaryTable.Format = .text
    /// `CxHxW` or `HxW`; nil for the family's default (3x224x224, CIFAR 3x32x32).
    public var inputSize: String?
    public var batchSize: Int?
    public var numClasses: Int?
    public var inChannels: Int?
    public var depth: Int = 3
    public var textOptions = SummaryTable.TextOptions()

    public init() {}

    /// Checks the counts; throws `ReportError.invalidOption` for the first that is out of range.
    public func validate() throws {
        for (name, value) in [
            ("--batch-size", batchSize), ("--num-classes", numClasses), ("--in-channels", inChannels),
        ] {
            if let value, value < 1 { throw ReportError.invalidOption(name: name, value: value) }
        }
        if depth < 0 { throw ReportError.invalidOption(name: "--depth", value: depth) }
    }

    /// `config` with the requested classes and input channels, and the input to trace it on.
    public func resolve(_ base: ResNetConfig) throws -> (ResNetConfig, SummaryInput) {
        try validate()
        var config = base
        if let numClasses { config.numClasses = numClasses }
        let defaultSide = base.family == .imagenet ? 224 : 32
        var height = defaultSide
        var width = defaultSide
        var channels: Int?
        if let inputSize {
            (channels, height, width) = try SummaryInput.parse(inputSize)
        }
        if let inChannels, let channels, inChannels != channels {
            throw ReportError.channelMismatch(input: channels, model: inChannels)
        }
        config.inChannels = inChannels ?? channels ?? base.inChannels
        let input = SummaryInput(
            batchSize: batchSize ?? 1, channels: config.inChannels, height: height, width: width)
        return (config, input)
    }

    /// The summary of the named architecture `name`.
    public func render(architecture name: String) throws -> String {
        guard let base = ResNetConfig.named(name) else { throw ReportError.unknownArchitecture(name) }
        return try render(config: base, name: name.lowercased())
    }

    /// The summary of `base` adjusted by the request; `parameterBytes` replaces float32 parameter sizes.
    public func render(config base: ResNetConfig, name: String, parameterBytes: Int? = nil) throws -> String {
        let (config, input) = try resolve(base)
        let trace = try ForwardTrace(config: config, input: input, architectureName: name)
        let table = try SummaryTable(
            trace: trace, style: style, depth: depth, batchLabel: batchSize, parameterBytes: parameterBytes)
        return table.render(format, options: textOptions, architecture: name)
    }
}
