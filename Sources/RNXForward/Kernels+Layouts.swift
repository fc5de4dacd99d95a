#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kernels timm's layers add: the avg-down shortcut's pool and channel attention.
extension Kernels {
    /// `nn.AvgPool2d(kernel, stride, ceil_mode=True, count_include_pad=False)` without padding: a window that runs
    /// past the edge averages only the pixels inside.
    static func averagePoolCeil(
        input: UnsafePointer<Float>, planes: Int, height: Int, width: Int, kernel: Int, stride: Int,
        outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        ForwardThreads.parallelFor(planes, threads: threads, costPerItem: outHeight * outWidth * kernel * kernel) {
            range in
            for plane in range {
                let source = input + plane * height * width
                let target = output + plane * outHeight * outWidth
                for oh in 0..<outHeight {
                    let h0 = oh * stride, h1 = min(h0 + kernel, height)
                    for ow in 0..<outWidth {
                        let w0 = ow * stride, w1 = min(w0 + kernel, width)
                        var sum: Float = 0
                        for h in h0..<h1 {
                            for w in w0..<w1 { sum += source[h * width + w] }
                        }
                        target[oh * outWidth + ow] = sum / Float((h1 - h0) * (w1 - w0))
                    }
                }
            }
        }
    }

    /// Applies `attention` to `x` (`[C][N][H][W]`) in place, then adds `residual` (same layout, or none) and
    /// applies ReLU: `x = relu(x · gate + residual)`. `scratch` holds `scratchPerImage · N` floats.
    static func channelAttention(
        _ x: UnsafeMutablePointer<Float>, channels: Int, batch: Int, plane: Int, attention: ChannelAttention,
        residual: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let rowLength = batch * plane
        // means[n][c] and gate[n][c], image-major so each image's channel vector is contiguous.
        let means = scratch
        let gate = scratch + channels * batch
        for channel in 0..<channels {
            for image in 0..<batch {
                let row = x + channel * rowLength + image * plane
                var sum: Float = 0
                for i in 0..<plane { sum += row[i] }
                means[image * channels + channel] = sum / Float(plane)
            }
        }
        for image in 0..<batch {
            attentionGate(means: means + image * channels, channels: channels, attention: attention,
                          hidden: scratch + 2 * channels * batch + image * attention.hiddenCount,
                          gate: gate + image * channels)
        }
        ForwardThreads.parallelFor(channels, threads: threads, costPerItem: rowLength) { range in
            for channel in range {
                let row = x + channel * rowLength
                let add = residual.map { $0 + channel * rowLength }
                for image in 0..<batch {
                    let g = gate[image * channels + channel]
                    let start = image * plane
                    if let add {
                        for i in start..<start + plane { row[i] = max(row[i] * g + add[i], 0) }
                    } else {
                        for i in start..<start + plane { row[i] = max(row[i] * g, 0) }
                    }
                }
            }
        }
    }

    /// One image's gate from its channel means: `sigmoid(fc2(relu(fc1(mean))))` for SE, `sigmoid(conv1d(mean))` for
    /// ECA. `hidden` holds SE's `reduced` hidden units.
    static func attentionGate(
        means mean: UnsafePointer<Float>, channels: Int, attention: ChannelAttention,
        hidden: UnsafeMutablePointer<Float>, gate out: UnsafeMutablePointer<Float>
    ) {
        switch attention {
        case .squeezeExcite(_, let reduced, let reduce, let reduceBias, let expand, let expandBias):
            for r in 0..<reduced {
                var sum = reduceBias[r]
                for c in 0..<channels { sum += reduce[r * channels + c] * mean[c] }
                hidden[r] = max(sum, 0)
            }
            for c in 0..<channels {
                var sum = expandBias[c]
                for r in 0..<reduced { sum += expand[c * reduced + r] * hidden[r] }
                out[c] = 1 / (1 + exp(-sum))
            }
        case .eca(let kernel):
            let pad = (kernel.count - 1) / 2
            for c in 0..<channels {
                var sum: Float = 0
                for k in 0..<kernel.count {
                    let source = c + k - pad
                    if source >= 0 && source < channels { sum += kernel[k] * mean[source] }
                }
                out[c] = 1 / (1 + exp(-sum))
            }
        }
    }
}
