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

    /// The convolution `conv` with the BatchNorm `batchNorm` folded in (eval mode), both children of `prefix`.
    func folded(conv: Module, batchNorm: Module, prefix: String) throws -> ConvLayer {
        try folded(conv: conv, at: join(prefix, conv.name), batchNorm: batchNorm, at: join(prefix, batchNorm.name))
    }

    /// The convolution `conv` at state-dict prefix `convName` with the BatchNorm at `bnName` folded in (a deep
    /// stem's last convolution `conv1.6` is normalised by the top-level `bn1`).
    func folded(conv: Module, at convName: String, batchNorm: Module, at bnName: String) throws -> ConvLayer {
        guard case .conv2d(let spec) = conv.kind, case .batchNorm2d(let channels) = batchNorm.kind else {
            preconditionFailure("module tree pairs every convolution with a BatchNorm")
        }
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

    /// What a walk over part of the module tree found, in call order.
    struct Walk {
        var convs: [ConvLayer] = []
        var maxPool: (kernel: Int, stride: Int, padding: Int)?
        var averagePool: Int?
        var attention: ChannelAttention?
        var zeroPad: (stride: Int, padBefore: Int, padAfter: Int)?
        var blocks: [ResidualBlock] = []
        var classifier: String?
        var pendingConv: (Module, String)?
    }

    /// Walks `module` (at `path`) in registration order: pairs each convolution with the BatchNorm after it,
    /// loads residual blocks whole and notes pools, attention and the classifier.
    func walk(_ module: Module, at path: String, into walk: inout Walk) throws {
        switch module.kind {
        case .conv2d:
            walk.pendingConv = (module, path)
        case .batchNorm2d:
            guard let (conv, convPath) = walk.pendingConv else { throw ForwardError.missingTensor("\(path).weight") }
            walk.convs.append(try folded(conv: conv, at: convPath, batchNorm: module, at: path))
            walk.pendingConv = nil
        case .maxPool2d(let kernel, let stride, let padding):
            walk.maxPool = (kernel, stride, padding)
        case .avgPool2d(let kernel, _):
            walk.averagePool = kernel
        case .zeroPadShortcut(let stride, let padBefore, let padAfter):
            walk.zeroPad = (stride, padBefore, padAfter)
        case .residual:
            walk.blocks.append(try block(module, prefix: path))
        case .squeezeExcite, .efficientChannelAttention:
            walk.attention = try attention(module, prefix: path)
        case .linear:
            walk.classifier = path
        default:
            for child in module.children { try self.walk(child, at: join(path, child.name), into: &walk) }
        }
    }

    /// A residual block with its shortcut and attention, from its `ResidualSpec`.
    func block(_ module: Module, prefix: String) throws -> ResidualBlock {
        guard case .residual(let spec) = module.kind else { preconditionFailure("block(_:) takes a residual block") }
        var main = Walk()
        var seen = Set<String>()
        for name in spec.mainPath where seen.insert(name).inserted {
            guard let child = module.child(name) else { continue }
            try walk(child, at: join(prefix, name), into: &main)
        }
        var shortcut = ResidualBlock.Shortcut.identity
        if let name = spec.shortcut, let child = module.child(name) {
            var side = Walk()
            try walk(child, at: join(prefix, name), into: &side)
            if let conv = side.convs.first {
                shortcut = side.averagePool.map { .pooledProjection(pool: $0, conv) } ?? .projection(conv)
            } else if let pad = side.zeroPad {
                shortcut = .zeroPad(stride: pad.stride, padBefore: pad.padBefore, padAfter: pad.padAfter)
            }
        }
        return ResidualBlock(convs: main.convs, shortcut: shortcut, attention: main.attention)
    }

    /// timm's `se` module: SEModule's `fc1`/`fc2` or EcaModule's `conv`.
    func attention(_ module: Module, prefix: String) throws -> ChannelAttention? {
        if case .efficientChannelAttention = module.kind,
           let conv = module.child("conv"), case .conv1d(let kernel, _) = conv.kind {
            return .eca(kernel: try floats(join(prefix, "conv") + ".weight", shape: [1, 1, kernel]))
        }
        guard let fc1 = module.child("fc1"), case .conv2d(let reduce) = fc1.kind,
              let fc2 = module.child("fc2"), case .conv2d(let expand) = fc2.kind
        else { return nil }
        let one = join(prefix, "fc1"), two = join(prefix, "fc2")
        return .squeezeExcite(
            channels: reduce.inChannels, reduced: reduce.outChannels,
            reduce: try floats(one + ".weight", shape: reduce.weightShape),
            reduceBias: try floats(one + ".bias", shape: [reduce.outChannels]),
            expand: try floats(two + ".weight", shape: expand.weightShape),
            expandBias: try floats(two + ".bias", shape: [expand.outChannels]))
    }

    private func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }
}
