import RNXArch
import RNXTensor

/// The calls a forward pass of a ResNet makes, with output shapes, parameters, mult-adds and receptive fields,
/// worked out from the configuration alone: nothing is run.
///
/// Call order follows the reference implementations' `forward` methods: torchvision's `BasicBlock` runs conv1, bn1,
/// relu, conv2, bn2, downsample, relu; its `Bottleneck` conv1, bn1, relu, conv2, bn2, relu, conv3, bn3, downsample,
/// relu; the CIFAR block conv1, bn1, conv2, bn2, shortcut (its ReLUs and the final average pool are functional,
/// so no module runs for them).
public struct ForwardTrace: Sendable {
    /// The architecture traced.
    public let config: ResNetConfig
    /// The input size the shapes follow from.
    public let input: SummaryInput
    /// Every module call, in pre-hook order; the model itself first.
    public let calls: [LayerCall]

    /// Traces `config` on `input`; throws `ReportError.inputDoesNotFit` for inputs PyTorch would reject.
    public init(config: ResNetConfig, input: SummaryInput, architectureName: String? = nil) throws {
        guard input.channels == config.inChannels else {
            throw ReportError.channelMismatch(input: input.channels, model: config.inChannels)
        }
        self.config = config
        self.input = input
        var builder = Builder(
            config: config, batch: input.batchSize,
            architecture: architectureName ?? config.canonicalName ?? "this ResNet", inputText: input.description)
        let start = Activation(
            channels: input.channels, height: input.height, width: input.width, features: nil,
            receptiveField: Extent(square: 1), jump: Extent(square: 1))
        _ = try builder.call(config.moduleTree, path: "", depth: 0, input: start)
        calls = builder.calls
    }
}

/// A tensor flowing between modules: its shape (per sample) and the receptive field and jump of its units.
struct Activation {
    var channels: Int
    var height: Int
    var width: Int
    /// Set once the tensor is flat (after the classifier).
    var features: Int?
    /// Set for a `[N, 1, L]` sequence (ECA's view of the channel means as one channel of length C).
    var sequenceLength: Int?
    var receptiveField: Extent
    var jump: Extent

    func shape(batch: Int) -> [Int] {
        if let features { return [batch, features] }
        if let sequenceLength { return [batch, 1, sequenceLength] }
        return [batch, channels, height, width]
    }
}

extension ForwardTrace {
    struct Builder {
        let config: ResNetConfig
        let batch: Int
        let architecture: String
        let inputText: String
        var calls: [LayerCall] = []
        var completed = 0
        var called: Set<String> = []

        func product(_ values: Int..., at path: String) throws -> Int {
            try product(of: values, at: path)
        }

        func product(of values: [Int], at path: String) throws -> Int {
            guard let result = CheckedArithmetic.product(values) else {
                throw ReportError.sizeOverflow(layer: path.isEmpty ? "the model" : path)
            }
            return result
        }

        func doesNotFit(_ reason: String) -> ReportError {
            .inputDoesNotFit(input: inputText, architecture: architecture, reason: reason)
        }

