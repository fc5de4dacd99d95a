import RNXArch
import RNXCheckpoint
import RNXPickle
import RNXTensor

/// What `rnx summary` was asked for, before it is resolved against an architecture.
public struct SummaryRequest: Sendable, Hashable {
    /// Whose table to reproduce (`--style`).
    public var style: SummaryTable.Style = .torchinfo
    /// How to render it (`--format`).
    public var format: SummaryTable.Format = .text
    /// `CxHxW` or `HxW`; nil for the family's default (3x224x224, CIFAR 3x32x32).
    public var inputSize: String?
    /// `--batch-size`; nil for 1.
    public var batchSize: Int?
    /// `--num-classes`: summarise the architecture with this many classifier rows.
    public var numClasses: Int?
    /// `--in-channels`: summarise the architecture with this many input channels.
    public var inChannels: Int?
    /// `--depth`: the deepest nesting level listed, torchinfo's `depth` (3 shows every layer of a ResNet).
    public var depth: Int = 3
    /// Extra columns and the FLOPs line of the text table.
    public var textOptions = SummaryTable.TextOptions()
    /// Bounds on a checkpoint's pickle, for `render(checkpointAt:)`.
    public var pickleLimits = PickleLimits.standard
    /// Where a transformers Bottleneck strides, overriding `config.json` (`--stride-in`).
    public var strideIn: StrideIn?
    /// `--key`: the dotted path of the model in a checkpoint; nil chooses the dict of tensors that is a ResNet.
    public var stateDictKey: String?

    /// A request with `rnx summary`'s defaults: torchinfo's text table at depth 3 for one image.
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

    /// The summary of `base` adjusted by the request.
    public func render(config base: ResNetConfig, name: String) throws -> String {
        try table(config: base, name: name).render(format, options: textOptions, architecture: name)
    }

    /// The table of `base` adjusted by the request, as data.
    public func table(config base: ResNetConfig, name: String) throws -> SummaryTable {
        let (config, input) = try resolve(base)
        let trace = try ForwardTrace(config: config, input: input, architectureName: name)
        return try SummaryTable(trace: trace, style: style, depth: depth, batchLabel: batchSize)
    }

    /// The summary of the architecture detected in the checkpoint at `path` (any format `Checkpoint.open` reads).
    ///
    /// The params size counts the file's dtypes; tensors the architecture has no place for are listed below the
    /// table (text, Markdown) or under `unfitting_tensors` and `missing_tensors` (JSON), as are the architecture's
    /// tensors the file lacks.
    public func render(checkpointAt path: String) throws -> String {
        let checkpoint = try Checkpoint.open(
            path: path, limits: pickleLimits,
            selection: StateDictSelection(key: stateDictKey, recognizesModel: WeightMapping.isResNet))
        return try render(descriptors: checkpoint.descriptors, transformersConfig: checkpoint.companionConfig)
    }

    /// The summary of the architecture detected from `descriptors` (and a transformers `config.json`), as
    /// `render(checkpointAt:)`.
    public func render(descriptors: [TensorDescriptor], transformersConfig: [UInt8]? = nil) throws -> String {
        let (table, name) = try table(descriptors: descriptors, transformersConfig: transformersConfig)
        return table.render(format, options: textOptions, architecture: name)
    }

    /// The table of the architecture detected from `descriptors`, as data, and the architecture's name.
    public func table(
        descriptors: [TensorDescriptor], transformersConfig: [UInt8]? = nil
    ) throws -> (table: SummaryTable, name: String) {
        let detected = try WeightMapping.layout(
            descriptors, transformersConfig: transformersConfig, strideIn: strideIn
        ).config
        let (config, input) = try resolve(detected)
        let name = config.displayName
        let trace = try ForwardTrace(config: config, input: input, architectureName: name)
        var table = try SummaryTable(
            trace: trace, style: style, depth: depth, batchLabel: batchSize,
            parameterBytes: CheckpointFit.parameterBytes(descriptors, config: config))
        table.unfittingTensors = CheckpointFit.unfitting(descriptors, config: config)
        table.missingTensors = CheckpointFit.missing(descriptors, config: config)
        return (table, name)
    }
}
