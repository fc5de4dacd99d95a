import RNXArch
import RNXTensor

/// A ResNet ready for inference: BatchNorm folded into the convolutions, all weights float32 in memory.
///
/// Build it once from a configuration and any `TensorSource` (a checkpoint, a state dict, `SyntheticWeights`), then
/// run it through a `ForwardPlan` made for an input shape, or call `run(_:)` for a one-off pass.
public final class ForwardModel: Sendable {
    /// The architecture the weights were mapped onto.
    public let config: ResNetConfig
    let stem: ConvLayer
    let maxPool: (kernel: Int, stride: Int, padding: Int)?
    let blocks: [ResidualBlock]
    /// The classifier, `[numClasses, features]` row-major, and its bias.
    let classifierWeights: [Float]
    let classifierBias: [Float]

    /// BatchNorm's epsilon in torchvision and the CIFAR implementation.
    public static let batchNormEpsilon = 1e-5

    /// Loads and folds the weights of `config` from `source`, reading one tensor at a time.
    ///
    /// Every tensor the architecture needs must be present with its exact shape and a floating-point dtype
    /// (f16 and bf16 are widened to f32); other tensors in the source are ignored.
    public init(config: ResNetConfig, weights source: some TensorSource) throws {
        self.config = config
        let loader = WeightLoader(source: source)
        let tree = config.moduleTree
        guard let conv1 = tree.child("conv1"), let bn1 = tree.child("bn1") else {
            throw ForwardError.missingTensor("conv1.weight")
        }
        stem = try loader.folded(conv: conv1, batchNorm: bn1, prefix: "")
        if case .maxPool2d(let kernel, let stride, let padding)? = tree.child("maxpool")?.kind {
            maxPool = (kernel, stride, padding)
        } else {
            maxPool = nil
        }
        var blocks: [ResidualBlock] = []
        for stage in tree.children where stage.name.hasPrefix("layer") {
            for block in stage.children {
                blocks.append(try loader.block(block, prefix: "\(stage.name).\(block.name)"))
            }
        }
        self.blocks = blocks
        let classifier = config.classifierName
        classifierWeights = try loader.floats(
            "\(classifier).weight", shape: [config.numClasses, config.featureCount])
        classifierBias = try loader.floats("\(classifier).bias", shape: [config.numClasses])
    }

    /// Runs one pass over an `[N, C, H, W]` float32 input in row-major order and returns `[N, numClasses]` logits.
    public func run(_ input: [Float], shape: [Int], threads: Int = ForwardThreads.defaultCount) throws -> [Float] {
        guard shape.count == 4 else { throw ForwardError.inputRank(shape: shape) }
        let plan = try ForwardPlan(model: self, batch: shape[0], channels: shape[1], height: shape[2],
                                   width: shape[3], threads: threads)
        return try plan.run(input)
    }

    /// Every convolution in execution order, for reports.
    var convolutions: [ConvLayer] {
        var result = [stem]
        for block in blocks {
            result.append(contentsOf: block.convs)
            if case .projection(let conv) = block.shortcut { result.append(conv) }
        }
        return result
    }
}

/// Reads named tensors from a source, checks them against the architecture and folds BatchNorm.
private struct WeightLoader<Source: TensorSource> {
    let source: Source
    let index: [String: Int]

    init(source: Source) {
        self.source = source
        var index: [String: Int] = [:]
        for (position, descriptor) in source.descriptors.enumerated() where index[descriptor.name] == nil {
            index[descriptor.name] = position
        }
        self.index = index
    }

    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let position = index[name] else { throw ForwardError.missingTensor(name) }
        let descriptor = source.descriptors[position]
        guard descriptor.shape == shape else {
            throw ForwardError.shapeMismatch(name: name, expected: shape, found: descriptor.shape)
        }
        guard descriptor.dtype.isFloatingPoint else {
            throw ForwardError.notFloatingPoint(name: name, dtype: descriptor.dtype)
        }
        if let synthetic = source as? SyntheticWeights { return synthetic.floatValues(at: position) }
        let tensor = try source.loadTensor(at: position)
        guard tensor.shape == shape else {
            throw ForwardError.shapeMismatch(name: name, expected: shape, found: tensor.shape)
        }
        return tensor.floats()
    }

    /// The convolution `conv` with the BatchNorm `batchNorm` folded in (eval mode).
    func folded(conv: Module, batchNorm: Module, prefix: String) throws -> ConvLayer {
        guard case .conv2d(let spec) = conv.kind, case .batchNorm2d(let channels) = batchNorm.kind else {
            preconditionFailure("module tree pairs every convolution with a BatchNorm")
        }
        let convName = prefix.isEmpty ? conv.name : "\(prefix).\(conv.name)"
        let bnName = prefix.isEmpty ? batchNorm.name : "\(prefix).\(batchNorm.name)"
        var weights = try floats("\(convName).weight", shape: spec.weightShape)
        let gamma = try floats("\(bnName).weight", shape: [channels])
        let beta = try floats("\(bnName).bias", shape: [channels])
        let mean = try floats("\(bnName).running_mean", shape: [channels])
        let variance = try floats("\(bnName).running_var", shape: [channels])
        let perFilter = spec.outChannels == 0 ? 0 : weights.count / spec.outChannels
        var bias = [Float](repeating: 0, count: channels)
        for channel in 0..<channels {
            // Folded in double so the only float32 rounding is the final one per weight.
            let scale = Double(gamma[channel]) / (Double(variance[channel]) + ForwardModel.batchNormEpsilon).squareRoot()
            bias[channel] = Float(Double(beta[channel]) - Double(mean[channel]) * scale)
            for offset in channel * perFilter..<(channel + 1) * perFilter {
                weights[offset] = Float(Double(weights[offset]) * scale)
            }
        }
        return ConvLayer(
            name: convName, inChannels: spec.inChannels, outChannels: spec.outChannels, kernel: spec.kernel,
            stride: spec.stride, padding: spec.padding, groups: spec.groups, weights: weights, bias: bias)
    }

    /// A BasicBlock or Bottleneck with its shortcut.
    func block(_ module: Module, prefix: String) throws -> ResidualBlock {
        var convs: [ConvLayer] = []
        var shortcut = ResidualBlock.Shortcut.identity
        for child in module.children {
            switch child.kind {
            case .conv2d:
                let bnName = "bn" + child.name.dropFirst("conv".count)
                guard let batchNorm = module.child(bnName) else { throw ForwardError.missingTensor("\(prefix).\(bnName)") }
                convs.append(try folded(conv: child, batchNorm: batchNorm, prefix: prefix))
            case .sequential where child.children.count == 2:
                shortcut = .projection(
                    try folded(conv: child.children[0], batchNorm: child.children[1], prefix: "\(prefix).\(child.name)"))
            case .zeroPadShortcut(let stride, let padBefore, let padAfter):
                shortcut = .zeroPad(stride: stride, padBefore: padBefore, padAfter: padAfter)
            default:
                break
            }
        }
        return ResidualBlock(convs: convs, shortcut: shortcut)
    }
}
