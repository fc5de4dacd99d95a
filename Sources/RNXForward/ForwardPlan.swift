import COpenBLAS
import RNXArch
import RNXTensor

/// The forward pass of a model for one input shape, with every buffer allocated once.
///
/// Making a plan checks the shape (channels, minimum size) and sizes the buffers: the input in channel-major layout,
/// four activation buffers that the blocks rotate through, one im2col buffer for the largest unfolding and the
/// pooled features. Running it allocates nothing but the returned logits, so a plan can run many batches of the
/// same shape. A plan is not thread-safe, and so not `Sendable`: run one pass at a time (each pass is itself
/// multi-threaded), and make a plan per task to run passes at once; ``ForwardModel`` is shared between them.
public final class ForwardPlan {
    /// The network the plan runs.
    public let model: ForwardModel
    /// Images per pass (N of `[N, C, H, W]`).
    public let batch: Int
    /// Input channels (C), the model's `inChannels`.
    public let channels: Int
    /// Input height in pixels (H).
    public let height: Int
    /// Input width in pixels (W).
    public let width: Int
    /// Threads for the GEMMs (one single-threaded OpenBLAS call per thread) and for rnx's own loops.
    public let threads: Int

    private enum BufferID {
        static let input = 0
    }

    private enum ResidualSource {
        case none
        case buffer(Int)
        case zeroPad(buffer: Int, channels: Int, height: Int, width: Int, stride: Int, padBefore: Int)
    }

    private struct ConvStep {
        let layer: ConvLayer
        let input: Int
        let output: Int
        let inHeight: Int
        let inWidth: Int
        let outHeight: Int
        let outWidth: Int
        let residual: ResidualSource
        let relu: Bool
    }

    private enum Step {
        case conv(ConvStep)
        case maxPool(input: Int, output: Int, planes: Int, height: Int, width: Int, kernel: Int, stride: Int,
                     padding: Int, outHeight: Int, outWidth: Int)
        case averagePool(input: Int, planes: Int, height: Int, width: Int, windowHeight: Int, windowWidth: Int)
        /// timm's avg-down pool (ceil mode, padding not counted).
        case averagePoolCeil(input: Int, output: Int, planes: Int, height: Int, width: Int, kernel: Int,
                             outHeight: Int, outWidth: Int)
        /// Channel attention on `buffer` in place, then the residual and ReLU.
        case attention(buffer: Int, residual: Int?, channels: Int, plane: Int, ChannelAttention)
    }

    /// The OpenBLAS engine's buffers, allocated on its first pass (a plan that runs on oneDNN never needs them).
    private final class Storage {
        let buffers: [UnsafeMutablePointer<Float>]
        let cols: UnsafeMutablePointer<Float>
        let features: UnsafeMutablePointer<Float>
        /// Scratch for channel attention's means, gates and hidden units.
        let attentionScratch: UnsafeMutablePointer<Float>

        init(sizes: [Int], cols colsSize: Int, features featureCount: Int, attention attentionSize: Int) {
            func zeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
                buffer.initialize(repeating: 0, count: max(count, 1))
                return buffer
            }
            buffers = sizes.map(zeroed)
            cols = zeroed(colsSize)
            features = zeroed(featureCount)
            attentionScratch = zeroed(attentionSize)
        }

