import Foundation
import RNXArch
import RNXTensor

/// A ResNet as an ONNX graph: nodes in execution order and initializers whose bytes are made only when written.
///
/// Built by walking the module tree (`ResNetConfig.moduleTree`), one rule per module kind, so a new kind is one
/// more rule; a kind without one is refused with `ExportError.unsupportedModule`. The rules:
/// - a convolution and the BatchNorm after it: `Conv` with the BatchNorm folded into its weight and bias (eval mode,
///   in double, like rnx's forward pass), or `Conv` + `BatchNormalization` with `keepBatchNorm`;
/// - the stem (root convolution and BatchNorm): followed by `Relu` (an explicit `relu` module is that ReLU);
/// - `MaxPool2d`: `MaxPool`; `AdaptiveAvgPool2d(1)`: `GlobalAveragePool`; the CIFAR net's
///   `F.avg_pool2d(out, out.size(3))`: `Slice` of the first W rows, then `GlobalAveragePool` (exactly torch's
///   single W×W window for the H in [W, 2W) torch accepts);
/// - a `Sequential` stage: its blocks in order;
/// - a BasicBlock or Bottleneck: its convolution/BatchNorm pairs with `Relu` between them, `Add` of the shortcut
///   (identity, a folded 1×1 projection, or the option-A `Slice` with steps + `Pad` of zero channels), `Relu`;
/// - `Linear`: `Flatten` then `Gemm` (transB = 1).
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
        guard var last = nodes.popLast(), last.output == [logits] else {
            throw ExportError.unexpectedTree(path: "", reason: "the network does not end in its classifier")
        }
        last.output = ["logits"]
        nodes.append(last)
    }

    /// Operator counts by type, for reports and tests.
    var operatorCounts: [String: Int] { nodes.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 } }

    // MARK: the module rules

    private mutating func root(_ tree: Module, input: String) throws -> String {
        guard case .resnet = tree.kind else { throw unsupported(tree, path: "") }
        var x = input
        var pooled = false
        var children = tree.children[...]
        while let child = children.popFirst() {
            switch child.kind {
            case .conv2d:
                guard let batchNorm = children.popFirst(), case .batchNorm2d = batchNorm.kind else {
                    throw ExportError.unexpectedTree(path: child.name, reason: "the stem convolution has no BatchNorm after it")
                }
                x = try convolution(child, batchNorm, prefix: "", input: x)
                x = relu(x, name: "relu")
                if let next = children.first, case .relu = next.kind { children.removeFirst() }
            case .maxPool2d(let kernel, let stride, let padding):
                x = node("MaxPool", [x], name: child.name, attributes: [
                    .ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]),
                    .ints("pads", [padding, padding, padding, padding]),
                ])
            case .sequential:
                for block in child.children { x = try residualBlock(block, prefix: child.name, input: x) }
            case .adaptiveAvgPool2d(outputSize: 1):
                x = node("GlobalAveragePool", [x], name: child.name)
                pooled = true
            case .linear(let inFeatures, let outFeatures):
                if !pooled { x = try cifarPool(x) }
                x = node("Flatten", [x], name: "flatten", attributes: [.int("axis", 1)])
                let weight = try floatInitializer("\(child.name).weight", shape: [outFeatures, inFeatures])
                let bias = try floatInitializer("\(child.name).bias", shape: [outFeatures])
                x = node("Gemm", [x, weight, bias], name: child.name, attributes: [.int("transB", 1)])
            default:
                throw unsupported(child, path: child.name)
            }
        }
        return x
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

    private mutating func residualBlock(_ block: Module, prefix stage: String, input: String) throws -> String {
        let prefix = "\(stage).\(block.name)"
        switch block.kind {
        case .residual: break
        default: throw unsupported(block, path: prefix)
        }
        var x = input
        var shortcut = input
        var pairs = 0
        let convs = block.children.filter { if case .conv2d = $0.kind { true } else { false } }
        for child in block.children {
            let path = "\(prefix).\(child.name)"
            switch child.kind {
            case .conv2d:
                let bnName = "bn" + child.name.dropFirst("conv".count)
                guard let batchNorm = block.child(bnName), case .batchNorm2d = batchNorm.kind else {
                    throw ExportError.unexpectedTree(path: path, reason: "no BatchNorm \(bnName) for this convolution")
                }
                x = try convolution(child, batchNorm, prefix: prefix, input: x)
                pairs += 1
                if pairs < convs.count { x = relu(x, name: "\(prefix).relu\(pairs)") }
            case .batchNorm2d, .relu:
                break  // a BatchNorm goes with its convolution; the block's ReLU is applied where the rule says
            case .sequential where child.children.isEmpty:
                break  // the identity shortcut of a CIFAR block
            case .sequential where child.children.count == 2:
                guard case .conv2d = child.children[0].kind, case .batchNorm2d = child.children[1].kind else {
                    throw ExportError.unexpectedTree(path: path, reason: "a projection shortcut is a convolution and a BatchNorm")
                }
                shortcut = try convolution(child.children[0], child.children[1], prefix: path, input: input)
            case .zeroPadShortcut(let stride, let padBefore, let padAfter):
                let big = Int(Int64.max)
                let strided = node("Slice", [
                    input, int64Constant("\(path).starts", [0, 0]), int64Constant("\(path).ends", [big, big]),
                    int64Constant("\(path).axes", [2, 3]), int64Constant("\(path).steps", [stride, stride]),
                ], name: "\(path).subsample")
                shortcut = node("Pad", [strided, int64Constant("\(path).pads", [0, padBefore, 0, 0, 0, padAfter, 0, 0])],
                                name: path, attributes: [.string("mode", "constant")])
            default:
                throw unsupported(child, path: path)
            }
        }
        let sum = node("Add", [x, shortcut], name: "\(prefix).add")
        return relu(sum, name: "\(prefix).relu")
    }

    /// A convolution and its BatchNorm: one folded `Conv`, or `Conv` + `BatchNormalization`.
    private mutating func convolution(_ conv: Module, _ batchNorm: Module, prefix: String, input: String) throws -> String {
        guard case .conv2d(let spec) = conv.kind, case .batchNorm2d(let channels) = batchNorm.kind,
              channels == spec.outChannels, !spec.bias
        else { throw ExportError.unexpectedTree(path: conv.name, reason: "convolution and BatchNorm do not match") }
        let convName = prefix.isEmpty ? conv.name : "\(prefix).\(conv.name)"
        let bnName = prefix.isEmpty ? batchNorm.name : "\(prefix).\(batchNorm.name)"
        let attributes: [Attribute] = [
            .ints("kernel_shape", [spec.kernel, spec.kernel]), .ints("strides", [spec.stride, spec.stride]),
            .ints("pads", [spec.padding, spec.padding, spec.padding, spec.padding]), .ints("dilations", [1, 1]),
            .int("group", spec.groups),
        ]
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
            var weight = try weights.floats("\(convName).weight", shape: shape)
            let values = try bnKeys.map { try weights.floats($0, shape: [channels]) }
            let (gamma, beta, mean, variance) = (values[0], values[1], values[2], values[3])
            var bias = [Float](repeating: 0, count: channels)
            let perFilter = channels == 0 ? 0 : weight.count / channels
            for channel in 0..<channels {
                // In double, so the only float32 rounding is the final one per weight (as rnx's forward pass).
                let scale = Double(gamma[channel]) / (Double(variance[channel]) + Self.batchNormEpsilon).squareRoot()
                bias[channel] = Float(Double(beta[channel]) - Double(mean[channel]) * scale)
                for offset in channel * perFilter..<(channel + 1) * perFilter {
                    weight[offset] = Float(Double(weight[offset]) * scale)
                }
            }
            foldedBias.values = bias
            return weight.littleEndianBytes
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
            try weights.floats(key, shape: shape).littleEndianBytes
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
