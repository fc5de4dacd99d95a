import Foundation
import RNXArch
import RNXTensor

/// A ResNet as an ONNX graph: nodes in execution order and initializers whose bytes are made only when written.
///
/// Built by walking the module tree (`ResNetConfig.moduleTree`) of any naming (torchvision, the CIFAR nets, timm,
/// transformers), one rule per module kind, so a new kind is one more rule; a kind without one is refused with
/// `ExportError.unsupportedModule`. The rules:
/// - a convolution and the BatchNorm registered after it (a deep stem's `conv1.6` with the top-level `bn1`):
///   `Conv` with the BatchNorm folded into its weight and bias (eval mode, in double, like rnx's forward pass), or
///   `Conv` + `BatchNormalization` with `keepBatchNorm`;
/// - outside blocks, `ReLU` modules are `Relu` (the CIFAR net's functional `F.relu` after its stem too);
///   `MaxPool2d`: `MaxPool`; `AdaptiveAvgPool2d(1)`: `GlobalAveragePool`; `Flatten`: `Flatten`; the CIFAR net's
///   `F.avg_pool2d(out, out.size(3))`: `Slice` of the first W rows, then `GlobalAveragePool` (exactly torch's
///   single W×W window for the H in [W, 2W) torch accepts); `Identity`: nothing; containers: their children;
/// - a residual block (`ResidualSpec`): its main path with `Relu` between its convolutions (as every library's
///   block runs it, whatever its modules are called), timm's channel attention on the main path's output, `Add` of
///   the shortcut (identity, a folded 1×1 projection, timm's avg-down `AveragePool` (ceil_mode 1,
///   count_include_pad 0) + projection, or the option-A `Slice` with steps + `Pad` of zero channels), `Relu`;
/// - squeeze-excitation: `GlobalAveragePool`, `Conv` + bias, `Relu`, `Conv` + bias, `Sigmoid`, `Mul`;
/// - ECA: `GlobalAveragePool`, `Reshape` to `[N, 1, C]`, the 1-D `Conv` over channels, `Sigmoid`, `Reshape` to
///   `[N, C, 1, 1]`, `Mul`;
/// - `Linear`: `Flatten` (unless flattened already) then `Gemm` (transB = 1).
/// Input `input` is float32 `[N, C, H, W]` (N, H, W symbolic), output `logits` `[N, classes]`.
struct ONNXGraph {
    /// The opsets rnx writes: every operator used has the same signature throughout.
    static let opsets = ONNXExporter.opsets
    static let batchNormEpsilon = 1e-5