        deinit {
            for buffer in buffers { buffer.deallocate() }
            cols.deallocate()
            features.deallocate()
            attentionScratch.deallocate()
        }
    }

    private var steps: [Step] = []
    private let bufferSizes: [Int]
    private let storageSizes: (cols: Int, features: Int, attention: Int)
    private var storage: Storage?
    private let blas: BLAS
    /// The oneDNN pass, when that engine runs this plan.
    private let onednn: OneDNNPlan?
    /// Which engine runs the passes, and why.
    public let engine: EngineReport

    private var store: Storage {
        if let storage { return storage }
        let made = Storage(sizes: bufferSizes, cols: storageSizes.cols, features: storageSizes.features,
                           attention: storageSizes.attention)
        storage = made
        return made
    }
    private var buffers: [UnsafeMutablePointer<Float>] { store.buffers }
    private var cols: UnsafeMutablePointer<Float> { store.cols }
    private var features: UnsafeMutablePointer<Float> { store.features }
    private var attentionScratch: UnsafeMutablePointer<Float> { store.attentionScratch }

    /// Plans a pass over `[batch, channels, height, width]` inputs on `engine` (by default `RNX_ENGINE`'s choice,
    /// else oneDNN where it can run the model and OpenBLAS where it cannot).
    ///
    /// - Parameters:
    ///   - model: the network to run.
    ///   - batch: images per pass, 1 or more.
    ///   - channels: the model's input channels.
    ///   - height: input height; each stride-2 layer halves it, so it must be large enough for the stem and stages.
    ///   - width: input width, likewise.
    ///   - threads: threads for the GEMMs and rnx's own loops, 1 or more.
    ///   - choice: the engine (``ForwardEngine``); `RNX_ENGINE`'s by default.
    /// - Throws: ``ForwardError`` for impossible settings or shapes, or when the engine cannot be loaded.
    public init(
        model: ForwardModel, batch: Int, channels: Int, height: Int, width: Int,
        threads: Int = ForwardThreads.defaultCount, engine choice: ForwardEngine = .fromEnvironment
    ) throws {
        guard threads >= 1 else { throw ForwardError.invalidSetting(name: "threads", value: threads) }
        blas = try BLAS.load()
        guard batch >= 1 else { throw ForwardError.emptyBatch }
        let shape = [batch, channels, height, width]
        guard channels == model.config.inChannels else {
            throw ForwardError.wrongChannelCount(expected: model.config.inChannels, found: channels)
        }
        guard height >= 1, width >= 1 else {
            throw ForwardError.imageTooSmall(height: height, width: width, minimum: Self.minimumSize(model))
        }
        self.model = model
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.threads = threads

        var steps: [Step] = []
        var sizes = [0, 0, 0, 0, 0]
        var colsSize = 0
        let tooLarge = ForwardError.inputTooLarge(shape: shape)
        guard let inputSize = CheckedArithmetic.product(shape) else { throw tooLarge }
        sizes[BufferID.input] = inputSize

        func convStep(_ layer: ConvLayer, from input: Int, to output: Int, h: Int, w: Int,
                      residual: ResidualSource, relu: Bool) throws -> (Int, Int) {
            guard let oh = layer.outputSize(h), let ow = layer.outputSize(w) else {
                throw ForwardError.imageTooSmall(height: height, width: width, minimum: Self.minimumSize(model))
            }
            guard let outSize = CheckedArithmetic.product([layer.outChannels, batch, oh, ow]),
                  let colSize = CheckedArithmetic.product([layer.inChannels * layer.kernel * layer.kernel, batch, oh, ow])
            else { throw tooLarge }
            // OpenBLAS's interface takes 32-bit dimensions.
            let limit = Int(Int32.max)
            guard outSize / layer.outChannels <= limit, layer.groupDepth <= limit, layer.outChannels <= limit else {
                throw tooLarge
            }
            sizes[output] = max(sizes[output], outSize)
            if !layer.isPointwise { colsSize = max(colsSize, colSize) }
            steps.append(.conv(ConvStep(layer: layer, input: input, output: output, inHeight: h, inWidth: w,
                                        outHeight: oh, outWidth: ow, residual: residual, relu: relu)))
            return (oh, ow)
        }

        // The stem's convolutions alternate between buffers 1 and 2 (timm's deep stem has three).
        var current = BufferID.input
        var (h, w) = (height, width)
        for (index, layer) in model.stemLayers.enumerated() {
            let target = index % 2 == 0 ? 1 : 2
            (h, w) = try convStep(layer, from: current, to: target, h: h, w: w, residual: .none, relu: true)
            current = target
        }
        var currentChannels = model.stemLayers.last?.outChannels ?? channels
        var attentionScratchSize = 0
        if let pool = model.maxPool {
            guard let oh = ConvLayer.outputSize(h, kernel: pool.kernel, stride: pool.stride, padding: pool.padding),
                  let ow = ConvLayer.outputSize(w, kernel: pool.kernel, stride: pool.stride, padding: pool.padding)
            else {
                throw ForwardError.imageTooSmall(height: height, width: width, minimum: Self.minimumSize(model))
            }
            let target = current == 1 ? 2 : 1
            steps.append(.maxPool(input: current, output: target, planes: currentChannels * batch, height: h,
                                  width: w, kernel: pool.kernel, stride: pool.stride, padding: pool.padding,
                                  outHeight: oh, outWidth: ow))
            sizes[target] = max(sizes[target], currentChannels * batch * oh * ow)
            (h, w, current) = (oh, ow, target)
        }
        for block in model.blocks {
            let free = [1, 2, 3, 4].filter { $0 != current }
            var residual = ResidualSource.buffer(current)
            // Every shortcut lands on the main path's output size: a 1×1 stride-s convolution without padding, a
            // 3×3 stride-s one with padding 1 and `x[::s]` all give floor((h − 1) / s) + 1 rows.
            var shortcutSize = (h, w)
            switch block.shortcut {
            case .identity:
                break
            case .projection(let conv):
                shortcutSize = try convStep(conv, from: current, to: free[2], h: h, w: w, residual: .none, relu: false)
                residual = .buffer(free[2])
            case .zeroPad(let stride, let padBefore, _):
                residual = .zeroPad(buffer: current, channels: currentChannels, height: h, width: w, stride: stride,
                                    padBefore: padBefore)
                shortcutSize = ((h - 1) / stride + 1, (w - 1) / stride + 1)
            case .pooledProjection(let pool, let conv):
                // ceil((h - k) / k) + 1 rows: the same ceil(h / 2) as the strided 3x3 for k = 2. The pooled map
                // goes to the main path's first buffer, which is free until the main path starts.
                let (ph, pw) = ((max(h - pool, 0) + pool - 1) / pool + 1, (max(w - pool, 0) + pool - 1) / pool + 1)
                guard let pooledSize = CheckedArithmetic.product([currentChannels, batch, ph, pw]) else {
                    throw tooLarge
                }
                steps.append(.averagePoolCeil(input: current, output: free[0], planes: currentChannels * batch,
                                              height: h, width: w, kernel: pool, outHeight: ph, outWidth: pw))
                sizes[free[0]] = max(sizes[free[0]], pooledSize)
                shortcutSize = try convStep(conv, from: free[0], to: free[2], h: ph, w: pw, residual: .none,
                                            relu: false)
                residual = .buffer(free[2])
            }
            // Basic: x → a → b (+ shortcut). Bottleneck: x → a → b → a (+ shortcut).
            var source = current
            var (bh, bw) = (h, w)
            for (index, conv) in block.convs.enumerated() {
                let last = index == block.convs.count - 1
                let target = free[index % 2]
                // With attention the last convolution's output is gated before the sum, in a step of its own.
                let fused = last && block.attention == nil
                (bh, bw) = try convStep(conv, from: source, to: target, h: bh, w: bw,
                                        residual: fused ? residual : .none, relu: !last || fused)
                source = target
            }
            if let attention = block.attention, let outChannels = block.convs.last?.outChannels {
                var residualBuffer: Int?
                if case .buffer(let id) = residual { residualBuffer = id }
                steps.append(.attention(buffer: source, residual: residualBuffer, channels: outChannels,
                                        plane: bh * bw, attention))
                attentionScratchSize = max(attentionScratchSize, attention.scratchPerImage(channels: outChannels) * batch)
            }
            precondition(shortcutSize == (bh, bw), "residual shapes of a ResNet block always agree")
            (h, w, current) = (bh, bw, source)
            currentChannels = block.convs.last?.outChannels ?? currentChannels
        }
        var windowHeight = h, windowWidth = w
        if model.config.family == .cifar {
            // F.avg_pool2d(out, out.size(3)): a w×w window with stride w, which gives one output row only when
            // w <= h < 2w; it averages the top w rows.
            guard w <= h && h < 2 * w else { throw ForwardError.unsupportedAspectRatio(height: height, width: width) }
            windowHeight = w
            windowWidth = w
        }
        steps.append(.averagePool(input: current, planes: currentChannels * batch, height: h, width: w,
                                  windowHeight: windowHeight, windowWidth: windowWidth))
        // A pass whose buffers could not be allocated is refused rather than left to fail inside malloc.
        guard let total = CheckedArithmetic.multiply(sizes.reduce(0, +) + colsSize, 4), total <= Self.maximumBytes
        else { throw tooLarge }
        self.steps = steps
        bufferSizes = sizes
        storageSizes = (colsSize, currentChannels * batch, attentionScratchSize)
        (onednn, engine) = try Self.chooseEngine(choice, model: model, batch: batch, channels: channels,
                                                 height: height, width: width, threads: threads, blas: blas)
    }

    /// The most memory a plan may hold for activations (64 GiB); larger inputs are refused with `inputTooLarge`.
    public static let maximumBytes = 64 << 30

    /// Runs the pass on `input` (`[N, C, H, W]` row-major, exactly `N·C·H·W` values) and returns the
    /// `[N, numClasses]` logits. `observe` sees each convolution's output after its bias, residual and ReLU,
    /// named by the convolution's `state_dict()` prefix; a pass with `observe` runs on the OpenBLAS engine (whose
    /// buffers hold each output in the `[C][N][H][W]` layout it describes), whatever `engine` says.
    ///
    /// - Parameters:
    ///   - input: `N·C·H·W` values for the plan's shape.
    ///   - observe: sees each convolution's output (for `rnx validate`'s dead-layer check); nil runs fastest.
    /// - Throws: ``ForwardError/shapeMismatch(name:expected:found:)`` when `input` has another count.
    public func run(
        _ input: [Float], observe: ((_ layer: String, _ output: UnsafeBufferPointer<Float>) -> Void)? = nil
    ) throws -> [Float] {
        try input.withUnsafeBufferPointer { try run($0, observe: observe) }
    }

    /// `run(_:observe:)` on values the caller holds elsewhere (e.g. one chunk of a larger batch), without a copy.
    ///
    /// - Parameters:
    ///   - input: `N·C·H·W` values for the plan's shape.
    ///   - observe: sees each convolution's output; nil runs fastest.
    /// - Throws: ``ForwardError/shapeMismatch(name:expected:found:)`` when `input` has another count.
    public func run(
        _ input: UnsafeBufferPointer<Float>,
        observe: ((_ layer: String, _ output: UnsafeBufferPointer<Float>) -> Void)? = nil
    ) throws -> [Float] {
        let shape = [batch, channels, height, width]
        guard input.count == bufferSizes[BufferID.input], let source = input.baseAddress else {
            throw ForwardError.shapeMismatch(name: "input", expected: shape, found: [input.count])
        }
        if let onednn, observe == nil { return try onednn.run(source) }
        let plane = height * width
        let target = buffers[BufferID.input]
        // NCHW → C(NHW), so one GEMM covers the batch.
        for image in 0..<batch {
            for channel in 0..<channels {
                (target + (channel * batch + image) * plane)
                    .update(from: source + (image * channels + channel) * plane, count: plane)
            }
        }
        for step in steps {
            switch step {
            case .conv(let conv):
                convolve(conv)
                if let observe {
                    let count = conv.layer.outChannels * batch * conv.outHeight * conv.outWidth
                    observe(conv.layer.name, UnsafeBufferPointer(start: buffers[conv.output], count: count))
                }
            case .maxPool(let input, let output, let planes, let h, let w, let kernel, let stride, let padding,
                          let oh, let ow):
                Kernels.maxPool(input: buffers[input], planes: planes, height: h, width: w, kernel: kernel,
                                stride: stride, padding: padding, outHeight: oh, outWidth: ow,
                                output: buffers[output], threads: threads)
            case .averagePool(let input, let planes, let h, let w, let windowHeight, let windowWidth):
                Kernels.averagePool(input: buffers[input], planes: planes, height: h, width: w,
                                    windowHeight: windowHeight, windowWidth: windowWidth, output: features)
            case .averagePoolCeil(let input, let output, let planes, let h, let w, let kernel, let oh, let ow):
                Kernels.averagePoolCeil(input: buffers[input], planes: planes, height: h, width: w, kernel: kernel,
                                        stride: kernel, outHeight: oh, outWidth: ow, output: buffers[output],
                                        threads: threads)
            case .attention(let buffer, let residual, let channels, let plane, let attention):
                Kernels.channelAttention(buffers[buffer], channels: channels, batch: batch, plane: plane,
                                         attention: attention, residual: residual.map { UnsafePointer(buffers[$0]) },
                                         scratch: attentionScratch, threads: threads)
            }
        }
        return classify()
    }

    private func convolve(_ step: ConvStep) {
        let layer = step.layer
        let input = buffers[step.input]
        let output = buffers[step.output]
        let pixels = batch * step.outHeight * step.outWidth
        let source: UnsafePointer<Float>
        if layer.isPointwise {
            source = UnsafePointer(input)
        } else if layer.kernel == 1 && layer.padding == 0 {
            Kernels.subsample(input: input, planes: layer.inChannels * batch, height: step.inHeight,
                              width: step.inWidth, stride: layer.stride, outHeight: step.outHeight,
                              outWidth: step.outWidth, output: cols, threads: threads)
            source = UnsafePointer(cols)
        } else {
            Kernels.im2col(input: input, channels: layer.inChannels, batch: batch, height: step.inHeight,
                           width: step.inWidth, kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
                           outHeight: step.outHeight, outWidth: step.outWidth, cols: cols, threads: threads)
            source = UnsafePointer(cols)
        }
        let rows = layer.outChannels / layer.groups
        let depth = layer.groupDepth
        layer.weights.withUnsafeBufferPointer { weights in
            for group in 0..<layer.groups {
                blas.multiply(
                    rows: rows, columns: pixels, depth: depth,
                    a: weights.baseAddress! + group * rows * depth, lda: depth,
                    b: source + group * depth * pixels, ldb: pixels,
                    c: output + group * rows * pixels, ldc: pixels, threads: threads)
            }
        }
        let residual: Kernels.Residual
        switch step.residual {
        case .none: residual = .none
        case .buffer(let id): residual = .tensor(buffers[id])
        case .zeroPad(let id, let channels, let h, let w, let stride, let padBefore):
            residual = .zeroPad(source: buffers[id], channels: channels, height: h, width: w, stride: stride,
                                padBefore: padBefore)
        }
        layer.bias.withUnsafeBufferPointer { bias in
            Kernels.epilogue(output, channels: layer.outChannels, batch: batch, outHeight: step.outHeight,
                             outWidth: step.outWidth, bias: bias.baseAddress!, residual: residual, relu: step.relu,
                             threads: threads)
        }
    }

    /// `logits[N][classes] = featuresᵀ · Wᵀ + b`, with the features stored `[C][N]`.
    private func classify() -> [Float] {
        let classes = model.config.numClasses
        let featureCount = model.config.featureCount
        var logits = [Float](repeating: 0, count: batch * classes)
        logits.withUnsafeMutableBufferPointer { out in
            model.classifierWeights.withUnsafeBufferPointer { weights in
                blas.sgemm(
                    CblasRowMajor, CblasTrans, CblasTrans, Int32(batch), Int32(classes), Int32(featureCount), 1,
                    features, Int32(batch), weights.baseAddress!, Int32(featureCount), 0,
                    out.baseAddress!, Int32(classes))
            }
            for image in 0..<batch {
                for label in 0..<classes { out[image * classes + label] += model.classifierBias[label] }
            }
        }
        return logits
    }

    /// The smallest square input the model accepts.
    static func minimumSize(_ model: ForwardModel) -> Int {
        for size in 1...4096 where accepts(model, size: size) { return size }
        return 4096
    }

    private static func accepts(_ model: ForwardModel, size: Int) -> Bool {
        var side = size
        for layer in model.stemLayers {
            guard let next = layer.outputSize(side) else { return false }
            side = next
        }
        if let pool = model.maxPool {
            guard let pooled = ConvLayer.outputSize(side, kernel: pool.kernel, stride: pool.stride, padding: pool.padding)
            else { return false }
            side = pooled
        }
        // Projection shortcuts have the same stride as their block's strided convolution, so the main path decides.
        for block in model.blocks {
            for conv in block.convs {
                guard let next = conv.outputSize(side) else { return false }
                side = next
            }
        }
        return side >= 1
    }
}
