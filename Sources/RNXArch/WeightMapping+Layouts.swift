import RNXTensor

/// Where a transformers Bottleneck strides, as `--stride-in` names it.
public enum StrideIn: String, Sendable, CaseIterable {
    /// The first 1×1 convolution: the original paper's ResNet v1 (`downsample_in_bottleneck: true`).
    case oneByOne = "1x1"
    /// The 3×3 convolution: ResNet v1.5, torchvision's and timm's.
    case threeByThree = "3x3"
}

/// A state dict mapped onto an architecture, with what its companion files said.
public struct ResolvedArchitecture: Sendable {
    /// The architecture the tensors fit.
    public var config: ResNetConfig
    /// Class names in classifier-row order (transformers' `id2label`), when the model came with them.
    public var labels: [String]?
    /// What was assumed or taken from elsewhere than the weights, one line each.
    public var notes: [String]

    /// A resolution of `config`, with the class names and notes its companion files gave.
    public init(config: ResNetConfig, labels: [String]? = nil, notes: [String] = []) {
        self.config = config
        self.labels = labels
        self.notes = notes
    }
}

extension WeightMapping {
    /// `resolve(_:arch:numClasses:inChannels:)` with a transformers `config.json` (the bytes, when the model is a
    /// `save_pretrained` directory) and `--stride-in`.
    ///
    /// `config.json` decides `layer_type`, `depths` and `downsample_in_bottleneck`, and gives the labels; without it
    /// a transformers Bottleneck is assumed to stride in its 3×3 convolution (v1.5), and a note says so.
    /// `strideIn` overrides both. The tensors are then checked against the result.
    public static func resolve(
        _ descriptors: [TensorDescriptor], arch: String? = nil, numClasses: Int? = nil, inChannels: Int? = nil,
        transformersConfig: [UInt8]?, strideIn: StrideIn? = nil
    ) throws -> ResolvedArchitecture {
        var resolved = try layout(descriptors, arch: arch, transformersConfig: transformersConfig, strideIn: strideIn)
        if let numClasses { resolved.config.numClasses = numClasses }
        if let inChannels { resolved.config.inChannels = inChannels }
        try check(descriptors, against: resolved.config)
        return resolved
    }

    /// The architecture `resolve` checks the tensors against, before adaptations and without the check (a summary
    /// lists what does not fit instead).
    public static func layout(
        _ descriptors: [TensorDescriptor], arch: String? = nil, transformersConfig: [UInt8]?, strideIn: StrideIn? = nil
    ) throws -> ResolvedArchitecture {
        let isTransformers = descriptors.contains { $0.name.hasPrefix(TransformersLayout.prefix) }
        var config: ResNetConfig
        if let arch {
            guard var named = ResNetConfig.named(arch) else { throw ArchError.unknownArchitecture(arch) }
            if isTransformers {
                guard !named.needsTimm, named.family == .imagenet, named.groups == 1, named.widthPerGroup == 64 else {
                    throw ArchError.notInLibrary(
                        architecture: arch, library: "transformers",
                        reason: "its ResNet has neither grouped convolutions, other widths nor timm's layers")
                }
                named.naming = .transformers
            }
            config = named
            let shapes = Dictionary(descriptors.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
            if let weight = shapes[config.classifierName + ".weight"], weight.count == 2 { config.numClasses = weight[0] }
            if let stem = shapes[config.stemWeightName], stem.count == 4 { config.inChannels = stem[1] }
        } else {
            config = try ArchitectureDetector.detect(descriptors)
        }
        var resolved = ResolvedArchitecture(config: config)
        if let bytes = transformersConfig, config.naming == .transformers {
            let parsed = try TransformersConfig(json: bytes)
            resolved.config = try parsed.resnetConfig(numClasses: config.numClasses, weights: config)
            if let labels = parsed.labels {
                if labels.count == config.numClasses {
                    resolved.labels = labels
                } else {
                    resolved.notes.append(
                        "config.json names \(labels.count) labels for \(config.numClasses) classes: labels ignored")
                }
            }
        } else if config.naming == .transformers && config.block == .bottleneck && strideIn == nil {
            resolved.notes.append(
                "no config.json: assumed the Bottleneck strides in its 3x3 convolution (ResNet v1.5; "
                    + "--stride-in 1x1 for the paper's v1)")
        }
        if let strideIn {
            guard resolved.config.naming == .transformers, resolved.config.block == .bottleneck else {
                throw ArchError.invalidAdaptation(
                    "--stride-in applies to transformers Bottleneck ResNets (torchvision and timm stride in the 3x3)")
            }
            resolved.config.strideInFirstConv = strideIn == .oneByOne
        }
        return resolved
    }
}