        /// Records the call of `module` at `path`, runs it on `input` and returns its output.
        mutating func call(_ module: Module, path: String, depth: Int, input: Activation) throws -> Activation {
            let index = calls.count
            let isRepeat = !called.insert(path).inserted
            calls.append(
                LayerCall(
                    typeName: module.typeName, path: path, depth: depth, outputShape: [], parameters: 0,
                    weightParameters: 0, hasWeight: false, isLeaf: module.children.isEmpty, isRepeatCall: isRepeat,
                    multAdds: 0, isConvOrLinear: false, kernel: nil, stride: nil,
                    receptiveField: input.receptiveField, jump: input.jump,
                    isHookedByTorchsummary: !(module.kind == .sequential || path.isEmpty || module.typeName == "ModuleList"),
                    completionIndex: 0, descendantCount: 0))
            var output = input
            var record = calls[index]
            func child(_ name: String) -> (Module, String)? {
                module.child(name).map { ($0, path.isEmpty ? name : path + "." + name) }
            }

            switch module.kind {
            case .resnet:
                var x = input
                for sub in module.children {
                    let subPath = sub.name
                    if case .linear = sub.kind, x.features == nil { x = try flatten(x, before: subPath) }
                    x = try call(sub, path: subPath, depth: depth + 1, input: x)
                }
                output = x
            case .sequential:
                var x = input
                for sub in module.children {
                    x = try call(sub, path: path + "." + sub.name, depth: depth + 1, input: x)
                }
                output = x
            case .container:
                var x = input
                for sub in module.children {
                    let subPath = path.isEmpty ? sub.name : path + "." + sub.name
                    if case .linear = sub.kind, x.features == nil { x = try flatten(x, before: subPath) }
                    x = try call(sub, path: subPath, depth: depth + 1, input: x)
                }
                output = x
            case .residual(let spec):
                var x = input
                for name in spec.mainPath {
                    guard let (sub, subPath) = child(name) else { continue }
                    x = try call(sub, path: subPath, depth: depth + 1, input: x)
                }
                var shortcut = input
                if let name = spec.shortcut, let (sub, subPath) = child(name) {
                    shortcut = try call(sub, path: subPath, depth: depth + 1, input: input)
                }
                guard shortcut.shape(batch: 1) == x.shape(batch: 1) else {
                    throw doesNotFit(
                        "\(path) adds a \(shortcut.shape(batch: 1).dropFirst()) shortcut to a "
                            + "\(x.shape(batch: 1).dropFirst()) output")
                }
                x.receptiveField = Extent(
                    max(x.receptiveField.height, shortcut.receptiveField.height),
                    max(x.receptiveField.width, shortcut.receptiveField.width))
                if let name = spec.finalActivation, let (sub, subPath) = child(name) {
                    x = try call(sub, path: subPath, depth: depth + 1, input: x)
                }
                output = x
            case .squeezeExcite, .efficientChannelAttention:
                // The gate is computed from the global mean (a [C, 1, 1] tensor) and multiplies the input.
                var squeezed = input
                (squeezed.height, squeezed.width) = (1, 1)
                if module.kind == .efficientChannelAttention {
                    // EcaModule views the means as [N, 1, C] (one channel of length C) for its Conv1d and gate.
                    squeezed.sequenceLength = input.channels
                }
                for sub in module.children {
                    squeezed = try call(sub, path: path + "." + sub.name, depth: depth + 1, input: squeezed)
                }
                output = input
            case .conv1d(let kernel, _):
                record.parameters = kernel
                record.weightParameters = kernel
                record.hasWeight = true
                record.isConvOrLinear = true
                record.multAdds = try product(kernel, batch, input.channels, at: path)
                record.kernel = Extent(1, kernel)
                record.stride = Extent(square: 1)
            case .avgPool2d(let kernel, let stride):
                output = try ceilWindow(input, kernel: kernel, stride: stride, at: path)
                record.kernel = Extent(square: kernel)
                record.stride = Extent(square: stride)
            case .identity, .sigmoid:
                break
            case .flatten:
                output = try flattened(input, at: path)
            case .conv2d(let spec):
                let weights = try product(spec.outChannels, spec.inChannels / max(spec.groups, 1), spec.kernel,
                    spec.kernel, at: path)
                let parameters = spec.bias ? weights + spec.outChannels : weights
                guard input.channels == spec.inChannels else {
                    throw doesNotFit("\(path) takes \(spec.inChannels) channels, gets \(input.channels)")
                }
                output = try window(
                    input, kernel: Extent(square: spec.kernel), stride: Extent(square: spec.stride),
                    padding: spec.padding, at: path)
                output.channels = spec.outChannels
                record.parameters = parameters
                record.weightParameters = parameters
                record.hasWeight = true
                record.isConvOrLinear = true
                record.multAdds = try product(parameters, batch, output.height, output.width, at: path)
                record.kernel = Extent(square: spec.kernel)
                record.stride = Extent(square: spec.stride)
            case .batchNorm2d(let channels):
                let parameters = try product(2, channels, at: path)
                record.parameters = parameters
                record.weightParameters = parameters
                record.hasWeight = true
                record.multAdds = try product(batch, parameters, at: path)
            case .relu:
                break
            case .maxPool2d(let kernel, let stride, let padding):
                output = try window(
                    input, kernel: Extent(square: kernel), stride: Extent(square: stride), padding: padding, at: path)
                record.kernel = Extent(square: kernel)
                record.stride = Extent(square: stride)
            case .zeroPadShortcut(let stride, let before, let after):
                // x[:, :, ::s, ::s]: a 1x1 window every s pixels, then zero channels on both sides.
                output = try window(
                    input, kernel: Extent(square: 1), stride: Extent(square: stride), padding: 0, at: path)
                output.channels = input.channels + before + after
                record.stride = Extent(square: stride)
            case .adaptiveAvgPool2d(let size):
                // Global pooling when the map is a multiple of the output size; ResNets use output size 1, where
                // the window is the whole map.
                let kernel = Extent(input.height / max(size, 1), input.width / max(size, 1))
                output = try window(input, kernel: kernel, stride: kernel, padding: 0, at: path)
                record.kernel = kernel
                record.stride = kernel
            case .linear(let inFeatures, let outFeatures):
                guard input.features == inFeatures else {
                    throw doesNotFit("\(path) takes \(inFeatures) features, gets \(input.features ?? 0)")
                }
                let parameters = try product(outFeatures, inFeatures + 1, at: path)
                output.features = outFeatures
                record.parameters = parameters
                record.weightParameters = parameters
                record.hasWeight = true
                record.isConvOrLinear = true
                record.multAdds = try product(batch, parameters, at: path)
            }

            if !record.isLeaf {
                // A container holds no parameters of its own: its count is its modules', each counted once.
                var sum = 0
                for inner in calls[(index + 1)...] where inner.isLeaf && !inner.isRepeatCall {
                    guard let next = CheckedArithmetic.add(sum, inner.parameters) else {
                        throw ReportError.sizeOverflow(layer: path.isEmpty ? "the model" : path)
                    }
                    sum = next
                }
                record.parameters = sum
            }
            let shape = output.shape(batch: batch)
            _ = try product(of: shape, at: path)
            // A container its parent iterates is never called: torchinfo prints no output shape for it.
            record.outputShape = module.isIterated ? [] : shape
            if module.isIterated { record.isHookedByTorchsummary = false }
            record.receptiveField = output.receptiveField
            record.jump = output.jump
            record.completionIndex = completed
            record.descendantCount = calls.count - index - 1
            completed += 1
            calls[index] = record
            return output
        }