    /// An initializer: name, dims, type, and its little-endian bytes on demand.
    struct Initializer {
        var name: String
        var dims: [Int]
        var dataType: Onnx_TensorProto.DataType
        var bytes: () throws -> [UInt8]
    }

    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Initializer] = []
    private var used = Set<String>()
    private let weights: WeightTable
    private let keepBatchNorm: Bool
    let config: ResNetConfig

    /// Builds the graph of `config` (or of `tree`, for tests) over `weights` (names as the tree's state-dict keys).
    init(config: ResNetConfig, weights: WeightTable, keepBatchNorm: Bool, tree: Module? = nil) throws {
        self.config = config
        self.weights = weights
        self.keepBatchNorm = keepBatchNorm
        used = ["input", "logits"]
        let logits = try root(tree ?? config.moduleTree, input: "input")
        // The last node writes the graph output.
        guard var last = nodes.popLast(), last.output == [logits], last.opType == "Gemm" else {
            throw ExportError.unexpectedTree(path: "", reason: "the network does not end in its classifier")
        }
        last.output = ["logits"]
        nodes.append(last)
    }

    /// Operator counts by type, for reports and tests.
    var operatorCounts: [String: Int] { nodes.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 } }

    // MARK: the module rules

    /// Where a walk is: the convolution waiting for its BatchNorm, and what the network part has done so far.
    private struct Walk {
        /// Inside a residual block, ReLU modules are ignored: a `Relu` goes between consecutive convolutions.
        var inBlock: Bool
        /// The block's state-dict prefix, naming its `Relu` nodes.
        var block = ""
        var pendingConv: (module: Module, path: String)?
        /// A convolution was folded on a block's main path; the next one gets a `Relu` before it.
        var reluDue = false
        var relus = 0
        var pooled = false
        var flattened = false
    }

    private mutating func root(_ tree: Module, input: String) throws -> String {
        switch tree.kind {
        case .resnet, .container: break
        default: throw unsupported(tree, path: "")
        }
        var walk = Walk(inBlock: false)
        let x = try run(tree, path: "", input: input, walk: &walk)
        if let pending = walk.pendingConv {
            throw ExportError.unexpectedTree(path: pending.path, reason: "the convolution has no BatchNorm after it")
        }
        return x
    }

    /// Applies `module` (at state-dict prefix `path`) to `x`.
    private mutating func run(_ module: Module, path: String, input x: String, walk: inout Walk) throws -> String {
        if walk.pendingConv != nil {
            switch module.kind {
            case .batchNorm2d, .sequential, .container: break
            default:
                throw ExportError.unexpectedTree(path: walk.pendingConv?.path ?? path,
                                                 reason: "the convolution has no BatchNorm after it")
            }
        }
        switch module.kind {
        case .resnet, .container, .sequential:
            var x = x
            for child in module.children { x = try run(child, path: join(path, child.name), input: x, walk: &walk) }
            return x
        case .conv2d(let spec):
            guard !spec.bias else {
                throw ExportError.unexpectedTree(path: path, reason: "a convolution with a bias outside attention")
            }
            var x = x
            if walk.inBlock && walk.reluDue {
                walk.relus += 1
                x = relu(x, name: "\(walk.block).relu\(walk.relus)")
            }
            walk.reluDue = false
            walk.pendingConv = (module, path)
            return x
        case .batchNorm2d:
            guard let (conv, convPath) = walk.pendingConv else {
                throw ExportError.unexpectedTree(path: path, reason: "a BatchNorm without a convolution before it")
            }
            walk.pendingConv = nil
            var x = try convolution(conv, at: convPath, batchNorm: module, at: path, input: x)
            if walk.inBlock {
                walk.reluDue = true
            } else if config.family == .cifar {
                x = relu(x, name: "relu")  // the CIFAR net's F.relu(self.bn1(self.conv1(x)))
            }
            return x
        case .relu:
            return walk.inBlock ? x : relu(x, name: path)
        case .identity:
            return x
        case .maxPool2d(let kernel, let stride, let padding):
            return node("MaxPool", [x], name: path, attributes: [
                .ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]),
                .ints("pads", [padding, padding, padding, padding]),
            ])
        case .avgPool2d(let kernel, let stride):
            // nn.AvgPool2d(kernel, stride, ceil_mode=True, count_include_pad=False) without padding.
            return node("AveragePool", [x], name: path, attributes: [
                .ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]),
                .ints("pads", [0, 0, 0, 0]), .int("ceil_mode", 1), .int("count_include_pad", 0),
            ])
        case .adaptiveAvgPool2d(outputSize: 1):
            walk.pooled = true
            return node("GlobalAveragePool", [x], name: path)
        case .flatten:
            walk.flattened = true
            return node("Flatten", [x], name: path, attributes: [.int("axis", 1)])
        case .linear(let inFeatures, let outFeatures) where !walk.inBlock:
            var x = x
            if !walk.pooled { x = try cifarPool(x) }
            if !walk.flattened { x = node("Flatten", [x], name: "flatten", attributes: [.int("axis", 1)]) }
            let weight = try floatInitializer("\(path).weight", shape: [outFeatures, inFeatures])
            let bias = try floatInitializer("\(path).bias", shape: [outFeatures])
            return node("Gemm", [x, weight, bias], name: path, attributes: [.int("transB", 1)])
        case .residual(let spec) where !walk.inBlock:
            return try residualBlock(module, spec, path: path, input: x)
        case .squeezeExcite where walk.inBlock:
            walk.reluDue = false
            return try squeezeExcite(module, path: path, input: x)
        case .efficientChannelAttention where walk.inBlock:
            walk.reluDue = false
            return try efficientChannelAttention(module, path: path, input: x)
        case .zeroPadShortcut(let stride, let padBefore, let padAfter) where walk.inBlock:
            let big = Int(Int64.max)
            let strided = node("Slice", [
                x, int64Constant("\(path).starts", [0, 0]), int64Constant("\(path).ends", [big, big]),
                int64Constant("\(path).axes", [2, 3]), int64Constant("\(path).steps", [stride, stride]),
            ], name: "\(path).subsample")
            return node("Pad", [strided, int64Constant("\(path).pads", [0, padBefore, 0, 0, 0, padAfter, 0, 0])],
                        name: path, attributes: [.string("mode", "constant")])
        default:
            throw unsupported(module, path: path)
        }
    }

    /// `F.avg_pool2d(out, out.size(3))`: one W×W window at the top left, the mean over it.
    private mutating func cifarPool(_ x: String) throws -> String {
        guard config.family == .cifar else {
            throw ExportError.unexpectedTree(path: "", reason: "the classifier has no pooling before it")
        }
        let shape = node("Shape", [x], name: "pool.shape")
        let width = node("Slice", [shape, int64Constant("pool.w_axis", [3]), int64Constant("pool.w_end", [4])],
                         name: "pool.width")
        let rows = node("Slice", [x, int64Constant("pool.start", [0]), width, int64Constant("pool.axis", [2])],
                        name: "pool.rows")
        return node("GlobalAveragePool", [rows], name: "pool")
    }

    /// `x = main(x) + shortcut(input)`, then ReLU; every child must be on the main path, the shortcut or the
    /// final activation, so a module the graph would not run is refused rather than dropped.
    private mutating func residualBlock(_ block: Module, _ spec: ResidualSpec, path: String, input: String) throws
        -> String
    {
        var visited = Set<String>()
        var walk = Walk(inBlock: true, block: path)
        var x = input
        for name in spec.mainPath where visited.insert(name).inserted {
            guard let child = block.child(name) else {
                throw ExportError.unexpectedTree(path: join(path, name), reason: "the block has no such module")
            }
            x = try run(child, path: join(path, name), input: x, walk: &walk)
        }
        var shortcut = input
        if let name = spec.shortcut {
            guard let child = block.child(name) else {
                throw ExportError.unexpectedTree(path: join(path, name), reason: "the block has no such module")
            }
            visited.insert(name)
            var side = Walk(inBlock: true, block: path)
            shortcut = try run(child, path: join(path, name), input: input, walk: &side)
            if let pending = side.pendingConv {
                throw ExportError.unexpectedTree(path: pending.path, reason: "the convolution has no BatchNorm after it")
            }
        }
        if let pending = walk.pendingConv {
            throw ExportError.unexpectedTree(path: pending.path, reason: "the convolution has no BatchNorm after it")
        }
        if let name = spec.finalActivation {
            guard let child = block.child(name), case .relu = child.kind else {
                throw ExportError.unexpectedTree(path: join(path, name), reason: "the final activation is not a ReLU")
            }
            visited.insert(name)
        }
        if let extra = block.children.first(where: { !visited.contains($0.name) }) {
            throw unsupported(extra, path: join(path, extra.name))
        }
        let sum = node("Add", [x, shortcut], name: "\(path).add")
        return relu(sum, name: "\(path).relu")
    }

    /// timm's SEModule: `x * sigmoid(fc2(relu(fc1(mean(x)))))`, `fc1`/`fc2` 1×1 convolutions with bias.
    private mutating func squeezeExcite(_ module: Module, path: String, input: String) throws -> String {
        guard let fc1 = module.child("fc1"), case .conv2d(let reduce) = fc1.kind, reduce.bias, reduce.kernel == 1,
              let fc2 = module.child("fc2"), case .conv2d(let expand) = fc2.kind, expand.bias, expand.kernel == 1
        else { throw ExportError.unexpectedTree(path: path, reason: "squeeze-excitation needs fc1 and fc2") }
        for child in module.children {
            switch (child.name, child.kind) {
            case ("fc1", _), ("fc2", _), (_, .identity), ("act", .relu), ("gate", .sigmoid): continue
            default: throw unsupported(child, path: join(path, child.name))
            }
        }
        let mean = node("GlobalAveragePool", [input], name: "\(path).pool")
        var hidden = try biasedConv(fc1, reduce, path: join(path, "fc1"), input: mean)
        hidden = relu(hidden, name: join(path, "act"))
        let gate = node("Sigmoid", [try biasedConv(fc2, expand, path: join(path, "fc2"), input: hidden)],
                        name: join(path, "gate"))
        return node("Mul", [input, gate], name: "\(path).mul")
    }

    /// A 1×1 convolution with its bias, both initializers under their state-dict names.
    private mutating func biasedConv(_ conv: Module, _ spec: Conv2dSpec, path: String, input: String) throws -> String {
        let weight = try floatInitializer("\(path).weight", shape: spec.weightShape)
        let bias = try floatInitializer("\(path).bias", shape: [spec.outChannels])
        return node("Conv", [input, weight, bias], name: path, attributes: convAttributes(spec))
    }

    /// timm's EcaModule: the channel means as a `[N, 1, C]` sequence, `Conv1d(1, 1, k, padding (k - 1) / 2)`
    /// over it, the sigmoid back as `[N, C, 1, 1]`, times the input.
    private mutating func efficientChannelAttention(_ module: Module, path: String, input: String) throws -> String {
        guard let conv = module.child("conv"), case .conv1d(let kernel, let padding) = conv.kind else {
            throw ExportError.unexpectedTree(path: path, reason: "ECA needs its conv")
        }
        for child in module.children {
            switch (child.name, child.kind) {
            case ("conv", _), ("gate", .sigmoid): continue
            default: throw unsupported(child, path: join(path, child.name))
            }
        }
        let mean = node("GlobalAveragePool", [input], name: "\(path).pool")
        let sequence = node("Reshape", [mean, int64Constant("\(path).sequence_shape", [0, 1, -1])],
                            name: "\(path).sequence")
        let weight = try floatInitializer("\(path).conv.weight", shape: [1, 1, kernel])
        let convolved = node("Conv", [sequence, weight], name: join(path, "conv"), attributes: [
            .ints("kernel_shape", [kernel]), .ints("strides", [1]), .ints("pads", [padding, padding]),
            .ints("dilations", [1]), .int("group", 1),
        ])
        let gate = node("Sigmoid", [convolved], name: join(path, "gate"))
        let shaped = node("Reshape", [gate, int64Constant("\(path).gate_shape", [0, -1, 1, 1])], name: "\(path).expand")
        return node("Mul", [input, shaped], name: "\(path).mul")
    }

    private func join(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }

    private func convAttributes(_ spec: Conv2dSpec) -> [Attribute] {
        [
            .ints("kernel_shape", [spec.kernel, spec.kernel]), .ints("strides", [spec.stride, spec.stride]),
            .ints("pads", [spec.padding, spec.padding, spec.padding, spec.padding]), .ints("dilations", [1, 1]),
            .int("group", spec.groups),
        ]
    }

    /// A convolution and its BatchNorm: one folded `Conv`, or `Conv` + `BatchNormalization`.
    private mutating func convolution(
        _ conv: Module, at convName: String, batchNorm: Module, at bnName: String, input: String
    ) throws -> String {
        guard case .conv2d(let spec) = conv.kind, case .batchNorm2d(let channels) = batchNorm.kind,
              channels == spec.outChannels, !spec.bias
        else { throw ExportError.unexpectedTree(path: convName, reason: "convolution and BatchNorm do not match") }
        let attributes = convAttributes(spec)
        let bnKeys = ["weight", "bias", "running_mean", "running_var"].map { "\(bnName).\($0)" }
        if keepBatchNorm {
            let weight = try floatInitializer("\(convName).weight", shape: spec.weightShape)
            let convolved = node("Conv", [input, weight], name: convName, attributes: attributes)
            let inputs = try bnKeys.map { try floatInitializer($0, shape: [channels]) }
            return node("BatchNormalization", [convolved] + inputs, name: bnName,
                        attributes: [.float("epsilon", Float(Self.batchNormEpsilon))])
        }
        try weights.check("\(convName).weight", shape: spec.weightShape)
        for key in bnKeys { try weights.check(key, shape: [channels]) }
        let weights = self.weights
        let shape = spec.weightShape
        // The weight's initializer folds and keeps the bias for the bias's initializer, written right after it, so
        // memory stays at one convolution and each tensor is read once.
        let foldedBias = FoldedBias()
        let weightName = unique("\(convName).weight")
        initializers.append(Initializer(name: weightName, dims: shape, dataType: .float) {
            let weight = try weights.tensor("\(convName).weight", shape: shape)
            let values = try bnKeys.map { try weights.floats($0, shape: [channels]) }
            let (gamma, beta, mean, variance) = (values[0], values[1], values[2], values[3])
            var bias = [Float](repeating: 0, count: channels)
            var scales = [Double](repeating: 0, count: channels)
            for channel in 0..<channels {
                // In double, so the only float32 rounding is the final one per weight (as rnx's forward pass).
                let scale = Double(gamma[channel]) / (Double(variance[channel]) + Self.batchNormEpsilon).squareRoot()
                scales[channel] = scale
                bias[channel] = Float(Double(beta[channel]) - Double(mean[channel]) * scale)
            }
            foldedBias.values = bias
            return try Self.scaledFilters(weight, scales: scales)
        })
        let biasName = unique("\(convName).bias")
        initializers.append(Initializer(name: biasName, dims: [channels], dataType: .float) {
            guard let bias = foldedBias.values else {
                throw ExportError.unexpectedTree(path: convName, reason: "folded bias written before its weight")
            }
            foldedBias.values = nil
            return bias.littleEndianBytes
        })
        return node("Conv", [input, weightName, biasName], name: convName, attributes: attributes)
    }

    private mutating func relu(_ x: String, name: String) -> String { node("Relu", [x], name: name) }

    private func unsupported(_ module: Module, path: String) -> ExportError {
        .unsupportedModule(path: path, type: module.typeName)
    }

    // MARK: nodes and initializers

    enum Attribute {
        case int(String, Int)
        case ints(String, [Int])
        case float(String, Float)
        case string(String, String)

        var proto: Onnx_AttributeProto {
            var attribute = Onnx_AttributeProto()
            switch self {
            case .int(let name, let value):
                attribute.name = name
                attribute.type = .int
                attribute.i = Int64(value)
            case .ints(let name, let values):
                attribute.name = name
                attribute.type = .ints
                attribute.ints = values.map(Int64.init)
            case .float(let name, let value):
                attribute.name = name
                attribute.type = .float
                attribute.f = value
            case .string(let name, let value):
                attribute.name = name
                attribute.type = .string
                attribute.s = Data(value.utf8)
            }
            return attribute
        }
    }

    /// Appends a node with one output named after it; returns the output's name.
    private mutating func node(_ op: String, _ inputs: [String], name: String, attributes: [Attribute] = []) -> String {
        let output = unique(name)
        var proto = Onnx_NodeProto()
        proto.opType = op
        proto.name = "\(output)/\(op)"
        proto.input = inputs
        proto.output = [output]
        proto.attribute = attributes.map(\.proto)
        nodes.append(proto)
        return output
    }

    /// `base`, or `base_2`, `base_3`, ... if taken: every value in an ONNX graph has one name.
    private mutating func unique(_ base: String) -> String {
        var name = base
        var counter = 1
        while used.contains(name) {
            counter += 1
            name = "\(base)_\(counter)"
        }
        used.insert(name)
        return name
    }

    /// A source tensor as a float32 initializer under its own state-dict name.
    private mutating func floatInitializer(_ key: String, shape: [Int]) throws -> String {
        try weights.check(key, shape: shape)
        let weights = self.weights
        let name = unique(key)
        initializers.append(Initializer(name: name, dims: shape, dataType: .float) {
            try weights.float32Bytes(key, shape: shape)
        })
        return name
    }

    private mutating func int64Constant(_ base: String, _ values: [Int]) -> String {
        let name = unique(base)
        var bytes: [UInt8] = []
        for value in values { bytes.appendLittleEndian(Int64(value)) }
        initializers.append(Initializer(name: name, dims: [values.count], dataType: .int64) { bytes })
        return name
    }
}

