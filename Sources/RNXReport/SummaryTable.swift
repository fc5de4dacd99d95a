import RNXArch
import RNXTensor

/// The rows and footer figures of a summary table, computed from a forward trace exactly as torchinfo 1.8.0 or
/// torchsummary 1.5.1 compute them; the renderers (`SummaryTable+Text`, `+Formats`) only lay them out.
public struct SummaryTable: Sendable {
    /// Whose table to reproduce.
    public enum Style: String, Sendable, CaseIterable {
        /// torchinfo's `summary(model, input_size, col_names=("output_size", "num_params", "mult_adds"))`.
        case torchinfo
        /// torchsummary's `summary(model, input_size)`.
        case torchsummary
    }

    /// One printed row. Numbers are the values behind the text (0 where the text is `--`).
    public struct Row: Sendable, Hashable {
        /// `Conv2d: 1-1` (torchinfo) or `Conv2d-1` (torchsummary); `ResNet` for the model row.
        public var label: String
        /// The traced call this row shows.
        public var call: LayerCall
        /// The output shape as printed: torchsummary replaces the batch with its `batch_size` argument (-1).
        public var outputShape: [Int]
        /// The parameters of this row's module, as the style counts them (0 when printed as `--`).
        public var parameters: Int
        /// The parameters column as printed: `1,728`, `--` or `(recursive)`.
        public var parametersText: String
        /// The row's mult-adds (0 when printed as `--`).
        public var multAdds: Int
        /// The mult-adds column as printed.
        public var multAddsText: String
    }

    /// The footer figures.
    public struct Totals: Sendable, Hashable {
        /// Total parameters: every parameter of the model once.
        public var parameters: Int
        /// Parameters that require gradients, as the style counts them.
        public var trainableParameters: Int
        /// torchinfo's total mult-adds (leaf modules only); also computed for the torchsummary style.
        public var multAdds: Int
        /// 2 × the mult-adds of convolutions and linear layers (`--flops`).
        public var flops: Int
        /// Megabytes as the style computes them (torchinfo: 10^6 bytes; torchsummary: 2^20 bytes).
        public var inputMB: Double
        /// The style's estimate of the activations kept for a backward pass.
        public var forwardBackwardMB: Double
        /// The parameters' size.
        public var parametersMB: Double
        /// Input, activations and parameters together.
        public var totalMB: Double
    }

    /// Whose table the figures reproduce.
    public let style: Style
    /// The traced calls the rows come from.
    public let trace: ForwardTrace
    /// The deepest nesting level listed.
    public let depth: Int
    /// The rows, in the order the style prints them.
    public let rows: [Row]
    /// The footer figures.
    public let totals: Totals
    /// torchinfo's width of the layer column (at least 40, grown to fit the longest name).
    public let layerColumnWidth: Int
    /// For a summary of a file: its tensors that do not fit the architecture, listed after the table.
    public var unfittingTensors: [UnfittingTensor] = []
    /// For a summary of a file: the architecture's parameters and buffers the file lacks (`num_batches_tracked`,
    /// which old files omit, is not reported).
    public var missingTensors: [String] = []

    /// Builds the table of `trace` in `style`.
    ///
    /// - Parameters:
    ///   - trace: the layer calls of one forward pass, with their shapes.
    ///   - style: torchinfo's table or torchsummary's.
    ///   - depth: torchinfo's `depth`: rows nested deeper are not shown (their figures still count).
    ///   - batchLabel: torchsummary's `batch_size` argument, printed in place of the batch (default -1).
    ///   - parameterBytes: the size of the parameters when they are not float32 (a file's dtypes).
    public init(
        trace: ForwardTrace, style: Style, depth: Int = 3, batchLabel: Int? = nil, parameterBytes: Int? = nil
    ) throws {
        self.style = style
        if style == .torchsummary && trace.config.naming == .transformers {
            // torchsummary's hook calls .size() on every module's output, and ResNetEncoder returns a ModelOutput:
            // torchsummary itself fails on this model, so there is no table to reproduce.
            throw ReportError.styleUnavailable(
                style: "torchsummary",
                reason: "torchsummary fails on transformers' ResNetForImageClassification (its ResNetEncoder "
                    + "returns a ModelOutput, which torchsummary's hook cannot size); use --style torchinfo")
        }
        self.trace = trace
        self.depth = depth
        let figures = try Figures(trace: trace)
        switch style {
        case .torchinfo:
            (rows, totals, layerColumnWidth) = try figures.torchinfo(depth: depth, parameterBytes: parameterBytes)
        case .torchsummary:
            (rows, totals) = try figures.torchsummary(
                batchLabel: batchLabel ?? -1, parameterBytes: parameterBytes)
            layerColumnWidth = 20
        }
    }
}

