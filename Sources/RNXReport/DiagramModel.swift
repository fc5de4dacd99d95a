import RNXArch
import RNXTensor

/// A ResNet as `rnx diagram` draws it: the stem, the stages of blocks and the head, each drawn layer and block with
/// the output shape, parameters and mult-adds that `rnx summary` prints for it.
///
/// Everything is read from the module tree and its `ForwardTrace`, and every figure is taken from a `SummaryTable`
/// row (leaves at full depth, blocks at depth 2, the model's children at depth 1), so the diagrams agree with the
/// summary by construction and a new layout needs only labels (`DiagramModel+Labels`).
public struct DiagramModel: Sendable {
    /// How a block's shortcut carries its input to the sum.
    public enum ShortcutKind: String, Sendable, Hashable {
        /// The input itself (shapes match).
        case identity
        /// A strided 1×1 convolution with BatchNorm (option B; torchvision's `downsample`), possibly after a pool.
        case projection
        /// Option A: the input subsampled and padded with zero channels.
        case zeroPad = "zero-pad"
    }

    /// One drawn layer: a convolution, pool or classifier. BatchNorm and ReLU are not drawn, as in the paper.
    public struct Layer: Sendable, Hashable {
        /// The module path, `layer2.0.conv2`.
        public var path: String
        /// The PyTorch class name, `Conv2d`, `MaxPool2d`, `Linear`.
        public var typeName: String
        /// The paper's label, `3×3 conv, 128, /2`.
        public var label: String
        /// The residual-block figure's shorter label, `3×3, 128, /2`.
        public var blockLabel: String
        /// Batch first, as the summary prints it.
        public var outputShape: [Int]
        /// Parameters of the layer, as its summary row counts them.
        public var parameters: Int
        /// Mult-adds of the layer for the traced input.
        public var multAdds: Int
        /// The file's tensors under this layer that do not fit it.
        public var unfitting: [UnfittingTensor] = []
        /// How the file changed this layer from the named architecture (`fc 10; resnet18 has 1000 classes`).
        public var adaptation: String?
        /// Whether the layer has no module of its own (the CIFAR nets' functional average pool).
        public var isFunctional = false
    }

    /// One residual block.
    public struct Block: Sendable, Hashable {
        /// `layer2.0`.
        public var path: String
        /// `BasicBlock`, `Bottleneck`.
        public var typeName: String
        /// The layers of the residual branch, in call order.
        public var layers: [Layer]
        /// How the input reaches the sum, which decides how the shortcut is drawn.
        public var shortcut: ShortcutKind
        /// The shortcut's drawn layers (a projection's 1×1 conv; empty for identity).
        public var shortcutLayers: [Layer]
        /// The block's input shape, batch first.
        public var inputShape: [Int]
        /// The block's output shape, batch first.
        public var outputShape: [Int]
        /// The block's row at `rnx summary --depth 2`.
        public var parameters: Int
        /// Mult-adds of the whole block, shortcut included.
        public var multAdds: Int
        /// The file's tensors in this block that do not fit, on no drawn layer (BatchNorm's).
        public var unfitting: [UnfittingTensor] = []
    }

    /// One stage, `layer1` ... `layer4`.
    public struct Stage: Sendable, Hashable {
        /// `layer1` ... `layer4`.
        public var name: String
        /// The stage's blocks, in call order.
        public var blocks: [Block]
        /// The last block's output shape, batch first.
        public var outputShape: [Int]
        /// The stage's row at `rnx summary --depth 1`.
        public var parameters: Int
        /// Mult-adds of the whole stage.
        public var multAdds: Int
    }

    /// A direct child of the model, as `rnx summary --depth 1` lists it.
    public struct Part: Sendable, Hashable {
        /// The attribute name, `conv1`, `layer1`, `fc`.
        public var name: String
        /// The PyTorch class name, `Conv2d`, `Sequential`, `Linear`.
        public var typeName: String
        /// The part's output shape, batch first.
        public var outputShape: [Int]
        /// Parameters of the part and everything in it.
        public var parameters: Int
        /// Mult-adds of the part and everything in it.
        public var multAdds: Int
        /// Mult-adds of each block, for a stage.
        public var blockMultAdds: [Int]
    }

    /// The architecture's name (`resnet34`, `custom`).
    public var name: String
    /// The architecture drawn.
    public var config: ResNetConfig
    /// The input the model was traced on.
    public var input: SummaryInput
    /// Layers before the first stage and after the last, in call order.
    public var stem: [Layer]
    /// `layer1` ... `layer4` (three stages for the CIFAR nets).
    public var stages: [Stage]
    /// The pool and classifier after the last stage.
    public var head: [Layer]
    /// The model's children in call order (`conv1`, `bn1`, ..., `layer1`, ..., `fc`).
    public var parts: [Part]
    /// The summary's totals.
    public var totalParameters: Int
    /// Mult-adds of the whole model.
    public var totalMultAdds: Int
    /// For a file: its name, the differences from the named architecture, and what does not fit.
    public var source: String?
    /// How the file differs from the named architecture, one line each.
    public var adaptations: [String] = []
    /// The file's tensors that fit no drawn layer or block.
    public var unfitting: [UnfittingTensor] = []
    /// Tensors the architecture expects and the file does not have.
    public var missing: [String] = []