        /// Applies a sliding window (convolution or pool): `out = floor((in + 2p - k) / s) + 1`, and the
        /// receptive-field recurrence `r_out = r_in + (k - 1) * j_in`, `j_out = j_in * s` (each output unit sees
        /// k input units spaced j_in apart; moving one output unit moves s input units, so s * j_in pixels).
        func window(_ x: Activation, kernel: Extent, stride: Extent, padding: Int, at path: String) throws
            -> Activation
        {
            func side(_ size: Int, _ k: Int, _ s: Int, _ axis: String) throws -> Int {
                let span = size + 2 * padding - k
                guard span >= 0, s > 0 else {
                    throw doesNotFit(
                        "\(path) (\(kernel) window) gets a \(axis) of \(size), needs at least \(k - 2 * padding)")
                }
                return span / s + 1
            }
            var y = x
            y.height = try side(x.height, kernel.height, stride.height, "height")
            y.width = try side(x.width, kernel.width, stride.width, "width")
            let rh = try product(kernel.height - 1, x.jump.height, at: path)
            let rw = try product(kernel.width - 1, x.jump.width, at: path)
            y.receptiveField = Extent(x.receptiveField.height + rh, x.receptiveField.width + rw)
            y.jump = Extent(
                try product(x.jump.height, stride.height, at: path), try product(x.jump.width, stride.width, at: path))
            return y
        }

        /// `nn.AvgPool2d(k, s, ceil_mode=True)` without padding: `out = ceil((in - k) / s) + 1`, the receptive field
        /// as for any window.
        func ceilWindow(_ x: Activation, kernel: Int, stride: Int, at path: String) throws -> Activation {
            var y = try window(x, kernel: Extent(square: kernel), stride: Extent(square: stride), padding: 0, at: path)
            y.height = (x.height - kernel + stride - 1) / stride + 1
            y.width = (x.width - kernel + stride - 1) / stride + 1
            return y
        }

        /// `nn.Flatten()`: [C, H, W] to C·H·W features.
        func flattened(_ x: Activation, at path: String) throws -> Activation {
            var y = x
            if x.features == nil { y.features = try product(x.channels, x.height, x.width, at: path) }
            return y
        }

        /// The tensor the classifier gets: torchvision flattens the 1x1 pooled map; the CIFAR net first runs
        /// `F.avg_pool2d(out, out.size(3))`, a W x W window with stride W, which only yields one row when
        /// W <= H < 2W.
        func flatten(_ x: Activation, before path: String) throws -> Activation {
            var y = x
            if config.family == .cifar {
                let w = x.width
                if x.height < w || x.height >= 2 * w {
                    throw doesNotFit(cifarPoolReason(finalHeight: x.height, finalWidth: w))
                }
                y = try window(x, kernel: Extent(square: w), stride: Extent(square: w), padding: 0, at: path)
            }
            y.features = try product(y.channels, y.height, y.width, at: path)
            return y
        }

        /// Each CIFAR stage maps a side h to ceil(h / s), so the last stage is ceil(H / S) high, S the product of
        /// the stage strides; the pool yields one row iff w <= ceil(H / S) < 2w, i.e. (w - 1)S < H <= (2w - 1)S.
        func cifarPoolReason(finalHeight: Int, finalWidth w: Int) -> String {
            let strides = (0..<config.layers.count).reduce(1) { $0 * config.stride(stage: $1) }
            let lowest = (w - 1) * strides + 1
            let highest = (2 * w - 1) * strides
            return "its last stage is \(finalHeight)x\(w) and F.avg_pool2d(out, out.size(3)) pools it with a "
                + "\(w)x\(w) window, so the classifier gets one row of features only for an input height from "
                + "\(lowest) to \(highest) at this width"
        }
    }
}

