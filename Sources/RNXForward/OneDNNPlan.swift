import CDNNL
import RNXArch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward pass on oneDNN's primitives, for one input shape: what `ForwardPlan` runs when oneDNN can.
///
/// Every convolution is one primitive with its BatchNorm folded into the weights and bias, and the residual sum and
/// ReLU as post-ops (`sum`, `eltwise_relu`): the sum accumulates into the buffer that holds the shortcut, so a block
/// writes its output where its shortcut was. The layouts are oneDNN's choice (`format_tag_any`, blocked such as
/// `nChw16c` on AVX-512) and stay so from the stem to the classifier; a reorder is planned only where one
/// primitive's choice differs from the previous one's output (the user's NCHW input, usually). Weights are
/// reordered into the chosen layout once, here. Pooling and the classifier are oneDNN primitives too; channel
/// attention computes its gate in rnx (`Kernels.attentionGate`, a few thousand multiply-adds) between a pooling
/// and a binary multiply. All primitives run with `fpmath_mode_strict`.
///
/// CIFAR option A's shortcut is a 1×1 max pooling of stride s into a channel window of a zeroed plain tensor.
/// Activations rotate through a few buffers sized for the largest use, as in the OpenBLAS plan. A primitive oneDNN
/// refuses makes `init` throw `engineFailure`; `ForwardPlan` then runs the OpenBLAS engine instead.
final class OneDNNPlan {
    private struct Tensor {
        let md: dnnl_memory_desc_t
        let memory: dnnl_memory_t
        /// Index into `buffers`, or -1 for the caller's input.
        let buffer: Int
    }

    private enum Op {
        case primitive(dnnl_primitive_t, [dnnl_exec_arg_t])
        /// `gate[n][c]` from `means[n][c]` (plain `[N][C]` allocations).
        case gate(means: UnsafeMutablePointer<Float>, gate: UnsafeMutablePointer<Float>,
                  hidden: UnsafeMutablePointer<Float>, channels: Int, ChannelAttention)
    }

    let batch: Int
    let threads: Int
    private let dnnl: OneDNN
    private let stream: dnnl_stream_t
    private var ops: [Op] = []
    private var primitives: [dnnl_primitive_t] = []
    private var memories: [(memory: dnnl_memory_t, buffer: Int)] = []
    private var bufferSizes: [Int] = []
    private var buffers: [UnsafeMutableRawPointer] = []
    /// Packed weights, biases, gates and the logits: allocations the plan owns outright.
    private var constants: [UnsafeMutableRawPointer] = []
    private var input: dnnl_memory_t?
    private var logits: UnsafeMutablePointer<Float>?
    private let classes: Int

    init(model: ForwardModel, batch: Int, channels: Int, height: Int, width: Int, threads: Int) throws {
        dnnl = try OneDNN.shared()
        self.batch = batch
        self.threads = threads
        classes = model.config.numClasses
        var stream: dnnl_stream_t?
        try OneDNN.check(dnnl_stream_create(&stream, dnnl.engine, dnnl_stream_default_flags.rawValue),
                         "dnnl_stream_create")
        guard let stream else { throw ForwardError.engineFailure(call: "dnnl_stream_create", status: -1) }
        self.stream = stream
        // The build reorders weights: on as many threads as the passes will use.
        dnnl.setThreads(threads)
        // A failure here still runs deinit (every stored property is set), which frees what was made.
        try build(model, channels: channels, height: height, width: width)
    }

    deinit {
        for primitive in primitives { dnnl_primitive_destroy(primitive) }
        for entry in memories { dnnl_memory_destroy(entry.memory) }
        for buffer in buffers { free(buffer) }
        for constant in constants { free(constant) }
        dnnl_stream_destroy(stream)
    }

    /// Runs the pass on `[N, C, H, W]` row-major input and returns `[N, classes]` logits.
    func run(_ values: UnsafePointer<Float>) throws -> [Float] {
        dnnl.setThreads(threads)
        guard let input, let logits else { return [] }
        try OneDNN.check(dnnl_memory_set_data_handle(input, UnsafeMutableRawPointer(mutating: values)),
                         "dnnl_memory_set_data_handle")
        for op in ops {
            switch op {
            case .primitive(let primitive, let args):
                try args.withUnsafeBufferPointer { args in
                    try OneDNN.check(dnnl_primitive_execute(primitive, stream, Int32(args.count), args.baseAddress),
                                     "dnnl_primitive_execute")
                }
            case .gate(let means, let gate, let hidden, let channels, let attention):
                for image in 0..<batch {
                    Kernels.attentionGate(means: means + image * channels, channels: channels, attention: attention,
                                          hidden: hidden, gate: gate + image * channels)
                }
            }
        }
        try OneDNN.check(dnnl_stream_wait(stream), "dnnl_stream_wait")
        return Array(UnsafeBufferPointer(start: logits, count: batch * classes))
    }