    /// The model of `config` traced on `input`.
    public init(config: ResNetConfig, input: SummaryInput, name: String) throws {
        self.name = name
        self.config = config
        self.input = input
        let trace = try ForwardTrace(config: config, input: input, architectureName: name)
        let leaves = try SummaryTable(trace: trace, style: .torchinfo, depth: Int.max)
        let blockRows = try SummaryTable(trace: trace, style: .torchinfo, depth: 2)
        let partRows = try SummaryTable(trace: trace, style: .torchinfo, depth: 1)
        totalParameters = leaves.totals.parameters
        totalMultAdds = leaves.totals.multAdds
        var modules: [String: Module] = [:]
        func collect(_ module: Module, _ path: String) {
            modules[path] = module
            for child in module.children { collect(child, path.isEmpty ? child.name : path + "." + child.name) }
        }
        collect(config.moduleTree, "")
        let leafRows = Dictionary(
            leaves.rows.filter { !$0.call.isRepeatCall }.map { ($0.call.path, $0) }, uniquingKeysWith: { a, _ in a })
        let blockRow = Dictionary(
            blockRows.rows.filter { $0.call.depth == 2 }.map { ($0.call.path, $0) }, uniquingKeysWith: { a, _ in a })

        /// The drawn layers among the calls inside `call` (itself if it is a leaf), skipping `excluded` subtrees.
        func drawn(_ index: Int, excluding excluded: String? = nil) -> [Layer] {
            let call = trace.calls[index]
            var result: [Layer] = []
            var skipThrough = -1
            for inner in index...(index + call.descendantCount) where inner > skipThrough {
                let c = trace.calls[inner]
                if let excluded, c.path == excluded || c.path.hasPrefix(excluded + ".") { continue }
                // An attention gate (SE, ECA) is one box: its pool, convs and sigmoid scale the channels, they are
                // not layers of the main path.
                if !c.isRepeatCall, let module = modules[c.path], let gate = DiagramModel.gateLabels(module) {
                    let span = inner...(inner + c.descendantCount)
                    let rows = span.compactMap { leafRows[trace.calls[$0].path] }
                    result.append(
                        Layer(
                            path: c.path, typeName: c.typeName, label: gate.paper, blockLabel: gate.block,
                            outputShape: c.outputShape, parameters: rows.reduce(0) { $0 + $1.parameters },
                            multAdds: rows.reduce(0) { $0 + $1.multAdds }))
                    skipThrough = span.upperBound
                    continue
                }
                guard c.isLeaf, !c.isRepeatCall, let module = modules[c.path], let row = leafRows[c.path] else {
                    continue
                }
                guard let labels = DiagramModel.labels(module.kind, outputShape: c.outputShape) else { continue }
                result.append(
                    Layer(
                        path: c.path, typeName: c.typeName, label: labels.paper, blockLabel: labels.block,
                        outputShape: c.outputShape, parameters: row.parameters, multAdds: row.multAdds))
            }
            return result
        }

        var stem: [Layer] = []
        var stages: [Stage] = []
        var head: [Layer] = []
        var parts: [Part] = []
        var current = [input.batchSize, input.channels, input.height, input.width]
        for (index, call) in trace.calls.enumerated() where call.depth == 1 {
            guard let module = modules[call.path], let partRow = partRows.rows.first(where: { $0.call.path == call.path })
            else { continue }
            let isStage = module.kind == .sequential && !module.children.isEmpty
                && module.children.allSatisfy { !$0.children.isEmpty }
            var part = Part(
                name: call.path, typeName: call.typeName, outputShape: call.outputShape,
                parameters: partRow.parameters, multAdds: partRow.multAdds, blockMultAdds: [])
            if isStage {
                var blocks: [Block] = []
                for inner in (index + 1)...(index + call.descendantCount) where trace.calls[inner].depth == 2 {
                    let b = trace.calls[inner]
                    guard let blockModule = modules[b.path], let row = blockRow[b.path] else { continue }
                    let shortcutModule = DiagramModel.shortcutChild(of: blockModule)
                    let shortcutPath = shortcutModule.map { b.path + "." + $0.name }
                    var shortcutLayers: [Layer] = []
                    if let shortcutPath, let at = trace.calls.indices.first(where: {
                        $0 > inner && trace.calls[$0].path == shortcutPath
                    }) {
                        shortcutLayers = drawn(at)
                    }
                    blocks.append(
                        Block(
                            path: b.path, typeName: b.typeName, layers: drawn(inner, excluding: shortcutPath),
                            shortcut: DiagramModel.shortcutKind(shortcutModule), shortcutLayers: shortcutLayers,
                            inputShape: current, outputShape: b.outputShape, parameters: row.parameters,
                            multAdds: row.multAdds))
                    part.blockMultAdds.append(row.multAdds)
                    current = b.outputShape
                }
                stages.append(
                    Stage(
                        name: call.path, blocks: blocks, outputShape: call.outputShape,
                        parameters: partRow.parameters, multAdds: partRow.multAdds))
            } else {
                var layers = drawn(index)
                // A classifier fed by a spatial map through a flatten: the net pools functionally
                // (F.avg_pool2d in the CIFAR nets), which the paper draws as `avg pool`.
                if case .linear(let inFeatures, _) = module.kind, current.count == 4, current[1] == inFeatures,
                    current[2] * current[3] > 1
                {
                    layers.insert(
                        Layer(
                            path: "avg_pool2d", typeName: "avg_pool2d", label: "avg pool", blockLabel: "avg pool",
                            outputShape: [current[0], current[1], 1, 1], parameters: 0, multAdds: 0,
                            isFunctional: true), at: 0)
                }
                if stages.isEmpty { stem += layers } else { head += layers }
                current = call.outputShape
            }
            parts.append(part)
        }
        self.stem = stem
        self.stages = stages
        self.head = head
        self.parts = parts
    }