/// Sums over a trace, overflow-checked.
struct Figures {
    let trace: ForwardTrace
    let calls: [LayerCall]
    let multAdds: Int
    let flops: Int

    init(trace: ForwardTrace) throws {
        self.trace = trace
        calls = trace.calls
        var multAdds = 0
        var flops = 0
        for call in calls where call.isLeaf {
            multAdds = try Figures.add(multAdds, call.multAdds)
            if call.isConvOrLinear { flops = try Figures.add(flops, Figures.multiply(2, call.multAdds)) }
        }
        self.multAdds = multAdds
        self.flops = flops
    }

    static func add(_ a: Int, _ b: Int) throws -> Int {
        guard let sum = CheckedArithmetic.add(a, b) else { throw ReportError.sizeOverflow(layer: "the totals") }
        return sum
    }

    static func elements(_ shape: [Int]) throws -> Int {
        guard let count = CheckedArithmetic.product(shape) else { throw ReportError.sizeOverflow(layer: "the totals") }
        return count
    }

    static func multiply(_ a: Int, _ b: Int) throws -> Int {
        guard let product = CheckedArithmetic.multiply(a, b) else {
            throw ReportError.sizeOverflow(layer: "the totals")
        }
        return product
    }

    /// torchinfo's `leftover_params`: a container's parameters not shown by the rows inside it. torchinfo subtracts
    /// every descendant row (leaves' counts, containers' leftovers), skipping repeated calls.
    func leftovers() -> [Int] {
        var leftover = calls.map(\.parameters)
        for index in calls.indices.reversed() where !calls[index].isLeaf {
            var shown = 0
            for inner in (index + 1)..<(index + 1 + calls[index].descendantCount) where !calls[inner].isRepeatCall {
                shown &+= calls[inner].isLeaf ? calls[inner].parameters : leftover[inner]
            }
            leftover[index] = calls[index].parameters &- shown
        }
        return leftover
    }

    func torchinfo(depth maxDepth: Int, parameterBytes: Int?) throws -> ([SummaryTable.Row], SummaryTable.Totals, Int)
    {
        let leftover = leftovers()
        var rows: [SummaryTable.Row] = []
        var depthCounters: [Int: Int] = [:]
        var nameWidth = 40
        var longest = 0
        var totalParameters = 0
        var outputBytes = 0
        var paramBytes = 0
        for (index, call) in calls.enumerated() {
            // set_children_layers numbers every layer at each depth, shown or not.
            let number = depthCounters[call.depth, default: 0] + 1
            depthCounters[call.depth] = number
            let label = call.depth == 0 ? call.typeName : "\(call.typeName): \(call.depth)-\(number)"
            longest = max(longest, label.count + call.depth * 5 + 1)
            if call.isLeaf {
                if call.parameters > 0 {
                    // Forward/backward pass size: float32 outputs of layers with parameters, x2 for gradients.
                    let elements = try Figures.multiply(Figures.elements(call.outputShape), 8)
                    outputBytes = try Figures.add(outputBytes, elements)
                }
                if !call.isRepeatCall {
                    totalParameters = try Figures.add(totalParameters, call.parameters)
                    paramBytes = try Figures.add(paramBytes, Figures.multiply(call.parameters, 4))
                }
            } else if !call.isRepeatCall {
                totalParameters = try Figures.add(totalParameters, max(leftover[index], 0))
            }
            guard call.depth <= maxDepth else { continue }
            let reachedMaxDepth = call.depth == maxDepth
            var parameters = 0
            var parametersText = "--"
            if call.parameters != 0 {
                if call.isRepeatCall {
                    parametersText = "(recursive)"
                } else if reachedMaxDepth || call.isLeaf {
                    parameters = call.parameters
                    parametersText = call.parameters.formatted(groupingSeparator: ",")
                } else if leftover[index] > 0 {
                    parameters = leftover[index]
                    parametersText = leftover[index].formatted(groupingSeparator: ",")
                }
            }
            // A container's own "macs" are positive exactly when it holds parameters (torchinfo multiplies every
            // nested parameter by batch x channels); at the maximum depth it shows its leaves' sum.
            var multAdds = 0
            if call.isLeaf {
                multAdds = call.multAdds
            } else if reachedMaxDepth && call.parameters > 0 {
                for inner in (index + 1)..<(index + 1 + call.descendantCount) where calls[inner].isLeaf {
                    multAdds = try Figures.add(multAdds, calls[inner].multAdds)
                }
            }
            // A container that was never called (iterated by its parent) has no output to count macs from.
            let macsPositive = call.isLeaf ? call.multAdds > 0 : call.parameters > 0 && !call.outputShape.isEmpty
            let multAddsText = macsPositive && (call.isLeaf || reachedMaxDepth)
                ? multAdds.formatted(groupingSeparator: ",") : "--"
            if multAddsText == "--" { multAdds = 0 }
            rows.append(
                SummaryTable.Row(
                    label: label, call: call, outputShape: call.outputShape, parameters: parameters,
                    parametersText: parametersText, multAdds: multAdds, multAddsText: multAddsText))
        }
        if longest >= nameWidth { nameWidth = (longest + 4) / 5 * 5 }
        let input = trace.input
        // sys.getsizeof(tensor.untyped_storage()): the float32 bytes plus 64 bytes of Python object
        // (measured with Python 3.11.7 and torch 2.15.0).
        guard
            let inputElements = CheckedArithmetic.product([
                input.batchSize, input.channels, input.height, input.width, 4,
            ])
        else { throw ReportError.sizeOverflow(layer: "the input") }
        let inputBytes = try Figures.add(inputElements, 64)
        let params = parameterBytes ?? paramBytes
        let total = try Figures.add(Figures.add(inputBytes, outputBytes), params)
        let totals = SummaryTable.Totals(
            parameters: totalParameters, trainableParameters: totalParameters, multAdds: multAdds, flops: flops,
            inputMB: Double(inputBytes) / 1e6, forwardBackwardMB: Double(outputBytes) / 1e6,
            parametersMB: Double(params) / 1e6, totalMB: Double(total) / 1e6)
        return (rows, totals, nameWidth)
    }