    // MARK: Building

    private func allocate(bytes: Int) throws -> UnsafeMutableRawPointer {
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, 64, max(bytes, 64)) == 0, let pointer else {
            throw ForwardError.inputTooLarge(shape: [bytes])
        }
        return pointer
    }

    private func constant(count: Int) throws -> UnsafeMutablePointer<Float> {
        let raw = try allocate(bytes: count * 4)
        constants.append(raw)
        let pointer = raw.bindMemory(to: Float.self, capacity: count)
        pointer.initialize(repeating: 0, count: count)
        return pointer
    }

    private func memory(_ md: dnnl_memory_desc_t, handle: UnsafeMutableRawPointer?) throws -> dnnl_memory_t {
        var md = md
        var memory: dnnl_memory_t?
        try OneDNN.check(dnnl_memory_create(&memory, &md, dnnl.engine, handle), "dnnl_memory_create")
        guard let memory else { throw ForwardError.engineFailure(call: "dnnl_memory_create", status: -1) }
        return memory
    }

    /// A tensor in a rotating buffer other than those in `avoid` (the ones still to be read or added to).
    private func tensor(_ md: dnnl_memory_desc_t, avoid: [Int]) throws -> Tensor {
        var index = 0
        while avoid.contains(index) { index += 1 }
        if index >= bufferSizes.count { bufferSizes.append(0) }
        bufferSizes[index] = max(bufferSizes[index], OneDNN.size(md))
        let memory = try memory(md, handle: nil)
        memories.append((memory, index))
        return Tensor(md: md, memory: memory, buffer: index)
    }

    /// A tensor in an allocation of its own (gates, logits), which the plan's buffers never overwrite.
    private func ownTensor(_ md: dnnl_memory_desc_t) throws -> (Tensor, UnsafeMutablePointer<Float>) {
        let pointer = try constant(count: OneDNN.size(md) / 4)
        let memory = try memory(md, handle: pointer)
        memories.append((memory, -1))
        return (Tensor(md: md, memory: memory, buffer: -1), pointer)
    }

    private func primitive(_ desc: UnsafeRawPointer, attr: dnnl_primitive_attr_t?, _ call: String) throws
        -> (dnnl_primitive_desc_t, dnnl_primitive_t)
    {
        var pd: dnnl_primitive_desc_t?
        try OneDNN.check(dnnl_primitive_desc_create(&pd, desc, attr, dnnl.engine, nil), call)
        guard let pd else { throw ForwardError.engineFailure(call: call, status: -1) }
        var primitive: dnnl_primitive_t?
        let status = dnnl_primitive_create(&primitive, pd)
        guard status == dnnl_success, let primitive else {
            dnnl_primitive_desc_destroy(pd)
            throw ForwardError.engineFailure(call: "dnnl_primitive_create (\(call))", status: Int(status.rawValue))
        }
        primitives.append(primitive)
        return (pd, primitive)
    }

    private func query(_ pd: dnnl_primitive_desc_t, _ what: dnnl_query_t) throws -> dnnl_memory_desc_t {
        guard let md = dnnl_primitive_desc_query_md(pd, what, 0) else {
            throw ForwardError.engineFailure(call: "dnnl_primitive_desc_query_md", status: -1)
        }
        return md.pointee
    }

    private func arg(_ index: Int32, _ memory: dnnl_memory_t) -> dnnl_exec_arg_t {
        dnnl_exec_arg_t(arg: index, memory: memory)
    }

    /// `source` in layout `md`: itself when it is already, else a reorder into a new tensor.
    private func adapt(_ source: Tensor, to md: dnnl_memory_desc_t, avoid: [Int]) throws -> Tensor {
        if OneDNN.equal(source.md, md) { return source }
        let target = try tensor(md, avoid: avoid + [source.buffer])
        try reorder(source, into: target)
        return target
    }

    /// Copies `values` (laid out as `plain`) into a new allocation laid out as `packed`, once, now.
    private func pack(_ values: [Float], plain: dnnl_memory_desc_t, packed: dnnl_memory_desc_t) throws -> dnnl_memory_t {
        let target = try constant(count: OneDNN.size(packed) / 4)
        let packedMemory = try memory(packed, handle: target)
        memories.append((packedMemory, -1))
        try values.withUnsafeBufferPointer { values in
            let source = try memory(plain, handle: UnsafeMutableRawPointer(mutating: values.baseAddress))
            defer { dnnl_memory_destroy(source) }
            if OneDNN.equal(plain, packed) {
                target.update(from: values.baseAddress!, count: values.count)
                return
            }
            var from = plain, to = packed
            var pd: dnnl_primitive_desc_t?
            try OneDNN.check(dnnl_reorder_primitive_desc_create(&pd, &from, dnnl.engine, &to, dnnl.engine, nil),
                             "dnnl_reorder_primitive_desc_create (weights)")
            defer { dnnl_primitive_desc_destroy(pd) }
            var primitive: dnnl_primitive_t?
            try OneDNN.check(dnnl_primitive_create(&primitive, pd), "dnnl_primitive_create (weights reorder)")
            defer { dnnl_primitive_destroy(primitive) }
            var args = [arg(cdnnl_arg_from, source), arg(cdnnl_arg_to, packedMemory)]
            try OneDNN.check(dnnl_primitive_execute(primitive, stream, 2, &args), "dnnl_primitive_execute (weights)")
            try OneDNN.check(dnnl_stream_wait(stream), "dnnl_stream_wait")
        }
        return packedMemory
    }

    /// The output tensor of a primitive whose result is added to `residual` by a sum post-op: `residual` itself
    /// (the sum accumulates in place) when its layout is `md`, else a copy of it reordered to `md`.
    private func accumulator(_ residual: Tensor, md: dnnl_memory_desc_t, avoid: [Int]) throws -> Tensor {
        try adapt(residual, to: md, avoid: avoid)
    }

    private func convolution(
        _ layer: ConvLayer, _ source: Tensor, h: Int, w: Int, residual: Tensor?, relu: Bool, avoid: [Int],
        tooSmall: ForwardError
    ) throws -> (Tensor, Int, Int) {
        guard let oh = layer.outputSize(h), let ow = layer.outputSize(w) else { throw tooSmall }
        let (n, cin, cout, k) = (batch, layer.inChannels, layer.outChannels, layer.kernel)
        var sourceAny = try OneDNN.descriptor([n, cin, h, w], dnnl_format_tag_any)
        let weightDims = layer.groups == 1 ? [cout, cin, k, k] : [layer.groups, cout / layer.groups, cin / layer.groups, k, k]
        var weightsAny = try OneDNN.descriptor(weightDims, dnnl_format_tag_any)
        let weightsPlain = try OneDNN.descriptor(weightDims, layer.groups == 1 ? dnnl_oihw : dnnl_goihw)
        var biasMD = try OneDNN.descriptor([cout], dnnl_a)
        var destinationAny = try OneDNN.descriptor([n, cout, oh, ow], dnnl_format_tag_any)
        var desc = dnnl_convolution_desc_t()
        let strides = [Int64(layer.stride), Int64(layer.stride)], padding = [Int64(layer.padding), Int64(layer.padding)]
        try OneDNN.check(
            dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_convolution_direct, &sourceAny,
                                               &weightsAny, &biasMD, &destinationAny, strides, padding, padding),
            "dnnl_convolution_forward_desc_init (\(layer.name))")
        let attr = try OneDNN.attributes(sum: residual != nil, eltwise: relu ? dnnl_eltwise_relu : nil)
        defer { dnnl_primitive_attr_destroy(attr) }
        let (pd, primitive) = try self.primitive(&desc, attr: attr, "convolution \(layer.name)")
        defer { dnnl_primitive_desc_destroy(pd) }
        let sourceMD = try query(pd, dnnl_query_src_md), weightsMD = try query(pd, dnnl_query_weights_md)
        let destinationMD = try query(pd, dnnl_query_dst_md)
        let keep = avoid + (residual.map { [$0.buffer] } ?? [])
        let input = try adapt(source, to: sourceMD, avoid: keep)
        let weights = try pack(layer.weights, plain: weightsPlain, packed: weightsMD)
        let bias = try pack(layer.bias, plain: biasMD, packed: biasMD)
        let output: Tensor
        if let residual {
            output = try accumulator(residual, md: destinationMD, avoid: avoid + [input.buffer, source.buffer])
        } else {
            output = try tensor(destinationMD, avoid: avoid + [input.buffer, source.buffer])
        }
        ops.append(.primitive(primitive, [
            arg(cdnnl_arg_src, input.memory), arg(cdnnl_arg_weights, weights), arg(cdnnl_arg_bias, bias),
            arg(cdnnl_arg_dst, output.memory),
        ]))
        return (output, oh, ow)
    }

    private func pooling(
        _ algorithm: dnnl_alg_kind_t, _ source: Tensor, planes: Int, h: Int, w: Int, kernel: (Int, Int),
        stride: (Int, Int), padding: Int, outHeight: Int, outWidth: Int, avoid: [Int]
    ) throws -> Tensor {
        var sourceMD = source.md
        var destinationAny = try OneDNN.descriptor([batch, planes, outHeight, outWidth], dnnl_format_tag_any)
        // The bottom/right padding that makes oneDNN's floor division give the planned size (PyTorch's ceil mode).
        let padRight = [(outHeight - 1) * stride.0 + kernel.0 - h - padding, (outWidth - 1) * stride.1 + kernel.1 - w - padding]
            .map { Int64(max($0, 0)) }
        var desc = dnnl_pooling_v2_desc_t()
        try OneDNN.check(
            dnnl_pooling_v2_forward_desc_init(
                &desc, dnnl_forward_inference, algorithm, &sourceMD, &destinationAny,
                [Int64(stride.0), Int64(stride.1)], [Int64(kernel.0), Int64(kernel.1)], [0, 0],
                [Int64(padding), Int64(padding)], padRight),
            "dnnl_pooling_v2_forward_desc_init")
        let attr = try OneDNN.attributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        let (pd, primitive) = try self.primitive(&desc, attr: attr, "pooling")
        defer { dnnl_primitive_desc_destroy(pd) }
        let output = try tensor(try query(pd, dnnl_query_dst_md), avoid: avoid + [source.buffer])
        ops.append(.primitive(primitive, [arg(cdnnl_arg_src, source.memory), arg(cdnnl_arg_dst, output.memory)]))
        return output
    }

    /// `relu(x · gate + residual)` for a block with channel attention, the output landing on `residual`.
    private func attention(
        _ attention: ChannelAttention, _ x: Tensor, residual: Tensor, channels: Int, h: Int, w: Int, avoid: [Int]
    ) throws -> Tensor {
        let pooled = try pooling(dnnl_pooling_avg_include_padding, x, planes: channels, h: h, w: w, kernel: (h, w),
                                 stride: (h, w), padding: 0, outHeight: 1, outWidth: 1,
                                 avoid: avoid + [residual.buffer])
        let plainMD = try OneDNN.descriptor([batch, channels, 1, 1], dnnl_nchw)
        let (means, meansPointer) = try ownTensor(plainMD)
        try reorder(pooled, into: means)
        let (gate, gatePointer) = try ownTensor(plainMD)
        let hidden = try constant(count: max(attention.scratchPerImage(channels: channels) - 2 * channels, 1))
        ops.append(.gate(means: meansPointer, gate: gatePointer, hidden: hidden, channels: channels, attention))
        let output = try accumulator(residual, md: x.md, avoid: avoid + [x.buffer])
        var (source0, source1, destination) = (x.md, gate.md, x.md)
        var desc = dnnl_binary_desc_t()
        try OneDNN.check(dnnl_binary_desc_init(&desc, dnnl_binary_mul, &source0, &source1, &destination),
                         "dnnl_binary_desc_init")
        let attr = try OneDNN.attributes(sum: true, eltwise: dnnl_eltwise_relu)
        defer { dnnl_primitive_attr_destroy(attr) }
        let (pd, primitive) = try self.primitive(&desc, attr: attr, "attention gate")
        dnnl_primitive_desc_destroy(pd)
        ops.append(.primitive(primitive, [
            arg(cdnnl_arg_src, x.memory), arg(cdnnl_arg_src_1, gate.memory), arg(cdnnl_arg_dst, output.memory),
        ]))
        return output
    }

    /// CIFAR option A, `F.pad(x[:, :, ::s, ::s], channels (padBefore, rest))`: a 1×1 max pooling of stride `s`
    /// writes into the channel window `[padBefore, padBefore + channels)` of a plain NCHW allocation of the plan's
    /// own, whose other channels stay zero (no other tensor ever uses it).
    private func zeroPadded(
        _ x: Tensor, channels: Int, outChannels: Int, h: Int, w: Int, stride: Int, padBefore: Int
    ) throws -> Tensor {
        let (oh, ow) = ((h - 1) / stride + 1, (w - 1) / stride + 1)
        var whole = try OneDNN.descriptor([batch, outChannels, oh, ow], dnnl_nchw)
        let (padded, pointer) = try ownTensor(whole)
        var window = dnnl_memory_desc_t()
        try OneDNN.check(
            dnnl_memory_desc_init_submemory(&window, &whole, [Int64(batch), Int64(channels), Int64(oh), Int64(ow)],
                                            [0, Int64(padBefore), 0, 0]),
            "dnnl_memory_desc_init_submemory")
        let windowMemory = try memory(window, handle: pointer)
        memories.append((windowMemory, -1))
        // The pooling reads a plain source: oneDNN's pooling kernels keep the source's layout for the destination.
        let plain = try adapt(x, to: try OneDNN.descriptor([batch, channels, h, w], dnnl_nchw), avoid: [x.buffer])
        var source = plain.md
        var desc = dnnl_pooling_v2_desc_t()
        try OneDNN.check(
            dnnl_pooling_v2_forward_desc_init(
                &desc, dnnl_forward_inference, dnnl_pooling_max, &source, &window, [Int64(stride), Int64(stride)],
                [1, 1], [0, 0], [0, 0], [0, 0]),
            "dnnl_pooling_v2_forward_desc_init (zero-padded shortcut)")
        let attr = try OneDNN.attributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        let (pd, primitive) = try self.primitive(&desc, attr: attr, "zero-padded shortcut")
        dnnl_primitive_desc_destroy(pd)
        ops.append(.primitive(primitive, [arg(cdnnl_arg_src, plain.memory), arg(cdnnl_arg_dst, windowMemory)]))
        return padded
    }

    /// A reorder from `source` into the existing tensor `target`.
    private func reorder(_ source: Tensor, into target: Tensor) throws {
        var from = source.md, to = target.md
        var pd: dnnl_primitive_desc_t?
        try OneDNN.check(dnnl_reorder_primitive_desc_create(&pd, &from, dnnl.engine, &to, dnnl.engine, nil),
                         "dnnl_reorder_primitive_desc_create")
        defer { dnnl_primitive_desc_destroy(pd) }
        var primitive: dnnl_primitive_t?
        try OneDNN.check(dnnl_primitive_create(&primitive, pd), "dnnl_primitive_create (reorder)")
        guard let primitive else { throw ForwardError.engineFailure(call: "dnnl_primitive_create", status: -1) }
        primitives.append(primitive)
        ops.append(.primitive(primitive, [arg(cdnnl_arg_from, source.memory), arg(cdnnl_arg_to, target.memory)]))
    }

    private func build(_ model: ForwardModel, channels: Int, height: Int, width: Int) throws {
        let tooSmall = ForwardError.imageTooSmall(height: height, width: width,
                                                  minimum: ForwardPlan.minimumSize(model))
        let inputMD = try OneDNN.descriptor([batch, channels, height, width], dnnl_nchw)
        let inputMemory = try memory(inputMD, handle: nil)
        memories.append((inputMemory, -1))
        input = inputMemory
        var current = Tensor(md: inputMD, memory: inputMemory, buffer: -1)
        var (h, w) = (height, width)
        for layer in model.stemLayers {
            (current, h, w) = try convolution(layer, current, h: h, w: w, residual: nil, relu: true, avoid: [],
                                              tooSmall: tooSmall)
        }
        var planes = model.stemLayers.last?.outChannels ?? channels
        if let pool = model.maxPool {
            guard let oh = ConvLayer.outputSize(h, kernel: pool.kernel, stride: pool.stride, padding: pool.padding),
                  let ow = ConvLayer.outputSize(w, kernel: pool.kernel, stride: pool.stride, padding: pool.padding)
            else { throw tooSmall }
            current = try pooling(dnnl_pooling_max, current, planes: planes, h: h, w: w,
                                  kernel: (pool.kernel, pool.kernel), stride: (pool.stride, pool.stride),
                                  padding: pool.padding, outHeight: oh, outWidth: ow, avoid: [])
            (h, w) = (oh, ow)
        }
        for block in model.blocks {
            let x = current
            var residual = x
            switch block.shortcut {
            case .identity:
                break
            case .zeroPad(let stride, let padBefore, _):
                let outChannels = block.convs.last?.outChannels ?? planes
                residual = try zeroPadded(x, channels: planes, outChannels: outChannels, h: h, w: w, stride: stride,
                                          padBefore: padBefore)
            case .projection(let conv):
                (residual, _, _) = try convolution(conv, x, h: h, w: w, residual: nil, relu: false, avoid: [x.buffer],
                                                   tooSmall: tooSmall)
            case .pooledProjection(let pool, let conv):
                let (ph, pw) = ((max(h - pool, 0) + pool - 1) / pool + 1, (max(w - pool, 0) + pool - 1) / pool + 1)
                let pooled = try pooling(dnnl_pooling_avg_exclude_padding, x, planes: planes, h: h, w: w,
                                         kernel: (pool, pool), stride: (pool, pool), padding: 0, outHeight: ph,
                                         outWidth: pw, avoid: [x.buffer])
                (residual, _, _) = try convolution(conv, pooled, h: ph, w: pw, residual: nil, relu: false,
                                                   avoid: [x.buffer, pooled.buffer], tooSmall: tooSmall)
            }
            var t = x
            var (bh, bw) = (h, w)
            for (index, conv) in block.convs.enumerated() {
                let last = index == block.convs.count - 1
                let fused = last && block.attention == nil
                (t, bh, bw) = try convolution(conv, t, h: bh, w: bw, residual: fused ? residual : nil,
                                              relu: !last || fused, avoid: [x.buffer, residual.buffer],
                                              tooSmall: tooSmall)
            }
            planes = block.convs.last?.outChannels ?? planes
            if let gate = block.attention {
                t = try attention(gate, t, residual: residual, channels: planes, h: bh, w: bw,
                                  avoid: [x.buffer == residual.buffer ? -1 : x.buffer])
            }
            (current, h, w) = (t, bh, bw)
        }
        // The global average (CIFAR: F.avg_pool2d(out, out.size(3)), the top w rows; checked as in ForwardPlan).
        var window = (h, w)
        if model.config.family == .cifar {
            guard w <= h && h < 2 * w else { throw ForwardError.unsupportedAspectRatio(height: height, width: width) }
            window = (w, w)
        }
        let pooled = try pooling(dnnl_pooling_avg_include_padding, current, planes: planes, h: h, w: w,
                                 kernel: window, stride: window, padding: 0, outHeight: 1, outWidth: 1, avoid: [])
        try classifier(model, pooled, features: planes)
        buffers = try bufferSizes.map { try allocate(bytes: $0) }
        for entry in memories where entry.buffer >= 0 {
            try OneDNN.check(dnnl_memory_set_data_handle(entry.memory, buffers[entry.buffer]),
                             "dnnl_memory_set_data_handle")
        }
    }

    private func classifier(_ model: ForwardModel, _ features: Tensor, features count: Int) throws {
        var sourceAny = try OneDNN.descriptor([batch, count, 1, 1], dnnl_format_tag_any)
        var weightsAny = try OneDNN.descriptor([classes, count, 1, 1], dnnl_format_tag_any)
        let weightsPlain = try OneDNN.descriptor([classes, count, 1, 1], dnnl_oihw)
        var biasMD = try OneDNN.descriptor([classes], dnnl_a)
        var destinationMD = try OneDNN.descriptor([batch, classes], dnnl_nc)
        var desc = dnnl_inner_product_desc_t()
        try OneDNN.check(
            dnnl_inner_product_forward_desc_init(&desc, dnnl_forward_inference, &sourceAny, &weightsAny, &biasMD,
                                                 &destinationMD),
            "dnnl_inner_product_forward_desc_init")
        let attr = try OneDNN.attributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        let (pd, primitive) = try self.primitive(&desc, attr: attr, "classifier")
        defer { dnnl_primitive_desc_destroy(pd) }
        let input = try adapt(features, to: try query(pd, dnnl_query_src_md), avoid: [])
        let weights = try pack(model.classifierWeights, plain: weightsPlain,
                               packed: try query(pd, dnnl_query_weights_md))
        let bias = try pack(model.classifierBias, plain: biasMD, packed: biasMD)
        let (output, pointer) = try ownTensor(destinationMD)
        logits = pointer
        ops.append(.primitive(primitive, [
            arg(cdnnl_arg_src, input.memory), arg(cdnnl_arg_weights, weights), arg(cdnnl_arg_bias, bias),
            arg(cdnnl_arg_dst, output.memory),
        ]))
    }
}