extension ONNXGraph {
    /// `weight` (`[out, ...]`) with filter `o` multiplied by `scales[o]` in double, as float32 little-endian bytes,
    /// written straight into the result (a float32 source is read in place): one pass, one copy.
    static func scaledFilters(_ weight: Tensor, scales: [Double]) throws -> [UInt8] {
        let count = weight.elementCount
        let perFilter = scales.isEmpty ? 0 : count / scales.count
        guard perFilter * scales.count == count else {
            throw ExportError.weightMismatch(name: "", reason: "\(count) weights for \(scales.count) filters")
        }
        func fill(_ source: UnsafeBufferPointer<Float>) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: count * 4) { raw, initialized in
                let out = UnsafeMutableRawPointer(raw.baseAddress!).bindMemory(to: UInt32.self, capacity: count)
                for (filter, scale) in scales.enumerated() {
                    for offset in filter * perFilter..<(filter + 1) * perFilter {
                        out[offset] = Float(Double(source[offset]) * scale).bitPattern.littleEndian
                    }
                }
                initialized = count * 4
            }
        }
        #if _endian(little)
        if weight.dtype == .float32 {
            return weight.bytes.withUnsafeBytes { fill($0.bindMemory(to: Float.self)) }
        }
        #endif
        return weight.floats().withUnsafeBufferPointer(fill)
    }
}

/// The bias of a folded convolution, from its weight's initializer to its own.
private final class FoldedBias {
    var values: [Float]?
}

extension Array where Element == Float {
    /// The IEEE bits of every element, little-endian.
    var littleEndianBytes: [UInt8] {
        #if _endian(little)
        return withUnsafeBytes { [UInt8]($0) }
        #else
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 4)
        for value in self { bytes.appendLittleEndian(value.bitPattern) }
        return bytes
        #endif
    }
}