    func torchsummary(batchLabel: Int, parameterBytes: Int?) throws -> ([SummaryTable.Row], SummaryTable.Totals) {
        let hooked = calls.filter(\.isHookedByTorchsummary).sorted { $0.completionIndex < $1.completionIndex }
        var rows: [SummaryTable.Row] = []
        var totalParameters = 0
        var trainable = 0
        var outputElements = 0
        for (position, call) in hooked.enumerated() {
            var shape = call.outputShape
            shape[0] = batchLabel
            let parameters = call.weightParameters
            totalParameters = try Figures.add(totalParameters, parameters)
            if call.hasWeight { trainable = try Figures.add(trainable, parameters) }
            outputElements = try Figures.add(outputElements, call.outputElementsPerSample)
            rows.append(
                SummaryTable.Row(
                    label: "\(call.typeName)-\(position + 1)", call: call, outputShape: shape, parameters: parameters,
                    parametersText: parameters.formatted(groupingSeparator: ","),
                    multAdds: call.isLeaf ? call.multAdds : 0,
                    multAddsText: call.isLeaf && call.multAdds > 0 ? call.multAdds.formatted(groupingSeparator: ",")
                        : "--"))
        }
        // torchsummary: abs(prod(input) * batch_size * 4. / 1024**2), abs(2. * sum(prod(output_shape)) * 4. / 1024**2)
        // and total_params * 4. / 1024**2, with the batch (-1 by default) as printed; then their sum in this order.
        let batch = Double(abs(batchLabel))
        let input = trace.input
        let perSample = Double(input.channels) * Double(input.height) * Double(input.width)
        let inputMB = abs(perSample * batch * 4.0 / 1_048_576.0)
        let outputMB = abs(2.0 * (Double(outputElements) * batch) * 4.0 / 1_048_576.0)
        let paramsMB = parameterBytes.map { Double($0) / 1_048_576.0 } ?? abs(Double(totalParameters) * 4.0 / 1_048_576.0)
        let totals = SummaryTable.Totals(
            parameters: totalParameters, trainableParameters: trainable, multAdds: multAdds, flops: flops,
            inputMB: inputMB, forwardBackwardMB: outputMB, parametersMB: paramsMB,
            totalMB: paramsMB + outputMB + inputMB)
        return (rows, totals)
    }
}
