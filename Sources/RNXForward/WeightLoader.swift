import RNXArch
import RNXTensor

/// Reads named tensors from a source, checks them against the architecture and folds BatchNorm.
struct WeightLoader<Source: TensorSource> {
    let source: Source
    /// The source's descriptors, taken once: several sources (adapted, synthetic) build theirs on every access.
    let descriptors: [TensorDescriptor]
    let index: [String: Int]

    init(source: Source) {
        self.source = source
        descriptors = source.descriptors
        var index: [String: Int] = [:]
        for (position, descriptor) in descriptors.enumerated() where index[descriptor.name] == nil {
            index[descriptor.name] = position
        }
        self.index = index
    }

    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let position = index[name] else { throw ForwardError.missingTensor(name) }
        let descriptor = descriptors[position]
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
