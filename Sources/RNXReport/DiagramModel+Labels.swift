import RNXArch

/// How each kind of module is labelled in the diagrams: the one place a new layout's modules need words.
extension DiagramModel {
    /// The paper's label and the residual-block figure's label of a module, or nil for modules the diagrams do not
    /// draw (BatchNorm, ReLU, containers whose layers are drawn instead).
    ///
    /// The switch is exhaustive on purpose: a new `Module.Kind` (squeeze-and-excitation, ECA, the avg-down pool of a
    /// ResNet-D shortcut, a deep stem's layers) does not compile until it is given its labels here; a container kind
    /// that is drawn as one box (an attention gate) has its labels in `gateLabels(_:)` instead.
    static func labels(_ kind: Module.Kind, outputShape: [Int]) -> (paper: String, block: String)? {
        switch kind {
        case .conv2d(let spec):
            var parts = ["\(spec.kernel)×\(spec.kernel)", String(spec.outChannels)]
            if spec.stride > 1 { parts.append("/\(spec.stride)") }
            if spec.groups > 1 { parts.append("\(spec.groups) groups") }
            var paper = parts
            paper[0] += " conv"
            return (paper.joined(separator: ", "), parts.joined(separator: ", "))
        case .maxPool2d(_, let stride, _):
            let label = stride > 1 ? "pool, /\(stride)" : "pool"
            return (label, label)
        case .adaptiveAvgPool2d:
            return ("avg pool", "avg pool")
        case .linear(_, let outFeatures):
            return ("fc \(outFeatures)", "fc \(outFeatures)")
        case .zeroPadShortcut(let stride, let before, let after):
            let label = stride > 1 ? "zero-pad +\(before + after), /\(stride)" : "zero-pad +\(before + after)"
            return (label, label)
        case .avgPool2d(let kernel, let stride):
            let label = "\(kernel)×\(kernel) avg pool" + (stride > 1 ? ", /\(stride)" : "")
            return (label, label)
        case .conv1d(let kernel, _):
            return ("ECA conv \(kernel)", "ECA \(kernel)")
        // timm's attention is drawn through its layers; transformers' containers through theirs.
        case .batchNorm2d, .relu, .sequential, .residual, .resnet, .container, .squeezeExcite,
             .efficientChannelAttention, .identity, .sigmoid, .flatten:
            return nil
        }
    }

    /// The labels of an attention gate drawn as one box: squeeze-and-excitation with its reduced width
    /// (`SE gate, 16`), ECA with its kernel (`ECA gate, k 3`); nil for every other module.
    static func gateLabels(_ module: Module) -> (paper: String, block: String)? {
        switch module.kind {
        case .squeezeExcite:
            let reduced = module.children.lazy.compactMap { child -> Int? in
                if case .conv2d(let spec) = child.kind { return spec.outChannels }
                return nil
            }.first
            let label = reduced.map { "SE gate, \($0)" } ?? "SE gate"
            return (label, label)
        case .efficientChannelAttention:
            let kernel = module.children.lazy.compactMap { child -> Int? in
                if case .conv1d(let kernel, _) = child.kind { return kernel }
                return nil
            }.first
            let label = kernel.map { "ECA gate, k \($0)" } ?? "ECA gate"
            return (label, label)
        default:
            return nil
        }
    }
}