    /// The model of the architecture detected from a file's tensors, with the file's adaptations and misfits.
    ///
    /// - Parameters:
    ///   - config: the detected architecture, adjusted by the request.
    ///   - input: the input the shapes are traced for.
    ///   - name: the architecture's name, shown in the title.
    ///   - descriptors: the file's tensors, compared with the architecture's.
    ///   - source: the file's name, shown in the title.
    public init(
        config: ResNetConfig, input: SummaryInput, name: String, descriptors: [TensorDescriptor], source: String
    ) throws {
        try self.init(config: config, input: input, name: name)
        self.source = source
        if let canonical = config.canonicalName?.lowercased(), let named = ResNetConfig.named(canonical) {
            if named.inChannels != config.inChannels, !stem.isEmpty {
                let channels = config.inChannels == 1 ? "1 channel" : "\(config.inChannels) channels"
                let note = "\(stem[0].path) takes \(channels) (\(canonical): \(named.inChannels))"
                stem[0].adaptation = note
                adaptations.append(note)
            }
            if named.numClasses != config.numClasses, let last = head.indices.last {
                let note = "\(head[last].label) (\(canonical) has \(named.numClasses) classes)"
                head[last].adaptation = note
                adaptations.append(note)
            }
        }
        unfitting = CheckpointFit.unfitting(descriptors, config: config)
        missing = CheckpointFit.missing(descriptors, config: config)
        for tensor in unfitting { attach(tensor) }
    }

    /// Puts `tensor` on the drawn layer it belongs to, or else on its block.
    private mutating func attach(_ tensor: UnfittingTensor) {
        func owns(_ path: String) -> Bool { tensor.name.hasPrefix(path + ".") }
        if let i = stem.firstIndex(where: { owns($0.path) }) { stem[i].unfitting.append(tensor); return }
        if let i = head.firstIndex(where: { owns($0.path) }) { head[i].unfitting.append(tensor); return }
        for s in stages.indices {
            for b in stages[s].blocks.indices where owns(stages[s].blocks[b].path) {
                if let l = stages[s].blocks[b].layers.firstIndex(where: { owns($0.path) }) {
                    stages[s].blocks[b].layers[l].unfitting.append(tensor)
                } else if let l = stages[s].blocks[b].shortcutLayers.firstIndex(where: { owns($0.path) }) {
                    stages[s].blocks[b].shortcutLayers[l].unfitting.append(tensor)
                } else {
                    stages[s].blocks[b].unfitting.append(tensor)
                }
                return
            }
        }
    }

    /// The block's shortcut container: torchvision's `downsample`, the CIFAR nets' `shortcut`.
    static func shortcutChild(of block: Module) -> Module? {
        block.child("downsample") ?? block.child("shortcut")
    }

    static func shortcutKind(_ module: Module?) -> ShortcutKind {
        guard let module else { return .identity }
        if case .zeroPadShortcut = module.kind { return .zeroPad }
        return module.children.isEmpty && module.kind == .sequential ? .identity : .projection
    }

    /// `[1, 128, 28, 28]` as `128x28x28` (the batch dropped), the form of `data-out`.
    static func shapeKey(_ shape: [Int]) -> String { shape.dropFirst().map(String.init).joined(separator: "x") }

    /// `[1, 128, 28, 28]` as `28×28`, the paper's output size; a flat shape as its features.
    static func spatial(_ shape: [Int]) -> String {
        shape.count == 4 ? "\(shape[2])×\(shape[3])" : shape.dropFirst().map(String.init).joined(separator: "×")
    }
}
