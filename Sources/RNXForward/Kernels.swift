/// The non-GEMM work of the forward pass, on raw buffers laid out channel-major: `[C][N][H][W]`.
///
/// Keeping the batch inside each channel row lets one GEMM cover the whole batch: a convolution is
/// `W[out][in·k·k] × cols[in·k·k][N·H'·W']` and its output is already in the same layout.
enum Kernels {
    /// Unfolds the input for a k×k convolution: row `(c, kh, kw)` of `cols` holds, for every output pixel of every
    /// image, the input pixel that kernel tap sees (zero in the padding).
    static func im2col(
        input: UnsafePointer<Float>, channels: Int, batch: Int, height: Int, width: Int,
        kernel: Int, stride: Int, padding: Int, outHeight: Int, outWidth: Int,
        cols: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let plane = height * width
        let outPlane = outHeight * outWidth
        let rowLength = batch * outPlane
        let rows = channels * kernel * kernel
        ForwardThreads.parallelFor(rows, threads: threads, costPerItem: rowLength) { range in
            for row in range {
                let channel = row / (kernel * kernel)
                let kh = row / kernel % kernel
                let kw = row % kernel
                // Output columns whose input column lies inside the image: iw = ow*stride - padding + kw in [0, width).
                let firstColumn = max(0, (padding - kw + stride - 1) / stride)
                let reach = width - 1 + padding - kw
                let lastColumn = reach < 0 ? 0 : min(outWidth, reach / stride + 1)  // exclusive
                for image in 0..<batch {
                    let source = input + (channel * batch + image) * plane
                    let target = cols + row * rowLength + image * outPlane
                    for oh in 0..<outHeight {
                        let ih = oh * stride - padding + kh
                        let out = target + oh * outWidth
                        if ih < 0 || ih >= height || firstColumn >= lastColumn {
                            out.update(repeating: 0, count: outWidth)
                            continue
                        }
                        if firstColumn > 0 { out.update(repeating: 0, count: firstColumn) }
                        let sourceRow = source + ih * width - padding + kw
                        if stride == 1 {
                            (out + firstColumn).update(from: sourceRow + firstColumn, count: lastColumn - firstColumn)
                        } else {
                            for ow in firstColumn..<lastColumn { out[ow] = sourceRow[ow * stride] }
                        }
                        if lastColumn < outWidth { (out + lastColumn).update(repeating: 0, count: outWidth - lastColumn) }
                    }
                }
            }
        }
    }

    /// `x[:, :, ::stride, ::stride]` for a strided 1×1 convolution without padding.
    static func subsample(
        input: UnsafePointer<Float>, planes: Int, height: Int, width: Int, stride: Int,
        outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        ForwardThreads.parallelFor(planes, threads: threads, costPerItem: outHeight * outWidth) { range in
            for plane in range {
                let source = input + plane * height * width
                let target = output + plane * outHeight * outWidth
                for oh in 0..<outHeight {
                    for ow in 0..<outWidth { target[oh * outWidth + ow] = source[oh * stride * width + ow * stride] }
                }
            }
        }
    }

    /// What is added to a convolution's output before the final ReLU of a residual block.
    enum Residual {
        case none
        /// A tensor of the output's shape.
        case tensor(UnsafePointer<Float>)
        /// Option A: input channels `c` land on output channel `c + padBefore`, sampled every `stride` pixels.
        case zeroPad(source: UnsafePointer<Float>, channels: Int, height: Int, width: Int, stride: Int, padBefore: Int)
    }

    /// Adds the per-channel bias and the residual, then applies ReLU if asked, in place.
    static func epilogue(
        _ output: UnsafeMutablePointer<Float>, channels: Int, batch: Int, outHeight: Int, outWidth: Int,
        bias: UnsafePointer<Float>, residual: Residual, relu: Bool, threads: Int
    ) {
        let plane = outHeight * outWidth
        let rowLength = batch * plane
        ForwardThreads.parallelFor(channels, threads: threads, costPerItem: rowLength) { range in
            for channel in range {
                let row = output + channel * rowLength
                let b = bias[channel]
                switch residual {
                case .none:
                    if relu {
                        for i in 0..<rowLength { row[i] = max(row[i] + b, 0) }
                    } else {
                        for i in 0..<rowLength { row[i] += b }
                    }
                case .tensor(let source):
                    let add = source + channel * rowLength
                    if relu {
                        for i in 0..<rowLength { row[i] = max(row[i] + b + add[i], 0) }
                    } else {
                        for i in 0..<rowLength { row[i] += b + add[i] }
                    }
                case .zeroPad(let source, let sourceChannels, let height, let width, let stride, let padBefore):
                    let sourceChannel = channel - padBefore
                    if sourceChannel >= 0 && sourceChannel < sourceChannels {
                        for image in 0..<batch {
                            let from = source + (sourceChannel * batch + image) * height * width
                            let to = row + image * plane
                            for oh in 0..<outHeight {
                                for ow in 0..<outWidth {
                                    to[oh * outWidth + ow] += from[oh * stride * width + ow * stride]
                                }
                            }
                        }
                    }
                    for i in 0..<rowLength { row[i] = relu ? max(row[i] + b, 0) : row[i] + b }
                }
            }
        }
    }

    /// Max pooling with implicit −∞ padding, as `nn.MaxPool2d` does.
    static func maxPool(
        input: UnsafePointer<Float>, planes: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int,
        outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        ForwardThreads.parallelFor(planes, threads: threads, costPerItem: outHeight * outWidth * kernel * kernel) {
            range in
            for plane in range {
                let source = input + plane * height * width
                let target = output + plane * outHeight * outWidth
                for oh in 0..<outHeight {
                    let h0 = max(oh * stride - padding, 0), h1 = min(oh * stride - padding + kernel, height)
                    for ow in 0..<outWidth {
                        let w0 = max(ow * stride - padding, 0), w1 = min(ow * stride - padding + kernel, width)
                        var best = -Float.infinity
                        for h in h0..<h1 {
                            for w in w0..<w1 { best = max(best, source[h * width + w]) }
                        }
                        target[oh * outWidth + ow] = best
                    }
                }
            }
        }
    }

    /// The mean of the top-left `window`×`windowWidth` pixels of each plane into `output[plane]` (the whole plane
    /// for adaptive average pooling to 1×1).
    static func averagePool(
        input: UnsafePointer<Float>, planes: Int, height: Int, width: Int, windowHeight: Int, windowWidth: Int,
        output: UnsafeMutablePointer<Float>
    ) {
        let count = Float(windowHeight * windowWidth)
        for plane in 0..<planes {
            let source = input + plane * height * width
            var sum: Float = 0
            for h in 0..<windowHeight {
                for w in 0..<windowWidth { sum += source[h * width + w] }
            }
            output[plane] = sum / count
        }
    }
}
